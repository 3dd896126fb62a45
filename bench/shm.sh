#!/usr/bin/env bash
# Same-host shared memory (issue 11), in ONE invocation: jmanager's shared memory (`worker.jar shm bench`) against
# Python's multiprocessing.Value/Array in shared memory (bench/shm_python.py) and against the same operations on a
# registry (registry.jar + `worker.jar bench`), in alternating rounds, every system in the same placement:
#   1-process rows: every process on CPU 1 (taskset -c 1): the shm JVM, the Python process, and for the registry
#                   both the registry and its client (so the registry pays the same-vCPU round trip, its fastest)
#   4-process rows: every process on both CPUs (taskset -c 0,1): the 4 shm JVMs, the 4 Python processes, the
#                   registry and its 4 client JVMs (4 processes on 2 vCPUs, as the targets say)
# Each round runs every case of every system once, in the order shm, Python, registry; the table shows the median
# of the rounds with their spread (min-max), and each ratio is the median of the per-round ratios (each from the
# same round) with their spread. Prints the table against the targets and writes the results as JSON (with every
# measurement) and Markdown.
#
# usage: bench/shm.sh [--quick] [--rounds N] [--seconds S] [--build] [--jars DIR] [--out FILE.json]
#                     [--wait-quiet SECONDS]
#   --quick        smoke run: 2 rounds of 0.5 s windows, warm-ups capped at 3 s (3.5-4.5 min on a busy machine);
#                  judge nothing by it
#   --rounds N     rounds (default 3; a full run took 11 min on a busy machine)
#   --seconds S    measured seconds of every case (default 3)
#   --build        rebuild the jars (otherwise built only if missing)
#   --jars DIR     take registry.jar and worker.jar from DIR instead of this checkout's build
#   --out FILE     the JSON results (default bench/results/shm-DATE-TIME.json; with --quick
#                  bench/target/shm-quick-DATE-TIME/shm.json); the Markdown table goes beside it (.md)
#   --wait-quiet S before each case, wait up to S seconds for the machine to go idle (under 0.1 cores busy)
# env: PYTHON (python3), JAVA (java), SHM_MAX_WARMUP (seconds, the cap of the shm warm-up: 30; quick 3),
#      PY_WARM (Python warm-up seconds: 0.5), REG_WARM_BASE, REG_WARM_PER_CLIENT, REG_OP_WARM_BASE,
#      REG_OP_WARM_PER_CLIENT (the registry clients' warm-ups, as in compare.sh)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
QUICK=0
ROUNDS=""
SECONDS_PER_CASE=""
BUILD=0
JARS=""
OUT=""
WAIT_QUIET=0
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --rounds) ROUNDS=$2; shift ;;
        --seconds) SECONDS_PER_CASE=$2; shift ;;
        --build) BUILD=1 ;;
        --jars) JARS=$2; shift ;;
        --out) OUT=$2; shift ;;
        --wait-quiet) WAIT_QUIET=$2; shift ;;
        -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
        *) echo "shm.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
if [ "$(nproc)" -lt 2 ]; then
    echo "shm.sh: needs 2 CPUs (the 4-process rows run on CPUs 0 and 1, the 1-process rows on CPU 1)" >&2; exit 2
fi
PYTHON=${PYTHON:-python3}
JAVA=${JAVA:-java}
cd "$ROOT"
STAMP=$(date +%Y-%m-%d-%H%M%S)
if [ $QUICK = 1 ]; then
    ROUNDS=${ROUNDS:-2}; DUR=${SECONDS_PER_CASE:-0.5}; SHM_MAX_WARMUP=${SHM_MAX_WARMUP:-3}; PY_WARM=${PY_WARM:-0.3}
    # the registry's client JVMs must at least be up and connected before the first window opens
    REG_WARM_BASE=${REG_WARM_BASE:-2}; REG_WARM_PER_CLIENT=${REG_WARM_PER_CLIENT:-1.5}
    REG_OP_WARM_BASE=${REG_OP_WARM_BASE:-0.5}; REG_OP_WARM_PER_CLIENT=${REG_OP_WARM_PER_CLIENT:-0.25}
    WORK=bench/target/shm-quick-$STAMP
    OUT=${OUT:-$WORK/shm.json}
else
    ROUNDS=${ROUNDS:-3}; DUR=${SECONDS_PER_CASE:-3}; SHM_MAX_WARMUP=${SHM_MAX_WARMUP:-30}; PY_WARM=${PY_WARM:-0.5}
    REG_WARM_BASE=${REG_WARM_BASE:-3}; REG_WARM_PER_CLIENT=${REG_WARM_PER_CLIENT:-2.5}
    REG_OP_WARM_BASE=${REG_OP_WARM_BASE:-1}; REG_OP_WARM_PER_CLIENT=${REG_OP_WARM_PER_CLIENT:-0.5}
    WORK=bench/target/shm-$STAMP
    OUT=${OUT:-bench/results/shm-$STAMP.json}
fi
mkdir -p "$WORK/jars" "$WORK/logs" "$(dirname "$OUT")"
WORK=$(cd "$WORK" && pwd)
RAW="$WORK/raw.jsonl"
: > "$RAW"
T0=$(date +%s)

# ---- the jars, run from copies (a build elsewhere must not swap them in the middle of a run)
if [ -n "$JARS" ]; then
    cp "$JARS/registry.jar" "$JARS/worker.jar" "$WORK/jars/"
else
    if [ $BUILD = 1 ] || [ ! -f rmi-registry/target/registry.jar ] || [ ! -f worker/target/worker.jar ]; then
        echo "# building registry.jar and worker.jar"
        mvn -q -B -o package -DskipTests >&2 || mvn -q -B package -DskipTests >&2
    fi
    cp rmi-registry/target/registry.jar worker/target/worker.jar "$WORK/jars/"
fi
WORKER="$WORK/jars/worker.jar"
# the shm areas go to a directory of this run, removed at the end
SHM_DIR=$(mktemp -d "${JMANAGER_SHM_BENCH_DIR:-/dev/shm}/jmanager-shm-bench.XXXXXX" 2>/dev/null || mktemp -d)

# ---- two registries: one on CPU 1 for the 1-process rows, one on both CPUs for the 4-process rows
read -r PORT1 PORT4 < <("$PYTHON" - <<'EOF'
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks:
    s.bind(('127.0.0.1', 0))
print(' '.join(str(s.getsockname()[1]) for s in socks))
EOF
)
JMANAGER_AUTHKEY=$("$PYTHON" -c 'import secrets; print(secrets.token_hex(32))')
export JMANAGER_AUTHKEY
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$SHM_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
taskset -c 1 "$JAVA" -jar "$WORK/jars/registry.jar" --port "$PORT1" --bind 127.0.0.1 --advertise 127.0.0.1 \
    > "$WORK/logs/registry-cpu1.log" 2>&1 &
PIDS+=($!)
taskset -c 0,1 "$JAVA" -jar "$WORK/jars/registry.jar" --port "$PORT4" --bind 127.0.0.1 --advertise 127.0.0.1 \
    > "$WORK/logs/registry-cpu01.log" 2>&1 &
PIDS+=($!)
for f in registry-cpu1 registry-cpu01; do
    for _ in $(seq 1 150); do grep -q "ready at" "$WORK/logs/$f.log" 2>/dev/null && break; sleep 0.1; done
    grep -q "ready at" "$WORK/logs/$f.log" || { echo "shm.sh: $f did not start:" >&2; cat "$WORK/logs/$f.log" >&2; exit 1; }
done

# ---- CPU accounting, as in compare.sh: the CPU other processes used during each case, in cores: on CPU 1 for the
# 1-process rows (where all of the case runs), on the whole machine for the 4-process rows
HZ=$(getconf CLK_TCK)
busy_ticks() { awk -v cpu="${1:-cpu}" '$1 == cpu {print $2+$3+$4+$7+$8; exit}' /proc/stat; }
registry_ticks() {
    local t=0 p
    for p in "${PIDS[@]}"; do t=$((t + $(awk '{print $14+$15}' "/proc/$p/stat"))); done
    echo $t
}
# user+sys of the waited-for children of this shell (and their children); must run in this shell, not in $(...)
child_ticks() {
    times > "$WORK/.times"
    awk -v hz="$HZ" 'NR==2{s=0; for(i=1;i<=2;i++){split($i,b,"m"); sub("s","",b[2]); s+=b[1]*60+b[2]} printf "%d\n", s*hz}' "$WORK/.times"
}
wait_quiet() {
    [ "$WAIT_QUIET" != 0 ] || return 0
    local deadline=$(( $(date +%s) + WAIT_QUIET )) b0 b1
    while :; do
        b0=$(busy_ticks); sleep 2; b1=$(busy_ticks)
        [ $(( (b1 - b0) * 10 )) -lt $(( 2 * HZ )) ] && return 0
        [ "$(date +%s)" -ge "$deadline" ] && { echo "# machine still busy after ${WAIT_QUIET}s; going on"; return 0; }
    done
}

echo "# shm.sh: $ROUNDS round(s), ${DUR} s windows; 1-process rows on CPU 1, 4-process rows on CPUs 0,1 (all systems);" \
     "shm warm-up until the rate stops rising (cap ${SHM_MAX_WARMUP} s); Python warm-up ${PY_WARM} s;" \
     "registry client warm-up ${REG_WARM_BASE} s + ${REG_WARM_PER_CLIENT} s per client, then" \
     "${REG_OP_WARM_BASE} s + ${REG_OP_WARM_PER_CLIENT} s per client before each further operation"
echo "# work directory $WORK; results $OUT"
[ $QUICK = 0 ] || echo "# --quick is a smoke test of the harness: short windows and capped warm-ups; judge nothing by it"

# measure SYSTEM PROCS ROUND COMMAND...: runs one case (or one registry session), appends its JSON lines, tagged,
# to raw.jsonl, and prints them
measure() {
    local sys=$1 n=$2 round=$3 out b0 b1 r0 r1 t0 t1 rc=0 cpu=cpu
    shift 3
    [ "$n" != 1 ] || cpu=cpu1
    wait_quiet
    b0=$(busy_ticks $cpu); r0=$(registry_ticks); child_ticks > "$WORK/.c0"; t0=$(date +%s%N)
    out=$("$@" 2>>"$WORK/logs/$sys.log") || rc=$?
    b1=$(busy_ticks $cpu); r1=$(registry_ticks); child_ticks > "$WORK/.c1"; t1=$(date +%s%N)
    BENCH_OUTPUT="$out" "$PYTHON" - "$RAW" "$sys" "$n" "$round" "$rc" $((b1 - b0)) $((r1 - r0)) \
        $(($(cat "$WORK/.c1") - $(cat "$WORK/.c0"))) $(((t1 - t0) / 1000000)) "$HZ" "$*" <<'EOF'
import json, os, sys
raw, system, n, rnd, rc, busy, reg, own, ms, hz, command = sys.argv[1:]
secs = max(int(ms), 1) / 1000
# the registries' CPU is the benchmark's own (in the registry's cases) or idle registries' (not "other" either)
other = round(max(0, int(busy) - int(own) - int(reg)) / int(hz) / secs, 2)
registry_names = {'value-get': 'get', 'value-set': 'set', 'incr': 'add-and-get', 'lock': 'lock-unlock',
                  'locked-incr': 'locked-increment', 'array-set': 'array-write'}
lines = [json.loads(l) for l in os.environ['BENCH_OUTPUT'].splitlines() if l.startswith('{')]
if not lines:
    lines = [{'error': True, 'exit': int(rc), 'command': command}]
with open(raw, 'a') as f:
    for r in lines:
        if system == 'registry' and 'op' in r:
            r['registryOp'] = r['op']
            r['op'] = registry_names.get(r['op'], r['op'])
            r['procs'] = r.get('clients')
        if int(rc) != 0:
            r['error'] = True
            r['exit'] = int(rc)
        if not r.get('error') and not r.get('operations'):
            r['error'] = True  # no operation in the window: e.g. client JVMs that were not up in time
        r.update(system=system, procs=int(n), round=int(rnd), otherCores=other, caseSeconds=secs,
                 cpus='1' if n == '1' else '0,1')
        f.write(json.dumps(r) + '\n')
        if r.get('error'):
            print('  %-9s %-17s %d proc%s  FAILED (exit %s, %s operations; see logs/%s.log)' % (
                system, r.get('op', '?'), int(n), ' ' if n == '1' else 's', rc, r.get('operations', 0), system),
                flush=True)
            continue
        check = ''
        if r.get('counter'):
            check = '  counter %s' % ('ok' if r['counter']['ok'] else 'LOST UPDATES')
        print('  %-9s %-17s %d proc%s %14s ops/s%s   (other processes: %.2f cores)' % (
            system, r['op'], int(n), ' ' if n == '1' else 's', format(round(r.get('opsPerSec', 0)), ','), check,
            other), flush=True)
EOF
}

run_shm() {  # run_shm PROCS ROUND OP
    local cpus=1; [ "$1" = 1 ] || cpus=0,1
    measure shm "$1" "$2" taskset -c $cpus "$JAVA" -jar "$WORKER" shm bench --dir "$SHM_DIR" --op "$3" \
        --procs "$1" --seconds "$DUR" --max-warmup "$SHM_MAX_WARMUP" --json
}
run_python() {  # run_python PROCS ROUND OP
    local cpus=1; [ "$1" = 1 ] || cpus=0,1
    measure python "$1" "$2" taskset -c $cpus "$PYTHON" bench/shm_python.py --op "$3" --procs "$1" \
        --seconds "$DUR" --warmup "$PY_WARM" --json
}
run_registry() {  # run_registry PROCS ROUND OPS: one client session of N client JVMs running OPS one after another
    local cpus=1 port=$PORT1 warm opwarm
    [ "$1" = 1 ] || { cpus=0,1; port=$PORT4; }
    warm=$(awk -v b="$REG_WARM_BASE" -v p="$REG_WARM_PER_CLIENT" -v n="$1" 'BEGIN{print b + p * n}')
    opwarm=$(awk -v b="$REG_OP_WARM_BASE" -v p="$REG_OP_WARM_PER_CLIENT" -v n="$1" 'BEGIN{print b + p * n}')
    measure registry "$1" "$2" taskset -c $cpus "$JAVA" -jar "$WORKER" bench --url "rmi://127.0.0.1:$port" \
        --op "$3" --clients "$1" --fork --duration "$DUR" --warmup "$warm" --op-warmup "$opwarm" --json
}

for round in $(seq 1 "$ROUNDS"); do
    echo "# round $round of $ROUNDS"
    for op in get set add-and-get cas-increment lock-unlock locked-increment array-write array-read; do
        run_shm 1 "$round" $op
    done
    run_python 1 "$round" locked-increment
    run_python 1 "$round" array-write
    run_registry 1 "$round" value-get,value-set,incr,lock,locked-incr,array-set
    for op in locked-increment add-and-get array-write; do
        run_shm 4 "$round" $op
    done
    run_python 4 "$round" locked-increment
    run_python 4 "$round" array-write
    run_registry 4 "$round" incr,locked-incr,array-set
done

echo
"$PYTHON" bench/shm_report.py "$RAW" --json "$OUT" --markdown "${OUT%.json}.md" \
    --note "rounds=$ROUNDS seconds=$DUR quick=$QUICK shmMaxWarmup=$SHM_MAX_WARMUP pyWarmup=$PY_WARM"
echo "# done in $(( $(date +%s) - T0 )) s; results: $OUT and ${OUT%.json}.md; raw: $RAW"

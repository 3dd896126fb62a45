#!/usr/bin/env bash
# One-invocation comparison of jmanager with its floor and its peer, in one CPU placement (issue 7):
#   plain RMI   bench/RmiFloor.java: ConcurrentHashMap<String, byte[]> behind a UnicastRemoteObject
#   jmanager    registry.jar, driven by `worker.jar bench --fork` (one JVM per client)
#   python      bench/pymanager.py: multiprocessing SyncManager over TCP with an authkey
# Each system's server runs pinned to the server CPU and every client process to the client CPU (taskset; child
# processes inherit it). For 1, 4 (and 2, 8 for the plot) client processes, each system runs in turn; the JVM
# clients of one system are started once per client count, warmed up once, then measure each operation in its own
# window (JIT compilation of N client JVMs sharing one vCPU takes seconds per JVM; paying it once per operation
# would not fit the time). Prints the table of ops/s and ratios against the targets; writes results.jsonl and
# summary.md to the output folder, and the plot (bench/plot.py) when matplotlib is installed.
#
# usage: bench/compare.sh [--quick] [--placement split|shared] [--build] [--jars DIR] [--clients LIST]
#                         [--out DIR] [--plot FILE] [--wait-quiet SECONDS]
#   --quick        1 s windows, short warm-ups, clients 1 and 4 only (about 80 s); the full run takes about 4.8 min
#   --placement    split (default): servers on CPU 0, clients on CPU 1; shared: everything on CPU 0
#   --build        rebuild the jars (otherwise built only if missing)
#   --jars DIR     take registry.jar and worker.jar from DIR instead of this checkout's build
#   --clients LIST client counts to run, e.g. 1,4 (default: 1,4,2,8; --quick: 1,4)
#   --out DIR      where results go (default bench/target/compare-<time>)
#   --plot FILE    where the plot goes (default OUT/throughput.png; bench/throughput.png is the committed one)
#   --wait-quiet S before each client session, wait up to S seconds for the machine to go idle (under 0.1 cores
#                  busy), and run a session again (once) if other processes used more than 0.25 cores during it
# env: PYTHON (python3), PLOT_PYTHON (/usr/bin/python3, which has Debian's python3-matplotlib), JAVA (java),
#      DUR, WARM_BASE, WARM_PER_CLIENT, OP_WARM_BASE, OP_WARM_PER_CLIENT, PY_WARM (seconds; see below)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
QUICK=0
PLACEMENT=split
BUILD=0
JARS=""
OUT=""
PLOT=""
WAIT_QUIET=0
CLIENTS=""
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --placement) PLACEMENT=$2; shift ;;
        --build) BUILD=1 ;;
        --jars) JARS=$2; shift ;;
        --out) OUT=$2; shift ;;
        --plot) PLOT=$2; shift ;;
        --wait-quiet) WAIT_QUIET=$2; shift ;;
        --clients) CLIENTS=$2; shift ;;
        -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
        *) echo "compare.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
case "$PLACEMENT" in
    split) SERVER_CPU=0; CLIENT_CPU=1 ;;
    shared) SERVER_CPU=0; CLIENT_CPU=0 ;;
    *) echo "compare.sh: --placement must be split or shared" >&2; exit 2 ;;
esac
if [ "$PLACEMENT" = split ] && [ "$(nproc)" -lt 2 ]; then
    echo "compare.sh: split placement needs 2 CPUs; use --placement shared" >&2; exit 2
fi
PYTHON=${PYTHON:-python3}
PLOT_PYTHON=${PLOT_PYTHON:-/usr/bin/python3}
JAVA=${JAVA:-java}
cd "$ROOT"
OUT=${OUT:-bench/target/compare-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT/jars" "$OUT/classes" "$OUT/logs"
OUT=$(cd "$OUT" && pwd)
PLOT=${PLOT:-$OUT/throughput.png}
T0=$(date +%s)

# Warm-up of the first operation of a JVM client session: WARM_BASE + WARM_PER_CLIENT * clients seconds (measured:
# one C2-compiled client JVM reaches its steady rate after 4 to 7 s on a pinned vCPU, N JVMs take about N times the
# compile work); OP_WARM_BASE + OP_WARM_PER_CLIENT * clients before each further operation (new code paths);
# PY_WARM for Python clients (no JIT).
# Each may be set in the environment (e.g. WARM_PER_CLIENT=4 for 8 fully compiled client JVMs, in a longer run).
if [ $QUICK = 1 ]; then
    DUR=${DUR:-1}; WARM_BASE=${WARM_BASE:-2}; WARM_PER_CLIENT=${WARM_PER_CLIENT:-1}; OP_WARM_BASE=${OP_WARM_BASE:-0.5}
    OP_WARM_PER_CLIENT=${OP_WARM_PER_CLIENT:-0.25}; PY_WARM=${PY_WARM:-0.5}; COUNTS="1 4"
else
    DUR=${DUR:-3}; WARM_BASE=${WARM_BASE:-3}; WARM_PER_CLIENT=${WARM_PER_CLIENT:-2.5}; OP_WARM_BASE=${OP_WARM_BASE:-1}
    OP_WARM_PER_CLIENT=${OP_WARM_PER_CLIENT:-0.5}; PY_WARM=${PY_WARM:-1}; COUNTS="1 4 2 8"
fi
[ -z "$CLIENTS" ] || COUNTS=${CLIENTS//,/ }

# ---- build what is needed, and run from copies (a build elsewhere must not swap jars in the middle of a run)
if [ -n "$JARS" ]; then
    cp "$JARS/registry.jar" "$JARS/worker.jar" "$OUT/jars/"
else
    if [ $BUILD = 1 ] || [ ! -f rmi-registry/target/registry.jar ] || [ ! -f worker/target/worker.jar ]; then
        echo "# building registry.jar and worker.jar"
        mvn -q -B -o package -DskipTests >&2 || mvn -q -B package -DskipTests >&2
    fi
    cp rmi-registry/target/registry.jar worker/target/worker.jar "$OUT/jars/"
fi
javac -d "$OUT/classes" bench/RmiFloor.java

# ---- three free loopback ports, and an authentication key for each manager (Python's authkey; jmanager's
# registry reads JMANAGER_AUTHKEY where it authenticates connections)
read -r JM_PORT RMI_PORT PY_PORT < <("$PYTHON" - <<'EOF'
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks:
    s.bind(('127.0.0.1', 0))
print(' '.join(str(s.getsockname()[1]) for s in socks))
EOF
)
JMANAGER_AUTHKEY=$("$PYTHON" -c 'import secrets; print(secrets.token_hex(32))')
export JMANAGER_AUTHKEY

# ---- servers, each pinned to the server CPU
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
taskset -c $SERVER_CPU "$JAVA" -jar "$OUT/jars/registry.jar" --port "$JM_PORT" --bind 127.0.0.1 \
    --advertise 127.0.0.1 > "$OUT/logs/jmanager-server.log" 2>&1 &
JM_PID=$!; PIDS+=($JM_PID)
taskset -c $SERVER_CPU "$JAVA" -cp "$OUT/classes" RmiFloor server --port "$RMI_PORT" \
    > "$OUT/logs/rmi-server.log" 2>&1 &
RMI_PID=$!; PIDS+=($RMI_PID)
taskset -c $SERVER_CPU "$PYTHON" bench/pymanager.py serve --port "$PY_PORT" > "$OUT/logs/python-server.log" 2>&1 &
PY_PID=$!; PIDS+=($PY_PID)
for f in jmanager-server rmi-server python-server; do
    for _ in $(seq 1 150); do grep -q "ready at" "$OUT/logs/$f.log" 2>/dev/null && break; sleep 0.1; done
    grep -q "ready at" "$OUT/logs/$f.log" || { echo "compare.sh: $f did not start:" >&2; cat "$OUT/logs/$f.log" >&2; exit 1; }
done

# ---- CPU accounting: how much CPU processes other than ours used during each run
HZ=$(getconf CLK_TCK)
busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8; exit}' /proc/stat; }
server_ticks() {
    local t=0 p
    for p in $JM_PID $RMI_PID $PY_PID; do t=$((t + $(awk '{print $14+$15}' "/proc/$p/stat"))); done
    echo $t
}
# user+sys of every waited-for child of this shell, and so of the client processes they forked and waited for;
# `times` must run in this shell, not in a $(...) subshell, which would count only its own children
child_ticks() {
    times > "$OUT/.times"
    awk -v hz="$HZ" 'NR==2{s=0; for(i=1;i<=2;i++){split($i,b,"m"); sub("s","",b[2]); s+=b[1]*60+b[2]} printf "%d\n", s*hz}' "$OUT/.times"
}
wait_quiet() {
    [ "$WAIT_QUIET" != 0 ] || return 0
    local deadline=$(( $(date +%s) + WAIT_QUIET )) b0 b1
    while :; do
        b0=$(busy_ticks); sleep 2; b1=$(busy_ticks)
        [ $(( (b1 - b0) * 10 )) -lt $(( 2 * HZ )) ] && return 0   # under 0.1 cores busy
        [ "$(date +%s)" -ge "$deadline" ] && { echo "# machine still busy after ${WAIT_QUIET}s; going on"; return 0; }
    done
}

RESULTS="$OUT/results.jsonl"
: > "$RESULTS"
echo "# placement: $PLACEMENT (servers taskset -c $SERVER_CPU, clients taskset -c $CLIENT_CPU); windows ${DUR}s;" \
     "JVM client warm-up ${WARM_BASE}s + ${WARM_PER_CLIENT}s per client process, then" \
     "${OP_WARM_BASE}s + ${OP_WARM_PER_CLIENT}s per client process before each further operation; Python ${PY_WARM}s"
echo "# ports: jmanager $JM_PORT, rmi $RMI_PORT, python $PY_PORT; output $OUT"
[ $QUICK = 0 ] || echo "# --quick is a smoke test: 4 client JVMs sharing one vCPU are still compiling after its short" \
    "warm-up, so its 4-client JVM figures are low; judge the targets by a full run"

# run SYSTEM CLIENTS OPS: one client session (all operations of OPS, comma-separated, by the same client
# processes); appends one JSON line per operation to results.jsonl. With --wait-quiet, waits for an idle machine
# first, and runs the session once more if other processes took more than 0.25 cores meanwhile.
run() {
    local attempt
    for attempt in 1 2; do
        wait_quiet
        session "$@"
        [ "$WAIT_QUIET" != 0 ] && [ "$attempt" = 1 ] || break
        "$PYTHON" -c 'import sys; sys.exit(0 if float(sys.argv[1]) > 0.25 else 1)' "$(cat "$OUT/.other")" || break
        echo "  (busy machine: running this session again)"
    done
}

SEQ=0
session() {
    local sys=$1 n=$2 ops=$3 warm opwarm out b0 b1 s0 s1 t0 t1
    SEQ=$((SEQ + 1))
    warm=$(awk -v b=$WARM_BASE -v p=$WARM_PER_CLIENT -v n="$n" 'BEGIN{print b + p * n}')
    opwarm=$(awk -v b=$OP_WARM_BASE -v p=$OP_WARM_PER_CLIENT -v n="$n" 'BEGIN{print b + p * n}')
    b0=$(busy_ticks); s0=$(server_ticks); child_ticks > "$OUT/.c0"; t0=$(date +%s%N)
    case $sys in
        rmi) out=$(taskset -c $CLIENT_CPU "$JAVA" -cp "$OUT/classes" RmiFloor client --port "$RMI_PORT" --op "$ops" \
                 --clients "$n" --duration $DUR --warmup "$warm" --op-warmup "$opwarm" --json \
                 2>>"$OUT/logs/clients.log") || true ;;
        jmanager) out=$(taskset -c $CLIENT_CPU "$JAVA" -jar "$OUT/jars/worker.jar" bench \
                 --url "rmi://127.0.0.1:$JM_PORT" --op "$ops" --clients "$n" --fork --duration $DUR \
                 --warmup "$warm" --op-warmup "$opwarm" --batch 1000 --json 2>>"$OUT/logs/clients.log") || true ;;
        python) out=$(taskset -c $CLIENT_CPU "$PYTHON" bench/pymanager.py run --port "$PY_PORT" --op "$ops" \
                 --clients "$n" --duration $DUR --warmup $PY_WARM --json 2>>"$OUT/logs/clients.log") || true ;;
    esac
    b1=$(busy_ticks); s1=$(server_ticks); child_ticks > "$OUT/.c1"; t1=$(date +%s%N)
    BENCH_OUTPUT="$out" "$PYTHON" - "$RESULTS" "$sys" "$n" "$ops" "$PLACEMENT" $((b1 - b0)) $((s1 - s0)) \
        $(($(cat "$OUT/.c1") - $(cat "$OUT/.c0"))) $(((t1 - t0) / 1000000)) "$HZ" "$OUT/.other" $SEQ <<'EOF'
import json, os, sys
path, system, n, ops, placement, busy, srv, cli, ms, hz, other_file, seq = sys.argv[1:]
secs = int(ms) / 1000
other = round(max(0, int(busy) - int(srv) - int(cli)) / int(hz) / secs, 2)
with open(other_file, 'w') as f:
    f.write('%s\n' % other)
lines = [json.loads(l) for l in os.environ['BENCH_OUTPUT'].splitlines() if l.startswith('{')]
with open(path, 'a') as f:
    for k, op in enumerate(ops.split(',')):  # one output line per listed operation, in order
        op = {'set': 'put'}.get(op, op)
        r = lines[k] if k < len(lines) else {'error': True}
        r['op'] = {'set': 'put'}.get(r.get('op', op), op)
        if r['op'] != op:
            r = {'op': op, 'error': True}
        r.update(system=system, clients=int(n), placement=placement, otherCores=other, sessionSeconds=secs,
                 session=int(seq), window=k)
        f.write(json.dumps(r) + '\n')
        if r.get('error'):
            print('  %-8s %-7s %d client%s  FAILED (see logs/clients.log)' % (system, op, int(n), ' ' if n == '1' else 's'))
            continue
        extra = '  p50 %.1f ms' % (r['p50Us'] / 1000) if op == 'connect' and 'p50Us' in r else ''
        print('  %-8s %-7s %d client%s %12s ops/s%s' % (system, op, int(n), ' ' if n == '1' else 's',
              format(round(r.get('opsPerSec', 0)), ','), extra), flush=True)
print('  (%s, %d client%s: %.0f s, other processes used %.2f cores)' % (system, int(n), '' if n == '1' else 's', secs, other), flush=True)
EOF
}

for n in $COUNTS; do
    case $n in
        # put and get are measured twice in the 1-client sessions of the two JVM systems (early and late in the
        # session; the table shows their mean): the plain-RMI ratio target is the tightest, and one window of one
        # JVM varies by about 10 % from run to run (not in --quick, to keep it short)
        1) if [ $QUICK = 1 ]; then
               run rmi 1 put,get; run jmanager 1 put,get,lock,incr,batch,connect
           else
               run rmi 1 put,get,put,get; run jmanager 1 put,get,lock,incr,batch,connect,put,get
           fi
           run python 1 set,get,lock,incr,connect ;;
        4) run rmi 4 put,get; run jmanager 4 put,get,lock,incr; run python 4 set,get,lock,incr ;;
        *) run rmi "$n" put; run jmanager "$n" put; run python "$n" set ;;
    esac
done

echo
"$PYTHON" bench/report.py "$RESULTS" --markdown "$OUT/summary.md"
if "$PLOT_PYTHON" -c 'import matplotlib' 2>/dev/null; then
    "$PLOT_PYTHON" bench/plot.py "$RESULTS" "$PLOT" > /dev/null && echo "# plot: $PLOT"
else
    echo "# no plot: $PLOT_PYTHON has no matplotlib (apt-get install -y python3-matplotlib)"
fi
echo "# done in $(( $(date +%s) - T0 )) s; results: $RESULTS"

#!/usr/bin/env bash
# Durability benchmarks (issue 6), in one invocation and one CPU placement (registries on CPU 0, clients on CPU 1):
#   1. Group commit: dict puts (100-byte values) from 8 concurrent writer threads against an in-memory registry, a
#      --data-dir registry with --fsync always (the default) and one with --fsync interval=10; rounds alternate
#      so that drift hits every system alike, after one unmeasured round that warms up (JIT) every registry
#      process alike. Prints each system's mean and its ratio to in-memory (target for 'always': >= 0.30).
#   2. Recovery: 1,000,000 entries (16-character key, 100-byte value) written into a --data-dir registry, which is
#      then killed with SIGKILL and restarted on the same directory; prints the registry's own "restored ... in
#      N ms" and the time from `java -jar` to its ready line (target: <= 10 s).
#
#   With --baseline JAR, a fourth registry runs that jar with --fsync always in the same rounds (e.g. the registry.jar
#   of an earlier commit, to measure what a change to the commit path costs: `git archive REV | tar -x -C DIR`, then
#   `mvn -q -o package -DskipTests -pl rmi-registry -am` there), and recovery is measured for it too.
#
# usage: bench/durable.sh [--rounds N (0: recovery only)] [--duration S] [--writers N] [--entries N] [--out DIR] [--skip-recovery]
#                         [--baseline JAR]
# env: JAVA (java)
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=5 DURATION=5 WRITERS=8 ENTRIES=1000000 OUT="" SKIP_RECOVERY=0 BASELINE=""
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) ROUNDS="$2"; shift 2 ;;
        --duration) DURATION="$2"; shift 2 ;;
        --writers) WRITERS="$2"; shift 2 ;;
        --entries) ENTRIES="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        --skip-recovery) SKIP_RECOVERY=1; shift ;;
        --baseline) BASELINE="$2"; shift 2 ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "durable.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
done
JAVA="${JAVA:-java}"
OUT="${OUT:-bench/target/durable-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"
REGISTRY=rmi-registry/target/registry.jar
WORKER=worker/target/worker.jar
[ -f "$REGISTRY" ] && [ -f "$WORKER" ] || mvn -B -q package -DskipTests

PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && { kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; } || true; done; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_registry NAME PORT ARGS... : starts a registry pinned to CPU 0, waits for its ready line
# (env JAR: another registry jar)
start_registry() {
    local name="$1" port="$2"; shift 2
    taskset -c 0 "$JAVA" -jar "${JAR:-$REGISTRY}" --port "$port" --bind 127.0.0.1 --advertise 127.0.0.1 "$@" \
        > "$OUT/$name.log" 2>&1 &
    LAST_PID=$!
    PIDS+=("$LAST_PID")
    for _ in $(seq 1 300); do grep -q "ready at" "$OUT/$name.log" 2>/dev/null && return 0; sleep 0.05; done
    echo "durable.sh: registry $name did not start:" >&2; cat "$OUT/$name.log" >&2; exit 1
}

echo "# durable.sh: $(nproc) CPUs, registries on CPU 0, clients on CPU 1; $WRITERS writers, ${DURATION}s windows, $ROUNDS rounds"
echo "# output: $OUT"

if [ "$ROUNDS" -gt 0 ]; then   # --rounds 0: recovery only
P_MEM=$(free_port); start_registry memory "$P_MEM"
P_ALW=$(free_port); start_registry always "$P_ALW" --data-dir "$OUT/data-always"
P_INT=$(free_port); start_registry interval "$P_INT" --data-dir "$OUT/data-interval" --fsync interval=10
SYSTEMS="memory always interval"
if [ -n "$BASELINE" ]; then
    P_BASE=$(free_port); JAR="$BASELINE" start_registry baseline "$P_BASE" --data-dir "$OUT/data-baseline"
    SYSTEMS="$SYSTEMS baseline"
    echo "# baseline: $BASELINE (--fsync always)"
fi

run_put() { # URL -> ops/s
    taskset -c 1 "$JAVA" -jar "$WORKER" bench -u "$1" --op put --clients 1 --threads "$WRITERS" \
        --value-size 100 --duration "$DURATION" --warmup 3 --json | python3 -c '
import json, sys
for line in sys.stdin:
    line = line.strip()
    if line.startswith("{"):
        print(round(json.loads(line)["opsPerSec"]))'
}

port_of() { case $1 in memory) echo "$P_MEM" ;; always) echo "$P_ALW" ;; interval) echo "$P_INT" ;; baseline) echo "$P_BASE" ;; esac; }
for sys in $SYSTEMS; do   # warm-up round: every registry's JIT, not measured
    run_put "rmi://127.0.0.1:$(port_of "$sys")" > /dev/null
done
declare -A SUM=([memory]=0 [always]=0 [interval]=0 [baseline]=0)
for r in $(seq 1 "$ROUNDS"); do
    for sys in $SYSTEMS; do
        p=$(port_of "$sys")
        ops=$(run_put "rmi://127.0.0.1:$p")
        echo "  round $r  $sys  put x$WRITERS writers  $ops ops/s" | tee -a "$OUT/results.txt"
        SUM[$sys]=$(( ${SUM[$sys]} + ops ))
    done
done
mem=$(( ${SUM[memory]} / ROUNDS )); alw=$(( ${SUM[always]} / ROUNDS )); itv=$(( ${SUM[interval]} / ROUNDS ))
base=$(( ${SUM[baseline]} / ROUNDS ))
python3 - "$mem" "$alw" "$itv" "$base" <<'EOF' | tee -a "$OUT/results.txt"
import sys
mem, alw, itv, base = map(int, sys.argv[1:])
print(f"group commit, 8 writers: in-memory {mem:,} ops/s; --fsync always {alw:,} ops/s = {alw/mem:.2f}x"
      f" (target >= 0.30x: {'met' if alw >= 0.3 * mem else 'MISSED'}); --fsync interval=10 {itv:,} ops/s = {itv/mem:.2f}x")
if base:
    print(f"baseline (--fsync always): {base:,} ops/s = {base/mem:.2f}x in-memory; this build / baseline = {alw/base:.2f}x")
EOF
fi
cleanup; PIDS=()

if [ "$SKIP_RECOVERY" = 0 ]; then
    P_REC=$(free_port)
    start_registry recovery-fill "$P_REC" --data-dir "$OUT/data-recovery"
    REC_PID=$LAST_PID
    taskset -c 1 "$JAVA" -cp "$WORKER" bench/RecoveryFill.java "rmi://127.0.0.1:$P_REC" "$ENTRIES" | tee -a "$OUT/results.txt"
    { kill -9 "$REC_PID"; wait "$REC_PID"; } 2>/dev/null || true
    size=$(du -sh "$OUT/data-recovery" | cut -f1)
    t0=$(date +%s%N)
    start_registry recovery "$P_REC" --data-dir "$OUT/data-recovery"
    t1=$(date +%s%N)
    restored=$(grep "^restored" "$OUT/recovery.log")
    echo "recovery after SIGKILL: $restored; java -jar to ready: $(( (t1 - t0) / 1000000 )) ms (target <= 10000 ms); data directory $size" \
        | tee -a "$OUT/results.txt"
    if [ -n "$BASELINE" ]; then
        cleanup; PIDS=()
        P_REC=$(free_port)
        JAR="$BASELINE" start_registry baseline-recovery-fill "$P_REC" --data-dir "$OUT/data-recovery-baseline"
        REC_PID=$LAST_PID
        taskset -c 1 "$JAVA" -cp "$WORKER" bench/RecoveryFill.java "rmi://127.0.0.1:$P_REC" "$ENTRIES" > /dev/null
        { kill -9 "$REC_PID"; wait "$REC_PID"; } 2>/dev/null || true
        t0=$(date +%s%N)
        JAR="$BASELINE" start_registry baseline-recovery "$P_REC" --data-dir "$OUT/data-recovery-baseline"
        t1=$(date +%s%N)
        restored=$(grep "^restored" "$OUT/baseline-recovery.log")
        echo "baseline recovery after SIGKILL: $restored; java -jar to ready: $(( (t1 - t0) / 1000000 )) ms" \
            | tee -a "$OUT/results.txt"
    fi
fi

#!/usr/bin/env bash
# Asynchronous operations with smart batching (issue 14), in one invocation and one placement (servers on CPU 0,
# clients on CPU 1), dict puts of 16-byte values:
#   rmi-floor      bench/RmiFloor.java, 1 client: one synchronous plain-RMI call at a time (the floor)
#   sync-1, sync-4 worker.jar bench --op put with 1 and 4 threads in one JVM (synchronous calls)
#   async-1, async-4  the same with --async --in-flight N (N operations in flight per thread, batched)
#   redis-P16      redis-benchmark -t set -P 16 -c 1 (16 commands pipelined on one connection), when redis-server
#                  is installed (apt-get install redis-server); skipped otherwise
# Every case runs once per round and the rounds alternate the cases (default 3), so that drift hits all alike;
# prints each case's median with its min-max and the ratios of medians.
#
# usage: bench/async.sh [--rounds N] [--duration S] [--warmup S] [--in-flight N] [--out DIR]
# env: JAVA (java)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=3 DURATION=5 WARMUP=3 INFLIGHT=16 OUT=""
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) ROUNDS=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --in-flight) INFLIGHT=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "async.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
done
JAVA=${JAVA:-java}
OUT=${OUT:-bench/target/async-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT/classes"
[ -f rmi-registry/target/registry.jar ] && [ -f worker/target/worker.jar ] || mvn -B -q package -DskipTests
cp rmi-registry/target/registry.jar worker/target/worker.jar "$OUT/"
javac -d "$OUT/classes" bench/RmiFloor.java

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
JMANAGER_AUTHKEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
export JMANAGER_AUTHKEY
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

JM_PORT=$(free_port); RMI_PORT=$(free_port); REDIS_PORT=$(free_port)
taskset -c 0 "$JAVA" -jar "$OUT/registry.jar" --port "$JM_PORT" --bind 127.0.0.1 --advertise 127.0.0.1 \
    > "$OUT/registry.log" 2>&1 &
PIDS+=($!)
taskset -c 0 "$JAVA" -cp "$OUT/classes" RmiFloor server --port "$RMI_PORT" > "$OUT/rmi.log" 2>&1 &
PIDS+=($!)
REDIS=0
if command -v redis-server > /dev/null && command -v redis-benchmark > /dev/null; then
    taskset -c 0 redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
        > "$OUT/redis.log" 2>&1 &
    PIDS+=($!)
    REDIS=1
fi
for f in registry rmi; do
    for _ in $(seq 1 200); do grep -q "ready at" "$OUT/$f.log" 2>/dev/null && break; sleep 0.05; done
    grep -q "ready at" "$OUT/$f.log" || { echo "async.sh: $f did not start:" >&2; cat "$OUT/$f.log" >&2; exit 1; }
done
URL="rmi://127.0.0.1:$JM_PORT"
echo "# async.sh: $(nproc) CPUs, servers on CPU 0, clients on CPU 1; $ROUNDS rounds of ${DURATION}s windows" \
     "(warm-up ${WARMUP}s each); $INFLIGHT in flight per thread; output $OUT"

json_rate() { python3 -c 'import json,sys
for l in sys.stdin:
    l=l.strip()
    if l.startswith("{"): print(round(json.loads(l)["opsPerSec"])); break'; }
bench() { # THREADS [async]
    local extra=()
    [ "${2:-}" = async ] && extra=(--async --in-flight "$INFLIGHT")
    taskset -c 1 "$JAVA" -jar "$OUT/worker.jar" bench -u "$URL" --op put --threads "$1" --duration "$DURATION" \
        --warmup "$WARMUP" --json "${extra[@]}" 2>>"$OUT/clients.log" | json_rate
}
case_rate() {
    case $1 in
        rmi-floor) taskset -c 1 "$JAVA" -cp "$OUT/classes" RmiFloor client --port "$RMI_PORT" --op put --clients 1 \
                       --duration "$DURATION" --warmup "$WARMUP" --json 2>>"$OUT/clients.log" | json_rate ;;
        sync-1) bench 1 ;;
        sync-4) bench 4 ;;
        async-1) bench 1 async ;;
        async-4) bench 4 async ;;
        redis-P16) taskset -c 1 redis-benchmark -p "$REDIS_PORT" -t set -P 16 -c 1 -d 16 -n 2000000 --csv -q \
                       2>>"$OUT/clients.log" | awk -F'"' '/SET/ {printf "%d\n", $4}' ;;
    esac
}
CASES="rmi-floor sync-1 async-1 sync-4 async-4"
[ $REDIS = 1 ] && CASES="$CASES redis-P16"
: > "$OUT/results.txt"
for r in $(seq 1 "$ROUNDS"); do
    for c in $CASES; do
        rate=$(case_rate "$c")
        echo "$c $rate" >> "$OUT/results.txt"
        printf '  round %d  %-10s %12s ops/s\n' "$r" "$c" "$(printf "%'d" "$rate")"
    done
done
python3 - "$OUT/results.txt" "$INFLIGHT" <<'EOF'
import statistics, sys
rates = {}
for line in open(sys.argv[1]):
    name, rate = line.split()
    rates.setdefault(name, []).append(int(rate))
med = {k: statistics.median(v) for k, v in rates.items()}
print("\n| case | median ops/s | min-max | × rmi-floor | × sync, same threads |")
print("|---|---|---|---|---|")
for k, v in rates.items():
    sync = {"async-1": "sync-1", "async-4": "sync-4"}.get(k)
    print("| %s | %s | %s-%s | %.2f | %s |" % (k, format(round(med[k]), ","), format(min(v), ","), format(max(v), ","),
          med[k] / med["rmi-floor"], "%.2f" % (med[k] / med[sync]) if sync else ""))
if "redis-P16" in med:
    print("\nasync-1 (%s in flight) / redis-benchmark -P 16: %.2f" % (sys.argv[2], med["async-1"] / med["redis-P16"]))
EOF

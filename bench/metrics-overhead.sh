#!/usr/bin/env bash
# What the operator's metrics cost per call (issue 13): the same registry.jar twice, one without --http (remote
# calls are not wrapped or timed) and one with --http 0 (every call timed into the Prometheus histograms), driven
# in turn by the same `worker.jar bench` clients, ROUNDS rounds, alternating which goes first. Prints each run and
# the ratio of the medians (with --http / without). Writes OUT/results.jsonl (one bench JSON object per line, with
# "registry": "plain" or "metrics").
#
# usage: bench/metrics-overhead.sh [--ops put,get,lock] [--rounds N] [--duration S] [--clients N] [--threads T]
#                                  [--out DIR]
# Needs the packaged jars (mvn -B -q package -DskipTests). "ratio" is the ratio of the medians; "paired" the median
# of each round's ratio (its two runs back to back), less exposed to other load on the machine.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OPS=put,get,lock
ROUNDS=3
DURATION=5
CLIENTS=2
THREADS=2
OUT=""
while [ $# -gt 0 ]; do
    case "$1" in
        --ops) OPS=$2; shift ;;
        --rounds) ROUNDS=$2; shift ;;
        --duration) DURATION=$2; shift ;;
        --clients) CLIENTS=$2; shift ;;
        --threads) THREADS=$2; shift ;;
        --out) OUT=$2; shift ;;
        *) echo "metrics-overhead: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
OUT=${OUT:-$ROOT/bench/target/metrics-overhead-$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
REGISTRY=$ROOT/rmi-registry/target/registry.jar
WORKER=$ROOT/worker/target/worker.jar
[ -f "$REGISTRY" ] && [ -f "$WORKER" ] || { echo "metrics-overhead: build the jars first" >&2; exit 1; }
export JMANAGER_AUTHKEY=${JMANAGER_AUTHKEY:-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

start() { # name, extra options; sets URL (not in a subshell: the EXIT trap must see the pid)
    local log=$OUT/registry-$1.log
    shift
    java -jar "$REGISTRY" --port 0 --bind 127.0.0.1 --advertise 127.0.0.1 "$@" >"$log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 200); do
        if grep -q '^jmanager registry ready at ' "$log"; then
            URL=$(grep '^jmanager registry ready at ' "$log" | sed 's/^jmanager registry ready at //')
            return
        fi
        sleep 0.1
    done
    echo "metrics-overhead: registry did not start; its log:" >&2
    cat "$log" >&2
    exit 1
}
start plain
PLAIN=$URL
start metrics --http 0
METRICS=$URL
echo "plain registry $PLAIN, with --http $METRICS"

run() { # label url round
    java -jar "$WORKER" bench -u "$2" --op "$OPS" --clients "$CLIENTS" --threads "$THREADS" --duration "$DURATION" \
        --warmup 2 --op-warmup 1 --json 2>/dev/null | while read -r line; do
            echo "{\"registry\":\"$1\",\"round\":$3,${line#\{}"
        done >>"$OUT/results.jsonl"
}
for round in $(seq 1 "$ROUNDS"); do
    if [ $((round % 2)) = 1 ]; then order="plain metrics"; else order="metrics plain"; fi
    for which in $order; do
        if [ "$which" = plain ]; then run plain "$PLAIN" "$round"; else run metrics "$METRICS" "$round"; fi
        echo "round $round: $which done"
    done
done
python3 - "$OUT/results.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
ops = sorted({r["op"] for r in rows})
print(f"{'op':8} {'plain ops/s':>12} {'--http ops/s':>13} {'ratio':>6} {'paired':>7} {'p50 µs plain':>13}"
      f" {'p50 µs --http':>14}")
for op in ops:
    def med(which, key):
        return statistics.median(r[key] for r in rows if r["op"] == op and r["registry"] == which)
    p, m = med("plain", "opsPerSec"), med("metrics", "opsPerSec")
    # each round's two runs are back to back: the median of their ratios is less exposed to a busy machine
    paired = statistics.median(
        next(r["opsPerSec"] for r in rows if r["op"] == op and r["round"] == n and r["registry"] == "metrics")
        / next(r["opsPerSec"] for r in rows if r["op"] == op and r["round"] == n and r["registry"] == "plain")
        for n in sorted({r["round"] for r in rows}))
    print(f"{op:8} {p:12.0f} {m:13.0f} {m / p:6.3f} {paired:7.3f} {med('plain', 'p50Us'):13.1f}"
          f" {med('metrics', 'p50Us'):14.1f}")
PY

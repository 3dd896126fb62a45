#!/usr/bin/env bash
# The registry group's leader-side group commit (EntryCoalescer), on and off, in one invocation: for each round and
# each case, a fresh 3-member group on CPU 0 (three registry.jar processes, Raft over loopback, each its own
# --data-dir), warmed up with puts from 4 clients, then `worker.jar bench --op put` with 4 and 1 clients from
# CPU 1. Cases alternate (on, off, on, off, ...), so that a drift of the machine hits both.
#   on:  the default (-Djmanager.group.appendsInFlight=1: one appended entry awaits its commit, the mutations that
#        finish meanwhile share the next log entry)
#   off: -Djmanager.group.appendsInFlight=1000000 (every mutation its own log entry, as before the group commit)
# Or any cases given with --case (then only those, in that order; the ratios are of the first case to each other).
# Prints one line per case and client count, and the median ratio on/off per client count.
#
# usage: bench/group-commit.sh [--rounds N] [--warmup S] [--duration S] [--member-options OPTS]
#                              [--case NAME=OPTS]... [--out DIR]
#   --rounds N    rounds of both cases (default 2)
#   --warmup S    seconds of 4-client puts before measuring each group (default 120: the JIT of three members
#                 sharing one CPU takes that long to settle)
#   --duration S  measured seconds per client count (default 15)
#   --member-options OPTS  more JVM options for every member, e.g. "-XX:TieredStopAtLevel=1" (C1 only: the
#                 members settle within a minute and a group's rate depends less on what C2 compiled when)
#   --case NAME=OPTS  a case of its own: the members' JVM options besides --member-options, e.g.
#                 --case gather=-Djmanager.group.gatherMicros=500 --case none=-Djmanager.group.gatherMicros=0
#   --out DIR     where the members' logs and results.txt go (default bench/target/group-commit-<time>)
# env: JAVA (java)
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=2 WARM=120 DURATION=15 OUT="" MEMBER_OPTIONS=""
CASES=()
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) ROUNDS="$2"; shift 2 ;;
        --warmup) WARM="$2"; shift 2 ;;
        --duration) DURATION="$2"; shift 2 ;;
        --member-options) MEMBER_OPTIONS="$2"; shift 2 ;;
        --case) [[ "$2" == *=* ]] || { echo "group-commit.sh: --case wants NAME=OPTIONS" >&2; exit 2; }
                CASES+=("$2"); shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
        *) echo "group-commit.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
done
JAVA="${JAVA:-java}"
OUT="${OUT:-bench/target/group-commit-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"
REGISTRY=rmi-registry/target/registry.jar
WORKER=worker/target/worker.jar
[ -f "$REGISTRY" ] && [ -f "$WORKER" ] || mvn -B -q package -DskipTests
command -v taskset >/dev/null || { echo "group-commit.sh: taskset (util-linux) is needed" >&2; exit 1; }
[ "$(nproc)" -ge 2 ] || { echo "group-commit.sh: needs 2 CPUs (members on CPU 0, clients on CPU 1)" >&2; exit 1; }

PIDS=()
stop_group() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && { kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; } || true; done; PIDS=(); }
trap stop_group EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_group DIR JAVA_OPTIONS : a fresh group on CPU 0; sets URL once a member serves
start_group() {
    local dir="$1" options="$2" group="" urls="" i
    rm -rf "$dir"; mkdir -p "$dir"
    for i in 1 2 3; do
        local rmi raft; rmi=$(free_port); raft=$(free_port)
        group="$group${group:+,}r$i=127.0.0.1:$rmi:$raft"; urls="$urls${urls:+,}127.0.0.1:$rmi"
    done
    for i in 1 2 3; do
        # shellcheck disable=SC2086
        taskset -c 0 "$JAVA" $options -jar "$REGISTRY" --bind 127.0.0.1 --advertise 127.0.0.1 --group "$group" \
            --id "r$i" --data-dir "$dir/data-r$i" > "$dir/r$i.log" 2>&1 &
        PIDS+=("$!")
    done
    for _ in $(seq 1 1200); do
        grep -q "leads in term .* and serves" "$dir"/r?.log 2>/dev/null && { URL="rmi://$urls"; return 0; }
        sleep 0.05
    done
    echo "group-commit.sh: no member of the group in $dir serves within 60 s" >&2; exit 1
}

bench() { # CLIENTS SECONDS WARMUP
    taskset -c 1 "$JAVA" -jar "$WORKER" bench -u "$URL" --op put --clients "$1" --threads 1 --duration "$2" \
        --warmup "$3" 2>&1
}

echo "# group-commit.sh $(date -u +%FT%TZ): members on CPU 0, clients on CPU 1; $ROUNDS rounds, ${WARM} s warm-up," \
    "${DURATION} s windows; member options '$MEMBER_OPTIONS'; load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/results.txt"
[ ${#CASES[@]} -gt 0 ] || CASES=("on=-Djmanager.group.appendsInFlight=1" "off=-Djmanager.group.appendsInFlight=1000000")
for round in $(seq 1 "$ROUNDS"); do
    for spec in "${CASES[@]}"; do
        case="${spec%%=*}"
        options="$MEMBER_OPTIONS ${spec#*=}"
        start_group "$OUT/round$round-$case" "$options"
        bench 4 "$WARM" 0 > /dev/null
        for clients in 4 1; do
            line=$(bench "$clients" "$DURATION" 1 | grep -E 'throughput|p50' | tr -s ' ' | tr '\n' ' ')
            echo "round $round $case clients=$clients: $line" | tee -a "$OUT/results.txt"
        done
        stop_group
    done
done
python3 - "$OUT/results.txt" <<'EOF'
import re, statistics, sys
rates, cases = {}, []
for line in open(sys.argv[1]):
    m = re.match(r'round (\d+) (\S+) clients=(\d+):.*throughput: ([\d,]+) ops/s', line)
    if m:
        if m.group(2) not in cases:
            cases.append(m.group(2))
        rates.setdefault((int(m.group(3)), m.group(2)), []).append(int(m.group(4).replace(',', '')))
with open(sys.argv[1], 'a') as out:
    for clients in sorted({c for c, _ in rates}, reverse=True):
        first = rates.get((clients, cases[0]), [])
        for other in cases[1:]:
            them = rates.get((clients, other), [])
            if first and them:
                line = (f"clients={clients}: {cases[0]} median {statistics.median(first):,.0f} ops/s {first}, {other}"
                        f" median {statistics.median(them):,.0f} ops/s {them}: {cases[0]}/{other}"
                        f" {statistics.median(first) / statistics.median(them):.2f}x")
                print(line)
                out.write(line + "\n")
EOF
echo "# output: $OUT"

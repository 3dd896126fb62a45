#!/usr/bin/env bash
# One-invocation comparison of jmanager with its floor and its peers, in one CPU placement (issues 7 and 14):
#   plain RMI   bench/RmiFloor.java: ConcurrentHashMap<String, byte[]> behind a UnicastRemoteObject
#   jmanager    registry.jar, driven by `worker.jar bench --control`
#   python      bench/pymanager.py: multiprocessing SyncManager over TCP with an authkey
#   hazelcast   (--peers hazelcast) Hazelcast 5.7.0, member and client: bench/hazelcast (built here when asked)
#   redis       (--peers redis) redis-server and redis-benchmark, when installed (apt-get install redis-server)
# Servers run pinned to CPU 0 and every client to CPU 1 (--placement split, the default). Rows: 1, 4 and 8 client
# processes, 16 and 64 threads in one JVM, asynchronous puts with N in flight from 1 and 16 threads. Each system's
# clients are started once per group of rows and kept warm; each system is warmed up per operation until its rate
# stops rising; then the systems' measured windows alternate for R rounds, and the table shows each row's median
# with its spread (min-max), the ratios of medians, client and server CPU microseconds per operation and latency
# percentiles. The method is bench/compare.py's (its --help); this script builds what is needed and runs it.
#
# usage: bench/compare.sh [--build] [--jars DIR] [--out DIR] [compare.py options]
#   --build        rebuild the jars (otherwise built only if missing)
#   --jars DIR     take registry.jar and worker.jar from DIR instead of this checkout's build
#   --out DIR      where results go (default bench/target/compare-<time>)
# compare.py options (python3 bench/compare.py --help):
#   --quick        smoke test of the script: 2 rounds of 1 s windows, short warm-ups (6-9 minutes; no result)
#   --rounds R     rounds of alternating windows (default 5)       --window S  seconds per window (default 3)
#   --groups LIST  p1,p4,p8,t4,t16,t64,a1,a16 (default: all)          --in-flight N  async rows (default 16)
#   --peers LIST   hazelcast,redis                                  --placement split|shared
#   --wait-quiet S before each round, wait up to S s for an idle machine     --plot FILE
# A full run (all groups, both peers) takes about 20 minutes.
# env: PYTHON (python3), PLOT_PYTHON (/usr/bin/python3, which has Debian's python3-matplotlib), JAVA (java)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=0
JARS=""
OUT=""
PASS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --build) BUILD=1 ;;
        --jars) JARS=$2; shift ;;
        --out) OUT=$2; shift ;;
        -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
        *) PASS+=("$1") ;;
    esac
    shift
done
PYTHON=${PYTHON:-python3}
JAVA=${JAVA:-java}
cd "$ROOT"
OUT=${OUT:-bench/target/compare-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT/jars" "$OUT/classes" "$OUT/logs"
OUT=$(cd "$OUT" && pwd)

# build what is needed, and run from copies (a build elsewhere must not swap jars in the middle of a run)
if [ -n "$JARS" ]; then
    cp "$JARS/registry.jar" "$JARS/worker.jar" "$OUT/jars/"
else
    if [ $BUILD = 1 ] || [ ! -f rmi-registry/target/registry.jar ] || [ ! -f worker/target/worker.jar ]; then
        echo "# building registry.jar and worker.jar"
        mvn -q -B -o package -DskipTests >&2 || mvn -q -B package -DskipTests >&2
    fi
    cp rmi-registry/target/registry.jar worker/target/worker.jar "$OUT/jars/"
fi
"${JAVA%java}javac" -d "$OUT/classes" bench/RmiFloor.java 2>/dev/null || javac -d "$OUT/classes" bench/RmiFloor.java
exec "$PYTHON" bench/compare.py --out "$OUT" "${PASS[@]+"${PASS[@]}"}"

#!/usr/bin/env bash
# JMH microbenchmarks. They are test-scope classes that `mvn verify` compiles but never runs; this script compiles
# one module's, writes its test class path, and runs JMH's own runner on it:
#   rmi-registry (default)  the value encoding and the registry's state machines without RMI
#                           (rmi-registry/src/test/java/io/jmanager/registry/jmh)
#   worker                  the shared-memory objects in one process (worker/src/test/java/io/jmanager/shm/jmh)
#
#   bench/jmh.sh                          every rmi-registry benchmark, JMH defaults of each class (1 fork,
#                                         3 x 1 s warm-up, 5 x 1 s)
#   bench/jmh.sh ValueCodec               only benchmarks whose name matches the regex
#   bench/jmh.sh StateMachine -i 3        any org.openjdk.jmh.Main options after the regex
#   bench/jmh.sh --module worker          the shared-memory benchmarks (ShmValue, ShmLock, ShmArray)
#   bench/jmh.sh --module worker ShmArray -f 1 -wi 2 -i 3
#   bench/jmh.sh -l                       list them (with --module: that module's)
#
# Pin it like the other benchmarks if you compare runs: taskset -c 1 bench/jmh.sh ...
# Results also go to bench/target/jmh/result.json (rmi-registry) or result-worker.json (worker): JMH's JSON.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/bench/target/jmh"
MODULE=rmi-registry
if [ "${1:-}" = --module ] || [ "${1:-}" = -m ]; then
    MODULE=${2:?"--module needs rmi-registry or worker"}
    shift 2
fi
case "$MODULE" in
    rmi-registry) RESULT="$OUT/result.json" ;;
    worker) RESULT="$OUT/result-worker.json" ;;
    *) echo "jmh.sh: --module must be rmi-registry or worker" >&2; exit 2 ;;
esac
mkdir -p "$OUT"
cd "$ROOT"
MVN_FLAGS=(-q -B)
[ -d "$HOME/.m2/repository/org/openjdk/jmh/jmh-core/1.37" ] && MVN_FLAGS+=(-o)
# -am also builds the modules it depends on; build-classpath runs in each, the requested module last, so the file
# ends up with its class path
mvn "${MVN_FLAGS[@]}" -pl "$MODULE" -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$OUT/classpath-$MODULE.txt" -Dmdep.includeScope=test >&2
CP="$ROOT/$MODULE/target/test-classes:$ROOT/$MODULE/target/classes:$(cat "$OUT/classpath-$MODULE.txt")"
exec java -cp "$CP" org.openjdk.jmh.Main -rf json -rff "$RESULT" "$@"

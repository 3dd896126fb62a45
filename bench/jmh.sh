#!/usr/bin/env bash
# JMH microbenchmarks of the value encoding and of the registry's state machines without RMI
# (rmi-registry/src/test/java/io/jmanager/registry/jmh). They are test-scope classes that `mvn verify` compiles
# but never runs; this script compiles them, writes the test class path, and runs JMH's own runner.
#
#   bench/jmh.sh                       every benchmark, JMH defaults of each class (1 fork, 3 x 1 s warm-up, 5 x 1 s)
#   bench/jmh.sh ValueCodec            only benchmarks whose name matches the regex
#   bench/jmh.sh StateMachine -i 3     any org.openjdk.jmh.Main options after the regex
#   bench/jmh.sh -l                    list them
#
# Pin it like the other benchmarks if you compare runs: taskset -c 1 bench/jmh.sh ...
# Results also go to bench/target/jmh/result.json (JMH's JSON).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/bench/target/jmh"
mkdir -p "$OUT"
cd "$ROOT"
MVN_FLAGS=(-q -B)
[ -d "$HOME/.m2/repository/org/openjdk/jmh/jmh-core/1.37" ] && MVN_FLAGS+=(-o)
mvn "${MVN_FLAGS[@]}" -pl rmi-registry -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$OUT/classpath.txt" -Dmdep.includeScope=test >&2
CP="$ROOT/rmi-registry/target/test-classes:$ROOT/rmi-registry/target/classes:$(cat "$OUT/classpath.txt")"
exec java -cp "$CP" org.openjdk.jmh.Main -rf json -rff "$OUT/result.json" "$@"

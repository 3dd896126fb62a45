#!/usr/bin/env bash
# Coverage-guided fuzzing (Jazzer) of one @FuzzTest for a while: SECURITY.md, "Fuzzing".
#
#   scripts/fuzz.sh                                    lists the fuzz tests
#   scripts/fuzz.sh ValueCodecGuidedFuzzTest#decode 600  fuzzes that one for 600 s (default 60)
#   scripts/fuzz.sh TARGET SECONDS -o                  more arguments go to Maven
#
# Runs `mvn test -Pfuzz` on the test's module (and the modules it needs) with only that test selected. The
# generated corpus grows in MODULE/.cifuzz-corpus/CLASS/METHOD/ from run to run (not committed); a crashing input is
# written to MODULE/src/test/resources/PACKAGE/CLASSInputs/METHOD/crash-<sha1>, where every later `mvn test`
# replays it: fix the bug, keep the file. At the end it prints the executions and the corpus size of the run. One
# fuzz test per JVM, and Jazzer's single-threaded engine uses one core: run one at a time on a shared machine.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
list() {
    grep -rl --include='*.java' '@FuzzTest' -- */src/test/java | sort | while read -r f; do
        cls=$(basename "$f" .java)
        awk -v c="$cls" '/@FuzzTest/ {t=1; next} t && /void [a-zA-Z0-9_]+\(/ {
            match($0, /void [a-zA-Z0-9_]+\(/); print "  " c "#" substr($0, RSTART + 5, RLENGTH - 6); t=0 }' "$f"
    done
}
if [ $# -lt 1 ]; then
    echo "usage: scripts/fuzz.sh CLASS#METHOD [SECONDS] [maven arguments]; the fuzz tests:"
    list
    exit 2
fi
TARGET=$1
SECONDS_=${2:-60}
shift $(( $# >= 2 ? 2 : 1 ))
CLASS=${TARGET%%#*}
METHOD=${TARGET#*#}
if [ "$CLASS" = "$TARGET" ] || [ -z "$METHOD" ]; then
    echo "fuzz.sh: name the test as CLASS#METHOD, e.g. ValueCodecGuidedFuzzTest#decode" >&2
    exit 2
fi
FILE=$(find . -path "*/src/test/java/*" -name "$CLASS.java" | head -1)
if [ -z "$FILE" ] || ! grep -q '@FuzzTest' "$FILE"; then
    echo "fuzz.sh: no fuzz test class $CLASS; the fuzz tests:" >&2
    list >&2
    exit 2
fi
MODULE=$(echo "$FILE" | sed -E 's#^\./([^/]+)/src/test/java/.*#\1#')
PACKAGE=$(sed -n -E 's/^package ([a-z0-9_.]+);.*/\1/p' "$FILE")
LOG="$ROOT/$MODULE/target/fuzz-$CLASS-$METHOD.log"
mkdir -p "$ROOT/$MODULE/target"
CORPUS="$ROOT/$MODULE/.cifuzz-corpus/$PACKAGE.$CLASS/$METHOD"
INPUTS="$ROOT/$MODULE/src/test/resources/${PACKAGE//.//}/${CLASS}Inputs/$METHOD"
before=$( (ls "$INPUTS" 2>/dev/null || true) | wc -l)
echo "fuzz.sh: fuzzing $PACKAGE.$CLASS#$METHOD ($MODULE) for $SECONDS_ s; log in $LOG"
status=0
mvn -B -Pfuzz test -pl "$MODULE" -am -Dtest="$CLASS#$METHOD" -Dsurefire.failIfNoSpecifiedTests=false \
    -Dfuzz.seconds="$SECONDS_" "$@" > "$LOG" 2>&1 || status=$?
execs=$(grep -a -o 'stat::number_of_executed_units: [0-9]*' "$LOG" | tail -1 | awk '{print $2}')
cov=$(grep -a -E '^#[0-9]+.*(DONE|INITED|NEW|REDUCE|pulse)' "$LOG" | tail -1 || true)
corpus=$( (ls "$CORPUS" 2>/dev/null || true) | wc -l)
after=$( (ls "$INPUTS" 2>/dev/null || true) | wc -l)
echo "fuzz.sh: $PACKAGE.$CLASS#$METHOD: ${execs:-?} executions in $SECONDS_ s; generated corpus $corpus inputs" \
    "($CORPUS); last status: ${cov:-none}"
if [ "$after" -gt "$before" ]; then
    echo "fuzz.sh: a FINDING: new regression input(s) in $INPUTS:"
    ls -t "$INPUTS" | head -$((after - before))
fi
if [ $status -ne 0 ]; then
    grep -a -E 'Exception|Error|FAIL|== Java' "$LOG" | head -20 || true
    echo "fuzz.sh: Maven exited with $status (see $LOG)"
fi
exit $status

#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: unit tests, multi-process tests, the integration tests of the
# packaged jars and the container tests (a registry container and worker containers on one Docker network).
# JDK 17 and Maven are on the machine; Maven fetches the rest from Maven Central. Non-container tests use free
# loopback ports only, so a registry already running on 1099 is left alone.
#  1. package the jars (tests skipped): the images are built from this build's own jars. That build must print no
#     [WARNING] and no terminal escape code (issue 13: so that a real warning stands out, it fails the run; fix it
#     where it arises, e.g. a shade filter for an overlapping file, or the code javac warns about);
#  2. docker/build-images.sh: installs and starts the Docker engine when `docker info` fails (Debian's docker.io),
#     then builds jmanager/jre, jmanager/registry and jmanager/worker locally; nothing is pulled;
#  2b. scripts/ensure-chromium.sh: installs Debian's chromium and chromium-driver when missing, for the status
#     page's browser test (StatusPageBrowserIT), which -Dbrowser.required=true then cannot skip;
#  3. removes containers and networks a killed earlier run left behind (label io.jmanager.it);
#  4. mvn -B verify -Ddocker.required=true -Dbrowser.required=true: every test; a missing Docker engine, image or
#     browser fails the build.
# Arguments go to both Maven runs (e.g. -o, or -Djmanager.test.timeFactor=3 on a slow machine).
set -euo pipefail
cd "$(dirname "$0")/.."
build_log=$(mktemp)
trap 'rm -f "$build_log"' EXIT
if ! mvn -B package -DskipTests "$@" >"$build_log" 2>&1; then
    cat "$build_log"
    exit 1
fi
noise=$(grep -n -e $'\e' -e '\[WARNING\]' "$build_log" | cat -v || true)
if [ -n "$noise" ]; then
    echo "test-all: the build printed warnings or terminal escape codes; fix them (see docs/DESIGN.md, Build output):"
    echo "$noise"
    exit 1
fi
rm -f "$build_log"
echo "test-all: jars packaged, no build warnings"
bash docker/build-images.sh
bash scripts/ensure-chromium.sh
leftovers=$(docker ps -aq --filter label=io.jmanager.it=true)
if [ -n "$leftovers" ]; then
    echo "test-all: removing containers left by an earlier run: $(echo $leftovers)"
    docker rm -f $leftovers >/dev/null
fi
docker network prune -f --filter label=io.jmanager.it=true >/dev/null
exec mvn -B verify -Ddocker.required=true -Dbrowser.required=true "$@"

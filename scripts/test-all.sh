#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: unit tests, multi-process tests and the integration tests
# of the packaged jars. JDK 17 and Maven are on the machine; Maven fetches the rest from Maven Central.
# Tests use free loopback ports only, so a registry already running on 1099 is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
exec mvn -B verify "$@"

#!/usr/bin/env bash
# Makes sure Debian's chromium and chromedriver are installed for the status page's browser test
# (integration-tests StatusPageBrowserIT, issue 13). Installs the packages `chromium` and `chromium-driver` when
# /usr/bin/chromium or /usr/bin/chromedriver is missing (apt-get update once, then apt-get install -y; needs root).
# Does nothing when both are there. Without root and without the packages it says so and exits 1; the browser
# test is then skipped (it runs only where both binaries exist).
set -euo pipefail

log() { echo "ensure-chromium: $*"; }

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    log "chromium and chromedriver are installed ($(/usr/bin/chromium --version 2>/dev/null || echo '?'))"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    log "chromium or chromedriver is missing and this is not root: install Debian's chromium and chromium-driver" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Another apt-get (ensure-docker.sh, a session's own install) may hold the locks for a while: wait for them.
APT=(apt-get -q -o DPkg::Lock::Timeout=600)
log "installing Debian's chromium and chromium-driver"
updated=0
for attempt in 1 2 3; do
    if "${APT[@]}" update; then updated=1; break; fi
    log "apt-get update failed (attempt $attempt; the lists lock may be busy), retrying in 10 s"
    sleep 10
done
[ "$updated" = 1 ] || { log "apt-get update failed" >&2; exit 1; }
"${APT[@]}" install -y --no-install-recommends chromium chromium-driver
[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] || { log "the packages installed no /usr/bin/chromium or /usr/bin/chromedriver" >&2; exit 1; }
log "installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"

#!/usr/bin/env bash
# Makes sure a Docker engine answers `docker info`. When none does: installs Debian's docker.io package if
# dockerd is missing (apt-get update once, then apt-get install -y docker.io; needs root), starts dockerd in
# the background (log: /var/log/dockerd.log) and waits until `docker info` answers. Does nothing when an engine
# already answers, so it is safe to run on a developer's machine with Docker Desktop or a system service.
set -euo pipefail

log() { echo "ensure-docker: $*"; }

if docker info >/dev/null 2>&1; then
    log "Docker engine answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    log "no Docker engine answers and this is not root: start one yourself (or run as root to install docker.io)" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Another apt-get (a session's own install) may hold the locks for a while: wait for them instead of failing.
APT=(apt-get -q -o DPkg::Lock::Timeout=600)

if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
    log "installing Debian's docker.io"
    updated=0
    for attempt in 1 2 3; do
        if "${APT[@]}" update; then updated=1; break; fi
        log "apt-get update failed (attempt $attempt; the lists lock may be busy), retrying in 10 s"
        sleep 10
    done
    [ "$updated" = 1 ] || { log "apt-get update failed" >&2; exit 1; }
    "${APT[@]}" install -y docker.io
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
    log "starting dockerd (log: /var/log/dockerd.log)"
    # setsid: dockerd outlives this script and its process group; no standard input (CI has none).
    setsid nohup dockerd >/var/log/dockerd.log 2>&1 </dev/null &
fi

for _ in $(seq 1 120); do
    if docker info >/dev/null 2>&1; then
        log "Docker engine answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
        exit 0
    fi
    sleep 0.5
done
log "dockerd did not answer within 60 s; the end of /var/log/dockerd.log:" >&2
tail -n 30 /var/log/dockerd.log >&2 || true
exit 1

#!/usr/bin/env bash
# Builds jmanager's container images locally from this build's jars, pulling nothing:
#   jmanager/jre:17           a jlinked Java runtime FROM scratch (docker/jre/Dockerfile)
#   jmanager/registry:latest  registry.jar on it (docker/registry/Dockerfile)
#   jmanager/worker:latest    worker.jar on it (docker/worker/Dockerfile)
# First makes sure a Docker engine runs (docker/ensure-docker.sh: installs and starts docker.io when missing).
# Needs the packaged jars: run `mvn -B -q package -DskipTests` first (scripts/test-all.sh does).
# Environment: JMANAGER_IMAGE_TAG (default latest) tags the registry and worker images.
set -euo pipefail
SELF=$(realpath "$0")
cd "$(dirname "$SELF")/.."
ROOT=$PWD
TAG=${JMANAGER_IMAGE_TAG:-latest}
JRE_IMAGE=jmanager/jre:17
REGISTRY_IMAGE=jmanager/registry:$TAG
WORKER_IMAGE=jmanager/worker:$TAG
REGISTRY_JAR=$ROOT/rmi-registry/target/registry.jar
WORKER_JAR=$ROOT/worker/target/worker.jar
# Modules every image gets, whatever jdeps finds: RMI (java.rmi needs java.logging), JMX and JNDI (cheap, and
# what RMI tooling expects), and EC crypto, which TLS handshakes need but no class references.
BASE_MODULES=java.base,java.rmi,java.logging,java.management,java.naming,jdk.crypto.ec

log() { echo "build-images: $*"; }
fail() { echo "build-images: $*" >&2; exit 1; }
# docker build, its output (and the CLI's notice that the legacy builder is deprecated) shown only on failure.
quiet_build() {
    if ! docker build "$@" >"$WORK/build.log" 2>&1; then
        cat "$WORK/build.log" >&2
        fail "docker build $* failed"
    fi
}

for jar in "$REGISTRY_JAR" "$WORKER_JAR"; do
    [ -f "$jar" ] || fail "$jar is missing: run 'mvn -B -q package -DskipTests' first"
done
command -v jlink >/dev/null && command -v jdeps >/dev/null || fail "jlink and jdeps (a JDK 17) are needed"

bash "$ROOT/docker/ensure-docker.sh"

started=$(date +%s)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# --- the modules the jars need -----------------------------------------------------------------------------
# java.desktop is left out on purpose: jdeps reports it only for commons-lang3's AbstractCircuitBreaker
# (java.beans), which jmanager never loads. Any other class needing it fails this build instead of a container.
for jar in "$REGISTRY_JAR" "$WORKER_JAR"; do
    needs_desktop=$(jdeps --ignore-missing-deps --multi-release 17 -verbose:class "$jar" \
        | awk '$2 == "->" && $NF == "java.desktop" && $1 !~ /\.jar$/ {print $1}' | sort -u \
        | grep -v '^org\.apache\.commons\.lang3\.concurrent\.AbstractCircuitBreaker$' || true)
    [ -z "$needs_desktop" ] \
        || fail "$(basename "$jar"): classes need java.desktop, add it to the image: $needs_desktop"
done
found=$(jdeps --print-module-deps --ignore-missing-deps --multi-release 17 "$REGISTRY_JAR" "$WORKER_JAR")
MODULES=$(echo "$BASE_MODULES,$found" | tr ',' '\n' | grep -v '^java\.desktop$' | sort -u | paste -sd, -)
JAVA_VERSION=$(java -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.runtime.version/ {print $2}')
# What the runtime image is made of: rebuilt when any of it changes.
JRE_ID="$JAVA_VERSION $MODULES $(cat "$ROOT/docker/jre/Dockerfile" "$SELF" | sha256sum | cut -c1-16)"

# --- jmanager/jre: rebuilt only when the JDK, the modules or this recipe changed ---------------------------
current=$(docker image inspect -f '{{ index .Config.Labels "io.jmanager.jre" }}' "$JRE_IMAGE" 2>/dev/null || true)
if [ "$current" = "$JRE_ID" ]; then
    log "$JRE_IMAGE is up to date (Java $JAVA_VERSION: $MODULES)"
else
    log "building $JRE_IMAGE (Java $JAVA_VERSION: $MODULES)"
    CTX=$WORK/jre
    ROOTFS=$CTX/rootfs
    mkdir -p "$ROOTFS/opt" "$ROOTFS/etc" "$ROOTFS/tmp" "$ROOTFS/app/lib" "$ROOTFS/app/classes"
    jlink --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files --compress=2 \
        --output "$ROOTFS/opt/jre"
    # The C libraries the runtime links, at the same paths (libc, libm, libz, libstdc++, libgcc_s, ld-linux, ...).
    find "$ROOTFS/opt/jre" -type f \( -name '*.so' -o -perm -u+x \) -print0 \
        | xargs -0 -r -n1 ldd 2>/dev/null \
        | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// && $2 ~ /^\(0x/ {print $1}' \
        | grep -v "^$ROOTFS" | sort -u >"$WORK/libs.txt" || true
    # And those of the native libraries inside registry.jar: the registry group's mutual TLS runs on the BoringSSL
    # build of netty-tcnative shaded into Ratis (it needs librt, libpthread and libdl, which the runtime does not).
    mkdir -p "$WORK/native"
    (cd "$WORK/native" && jar xf "$REGISTRY_JAR" META-INF/native/)
    find "$WORK/native" -name "*linux_$(uname -m | sed 's/aarch64/aarch_64/')*.so" -print0 \
        | xargs -0 -r -n1 ldd 2>/dev/null \
        | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// && $2 ~ /^\(0x/ {print $1}' >>"$WORK/libs.txt" || true
    sort -u -o "$WORK/libs.txt" "$WORK/libs.txt"
    grep -q 'libc\.so' "$WORK/libs.txt" || fail "ldd found no libc for the runtime: $(cat "$WORK/libs.txt")"
    while read -r lib; do
        cp --parents -L "$lib" "$ROOTFS"
    done <"$WORK/libs.txt"
    # glibc's C.UTF-8 locale, so that LANG=C.UTF-8 gives the JVM UTF-8 output.
    if [ -d /usr/lib/locale/C.utf8 ]; then cp -r --parents /usr/lib/locale/C.utf8 "$ROOTFS"; fi
    chmod 1777 "$ROOTFS/tmp"
    printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' 'jmanager:x:10001:10001:jmanager:/tmp:/sbin/nologin' \
        >"$ROOTFS/etc/passwd"
    printf 'root:x:0:\njmanager:x:10001:\n' >"$ROOTFS/etc/group"
    echo 'hosts: files dns' >"$ROOTFS/etc/nsswitch.conf"
    # The default class data sharing archive: every JVM in a container starts faster.
    "$ROOTFS/opt/jre/bin/java" -Xshare:dump >/dev/null
    cp "$ROOT/docker/jre/Dockerfile" "$CTX/Dockerfile"
    quiet_build --label "io.jmanager.jre=$JRE_ID" -t "$JRE_IMAGE" "$CTX"
fi

# --- jmanager/registry and jmanager/worker from this build's jars ------------------------------------------
build_app_image() { # image dockerfile jar
    local ctx="$WORK/$(basename "$(dirname "$2")")"
    mkdir -p "$ctx"
    cp "$3" "$ctx/"
    quiet_build --build-arg "BASE=$JRE_IMAGE" \
        --label "io.jmanager.jar.sha256=$(sha256sum "$3" | cut -d' ' -f1)" \
        -f "$2" -t "$1" "$ctx"
    log "built $1 from $(realpath --relative-to="$ROOT" "$3")"
}
build_app_image "$REGISTRY_IMAGE" "$ROOT/docker/registry/Dockerfile" "$REGISTRY_JAR"
build_app_image "$WORKER_IMAGE" "$ROOT/docker/worker/Dockerfile" "$WORKER_JAR"

# Earlier builds' images, now untagged (all carry the io.jmanager.jre label of the base): removed.
docker image prune -f --filter label=io.jmanager.jre >/dev/null

# --- smoke check: the runtime has what the jars need -------------------------------------------------------
docker run --rm "$REGISTRY_IMAGE" --version | sed 's/^/build-images: registry image: /'
docker run --rm "$WORKER_IMAGE" --version | sed 's/^/build-images: worker image: /'
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep '^jmanager/' | sed 's/^/build-images: /'
log "done in $(( $(date +%s) - started )) s"

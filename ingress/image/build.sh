#!/usr/bin/env bash
# Builds the Ingress controller add-on's image library/kybernetes-ingress:latest locally and pushes it to a registry.
#
#   ingress/image/build.sh [REGISTRY]
#
# REGISTRY: $1, else $REGISTRY, else 127.0.0.1:5000 (plain HTTP).
# Layers: a Debian minbase rootfs with the real nginx (the nginx image's debootstrap tarball from images/build.sh
# when it is cached, else debootstrap --variant=minbase --include=nginx-light), a Java 17 runtime (the DNS image's
# when cached, else jlink'ed from the host JDK's jmods, else a copy of the JDK), and ingress/target/quarkus-app
# (built with Maven when missing).
# CACHE (default /var/lib/kybernetes/images) keeps buildah's storage, the rootfs tarball and the runtime.
# Needs: buildah, debootstrap, curl, a JDK 17; root.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODULE="$(dirname "$HERE")"
case "${1:-}" in -h|--help) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
REGISTRY="${1:-${REGISTRY:-127.0.0.1:5000}}"
CACHE="${CACHE:-/var/lib/kybernetes/images}"
SUITE="${SUITE:-bookworm}"
JDK="${JDK:-/usr/lib/jvm/java-17-openjdk-amd64}"
IMAGE="library/kybernetes-ingress:latest"
PATH_ENV="PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# Modules the controller needs (Quarkus, Vert.x/Netty, fabric8); checked by running the jar with the runtime.
JAVA_MODULES="java.base,java.logging,java.management,java.naming,java.net.http,java.sql,java.xml,java.desktop,\
jdk.unsupported,jdk.crypto.ec,jdk.crypto.cryptoki,java.security.jgss,jdk.naming.dns,jdk.zipfs,jdk.management,java.instrument"
JVM_FLAGS='"-XX:+UseSerialGC","-Xmx64m","-XX:TieredStopAtLevel=1","-Xss512k","-XX:+ExitOnOutOfMemoryError"'

log() { echo "[ingress-image] $*"; }

if ! curl -fsS -o /dev/null "http://$REGISTRY/v2/"; then
  echo "build.sh: no registry answers at http://$REGISTRY/v2/" >&2
  exit 1
fi
mkdir -p "$CACHE/ingress"
B=(buildah --root "$CACHE/buildah/root" --runroot "$CACHE/buildah/runroot" --storage-driver vfs)

# 1. the application
if [ ! -f "$MODULE/target/quarkus-app/quarkus-run.jar" ]; then
  log "building $MODULE/target/quarkus-app (mvn package)"
  (cd "$MODULE" && mvn -B -q package -DskipTests)
fi

# 2. the Debian minbase rootfs with nginx: the nginx image's tarball when cached, else our own debootstrap
base="$CACHE/nginx/debootstrap-$SUITE.tar"
if [ ! -s "$base" ]; then
  base="$CACHE/ingress/debootstrap-$SUITE.tar"
  if [ ! -s "$base" ]; then
    mirror=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
               /etc/apt/sources.list.d/*.sources | grep -oE 'https?://[^ ]+/debian/?' | grep -v security | head -n1 || true)
    mirror="${mirror:-http://deb.debian.org/debian}"
    tmp="$CACHE/ingress/debootstrap.tmp"
    log "debootstrap --variant=minbase --include=nginx-light $SUITE from $mirror (a minute or two)"
    rm -rf "$tmp"
    debootstrap --variant=minbase --include=nginx-light "$SUITE" "$tmp" "$mirror" > "$CACHE/ingress/debootstrap.log" 2>&1 \
      || { tail -n 20 "$CACHE/ingress/debootstrap.log" >&2; exit 1; }
    tar -C "$tmp" --numeric-owner -cf "$base.part" . && mv "$base.part" "$base"
    rm -rf "$tmp"
  fi
fi
log "rootfs from $base"

# 3. the Java runtime: the DNS image's (same modules) when cached, else jlink a small one when the JDK has jmods,
# else copy the JDK
jre="$CACHE/dns/jre-$(basename "$(readlink -f "$JDK")")"
[ -x "$jre/bin/java" ] || jre="$CACHE/ingress/jre-$(basename "$(readlink -f "$JDK")")"
if [ ! -x "$jre/bin/java" ]; then
  rm -rf "$jre.part"
  if [ -d "$JDK/jmods" ]; then
    log "jlink a runtime from $JDK ($JAVA_MODULES)"
    "$JDK/bin/jlink" --add-modules "$JAVA_MODULES" --strip-debug --no-man-pages --no-header-files \
      --compress=2 --output "$jre.part"
  else
    log "no jmods in $JDK: copying the JDK"
    cp -a "$(readlink -f "$JDK")" "$jre.part"
  fi
  mv "$jre.part" "$jre"
fi

# 4. the image
c=$("${B[@]}" from scratch)
trap '"${B[@]}" rm "$c" >/dev/null 2>&1 || true' EXIT
"${B[@]}" add --quiet "$c" "$base" / >/dev/null
m=$("${B[@]}" mount "$c")
rm -rf "$m"/var/cache/apt/* "$m"/var/lib/apt/lists/* "$m"/usr/share/doc/* "$m"/usr/share/man/* "$m"/usr/share/info/*
[ -x "$m/usr/sbin/nginx" ] || { echo "build.sh: $base has no /usr/sbin/nginx" >&2; exit 1; }
# Debian's sample sites are not served: the controller writes its own nginx.conf under /etc/nginx/kybernetes
rm -rf "$m"/etc/nginx/sites-enabled/* "$m"/var/www/html
mkdir -p "$m/opt/java" "$m/app" "$m/etc/nginx/kybernetes"
cp -a "$jre/." "$m/opt/java/"
cp -a "$MODULE/target/quarkus-app/." "$m/app/"
"${B[@]}" umount "$c" >/dev/null
"${B[@]}" config --entrypoint "[\"/opt/java/bin/java\",$JVM_FLAGS,\"-jar\",\"/app/quarkus-run.jar\"]" --cmd '' \
  --env "$PATH_ENV" --workingdir /app --port 80/tcp --port 443/tcp --port 10254/tcp --stop-signal SIGTERM \
  --label org.opencontainers.image.title=kybernetes-ingress "$c"
"${B[@]}" commit --quiet --rm "$c" "localhost/kybernetes-ingress:latest" >/dev/null
trap - EXIT
log "push $REGISTRY/$IMAGE"
"${B[@]}" push --quiet --tls-verify=false "localhost/kybernetes-ingress:latest" "docker://$REGISTRY/$IMAGE"
"${B[@]}" rmi --prune >/dev/null 2>&1 || true
log "done: $REGISTRY/$IMAGE"

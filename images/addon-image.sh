#!/usr/bin/env bash
# Builds an add-on's image library/kybernetes-<NAME>:latest (a Quarkus application run by a Java 17 runtime on
# Debian) and pushes it to a registry. Sourced by <module>/image/build.sh, which sets:
#   NAME        the module (dns, ingress): the app is <module>/target/quarkus-app (built with Maven when missing)
#   HEAP        the JVM's -Xmx
#   PORTS       the ports the image declares (e.g. "53/udp 53/tcp")
#   NGINX       "keep": the rootfs must carry nginx (Debian's nginx-light, whose sample sites are dropped);
#               "drop": nginx is removed from it
# and takes REGISTRY ($1, else $REGISTRY, else 127.0.0.1:5000, plain HTTP).
# Layers: a Debian minbase rootfs with nginx-light (the nginx image's debootstrap tarball from images/build.sh when
# it is cached, else debootstrap --variant=minbase --include=nginx-light), a Java 17 runtime (jlink'ed from the
# host JDK's jmods, else a copy of the JDK; shared by every add-on), and the application.
# CACHE (default /var/lib/kybernetes/images) keeps buildah's storage, the rootfs tarball and the runtime.
# Needs: buildah, debootstrap, curl, a JDK 17; root.
set -euo pipefail

MODULE="$(cd "$(dirname "${BASH_SOURCE[1]}")/.." && pwd)"
REGISTRY="${1:-${REGISTRY:-127.0.0.1:5000}}"
CACHE="${CACHE:-/var/lib/kybernetes/images}"
SUITE="${SUITE:-bookworm}"
JDK="${JDK:-/usr/lib/jvm/java-17-openjdk-amd64}"
IMAGE="library/kybernetes-$NAME:latest"
PATH_ENV="PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# Modules the add-ons need (Quarkus, Vert.x/Netty, fabric8, dnsjava); checked by running the jars with the runtime.
JAVA_MODULES="java.base,java.logging,java.management,java.naming,java.net.http,java.sql,java.xml,java.desktop,\
jdk.unsupported,jdk.crypto.ec,jdk.crypto.cryptoki,java.security.jgss,jdk.naming.dns,jdk.zipfs,jdk.management,java.instrument"
JVM_FLAGS="\"-XX:+UseSerialGC\",\"-Xmx$HEAP\",\"-XX:TieredStopAtLevel=1\",\"-Xss512k\",\"-XX:+ExitOnOutOfMemoryError\""

log() { echo "[$NAME-image] $*"; }

if ! curl -fsS -o /dev/null "http://$REGISTRY/v2/"; then
  echo "build.sh: no registry answers at http://$REGISTRY/v2/" >&2
  exit 1
fi
mkdir -p "$CACHE/addons"
B=(buildah --root "$CACHE/buildah/root" --runroot "$CACHE/buildah/runroot" --storage-driver vfs)

# 1. the application
if [ ! -f "$MODULE/target/quarkus-app/quarkus-run.jar" ]; then
  log "building $MODULE/target/quarkus-app (mvn package)"
  (cd "$MODULE" && mvn -B -q package -DskipTests)
fi

# 2. the Debian minbase rootfs with nginx-light: the nginx image's tarball when cached, else our own debootstrap
base="$CACHE/nginx/debootstrap-$SUITE.tar"
if [ ! -s "$base" ]; then
  base="$CACHE/addons/debootstrap-$SUITE.tar"
  if [ ! -s "$base" ]; then
    mirror=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
               /etc/apt/sources.list.d/*.sources | grep -oE 'https?://[^ ]+/debian/?' | grep -v security | head -n1 || true)
    mirror="${mirror:-http://deb.debian.org/debian}"
    tmp="$CACHE/addons/debootstrap.tmp"
    log "debootstrap --variant=minbase --include=nginx-light $SUITE from $mirror (a minute or two)"
    rm -rf "$tmp"
    debootstrap --variant=minbase --include=nginx-light "$SUITE" "$tmp" "$mirror" > "$CACHE/addons/debootstrap.log" 2>&1 \
      || { tail -n 20 "$CACHE/addons/debootstrap.log" >&2; exit 1; }
    tar -C "$tmp" --numeric-owner -cf "$base.part" . && mv "$base.part" "$base"
    rm -rf "$tmp"
  fi
fi
log "rootfs from $base"

# 3. the Java runtime: jlink a small one when the JDK has jmods, else copy the JDK
jre="$CACHE/addons/jre-$(basename "$(readlink -f "$JDK")")"
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
if [ "$NGINX" = keep ]; then
  [ -x "$m/usr/sbin/nginx" ] || { echo "build.sh: $base has no /usr/sbin/nginx" >&2; exit 1; }
  # Debian's sample sites are not served: the controller writes its own nginx.conf under /etc/nginx/kybernetes
  rm -rf "$m"/etc/nginx/sites-enabled/* "$m"/var/www/html
  mkdir -p "$m/etc/nginx/kybernetes"
else
  rm -rf "$m"/usr/sbin/nginx "$m"/usr/share/nginx "$m"/etc/nginx "$m"/var/www
fi
mkdir -p "$m/opt/java" "$m/app"
cp -a "$jre/." "$m/opt/java/"
cp -a "$MODULE/target/quarkus-app/." "$m/app/"
"${B[@]}" umount "$c" >/dev/null
ports=()
for p in $PORTS; do ports+=(--port "$p"); done
"${B[@]}" config --entrypoint "[\"/opt/java/bin/java\",$JVM_FLAGS,\"-jar\",\"/app/quarkus-run.jar\"]" --cmd '' \
  --env "$PATH_ENV" --workingdir /app "${ports[@]}" --stop-signal SIGTERM \
  --label org.opencontainers.image.title="kybernetes-$NAME" "$c"
"${B[@]}" commit --quiet --rm "$c" "localhost/kybernetes-$NAME:latest" >/dev/null
trap - EXIT
log "push $REGISTRY/$IMAGE"
"${B[@]}" push --quiet --tls-verify=false "localhost/kybernetes-$NAME:latest" "docker://$REGISTRY/$IMAGE"
"${B[@]}" rmi --prune >/dev/null 2>&1 || true
log "done: $REGISTRY/$IMAGE"

#!/usr/bin/env bash
# Builds kybernetes' base images locally (no outside registry is reachable) and pushes them to a registry.
#
#   images/build.sh [--force] [REGISTRY]
#
# REGISTRY: $1, else $REGISTRY, else 127.0.0.1:5000 (plain HTTP). Images land under library/<name>:<tag>.
# An image whose manifests are all in the registry already is skipped unless --force.
# CACHE (default /var/lib/kybernetes/images) keeps buildah's storage and the debootstrap rootfs tarball,
# so a rebuild takes seconds. Needs: buildah, gcc (static libc), busybox-static, debootstrap, curl; root.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FORCE=0
ARGS=()
for a in "$@"; do
  case "$a" in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "build.sh: unknown flag $a" >&2; exit 2 ;;
    *) ARGS+=("$a") ;;
  esac
done
REGISTRY="${ARGS[0]:-${REGISTRY:-127.0.0.1:5000}}"
CACHE="${CACHE:-/var/lib/kybernetes/images}"
SUITE="${SUITE:-bookworm}"
PATH_ENV="PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

mkdir -p "$CACHE"
B=(buildah --root "$CACHE/buildah/root" --runroot "$CACHE/buildah/runroot" --storage-driver vfs)

log() { echo "[images] $*"; }

# The Debian mirror apt already uses (deb822 or one-line sources), so debootstrap goes where apt can go.
debian_mirror() {
  local m
  m=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources \
      | grep -oE 'https?://[^ ]+/debian/?' | grep -v security | head -n1 || true)
  echo "${m:-http://deb.debian.org/debian}"
}

# True when the registry already serves every given name:tag.
in_registry() {
  local ref name tag
  for ref in "$@"; do
    name="${ref%%:*}"; tag="${ref##*:}"
    curl -fsS -o /dev/null \
      -H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.index.v1+json' \
      "http://$REGISTRY/v2/library/$name/manifests/$tag" 2>/dev/null || return 1
  done
}

# commit CONTAINER NAME TAG...: commits to localhost/NAME:TAG1, pushes every tag, removes the working container.
commit_and_push() {
  local c="$1" name="$2"; shift 2
  local first="$1" tag
  "${B[@]}" commit --quiet --rm "$c" "localhost/$name:$first" >/dev/null
  for tag in "$@"; do
    [ "$tag" = "$first" ] || "${B[@]}" tag "localhost/$name:$first" "localhost/$name:$tag"
    log "push $REGISTRY/library/$name:$tag"
    "${B[@]}" push --quiet --tls-verify=false "localhost/$name:$tag" "docker://$REGISTRY/library/$name:$tag"
  done
}

needed() {
  local name="$1"; shift
  local refs=() t
  for t in "$@"; do refs+=("$name:$t"); done
  if [ "$FORCE" = 0 ] && in_registry "${refs[@]}"; then
    log "$name: ${*} already in $REGISTRY (use --force to rebuild)"
    return 1
  fi
}

build_pause() {
  needed pause 3.9 || return 0
  log "pause: compiling images/pause/pause.c (gcc -static)"
  mkdir -p "$CACHE/pause"
  gcc -static -O2 -Wall -o "$CACHE/pause/pause" "$HERE/pause/pause.c"
  strip "$CACHE/pause/pause" 2>/dev/null || true
  local c; c=$("${B[@]}" from scratch)
  "${B[@]}" copy --quiet "$c" "$CACHE/pause/pause" /pause >/dev/null
  "${B[@]}" config --entrypoint '["/pause"]' --cmd '' --stop-signal SIGTERM \
    --label org.opencontainers.image.title=pause "$c"
  commit_and_push "$c" pause 3.9
}

build_busybox() {
  needed busybox latest 1.36 || return 0
  local root="$CACHE/busybox/rootfs" applet
  log "busybox: rootfs from $(command -v busybox) ($(busybox | head -n1 | awk '{print $2}'))"
  rm -rf "$root"; mkdir -p "$root"/{bin,etc,tmp,root,home,var/spool/mail,var/www}
  chmod 1777 "$root/tmp"; chmod 700 "$root/root"
  cp "$(command -v busybox)" "$root/bin/busybox"
  for applet in $(busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' > "$root/etc/group"
  tar -C "$root" -cf "$CACHE/busybox/rootfs.tar" .
  local c; c=$("${B[@]}" from scratch)
  "${B[@]}" add --quiet "$c" "$CACHE/busybox/rootfs.tar" / >/dev/null
  "${B[@]}" config --cmd '["sh"]' --env "$PATH_ENV" --label org.opencontainers.image.title=busybox "$c"
  commit_and_push "$c" busybox latest 1.36
}

build_nginx() {
  needed nginx latest || return 0
  local base="$CACHE/nginx/debootstrap-$SUITE.tar" work="$CACHE/nginx/rootfs"
  mkdir -p "$CACHE/nginx"
  if [ ! -s "$base" ]; then
    local mirror tmp; mirror=$(debian_mirror); tmp="$CACHE/nginx/debootstrap.tmp"
    log "nginx: debootstrap --variant=minbase --include=nginx-light $SUITE from $mirror (a minute or two)"
    rm -rf "$tmp"
    debootstrap --variant=minbase --include=nginx-light "$SUITE" "$tmp" "$mirror" > "$CACHE/nginx/debootstrap.log" 2>&1 \
      || { tail -n 20 "$CACHE/nginx/debootstrap.log" >&2; exit 1; }
    tar -C "$tmp" --numeric-owner -cf "$base.part" . && mv "$base.part" "$base"
    rm -rf "$tmp"
  else
    log "nginx: reusing $base"
  fi
  rm -rf "$work"; mkdir -p "$work"
  tar -C "$work" --numeric-owner -xf "$base"
  # Slim it down: apt caches and lists, docs, man pages.
  rm -rf "$work"/var/cache/apt/* "$work"/var/lib/apt/lists/* "$work"/usr/share/doc/* "$work"/usr/share/man/* \
         "$work"/usr/share/info/* "$work"/var/log/*.log "$work"/var/cache/debconf/*-old
  # Log to the container's stdout/stderr, as the official image does.
  ln -sf /dev/stdout "$work/var/log/nginx/access.log"
  ln -sf /dev/stderr "$work/var/log/nginx/error.log"
  # The stock welcome page on port 80 (IPv4 only: a pod may have no IPv6).
  cp "$work/var/www/html/index.nginx-debian.html" "$work/var/www/html/index.html"
  cat > "$work/etc/nginx/sites-available/default" <<'CONF'
server {
    listen 80 default_server;
    server_name _;
    root /var/www/html;
    index index.html index.htm;
    location / {
        try_files $uri $uri/ =404;
    }
}
CONF
  ln -sf ../sites-available/default "$work/etc/nginx/sites-enabled/default"
  tar -C "$work" --numeric-owner -cf "$CACHE/nginx/rootfs.tar" .
  rm -rf "$work"
  local c; c=$("${B[@]}" from scratch)
  "${B[@]}" add --quiet "$c" "$CACHE/nginx/rootfs.tar" / >/dev/null
  "${B[@]}" config --cmd '["nginx","-g","daemon off;"]' --env "$PATH_ENV" --port 80/tcp --stop-signal SIGQUIT \
    --label org.opencontainers.image.title=nginx "$c"
  commit_and_push "$c" nginx latest
  rm -f "$CACHE/nginx/rootfs.tar"
}

if ! curl -fsS -o /dev/null "http://$REGISTRY/v2/"; then
  echo "build.sh: no registry answers at http://$REGISTRY/v2/" >&2
  exit 1
fi
log "registry $REGISTRY, cache $CACHE"
build_pause
build_busybox
build_nginx
"${B[@]}" rmi --prune >/dev/null 2>&1 || true
log "done"

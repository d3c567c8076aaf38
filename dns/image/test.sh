#!/usr/bin/env bash
# Check of dns/image/build.sh away from the cluster's paths and ports: a scratch registry on 127.0.0.1:5058,
# the build pushing library/kybernetes-dns:latest to it, skopeo inspecting the entrypoint, and the pushed image's
# rootfs running `java -jar /app/quarkus-run.jar --help` (chroot) with its own Java runtime.
# Cleans up the registry on exit; CACHE defaults to /tmp/dns-image-it/cache (remove /tmp/dns-image-it when done).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
D=/tmp/dns-image-it
REG=127.0.0.1:5058
export CACHE="${CACHE:-$D/cache}"
mkdir -p "$D/logs"
B=(buildah --root "$CACHE/buildah/root" --runroot "$CACHE/buildah/runroot" --storage-driver vfs)
c=""

cleanup() {
  set +e
  if [ -n "$c" ]; then
    [ -n "${m:-}" ] && umount "$m/proc" 2>/dev/null
    "${B[@]}" umount "$c" >/dev/null 2>&1; "${B[@]}" rm "$c" >/dev/null 2>&1
  fi
  "${B[@]}" rmi -f "$REG/library/kybernetes-dns:latest" >/dev/null 2>&1
  [ -s "$D/registry.pid" ] && kill "$(cat "$D/registry.pid")" 2>/dev/null
  rm -f "$D/registry.pid"
  rm -rf "$D/registry-data"
}
trap cleanup EXIT
cleanup

cat > "$D/registry.yml" <<YML
version: 0.1
log: {level: warn, fields: {service: registry}}
storage:
  cache: {blobdescriptor: inmemory}
  filesystem: {rootdirectory: $D/registry-data}
  delete: {enabled: true}
http:
  addr: $REG
  headers: {X-Content-Type-Options: [nosniff]}
YML
docker-registry serve "$D/registry.yml" > "$D/logs/registry.log" 2>&1 & echo $! > "$D/registry.pid"
for _ in $(seq 50); do curl -fsS -o /dev/null "http://$REG/v2/" 2>/dev/null && break; sleep 0.1; done

echo "== build"
"$HERE/build.sh" "$REG"

echo "== skopeo inspect"
cfg=$(skopeo inspect --tls-verify=false --config "docker://$REG/library/kybernetes-dns:latest")
echo "$cfg" | python3 -c '
import json, sys
c = json.load(sys.stdin)["config"]
print("  entrypoint:", " ".join(c["Entrypoint"]))
assert c["Entrypoint"][0] == "/opt/java/bin/java" and "-Xmx48m" in c["Entrypoint"], c
assert c["Entrypoint"][-2:] == ["-jar", "/app/quarkus-run.jar"], c
assert "53/udp" in c["ExposedPorts"] and "53/tcp" in c["ExposedPorts"], c
'
skopeo inspect --tls-verify=false --raw "docker://$REG/library/kybernetes-dns:latest" \
  | python3 -c 'import json,sys; d=json.load(sys.stdin); print("  compressed layers:", sum(l["size"] for l in d["layers"]) // 1048576, "MiB")'

echo "== run the pushed image's java --help (chroot)"
c=$("${B[@]}" from --quiet --tls-verify=false "docker://$REG/library/kybernetes-dns:latest")
m=$("${B[@]}" mount "$c")
mount -t proc proc "$m/proc"   # the java launcher finds libjli.so through /proc/self/exe ($ORIGIN)
out=$(chroot "$m" /opt/java/bin/java -XX:+UseSerialGC -Xmx48m -jar /app/quarkus-run.jar --help)
echo "$out" | head -n 3
echo "$out" | grep -q -- "--cluster-domain" || { echo "FAIL: no --help from the image" >&2; exit 1; }
echo "PASS"

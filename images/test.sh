#!/usr/bin/env bash
# End-to-end check of images/build.sh, away from the cluster's paths and ports:
# a scratch registry on 127.0.0.1:5057, a scratch containerd (no CRI) and a netns "images-it".
# Builds (or skips) every image, inspects them with skopeo, runs pause/busybox/nginx with ctr and
# checks the nginx welcome page and its access-log line on stdout. Cleans up on exit, also on failure.
#   images/test.sh [--force]     (CACHE defaults to /tmp/images-it/cache, so reruns are quick)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
D=/tmp/images-it
PORT=5057
REG=127.0.0.1:$PORT
NS=images-it
export CACHE="${CACHE:-$D/cache}"
mkdir -p "$D/logs" "$D/ctd"
C=(ctr -a "$D/ctd/containerd.sock" -n images-it)

cleanup() {
  set +e
  for t in web bb pause; do
    "${C[@]}" task kill -s SIGKILL "$t" >/dev/null 2>&1
    "${C[@]}" task rm -f "$t" >/dev/null 2>&1
    "${C[@]}" containers rm "$t" >/dev/null 2>&1
  done
  for f in containerd registry; do
    [ -s "$D/$f.pid" ] && kill "$(cat "$D/$f.pid")" 2>/dev/null && sleep 0.5
    rm -f "$D/$f.pid"
  done
  ip netns del "$NS" 2>/dev/null
  rm -rf "$D/ctd" "$D/registry-data"
}
trap cleanup EXIT
cleanup
rm -f "$D/logs/nginx.log"

echo "== scratch registry on $REG"
cat > "$D/registry.yml" <<EOF
version: 0.1
log: {level: warn, fields: {service: registry}}
storage:
  cache: {blobdescriptor: inmemory}
  filesystem: {rootdirectory: $D/registry-data}
  delete: {enabled: true}
http:
  addr: $REG
  headers: {X-Content-Type-Options: [nosniff]}
EOF
docker-registry serve "$D/registry.yml" > "$D/logs/registry.log" 2>&1 & echo $! > "$D/registry.pid"
for _ in $(seq 50); do curl -fsS -o /dev/null "http://$REG/v2/" 2>/dev/null && break; sleep 0.1; done

echo "== build"
"$HERE/build.sh" "$@" "$REG"
echo "== build again (must skip everything)"
"$HERE/build.sh" "$REG" | tee "$D/logs/build2.log"
[ "$(grep -c 'already in' "$D/logs/build2.log")" = 3 ] || { echo "FAIL: second build did not skip" >&2; exit 1; }

echo "== skopeo inspect"
for ref in pause:3.9 busybox:latest busybox:1.36 nginx:latest; do
  skopeo inspect --tls-verify=false "docker://$REG/library/$ref" \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); print(" ", d["Name"] + ":" + sys.argv[1].split(":")[1], d["Digest"], d["Architecture"])' "$ref"
done

echo "== scratch containerd"
cat > "$D/containerd.toml" <<EOF
version = 2
root = "$D/ctd/root"
state = "$D/ctd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$D/ctd/containerd.sock"
[ttrpc]
  address = "$D/ctd/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$D/ctd/opt"
EOF
containerd --config "$D/containerd.toml" > "$D/logs/containerd.log" 2>&1 & echo $! > "$D/containerd.pid"
for _ in $(seq 100); do [ -S "$D/ctd/containerd.sock" ] && break; sleep 0.1; done
for ref in pause:3.9 busybox:latest nginx:latest; do
  "${C[@]}" images pull --plain-http "$REG/library/$ref" > /dev/null
done
ip netns add "$NS"
ip -n "$NS" link set lo up

echo "== busybox: sh, applet symlinks"
out=$("${C[@]}" run --rm "$REG/library/busybox:latest" bb sh -c 'echo hello from $(busybox | head -n1 | cut -d" " -f1-2); ls /bin | wc -l')
echo "$out" | sed 's/^/  /'
echo "$out" | grep -q 'hello from BusyBox' || { echo "FAIL: busybox" >&2; exit 1; }

echo "== pause: runs, exits 0 on SIGTERM"
"${C[@]}" run --rm "$REG/library/pause:3.9" pause > /dev/null 2>&1 & runpid=$!
for _ in $(seq 50); do "${C[@]}" task ls | grep -q 'pause.*RUNNING' && break; sleep 0.1; done
"${C[@]}" task kill -s SIGTERM pause
rc=0; wait "$runpid" || rc=$?
echo "  exit status after SIGTERM: $rc"
[ "$rc" = 0 ] || { echo "FAIL: pause exited $rc" >&2; exit 1; }

echo "== nginx in netns $NS"
"${C[@]}" run -d --log-uri "file://$D/logs/nginx.log" --with-ns "network:/run/netns/$NS" "$REG/library/nginx:latest" web > /dev/null
page=""
for _ in $(seq 50); do page=$(ip netns exec "$NS" curl -fsS http://127.0.0.1/ 2>/dev/null) && break; sleep 0.1; done
echo "$page" | grep -o '<title>.*</title>' | sed 's/^/  /'
echo "$page" | grep -q 'Welcome to nginx!' || { echo "FAIL: no welcome page" >&2; exit 1; }
sleep 0.3
sed 's/^/  stdout: /' "$D/logs/nginx.log"
grep -q '"GET / HTTP/1.1" 200' "$D/logs/nginx.log" || { echo "FAIL: no access-log line on stdout" >&2; exit 1; }
"${C[@]}" task kill -s SIGQUIT web
for _ in $(seq 50); do "${C[@]}" task ls | grep -q 'web.*STOPPED' && break; sleep 0.1; done
"${C[@]}" task ls | grep web | sed 's/^/  after SIGQUIT: /'
echo "PASS"

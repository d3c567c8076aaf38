#!/usr/bin/env bash
# Pod start-up benchmark of the kubelet, on the cluster that `./kybernetes up` started.
#
#   kubelet/bench.sh [--pods N] [--rate PODS_PER_SECOND|0] [--image IMAGE] [--cri-workers N] [--command CMD...]
#
# Creates N pods (default 100 of pause:3.9, 5 per second; --rate 0 creates them all at once) and prints p50/p99
# from creation to Running and to Ready as seen by a watch, then the raw containerd floor measured in the same run
# (RunPodSandbox + CreateContainer + StartContainer through CRI, same rate, as many at once as the kubelet's pod
# workers), and the ratio of the p99 to upstream's SLO (5 s). Needs python3-kubernetes and python3-grpcio (apt).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KUBECONFIG_FILE="${KUBECONFIG_FILE:-/etc/kybernetes/admin.conf}"

case "${1:-}" in -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;; esac

kubectl --kubeconfig "$KUBECONFIG_FILE" get --raw /readyz >/dev/null 2>&1 \
  || { echo "bench.sh: no cluster answers (run ./kybernetes up first)" >&2; exit 1; }

missing=()
for p in python3-kubernetes python3-grpcio python3-grpc-tools; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} (apt)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
fi

# Python stubs of the kubelet's own CRI subset (runtime.v1 field numbers), generated afresh each run.
GEN="$(mktemp -d /tmp/kubelet-bench.XXXXXX)"
trap 'rm -rf "$GEN"' EXIT
cp "$HERE/src/main/proto/cri.proto" "$GEN/cri.proto"
(cd "$GEN" && /usr/bin/python3 -m grpc_tools.protoc -I. --python_out=. --grpc_python_out=. cri.proto)

kubectl --kubeconfig "$KUBECONFIG_FILE" delete namespace kubelet-bench --ignore-not-found --wait=true >/dev/null
rc=0
PYTHONPATH="$GEN" /usr/bin/python3 "$HERE/bench.py" --kubeconfig "$KUBECONFIG_FILE" "$@" || rc=$?
kubectl --kubeconfig "$KUBECONFIG_FILE" delete namespace kubelet-bench --ignore-not-found --wait=false >/dev/null
exit $rc

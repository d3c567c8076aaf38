#!/usr/bin/env bash
# The controllers' benchmark (issue 8): a private store, apiserver, hollow kubelet (100 nodes), scheduler and
# controller manager on free ports in a scratch dir; a Deployment of 3,000 replicas timed until all are Running and
# Ready, then a rolling update of all of them timed until complete.
# Usage: controllers/bench.sh [--nodes=100] [--replicas=3000] [--controllers-opts=-Xmx1g] [--java-opts=...] [--rebuild]
# Quick run: NODES=20 REPLICAS=300 controllers/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
args=("--nodes=${NODES:-100}" "--replicas=${REPLICAS:-3000}")
rebuild=0
for a in "$@"; do
  case "$a" in
    --rebuild) rebuild=1 ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) args+=("$a") ;;
  esac
done
mods="store apiserver kubelet scheduler controllers"
for m in $mods; do
  if [ "$rebuild" = 1 ] || [ ! -f "$m/target/quarkus-app/quarkus-run.jar" ]; then
    echo "building the $m jar..."
    mvn -B -q -Dstyle.color=never -pl "$m" package -DskipTests
  fi
done
work=$(mktemp -d /tmp/controllers-bench-build-XXXXXX)
trap 'rm -rf "$work"' EXIT
# private copies, so a rebuild during the run does not change what is measured
for m in $mods; do cp -r "$m/target/quarkus-app" "$work/$m"; done
javac -nowarn -d "$work/classes" controllers/src/test/java/io/kybernetes/controllers/bench/ControllersBenchmark.java
java -Xmx256m -cp "$work/classes" io.kybernetes.controllers.bench.ControllersBenchmark \
  --store-jar="$work/store/quarkus-run.jar" --apiserver-jar="$work/apiserver/quarkus-run.jar" \
  --kubelet-jar="$work/kubelet/quarkus-run.jar" --scheduler-jar="$work/scheduler/quarkus-run.jar" \
  --controllers-jar="$work/controllers/quarkus-run.jar" "${args[@]}"

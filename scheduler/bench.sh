#!/usr/bin/env bash
# The scheduler's benchmark (issue 8): a private store, apiserver, hollow kubelet and scheduler on free ports in a
# scratch dir, N hollow nodes, then pods in three phases (plain, anti-affinity, spread); prints pods/s per phase
# and the ratio to upstream's scheduler_perf SchedulingBasic threshold at 5,000 nodes (680 pods/s).
# Usage: scheduler/bench.sh [--nodes=5000] [--pods=10000] [--phases=plain,anti-affinity,spread] [--creators=32]
#                           [--group-size=500] [--scheduler-opts=-Xmx1g] [--java-opts=...] [--jfr=DIR] [--rebuild]
#                           [--pod-reports=false] [--node-heartbeats=false] [--kubelet-args="--hollow-zones=3 ..."]
# Quick run: NODES=500 PODS=2000 scheduler/bench.sh (env NODES, PODS, PHASES set the defaults).
set -euo pipefail
cd "$(dirname "$0")/.."
args=("--nodes=${NODES:-5000}" "--pods=${PODS:-10000}" "--phases=${PHASES:-plain,anti-affinity,spread}")
rebuild=0
for a in "$@"; do
  case "$a" in
    --rebuild) rebuild=1 ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) args+=("$a") ;;
  esac
done
for m in store apiserver kubelet scheduler; do
  if [ "$rebuild" = 1 ] || [ ! -f "$m/target/quarkus-app/quarkus-run.jar" ]; then
    echo "building the $m jar..."
    mvn -B -q -Dstyle.color=never -pl "$m" package -DskipTests
  fi
done
work=$(mktemp -d /tmp/scheduler-bench-build-XXXXXX)
trap 'rm -rf "$work"' EXIT
# private copies, so a rebuild during the run does not change what is measured
for m in store apiserver kubelet scheduler; do cp -r "$m/target/quarkus-app" "$work/$m"; done
javac -nowarn -d "$work/classes" scheduler/src/test/java/io/kybernetes/scheduler/bench/SchedulerBenchmark.java
java -Xmx512m -cp "$work/classes" io.kybernetes.scheduler.bench.SchedulerBenchmark \
  --store-jar="$work/store/quarkus-run.jar" --apiserver-jar="$work/apiserver/quarkus-run.jar" \
  --kubelet-jar="$work/kubelet/quarkus-run.jar" --scheduler-jar="$work/scheduler/quarkus-run.jar" "${args[@]}"

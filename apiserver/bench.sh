#!/usr/bin/env bash
# The apiserver's benchmark: N concurrent clients creating, getting, updating and listing pods (and watchers
# following them) against the apiserver on the kybernetes store, then on a real etcd 3.4, in one run.
# Usage: apiserver/bench.sh [--clients=100] [--watchers=10] [--seconds=60] [--rebuild]
# Builds the apiserver and store jars if missing (--rebuild forces it); the benchmark class uses only the JDK.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v etcd >/dev/null || { echo "etcd 3.4 is needed" >&2; exit 1; }
args=()
rebuild=0
for a in "$@"; do
  case "$a" in
    --rebuild) rebuild=1 ;;
    -h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) args+=("$a") ;;
  esac
done
for m in apiserver store; do
  if [ "$rebuild" = 1 ] || [ ! -f "$m/target/quarkus-app/quarkus-run.jar" ]; then
    echo "building the $m jar..."
    mvn -B -q -Dstyle.color=never -pl "$m" package -DskipTests
  fi
done
work=$(mktemp -d /tmp/apiserver-bench-build-XXXXXX)
trap 'rm -rf "$work"' EXIT
# private copies, so a rebuild during the run does not change what is measured
cp -r apiserver/target/quarkus-app "$work/apiserver"
cp -r store/target/quarkus-app "$work/store"
javac -nowarn -d "$work/classes" apiserver/src/test/java/io/kybernetes/apiserver/bench/ApiserverBenchmark.java
java -Xmx512m -cp "$work/classes" io.kybernetes.apiserver.bench.ApiserverBenchmark \
  --apiserver-jar="$work/apiserver/quarkus-run.jar" --store-jar="$work/store/quarkus-run.jar" "${args[@]}"

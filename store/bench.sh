#!/usr/bin/env bash
# The store's benchmark: the same loads against a real etcd 3.4 and the packaged store, one table with both.
# Usage: store/bench.sh [--skip-check-perf] [--keys=N] [--store-java-opts="..."]
# Builds the store jar if missing (pass --rebuild to force it), compiles the benchmark classes (only them, so
# the rest of the test tree need not compile) and runs io.kybernetes.store.bench.StoreBenchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v etcd >/dev/null && command -v etcdctl >/dev/null || { echo "etcd and etcdctl 3.4 are needed" >&2; exit 1; }

args=()
rebuild=0
for a in "$@"; do
  case "$a" in
    --rebuild) rebuild=1 ;;
    *) args+=("$a") ;;
  esac
done

if [ "$rebuild" = 1 ] || [ ! -f store/target/quarkus-app/quarkus-run.jar ]; then
  echo "building the store jar..."
  mvn -B -q -Dstyle.color=never -pl store package -DskipTests
fi

work=$(mktemp -d /tmp/store-bench-build-XXXXXX)
trap 'rm -rf "$work"' EXIT
# a private copy of the app, so a rebuild of store/target during the run does not change what is measured
cp -r store/target/quarkus-app "$work/app"
mvn -B -q -Dstyle.color=never -pl store dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >/dev/null
javac -nowarn -d "$work/classes" -cp "$(cat "$work/cp.txt")" \
  store/src/test/java/io/kybernetes/store/bench/*.java
java -Xmx1g -cp "$work/classes:$(cat "$work/cp.txt")" io.kybernetes.store.bench.StoreBenchmark \
  --jar="$work/app/quarkus-run.jar" "${args[@]}"

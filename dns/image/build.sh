#!/usr/bin/env bash
# Builds the cluster DNS add-on's image library/kybernetes-dns:latest locally and pushes it to a registry.
#
#   dns/image/build.sh [REGISTRY]
#
# REGISTRY: $1, else $REGISTRY, else 127.0.0.1:5000 (plain HTTP). How: images/addon-image.sh (Debian minbase, a
# jlink'ed Java 17 runtime, dns/target/quarkus-app); CACHE (default /var/lib/kybernetes/images) keeps its layers.
# Needs: buildah, debootstrap, curl, a JDK 17; root.
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
NAME=dns HEAP=48m PORTS="53/udp 53/tcp 9153/tcp" NGINX=drop
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/images/addon-image.sh"

#!/usr/bin/env bash
# Builds the Ingress controller add-on's image library/kybernetes-ingress:latest locally and pushes it to a registry.
#
#   ingress/image/build.sh [REGISTRY]
#
# REGISTRY: $1, else $REGISTRY, else 127.0.0.1:5000 (plain HTTP). How: images/addon-image.sh (Debian minbase with
# the real nginx, a jlink'ed Java 17 runtime, ingress/target/quarkus-app); CACHE (default /var/lib/kybernetes/images)
# keeps its layers. Needs: buildah, debootstrap, curl, a JDK 17; root.
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
NAME=ingress HEAP=64m PORTS="80/tcp 443/tcp 10254/tcp" NGINX=keep
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/images/addon-image.sh"

#!/usr/bin/env bash
# Builds the operator and model-server images from the repository's Dockerfile and loads them into
# the Kind cluster: load-images.sh <cluster> <tag>.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NAME="${1:?cluster name}"
TAG="${2:?image tag}"
(cd "$ROOT" && ./mvnw -B -q -DskipTests package)
docker build -f "$ROOT/Dockerfile" --target operator -t "modelkeeper/operator:$TAG" "$ROOT"
docker build -f "$ROOT/Dockerfile" --target model-server -t "modelkeeper/model-server:$TAG" "$ROOT"
kind load docker-image --name "$NAME" "modelkeeper/operator:$TAG" "modelkeeper/model-server:$TAG"

#!/usr/bin/env bash
# Builds the operator and model-server images from the repository's Dockerfile and loads them into
# the Kind cluster: load-images.sh <cluster> <tag>. Gives modelkeeper/operator:<tag> and
# modelkeeper/model-server:<tag>, the names run-scenarios.sh installs the chart with.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NAME="${1:?cluster name}"
TAG="${2:?image tag}"
BUILD_IMAGES="$ROOT/packaging/images/build-images.sh"

if [[ -x "$BUILD_IMAGES" ]]; then
  # The one image build of the project (also used by CI with podman); Kind loads from Docker.
  ENGINE=docker IMAGE_REPO=modelkeeper "$BUILD_IMAGES" "$TAG"
else
  # TODO: packaging/images/build-images.sh is not on this branch yet (it comes with the images
  # work). Once it is, the branch above is the only path: delete this fallback, which builds the
  # same two Dockerfile targets directly with Docker and the Dockerfile's default base images.
  (cd "$ROOT" && ./mvnw -B -q -DskipTests package)
  docker build -f "$ROOT/Dockerfile" --target operator -t "modelkeeper/operator:$TAG" "$ROOT"
  docker build -f "$ROOT/Dockerfile" --target model-server -t "modelkeeper/model-server:$TAG" "$ROOT"
fi
kind load docker-image --name "$NAME" "modelkeeper/operator:$TAG" "modelkeeper/model-server:$TAG"

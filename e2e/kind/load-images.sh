#!/usr/bin/env bash
# Builds the operator and model-server images from the repository's Dockerfile with Docker
# (through packaging/images/build-images.sh, the script CI builds them with, there with podman)
# and loads them into the Kind cluster: load-images.sh <cluster> <tag>.
# Images: modelkeeper/operator:<tag>, modelkeeper/model-server:<tag>.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NAME="${1:?cluster name}"
TAG="${2:?image tag}"
ENGINE=docker IMAGE_REPO=modelkeeper "$ROOT/packaging/images/build-images.sh" "$TAG"
kind load docker-image --name "$NAME" "modelkeeper/operator:$TAG" "modelkeeper/model-server:$TAG"

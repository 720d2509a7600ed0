#!/usr/bin/env bash
# Builds the operator, model-server and trainer images from the repository's Dockerfile:
#
#   packaging/images/build-images.sh [tag]      (tag defaults to "local")
#
# gives <repo>/operator:<tag>, <repo>/model-server:<tag> and <repo>/trainer:<tag> (repo:
# IMAGE_REPO, default localhost/modelkeeper). Settings, all optional, from the environment:
#
#   ENGINE       podman or docker (default: podman when installed, else docker)
#   BASE_IMAGES  local: make the base images from Debian packages first (debootstrap, then
#                apt-get in a container), so no image registry is needed; upstream: the
#                Dockerfile's defaults (eclipse-temurin, distroless). Default: local with
#                podman, upstream with docker.
#   REBUILD_BASE=1        make the local base images again even when they exist
#   DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR   default: the first ones in /etc/apt/sources*,
#                else deb.debian.org
#   EXTRA_CA_DIR  CA certificates (*.crt) the build stage trusts besides Debian's, e.g. a
#                TLS-inspecting proxy's (default /usr/local/share/ca-certificates, as on the host)
#   MAVEN_REPO   a Maven repository the build reads before Central, mounted read-only
#                (podman only; default ~/.m2/repository when it exists; "none" turns it off)
#
# With podman on a machine where crun fails (cgroups, rlimits), configure runc first:
# packaging/images/podman-setup.sh. Needs root for debootstrap when BASE_IMAGES=local.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/packaging/images"
TAG="${1:-local}"
IMAGE_REPO="${IMAGE_REPO:-localhost/modelkeeper}"
if [[ -z "${ENGINE:-}" ]]; then
  if command -v podman >/dev/null; then ENGINE=podman; else ENGINE=docker; fi
fi
if [[ "$ENGINE" == podman ]]; then
  BASE_IMAGES="${BASE_IMAGES:-local}"
else
  BASE_IMAGES="${BASE_IMAGES:-upstream}"
fi
SUITE=bookworm
DEBIAN_IMAGE="localhost/modelkeeper-base-debian:$SUITE"

ROOTFS=
trap '[[ -z "$ROOTFS" ]] || rm -rf "$ROOTFS" "$ROOTFS.log"' EXIT

log() { printf '[build-images %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

# The first mirror URL in apt's sources whose path ends in /$1 (debian or debian-security).
apt_mirror() {
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources \
    2>/dev/null | grep -v '^[[:space:]]*#' \
    | grep -oE "https?://[^[:space:]]+/$1/?([[:space:]]|\$)" | head -1 | tr -d '[:space:]' || true
}

image_exists() {
  "$ENGINE" image inspect "$1" >/dev/null 2>&1
}

# A short digest of a base image's recipe: a changed Containerfile gives a new tag.
recipe_tag() {
  sha256sum <"$1" | cut -c1-12
}

# Debian bookworm (minbase) as an image, from debootstrap: the root of both base images.
make_debian_image() {
  if image_exists "$DEBIAN_IMAGE" && [[ "${REBUILD_BASE:-0}" != 1 ]]; then
    return
  fi
  command -v debootstrap >/dev/null || { echo "debootstrap is required (apt-get install debootstrap)" >&2; exit 1; }
  local mirror security rootfs
  mirror="${DEBIAN_MIRROR:-$(apt_mirror debian)}"
  mirror="${mirror:-http://deb.debian.org/debian}"
  security="${DEBIAN_SECURITY_MIRROR:-$(apt_mirror debian-security)}"
  security="${security:-http://deb.debian.org/debian-security}"
  rootfs="$(mktemp -d /var/tmp/modelkeeper-rootfs.XXXXXX)"
  ROOTFS="$rootfs"
  log "debootstrap --variant=minbase $SUITE from $mirror"
  debootstrap --variant=minbase "$SUITE" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 \
    || { tail -20 "$rootfs.log" >&2; rm -f "$rootfs.log"; exit 1; }
  rm -f "$rootfs.log"
  cat >"$rootfs/etc/apt/sources.list" <<EOF
deb $mirror $SUITE main
deb $mirror $SUITE-updates main
deb $security $SUITE-security main
EOF
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | "$ENGINE" import - "$DEBIAN_IMAGE" >/dev/null
  rm -rf "$rootfs"
  log "made $DEBIAN_IMAGE"
}

# The build stage's base: Debian + OpenJDK 17, trusting the host's local CAs.
make_jdk_image() {
  local context
  context="$(mktemp -d)"
  ROOTFS="$context"
  cp "$HERE/base/jdk.Containerfile" "$context/Containerfile"
  mkdir "$context/ca-certificates"
  find "${EXTRA_CA_DIR:-/usr/local/share/ca-certificates}" -maxdepth 1 -name '*.crt' \
    -exec cp {} "$context/ca-certificates/" \; 2>/dev/null || true
  JDK_IMAGE="localhost/modelkeeper-base-jdk:17-$(cd "$context" \
    && { cat Containerfile; find ca-certificates -name '*.crt' | sort | xargs -r cat; } \
    | sha256sum | cut -c1-12)"
  if ! image_exists "$JDK_IMAGE" || [[ "${REBUILD_BASE:-0}" == 1 ]]; then
    log "building $JDK_IMAGE ($(ls "$context/ca-certificates" | wc -l) local CA certificates)"
    "$ENGINE" build -q --network=host --build-arg "DEBIAN_IMAGE=$DEBIAN_IMAGE" \
      -t "$JDK_IMAGE" "$context" >/dev/null
  fi
  rm -rf "$context"
}

# The runtime base: Debian + the JRE, no shell, one layer, user 65532.
make_runtime_image() {
  local file="$HERE/base/jre.Containerfile" staging container
  RUNTIME_IMAGE="localhost/modelkeeper-base-jre:17-$(recipe_tag "$file")"
  if image_exists "$RUNTIME_IMAGE" && [[ "${REBUILD_BASE:-0}" != 1 ]]; then
    return
  fi
  log "building $RUNTIME_IMAGE"
  staging="$RUNTIME_IMAGE-staging"
  "$ENGINE" build -q --network=host --build-arg "DEBIAN_IMAGE=$DEBIAN_IMAGE" \
    -f "$file" -t "$staging" "$HERE/base" >/dev/null
  # Flattened: exporting a container gives its merged file system, without the deleted shells.
  container="$("$ENGINE" create "$staging" java)"
  "$ENGINE" export "$container" | "$ENGINE" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'USER 65532:65532' \
    --change 'WORKDIR /home/nonroot' \
    - "$RUNTIME_IMAGE" >/dev/null
  "$ENGINE" rm "$container" >/dev/null
  "$ENGINE" rmi "$staging" >/dev/null
}

build_args=()
if [[ "$ENGINE" == podman ]]; then
  # Podman's default network needs more than some machines allow; the host's reaches Central.
  build_args+=(--network=host)
fi
if [[ "$BASE_IMAGES" == local ]]; then
  start=$SECONDS
  make_debian_image
  make_jdk_image
  make_runtime_image
  log "base images ready in $((SECONDS - start)) s: $JDK_IMAGE, $RUNTIME_IMAGE"
  # JRE_IMAGE only feeds the CUDA target, which is not built here; the runtime base stands in.
  build_args+=(--build-arg "JDK_IMAGE=$JDK_IMAGE" --build-arg "JRE_IMAGE=$RUNTIME_IMAGE"
    --build-arg "RUNTIME_IMAGE=$RUNTIME_IMAGE")
fi

MAVEN_REPO="${MAVEN_REPO:-$HOME/.m2/repository}"
if [[ "$ENGINE" == podman && "$MAVEN_REPO" != none && -d "$MAVEN_REPO" ]]; then
  build_args+=(--volume "$MAVEN_REPO:/host-m2-repository:ro"
    --build-arg MAVEN_REPO_TAIL=/host-m2-repository)
fi

VERSION="$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$ROOT/pom.xml" | head -1)"
REVISION="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
build_args+=(--build-arg "VERSION=$VERSION" --build-arg "REVISION=$REVISION")

for target in operator model-server trainer; do
  start=$SECONDS
  log "building $IMAGE_REPO/$target:$TAG (Dockerfile target $target)"
  "$ENGINE" build "${build_args[@]}" -f "$ROOT/Dockerfile" --target "$target" \
    -t "$IMAGE_REPO/$target:$TAG" "$ROOT"
  log "built $IMAGE_REPO/$target:$TAG in $((SECONDS - start)) s"
done

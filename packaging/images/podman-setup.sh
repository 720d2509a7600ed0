#!/usr/bin/env bash
# Makes this machine able to build and run ModelKeeper's images with podman, as CI does (root,
# Debian bookworm, no Docker engine, no image registry): installs podman, runc, debootstrap and
# netavark when missing, and configures podman to use runc with cgroupfs and no default rlimits
# (crun fails on cgroups and rlimits here), and netavark whatever it found first. Idempotent;
# .ci/run calls it.
set -euo pipefail

packages=()
command -v podman >/dev/null 2>&1 || packages+=(podman)
command -v runc >/dev/null 2>&1 || packages+=(runc)
command -v debootstrap >/dev/null 2>&1 || packages+=(debootstrap)
[[ -x /usr/lib/podman/netavark ]] || packages+=(netavark aardvark-dns)
if [[ ${#packages[@]} -gt 0 ]]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

# A drop-in, so that an existing /etc/containers/containers.conf stays as it is.
mkdir -p /etc/containers/containers.conf.d
cat >/etc/containers/containers.conf.d/modelkeeper.conf <<'CONF'
# Written by ModelKeeper's packaging/images/podman-setup.sh.
[containers]
default_ulimits = []

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"

[network]
network_backend = "netavark"
CONF

podman info --format 'podman {{.Version.Version}}: runtime {{.Host.OCIRuntime.Name}}, cgroups {{.Host.CgroupManager}}, storage {{.Store.GraphDriverName}}'

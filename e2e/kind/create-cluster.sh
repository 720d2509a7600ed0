#!/usr/bin/env bash
# Creates a Kind cluster (one node) and writes its kubeconfig: create-cluster.sh <name> <kubeconfig>.
set -euo pipefail
NAME="${1:?cluster name}"
KUBECONFIG_FILE="${2:?kubeconfig file}"
if ! kind get clusters | grep -qx "$NAME"; then
  kind create cluster --name "$NAME" --wait 120s
fi
kind get kubeconfig --name "$NAME" >"$KUBECONFIG_FILE"
echo "cluster $NAME ready; KUBECONFIG=$KUBECONFIG_FILE"

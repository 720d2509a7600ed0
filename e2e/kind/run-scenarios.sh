#!/usr/bin/env bash
# Runs ModelKeeper's end-to-end scenarios on a real Kubernetes cluster in Kind: creates the cluster,
# builds and loads the images, installs the Helm chart, serves the sample models inside the
# cluster, runs the scenarios against the cluster's kubeconfig, and deletes the cluster again
# (KEEP_CLUSTER=1 keeps it).
#
# SCENARIOS picks the scenario classes (failsafe's it.test; default: every *E2E class). Each class
# takes the kubeconfig the same way (ScenarioCluster); the tests that reach into the local
# cluster's own processes (operator restart, its request log, its /q/metrics) are skipped, and
# say so.
#
# Needs Docker, kind, helm, kubectl and Java 17. ModelKeeper's own CI cannot run this: its machines
# have no Docker engine; there the same scenarios run on the local cluster (./mvnw -B verify).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CLUSTER="${KIND_CLUSTER:-modelkeeper-e2e}"
VERSION="${IMAGE_TAG:-e2e}"
SCENARIOS="${SCENARIOS:-*E2E}"
WORK="$ROOT/e2e/target/kind"
KUBECONFIG_FILE="$WORK/kubeconfig"

for tool in docker kind helm kubectl; do
  command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 1; }
done
mkdir -p "$WORK"

cleanup() {
  if [[ "${KEEP_CLUSTER:-0}" != 1 ]]; then
    kind delete cluster --name "$CLUSTER" || true
  fi
}
trap cleanup EXIT

"$ROOT/e2e/kind/create-cluster.sh" "$CLUSTER" "$KUBECONFIG_FILE"
"$ROOT/e2e/kind/load-images.sh" "$CLUSTER" "$VERSION"
export KUBECONFIG="$KUBECONFIG_FILE"

# The chart (helm/modelkeeper), with the images just loaded (never pulled).
helm upgrade --install modelkeeper "$ROOT/helm/modelkeeper" \
  --namespace modelkeeper-system --create-namespace \
  --set image.repository=modelkeeper/operator --set image.tag="$VERSION" --set image.pullPolicy=Never \
  --set modelServer.image.repository=modelkeeper/model-server --set modelServer.image.tag="$VERSION" \
  --wait --timeout 5m

# The sample models, served inside the cluster as the local model repository serves them.
"$ROOT/e2e/kind/serve-models.sh" "$ROOT/examples/models"

# -am: the e2e module needs the operator's classes (its tests read /metrics with the operator's
# parser), and nothing is installed into the local Maven repository.
(cd "$ROOT" && ./mvnw -B -pl e2e -am verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test="$SCENARIOS" \
  -Dmodelkeeper.e2e.kubeconfig="$KUBECONFIG_FILE" \
  -Dmodelkeeper.e2e.model-base-url="http://model-repository.default.svc.cluster.local")

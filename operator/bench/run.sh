#!/usr/bin/env bash
# Operator benchmark: 1,000 ModelDeployments against a mock API server, operator jar at -Xmx256m.
# Usage: operator/bench/run.sh [count]     (figures in operator/target/operator-benchmark.txt)
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT="${1:-1000}"
./mvnw -B -q -pl operator package -DskipTests
./mvnw -B -pl operator surefire:test -Dtest=OperatorBenchmark -Dmodelkeeper.bench.count="$COUNT" \
  -Dsurefire.failIfNoSpecifiedTests=false | grep -E "^(Operator|ModelDeployments|All with|Deployments|Reconcile|Operator)" || true
cat operator/target/operator-benchmark.txt

#!/usr/bin/env bash
# Operator benchmark: 1,000 ModelDeployments against a mock API server, operator jar at -Xmx256m.
# Usage: operator/bench/reconcile.sh [count] [writers]     (figures in operator/target/operator-benchmark.txt)
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT="${1:-1000}"
WRITERS="${2:-1}"
rm -f operator/target/operator-benchmark.txt
./mvnw -B -q -pl operator package -DskipTests
./mvnw -B -pl operator surefire:test -Dtest=OperatorBenchmark -Dmodelkeeper.bench.count="$COUNT" -Dmodelkeeper.bench.writers="$WRITERS" \
  -Dsurefire.failIfNoSpecifiedTests=false | grep -E "Tests run|ERROR" || true
cat operator/target/operator-benchmark.txt

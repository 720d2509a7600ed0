#!/usr/bin/env bash
# Operator benchmark: ModelDeployments in steps (100, 1,000, 5,000) against a mock API server, the
# packaged operator at -Xmx256m; live heap, RSS and reconciles at each step, and the slope per
# ModelDeployment between steps.
# Usage: operator/bench/reconcile.sh [steps] [writers]        e.g. reconcile.sh 100,1000,5000 1
#   MODELKEEPER_BENCH_FORCE=true runs on a busy machine for development: figures marked NOT VALID.
#   MODELKEEPER_BENCH_XMX=512m gives the operator another heap (default 256m, as the goals say).
# Figures in operator/target/operator-benchmark.txt; exits 2 when the machine is busy.
set -euo pipefail
cd "$(dirname "$0")/../.."
STEPS="${1:-100,1000,5000}"
WRITERS="${2:-1}"
FORCE="${MODELKEEPER_BENCH_FORCE:-false}"
XMX="${MODELKEEPER_BENCH_XMX:-256m}"
CORES="$(nproc)"

busy() { awk -v cores="$CORES" '{ exit !($1 > cores) }' /proc/loadavg; }

if busy && [ "$FORCE" != "true" ]; then
  echo "REFUSED: 1-minute load average $(cut -d' ' -f1 /proc/loadavg) exceeds the $CORES cores;" \
    "run the benchmark on a quiet machine (MODELKEEPER_BENCH_FORCE=true for figures that are not valid)" >&2
  exit 2
fi
./mvnw -B -q -o -pl operator -am package -DskipTests
# The build itself raises the load: give it up to two minutes to settle before measuring.
for _ in $(seq 1 24); do busy || break; sleep 5; done
rm -f operator/target/operator-benchmark.txt
./mvnw -B -o -pl operator -am surefire:test -Dtest=OperatorBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dmodelkeeper.bench.count="$STEPS" -Dmodelkeeper.bench.writers="$WRITERS" -Dmodelkeeper.bench.force="$FORCE" -Dmodelkeeper.bench.xmx="$XMX" \
  | grep -E "Tests run:|ERROR" || true
cat operator/target/operator-benchmark.txt
if grep -q '^REFUSED' operator/target/operator-benchmark.txt; then
  exit 2
fi

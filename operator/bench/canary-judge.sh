#!/usr/bin/env bash
# Decision quality of the canary judge on simulated metric streams, beside a fixed-threshold rule.
# Usage: operator/bench/canary-judge.sh [rollouts]   (figures in operator/target/canary-judge-benchmark.txt)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROLLOUTS="${1:-1000}"
./mvnw -B -q -pl operator test-compile
./mvnw -B -pl operator surefire:test -Dtest=CanaryJudgeBenchmark -Dmodelkeeper.bench.rollouts="$ROLLOUTS" \
  -Dsurefire.failIfNoSpecifiedTests=false > /dev/null
cat operator/target/canary-judge-benchmark.txt

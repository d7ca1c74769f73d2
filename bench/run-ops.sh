#!/usr/bin/env bash
# Memory-bound kernels, VectorKernels vs ScalarKernels, as GB/s: bench/run-ops.sh [--quick] [--threads 1,2]
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f bench/target/benchmarks.jar || "${REBUILD:-1}" == 1 ]]; then
  mvn -q -o -Pbenchmarks-jar -pl bench -am package -DskipTests || mvn -q -Pbenchmarks-jar -pl bench -am package -DskipTests
fi
java --add-modules jdk.incubator.vector -XX:-TieredCompilation -Xmx4g -cp bench/target/benchmarks.jar \
  dev.nanolm.bench.OpsReport "$@" 2>&1 | { grep -v -e 'Using incubator modules' || true; }
exit "${PIPESTATUS[0]}"

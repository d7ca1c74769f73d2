#!/usr/bin/env bash
# JMH: fused GRU/LSTM layers (forward + backward, batch 32 x 64 steps x 256) and the per-step product, workers parking
# or polling between hand-offs (RecurrentBench). bench/run-recurrent.sh [JMH options, e.g. -p cell=lstm -wi 2 -i 3]
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f bench/target/benchmarks.jar || "${REBUILD:-1}" == 1 ]]; then
  mvn -q -o -Pbenchmarks-jar -pl bench -am package -DskipTests || mvn -q -Pbenchmarks-jar -pl bench -am package -DskipTests
fi
java --add-modules jdk.incubator.vector -XX:-TieredCompilation -Xmx4g -cp bench/target/benchmarks.jar \
  org.openjdk.jmh.Main RecurrentBench "$@" 2>&1 | { grep -v -e 'Using incubator modules' || true; }
exit "${PIPESTATUS[0]}"

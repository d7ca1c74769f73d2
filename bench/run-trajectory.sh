#!/usr/bin/env bash
# nanolm and libtorch train the same GPT-family model from the same weights on the same batches; a held-out loss on
# both every few hundred steps (TrajectoryBench): bench/run-trajectory.sh [--preset names-transformer] [--iters N]
#   [--eval-every 500] [--eval-split val|test] [--threads 2] [--key value (training settings, e.g. --split 97/1.5/1.5)]
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f bench/target/benchmarks.jar || "${REBUILD:-1}" == 1 ]]; then
  mvn -q -o -Pbenchmarks-jar -pl bench -am package -DskipTests || mvn -q -Pbenchmarks-jar -pl bench -am package -DskipTests
fi
export NANOLM_DATA="${NANOLM_DATA:-../shared/data}"
export PYTORCH_FLAVOR=cpu PYTORCH_VERSION=2.7.1
java --add-modules jdk.incubator.vector -XX:-TieredCompilation -Xss4m "-Xmx${NANOLM_HEAP:-8g}" -Dai.djl.offline=true \
  -cp bench/target/benchmarks.jar dev.nanolm.bench.TrajectoryBench "$@" 2>&1 | { grep -v -e 'Using incubator modules' -e '^SLF4J' || true; }
exit "${PIPESTATUS[0]}"

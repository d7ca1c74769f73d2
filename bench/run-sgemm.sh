#!/usr/bin/env bash
# SGEMM benchmark, nanolm vs libtorch (DJL, offline) on the same shapes/layouts/threads, ending with the table
# "shape layout threads nanolm_GFLOPS libtorch_GFLOPS ratio".
#   bench/run-sgemm.sh            careful JMH run (one fork per shape/layout/threads/impl; ~15 min)
#   bench/run-sgemm.sh --quick    JMH with short iterations (~8 min)
#   (SgemmReport options: --shapes MxKxN,.. --layouts NN,.. --threads 1,2 --no-dw)
#   bench/run-sgemm.sh --fast     no JMH: SgemmQuick times a few reps of each (~2 min), for iterating
# Run it on an otherwise idle machine (PERF-NOTES cliff 3).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -f bench/target/benchmarks.jar || "${REBUILD:-1}" == 1 ]]; then
  mvn -q -o -Pbenchmarks-jar -pl bench -am package -DskipTests || mvn -q -Pbenchmarks-jar -pl bench -am package -DskipTests
fi

export PYTORCH_FLAVOR=cpu PYTORCH_VERSION=2.7.1
JVM=(java --add-modules jdk.incubator.vector -XX:-TieredCompilation -Xmx8g -Dai.djl.offline=true
     -cp bench/target/benchmarks.jar)
quiet() { grep -v -e 'Using incubator modules' -e '^SLF4J' || true; }

if [[ "${1:-}" == "--fast" ]]; then
  shift
  # libtorch's thread count is fixed per process: one process per thread count.
  "${JVM[@]}" -Dai.djl.pytorch.num_threads=1 dev.nanolm.bench.SgemmQuick --threads 1 --torch-threads 1 "$@" 2>&1 | quiet
  "${JVM[@]}" -Dai.djl.pytorch.num_threads=2 dev.nanolm.bench.SgemmQuick --threads 2 --torch-threads 2 --no-header "$@" 2>&1 | quiet
else
  "${JVM[@]}" dev.nanolm.bench.SgemmReport "$@" 2>&1 | quiet
fi

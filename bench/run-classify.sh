#!/usr/bin/env bash
# End-to-end classifier benchmark, nanolm vs the libtorch peer (DJL, offline) in one JVM: seconds per training epoch
# of agnews-rnn, agnews-gru and agnews-lstm on the same network, weights, vocabulary and batches, and the ratio (ClassifyBench).
#   bench/run-classify.sh [--presets agnews-rnn,agnews-gru,agnews-lstm] [--rows N] [--epochs-fraction F] [--warmup-batches 20] [--accuracy-epochs E]
#                         [--threads 2] [--side nanolm|libtorch|both] [other settings, e.g. --data FILE.csv]
# --rows N trains on N rows drawn at random (--split-seed); --epochs-fraction F times F of an epoch's batches and extrapolates (the
# output says so). --accuracy-epochs E: no timing; each side trains E whole epochs from the same weights on the same batches
# and prints its test accuracy after each (nanolm vs libtorch on the same data and seed). REBUILD=0 reuses
# bench/target/benchmarks.jar; NANOLM_HEAP sets -Xmx (default 8g); NANOLM_DATA defaults to ../shared/data (from the
# repository root). Run it on an otherwise idle machine (PERF-NOTES cliff 3).
# A quick check that it works: bench/run-classify.sh --rows 300 --warmup-batches 2
set -euo pipefail
cd "$(dirname "$0")/.."

threads=2 args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) threads="$2"; args+=("$1" "$2"); shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done

if [[ ! -f bench/target/benchmarks.jar || "${REBUILD:-1}" == 1 ]]; then
  mvn -q -o -Pbenchmarks-jar -pl bench -am package -DskipTests || mvn -q -Pbenchmarks-jar -pl bench -am package -DskipTests
fi

export NANOLM_DATA="${NANOLM_DATA:-../shared/data}"
export PYTORCH_FLAVOR=cpu PYTORCH_VERSION=2.7.1
java --add-modules jdk.incubator.vector -XX:-TieredCompilation -Xss4m "-Xmx${NANOLM_HEAP:-8g}" -XX:MaxHeapFreeRatio=100 -Dai.djl.offline=true \
     "-Dai.djl.pytorch.num_threads=$threads" -Dai.djl.pytorch.num_interop_threads=1 \
     -cp bench/target/benchmarks.jar dev.nanolm.bench.ClassifyBench "${args[@]}" 2>&1 \
  | { grep -v -e 'WARNING: Using incubator modules' -e '^SLF4J' || true; }
exit "${PIPESTATUS[0]}"

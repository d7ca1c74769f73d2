#!/usr/bin/env bash
# End-to-end GPT benchmark, nanolm vs the libtorch peer (DJL, offline) on the same preset, weights and batches:
# training steps and sampling, one table with the ratios (GptBench).
#   bench/run-gpt.sh [--preset shakespeare-char-baby] [--iters 20] [--warmup 3] [--threads 2] [--what train|sample|both]
#                    [--tcmalloc auto|on|off] [--one-jvm] [other GptBench options, e.g. --sample-tokens 500 --batch-size 12]
# By default each side runs in its own JVM (so LD_PRELOAD and peak RSS are per side): nanolm, libtorch with glibc
# malloc, and libtorch with Debian's libtcmalloc-minimal4 preloaded (--tcmalloc auto: when installed; on: required;
# off: skipped). --one-jvm runs both sides in one JVM without tcmalloc. REBUILD=0 reuses bench/target/benchmarks.jar;
# NANOLM_HEAP sets -Xmx (default 8g; the heap flags are bin/nanolm's); NANOLM_DATA defaults to ../shared/data (from the repository root).
# Run it on an otherwise idle machine (PERF-NOTES cliff 3).
set -euo pipefail
cd "$(dirname "$0")/.."

threads=2 tcmalloc=auto one_jvm=0 args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) threads="$2"; args+=("$1" "$2"); shift 2 ;;
    --tcmalloc) tcmalloc="$2"; shift 2 ;;
    --one-jvm) one_jvm=1; shift ;;
    --side|--results|--report) echo "error: run-gpt.sh sets $1 itself" >&2; exit 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
case "$tcmalloc" in auto|on|off) ;; *) echo "error: --tcmalloc must be auto, on or off, got '$tcmalloc'" >&2; exit 2 ;; esac

# Debian's package; the script never installs it
lib=""
for cand in "$(ldconfig -p 2>/dev/null | awk '/libtcmalloc_minimal\.so\.4 /{print $NF; exit}')" \
            /usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4 /usr/lib/aarch64-linux-gnu/libtcmalloc_minimal.so.4; do
  if [[ -n "$cand" && -f "$cand" ]]; then lib="$cand"; break; fi
done
if [[ -z "$lib" && "$tcmalloc" != off && "$one_jvm" == 0 ]]; then
  msg="libtcmalloc-minimal4 is not installed (install it with: apt-get update && apt-get install -y libtcmalloc-minimal4)"
  if [[ "$tcmalloc" == on ]]; then echo "error: $msg" >&2; exit 1; fi
  echo "note: $msg; the libtorch + tcmalloc row is skipped" >&2
fi

if [[ ! -f bench/target/benchmarks.jar || "${REBUILD:-1}" == 1 ]]; then
  mvn -q -o -Pbenchmarks-jar -pl bench -am package -DskipTests || mvn -q -Pbenchmarks-jar -pl bench -am package -DskipTests
fi

export NANOLM_DATA="${NANOLM_DATA:-../shared/data}"
export PYTORCH_FLAVOR=cpu PYTORCH_VERSION=2.7.1
JVM=(java --add-modules jdk.incubator.vector -XX:-TieredCompilation -Xss4m "-Xmx${NANOLM_HEAP:-8g}" -XX:MaxHeapFreeRatio=100 -Dai.djl.offline=true
     "-Dai.djl.pytorch.num_threads=$threads" -Dai.djl.pytorch.num_interop_threads=1
     -cp bench/target/benchmarks.jar dev.nanolm.bench.GptBench)
quiet() { grep -v -e 'WARNING: Using incubator modules' -e '^SLF4J' || true; }

if [[ "$one_jvm" == 1 ]]; then
  "${JVM[@]}" --side both "${args[@]}" 2>&1 | quiet
  exit "${PIPESTATUS[0]}"
fi

results="bench/target/gpt-bench-$(date +%Y%m%d-%H%M%S).tsv"
echo "nanolm (JVM 1):"
"${JVM[@]}" --side nanolm --results "$results" "${args[@]}" 2>&1 | quiet
echo "libtorch, glibc malloc (JVM 2):"
"${JVM[@]}" --side libtorch --results "$results" "${args[@]}" 2>&1 | quiet
if [[ -n "$lib" && "$tcmalloc" != off ]]; then
  echo "libtorch, tcmalloc (JVM 3, LD_PRELOAD=$lib):"
  LD_PRELOAD="$lib" "${JVM[@]}" --side libtorch --results "$results" "${args[@]}" 2>&1 | quiet
fi
"${JVM[@]}" --report "$results" 2>&1 | quiet
echo "(rows kept in $results)"

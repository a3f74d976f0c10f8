#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang, ASan + UBSan) into ${APIQ_FUZZ_DIR:-build-fuzz}
# and runs each for SECONDS (default 60) on its corpus: the seeds in tests/fuzz/seeds/<target>,
# plus seeds taken from ../shared at run time (never committed). A crash, leak or sanitizer report
# stops that target; its reproducer lands in tests/fuzz/crashes/<target>/ (CTest replays those).
#   tools/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(safetensors_header config sentencepiece tokenizer_json report)
build=${APIQ_FUZZ_DIR:-$root/build-fuzz}
shared=${APIQ_SHARED_DIR:-$root/../shared}
cmake -S "$root/tests/fuzz" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$(nproc)" --target "${targets[@]/#/fuzz_}"

# Seeds from ../shared: configs, tokenizers and safetensors headers (the first 64 KiB holds them).
shared_seeds() {
  local t=$1 dir=$2
  [[ -d $shared ]] || return 0
  case $t in
    config) find "$shared/models" -name config.json -exec cp {} "$dir/" \; ;;
    tokenizer_json) find "$shared/tokenizers" "$shared/models" -name tokenizer.json -size -3M \
                      -exec sh -c 'cp "$1" "$2/$(echo "$1" | md5sum | cut -c1-12).json"' _ {} "$dir" \; ;;
    sentencepiece) find "$shared" -name '*.model' -size -1M \
                     -exec sh -c 'cp "$1" "$2/$(echo "$1" | md5sum | cut -c1-12).model"' _ {} "$dir" \; ;;
    safetensors_header) find "$shared/models" -name '*.safetensors' -size -20M \
                     -exec sh -c 'cp "$1" "$2/$(echo "$1" | md5sum | cut -c1-12).st"' _ {} "$dir" \; ;;
  esac
}

mkdir -p "${targets[@]/#/$root/tests/fuzz/crashes/}"
status=0
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"
  mkdir -p "$corpus"
  [[ -d $root/tests/fuzz/seeds/$t ]] && cp -n "$root/tests/fuzz/seeds/$t"/* "$corpus/" 2>/dev/null || true
  shared_seeds "$t" "$corpus"
  max_len=$((4 * 1024 * 1024))
  echo "== fuzz_$t for ${seconds}s ($(ls "$corpus" | wc -l) seeds)"
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
      "$build/fuzz_$t" -max_total_time="$seconds" -max_len=$max_len -rss_limit_mb=4096 -timeout=30 \
      -artifact_prefix="$root/tests/fuzz/crashes/$t/" -print_final_stats=1 "$corpus" 2>"$build/$t.log"; then
    echo "fuzz_$t FAILED: see $build/$t.log and tests/fuzz/crashes/"
    status=1
  fi
  grep -E "^stat::(number_of_executed_units|peak_rss_mb)|^#[0-9]+ *DONE" "$build/$t.log" | tr '\n' ' '
  echo
done
exit $status

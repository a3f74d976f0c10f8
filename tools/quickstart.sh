#!/usr/bin/env bash
# Quick start: install everything, build, then run the main job on a model folder (default
# ../shared/models/stories260K): compress it to 2 bits with qlora, loftq and apiq-bw and print the
# comparison of the three (activation error, block-output MSE, perplexity), kept in one folder.
# Small settings: about 40 s of calibration on 2 cores for stories260K.
#   tools/quickstart.sh [MODEL_DIR] [TEXT_FILE]     output: $APIQ_QUICKSTART_OUT (default build/quickstart)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
model=${1:-$root/../shared/models/stories260K}
text=${2:-$root/../shared/data/eval/tinystories-6000.txt}
# Calibration text other than the evaluation text (the shared TinyStories sample when present).
calib=${APIQ_QUICKSTART_CALIB:-$root/../shared/data/tinystories-sample.txt}
[[ -f $calib ]] || calib=$text
"$root/tools/setup.sh" >/dev/null
"$root/tools/build.sh"
apiq="${APIQ_BUILD_DIR:-$root/build}/app/apiq"
out=${APIQ_QUICKSTART_OUT:-${APIQ_BUILD_DIR:-$root/build}/quickstart}
rm -rf "$out" && mkdir -p "$out"
echo "== apiq eval $model (full precision)"
"$apiq" eval "$model" --data "$text" --seq-len 256 --max-windows 8 | tee "$out/full-precision.txt"
runs=()
for method in qlora loftq apiq-bw; do
  echo "== apiq quantize --method $method (2 bits, group 64, rank 8)"
  "$apiq" quantize "$model" --method "$method" --bits 2 --group-size 64 --rank 8 --calib "$calib" \
    --nsamples 32 --seq-len 256 --epochs 20 --seed 2 --out "$out/$method" 2>"$out/$method.log"
  runs+=("$out/$method")
done
echo "== apiq compare (windows of 256 tokens of $text)"
"$apiq" compare "${runs[@]}" --data "$text" --seq-len 256 --max-windows 8 2>/dev/null | tee "$out/comparison.txt"
echo "== apiq generate with the apiq-bw model"
"$apiq" generate "$out/apiq-bw" --prompt "Once upon a time" --max-new-tokens 60
echo "quick start output: $out (three quantized models, their logs, comparison.txt)"

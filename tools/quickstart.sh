#!/usr/bin/env bash
# Quick start: install everything, build, then run the main job on a model folder (default
# ../shared/models/stories260K): compress it to 2 bits with qlora, loftq and apiq-bw and print the
# comparison of the three next to the full-precision model (size, bits per parameter, perplexity,
# activation error, block-output MSE, time, memory), kept with its charts in one folder.
# Small settings: about 40 s of calibration on 2 cores for stories260K.
#   tools/quickstart.sh [MODEL_DIR] [TEXT_FILE]     output: $APIQ_QUICKSTART_OUT (default build/quickstart)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
model=${1:-$root/../shared/models/stories260K}
text=${2:-$root/../shared/data/eval/tinystories-6000.txt}
# Calibration text other than the evaluation text (the shared TinyStories sample when present).
calib=${APIQ_QUICKSTART_CALIB:-$root/../shared/data/tinystories-sample.txt}
[[ -f $calib ]] || calib=$text
for f in "$model/config.json" "$text"; do
  [[ -f $f ]] || { echo "quickstart: $f: no such file (tools/quickstart.sh [MODEL_DIR] [TEXT_FILE])" >&2; exit 2; }
done
"$root/tools/setup.sh" >/dev/null
"$root/tools/build.sh"
apiq="${APIQ_BUILD_DIR:-$root/build}/app/apiq"
out=${APIQ_QUICKSTART_OUT:-${APIQ_BUILD_DIR:-$root/build}/quickstart}
rm -rf "$out" && mkdir -p "$out"
runs=()
for method in qlora loftq apiq-bw; do
  echo "== apiq quantize --method $method (2 bits, group 64, rank 8)"
  "$apiq" quantize "$model" --method "$method" --bits 2 --group-size 64 --rank 8 --calib "$calib" \
    --nsamples 32 --seq-len 256 --epochs 20 --seed 2 --out "$out/$method" 2>"$out/$method.log" \
    || { tail -n 5 "$out/$method.log" >&2; exit 1; }
  runs+=("$out/$method")
done
echo "== apiq generate with the apiq-bw model"
"$apiq" generate "$out/apiq-bw" --prompt "Once upon a time" --max-new-tokens 60
echo
ppl=(--data "$text" --seq-len 256 --max-windows 8)
for form in txt csv json; do
  flag=(); [[ $form != txt ]] && flag=(--$form)
  "$apiq" compare "${runs[@]}" "${ppl[@]}" "${flag[@]}" >"$out/comparison.$form" 2>"$out/compare.log" \
    || { tail -n 5 "$out/compare.log" >&2; exit 1; }
done
studio="${APIQ_BUILD_DIR:-$root/build}/app/gui/apiq-studio"
charts_ok=1
if [[ -x $studio ]]; then
  echo "== charts (the GUI's Comparison tab, drawn without a window)"
  if ! QT_QPA_PLATFORM=offscreen "$studio" --save-comparison "$out/charts" "${runs[@]}" --text "$text" --seq-len 256 \
       --max-windows 8 2>"$out/charts.log"; then
    charts_ok=0; echo "quickstart: the charts failed ($out/charts.log):" >&2; tail -n 5 "$out/charts.log" >&2
  # The GUI's summary table and apiq compare's are one computation: the two CSV files are equal.
  elif ! cmp -s "$out/charts/summary.csv" "$out/comparison.csv"; then
    charts_ok=0; echo "quickstart: the GUI's summary.csv differs from apiq compare --csv" >&2
  fi
else
  echo "(apiq-studio was not built: no charts)"
fi
echo "== apiq compare (perplexity on windows of 256 tokens of $text, the first 8)"
cat "$out/comparison.txt"
echo
echo "quick start output: $out"
echo "  comparison.txt / .csv / .json   the table above (perplexity, size, errors, time, memory per run)"
echo "  charts/*.png, *.svg, *.csv       error per block and per linear, one line per method"
echo "  qlora/ loftq/ apiq-bw/           the three 2-bit models (apiq export turns them into GPTQ, compressed-tensors, PEFT)"
[[ $charts_ok -eq 1 ]]

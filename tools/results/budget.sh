#!/usr/bin/env bash
# Mixed precision under a memory budget (issue 15; docs/results.md, "Budget"). For each model:
# qlora / loftq / apiq-bw / lq-lora at uniform 2 and 3 bits, then lq-lora and apiq-bw with
# --budget set to the uniform 2-bit run's stored bits per parameter (LoRA counted), and at 2.5 and
# 3.0 bits of codes, scales and zeros (--budget-exclude-lora). Runs go to $OUT (default
# /tmp/apiq-budget; existing folders are kept); one JSON line per run to $OUT/results.jsonl.
# usage: tools/results/budget.sh [MODEL...]   (default: stories260K babyllama-tok105 mix8k-32M)
# DEVICE=cuda runs quantize and eval on the GPU (the mix8k-32M rows of docs/results.md).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
A=${A:-$root/build/app/apiq}
S=${SHARED:-$root/../shared}
D=$S/data
OUT=${OUT:-/tmp/apiq-budget}
DEVICE=${DEVICE:-cpu}
export OMP_NUM_THREADS=1
mkdir -p "$OUT"

stored_bits() { "$A" inspect "$1" | sed -n 's/.*: \([0-9.]*\) bits per parameter/\1/p'; }

# run MODEL TAG RANK [apiq quantize flags...]: quantize (unless done), evaluate, record.
run() {
  local model=$1 tag=$2 rank=$3 dir="$OUT/$1-$2"
  shift 3
  if [[ ! -d $dir ]]; then
    if ! "$A" quantize "$S/models/$model" --rank "$rank" --alpha 16 --group-size 64 --calib "$D/tinystories-sample.txt" \
      --nsamples 32 --seq-len 256 --epochs 5 --seed 2 --device "$DEVICE" --out "$dir" "$@" >"$dir.log" 2>&1; then
      echo "{\"model\": \"$model\", \"run\": \"$tag\", \"error\": $(tail -1 "$dir.log" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read().strip()))')}" >>"$OUT/results.jsonl"
      return
    fi
  fi
  local ppl bits
  ppl=$("$A" eval "$dir" --data "$D/tinystories-valid-head.txt" --seq-len 256 --max-windows 100 --device "$DEVICE" --json 2>/dev/null)
  bits=$(stored_bits "$dir")
  python3 - "$OUT" "$model" "$tag" "$dir" "$ppl" "$bits" "$*" <<'PY'
import json, sys
out, model, tag, d, ppl, bits, flags = sys.argv[1:]
rep = json.load(open(f"{d}/report.json"))
qc = json.load(open(f"{d}/config.json"))["quantization_config"]
mix = {}
for m in qc.get("module_overrides", {}).values():
    k = f"{m['bits']}b g{m['group_size']}" + (f" b0 {m['nf_scale_bits']}" if "nf_scale_bits" in m else "")
    mix[k] = mix.get(k, 0) + 1
row = {"model": model, "run": tag, "flags": flags, "ppl": json.loads(ppl)["ppl"], "stored_bits_per_param": float(bits),
       "budget": rep.get("budget"), "mix": mix, "seconds": rep.get("seconds")}
with open(f"{out}/results.jsonl", "a") as f:
    f.write(json.dumps(row) + "\n")
PY
}

for model in "${@:-stories260K babyllama-tok105 mix8k-32M}"; do
  for model1 in $model; do
    rank=8
    [[ $model1 == mix8k-32M ]] && rank=16
    for bits in 2 3; do
      run "$model1" "qlora-$bits" "$rank" --method qlora --bits "$bits"
      run "$model1" "loftq-$bits" "$rank" --method loftq --bits "$bits"
      run "$model1" "apiq-bw-$bits" "$rank" --method apiq-bw --bits "$bits"
      run "$model1" "lq-lora-$bits" "$rank" --method lq-lora --bits "$bits"
    done
    for m in lq-lora apiq-bw; do
      b2=$(stored_bits "$OUT/$model1-$m-2")
      run "$model1" "$m-budget-uniform2" "$rank" --method "$m" --bits 2 --budget "$b2" --fisher 8
      for b in 2.5 3.0; do
        run "$model1" "$m-budget-$b" "$rank" --method "$m" --bits 2 --budget "$b" --budget-exclude-lora --fisher 8
      done
    done
    # LQ-LoRA's own format: NF with double-quantized scales (b0 8, B0 64, B1 256, fp32) at uniform
    # 2 bits, then the same budgets over its NF grid.
    nf=(--method lq-lora --format nf --nf-scale-bits 8 --bits 2)
    run "$model1" "lq-lora-nf-2" "$rank" "${nf[@]}"
    b2=$(stored_bits "$OUT/$model1-lq-lora-nf-2")
    run "$model1" "lq-lora-nf-budget-uniform2" "$rank" "${nf[@]}" --budget "$b2" --fisher 8
    for b in 2.5 3.0; do
      run "$model1" "lq-lora-nf-budget-$b" "$rank" "${nf[@]}" --budget "$b" --budget-exclude-lora --fisher 8
    done
  done
done

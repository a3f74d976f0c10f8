#!/usr/bin/env bash
# Finetuning the 2-bit model with every adapter kind (issue 16; docs/results.md, "Adapter family").
# Usage: tools/results/adapters.sh [stories|mix8k|gsm8k|blora-sweep]...  (default: all four)
# Runs go to $OUT (default /tmp/apiq-adapters); every run is skipped when its folder exists, so the
# script resumes. Prints one JSON line per evaluated run to $OUT/results.jsonl; table.py renders it.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
A=${A:-$root/build/app/apiq}
S=${SHARED:-$root/../shared}
D=$S/data
OUT=${OUT:-/tmp/apiq-adapters}
export OMP_NUM_THREADS=1
mkdir -p "$OUT"

# quantize MODEL METHOD GROUP RANK NSAMPLES EPOCHS → $OUT/<model>-<method>
quantize() {
  local model=$1 method=$2 group=$3 rank=$4 n=$5 epochs=$6 dir="$OUT/$1-$2"
  [[ -d $dir ]] && return
  "$A" quantize "$S/models/$model" --method "$method" --bits 2 --group-size "$group" --rank "$rank" --alpha 16 \
    --calib "$D/tinystories-sample.txt" --nsamples "$n" --seq-len 256 --epochs "$epochs" --seed 2 --out "$dir" >/dev/null
}

# finetune BASE TAG DATA FORMAT EPOCHS [apiq finetune flags...] → $OUT/<base>-<tag>
finetune() {
  local base=$1 tag=$2 data=$3 format=$4 epochs=$5 dir="$OUT/$1-$2"
  shift 5
  [[ -d $dir ]] && return
  "$A" finetune "$OUT/$base" --data "$data" --format "$format" --eval-data "$EVAL_DATA" --eval-limit 100 \
    --seq-len 256 --batch 4 --epochs "$epochs" --lr 3e-4 --warmup 0.03 --schedule cosine --weight-decay 0.1 \
    --threads 1 --log-every 0 --out "$dir" "$@" | tail -2 >"$dir.log"
}

# record RUN TEXT: held-out perplexity of the written checkpoint (first 100 windows of 256 tokens).
record() {
  local run=$1 text=$2
  local ppl
  ppl=$("$A" eval "$OUT/$run" --data "$text" --seq-len 256 --max-windows 100 --json)
  python3 - "$OUT" "$run" "$text" "$ppl" <<'PY'
import json, sys
out, run, text, ppl = sys.argv[1:]
rep = json.load(open(f"{out}/{run}/report.json"))
ft = rep.get("finetune", {})
ad = ft.get("adapter", {})
row = {"run": run, "text": text.rsplit("/", 1)[-1], "ppl": json.loads(ppl)["ppl"], "kind": ad.get("kind", "(none)"),
       "trainable": ad.get("trainable", 0), "stored_bits": ad.get("stored_bits", 0),
       "linears": ad.get("linears", []), "seconds": ft.get("seconds", 0),
       "merged": "merge" in rep, "options": ad.get("options", {})}
with open(f"{out}/results.jsonl", "a") as f:
    f.write(json.dumps(row) + "\n")
PY
}

# Every adapter on one base: fit and zero starts where they differ, QA-HiRA merged too.
adapters_on() {
  local base=$1 data=$2 format=$3 epochs=$4 text=$5 pool=$6 inits=$7
  record "$base" "$text"
  for init in $inits; do
    for kind in ${KINDS:-lora qbara qahira blora}; do
      [[ $kind == lora && $init == zero ]] && continue
      local tag="$kind-$init-$format"
      finetune "$base" "$tag" "$data" "$format" "$epochs" --adapter "$kind" --adapter-init "$init" --hira-out-pool "$pool"
      record "$base-$tag" "$text"
      if [[ $kind == qahira ]]; then
        [[ -d $OUT/$base-$tag-merged ]] || "$A" merge "$OUT/$base-$tag" --out "$OUT/$base-$tag-merged" >/dev/null
        record "$base-$tag-merged" "$text"
      fi
    done
  done
}

stories() {
  EVAL_DATA=$D/tinystories-valid-head.txt
  for m in qlora apiq-bw; do
    quantize stories260K "$m" 32 8 64 20
    adapters_on "stories260K-$m" "$D/tinystories-sample.txt" text 2 "$EVAL_DATA" 4 "fit zero"
  done
}

mix8k() {
  EVAL_DATA=$D/tinystories-valid-head.txt
  for m in qlora apiq-bw; do
    quantize mix8k-32M "$m" 64 16 32 5
    adapters_on "mix8k-32M-$m" "$D/tinystories-sample.txt" text 1 "$EVAL_DATA" 8 fit
  done
}

gsm8k() {
  EVAL_DATA=$OUT/gsm8k-eval.jsonl
  head -n 300 "$D/gsm8k/train.jsonl" >"$OUT/gsm8k-train300.jsonl"
  head -n 200 "$D/gsm8k/test.jsonl" >"$EVAL_DATA"
  for m in qlora apiq-bw; do
    quantize mix8k-32M "$m" 64 16 32 5
    adapters_on "mix8k-32M-$m" "$OUT/gsm8k-train300.jsonl" gsm8k 1 "$D/eval/gsm8k-test.txt" 8 fit
  done
}

# Bayesian-LoRA's gate weight λ: how far the adapter shrinks before the perplexity moves by 1 %.
blora_sweep() {
  EVAL_DATA=$D/tinystories-valid-head.txt
  for lambda in 0 0.001 0.01 0.03 0.1 1; do
    finetune stories260K-apiq-bw "blora-l$lambda" "$D/tinystories-sample.txt" text 2 --adapter blora --gate-lambda "$lambda"
    record "stories260K-apiq-bw-blora-l$lambda" "$EVAL_DATA"
  done
}

parts=("$@")
[[ ${#parts[@]} -eq 0 ]] && parts=(stories mix8k gsm8k blora-sweep)
for p in "${parts[@]}"; do
  case $p in
    stories) stories ;;
    mix8k) mix8k ;;
    gsm8k) gsm8k ;;
    blora-sweep) blora_sweep ;;
    *) echo "unknown part $p" >&2; exit 2 ;;
  esac
done

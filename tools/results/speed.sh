#!/usr/bin/env bash
# Issue 17's measurements on the GPU machine, printed for docs/performance.md.
#   tools/results/speed.sh STAGE...   (APIQ: the apiq binary; SHARED: ../shared or carry/shared; WORK: scratch)
# Stages:
#   small       apiq-bw on babyllama-tok105, 2-bit g32 r8, 128 x 256, 20 epochs, with and without CUDA
#               graphs; wall time and perplexity on the first 100 windows of 256 of tinystories-valid-head
#   7b4         bench-quantize, 4 Llama-2-7B-shaped blocks at the paper's 128 x 2048 x 20 epochs (graph)
#   7b4-eager   the same with --no-cuda-graph
#   7b32        bench-quantize, all 32 blocks at 16 x 2048 x 2 epochs
#   open        the 7b32 output: load + first 2048-token window, and each export, timed
#   decode      apiq bench's decode rows only (fused and composed, with and without LoRA)
#   profile     GPU time per kernel of four eager 7B ApiQ-bw steps (ncu over bench's profiler range)
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
A=${APIQ:-$root/build-gpu/app/apiq}
S=${SHARED:-$root/carry/shared}
W=${WORK:-$root/build-gpu/speed}
mkdir -p "$W"
secs() {
  local t0=$EPOCHREALTIME; "$@"; local rc=$?
  python3 -c 'import sys; print(f"wall {float(sys.argv[2]) - float(sys.argv[1]):.2f} s (rc {sys.argv[3]}):", *sys.argv[4:])' \
    "$t0" "$EPOCHREALTIME" "$rc" "$@"
}
small() {
  local m=$S/models/babyllama-tok105
  for g in graph eager; do
    local flag=""; [ $g = eager ] && flag=--no-cuda-graph
    rm -rf "$W/baby-$g"
    secs "$A" quantize "$m" --calib "$S/data/tinystories-sample.txt" --method apiq-bw --bits 2 --group-size 32 --rank 8 \
      --nsamples 128 --seq-len 256 --epochs 20 --device cuda $flag --out "$W/baby-$g" 2>&1 | grep -v "act err"
    echo "ppl $g: $("$A" eval "$W/baby-$g" --data "$S/data/tinystories-valid-head.txt" --seq-len 256 --max-windows 100 --device cuda --json)"
    python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print('graph steps', sum(b.get('graph_steps',0) for b in r['blocks']), 'of', sum(len(b['losses']) for b in r['blocks']))" "$W/baby-$g/report.json"
  done
}
bq() {  # bench-quantize WORKDIR ARGS...
  local work=$1; shift
  "$A" bench-quantize --tokenizer "${TOK:-$S/tokenizers/hf-llama2}" --calib "$S/data/tinystories-sample.txt" --device cuda \
    --work "$work" "$@"
}
for stage in "$@"; do
  echo "=== $stage ($(date -u +%H:%M:%S))"
  case $stage in
    small) small ;;
    7b4) bq "$W/b4" --blocks 4 --nsamples 128 --seq-len 2048 --epochs 20 ;;
    7b4-eager) bq "$W/b4" --blocks 4 --nsamples 128 --seq-len 2048 --epochs 20 --no-cuda-graph ;;
    7b32) bq "$W/b32" --blocks 32 --nsamples 16 --seq-len 2048 --epochs 2 ;;
    open)
      q=$W/b32/quantized
      secs "$A" eval "$q" --data "$S/data/tinystories-valid-head.txt" --seq-len 2048 --max-windows 1 --device cuda --json
      for f in compressed-tensors gptq-v2; do rm -rf "$W/export-$f"; secs "$A" export "$q" --format "$f" --out "$W/export-$f"; done ;;
    decode) "$A" bench --device cuda --only decode ;;
    profile)
      ncu --profile-from-start off --clock-control none --metrics gpu__time_duration.sum --csv \
        "$A" bench --device cuda --shapes "16,256,256" --runs 1 --warmup 1 > "$W/ncu-step.csv" 2> "$W/ncu-step.err"
      python3 "$root/tools/results/ncu_top.py" "$W/ncu-step.csv" 45 ;;
    *) echo "unknown stage $stage"; exit 2 ;;
  esac
done

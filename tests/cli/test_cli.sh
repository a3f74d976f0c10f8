#!/usr/bin/env bash
# End-to-end checks of the apiq CLI: the acceptance commands on ../shared and one-line
# errors with exit code 2 for bad input.  usage: test_cli.sh APIQ SHARED_DIR
set -u
APIQ=$1; SHARED=$2
pass=0; fail=0
ok() { pass=$((pass+1)); echo "ok   $1"; }
bad() { fail=$((fail+1)); echo "FAIL $1"; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# expect_error NAME PATTERN CMD...: exit 2, one line on stderr naming the problem.
expect_error() {
  local name=$1 pattern=$2; shift 2
  "$@" >"$work/out" 2>"$work/err"; local rc=$?
  local lines; lines=$(wc -l <"$work/err")
  if [[ $rc -eq 2 && $lines -eq 1 ]] && grep -q -- "$pattern" "$work/err"; then ok "$name"
  else bad "$name (rc=$rc, stderr: $(head -c 300 "$work/err"))"; fi
}

if [[ -d "$SHARED/models/stories260K" ]]; then
  M=$SHARED/models/stories260K
  out=$("$APIQ" eval "$M" --data "$SHARED/data/eval/tinystories-6000.txt" --seq-len 256 --max-windows 1 --dtype f32 --json 2>/dev/null)
  if python3 -c "import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if abs(d['nll']-1.3958)<=5e-4 and d['windows']==1 else 1)" "$out"
  then ok "eval nll matches the HF reference ($out)"; else bad "eval nll ($out)"; fi
  gen=$("$APIQ" generate "$M" --prompt "Once upon a time" --max-new-tokens 30 2>/dev/null)
  if [[ "$gen" == "Once upon a time, there was a little girl named Lily. She loved to play outside in the park."* ]]
  then ok "generate prints the reference story"; else bad "generate: $gen"; fi
  "$APIQ" inspect "$M" --json >"$work/inspect.json" 2>/dev/null
  if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d['total_params']==sum(t['params'] for t in d['tensors']) and len(d['tensors'])==47 else 1)" "$work/inspect.json"
  then ok "inspect --json lists 47 tensors with consistent totals"; else bad "inspect --json"; fi

  mkdir -p "$work/m"; cp "$M/config.json" "$M/model.safetensors" "$work/m/"
  expect_error "missing tokenizer" "tokenizer.model: tokenizer is missing" "$APIQ" eval "$work/m" --data "$SHARED/data/eval/tinystories-6000.txt"
  cp "$M/tokenizer.model" "$work/m/"
  head -c 1000 "$M/model.safetensors" >"$work/m/model.safetensors"
  expect_error "truncated safetensors" "model.safetensors: " "$APIQ" eval "$work/m" --data "$SHARED/data/eval/tinystories-6000.txt"
  cp "$M/model.safetensors" "$work/m/"
  sed 's/"llama"/"gpt_neox"/' "$M/config.json" >"$work/m/config.json"
  expect_error "unsupported model_type" "unsupported model_type 'gpt_neox'" "$APIQ" inspect "$work/m"
  grep -v num_hidden_layers "$M/config.json" >"$work/m/config.json"
  expect_error "missing config field" "missing required field 'num_hidden_layers'" "$APIQ" eval "$work/m" --data "$SHARED/data/eval/tinystories-6000.txt"
  cp "$M/config.json" "$work/m/"
  expect_error "missing data file" "nothere.txt: cannot open" "$APIQ" eval "$work/m" --data "$work/nothere.txt"
  : >"$work/empty.txt"
  expect_error "empty data file" "empty.txt: the text file is empty" "$APIQ" eval "$work/m" --data "$work/empty.txt"
  echo "tiny" >"$work/tiny.txt"
  expect_error "text shorter than a window" "fewer than one window" "$APIQ" eval "$work/m" --data "$work/tiny.txt" --seq-len 256

  # Finetuning: a small qlora checkpoint, GSM8K-format rows, exact-match evaluation, the benchmark.
  "$APIQ" quantize "$M" --method qlora --bits 2 --group-size 64 --rank 4 --calib "$SHARED/data/tinystories-sample.txt" \
    --nsamples 2 --seq-len 32 --out "$work/q" >/dev/null 2>&1 || bad "quantize for finetuning"
  for i in 1 2 3 4 5 6; do
    echo "{\"question\": \"Tom has $i apples and buys 2 more. How many apples does he have?\", \"answer\": \"$i+2=<<$i+2=$((i+2))>>$((i+2))\\n#### $((i+2))\"}"
  done >"$work/gsm.jsonl"
  if "$APIQ" finetune "$work/q" --data "$work/gsm.jsonl" --format gsm8k --seq-len 128 --batch 2 --epochs 2 --lr 1e-3 \
       --threads 1 --out "$work/ft" >"$work/ft.out" 2>"$work/ft.err" && [[ -f "$work/ft/model.safetensors" && ! -e "$work/ft.partial" ]] \
     && python3 -c "import json,sys; f=json.load(open(sys.argv[1]))['finetune']; sys.exit(0 if len(f['evals'])==3 and f['total_steps']==len(f['steps'])==6 else 1)" "$work/ft/report.json"
  then ok "finetune --format gsm8k writes a checkpoint and a report ($(tail -c 120 "$work/ft.out"))"
  else bad "finetune gsm8k: $(tail -c 400 "$work/ft.err")"; fi
  out=$("$APIQ" eval-gsm8k "$work/ft" --data "$work/gsm.jsonl" --limit 2 --max-new-tokens 8 --json 2>/dev/null)
  if python3 -c "import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if d['total']==2 and len(d['items'])==2 and d['items'][0]['reference']=='3' else 1)" "$out"
  then ok "eval-gsm8k --json scores the first rows"; else bad "eval-gsm8k ($out)"; fi
  expect_error "finetune: missing data" "nothere.jsonl: cannot open the data file" "$APIQ" finetune "$work/q" --data "$work/nothere.jsonl" --format gsm8k --out "$work/f1"
  printf '{"question": "a", "answer": "#### 1"}\n{"question": "b", "answer": \n' >"$work/bad.jsonl"
  expect_error "finetune: bad JSON line" "bad.jsonl: line 2: not valid JSON" "$APIQ" finetune "$work/q" --data "$work/bad.jsonl" --format gsm8k --out "$work/f2"
  expect_error "finetune: empty data" "empty.txt: the data file is empty" "$APIQ" finetune "$work/q" --data "$work/empty.txt" --out "$work/f3"
  expect_error "finetune: not quantized" "not a quantized checkpoint" "$APIQ" finetune "$M" --data "$work/gsm.jsonl" --out "$work/f4"
  expect_error "finetune: output exists" "output folder already exists" "$APIQ" finetune "$work/q" --data "$work/gsm.jsonl" --format gsm8k --out "$work/ft"

  # QA-HiRA: finetune, fold into the zero points, and the folder evaluates as the unmerged one.
  "$APIQ" finetune "$work/q" --data "$work/gsm.jsonl" --format gsm8k --seq-len 128 --batch 2 --epochs 2 --lr 1e-2 \
    --adapter qahira --hira-out-pool 4 --out "$work/hira" >/dev/null 2>&1 || bad "finetune --adapter qahira"
  "$APIQ" merge "$work/hira" --out "$work/hira-merged" >/dev/null 2>&1 || bad "merge"
  for d in q hira hira-merged; do
    "$APIQ" eval "$work/$d" --data "$SHARED/data/eval/tinystories-6000.txt" --seq-len 256 --json 2>/dev/null >"$work/$d.eval"
  done
  if python3 -c "import json,sys; q,h,m=(json.load(open(f)) for f in sys.argv[1:]); sys.exit(0 if abs(h['nll']-m['nll'])<=1e-6 and abs(h['nll']-q['nll'])>1e-4 else 1)" "$work/q.eval" "$work/hira.eval" "$work/hira-merged.eval"
  then ok "eval of the merged QA-HiRA folder equals the unmerged one ($(cat "$work/hira-merged.eval"))"
  else bad "merge eval: $(cat "$work/q.eval" "$work/hira.eval" "$work/hira-merged.eval")"; fi
  expect_error "merge: LoRA does not fold" "only qahira merges" "$APIQ" merge "$work/ft" --out "$work/m1"
  expect_error "export: gptq cannot hold float zero points" "zero points fractional" "$APIQ" export "$work/hira-merged" --format gptq-v2 --out "$work/m2"
  expect_error "export: peft has no qahira adapter" "PEFT has no qahira adapter" "$APIQ" export "$work/hira" --format peft --out "$work/m3"
  expect_error "finetune: adapter that does not fit" "exceed the layer's" "$APIQ" finetune "$work/q" --data "$work/gsm.jsonl" --format gsm8k --adapter qahira --hira-in-pool 1000 --out "$work/m4"
  expect_error "eval-gsm8k: bad JSON line" "bad.jsonl: line 2: not valid JSON" "$APIQ" eval-gsm8k "$work/q" --data "$work/bad.jsonl"
  # Target linears: the others stay dense; unknown names and packed exports of dense modules fail cleanly.
  C=$SHARED/data/tinystories-sample.txt
  expect_error "quantize: unknown target" "unknown target linear 'bogus'" "$APIQ" quantize "$M" --targets q,bogus --calib "$C" --out "$work/t0"
  if "$APIQ" quantize "$M" --method rtn --targets q,v,down --calib "$C" --nsamples 2 --seq-len 32 --out "$work/t" >/dev/null 2>&1 \
     && python3 -c "import json,sys; q=json.load(open(sys.argv[1]))['quantization_config']; sys.exit(0 if q['target_modules']==['q_proj','v_proj','down_proj'] else 1)" "$work/t/config.json"
  then ok "quantize --targets q,v,down records the target modules"; else bad "quantize --targets"; fi
  # lq-lora comes from the method table; its iteration count is recorded and validated.
  if "$APIQ" quantize "$M" --method lq-lora --lq-iters 3 --bits 2 --rank 4 --calib "$C" --nsamples 2 --seq-len 32 \
       --out "$work/lq" >/dev/null 2>&1 \
     && python3 -c "import json,sys; o=json.load(open(sys.argv[1]))['options']; sys.exit(0 if o['method']=='lq-lora' and o['lq_iters']==3 else 1)" "$work/lq/report.json"
  then ok "quantize --method lq-lora --lq-iters 3 writes a checkpoint and records the option"; else bad "quantize --method lq-lora"; fi
  expect_error "quantize: lq-iters 0" "lq-iters: must be positive" "$APIQ" quantize "$M" --method lq-lora --lq-iters 0 --calib "$C" --out "$work/lq0"
  # --fisher N: lq-lora weighted by the Fisher of the first N windows; recorded, and refused elsewhere.
  if "$APIQ" quantize "$M" --method lq-lora --fisher 2 --lq-iters 3 --bits 2 --rank 4 --calib "$C" --nsamples 2 --seq-len 32 \
       --out "$work/lqf" >/dev/null 2>&1 \
     && python3 -c "import json,sys; o=json.load(open(sys.argv[1]))['options']; sys.exit(0 if o['method']=='lq-lora' and o['fisher']==2 else 1)" "$work/lqf/report.json"
  then ok "quantize --method lq-lora --fisher 2 writes a checkpoint and records the option"; else bad "quantize --fisher"; fi
  expect_error "quantize: fisher with rtn" "--fisher weights the decomposition of lq-lora only; rtn does not use it" \
    "$APIQ" quantize "$M" --method rtn --fisher 2 --calib "$C" --nsamples 2 --out "$work/lqf1"
  expect_error "quantize: fisher above nsamples" "--fisher 3 exceeds --nsamples 2" \
    "$APIQ" quantize "$M" --method lq-lora --fisher 3 --calib "$C" --nsamples 2 --out "$work/lqf2"
  # inspect: the stored bits per parameter of the quantized linears, against bytes counted here from
  # the safetensors header and parameters from config.json's shapes — int, and NF with LQ-LoRA's
  # double-quantized scales.
  "$APIQ" quantize "$M" --method lq-lora --format nf --nf-scale-bits 8 --nf-scale-block 16 --lq-iters 2 --rank 4 \
    --calib "$C" --nsamples 2 --seq-len 32 --out "$work/lqnf" >/dev/null 2>&1 || bad "quantize lq-lora nf double quantization"
  for folder in lqf lqnf; do
  "$APIQ" inspect "$work/$folder" --json >"$work/inspect_q.json" 2>/dev/null
  if python3 - "$work/$folder" "$work/inspect_q.json" <<'PY'
import json, struct, sys
folder, got = sys.argv[1], json.load(open(sys.argv[2]))["quantized_linears"]
with open(folder + "/model.safetensors", "rb") as f:
    header = json.loads(f.read(struct.unpack("<Q", f.read(8))[0]))
suffixes = (".qweight", ".scales", ".zeros", ".nf_absmax", ".nf_scale_codes", ".nf_scale_maxima", ".nf_offset",
            ".lora_A", ".lora_B")
stored = sum(t["data_offsets"][1] - t["data_offsets"][0] for n, t in header.items() if n.endswith(suffixes))
c = json.load(open(folder + "/config.json"))
h, inter, nh = c["hidden_size"], c["intermediate_size"], c["num_attention_heads"]
hd = c.get("head_dim") or h // nh
kv = c.get("num_key_value_heads", nh)
params = c["num_hidden_layers"] * (2 * h * nh * hd + 2 * h * kv * hd + 3 * h * inter)
bpp = 8.0 * stored / params
sys.exit(0 if got["bytes"] == stored and got["params"] == params and abs(got["bits_per_param"] - bpp) < 1e-9 else 1)
PY
  then ok "inspect --json ($folder): stored bits per parameter of the quantized linears match the safetensors header"; else bad "inspect bits per parameter ($folder)"; fi
  done
  if "$APIQ" inspect "$work/lqf" 2>/dev/null | grep -Eq "^quantized linears: .* [0-9.]+ bits per parameter$"
  then ok "inspect prints the stored bits per parameter"; else bad "inspect text bits per parameter"; fi
  # Held-out activation error next to the calibration columns; the full-precision model must be one.
  if out=$("$APIQ" compare "$work/q" "$work/q" --act-data "$SHARED/data/tinystories-valid-head.txt" --act-windows 2 --act-seq-len 32 2>&1) \
     && echo "$out" | grep -Eq "^held-out act err +[0-9.e+-]+ +[0-9.e+-]+$" && echo "$out" | grep -Eq "^down held-out +[0-9.e+-]+ "
  then ok "compare --act-data prints held-out activation errors"; else bad "compare --act-data ($(tail -c 300 <<<"$out"))"; fi
  expect_error "compare: quantized fp model" "is a quantized checkpoint" "$APIQ" compare "$work/q" --act-data "$C" --fp-model "$work/q"
  # The summary as JSON and CSV: the reference row first, then the run; the same cells in both.
  "$APIQ" quantize "$M" --method rtn --calib "$C" --nsamples 2 --seq-len 32 --out "$work/r" >/dev/null 2>&1
  "$APIQ" compare "$work/q" "$work/r" --data "$C" --seq-len 32 --max-windows 2 --json >"$work/cmp.json" 2>/dev/null
  "$APIQ" compare "$work/q" "$work/r" --data "$C" --seq-len 32 --max-windows 2 --csv >"$work/cmp.csv" 2>/dev/null
  if python3 - "$work/cmp.json" "$work/cmp.csv" "$M" <<'PY'
import csv, json, math, os, sys
runs = json.load(open(sys.argv[1]))["runs"]
rows = list(csv.DictReader(open(sys.argv[2])))
assert [r["reference"] for r in runs] == [True, False, False], runs
assert len(rows) == 3 and [r["run"] for r in rows] == [j["run"] for j in runs]
for j, c in zip(runs, rows):  # the CSV's numbers are the JSON's, digit for digit
    for k, v in c.items():
        if isinstance(j[k], float): assert float(v) == j[k], (k, v, j[k])
        elif j[k] is None: assert v == "", (k, v)
ref = runs[0]
assert ref["model_bytes"] == os.path.getsize(os.path.join(sys.argv[3], "model.safetensors")) - 8 - int.from_bytes(open(os.path.join(sys.argv[3], "model.safetensors"), "rb").read(8), "little")
assert ref["bits_per_param"] == 32 and ref["act_err"] is None and ref["perplexity"] > 1
assert all(r["perplexity"] > ref["perplexity"] for r in runs[1:])  # 2 bits cost quality here
assert runs[2]["rank"] == 0 and runs[1]["bits"] == 2 and len(runs[1]["blocks"]) == 5
def best(key): return [r["run"] for r in runs if key in r["best"]]
vals = [r["perplexity"] for r in runs[1:]]  # qlora starts with B = 0: often the same as rtn
assert best("perplexity") == ([] if len(set(vals)) == 1 else [r["run"] for r in runs[1:] if r["perplexity"] == min(vals)])
assert best("size_mb") == ["r"] and best("bits_per_param") == ["r"]  # rtn stores no LoRA factors
PY
  then ok "compare --json and --csv: reference row, best run, same numbers"; else bad "compare --json/--csv"; fi
  if "$APIQ" compare "$work/q" "$work/r" | grep -q "^per block"; then ok "compare prints the per-block errors"; else bad "compare per block"; fi
  expect_error "compare: text shorter than a window" "tiny.txt: the text has" "$APIQ" compare "$work/q" --data "$work/tiny.txt" --seq-len 64
  expect_error "compare: not a run" "report.json" "$APIQ" compare "$work/m"
  # A run whose full-precision model has moved still compares, without the reference row.
  cp -r "$work/r" "$work/moved"
  python3 -c "import json,sys; p=sys.argv[1]; j=json.load(open(p)); j['options']['model']='/nonexistent/model'; json.dump(j, open(p,'w'))" "$work/moved/report.json"
  if out=$("$APIQ" compare "$work/moved" --csv 2>"$work/err") && [[ $(wc -l <<<"$out") -eq 2 ]] && grep -q "no full-precision row" "$work/err"
  then ok "compare: a moved full-precision model leaves out the reference with a warning"; else bad "compare moved model ($(cat "$work/err"))"; fi
  expect_error "export gptq: dense modules refused" "these stay dense here: k_proj, o_proj" "$APIQ" export "$work/t" --format gptq --out "$work/tg"
  if "$APIQ" bench-finetune --device cpu --shape tiny --layers 1 --seq-len 32 --rank 4 --steps 2 --dtype f32 2>/dev/null | grep -q "^tokens/s"
  then ok "bench-finetune runs a tiny shape on the CPU"; else bad "bench-finetune tiny"; fi
else
  echo "SKIP acceptance commands: $SHARED/models/stories260K is not available"
fi
expect_error "missing model folder" "does not exist" "$APIQ" inspect "$work/none"
expect_error "bad device" "unknown device" "$APIQ" generate "$work/none" --prompt x --device tpu
"$APIQ" eval --frobnicate >/dev/null 2>&1; rc=$?
if [[ $rc -eq 2 ]]; then ok "unknown option exits 2"; else bad "unknown option exits $rc"; fi

echo "cli: $pass passed, $fail failed"
[[ $fail -eq 0 ]]

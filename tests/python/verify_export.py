# SPDX-License-Identifier: GPL-3.0-or-later
"""Independent check of `apiq export --format hf-dequantized` (and `--format peft`).

Written from the published descriptions of the formats, not from our exporter: the Hugging Face
Llama checkpoint layout loaded by `transformers`, the PEFT LoRA adapter loaded by `peft`
(keys base_model.model.<module>.lora_A.weight [r, in] / lora_B.weight [out, r], scaling
lora_alpha / r), and our native checkpoint's packing (floor(32/b) codes per int32 word along the
input dimension, lowest bits first; W = (q - z) * s per group, s stored as fp16).

usage: verify_export.py APIQ WORKDIR SHARED_DIR
Exits 77 (CTest SKIP_RETURN_CODE) when SHARED_DIR/models/stories260K is missing.
"""
import json
import shutil
import subprocess
import sys

import numpy as np
import torch

from checks import LINEARS, check, fields, finish, run, setup

SKIP = 77
TOL = 1e-4
PROMPTS = ["Once upon a time, there was a little girl named Lily.", "The dog ran to the park and"]


def dequantize_native(f, module, bits):
    """Codes [out, words·per_word], scales, zeros of one linear of the native checkpoint."""
    qweight = f.get_tensor(module + ".qweight").numpy().view(np.uint32)
    scales = f.get_tensor(module + ".scales").float()
    zeros = f.get_tensor(module + ".zeros").to(torch.int64)
    return fields(qweight, bits, 1), scales, zeros  # word w, field j -> column w·per_word + j


def main() -> int:
    paths = setup("stories260K")
    if paths is None:
        return SKIP
    apiq, work, model_dir, calib = paths
    from peft import PeftModel
    from safetensors import safe_open
    import sentencepiece as spm
    from transformers import LlamaForCausalLM

    q, hf, pf = work / "Q", work / "HF", work / "PEFT"
    run([apiq, "quantize", model_dir, "--method", "loftq", "--bits", "2", "--group-size", "64", "--rank", "8",
         "--calib", calib, "--nsamples", "8", "--seq-len", "64", "--out", q])
    run([apiq, "export", q, "--format", "hf-dequantized", "--dtype", "f32", "--out", hf])
    run([apiq, "export", q, "--format", "peft", "--out", pf])
    r = subprocess.run([str(apiq), "export", str(q), "--format", "peft", "--out", str(pf)], capture_output=True, text=True)
    check(r.returncode != 0 and "exists" in r.stderr, "export refuses an existing --out")

    qcfg = json.loads((q / "config.json").read_text())
    qc = qcfg["quantization_config"]
    bits, group, rank, alpha = qc["bits"], qc["group_size"], 8, qc["lora_alpha"]
    n_layers = qcfg["num_hidden_layers"]

    # config.json: a plain float32 Llama config.
    cfg = json.loads((hf / "config.json").read_text())
    check("quantization_config" not in cfg, "config.json has no quantization_config")
    check(cfg.get("dtype") == "float32" and cfg.get("torch_dtype") == "float32", "config.json dtype is float32")
    check((hf / "tokenizer.model").read_bytes() == (model_dir / "tokenizer.model").read_bytes(), "tokenizer copied")

    # Dense weights: exactly the Ŵ decoded from the native packed tensors.
    with safe_open(str(q / "model.safetensors"), framework="pt") as fq, \
         safe_open(str(hf / "model.safetensors"), framework="pt") as fh:
        check(fh.metadata() == {"format": "pt"}, "model.safetensors metadata is {format: pt}")
        worst = 0
        for layer in range(n_layers):
            for lin in LINEARS:
                m = f"model.layers.{layer}.{lin}"
                codes, scales, zeros = dequantize_native(fq, m, bits)
                w = fh.get_tensor(m + ".weight")
                in_features = w.shape[1]
                cols = torch.arange(in_features) // group
                qk = codes[:, :in_features]
                w_ref = (qk - zeros[:, cols]).float() * scales[:, cols]
                if w.dtype != torch.float32 or not torch.equal(w, w_ref):
                    worst += 1
                    print(f"     {m}.weight differs: max {(w.float() - w_ref).abs().max().item():.3g}")
        check(worst == 0, f"all {n_layers * len(LINEARS)} linear weights equal the decoded Ŵ bit for bit")
        for name in ["model.embed_tokens.weight", "model.norm.weight"]:
            check(torch.equal(fh.get_tensor(name), fq.get_tensor(name).float()), f"{name} as stored")

    # The adapter, against the PEFT description.
    for d in (hf, pf):
        ac = json.loads((d / "adapter_config.json").read_text())
        check(ac["peft_type"] == "LORA" and ac["task_type"] == "CAUSAL_LM" and ac["r"] == rank
              and ac["lora_alpha"] == alpha and ac["lora_dropout"] == 0.0 and ac["bias"] == "none"
              and not ac["use_rslora"] and not ac["use_dora"] and not ac["fan_in_fan_out"]
              and sorted(ac["target_modules"]) == sorted(l.split(".")[1] for l in LINEARS),
              f"{d.name}/adapter_config.json fields")
        with safe_open(str(d / "adapter_model.safetensors"), framework="pt") as fa, \
             safe_open(str(q / "model.safetensors"), framework="pt") as fq:
            check(fa.metadata() == {"format": "pt"}, f"{d.name} adapter metadata is {{format: pt}}")
            want = {f"base_model.model.model.layers.{i}.{l}.lora_{x}.weight"
                    for i in range(n_layers) for l in LINEARS for x in "AB"}
            check(set(fa.keys()) == want, f"{d.name} adapter keys")
            ok, nonzero_b = True, 0
            for i in range(n_layers):
                for l in LINEARS:
                    m = f"model.layers.{i}.{l}"
                    a, b = fa.get_tensor(f"base_model.model.{m}.lora_A.weight"), fa.get_tensor(f"base_model.model.{m}.lora_B.weight")
                    out_f = fq.get_tensor(m + ".scales").shape[0]
                    ok &= a.shape[0] == rank and b.shape == (out_f, rank)
                    ok &= torch.equal(a, fq.get_tensor(m + ".lora_A").float()) and torch.equal(b, fq.get_tensor(m + ".lora_B").float())
                    nonzero_b += int(b.abs().max() > 0)
            check(ok, f"{d.name} adapter shapes [r,in]/[out,r] and values")
            check(nonzero_b > 0, f"{d.name}: LoftQ gives nonzero lora_B ({nonzero_b} linears)")

    # Logits: transformers + peft against apiq's own forward on the native checkpoint.
    sp = spm.SentencePieceProcessor(model_file=str(hf / "tokenizer.model"))
    base_only = work / "base_only"
    base_only.mkdir()
    for f in ("config.json", "model.safetensors"):
        shutil.copy(hf / f, base_only / f)
    base = LlamaForCausalLM.from_pretrained(str(base_only), dtype=torch.float32).eval()
    model = PeftModel.from_pretrained(base, str(hf)).eval()
    embedded = LlamaForCausalLM.from_pretrained(str(hf), dtype=torch.float32).eval()
    has_embedded = bool(getattr(embedded, "_hf_peft_config_loaded", False))
    for prompt in PROMPTS:
        ids = [sp.bos_id()] + sp.encode(prompt)
        ours = json.loads(run([apiq, "logits", q, "--ids", ",".join(map(str, ids)), "--all", "--json"]))
        ours = torch.tensor(ours["logits"], dtype=torch.float32)
        with torch.no_grad():
            theirs = model(torch.tensor([ids])).logits[0].float()
            with model.disable_adapter():
                no_adapter = model(torch.tensor([ids])).logits[0].float()
        diff = (theirs - ours).abs().max().item()
        check(theirs.shape == ours.shape and diff < TOL,
              f"transformers+peft logits match apiq on {len(ids)} tokens: max |diff| {diff:.3g} < {TOL}")
        gap = (no_adapter - ours).abs().max().item()
        check(gap > TOL, f"the adapter matters: without it the logits differ by {gap:.3g}")
        if has_embedded:
            with torch.no_grad():
                e = embedded(torch.tensor([ids])).logits[0].float()
            d2 = (e - ours).abs().max().item()
            check(d2 < TOL, f"LlamaForCausalLM.from_pretrained(HF) with its embedded adapter: max |diff| {d2:.3g}")
    if not has_embedded:
        print("note: this transformers did not attach the adapter found beside config.json")

    return finish()


if __name__ == "__main__":
    sys.exit(main())

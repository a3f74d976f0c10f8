# SPDX-License-Identifier: GPL-3.0-or-later
"""Independent check of the finetuned adapter kinds and of `apiq merge`, through `transformers`.

For Q-BaRA, QA-HiRA (unmerged and merged) and Bayesian-LoRA checkpoints finetuned briefly by
`apiq finetune`, this script rebuilds every weight W = Ŵ + ΔW in Python from the stored tensors
and the methods' published definitions (Shen et al. 2407.17029: Q-BaRA pools inputs in pairs and
repeats outputs, QA-HiRA is one matrix on pooled inputs; Meo et al. 2406.13046: s·B·diag(E)·A;
our packing: floor(32/b) codes per int32 word, W = (q − z)·s per group with fp16 s and int32 or,
after a merge, float32 z), loads them as a plain Llama in transformers and compares its logits with
`apiq logits` of the checkpoint; `apiq export --format hf-dequantized --dtype f32` must hold the
same weights.

usage: verify_adapters.py APIQ WORKDIR SHARED_DIR      (exit 77 when ../shared lacks stories260K)
"""
import json
import sys

import numpy as np
import torch

from checks import LINEARS, check, fields, finish, run, setup

SKIP = 77
TOL = 1e-4


def w_hat(f, m, bits, group, in_f):
    """Ŵ of one linear decoded from the packed words, scales and (int or float) zeros."""
    qweight = f.get_tensor(m + ".qweight").numpy().view(np.uint32)
    codes = fields(qweight, bits, 1)[:, :in_f].double()
    cols = torch.arange(in_f) // group
    s = f.get_tensor(m + ".scales").double()[:, cols]
    z = f.get_tensor(m + ".zeros").double()[:, cols]
    return (codes - z) * s


def delta(f, m, ad, out_f, in_f):
    """ΔW of one linear from the stored adapter tensors (None: no adapter)."""
    if ad is None:
        return None
    kind, r, alpha = ad["kind"], ad["rank"], ad["alpha"]
    g = lambda n: f.get_tensor(f"{m}.{kind}_{n}").double()
    if kind == "qbara":
        core = g("B") @ g("A") * (alpha / r) / 2  # each input weighs half in the pair average
        return core.repeat_interleave(2, 0).repeat_interleave(2, 1)
    if kind == "qahira":
        M = g("M")
        return M.repeat_interleave(ad["out_pool"], 0).repeat_interleave(ad["in_pool"], 1)[:out_f, :in_f]
    if kind == "blora":
        sc = f.get_tensor(m + ".blora_scales").double()
        A = f.get_tensor(m + ".blora_A_codes").double() * sc[0]
        B = f.get_tensor(m + ".blora_B_codes").double() * sc[1]
        E = f.get_tensor(m + ".blora_E_codes").double() * sc[2]
        return (B * E) @ A * (alpha / r)
    raise SystemExit(f"unknown adapter kind {kind}")


def dense_folder(q, out, dtype=torch.float32):
    """A plain Llama folder with W = Ŵ + ΔW rebuilt here; returns the weights by name."""
    from safetensors import safe_open
    from safetensors.torch import save_file
    cfg = json.loads((q / "config.json").read_text())
    qc = cfg.pop("quantization_config")
    ad = qc.get("adapter")
    weights = {}
    with safe_open(str(q / "model.safetensors"), framework="pt") as f:
        for name in f.keys():
            if name.endswith(".weight"):  # embeddings, norms (and a head): as stored
                weights[name] = f.get_tensor(name).to(dtype)
        in_of = {"self_attn.o_proj": cfg["num_attention_heads"] * cfg.get("head_dim", cfg["hidden_size"] // cfg["num_attention_heads"]),
                 "mlp.down_proj": cfg["intermediate_size"]}
        for i in range(cfg["num_hidden_layers"]):
            for lin in LINEARS:
                m = f"model.layers.{i}.{lin}"
                in_f = in_of.get(lin, cfg["hidden_size"])
                w = w_hat(f, m, qc["bits"], qc["group_size"], in_f)
                d = delta(f, m, ad, w.shape[0], in_f)
                weights[m + ".weight"] = (w if d is None else w + d).to(dtype)
    out.mkdir()
    save_file(weights, str(out / "model.safetensors"), metadata={"format": "pt"})
    cfg["torch_dtype"] = cfg["dtype"] = "float32"
    (out / "config.json").write_text(json.dumps(cfg))
    return weights


def logits_check(apiq, q, dense, ids, what):
    from transformers import LlamaForCausalLM
    ours = torch.tensor(json.loads(run([apiq, "logits", q, "--ids", ",".join(map(str, ids)), "--all", "--json"]))["logits"])
    model = LlamaForCausalLM.from_pretrained(str(dense), dtype=torch.float32).eval()
    with torch.no_grad():
        theirs = model(torch.tensor([ids])).logits[0].float()
    diff = (theirs - ours).abs().max().item()
    check(theirs.shape == ours.shape and diff < TOL, f"{what}: transformers on W = Ŵ + ΔW rebuilt here matches apiq logits, max |diff| {diff:.3g}")
    return theirs


def main() -> int:
    paths = setup("stories260K")
    if paths is None:
        return SKIP
    apiq, work, model_dir, text = paths
    from safetensors import safe_open
    import sentencepiece as spm
    small = work / "train.txt"
    small.write_bytes(text.read_bytes()[:20000])
    q = work / "q"
    run([apiq, "quantize", model_dir, "--method", "apiq-bw", "--bits", "2", "--group-size", "32", "--rank", "4",
         "--calib", text, "--nsamples", "4", "--seq-len", "64", "--epochs", "1", "--out", q])
    sp = spm.SentencePieceProcessor(model_file=str(model_dir / "tokenizer.model"))
    ids = [sp.bos_id()] + sp.encode("Once upon a time, there was a little girl named Lily. She loved to play outside.")
    runs = {}
    for kind in ("qbara", "qahira", "blora"):
        ft = work / kind
        run([apiq, "finetune", q, "--data", small, "--seq-len", "64", "--batch", "4", "--lr", "3e-3", "--adapter", kind,
             "--hira-out-pool", "4", "--gate-lambda", "0.05", "--threads", "1", "--out", ft])
        runs[kind] = ft
    run([apiq, "merge", runs["qahira"], "--out", work / "merged"])
    runs["merged"] = work / "merged"
    qc = json.loads((runs["merged"] / "config.json").read_text())["quantization_config"]
    check(qc.get("merged_adapter") == "qahira" and "adapter" not in qc, "merged config names the folded adapter and has none left")
    with safe_open(str(runs["merged"] / "model.safetensors"), framework="pt") as f:
        check(f.get_tensor("model.layers.0.self_attn.q_proj.zeros").dtype == torch.float32, "merged zero points are float32")
    results = {}
    for name, ck in runs.items():
        dense = work / f"{name}-dense"
        rebuilt = dense_folder(ck, dense)
        results[name] = logits_check(apiq, ck, dense, ids, name)
        hf = work / f"{name}-hf"
        run([apiq, "export", ck, "--format", "hf-dequantized", "--dtype", "f32", "--out", hf])
        worst = 0.0
        with safe_open(str(hf / "model.safetensors"), framework="pt") as f:
            for k, v in rebuilt.items():
                if k.endswith("proj.weight"):
                    worst = max(worst, (f.get_tensor(k) - v).abs().max().item())
        check(worst < 1e-6, f"{name}: hf-dequantized holds W = Ŵ + ΔW (max |diff| {worst:.3g})")
    base = torch.tensor(json.loads(run([apiq, "logits", q, "--ids", ",".join(map(str, ids)), "--all", "--json"]))["logits"])
    for name in ("qbara", "qahira", "blora"):
        moved = (results[name] - base).abs().max().item()
        check(moved > 10 * TOL, f"{name}: the adapter matters (logits move by {moved:.3g} from the base)")
    gap = (results["merged"] - results["qahira"]).abs().max().item()
    check(gap < TOL, f"merged QA-HiRA logits equal the unmerged ones (max |diff| {gap:.3g})")
    return finish()


if __name__ == "__main__":
    sys.exit(main())

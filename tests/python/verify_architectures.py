# SPDX-License-Identifier: GPL-3.0-or-later
"""Today's architectures against `transformers` (issue 14): for each of llama with Llama-3 rope
scaling, qwen2, qwen3, mistral with a sliding window and phi3, a small random-weight model written
by `transformers` here (no download), with a real tokenizer from ../shared/tokenizers:

- our fp32 logits equal transformers' within 1e-4;
- every method quantizes it; the hf-dequantized export (dense Ŵ plus the PEFT adapter) loads in
  transformers + peft with logits equal to ours on the quantized checkpoint;
- gptq-v2 and compressed-tensors exports decode to exactly the native Ŵ (verify_packed_export's
  decoders; phi3's fused modules to the parts' Ŵ stacked by rows).

usage: verify_architectures.py APIQ WORKDIR SHARED_DIR [--cuda-logits] [ARCH ...]
--cuda-logits: only the logits check, ours on CUDA (fp32) against transformers on the CPU; the
models' tokenizers are not read, so a build without tokenizer.json support can run it.
Exits 77 (skipped) when SHARED_DIR/tokenizers or SHARED_DIR/data is missing.
"""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from checks import check, finish, run  # noqa: E402
from verify_packed_export import compare, decode_ct, decode_gptq  # noqa: E402

SKIP = 77
TOL = 1e-4
EXPECTED_METHODS = {"rtn", "qlora", "loftq", "lq-lora", "apiq-lw", "apiq-bw"}


def methods_of(apiq):
    """Every method of the CLI's table (so a new method cannot be left out of these checks)."""
    text = subprocess.run([str(apiq), "quantize", "--help"], capture_output=True, text=True).stdout
    m = re.search(r"--method TEXT:\{([^}]*)\}", text)
    names = m.group(1).split(",") if m else []
    check(EXPECTED_METHODS <= set(names), f"apiq quantize lists every method: {names}")
    return names
QUICK = ["--bits", "2", "--group-size", "16", "--rank", "4", "--nsamples", "4", "--seq-len", "32", "--epochs", "2",
         "--seed", "5"]
SMALL = dict(hidden_size=64, intermediate_size=128, num_attention_heads=4, num_key_value_heads=2, num_hidden_layers=2,
             max_position_embeddings=512, rms_norm_eps=1e-5)


def architectures(shared):
    import transformers as tf
    tok = shared / "tokenizers"
    return {
        "llama3-rope": (lambda v: tf.LlamaConfig(vocab_size=v, tie_word_embeddings=True, **SMALL,
                                                 rope_parameters={"rope_type": "llama3", "rope_theta": 500000.0,
                                                                  "factor": 8.0, "low_freq_factor": 1.0,
                                                                  "high_freq_factor": 4.0,
                                                                  "original_max_position_embeddings": 64}),
                        tok / "hf-llama3"),
        "qwen2": (lambda v: tf.Qwen2Config(vocab_size=v, tie_word_embeddings=True, **SMALL,
                                           rope_parameters={"rope_type": "default", "rope_theta": 1000000.0}),
                  tok / "hf-smollm-135m"),
        "qwen3": (lambda v: tf.Qwen3Config(vocab_size=v, head_dim=32, tie_word_embeddings=False, **SMALL),
                  tok / "hf-smollm-135m"),
        "mistral": (lambda v: tf.MistralConfig(vocab_size=v, sliding_window=128, **SMALL), tok / "llama2-32k.model"),
        "phi3": (lambda v: tf.Phi3Config(vocab_size=v, pad_token_id=0, **SMALL), tok / "hf-phi-3-mini"),
    }


def tokenizer_files(src, dst):
    if src.is_file():  # a SentencePiece model
        shutil.copy(src, dst / "tokenizer.model")
        return 32000
    for f in src.iterdir():
        if f.name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
            shutil.copy(f, dst / f.name)
    from tokenizers import Tokenizer
    return Tokenizer.from_file(str(src / "tokenizer.json")).get_vocab_size(with_added_tokens=True)


def make_model(name, make_config, tok_src, folder):
    """A random model (norms, biases and all weights non-trivial) saved by transformers."""
    from transformers import AutoModelForCausalLM
    folder.mkdir(parents=True)
    vocab = tokenizer_files(tok_src, folder)
    torch.manual_seed(sum(map(ord, name)))
    cfg = make_config(vocab)
    model = AutoModelForCausalLM.from_config(cfg, dtype=torch.float32).eval()
    with torch.no_grad():
        for pname, p in model.named_parameters():
            if "norm" in pname:
                p.copy_(1 + 0.2 * torch.randn_like(p))
            elif pname.endswith("bias"):
                p.copy_(0.1 * torch.randn_like(p))
            else:
                p.copy_(0.08 * torch.randn_like(p))
    model.save_pretrained(folder)
    return model


def our_logits(apiq, folder, ids, device="cpu"):
    out = json.loads(run([apiq, "logits", folder, "--ids", ",".join(map(str, ids)), "--all", "--json",
                          "--device", device]))
    return torch.tensor(out["logits"], dtype=torch.float32)


def hf_logits(model, ids):
    with torch.no_grad():
        return model(torch.tensor([ids])).logits[0].float()


def check_export_roundtrip(apiq, work, q, ids, label):
    """hf-dequantized (f32) + adapter through transformers + peft, against our logits on Q."""
    from peft import PeftModel
    from transformers import AutoModelForCausalLM
    out = work / f"{label}-hf"
    run([apiq, "export", q, "--format", "hf-dequantized", "--dtype", "f32", "--out", out])
    # transformers attaches an adapter it finds beside config.json: load the base from a copy without it.
    base_only = work / f"{label}-base"
    base_only.mkdir()
    for f in ("config.json", "model.safetensors"):
        shutil.copy(out / f, base_only / f)
    model = AutoModelForCausalLM.from_pretrained(base_only, dtype=torch.float32).eval()
    ours = our_logits(apiq, q, ids)
    if (out / "adapter_config.json").exists():
        model = PeftModel.from_pretrained(model, out).eval()
        with model.disable_adapter():
            gap = (hf_logits(model, ids) - ours).abs().max().item()
        if "qlora" not in label:  # QLoRA starts with B = 0: its adapter changes nothing yet
            check(gap > 10 * TOL, f"{label}: the adapter matters (without it the logits differ by {gap:.3g})")
    diff = (hf_logits(model, ids) - ours).abs().max().item()
    check(diff < TOL, f"{label}: hf-dequantized + peft in transformers matches apiq: max |diff| {diff:.3g}")


FUSED = {"self_attn.qkv_proj": ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj"],
         "mlp.gate_up_proj": ["mlp.gate_proj", "mlp.up_proj"]}


def compare_fused(out, q, n_layers, decode, label):
    """phi3: each fused module of the export decodes to its parts' native Ŵ stacked by rows."""
    from safetensors import safe_open
    from verify_packed_export import native_w
    with safe_open(str(out / "model.safetensors"), framework="pt") as fo, \
         safe_open(str(q / "model.safetensors"), framework="pt") as fq:
        for i in range(n_layers):
            p = f"model.layers.{i}."
            for fused, parts in FUSED.items():
                want = torch.cat([native_w(fq, p + m, 2, 16) for m in parts], 0)
                got = decode(fo, p + fused)
                if got.shape != want.shape or not torch.equal(got, want):
                    return False
            for m in ("self_attn.o_proj", "mlp.down_proj"):
                if not torch.equal(decode(fo, p + m), native_w(fq, p + m, 2, 16)):
                    return False
    return True


def check_packed_exports(apiq, work, q, arch, n_layers):
    for fmt, decode in (("gptq-v2", lambda f, m: decode_gptq(f, m, 2, False)),
                        ("compressed-tensors", lambda f, m: decode_ct(f, m, 2))):
        out = work / f"{arch}-{fmt}"
        r = subprocess.run([str(apiq), "export", str(q), "--format", fmt, "--out", str(out)], capture_output=True,
                           text=True)
        check(r.returncode == 0, f"{arch}: {fmt} export runs" + (f" ({r.stderr.strip()[-200:]})" if r.returncode else ""))
        if r.returncode != 0:
            continue
        if arch == "phi3":  # fused qkv_proj / gate_up_proj, joined again
            check(compare_fused(out, q, n_layers, decode, f"{arch} {fmt}"),
                  f"{arch}: {fmt} qkv_proj / gate_up_proj decode to exactly the parts' native Ŵ stacked")
        else:
            check(compare(out, q, 2, 16, n_layers, decode, f"{arch} {fmt}") == 0,
                  f"{arch}: {fmt} decodes to exactly the native Ŵ")


def check_arch(apiq, work, shared, arch, make_config, tok_src, cuda_only=False):
    folder = work / arch
    model = make_model(arch, make_config, tok_src, folder)
    vocab = model.config.vocab_size
    ids = [(i * 7919 + 13) % vocab for i in range(24)]
    for device in (["cuda"] if cuda_only else ["cpu"]):
        diff = (our_logits(apiq, folder, ids, device) - hf_logits(model, ids)).abs().max().item()
        check(diff < TOL, f"{arch}: fp32 logits on {device} equal transformers' within {TOL}: max |diff| {diff:.3g}")
    if cuda_only:
        return
    calib = shared / "data" / "tinystories-sample.txt"
    n_layers = model.config.num_hidden_layers
    for method in methods_of(apiq):
        q = work / f"{arch}-{method}"
        r = subprocess.run([str(apiq), "quantize", str(folder), "--method", method, *QUICK, "--calib", str(calib),
                            "--out", str(q)], capture_output=True, text=True)
        check(r.returncode == 0, f"{arch}: quantize --method {method}" + (f" ({r.stderr.strip()[-200:]})" if r.returncode else ""))
        if r.returncode != 0:
            continue
        check_export_roundtrip(apiq, work, q, ids, f"{arch}-{method}")
        if method == "apiq-bw":
            check_packed_exports(apiq, work, q, arch, n_layers)
            if arch in ("llama3-rope", "qwen2"):
                check_ct_library(apiq, work, folder, arch, q, ids)
        if method == "qlora" and arch == "phi3":
            check_chat_finetune(apiq, work, q)


def check_chat_finetune(apiq, work, q):
    """apiq finetune --format chat with Phi-3's chat_template: runs, and the loss counts assistant tokens only."""
    data = work / "chat.jsonl"
    rows = [{"messages": [{"role": "user", "content": f"What is {a} plus {b}?"},
                          {"role": "assistant", "content": f"{a} plus {b} is {a + b}."}]}
            for a in range(6) for b in range(4)]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = work / "phi3-chat-ft"
    r = subprocess.run([str(apiq), "finetune", str(q), "--data", str(data), "--format", "chat", "--seq-len", "64",
                        "--epochs", "2", "--lr", "0.003", "--log-every", "0", "--out", str(out)],
                       capture_output=True, text=True)
    check(r.returncode == 0, "phi3: finetune --format chat" + (f" ({r.stderr.strip()[-300:]})" if r.returncode else ""))
    if r.returncode != 0:
        return
    ft = json.loads((out / "report.json").read_text())["finetune"]
    # The learned tokens of a row are its answer "a plus b is c." and <|end|> as Phi-3 tokenizes them
    # (tokenizers, independently of our renderer and tokenizer).
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(str(q / "tokenizer.json"))
    per_row = [len(tok.encode(r["messages"][1]["content"] + "<|end|>", add_special_tokens=False).ids) for r in rows]
    held = max(1, int(len(rows) * 0.1))
    got_train = sum(st["tokens"] for st in ft["steps"])
    check(got_train == 2 * sum(per_row[:-held]),
          f"phi3: chat finetune trains on exactly the assistant tokens ({got_train} = 2 x {sum(per_row[:-held])})")
    check(ft["evals"][-1]["tokens"] == sum(per_row[-held:]) and ft["evals"][-1]["nll"] < ft["evals"][0]["nll"],
          f"phi3: chat held-out NLL over the assistant tokens falls ({ft['evals'][0]['nll']:.3f} -> {ft['evals'][-1]['nll']:.3f})")


def load_without_adapter(folder, work, name, **kwargs):
    """transformers' from_pretrained on a copy of `folder` without the adapter files beside it."""
    from transformers import AutoModelForCausalLM
    base = work / name
    base.mkdir()
    for f in folder.iterdir():
        if not f.name.startswith("adapter_"):
            shutil.copy(f, base / f.name)
    return AutoModelForCausalLM.from_pretrained(base, dtype=torch.float32, **kwargs).eval()


def load_ct(out, work, method):
    """A compressed-tensors export in transformers: run compressed without an adapter (rtn); with one,
    decompressed by the library at load (PEFT wraps only dense linears) and the adapter added."""
    from peft import PeftModel
    from transformers import CompressedTensorsConfig
    if method == "rtn":
        return load_without_adapter(out, work, f"{out.name}-base")
    base = load_without_adapter(out, work, f"{out.name}-base",
                                quantization_config=CompressedTensorsConfig(run_compressed=False))
    return PeftModel.from_pretrained(base, out).eval()


def check_ct_library(apiq, work, folder, arch, asym_q, ids):
    """The compressed-tensors export through the real compressed-tensors library in transformers."""
    try:
        import compressed_tensors  # noqa: F401
    except ImportError:
        print(f"skip {arch}: compressed-tensors is not installed (tools/setup.sh installs it)")
        return
    from peft import PeftModel
    calib = SHARED / "data" / "tinystories-sample.txt"
    for method in ("rtn", "apiq-bw"):
        q = work / f"{arch}-w4sym-{method}"
        run([apiq, "quantize", folder, "--method", method, "--sym", *QUICK[2:], "--bits", "4", "--calib", calib,
             "--out", q])
        out = work / f"{arch}-w4sym-{method}-ct"
        run([apiq, "export", q, "--format", "compressed-tensors", "--out", out])
        qc = json.loads((out / "config.json").read_text())["quantization_config"]
        check(qc["config_groups"]["group_0"]["weights"]["symmetric"] is True,
              f"{arch}: a --sym {method} checkpoint exports symmetric")
        ours = our_logits(apiq, q, ids)
        model = load_ct(out, work, method)
        if method == "rtn":  # no adapter: the packed linears run as compressed-tensors modules
            kind = type(model.model.layers[0].self_attn.q_proj).__name__
            check(hasattr(model.model.layers[0].self_attn.q_proj, "weight_packed"),
                  f"{arch}: transformers keeps the linears packed through compressed-tensors ({kind})")
            label = "W4 symmetric compressed-tensors (run compressed)"
        else:
            label = "W4 symmetric compressed-tensors (decompressed by the library) + peft adapter"
        # The library rebuilds Ŵ in the dtype of the stored scales (fp16), so its Ŵ is ours rounded to
        # fp16 (and the export's embeddings and norms are fp16): it must equal our hf-dequantized
        # --dtype f16 export of the same checkpoint in transformers; against our fp32 forward the
        # difference is that rounding, reported.
        f16 = work / f"{arch}-w4sym-{method}-f16"
        run([apiq, "export", q, "--format", "hf-dequantized", "--dtype", "f16", "--out", f16])
        ref = load_without_adapter(f16, work, f"{f16.name}-base")
        if (f16 / "adapter_config.json").exists():
            ref = PeftModel.from_pretrained(ref, f16).eval()
        theirs = hf_logits(model, ids)
        same = (theirs - hf_logits(ref, ids)).abs().max().item()
        # Run compressed, the library also multiplies in fp16: equal only to that rounding.
        tol = TOL if method != "rtn" else 1e-2
        check(same < tol, f"{arch}: {label} equals the f16 hf-dequantized export: max |diff| {same:.3g} < {tol}")
        diff = (theirs - ours).abs().max().item()
        check(diff < 1e-2, f"{arch}: {label} against apiq's fp32 forward: max |diff| {diff:.3g} (fp16 rounding of Ŵ)")
        # With --dtype f32 the scales (and dense tensors) keep our fp32 values: the library's Ŵ is ours.
        out32 = work / f"{arch}-w4sym-{method}-ct-f32"
        run([apiq, "export", q, "--format", "compressed-tensors", "--dtype", "f32", "--out", out32])
        check(json.loads((out32 / "config.json").read_text())["torch_dtype"] == "float32",
              f"{arch}: the f32 compressed-tensors export says torch_dtype float32")
        diff32 = (hf_logits(load_ct(out32, work, method), ids) - ours).abs().max().item()
        check(diff32 < 1e-3, f"{arch}: {label}, f32 scales, against apiq's fp32 forward: max |diff| {diff32:.3g} < 1e-3")
    # Asymmetric 2-bit: the library allocates weight_zero_point unpacked [N, K/g] while its own
    # compressor (and we) store it packed [N*b/32, K/g]; transformers refuses the size mismatch.
    out2 = work / f"{arch}-w2asym-ct"
    run([apiq, "export", asym_q, "--format", "compressed-tensors", "--out", out2])
    try:
        load_without_adapter(out2, work, f"{arch}-w2asym-ct-base")
        check(False, f"{arch}: asymmetric 2-bit compressed-tensors loads in transformers (the pinned refusal changed)")
    except RuntimeError as e:
        check("ignore_mismatched_sizes" in str(e),
              f"{arch}: asymmetric 2-bit refused by transformers + compressed-tensors as pinned ({str(e)[:60]})")


def check_window(apiq, work):
    """A sequence longer than mistral's sliding window is refused (we do not implement the window)."""
    folder = work / "mistral"
    cfg = json.loads((folder / "config.json").read_text())
    r = subprocess.run([str(apiq), "eval", str(folder), "--data", str(SHARED / "data" / "tinystories-sample.txt"),
                        "--seq-len", str(cfg["sliding_window"] + 1)], capture_output=True, text=True)
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    check(r.returncode == 2 and len(lines) == 1 and "sliding_window" in lines[0] and "config.json" in lines[0],
          f"mistral: --seq-len beyond sliding_window is refused with one line ({r.stderr.strip()[:160]})")


def main() -> int:
    global SHARED
    apiq, work, SHARED = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    cuda_only = "--cuda-logits" in sys.argv[4:]
    only = [a for a in sys.argv[4:] if a != "--cuda-logits"]
    if not (SHARED / "tokenizers").is_dir() or not (SHARED / "data" / "tinystories-sample.txt").is_file():
        print(f"skip: {SHARED}/tokenizers or data/tinystories-sample.txt is missing")
        return SKIP
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for arch, (make_config, tok_src) in architectures(SHARED).items():
        if only and arch not in only:
            continue
        if not tok_src.exists():
            print(f"skip {arch}: {tok_src} is missing")
            continue
        check_arch(apiq, work, SHARED, arch, make_config, tok_src, cuda_only)
        if arch == "mistral" and not cuda_only:
            check_window(apiq, work)
    return finish()


SHARED = None
if __name__ == "__main__":
    sys.exit(main())

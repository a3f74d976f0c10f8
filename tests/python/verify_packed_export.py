# SPDX-License-Identifier: GPL-3.0-or-later
"""Independent decode of `apiq export --format gptq-v2|gptq|compressed-tensors`.

Decoders written from the published layouts (GPTQ: qweight [K·b/32, N] along the input dim,
qzeros [K/g, N·b/32] along the output dim, scales [K/g, N], g_idx, v1 zeros stored minus one;
compressed-tensors pack-quantized: weight_packed [N, K·b/32], weight_zero_point [N·b/32, K/g],
signed values offset by 2^(b-1)); each export must decode to exactly the Ŵ of the native checkpoint.
babyllama-tok105 (FFN 352 = 11·32) with group size 32 fits both layouts.

usage: verify_packed_export.py APIQ WORKDIR SHARED_DIR
Exits 77 (CTest SKIP_RETURN_CODE) when SHARED_DIR/models/babyllama-tok105 is missing.
"""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch
from safetensors import safe_open

sys.path.insert(0, str(Path(__file__).resolve().parent))
from checks import LINEARS, check, fields, finish, run, setup  # noqa: E402
from verify_export import dequantize_native  # noqa: E402

SKIP = 77


def native_w(fq, m, bits, group):
    codes, scales, zeros = dequantize_native(fq, m, bits)
    k = torch.arange(scales.shape[1] * group) // group
    k = k[: codes.shape[1]]
    q = codes[:, : len(k)]
    return (q - zeros[:, k]).float() * scales[:, k]


def decode_gptq(f, m, bits, v1):
    qweight = f.get_tensor(m + ".qweight").numpy().view(np.uint32)
    qzeros = f.get_tensor(m + ".qzeros").numpy().view(np.uint32)
    scales = f.get_tensor(m + ".scales").float()  # [K/g, N]
    g_idx = f.get_tensor(m + ".g_idx").long()
    q = fields(qweight, bits, 0)  # [K, N]
    z = fields(qzeros, bits, 1)[:, : scales.shape[1]] + (1 if v1 else 0)  # [K/g, N]
    return ((q - z[g_idx]).float() * scales[g_idx]).t().contiguous()


def decode_ct(f, m, bits):
    n, k = f.get_tensor(m + ".weight_shape").tolist()
    off = 1 << (bits - 1)
    q = fields(f.get_tensor(m + ".weight_packed").numpy().view(np.uint32), bits, 1)[:, :k] - off
    scale = f.get_tensor(m + ".weight_scale").float()  # [N, K/g]
    if m + ".weight_zero_point" in f.keys():
        zp = fields(f.get_tensor(m + ".weight_zero_point").numpy().view(np.uint32), bits, 0)[:n] - off
    else:  # symmetric: signed zero point 0
        zp = torch.zeros_like(scale, dtype=torch.int64)
    group = k // scale.shape[1]
    cols = torch.arange(k) // group
    return (q - zp[:, cols]).float() * scale[:, cols]


def compare(out, q, bits, group, n_layers, decode, label):
    with safe_open(str(out / "model.safetensors"), framework="pt") as fo, \
         safe_open(str(q / "model.safetensors"), framework="pt") as fq:
        check(fo.metadata() == {"format": "pt"}, f"{label}: metadata {{format: pt}}")
        changed, exact = 0, True
        for i in range(n_layers):
            for lin in LINEARS:
                m = f"model.layers.{i}.{lin}"
                got, want = decode(fo, m), native_w(fq, m, bits, group)
                if got.shape != want.shape:
                    check(False, f"{label}: {m} decodes to shape {tuple(got.shape)}, want {tuple(want.shape)}")
                    return None
                diff_groups = (got != want).view(got.shape[0], -1, group).any(-1)
                changed += int(diff_groups.sum())
                exact &= torch.equal(got, want)
        return 0 if exact else changed


def main() -> int:
    paths = setup("babyllama-tok105")
    if paths is None:
        return SKIP
    apiq, work, model_dir, calib = paths
    q = work / "Q"
    run([apiq, "quantize", model_dir, "--method", "rtn", "--bits", "2", "--group-size", "32",
         "--calib", calib, "--nsamples", "4", "--seq-len", "32", "--out", q])
    cfg = json.loads((q / "config.json").read_text())
    bits, group, n_layers = 2, 32, cfg["num_hidden_layers"]

    for fmt, decode in (("gptq-v2", lambda f, m: decode_gptq(f, m, bits, False)),
                        ("compressed-tensors", lambda f, m: decode_ct(f, m, bits))):
        out = work / fmt
        run([apiq, "export", q, "--format", fmt, "--out", out])
        check(compare(out, q, bits, group, n_layers, decode, fmt) == 0, f"{fmt} decodes to exactly the native Ŵ")
        qc = json.loads((out / "config.json").read_text())["quantization_config"]
        if fmt == "gptq-v2":
            check(qc["quant_method"] == "gptq" and qc["checkpoint_format"] == "gptq_v2" and qc["bits"] == bits
                  and qc["group_size"] == group and qc["desc_act"] is False, "gptq-v2 quantization_config")
            check(json.loads((out / "quantize_config.json").read_text()) == qc, "quantize_config.json = quantization_config")
        else:
            w = qc["config_groups"]["group_0"]["weights"]
            check(qc["quant_method"] == "compressed-tensors" and qc["format"] == "pack-quantized"
                  and w["num_bits"] == bits and w["strategy"] == "group" and w["group_size"] == group
                  and w["symmetric"] is False, "compressed-tensors quantization_config")

    # v1 stores Z − 1, so it is lossless while no zero point is 0 ...
    v1 = work / "gptq"
    run([apiq, "export", q, "--format", "gptq", "--out", v1])
    changed = compare(v1, q, bits, group, n_layers, lambda f, m: decode_gptq(f, m, bits, True), "gptq")
    no_zero = True
    with safe_open(str(q / "model.safetensors"), framework="pt") as fq:
        for i in range(n_layers):
            for lin in LINEARS:
                no_zero &= bool((fq.get_tensor(f"model.layers.{i}.{lin}.zeros") != 0).all())
    if no_zero:
        check(changed == 0, "gptq v1 decodes to exactly the native Ŵ (no zero point is 0)")

    # ... and cannot store a zero point of 0: a checkpoint with 7 such groups is refused, or
    # exported with --force reporting 7 changed groups.
    from safetensors.torch import save_file
    q0 = work / "Q0"
    shutil.copytree(q, q0)
    with safe_open(str(q / "model.safetensors"), framework="pt") as fq:
        meta = fq.metadata()
        tensors = {k: fq.get_tensor(k) for k in fq.keys()}
    name = "model.layers.0.self_attn.q_proj.zeros"
    tensors[name][:7, 0] = 0
    save_file(tensors, str(q0 / "model.safetensors"), metadata=meta)
    zero_groups = sum(int((t == 0).sum()) for k, t in tensors.items() if k.endswith(".zeros"))
    v1z = work / "gptq-zero"
    r = subprocess.run([str(apiq), "export", str(q0), "--format", "gptq", "--out", str(v1z)], capture_output=True, text=True)
    check(r.returncode == 2 and f"{zero_groups} of" in r.stderr and not v1z.exists()
          and not list(work.glob("gptq-zero.tmp-*")),
          f"gptq v1 refuses {zero_groups} zero-point-0 groups without --force, leaving nothing behind")
    out = run([apiq, "export", q0, "--format", "gptq", "--force", "--out", v1z])
    check(f"{zero_groups} groups changed" in out, "gptq v1 --force reports how many groups changed")
    changed = compare(v1z, q0, bits, group, n_layers, lambda f, m: decode_gptq(f, m, bits, True), "gptq --force")
    check(changed == zero_groups, f"gptq v1 --force: {changed} groups decode differently, as reported")
    ct = work / "ct-zero"
    run([apiq, "export", q0, "--format", "compressed-tensors", "--out", ct])
    check(compare(ct, q0, bits, group, n_layers, lambda f, m: decode_ct(f, m, bits), "compressed-tensors Q0") == 0,
          "compressed-tensors stores zero points of 0 losslessly")

    return finish()


if __name__ == "__main__":
    sys.exit(main())

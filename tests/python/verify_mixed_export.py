# SPDX-License-Identifier: GPL-3.0-or-later
"""Independent check of a mixed-precision (--budget) checkpoint exported as compressed-tensors.

`apiq quantize --budget` gives every linear its own bits and group size; the compressed-tensors
export writes one config group per (bits, group size) naming its modules. The real library (in
transformers, decompressed at load) must rebuild every linear's weight bit for bit as our native
checkpoint holds it, decoded here from the packed words ((q − z)·s per group, floor(32/b) codes
per int32 word, lowest bits first), and the model's logits must equal `apiq logits`.

usage: verify_mixed_export.py APIQ WORKDIR SHARED_DIR   (exit 77 without ../shared/models/mix8k-32M)
"""
import json
import subprocess
import sys

import torch

from checks import LINEARS, check, finish, run, setup
from verify_packed_export import native_w

SKIP = 77


def main() -> int:
    paths = setup("mix8k-32M")
    if paths is None:
        return SKIP
    apiq, work, model_dir, text = paths
    from safetensors import safe_open
    from transformers import AutoModelForCausalLM
    q, ct = work / "q", work / "ct"
    run([apiq, "quantize", model_dir, "--method", "rtn", "--sym", "--bits", "2", "--group-size", "64", "--budget", "3.2",
         "--budget-bits", "2,4", "--budget-exclude-lora", "--calib", text, "--nsamples", "2", "--seq-len", "64", "--out", q])
    qc = json.loads((q / "config.json").read_text())["quantization_config"]
    overrides = qc["module_overrides"]
    configs = {(m["bits"], m["group_size"]) for m in overrides.values()}
    check(len(configs) > 1, f"the budget mixes configurations: {sorted(configs)}")
    run([apiq, "export", q, "--format", "compressed-tensors", "--dtype", "f32", "--out", ct])
    groups = json.loads((ct / "config.json").read_text())["quantization_config"]["config_groups"]
    listed = {}
    for g in groups.values():
        for t in g["targets"]:
            listed[t] = (g["weights"]["num_bits"], g["weights"]["group_size"])
    want = {f"model.layers.{k.split('.')[1]}.{'self_attn' if k.split('.')[2][0] in 'qkvo' else 'mlp'}.{k.split('.')[2]}":
            (m["bits"], m["group_size"]) for k, m in overrides.items()}
    check(listed == want, f"{len(groups)} config groups name every linear with its own bits and group size")
    # The library's own decoder (the one transformers calls), each module with its own group's scheme.
    # transformers' decompress-at-load path applies one dense scheme to every dense module, so a mixed
    # checkpoint is decoded here module by module and run compressed through transformers.
    from compressed_tensors.compressors import BaseCompressor
    from compressed_tensors.quantization import QuantizationScheme
    compressor = BaseCompressor.get_value_from_registry("pack-quantized")
    scheme_of = {t: QuantizationScheme(targets=[t], weights=g["weights"]) for g in groups.values() for t in g["targets"]}
    n_layers = json.loads((q / "config.json").read_text())["num_hidden_layers"]
    bad, decoded = 0, {}
    with safe_open(str(q / "model.safetensors"), framework="pt") as f, \
         safe_open(str(ct / "model.safetensors"), framework="pt") as fc:
        for i in range(n_layers):
            for lin in LINEARS:
                m = f"model.layers.{i}.{lin}"
                sd = {k: fc.get_tensor(f"{m}.{k}") for k in ("weight_packed", "weight_scale", "weight_shape")}
                w = compressor.decompress(sd, scheme_of[m])["weight"].float()
                decoded[m + ".weight"] = w
                bits, group = want[m]
                bad += int(not torch.equal(w, native_w(f, m, bits, group)))
    check(bad == 0, f"the library decodes all {n_layers * len(LINEARS)} linears bit for bit as our checkpoint holds them")
    ids = [1, 450, 4996, 1735, 1701, 298, 432, 1204]
    ours = torch.tensor(json.loads(run([apiq, "logits", q, "--ids", ",".join(map(str, ids)), "--all", "--json"]))["logits"])
    dense = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval()
    with torch.no_grad():
        for k, v in decoded.items():
            dense.get_parameter(k).copy_(v)
        theirs = dense(torch.tensor([ids])).logits[0].float()
    diff = (theirs - ours).abs().max().item()
    check(diff < 1e-4, f"the library-decoded weights in transformers give apiq's logits: max |diff| {diff:.3g}")
    packed = AutoModelForCausalLM.from_pretrained(ct, dtype=torch.float32).eval()
    check(hasattr(packed.model.layers[0].mlp.down_proj, "weight_packed"), "transformers loads the export run compressed")
    with torch.no_grad():
        run_c = packed(torch.tensor([ids])).logits[0].float()
    diff_c = (run_c - ours).abs().max().item()
    check(diff_c < 1e-2, f"run compressed (each module with its own scheme): max |diff| {diff_c:.3g} < 1e-2")
    r = subprocess.run([str(apiq), "export", str(q), "--format", "gptq-v2", "--out", str(work / "gptq")],
                       capture_output=True, text=True)
    check(r.returncode == 2 and "mixes them per linear" in r.stderr, "gptq-v2 refuses the mixed checkpoint, saying why")
    return finish()


if __name__ == "__main__":
    sys.exit(main())

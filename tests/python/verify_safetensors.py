# SPDX-License-Identifier: GPL-3.0-or-later
"""Cross-checks our safetensors writer and reader against the Python `safetensors` library.

usage: verify_safetensors.py ST_FIXTURE_TOOL WORKDIR
"""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch
from safetensors import safe_open
from safetensors.torch import save_file


def main() -> int:
    tool, work = sys.argv[1], Path(sys.argv[2])
    work.mkdir(parents=True, exist_ok=True)
    ours = work / "ours.safetensors"
    subprocess.run([tool, "write", str(ours)], check=True)

    base = torch.arange(24, dtype=torch.float64).reshape(2, 3, 4)
    expected = {
        "f32": (base * 0.5 - 3).float(),
        "f16": (base.reshape(6, 4) * 0.25).half(),
        "bf16": (base.reshape(24) - 7).bfloat16(),
        "i8": (base.reshape(4, 6) - 12).to(torch.int8),
        "u8": (base * 10).to(torch.uint8),
        "i32": (base * -1000).to(torch.int32),
        "i64": (base * 1e10).to(torch.int64),
        "model.layers.0.self_attn.q_proj.weight": (base.reshape(4, 6) / 8).float(),
    }
    failures = 0
    with safe_open(str(ours), framework="pt") as f:
        if f.metadata() != {"format": "pt"}:
            print("metadata differs:", f.metadata()); failures += 1
        if set(f.keys()) != set(expected):
            print("names differ:", sorted(f.keys())); failures += 1
        for name, want in expected.items():
            got = f.get_tensor(name)
            if got.dtype != want.dtype or got.shape != want.shape or not torch.equal(got, want):
                print(f"tensor {name} differs: {got.dtype} {tuple(got.shape)}"); failures += 1

    # The other direction: a file written by the reference library, read by ours.
    theirs = work / "theirs.safetensors"
    save_file(expected, str(theirs), metadata={"format": "pt", "note": "from python"})
    dumped = json.loads(subprocess.run([tool, "dump", str(theirs)], check=True, capture_output=True, text=True).stdout)
    if dumped.get("__metadata__") != {"format": "pt", "note": "from python"}:
        print("our reader lost metadata:", dumped.get("__metadata__")); failures += 1
    for name, want in expected.items():
        d = dumped.get(name)
        if d is None or d["shape"] != list(want.shape) or not np.isclose(d["sum"], want.double().sum().item(), rtol=1e-12):
            print(f"our reader disagrees on {name}: {d}"); failures += 1
    n = 2 * len(expected)
    print(f"{n - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

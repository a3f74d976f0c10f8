# SPDX-License-Identifier: GPL-3.0-or-later
"""What the Python cross-checks share: one line per check, running the apiq CLI, the linears'
names, a check's work folder and shared data, and unpacking b-bit fields of int32 words (our packing
and the GPTQ-style formats')."""
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch

failures = []
LINEARS = ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
           "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"]


def fields(words, bits, axis):
    """Unsigned b-bit fields of uint32 words, expanded along `axis` (lowest bits first)."""
    per, mask = 32 // bits, np.uint32((1 << bits) - 1)
    f = np.stack([(words >> np.uint32(j * bits)) & mask for j in range(per)], axis=axis + 1)
    shape = list(words.shape)
    shape[axis] *= per
    return torch.from_numpy(f.reshape(shape).astype(np.int64))


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def run(cmd):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stdout + r.stderr)
        raise SystemExit(f"command failed ({r.returncode}): {' '.join(map(str, cmd))}")
    return r.stdout


def finish():
    """Prints the verdict; the exit code for main()."""
    print(f"{len(failures)} failed" if failures else "all checks passed")
    return 1 if failures else 0


def setup(model):
    """(apiq, empty work dir, model dir, calibration text) from argv, or None when ../shared lacks them."""
    apiq, work, shared = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    model_dir = shared / "models" / model
    calib = shared / "data" / "tinystories-sample.txt"
    if not (model_dir / "config.json").exists() or not calib.exists():
        print(f"SKIP: {model_dir} or {calib} is missing (../shared is not beside this checkout)")
        return None
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    return apiq, work, model_dir, calib

# SPDX-License-Identifier: GPL-3.0-or-later
"""Fault and bad-input tests of the `apiq` command (issue 13): every damaged input gives exit 2 and
one line naming the file (or the flag) and the problem; kill -9 then resume or rerun gives the same
bytes and leaves nothing behind; a second writer of one output is refused at once; SIGTERM, SIGINT
and SIGHUP leave no half-written output; a full disk leaves no temporary folder.

usage: test_faults.py APIQ SHARED_DIR WORK_DIR [CHECK ...]
Exits 77 (skipped) when SHARED_DIR/models/stories260K is missing. Each check prints ok/FAIL/skip.
"""
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file

APIQ = SHARED = WORK = None
FAILED = []
QUICK = ["--bits", "2", "--group-size", "4", "--rank", "4", "--nsamples", "4", "--seq-len", "32", "--seed", "3"]


def run(*args, env=None, cwd=None):
    e = dict(os.environ, **(env or {}))
    return subprocess.run([str(APIQ), *map(str, args)], capture_output=True, text=True, env=e, cwd=cwd)


def check(name, ok, detail=""):
    print(f"{'ok  ' if ok else 'FAIL'} {name}" + ("" if ok else f": {detail}"))
    if not ok:
        FAILED.append(name)


def expect_error(name, args, *must_contain, rc=2, cwd=None, env=None):
    """Exit code `rc`, exactly one message line on stderr (progress summaries of finished stages
    aside), containing every string of must_contain."""
    r = run(*args, cwd=cwd, env=env)
    lines = message_lines(r.stderr)
    ok = r.returncode == rc and len(lines) == 1 and all(s in lines[0] for s in must_contain)
    check(name, ok, f"rc={r.returncode}, stderr={r.stderr.strip()[:400]!r}")
    return r


def message_lines(stderr):
    """stderr without the 'stage: n/n done in s' summaries TerminalProgress prints when not on a terminal."""
    return [ln for ln in stderr.splitlines() if ln.strip() and not (": " in ln and " done in " in ln and "apiq:" not in ln)]


def leftovers(folder, stem):
    """Temporary folders, locks and partial state of output `stem` in `folder`."""
    return sorted(p.name for p in Path(folder).iterdir()
                  if p.name.startswith(stem + ".tmp-") or p.name in (stem + ".lock", stem + ".partial"))


def model():
    return SHARED / "models/stories260K"


def calib():
    return SHARED / "data/tinystories-sample.txt"


def text():
    return SHARED / "data/eval/tinystories-6000.txt"


def quantize(out, method="rtn", *extra):
    r = run("quantize", model(), "--method", method, "--calib", calib(), *QUICK, *extra, "--out", out)
    if r.returncode != 0:
        raise RuntimeError(f"quantize {method} failed: {r.stderr}")
    return Path(out)


def copy_checkpoint(src, name):
    dst = WORK / name
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst)
    return dst


def replace_with_folder(path):
    path.unlink()
    path.mkdir()


def edit_config(folder, fn):
    cfg = json.loads((folder / "config.json").read_text())
    fn(cfg)
    (folder / "config.json").write_text(json.dumps(cfg))


def edit_tensors(folder, fn):
    t = load_file(str(folder / "model.safetensors"))
    fn(t)
    save_file(t, str(folder / "model.safetensors"), metadata={"format": "pt"})


def write_raw_safetensors(path, header, data=b""):
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    path.write_bytes(struct.pack("<Q", len(h)) + h + data)


# ---- damaged checkpoints and configs --------------------------------------------------------

def check_config_ranges(q):
    for key, value in (("group_size", 0), ("bits", 0), ("bits", 5), ("lora_rank", -1)):
        bad = copy_checkpoint(q, f"bad-{key}-{value}")
        edit_config(bad, lambda c: c["quantization_config"].update({key: value}))
        cfgname = str(bad / "config.json")
        expect_error(f"{key}={value}: eval", ["eval", bad, "--data", text(), "--seq-len", "64"], cfgname, key)
        expect_error(f"{key}={value}: generate", ["generate", bad, "--prompt", "Once"], cfgname)
        expect_error(f"{key}={value}: compare --data", ["compare", bad, "--data", text()], cfgname)
        expect_error(f"{key}={value}: finetune", ["finetune", bad, "--data", text(), "--out", WORK / f"ft-{key}"], cfgname)
        for fmt in ("peft", "hf-dequantized", "gptq", "gptq-v2", "compressed-tensors"):
            out = WORK / f"exp-{key}-{value}-{fmt}"
            expect_error(f"{key}={value}: export {fmt}", ["export", bad, "--format", fmt, "--out", out], cfgname)
            check(f"{key}={value}: export {fmt} leaves nothing", not out.exists() and not leftovers(WORK, out.name),
                  str(leftovers(WORK, out.name)))


def check_non_finite(q):
    for tensor_suffix, value in ((".scales", np.nan), (".lora_A", np.inf), (".nf_absmax", None)):
        if value is None:
            continue
        bad = copy_checkpoint(q, f"bad-nonfinite{tensor_suffix}")
        name = "model.layers.1.self_attn.v_proj" + tensor_suffix

        def poison(t):
            a = t[name].copy()
            a.flat[3] = value
            t[name] = a
        edit_tensors(bad, poison)
        file = str(bad / "model.safetensors")
        expect_error(f"non-finite {tensor_suffix}: generate", ["generate", bad, "--prompt", "Once"], file, name, "NaN or infinite")
        expect_error(f"non-finite {tensor_suffix}: eval", ["eval", bad, "--data", text(), "--seq-len", "64"], file, "NaN or infinite")
        for fmt in ("peft", "hf-dequantized", "compressed-tensors"):  # gptq needs widths stories260K lacks
            if fmt == "peft" and tensor_suffix == ".scales":
                continue  # the adapter export does not read the scales
            out = WORK / f"exp-nonfinite{tensor_suffix}-{fmt}"
            expect_error(f"non-finite {tensor_suffix}: export {fmt}", ["export", bad, "--format", fmt, "--out", out], file)
            check(f"non-finite {tensor_suffix}: export {fmt} leaves nothing", not out.exists() and not leftovers(WORK, out.name))


def check_packed_layout(q):
    bad = copy_checkpoint(q, "bad-qweight-f32")
    edit_tensors(bad, lambda t: t.update({"model.layers.0.mlp.up_proj.qweight":
                                          t["model.layers.0.mlp.up_proj.qweight"].astype(np.float32)}))
    expect_error("qweight stored as F32", ["eval", bad, "--data", text(), "--seq-len", "64"],
                 str(bad / "model.safetensors"), "qweight", "F32")
    bad = copy_checkpoint(q, "bad-zeros-transposed")
    edit_tensors(bad, lambda t: t.update({"model.layers.0.mlp.down_proj.zeros":
                                          np.ascontiguousarray(t["model.layers.0.mlp.down_proj.zeros"].T)}))
    expect_error("zeros transposed", ["eval", bad, "--data", text(), "--seq-len", "64"],
                 str(bad / "model.safetensors"), "zeros", "shape")
    bad = copy_checkpoint(q, "bad-zeros-range")

    def far(t):
        z = t["model.layers.2.self_attn.q_proj.zeros"].astype(np.int32)  # as older checkpoints stored them
        z.flat[0] = 2_000_000
        t["model.layers.2.self_attn.q_proj.zeros"] = z
    edit_tensors(bad, far)
    expect_error("zero points far outside the quantizer's range", ["eval", bad, "--data", text(), "--seq-len", "64"],
                 str(bad / "model.safetensors"), "zero points")


def check_safetensors_header():
    folder = copy_checkpoint(model(), "dup-name")
    t = load_file(str(model() / "model.safetensors"))
    # The header of the real file with its first tensor listed twice, the second pointing at other bytes.
    names = sorted(t)
    header, blob, off = {}, b"", 0
    for n in names:
        b = np.ascontiguousarray(t[n]).tobytes()
        header[n] = {"dtype": "F32", "shape": list(t[n].shape), "data_offsets": [off, off + len(b)]}
        blob += b
        off += len(b)
    h = json.dumps(header)
    first = names[0]
    second = names[1]
    dup = json.dumps({first: header[first]})[1:-1]
    h = h[:-1] + ", " + dup.replace(json.dumps(header[first]), json.dumps(header[second])) + "}"
    hb = h.encode()
    hb += b" " * ((8 - len(hb) % 8) % 8)
    (folder / "model.safetensors").write_bytes(struct.pack("<Q", len(hb)) + hb + blob)
    expect_error("duplicated tensor name in the header", ["eval", folder, "--data", text(), "--seq-len", "64"],
                 str(folder / "model.safetensors"), "appears twice")
    big = WORK / "overflow.safetensors"
    write_raw_safetensors(big, {"w": {"dtype": "F32", "shape": [2**62, 8], "data_offsets": [0, 0]}})
    folder2 = copy_checkpoint(model(), "overflow-model")
    shutil.copy(big, folder2 / "model.safetensors")
    expect_error("shape element count overflowing 64 bits", ["inspect", folder2], "overflows")


def check_configs():
    folder = copy_checkpoint(model(), "eps")
    edit_config(folder, lambda c: c.update({"rms_norm_eps": -1e-5}))
    expect_error("negative rms_norm_eps", ["eval", folder, "--data", text()], str(folder / "config.json"), "rms_norm_eps")
    folder = copy_checkpoint(model(), "cfg-dir")
    replace_with_folder(folder / "config.json")
    expect_error("config.json is a folder", ["eval", folder, "--data", text()], str(folder / "config.json"), "folder")
    folder = copy_checkpoint(model(), "tok-dir")
    replace_with_folder(folder / "tokenizer.model")
    expect_error("tokenizer.model is a folder", ["eval", folder, "--data", text()], str(folder / "tokenizer.model"))


def check_vocab_mismatch():
    folder = copy_checkpoint(model(), "small-vocab")
    edit_config(folder, lambda c: c.update({"vocab_size": 300}))
    edit_tensors(folder, lambda t: t.update({"model.embed_tokens.weight": t["model.embed_tokens.weight"][:300].copy()}))
    for cmd in (["eval", folder, "--data", text(), "--seq-len", "64"], ["generate", folder, "--prompt", "Once upon a time"],
                ["quantize", folder, "--method", "rtn", "--calib", calib(), *QUICK, "--out", WORK / "sv-q"]):
        expect_error(f"token ids beyond the embedding: {cmd[0]}", cmd, str(folder / "tokenizer.model"), "vocab_size 300")


# ---- flags and output paths -----------------------------------------------------------------

def check_flags(q):
    r = run("finetune", q, "--data", text(), "--lr", "0", "--out", WORK / "lr0")
    lines = message_lines(r.stderr)
    check("--lr 0: one short line", r.returncode == 2 and len(lines) == 1 and "1797693" not in r.stderr and "--lr" in r.stderr,
          r.stderr)
    expect_error("--data is a folder", ["eval", model(), "--data", SHARED / "data"], str(SHARED / "data"), "folder")
    expect_error("--seq-len beyond the model's context",
                 ["quantize", model(), "--method", "rtn", "--calib", calib(), *QUICK[:-4], "--seq-len", "100000",
                  "--seed", "3", "--out", WORK / "long"], "--seq-len 100000", "max_position_embeddings")
    check("--seq-len 100000 wrote nothing", not (WORK / "long").exists() and not leftovers(WORK, "long"))
    (WORK / "plainfile").write_text("x")
    for where, out, named in (("/proc", "/proc/apiq-out", "/proc/apiq-out"),
                              ("a regular file as parent", WORK / "plainfile" / "out", str(WORK / "plainfile"))):
        expect_error(f"export into {where}", ["export", q, "--format", "peft", "--out", out], named)


def check_empty_out():
    cwd = WORK / "cwd"
    shutil.rmtree(cwd, ignore_errors=True)
    cwd.mkdir()
    expect_error("quantize --out ''", ["quantize", model(), "--method", "rtn", "--calib", calib(), *QUICK, "--out", ""],
                 "output folder needs a name", cwd=cwd)
    check("quantize --out '' left nothing in the working folder", list(cwd.iterdir()) == [], str(list(cwd.iterdir())))
    (cwd / ".partial").mkdir()
    (cwd / ".partial" / "keep").write_text("another run's state")
    expect_error("finetune --out ''", ["finetune", WORK / "q-lora", "--data", text(), "--out", ""],
                 "output folder needs a name", cwd=cwd)
    check("finetune --out '' kept another run's ./.partial", (cwd / ".partial" / "keep").exists())


# ---- concurrency, kill -9, signals, full disk -----------------------------------------------

def bw_args(out, seed="3"):
    return ["quantize", model(), "--method", "apiq-bw", "--calib", calib(), "--bits", "2", "--group-size", "32",
            "--rank", "4", "--nsamples", "8", "--seq-len", "64", "--epochs", "6", "--seed", seed, "--out", out]


def start(args, env=None):
    return subprocess.Popen([str(APIQ), *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, **(env or {})))


def wait_for(pred, timeout=120):
    t0 = time.time()
    while time.time() - t0 < timeout:
        if pred():
            return True
        time.sleep(0.05)
    return False


def interrupted(args, ready, sig, settle=0.0, env=None):
    """Starts apiq with `args`, waits until ready() (then `settle` seconds more), sends `sig`; the finished process."""
    p = start(args, env)
    wait_for(ready)
    time.sleep(settle)
    p.send_signal(sig)
    p.communicate()
    return p


def same_file(a, b):
    return Path(a).read_bytes() == Path(b).read_bytes()


def check_two_writers(reference):
    for seed in ("3", "4"):
        out = WORK / f"two-{seed}"
        first = start(bw_args(out))
        wait_for(lambda: (WORK / f"two-{seed}.lock").exists())
        second = run(*bw_args(out, seed))
        lines = message_lines(second.stderr)
        check(f"second writer (seed {seed}) refused at once", second.returncode == 2 and len(lines) == 1
              and "another apiq process" in lines[0], second.stderr)
        _, err = first.communicate()
        check(f"first writer (seed {seed}) unharmed", first.returncode == 0 and same_file(out / "model.safetensors",
              reference / "model.safetensors"), err[-300:])
        check(f"two writers (seed {seed}): no leftovers", not leftovers(WORK, out.name), str(leftovers(WORK, out.name)))


def check_kill_quantize(reference):
    for at in (1, 3):
        out = WORK / f"killed-{at}"
        state = WORK / f"killed-{at}.partial" / "state.json"

        def done_blocks():
            try:
                return json.loads(state.read_text())["blocks_done"] >= at
            except Exception:
                return False
        interrupted(bw_args(out), done_blocks, signal.SIGKILL)
        (WORK / f"killed-{at}.tmp-999999").mkdir()  # as a kill during the final write leaves it
        r = run(*bw_args(out), "--resume")
        check(f"kill -9 after block {at}, then --resume: same bytes", r.returncode == 0 and
              same_file(out / "model.safetensors", reference / "model.safetensors"), r.stderr[-300:])
        check(f"kill -9 after block {at}: no leftovers after the resume", not leftovers(WORK, out.name),
              str(leftovers(WORK, out.name)))


def check_kill_finetune(q):
    args = lambda out, *x: ["finetune", q, "--data", text(), "--seq-len", "32", "--epochs", "2", "--save-every", "1",
                            "--out", out, *x]
    ref = WORK / "ft-ref"
    r = run(*args(ref))
    if r.returncode != 0:
        check("finetune reference", False, r.stderr)
        return
    out = WORK / "ft-killed"
    interrupted(args(out), lambda: (WORK / "ft-killed.partial" / "state.safetensors").exists(), signal.SIGKILL, 0.3)
    r = run(*args(out, "--resume"))
    ok = r.returncode == 0 and json.loads((out / "report.json").read_text())["finetune"]["steps"] == \
        json.loads((ref / "report.json").read_text())["finetune"]["steps"]
    check("finetune kill -9, then --resume: same losses and factors", ok and same_file(
        out / "model.safetensors", ref / "model.safetensors"), r.stderr[-300:])
    check("finetune kill -9: no leftovers", not leftovers(WORK, out.name), str(leftovers(WORK, out.name)))


def check_export_signals(q):
    ref = WORK / "exp-ref"
    run("export", q, "--format", "hf-dequantized", "--out", ref)
    slow = {"APIQ_TEST_EXPORT_BLOCK_MS": "400"}
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGKILL):
        out = WORK / f"exp-{sig.name}"
        p = interrupted(["export", q, "--format", "hf-dequantized", "--out", out],
                        lambda: any(x.name.startswith(out.name + ".tmp-") for x in WORK.iterdir()), sig, 0.5, slow)
        if sig == signal.SIGKILL:
            r = run("export", q, "--format", "hf-dequantized", "--out", out)
            check("export kill -9, then the same export: same bytes", r.returncode == 0 and
                  same_file(out / "model.safetensors", ref / "model.safetensors"), r.stderr)
            check("export kill -9: no leftovers after the rerun", not leftovers(WORK, out.name), str(leftovers(WORK, out.name)))
        else:
            check(f"export {sig.name}: exit {128 + sig}, nothing written", p.returncode == 128 + sig and not out.exists()
                  and not leftovers(WORK, out.name), f"rc={p.returncode} {leftovers(WORK, out.name)}")


def check_sigterm_quantize():
    out = WORK / "term-q"
    p = interrupted(bw_args(out), lambda: (WORK / "term-q.partial" / "state.json").exists(), signal.SIGTERM, 0.5)
    check("quantize SIGTERM: exit 143, no output, resumable state kept", p.returncode == 143 and not out.exists()
          and leftovers(WORK, out.name) == ["term-q.partial"], f"rc={p.returncode} {leftovers(WORK, out.name)}")


def check_disk_full(q):
    mnt = WORK / "small-fs"
    mnt.mkdir(exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)], capture_output=True, text=True)
    if r.returncode != 0:
        print(f"skip disk full: cannot mount a small tmpfs here ({r.stderr.strip() or 'not root'})")
        return
    try:
        for name, args in (("quantize", ["quantize", model(), "--method", "rtn", "--calib", calib(), *QUICK, "--out", mnt / "q"]),
                           ("export", ["export", q, "--format", "hf-dequantized", "--dtype", "f32", "--out", mnt / "e"]),
                           ("finetune", ["finetune", q, "--data", text(), "--seq-len", "32", "--out", mnt / "f"])):
            r = run(*args)
            errors = [ln for ln in r.stderr.splitlines() if ln.startswith("apiq: error")]
            check(f"disk full: {name} fails with one error line naming the file", r.returncode != 0 and len(errors) == 1
                  and str(mnt) in errors[0] and "disk full" in errors[0], r.stderr[-300:])
            left = [p.name for p in mnt.iterdir() if not p.name.endswith(".partial")]
            check(f"disk full: {name} leaves no temporary folder", left == [], str(left))
    finally:
        subprocess.run(["umount", str(mnt)])


def main():
    global APIQ, SHARED, WORK
    APIQ, SHARED, WORK = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve(), Path(sys.argv[3]).resolve()
    only = set(sys.argv[4:])
    if not (SHARED / "models/stories260K/model.safetensors").exists():
        print(f"skipped: {SHARED}/models/stories260K is not available")
        return 77
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    q = quantize(WORK / "q-lora", "qlora")
    reference = WORK / "bw-reference"
    if run(*bw_args(reference)).returncode != 0:
        print("FAIL reference apiq-bw run")
        return 1
    checks = [("config", lambda: check_config_ranges(q)), ("nonfinite", lambda: check_non_finite(q)),
              ("layout", lambda: check_packed_layout(q)), ("header", check_safetensors_header), ("configs", check_configs),
              ("vocab", check_vocab_mismatch), ("flags", lambda: check_flags(q)), ("emptyout", check_empty_out),
              ("writers", lambda: check_two_writers(reference)), ("killq", lambda: check_kill_quantize(reference)),
              ("killft", lambda: check_kill_finetune(q)), ("signals", lambda: check_export_signals(q)),
              ("termq", check_sigterm_quantize), ("diskfull", lambda: check_disk_full(q))]
    for name, fn in checks:
        if not only or name in only:
            fn()
    print(f"{len(FAILED)} failed" if FAILED else "all passed")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())

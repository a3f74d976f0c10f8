# SPDX-License-Identifier: GPL-3.0-or-later
"""Encoding speed of our tokenizer.json reader against the Python `tokenizers` library, one thread.

usage: bench_hf_tokenizer.py HF_TOKENIZE_TOOL SHARED_DIR [TEXT_FILE]

TEXT_FILE defaults to SHARED_DIR/data/wikitext2-raw-test.txt. For each SHARED_DIR/tokenizers/*/
tokenizer.json (hf-llama2 through the repaired copy of verify_hf_tokenizer.py, since the library
refuses the file as it is): the whole file in one encode call (first call on a fresh tokenizer, with
empty caches, then a second call), and the file's lines one encode call each. The library runs with
TOKENIZERS_PARALLELISM=false and RAYON_NUM_THREADS=1; its lines are timed both through encode_batch
(no Python loop) and through a Python loop of encode calls. Exits 77 when SHARED_DIR/tokenizers is
missing.
"""
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ["TOKENIZERS_PARALLELISM"] = "false"
os.environ["RAYON_NUM_THREADS"] = "1"
from tokenizers import Tokenizer  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from verify_hf_tokenizer import repair_nbsp  # noqa: E402


def timed(f):
    t0 = time.perf_counter()
    r = f()
    return time.perf_counter() - t0, r


def ours(tool, tokenizer_json, text_file, *flags):
    out = subprocess.run([tool, "bench", str(tokenizer_json), str(text_file), "--repeat", "2", *flags],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    runs = [(float(line.split("seconds ")[1].split()[0]), int(line.split("tokens ")[1])) for line in out]
    return runs


def main():
    tool, shared = sys.argv[1], Path(sys.argv[2])
    text_file = Path(sys.argv[3]) if len(sys.argv) > 3 else shared / "data/wikitext2-raw-test.txt"
    if not (shared / "tokenizers").is_dir():
        print(f"SKIP: {shared / 'tokenizers'} is missing")
        return 77
    text = text_file.read_text(encoding="utf-8")
    lines = text.split("\n")
    mb = len(text.encode("utf-8")) / 1e6
    print(f"{text_file.name}: {mb:.2f} MB, {len(lines)} lines; seconds (MB/s); one thread each\n")
    head = (f"{'tokenizer':16} {'whole file, 1st call':>22} {'whole file, 2nd call':>22} "
            f"{'lines, 1 call each':>22} {'lines, encode_batch':>22} {'lines, Python loop':>22}")
    print(head)
    cell = lambda s: f"{s:8.3f} ({mb / s:6.2f})"  # noqa: E731
    with tempfile.TemporaryDirectory() as tmp:
        for tj in sorted((shared / "tokenizers").glob("*/tokenizer.json")):
            name = tj.parent.name
            try:
                Tokenizer.from_file(str(tj))
            except Exception:
                tj = repair_nbsp(tj, Path(tmp) / name)
                name += "*"
                if tj is None:
                    continue
            lib = Tokenizer.from_file(str(tj))
            lib.no_truncation()
            lib.no_padding()
            t_cold, enc = timed(lambda: lib.encode(text, add_special_tokens=False))
            t_warm, _ = timed(lambda: lib.encode(text, add_special_tokens=False))
            lib_lines = Tokenizer.from_file(str(tj))
            lib_lines.no_truncation()
            lib_lines.no_padding()
            t_batch, encs = timed(lambda: lib_lines.encode_batch(lines, add_special_tokens=False))
            t_loop, _ = timed(lambda: [lib_lines.encode(line, add_special_tokens=False) for line in lines])
            whole = ours(tool, tj, text_file)
            per_line = ours(tool, tj, text_file, "--lines")
            n_lines = sum(len(e.ids) for e in encs)
            same = whole[0][1] == len(enc.ids) and per_line[0][1] == n_lines
            print(f"{name + ' ours':16} {cell(whole[0][0]):>22} {cell(whole[1][0]):>22} {cell(per_line[0][0]):>22}"
                  f"{'':>23}{'':>23}{'' if same else '  TOKEN COUNTS DIFFER'}")
            print(f"{name + ' library':16} {cell(t_cold):>22} {cell(t_warm):>22} {'':>22} {cell(t_batch):>22} {cell(t_loop):>22}")
            print(f"{'  ratio':16} {t_cold / whole[0][0]:21.1f}x {t_warm / whole[1][0]:21.1f}x {'':>22} "
                  f"{t_batch / per_line[0][0]:21.1f}x {t_loop / per_line[0][0]:21.1f}x")
    print("\n* the library refuses this file as it is; timed on the repaired copy (see verify_hf_tokenizer.py)")
    print("ratio: library seconds / our seconds (lines: against our one call per line, whose cache is warm after the "
          "first lines, as the library's)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

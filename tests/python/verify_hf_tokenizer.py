# SPDX-License-Identifier: GPL-3.0-or-later
"""Cross-checks our tokenizer.json reader (hf_tokenize_tool) against the Python `tokenizers` library.

usage: verify_hf_tokenizer.py HF_TOKENIZE_TOOL SHARED_DIR [ONLY]

ONLY: one folder name of SHARED_DIR/tokenizers (that file alone), or "extras" (the constructed
variants and refusals alone); CTest runs one test per file this way.

For every SHARED_DIR/tokenizers/*/tokenizer.json and every text of SHARED_DIR/data (*.txt, plus the
question/answer strings of gsm8k/*.jsonl), compares our ids with Tokenizer.encode (add_special_tokens
False and True, and with the file's stored truncation/padding), our decode with Tokenizer.decode
(skip_special_tokens False and True), and every id's piece with Tokenizer.id_to_token. Texts over
100 000 characters are cut to their first 100 000 (to keep the run near two minutes). Also: texts holding
the added tokens literally, tricky Unicode, hf-llama2 against sentencepiece's llama2-32k.model, many
constructed tokenizer.json variants (every supported normalizer / pre-tokenizer / decoder /
post-processor / BPE option), and files we must refuse (one line naming the file and key, exit 2).

Exits 77 (skipped) when SHARED_DIR/tokenizers is missing; non-zero with the first difference otherwise.
"""
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("TOKENIZERS_PARALLELISM", "true")
from tokenizers import Tokenizer  # noqa: E402

from hf_tokenizer_variants import (bl, gpt2_variants, llama_variants, nseq, seq, split, trained_models,  # noqa: E402
                                   write_variant)

CUT = 100_000
FAILURES = []


def run_tool(tool, *args):
    return subprocess.run([tool, *map(str, args)], capture_output=True, text=True, encoding="utf-8")


def ours_batch(tool, tokenizer_json, texts, work):
    src = work / "texts.jsonl"
    src.write_text("".join(json.dumps(t) + "\n" for t in texts), encoding="utf-8")
    r = run_tool(tool, "batch", tokenizer_json, src)
    if r.returncode != 0:
        raise RuntimeError(f"hf_tokenize_tool batch {tokenizer_json} failed ({r.returncode}): {r.stderr.strip()}")
    return [json.loads(line) for line in r.stdout.split("\n") if line]  # not splitlines: U+2028 is in the text


def fresh(tokenizer_json, limits):
    tok = Tokenizer.from_file(str(tokenizer_json))
    if not limits:
        tok.no_truncation()
        tok.no_padding()
    return tok


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def report_ids(label, text, ours, theirs, lib):
    i = first_difference(ours, theirs)
    enc = lib.encode(text, add_special_tokens=False)
    where = ""
    if i < len(enc.offsets):
        s, e = enc.offsets[i]
        where = f"\n    text around it: {text[max(0, s - 40):e + 40]!r}"
    tokens = lambda ids: [lib.id_to_token(x) for x in ids]  # noqa: E731
    FAILURES.append(label)
    print(f"  FAIL {label}: {len(ours)} ids vs {len(theirs)}, first difference at {i}\n"
          f"    ours:   {ours[max(0, i - 4):i + 6]} {tokens(ours[max(0, i - 4):i + 6])}\n"
          f"    theirs: {theirs[max(0, i - 4):i + 6]} {tokens(theirs[max(0, i - 4):i + 6])}{where}")


def report_text(label, ours, theirs):
    i = first_difference(ours, theirs)
    FAILURES.append(label)
    print(f"  FAIL {label}: first difference at character {i}\n"
          f"    ours:   {ours[max(0, i - 30):i + 30]!r}\n    theirs: {theirs[max(0, i - 30):i + 30]!r}")


def compare_texts(tool, tokenizer_json, names, texts, work, quiet=False):
    """Compares every way of encoding and decoding; returns (passed, total) over texts."""
    plain_lib = fresh(tokenizer_json, True)
    # One encode per text: encode_batch would pad "BatchLongest" to the longest of the batch.
    has_limits = plain_lib.truncation is not None or plain_lib.padding is not None
    stored = [plain_lib.encode(t, add_special_tokens=True).ids for t in texts] if has_limits else None
    plain_lib.no_truncation()
    plain_lib.no_padding()
    ours = ours_batch(tool, tokenizer_json, texts, work)
    plain = [e.ids for e in plain_lib.encode_batch(texts, add_special_tokens=False)]
    special = [e.ids for e in plain_lib.encode_batch(texts, add_special_tokens=True)]
    stored = stored or special
    passed = 0
    for name, text, o, p, s, st in zip(names, texts, ours, plain, special, stored):
        before = len(FAILURES)
        for label, mine, theirs in (("plain", o["plain"], p), ("add_special_tokens", o["special"], s),
                                    ("stored limits", o["stored"], st)):
            if mine != theirs:
                report_ids(f"{tokenizer_json.parent.name} {name} {label}", text, mine, theirs, plain_lib)
        decoded = plain_lib.decode(p, skip_special_tokens=False)
        if o["decoded"] != decoded:
            report_text(f"{tokenizer_json.parent.name} {name} decode", o["decoded"], decoded)
        decoded_skip = plain_lib.decode(s, skip_special_tokens=True)
        if o["decoded_skip"] != decoded_skip:
            report_text(f"{tokenizer_json.parent.name} {name} decode skip_special", o["decoded_skip"], decoded_skip)
        ok = len(FAILURES) == before
        passed += ok
        if not quiet:
            print(f"  {'ok  ' if ok else 'FAIL'} {name}: {len(text)} chars, {len(p)} ids")
    return passed, len(texts)


def load_texts(shared):
    names, texts = [], []
    for f in sorted((shared / "data").rglob("*.txt")):
        t = f.read_text(encoding="utf-8")
        names.append(str(f.relative_to(shared / "data")) + (f" (first {CUT} chars)" if len(t) > CUT else ""))
        texts.append(t[:CUT])
    for f in sorted((shared / "data").rglob("*.jsonl")):
        rows = [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines()[:150]]
        for i, r in enumerate(rows):
            for k in ("question", "answer"):
                if isinstance(r.get(k), str):
                    names.append(f"{f.relative_to(shared / 'data')}[{i}].{k}")
                    texts.append(r[k])
    return names, texts


TRICKY = [
    "", " ", "  ", "\n", "\n\n\n", "\r\n", "a\r\nb\r\n", "\t\tx\ty", "a    b", " leading", "trailing  ",
    "e\u0301 a\u0300\u0301 \u0301start", "日本語のテキストです。", "中文字符，标点。", "한국어 텍스트",
    "👍🏽 👨‍👩‍👧 🇩🇪 😀😀", "ﬁ ﬂ ① ② ＡＢＣ１２３ ½ ℌ ™ Ⅻ", "٣٤٥ ١٢ ۴ २०२४", "नमस्ते दुनिया", "สวัสดีครับ",
    "zero\u200bwidth\u200djoin", "nbsp\u00a0here\u3000ideo\u0085nel\u2028ls\u000bvt\u000cff",
    "I'm can't WE'RE he'S 'll 'd ’s", "x" * 3000, " " * 2000 + "y", "1234567890" * 30, "a1b22c333d4444",
    "\x00\x01\x1f\x7f ctrl", "\ufeffbom", "mixed Ελληνικά Кириллица עברית العربية",
    "<s> </s> <unk> <pad> [PAD] <|endoftext|>", "$$$ ((( ))) ... --- ___ *** ###", "tab\tand\nnew line\n\n\nend",
    "İstanbul ΣΑΣ ß ẞ ǅ", "~!@#%^&*()_+`-=[]{}|;:',.<>/?\\\"",
]


def special_texts(lib):
    """Texts with added tokens in them, at the start, inside, glued, spaced, repeated."""
    added = sorted(lib.get_added_tokens_decoder().items())
    picks = [t.content for _, t in added[:12]] + [t.content for _, t in added[-4:]]
    extra = ["<|begin_of_text|>hello<|eot_id|>", "<|endoftext|>", "<|user|>\nhi<|end|>\n<|assistant|>"]
    texts = list(extra)
    for c in dict.fromkeys(picks):
        texts += [c, f"{c}hello", f"hello{c}", f"hello {c} world", f"a{c}b", f" {c}  x", f"{c}{c}", f"\n{c}\n",
                  f"x. {c}  y", f"{c} {c}"]
    return texts


def repair_nbsp(tokenizer_json, out_dir):
    """hf-llama2's vocabulary has U+00A0 turned into U+0020, so 3 merges have 3 spaces and the
    library refuses the file. Restore U+00A0 (the vocabulary is then exactly llama2-32k.model's)."""
    j = json.loads(tokenizer_json.read_text(encoding="utf-8"))
    m = j["model"]
    vocab = {k.replace(" ", "\u00a0"): v for k, v in m["vocab"].items()}
    merges = []
    for line in m["merges"]:
        if len(line.split(" ")) == 2:
            merges.append(line)
            continue
        fixes = []
        for i, c in enumerate(line):
            if c == " ":
                a, b = line[:i].replace(" ", "\u00a0"), line[i + 1:].replace(" ", "\u00a0")
                if a in vocab and b in vocab and a + b in vocab:
                    fixes.append(f"{a} {b}")
        if len(fixes) != 1:
            return None
        merges.append(fixes[0])
    m["vocab"], m["merges"] = vocab, merges
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "tokenizer.json").write_text(json.dumps(j, ensure_ascii=False), encoding="utf-8")
    cfg = tokenizer_json.parent / "tokenizer_config.json"
    if cfg.exists():
        (out_dir / "tokenizer_config.json").write_text(cfg.read_text(encoding="utf-8"), encoding="utf-8")
    return out_dir / "tokenizer.json"


def check_refused_alike(tool, tokenizer_json, lib_error):
    r = run_tool(tool, "info", tokenizer_json)
    lines = r.stderr.strip().splitlines()
    ok = r.returncode == 2 and len(lines) == 1 and lines[0].startswith(f"error: {tokenizer_json}: ") and "(key " in lines[0]
    print(f"  library refuses it ({lib_error}); ours: exit {r.returncode}, {lines}")
    if not ok:
        FAILURES.append(f"{tokenizer_json} refusal")
    return ok


def check_info(tool, tokenizer_json):
    r = run_tool(tool, "info", tokenizer_json)
    info = json.loads(r.stdout)
    lib = fresh(tokenizer_json, False)
    vocab = lib.get_vocab(with_added_tokens=True)
    want_size = max(vocab.values()) + 1
    pieces = [lib.id_to_token(i) or "" for i in range(want_size)]
    bad = [i for i, (a, b) in enumerate(zip(info["pieces"], pieces)) if a != b]
    ok = info["vocab_size"] == want_size and not bad
    try:
        import warnings
        warnings.filterwarnings("ignore")
        from transformers import AutoTokenizer
        hf = AutoTokenizer.from_pretrained(str(tokenizer_json.parent))
        ids = hf("x")["input_ids"]
        want = {"bos": hf.bos_token_id, "eos": hf.eos_token_id, "unk": hf.unk_token_id,
                "adds_bos": hf.bos_token_id is not None and ids[0] == hf.bos_token_id,
                "adds_eos": hf.eos_token_id is not None and ids[-1] == hf.eos_token_id}
        want = {k: (-1 if v is None else v) for k, v in want.items()}
        got = {k: info[k] for k in want}
        ok = ok and got == want
        extra = f"; bos/eos/unk/adds_bos/adds_eos {got} (transformers {want})"
    except Exception as e:  # transformers missing or unable: report, do not fail on it
        extra = f"; transformers comparison skipped ({type(e).__name__}: {e})"
    print(f"  {'ok  ' if ok else 'FAIL'} vocab_size {info['vocab_size']} (library {want_size}), "
          f"{len(bad)} pieces differ{(' e.g. id %d' % bad[0]) if bad else ''}{extra}")
    if not ok:
        FAILURES.append(f"{tokenizer_json} info")


def check_sentencepiece(tool, tokenizer_json, model, names, texts, work):
    import sentencepiece as spm
    sp = spm.SentencePieceProcessor(model_file=str(model))
    keep = [(n, t) for n, t in zip(names, texts) if not any(s in t for s in ("<unk>", "<s>", "</s>"))]
    print(f"  sentencepiece {model.name} vs ours on {len(keep)} texts (texts holding <unk>, <s> or </s> are"
          f" left out: tokenizer.json matches those as added tokens, sentencepiece as plain text)")
    ours = ours_batch(tool, tokenizer_json, [t for _, t in keep], work)
    bad = 0
    for (n, t), o in zip(keep, ours):
        want = sp.encode(t)
        if o["plain"] != want:
            bad += 1
            i = first_difference(o["plain"], want)
            FAILURES.append(f"sentencepiece {n}")
            print(f"  FAIL {n}: first difference at {i}: ours {o['plain'][max(0, i - 3):i + 5]} "
                  f"sentencepiece {want[max(0, i - 3):i + 5]}")
    print(f"  {'ok  ' if not bad else 'FAIL'} sentencepiece: {len(keep) - bad} of {len(keep)} texts identical")


# ---- constructed variants (hf_tokenizer_variants.py), against the library ----------------------

def check_variants(tool, shared, llama_fixed, work, sample):
    print("constructed variants (TRICKY texts, texts with added tokens, 2 x 20 000 characters of data):")
    gpt2 = json.loads((shared / "tokenizers/hf-gpt2/tokenizer.json").read_text(encoding="utf-8"))
    files = {f"gpt2-{n}": write_variant(gpt2, f"gpt2-{n}", c, work) for n, c in gpt2_variants(gpt2).items()}
    if llama_fixed is not None:
        llama = json.loads(llama_fixed.read_text(encoding="utf-8"))
        files.update({f"llama2-{n}": write_variant(llama, f"llama2-{n}", c, work) for n, c in llama_variants(llama).items()})
    files.update(trained_models(sample[0], work))
    for name, path in files.items():
        try:
            lib = fresh(path, False)
        except Exception as e:
            check_refused_alike(tool, path, str(e).splitlines()[0][:80])
            continue
        texts = TRICKY + special_texts(lib) + sample
        passed, total = compare_texts(tool, path, [f"text[{i}]" for i in range(len(texts))], texts, work, quiet=True)
        print(f"  {'ok  ' if passed == total else 'FAIL'} {name}: {passed} of {total} texts identical")


# ---- files we must refuse ------------------------------------------------------------------------

def check_new_unicode(tool, shared, llama_fixed, work):
    """U+1C89 is a Unicode 16 letter, unassigned in PCRE2 10.42's Unicode 14: where the pipeline
    looks at Unicode properties we refuse the text; where it does not (Llama-2 style) we encode it."""
    text = "new letter \u1c89\u1c8a here"
    src = work / "unicode16.txt"
    src.write_text(text, encoding="utf-8")
    expect_refusal(tool, "Unicode 16 letter, hf-gpt2 (regex pre-tokenizer)",
                   ("encode", shared / "tokenizers/hf-gpt2/tokenizer.json", src), f"error: {src}: text holds U+1C89")
    if llama_fixed is not None:
        passed, total = compare_texts(tool, llama_fixed, ["unicode16"], [text], work, quiet=True)
        print(f"  {'ok  ' if passed == total else 'FAIL'} Unicode 16 letter, hf-llama2 (no Unicode properties used): "
              f"encoded, identical to the library")


def expect_refusal(tool, label, args, expected, prefix="error: "):
    """The tool exits 2 with one line on stderr, starting with `prefix` and holding `expected`."""
    r = run_tool(tool, *args)
    lines = r.stderr.strip().splitlines()
    ok = r.returncode == 2 and len(lines) == 1 and lines[0].startswith(prefix) and expected in lines[0]
    print(f"  {'ok  ' if ok else 'FAIL'} {label}: exit {r.returncode}: {lines[0] if lines else '(nothing)'}")
    if not ok:
        FAILURES.append(f"refusal {label}")


def check_refusals(tool, shared, work):
    print("unsupported or broken files (exit 2, one line naming the file and the key):")
    gpt2 = json.loads((shared / "tokenizers/hf-gpt2/tokenizer.json").read_text(encoding="utf-8"))
    cases = {
        "pre-unicode-scripts": ({"pre_tokenizer": {"type": "UnicodeScripts"}}, "unsupported pre_tokenizer 'UnicodeScripts' (key pre_tokenizer.type)"),
        "pre-nested": ({"pre_tokenizer": seq(bl(), {"type": "FixedLength", "length": 5})},
                       "unsupported pre_tokenizer 'FixedLength' (key pre_tokenizer.pretokenizers[1].type)"),
        "norm-precompiled": ({"normalizer": {"type": "Precompiled", "precompiled_charsmap": "AA=="}},
                             "unsupported normalizer 'Precompiled' (key normalizer.type)"),
        "norm-bert-in-seq": ({"normalizer": nseq({"type": "NFC"}, {"type": "BertNormalizer", "clean_text": True})},
                             "unsupported normalizer 'BertNormalizer' (key normalizer.normalizers[1].type)"),
        "model-unigram": ({"model": {"type": "Unigram", "unk_id": 0, "vocab": [["a", 0.0]]}}, "unsupported model 'Unigram' (key model.type)"),
        "model-wordpiece": ({"model": {"type": "WordPiece", "unk_token": "[UNK]", "vocab": {"[UNK]": 0}}},
                            "unsupported model 'WordPiece' (key model.type)"),
        "model-dropout": ({"model": dict(gpt2["model"], dropout=0.1)}, "unsupported model dropout '0.1' (key model.dropout)"),
        "split-behavior": ({"pre_tokenizer": split("a", "Sideways")}, "unsupported split behavior 'Sideways' (key pre_tokenizer.behavior)"),
        "decoder-wordpiece": ({"decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True}},
                              "unsupported decoder 'WordPiece' (key decoder.type)"),
        "decoder-ctc-in-seq": ({"decoder": {"type": "Sequence", "decoders": [{"type": "Fuse"}, {"type": "CTC"}]}},
                               "unsupported decoder 'CTC' (key decoder.decoders[1].type)"),
        "post-unknown": ({"post_processor": {"type": "Mystery"}}, "unsupported post_processor 'Mystery' (key post_processor.type)"),
        "regex-posix": ({"pre_tokenizer": split("[[:alpha:]]+")}, "(key pre_tokenizer.pattern.Regex)"),
        "metaspace-first-late": ({"pre_tokenizer": seq({"type": "Digits", "individual_digits": True},
                                                       {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first"})},
                                 "unsupported pre_tokenizer 'Metaspace with prepend_scheme first after another step' (key pre_tokenizer)"),
        "truncation-only-second": ({"truncation": {"direction": "Right", "max_length": 5, "strategy": "OnlySecond", "stride": 0}},
                                   "unsupported truncation strategy 'OnlySecond' (key truncation.strategy)"),
        "bad-merge": ({"model": dict(gpt2["model"], merges=gpt2["model"]["merges"][:5] + ["a b c"])},
                      "merge 'a b c' is not two tokens separated by one space (key model.merges[5])"),
        "merge-not-in-vocab": ({"model": dict(gpt2["model"], merges=["zzzqqq x"])}, "(key model.merges[0])"),
    }
    for name, (changes, expected) in cases.items():
        path = write_variant(gpt2, f"bad-{name}", changes, work)
        expect_refusal(tool, name, ("info", path), expected, prefix=f"error: {path}: ")
    (work / "not-json").mkdir(exist_ok=True)
    (work / "not-json/tokenizer.json").write_text("{ not json", encoding="utf-8")
    bad_text = work / "bad-utf8.txt"
    bad_text.write_bytes(b"abc\xff\xfedef")
    expect_refusal(tool, "invalid JSON", ("info", work / "not-json/tokenizer.json"),
                   f"error: {work / 'not-json/tokenizer.json'}: not valid JSON")
    expect_refusal(tool, "text not UTF-8", ("encode", shared / "tokenizers/hf-gpt2/tokenizer.json", bad_text),
                   f"error: {bad_text}: text is not valid UTF-8 at byte 3")


def main():
    tool, shared = sys.argv[1], Path(sys.argv[2])
    only = sys.argv[3] if len(sys.argv) > 3 else None
    if not (shared / "tokenizers").is_dir():
        print(f"SKIP: {shared / 'tokenizers'} is missing (the shared test data is not on this machine)")
        return 77
    names, texts = load_texts(shared)
    print(f"{len(texts)} texts from {shared / 'data'} (files over {CUT} characters cut to their first {CUT})")
    with tempfile.TemporaryDirectory(prefix="verify_hf_tok_") as tmp:
        work = Path(tmp)
        llama_fixed = None
        for tj in sorted((shared / "tokenizers").glob("*/tokenizer.json")):
            if only not in (None, tj.parent.name) and not (only == "extras" and "llama2" in tj.parent.name):
                continue
            if only == "extras":  # the variants start from the repaired Llama-2 file
                llama_fixed = repair_nbsp(tj, work / f"{tj.parent.name}-repaired")
                continue
            print(f"{tj.parent.name}:")
            try:
                lib = fresh(tj, False)
            except Exception as e:
                check_refused_alike(tool, tj, str(e).splitlines()[0])
                fixed = repair_nbsp(tj, work / f"{tj.parent.name}-repaired")
                if fixed is None:
                    continue
                print(f"{tj.parent.name} (copy with U+00A0 restored in its 4 damaged vocabulary entries and 3 merges):")
                tj, lib = fixed, fresh(fixed, False)
                if "llama2" in tj.parent.name:
                    llama_fixed = tj
            passed, total = compare_texts(tool, tj, names, texts, work, quiet=True)
            print(f"  {'ok  ' if passed == total else 'FAIL'} data texts: {passed} of {total} identical "
                  f"(ids plain / add_special_tokens / stored limits, decode, decode skip_special)")
            sp_names = [f"special[{i}]" for i in range(len(special_texts(lib)))] + [f"tricky[{i}]" for i in range(len(TRICKY))]
            passed, total = compare_texts(tool, tj, sp_names, special_texts(lib) + TRICKY, work, quiet=True)
            print(f"  {'ok  ' if passed == total else 'FAIL'} added-token and tricky-Unicode texts: {passed} of {total} identical")
            check_info(tool, tj)
            if llama_fixed == tj and (shared / "tokenizers/llama2-32k.model").exists():
                check_sentencepiece(tool, tj, shared / "tokenizers/llama2-32k.model", names, texts, work)
        if only in (None, "extras"):
            sample = [texts[names.index(n)][:20000] for n in names if n.startswith(("wikitext2-raw-test", "c4-sample"))]
            check_variants(tool, shared, llama_fixed, work / "variants", sample)
            check_refusals(tool, shared, work / "bad")
            check_new_unicode(tool, shared, llama_fixed, work)
    if FAILURES:
        print(f"FAILED: {len(FAILURES)} differences, first: {FAILURES[0]}")
        return 1
    print("all identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())

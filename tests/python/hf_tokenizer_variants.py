# SPDX-License-Identifier: GPL-3.0-or-later
"""The constructed tokenizer.json variants of verify_hf_tokenizer.py: every supported normalizer,
pre-tokenizer, decoder, post-processor, added-token flag, truncation/padding and BPE option, each as a
change to a real file's top-level keys, plus BPE models trained here with a word prefix and suffix."""
import json

from tokenizers import Tokenizer

def bl(add_prefix_space=False, use_regex=True):
    return {"type": "ByteLevel", "add_prefix_space": add_prefix_space, "trim_offsets": True, "use_regex": use_regex}


def split(pattern, behavior="Isolated", invert=False, literal=False):
    return {"type": "Split", "pattern": {"String" if literal else "Regex": pattern}, "behavior": behavior, "invert": invert}


seq = lambda *steps: {"type": "Sequence", "pretokenizers": list(steps)}  # noqa: E731
nseq = lambda *steps: {"type": "Sequence", "normalizers": list(steps)}  # noqa: E731
st = lambda c: {"SpecialToken": {"id": c, "type_id": 0}}  # noqa: E731
SEQ_A = {"Sequence": {"id": "A", "type_id": 0}}


def template(single, specials):
    return {"type": "TemplateProcessing", "single": single, "pair": single,
            "special_tokens": {c: {"id": c, "ids": [i], "tokens": [c]} for c, i in specials}}


def added(content, id_, **flags):
    t = {"id": id_, "content": content, "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": True, "special": False}
    t.update(flags)
    return t


def gpt2_variants(base):
    v = {}
    pre = lambda p: {"pre_tokenizer": p}  # noqa: E731
    v["bytelevel-prefix-space"] = pre(bl(add_prefix_space=True))
    v["bytelevel-no-regex"] = pre(bl(use_regex=False))
    for behavior in ("Isolated", "Removed", "MergedWithPrevious", "MergedWithNext", "Contiguous"):
        for invert in (False, True):
            v[f"split-{behavior}-{'inv' if invert else 'std'}"] = pre(seq(split(r"\s+|[0-9]", behavior, invert), bl(use_regex=False)))
    v["split-string-removed"] = pre(seq(split(" ", "Removed", literal=True), bl(use_regex=False)))
    v["split-string-next"] = pre(seq(split("e", "MergedWithNext", literal=True), bl(use_regex=False)))
    for name, pattern in (("word", r"\w+"), ("digit", r"\d+"), ("hex", r"\h+"), ("dot", r"a.b"), ("anchors", r"^\s*|\s*$"),
                          ("caseless", r"(?i:the|and)"), ("boundary", r"\bth"), ("upto", r"x{,2}"), ("uescape", r"\u0041+"),
                          ("empty", r""), ("optional", r"e*"), ("dollar-line", r"\.$"), ("notword", r"\W+"),
                          ("class-s", r"[^\s\p{L}]+"), ("lookbehind", r"(?<=\p{Ll})\p{Lu}")):
        v[f"regex-{name}"] = pre(seq(split(pattern), bl(use_regex=False)))
    v["digits-contiguous"] = pre(seq({"type": "Digits", "individual_digits": False}, bl()))
    v["bytelevel-then-digits"] = pre(seq(bl(), {"type": "Digits", "individual_digits": True}))
    v["prefix-space-after-digits"] = pre(seq({"type": "Digits", "individual_digits": True}, bl(add_prefix_space=True)))
    for step in ({"type": "Whitespace"}, {"type": "WhitespaceSplit"}, {"type": "Punctuation", "behavior": "Isolated"},
                 {"type": "Punctuation", "behavior": "MergedWithPrevious"}, {"type": "BertPreTokenizer"},
                 {"type": "CharDelimiterSplit", "delimiter": "e"}):
        v[f"pre-{step['type']}-{step.get('behavior', '')}"] = pre(seq(step, bl(use_regex=False)))
    for n in ("NFC", "NFD", "NFKC", "NFKD", "Lowercase", "StripAccents"):
        v[f"norm-{n}"] = {"normalizer": {"type": n}}
    v["norm-strip-both"] = {"normalizer": {"type": "Strip", "strip_left": True, "strip_right": True}}
    v["norm-strip-right"] = {"normalizer": {"type": "Strip", "strip_left": False, "strip_right": True}}
    v["norm-replace-regex"] = {"normalizer": {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}}
    v["norm-replace-delete"] = {"normalizer": {"type": "Replace", "pattern": {"String": "e"}, "content": ""}}
    v["norm-prepend-seq"] = {"normalizer": nseq({"type": "NFKD"}, {"type": "Lowercase"}, {"type": "Prepend", "prepend": "x "})}
    tokens = [added("hello", 50257, single_word=True), added("world", 50258, lstrip=True, rstrip=True),
              added(" xy", 50259, normalized=False), added("ab", 50260), added("abc", 50261), added("bcd", 50262),
              added("[MASK]", 50263, special=True, lstrip=True), added("The", 50264, normalized=True),
              added("<|endoftext|>", 50256, normalized=False, special=True)]
    v["added-flags"] = {"added_tokens": tokens}
    v["added-normalized-lowercase"] = {"added_tokens": tokens, "normalizer": {"type": "Lowercase"}}
    v["post-template"] = {"post_processor": template([st("<|endoftext|>"), SEQ_A, st("<|endoftext|>")], [("<|endoftext|>", 50256)])}
    v["post-roberta"] = {"post_processor": {"type": "RobertaProcessing", "sep": ["<|endoftext|>", 50256],
                                            "cls": ["!", 0], "trim_offsets": True, "add_prefix_space": False}}
    v["post-bert"] = {"post_processor": {"type": "BertProcessing", "sep": ["<|endoftext|>", 50256], "cls": ["!", 0]}}
    v["post-sequence"] = {"post_processor": {"type": "Sequence", "processors": [
        {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
        template([st("!"), SEQ_A], [("!", 0)])]}}
    trunc = lambda d, n: {"direction": d, "max_length": n, "strategy": "LongestFirst", "stride": 0}  # noqa: E731
    pad = lambda s, d, m=None: {"strategy": s, "direction": d, "pad_to_multiple_of": m, "pad_id": 7,  # noqa: E731
                                "pad_type_id": 0, "pad_token": "("}
    with_eos = template([SEQ_A, st("<|endoftext|>")], [("<|endoftext|>", 50256)])
    v["limits-right"] = {"truncation": trunc("Right", 20), "post_processor": with_eos}
    v["limits-left-pad"] = {"truncation": trunc("Left", 30), "padding": pad({"Fixed": 40}, "Left"), "post_processor": with_eos}
    v["limits-pad-multiple"] = {"padding": pad("BatchLongest", "Right", 64)}
    v["bpe-ignore-merges"] = {"model": dict(base["model"], ignore_merges=True)}
    v["bpe-other-merge-form"] = {"model": dict(base["model"], merges=[
        " ".join(m) if isinstance(m, list) else m.split(" ") for m in base["model"]["merges"]])}
    v["decoder-none"] = {"decoder": None}
    v["decoder-replace-strip"] = {"decoder": {"type": "Sequence", "decoders": [
        {"type": "Replace", "pattern": {"String": "Ġ"}, "content": " "}, {"type": "Strip", "content": " ", "start": 0, "stop": 1}]}}
    return v


def llama_variants(base):
    ms = lambda scheme, split_=True: {"type": "Metaspace", "replacement": "▁", "prepend_scheme": scheme, "split": split_}  # noqa: E731
    dec = lambda scheme: {"type": "Sequence", "decoders": [{"type": "Metaspace", "replacement": "▁", "prepend_scheme": scheme,  # noqa: E731
                                                            "split": True}, {"type": "ByteFallback"}, {"type": "Fuse"}]}
    v = {}
    for scheme in ("always", "first", "never"):
        for sp in (True, False):
            v[f"metaspace-{scheme}-{'split' if sp else 'whole'}"] = {"normalizer": None, "pre_tokenizer": ms(scheme, sp),
                                                                     "decoder": dec(scheme)}
    v["metaspace-legacy"] = {"normalizer": None, "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "add_prefix_space": True},
                             "decoder": {"type": "Metaspace", "replacement": "▁", "add_prefix_space": True}}
    v["metaspace-first-nfkc"] = {"normalizer": {"type": "NFKC"}, "pre_tokenizer": ms("first", False), "decoder": dec("first")}
    v["metaspace-first-in-seq"] = {"normalizer": None, "pre_tokenizer": seq(ms("first", False), {"type": "Digits", "individual_digits": True}),
                                   "decoder": dec("first")}
    v["no-byte-fallback-fuse"] = {"model": dict(base["model"], byte_fallback=False, fuse_unk=True)}
    v["no-byte-fallback-nofuse"] = {"model": dict(base["model"], byte_fallback=False, fuse_unk=False)}
    v["bpe-ignore-merges"] = {"model": dict(base["model"], ignore_merges=True)}
    v["post-bos-eos"] = {"post_processor": template([st("<s>"), SEQ_A, st("</s>")], [("<s>", 1), ("</s>", 2)])}
    return v


def trained_models(text, work):
    from tokenizers import decoders, models, pre_tokenizers, trainers
    out = {}
    for fuse in (False, True):
        tok = Tokenizer(models.BPE(unk_token="[UNK]", continuing_subword_prefix="##", end_of_word_suffix="</w>", fuse_unk=fuse))
        tok.pre_tokenizer = pre_tokenizers.Whitespace()
        trainer = trainers.BpeTrainer(vocab_size=3000, special_tokens=["[UNK]", "[CLS]", "[SEP]"], limit_alphabet=70,
                                      continuing_subword_prefix="##", end_of_word_suffix="</w>", show_progress=False)
        tok.train_from_iterator([text], trainer)
        tok.decoder = decoders.BPEDecoder(suffix="</w>")
        d = work / f"trained-prefix-suffix-{'fuse' if fuse else 'nofuse'}"
        d.mkdir(parents=True, exist_ok=True)
        tok.save(str(d / "tokenizer.json"))
        out[d.name] = d / "tokenizer.json"
    return out


def write_variant(base, name, changes, work):
    j = dict(base, **changes)  # changes replace whole top-level values; base is never modified
    d = work / name
    d.mkdir(parents=True, exist_ok=True)
    (d / "tokenizer.json").write_text(json.dumps(j, ensure_ascii=False), encoding="utf-8")
    return d / "tokenizer.json"

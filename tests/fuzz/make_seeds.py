#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the small hand-made seeds of tests/fuzz/seeds/ (committed; rerun only to change them)."""
import io
import json
import struct
import sys
from pathlib import Path

out = Path(__file__).resolve().parent / "seeds"


def put(target, name, data):
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def safetensors(tensors, metadata=None):
    header, blob = {}, b""
    for name, (dtype, shape, payload) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(blob), len(blob) + len(payload)]}
        blob += payload
    if metadata:
        header["__metadata__"] = metadata
    h = json.dumps(header).encode()
    return struct.pack("<Q", len(h)) + h + blob


put("safetensors_header", "two.st", safetensors({"a": ("F32", [2, 2], b"\0" * 16), "b": ("I32", [3], b"\1" * 12)},
                                                  {"format": "pt"}))
put("safetensors_header", "empty-shape.st", safetensors({"s": ("BF16", [], b"\0\0"), "z": ("U8", [0, 4], b"")}))

llama = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 64, "intermediate_size": 172,
         "num_attention_heads": 4, "num_key_value_heads": 2, "num_hidden_layers": 2, "vocab_size": 512,
         "max_position_embeddings": 256, "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "tie_word_embeddings": False}
put("config", "llama.json", json.dumps(llama))
q = dict(llama, quantization_config={"quant_method": "apiq-studio", "method": "apiq-bw", "bits": 2, "group_size": 64,
                                     "format": "int", "sym": False, "nf_block_size": 64, "lora_rank": 8,
                                     "lora_alpha": 16.0, "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj",
                                                                            "gate_proj", "up_proj", "down_proj"]})
put("config", "quantized.json", json.dumps(q))
put("config", "rope3.json", json.dumps(dict(llama, rope_scaling={"rope_type": "llama3", "factor": 8.0,
                                                                "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                                                "original_max_position_embeddings": 8192})))

report = {"schema": "apiq-studio/report/1", "options": {"method": "apiq-lw", "model": "m"}, "mean_act_err": 0.5,
          "peak_memory_bytes": 1000, "seconds": 1.5,
          "layers": [{"block": 0, "linear": "q_proj", "act_err_init": 1.0, "act_err": 0.5, "weight_err": 0.1}],
          "blocks": [{"block": 0, "out_mse_init": 2.0, "out_mse": 1.0, "seconds": 1.5, "losses": [3.0, 2.0]}]}
put("report", "one-layer.json", json.dumps(report))

# A byte-level BPE and a Metaspace BPE with byte fallback, both tiny.
byte_vocab = {chr(c) if 33 <= c <= 126 else f"<{c}>": i for i, c in enumerate(range(256))}
bl = {"version": "1.0", "truncation": None, "padding": None,
      "added_tokens": [{"id": 256, "content": "<s>", "single_word": False, "lstrip": False, "rstrip": False,
                        "normalized": False, "special": True}],
      "normalizer": {"type": "NFC"},
      "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
          {"type": "Split", "pattern": {"Regex": "\\p{N}{1,3}"}, "behavior": "Isolated", "invert": False},
          {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}]},
      "post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                                                                  {"Sequence": {"id": "A", "type_id": 0}}],
                         "pair": [], "special_tokens": {"<s>": {"id": "<s>", "ids": [256], "tokens": ["<s>"]}}},
      "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
      "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                "vocab": {}, "merges": []}}
# Byte-level alphabet: the printable mapping of the 256 bytes.
bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
cs, n = bs[:], 0
for b in range(256):
    if b not in bs:
        bs.append(b)
        cs.append(256 + n)
        n += 1
alphabet = [chr(c) for _, c in sorted(zip(bs, cs))]
vocab = {ch: i for i, ch in enumerate(alphabet)}
vocab["<s>"] = 256
for a, b in [("H", "e"), ("l", "l"), ("He", "ll"), ("Ġ", "w"), ("o", "r")]:
    vocab[a + b] = len(vocab)
bl["model"]["vocab"] = vocab
bl["model"]["merges"] = [["H", "e"], ["l", "l"], ["He", "ll"], ["Ġ", "w"], ["o", "r"]]
put("tokenizer_json", "bytelevel.json", json.dumps(bl, ensure_ascii=False))

ms = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": [],
      "normalizer": {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"},
                                                         {"type": "Replace", "pattern": {"String": " "},
                                                          "content": "▁"}]},
      "pre_tokenizer": None, "post_processor": None,
      "decoder": {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
                                                   {"type": "ByteFallback"}, {"type": "Fuse"},
                                                   {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
      "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
                "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True, "ignore_merges": False,
                "vocab": {"<unk>": 0, **{f"<0x{b:02X}>": 1 + b for b in range(256)}, "▁": 257, "a": 258, "b": 259,
                          "▁a": 260, "ab": 261},
                "merges": ["▁ a", "a b"]}}
put("tokenizer_json", "metaspace.json", json.dumps(ms, ensure_ascii=False))

# SentencePiece models trained here on a few sentences of our own (.spm: seeds, not models to use).
try:
    import sentencepiece as spm
except ImportError:
    sys.exit("sentencepiece is needed for the tokenizer.model seed")
text = "Once upon a time a cat sat on a mat.\nThe cat was happy, and the mat was red.\n" * 20
model = io.BytesIO()
spm.SentencePieceTrainer.train(sentence_iterator=iter(text.splitlines()), model_writer=model, vocab_size=40,
                               model_type="bpe", byte_fallback=False, character_coverage=1.0,
                               normalization_rule_name="identity")
put("sentencepiece", "tiny-bpe.spm", model.getvalue())
model = io.BytesIO()
spm.SentencePieceTrainer.train(sentence_iterator=iter(text.splitlines()), model_writer=model, vocab_size=284,
                               model_type="unigram", byte_fallback=True, character_coverage=1.0,
                               normalization_rule_name="identity")
put("sentencepiece", "tiny-unigram-bytes.spm", model.getvalue())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Renders results.jsonl files of tools/results/budget.sh as the markdown tables of docs/results.md.

usage: budget_table.py SHARED_DIR results.jsonl [more.jsonl ...]
Bits without LoRA subtract rank·(in + out)·32 per quantized linear (the fp32 factors as written)."""
import json
import sys


def lora_bits_per_param(shared, model, rank):
    c = json.load(open(f"{shared}/models/{model}/config.json"))
    h, inter, nh = c["hidden_size"], c["intermediate_size"], c["num_attention_heads"]
    hd = c.get("head_dim") or h // nh
    kv = c.get("num_key_value_heads", nh)
    shapes = [(nh * hd, h), (kv * hd, h), (kv * hd, h), (h, nh * hd), (inter, h), (inter, h), (h, inter)]
    params = sum(o * i for o, i in shapes)
    return rank * sum(o + i for o, i in shapes) * 32 / params


def setting(r):
    flags = r["flags"]
    if "--budget" not in flags:
        return f"uniform {flags.split('--bits ')[1].split()[0]}-bit"
    b = flags.split("--budget ")[1].split()[0]
    return "--budget = uniform 2-bit" if r["run"].endswith("uniform2") else f"--budget {b} --budget-exclude-lora"


def mix(r):
    # nf keys read "2b g16 b0 3": bits, block B0, scale code bits b0 (B1 and b1 are in config.json)
    return ", ".join(f"{k.replace(' g', ' B0 ') if 'b0' in k else k} × {n}" for k, n in sorted(r["mix"].items())) or "–"


def main():
    shared, files = sys.argv[1], sys.argv[2:]
    rows = {}
    for path in files:
        for line in open(path):
            r = json.loads(line)
            rows[(r["model"], r["run"])] = r  # a rerun records again: keep the newest
    for model in dict.fromkeys(m for m, _ in rows):
        rank = 16 if model == "mix8k-32M" else 8
        lora = lora_bits_per_param(shared, model, rank)
        print(f"\n**{model}** (rank {rank})\n")
        print("| method | format | setting | stored bits / param: all (without LoRA) | configurations chosen | perplexity |")
        print("|---|---|---|---|---|---|")
        for (m, run), r in rows.items():
            if m != model:
                continue
            method = next(m for m in ("apiq-bw", "lq-lora", "qlora", "loftq") if run.startswith(m))
            fmt = "nf, scales double-quantized" if "-nf-" in run else "int"
            if "error" in r:
                print(f"| {method} | {fmt} | {run} | – | {r['error']} | – |")
                continue
            bits = r["stored_bits_per_param"]
            print(f"| {method} | {fmt} | {setting(r)} | {bits:.4f} ({bits - lora:.4f}) | {mix(r)} | {r['ppl']:.3f} |")


if __name__ == "__main__":
    main()

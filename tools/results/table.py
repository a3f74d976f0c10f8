#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Renders $OUT/results.jsonl of tools/results/adapters.sh as the markdown tables of docs/results.md."""
import json
import sys


def rows(path):
    last = {}
    for line in open(path):
        r = json.loads(line)
        last[(r["run"], r["text"])] = r  # a rerun records again: keep the newest
    return list(last.values())


def label(r):
    run = r["run"]
    if r["kind"] == "(none)":
        return "base (no finetuning)"
    parts = run.split("-")
    init = "fit" if "-fit-" in run else "zero"
    name = {"lora": "LoRA", "qbara": "Q-BaRA", "qahira": "QA-HiRA", "blora": "Bayesian-LoRA"}[r["kind"]]
    extra = " merged" if run.endswith("-merged") else ""
    lam = [p for p in parts if p.startswith("l") and p[1:2].isdigit()]
    if lam:
        return f"{name} λ={lam[0][1:]}"
    return f"{name} ({init} start){extra}"


def ranks_bits(r):
    lin = r["linears"]
    if not lin:
        return ""
    if r["kind"] == "blora":
        ranks = [l["rank"] for l in lin]
        bits = sorted({b for l in lin for b in l["bits"].values()})
        mem = sum(l["memory_bits"] for l in lin) / 8192
        full = sum(l["memory_bits_full"] for l in lin) / 8192
        return f"rank {min(ranks)}–{max(ranks)}, bits {'/'.join(map(str, bits))}; {mem:.1f} of {full:.1f} KiB"
    if r["kind"] == "qahira":
        return f"pools {lin[0]['out_pool']}×{lin[0]['in_pool']}"
    return f"rank {lin[0]['rank']}"


def main(path, prefix, text):
    sel = [r for r in rows(path) if r["run"].startswith(prefix) and r["text"] == text]
    kinds = ["(none)", "lora", "qbara", "qahira", "blora"]
    sel.sort(key=lambda r: ("-apiq-bw" in r["run"], kinds.index(r["kind"]), "-zero-" in r["run"],
                            r["run"].endswith("-merged"), r["run"]))
    print("| base | adapter | trainable | stored KiB | ranks / bits | perplexity | finetune s |")
    print("|---|---|---|---|---|---|---|")
    for r in sel:
        base = "apiq-bw" if "-apiq-bw" in r["run"] else "qlora"
        print(f"| {base} | {label(r)} | {r['trainable']} | {r['stored_bits'] / 8192:.1f} | {ranks_bits(r)} | "
              f"{r['ppl']:.4f} | {r['seconds']:.0f} |")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])

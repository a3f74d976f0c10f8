#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fails when an #include breaks the layer rules of docs/architecture.md.

core/<layer>/ may include only the layers listed for it below (and itself); widgets/ may include
the core layers listed for it and, from methods/, only the public table header; core never
includes Qt. Also: no file includes the whole <torch/torch.h> (each file costs ~6 s more to build;
core/pch.h). Prints one line per broken include: file:line: what is wrong.
"""
import pathlib
import re
import sys

# Which core folders each folder may include (besides itself).
ALLOWED = {
    "base": set(),
    "io": {"base"},
    "kernels": set(),
    "ops": {"base", "kernels"},
    "model": {"base", "io", "ops"},
    "quant": {"base", "io", "ops", "model"},
    "methods": {"base", "io", "ops", "model", "quant"},
    "calibration": {"base", "io", "ops", "model", "quant", "methods"},
    "finetune": {"base", "io", "ops", "model", "quant"},
    "export": {"base", "io", "ops", "model", "quant"},
    "bench": {"base", "io", "ops", "model", "quant", "methods", "calibration", "finetune", "export", "kernels"},
}
WIDGETS_ALLOWED = {"base", "io", "model", "quant", "calibration", "finetune", "export"}
WIDGETS_PUBLIC_FILES = {"methods/method.h"}  # the method table: names, summaries, validate()
LAYERS = set(ALLOWED)
KERNEL_HEADERS = {"launchers.h", "device_types.cuh", "fast_divmod.cuh"}
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^">]+)[">]')


def layer_of(include):
    head = include.split("/", 1)[0]
    if head in LAYERS and "/" in include:
        return head
    if include in KERNEL_HEADERS:
        return "kernels"
    return None


def check(root):
    problems = []
    sources = [p for p in (root / "core").rglob("*") if p.suffix in {".h", ".cpp", ".cu", ".cuh"}]
    sources += [p for p in (root / "widgets").rglob("*") if p.suffix in {".h", ".cpp"}]
    for path in sorted(sources):
        rel = path.relative_to(root)
        folder = rel.parts[1] if rel.parts[0] == "core" and len(rel.parts) > 2 else rel.parts[0]
        if rel.parts[0] == "core" and len(rel.parts) == 2:
            continue  # core/pch.h
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            inc = m.group(1)
            target = layer_of(inc)
            where = f"{rel}:{n}"
            if rel.parts[0] == "core":
                if inc.startswith("Q") and not inc.startswith("QuantizedCodes"):
                    problems.append(f"{where}: core includes Qt header <{inc}>")
                if folder not in ALLOWED:
                    problems.append(f"{where}: core/{folder}/ is not a known layer")
                elif target and target != folder and target not in ALLOWED[folder]:
                    problems.append(f"{where}: {folder}/ may not include {inc} ({target}/ is not below it)")
            else:  # widgets
                if target and target not in WIDGETS_ALLOWED and inc not in WIDGETS_PUBLIC_FILES:
                    problems.append(f"{where}: widgets/ may not include {inc}")
    return problems


def whole_torch_includes(root):
    problems = []
    for folder in ("core", "widgets", "app", "tests"):
        for path in sorted((root / folder).rglob("*")):
            if path.suffix not in {".h", ".cpp", ".cu", ".cuh"}:
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                m = INCLUDE.match(line)
                if m and m.group(1) == "torch/torch.h":
                    problems.append(f"{path.relative_to(root)}:{n}: includes the whole <torch/torch.h>; include the "
                                    "narrow headers it uses (<torch/types.h>, <torch/optim/adamw.h>, ...; core/pch.h)")
    return problems


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[2])
    problems = check(root) + whole_torch_includes(root)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} include(s) break the layer rules (docs/architecture.md)")
        return 1
    print("layer rules hold")
    return 0


if __name__ == "__main__":
    sys.exit(main())

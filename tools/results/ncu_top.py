#!/usr/bin/env python3
# Summarises `ncu --csv --metrics gpu__time_duration.sum` output (one row per profiled kernel):
# total GPU time per kernel name, largest first.   ncu_top.py NCU_CSV [N]
import csv, sys
from collections import defaultdict

rows = list(csv.reader(l for l in open(sys.argv[1], errors="replace") if l.startswith('"')))
head, data = rows[0], rows[1:]
name_i, metric_i, value_i, unit_i = (head.index(k) for k in ("Kernel Name", "Metric Name", "Metric Value", "Metric Unit"))
total, count = defaultdict(float), defaultdict(int)
for r in data:
    if r[metric_i] != "gpu__time_duration.sum":
        continue
    v = float(r[value_i].replace(",", ""))
    unit = r[unit_i].strip().lower()
    scale = {"nsecond": 1e-3, "ns": 1e-3, "usecond": 1.0, "us": 1.0, "msecond": 1e3, "ms": 1e3}
    if unit not in scale:
        sys.exit(f"unknown time unit {unit!r}")
    v *= scale[unit]
    total[r[name_i][:110]] += v
    count[r[name_i][:110]] += 1
all_us = sum(total.values())
print(f"{sum(count.values())} kernels, {all_us / 1000:.3f} ms of GPU time")
for k, v in sorted(total.items(), key=lambda kv: -kv[1])[: int(sys.argv[2]) if len(sys.argv) > 2 else 40]:
    print(f"{v / 1000:8.3f} ms {100 * v / all_us:5.1f}%  x{count[k]:<5} {k}")

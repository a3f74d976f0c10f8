// SPDX-License-Identifier: GPL-3.0-or-later
// apiq merge: folds a finetuned adapter whose ΔW is constant inside every (row, group) cell
// (QA-HiRA with its input pool a multiple of the group size) into the packed model. The cell's
// value Δ moves into the group's zero point, z' = z − Δ/s, stored as float32 — Ŵ' = s·(q − z') =
// Ŵ + Δ —, so the finetuned model runs through the same packed products as the base, with no
// adapter path. Codes and scales are unchanged.
#pragma once
#include <filesystem>

#include "base/progress.h"

namespace apiq {

struct MergeResult {
  int64_t linears = 0;
  // The largest |Ŵ' − (Ŵ + ΔW)| over every merged weight, both dequantized in float32: what the
  // fold changed beyond the adapter (float rounding of z − Δ/s).
  double max_abs_error = 0;
};

// Reads the native checkpoint `qdir` and writes the merged one to `out_dir` (report.json gains a
// "merge" section). InputError naming the folder when it has no adapter, an adapter that does not
// merge (its kind, or a pool that is not a multiple of the group), or a NormalFloat base.
MergeResult merge_adapter(const std::filesystem::path& qdir, const std::filesystem::path& out_dir,
                          ProgressObserver* obs = nullptr, const CancelToken* cancel = nullptr);

}  // namespace apiq

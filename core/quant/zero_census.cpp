// SPDX-License-Identifier: GPL-3.0-or-later
#include "quant/zero_census.h"

#include <torch/types.h>

#include "io/tensor_names.h"

namespace apiq {

std::vector<LinearZeroCensus> zero_point_census(const TensorStore& store, const LlamaConfig& cfg, int bits) {
  const auto& names = tensor_names_for(cfg.model_type);
  std::vector<LinearZeroCensus> out;
  for (int64_t b = 0; b < cfg.num_hidden_layers; ++b)
    for (LinearKind k : kAllLinears) {
      LinearZeroCensus c;
      c.module = linear_module(names, b, k);
      // Float zero points (a merged adapter) are not integers: nothing to count for GPTQ.
      if (!store.contains(c.module + ".zeros")) continue;
      const StDtype d = store.info(c.module + ".zeros").dtype;
      if (d != StDtype::U8 && d != StDtype::I16 && d != StDtype::I32) continue;
      const auto z = store.load(c.module + ".zeros").to(torch::kLong).flatten();
      c.groups = z.numel();
      c.zero_groups = (z == 0).sum().item<int64_t>();
      c.v1_unstorable = (z < 1).logical_or(z > (int64_t{1} << bits)).sum().item<int64_t>();
      const auto [values, inverse, counts] = torch::_unique2(z, /*sorted=*/true, /*return_inverse=*/false,
                                                             /*return_counts=*/true);
      const auto v = values.accessor<int64_t, 1>();
      const auto n = counts.accessor<int64_t, 1>();
      for (int64_t i = 0; i < v.size(0); ++i) c.histogram[v[i]] = n[i];
      out.push_back(std::move(c));
    }
  return out;
}

}  // namespace apiq

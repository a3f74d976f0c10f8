// SPDX-License-Identifier: GPL-3.0-or-later
// Test helper for tests/python/verify_safetensors.py:
//   st_fixture_tool write OUT.safetensors   writes deterministic tensors of every dtype
//   st_fixture_tool dump IN.safetensors     prints {name: {dtype, shape, sum}} as JSON
#include <cstdio>
#include <nlohmann/json.hpp>
#include <torch/types.h>

#include "io/safetensors.h"

using namespace apiq;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: st_fixture_tool write|dump FILE\n");
    return 2;
  }
  const std::string mode = argv[1];
  try {
    if (mode == "write") {
      // Values are arange-based so the Python side can rebuild them independently.
      auto base = torch::arange(24, torch::kDouble).reshape({2, 3, 4});
      NamedTensors ts = {{"f32", (base * 0.5 - 3).to(torch::kFloat)},
                         {"f16", (base.reshape({6, 4}) * 0.25).to(torch::kHalf)},
                         {"bf16", (base.reshape({24}) - 7).to(torch::kBFloat16)},
                         {"i8", (base.reshape({4, 6}) - 12).to(torch::kInt8)},
                         {"u8", (base * 10).to(torch::kUInt8)},
                         {"i32", (base * -1000).to(torch::kInt32)},
                         {"i64", (base * 1e10).to(torch::kInt64)},
                         {"model.layers.0.self_attn.q_proj.weight", (base.reshape({4, 6}) / 8).to(torch::kFloat)}};
      write_safetensors(argv[2], ts, {{"format", "pt"}});
      return 0;
    }
    if (mode == "dump") {
      auto f = SafetensorsFile::open(argv[2]);
      nlohmann::json out;
      for (const auto& [name, info] : f->tensors()) {
        auto t = f->load(name).to(torch::kDouble);
        out[name] = {{"dtype", dtype_name(info.dtype)}, {"shape", info.shape}, {"sum", t.sum().item<double>()}};
      }
      out["__metadata__"] = f->metadata();
      std::printf("%s\n", out.dump().c_str());
      return 0;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 2;
}

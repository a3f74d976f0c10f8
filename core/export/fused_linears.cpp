// SPDX-License-Identifier: GPL-3.0-or-later
#include "export/fused_linears.h"

#include <map>
#include <torch/types.h>

namespace apiq {

std::vector<FusedLinear> fused_linears(const ArchTensorNames& names) {
  std::vector<FusedLinear> out;
  if (names.fused_qkv) out.push_back({names.fused_qkv, {LinearKind::Q, LinearKind::K, LinearKind::V}});
  if (names.fused_gate_up) out.push_back({names.fused_gate_up, {LinearKind::Gate, LinearKind::Up}});
  return out;
}

const FusedLinear* fused_module_of(const std::vector<FusedLinear>& fused, LinearKind k) {
  for (const auto& f : fused)
    for (LinearKind p : f.parts)
      if (p == k) return &f;
  return nullptr;
}

std::string fused_target_problem(const ArchTensorNames& names, const LinearTargets& targets) {
  for (const auto& f : fused_linears(names)) {
    int n = 0;
    for (LinearKind k : f.parts) n += targets[static_cast<int>(k)] ? 1 : 0;
    if (n != 0 && n != static_cast<int>(f.parts.size()))
      return std::string(names.model_type) + " fuses " + f.module +
             ": quantize all of its parts or none (--targets) to export it";
  }
  return "";
}

namespace {

// Joins, for every block and fused module, the entries named name_of(part) into one entry named
// name_of_fused, with join(list of part tensors).
template <class NameOf, class FusedName, class Join>
void fuse_entries(const ArchTensorNames& names, int64_t blocks, NamedTensors& tensors, NameOf name_of,
                  FusedName fused_name, Join join) {
  const auto fused = fused_linears(names);
  if (fused.empty()) return;
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < tensors.size(); ++i) index[tensors[i].first] = i;
  std::vector<bool> drop(tensors.size(), false);
  NamedTensors added;
  for (int64_t b = 0; b < blocks; ++b)
    for (const auto& f : fused) {
      std::vector<size_t> at;
      for (LinearKind k : f.parts)
        if (const auto it = index.find(name_of(linear_module(names, b, k))); it != index.end()) at.push_back(it->second);
      if (at.size() != f.parts.size()) continue;  // not every part has this entry: leave them as they are
      std::vector<torch::Tensor> parts;
      for (size_t i : at) parts.push_back(tensors[i].second), drop[i] = true;
      added.emplace_back(fused_name(block_prefix(names, b) + f.module), join(parts));
    }
  NamedTensors kept;
  for (size_t i = 0; i < tensors.size(); ++i)
    if (!drop[i]) kept.push_back(std::move(tensors[i]));
  for (auto& a : added) kept.push_back(std::move(a));
  tensors = std::move(kept);
}

}  // namespace

void fuse_suffix(const ArchTensorNames& names, int64_t blocks, const std::string& suffix, const JoinParts& join,
                 NamedTensors& tensors) {
  auto with_suffix = [&](const std::string& m) { return m + suffix; };
  fuse_entries(names, blocks, tensors, with_suffix, with_suffix, join);
}

void fuse_rows(const ArchTensorNames& names, int64_t blocks, const std::string& suffix, NamedTensors& tensors) {
  fuse_suffix(names, blocks, suffix, [](const std::vector<torch::Tensor>& p) { return torch::cat(p, 0).contiguous(); },
              tensors);
}

void fuse_lora(const ArchTensorNames& names, int64_t blocks, NamedTensors& tensors) {
  auto a_name = [](const std::string& m) { return "base_model.model." + m + ".lora_A.weight"; };
  auto b_name = [](const std::string& m) { return "base_model.model." + m + ".lora_B.weight"; };
  fuse_entries(names, blocks, tensors, a_name, a_name,
               [](const std::vector<torch::Tensor>& p) { return torch::cat(p, 0).contiguous(); });
  fuse_entries(names, blocks, tensors, b_name, b_name,
               [](const std::vector<torch::Tensor>& p) { return torch::block_diag(p).contiguous(); });
}

}  // namespace apiq

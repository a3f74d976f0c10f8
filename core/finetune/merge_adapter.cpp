// SPDX-License-Identifier: GPL-3.0-or-later
#include "finetune/merge_adapter.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "base/errors.h"
#include "base/fs_util.h"
#include "base/output_folder.h"
#include "finetune/finetune.h"
#include "io/safetensors.h"
#include "io/tokenizer.h"
#include "quant/packing.h"
#include "quant/quantized_checkpoint.h"

namespace apiq {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

void check_mergeable(const QuantizedCheckpoint& ck) {
  if (!ck.spec.has_adapter())
    throw InputError(ck.dir, "has no finetuned adapter to merge (finetune with --adapter qahira first)");
  const AdapterKind& kind = find_adapter_kind(ck.spec.adapter ? ck.spec.adapter->kind : "lora");
  if (!kind.mergeable())
    throw InputError(ck.dir, std::string("its ") + kind.name() +
                                 " adapter is not constant inside the quantization groups, so it cannot fold into "
                                 "them; only qahira merges (export hf-dequantized to fold any adapter into dense weights)");
  if (!ck.spec.is_int()) throw InputError(ck.dir, "a NormalFloat base has no group zero points to merge into");
}

// z' = z − Δ/s for one linear; the merged weight's largest deviation from Ŵ + ΔW goes to `err`.
torch::Tensor merged_zeros(const QuantLinear& l, const std::string& module, const fs::path& dir, double& err) {
  const PackedLinear& p = *l.packed;
  const torch::Tensor d = l.adapter->group_delta(p.group_size);
  if (!d.defined())
    throw InputError(dir, "adapter of '" + module + "': its input pool is not a multiple of the group size " +
                              std::to_string(p.group_size) + ", so it is not constant inside the groups");
  PackedLinear merged = p;
  merged.zeros = (p.zeros.to(torch::kFloat) - d.to(torch::kCPU) / p.scales.to(torch::kFloat)).contiguous();
  const auto want = dequantize(p, torch::kFloat) + l.adapter->delta().detach().cpu();
  err = std::max(err, (dequantize(merged, torch::kFloat) - want).abs().max().item<double>());
  return merged.zeros;
}

}  // namespace

MergeResult merge_adapter(const fs::path& qdir, const fs::path& out_dir, ProgressObserver* obs,
                          const CancelToken* cancel) {
  OutputFolder out(out_dir);
  const QuantizedCheckpoint ck = QuantizedCheckpoint::open(qdir);
  check_mergeable(ck);
  const auto& names = tensor_names_for(ck.cfg.model_type);
  std::map<std::string, torch::Tensor> replaced;
  MergeResult r;
  for (int64_t b = 0; b < ck.cfg.num_hidden_layers; ++b) {
    checkpoint(cancel);
    const auto qb = load_quantized_block(ck.store, ck.cfg, ck.spec, b, torch::kCPU, /*packed_only=*/true);
    for (LinearKind k : kAllLinears) {
      const QuantLinear& l = qb->at(k);
      if (l.state == QuantLinear::State::Dense) continue;
      const std::string m = linear_module(names, b, k);
      replaced[m + ".zeros"] = merged_zeros(l, m, qdir, r.max_abs_error);
      for (const auto& [suffix, t] : l.adapter->tensors()) replaced[m + "." + suffix] = torch::Tensor();  // dropped
      ++r.linears;
    }
    report(obs, "merge", b + 1, ck.cfg.num_hidden_layers + 1);
  }
  NamedTensors all;
  for (const auto& n : ck.store.names()) {
    const auto it = replaced.find(n);
    if (it == replaced.end()) all.emplace_back(n, ck.store.load(n));
    else if (it->second.defined()) all.emplace_back(n, it->second);
  }
  const fs::path& tmp = out.staging();
  write_safetensors(tmp / "model.safetensors", all, {{"format", "pt"}, {"producer", "apiq-studio"}});
  QuantSpec spec = ck.spec;
  spec.merged_adapter = spec.adapter->kind;
  spec.adapter.reset();
  spec.lora.rank = 0;  // no adapter left beside the base
  json config = ck.cfg.raw;
  config["quantization_config"] = spec.to_json();
  write_file_atomic(tmp / "config.json", config.dump(2) + "\n");
  copy_tokenizer_files(qdir, tmp);
  json rep = read_report_object(qdir);
  rep["merge"] = {{"source", fs::absolute(qdir).string()}, {"adapter", ck.spec.adapter->to_json()},
                  {"linears", r.linears}, {"max_abs_error", r.max_abs_error}};
  write_file_atomic(tmp / "report.json", rep.dump(2) + "\n");
  out.commit();
  report(obs, "merge", ck.cfg.num_hidden_layers + 1, ck.cfg.num_hidden_layers + 1);
  return r;
}

}  // namespace apiq

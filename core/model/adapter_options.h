// SPDX-License-Identifier: GPL-3.0-or-later
// How finetuning sets up its adapters (a plain struct, no LibTorch; the kinds are model/adapter.h's
// table). A checkpoint's quantization_config carries it as "adapter" for kinds other than LoRA.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace apiq {

struct AdapterOptions {
  std::string kind = "lora";  // a name from adapter_table()
  int64_t rank = 0;           // LoRA-equivalent rank r (Q-BaRA trains rank 2r on r's parameters); 0: the base's
  double alpha = 16.0;        // scaling α / r (lora, qbara, blora)
  int64_t in_pool = 0;        // QA-HiRA λ1 along the input; 0: the quantization group size
  int64_t out_pool = 8;       // QA-HiRA λ2 along the output
  bool fit_base = true;       // start from the best approximation of the base's s·B·A in this form; false: from zero
  double gate_lambda = 1e-3;  // Bayesian-LoRA: weight of the expected number of open gates in the loss
  // Bayesian-LoRA: peak learning rate of the gate parameters (log α), following the same schedule.
  // Ours: with AdamW a gate moves about one learning rate per step, so at the adapter's 3e-4 a gate
  // starting at log α 6 could not cross the cut-off (about −0.9) in a finetuning run.
  double gate_lr = 0.05;

  // std::invalid_argument naming the field (no kind, rank < 0, pools < 1, non-finite α or λ); the
  // kind's name is checked against the adapter table where it is used (find_adapter_kind).
  void validate() const;
  nlohmann::json to_json() const;
  static AdapterOptions from_json(const nlohmann::json& j);  // std::invalid_argument naming the field
};

}  // namespace apiq

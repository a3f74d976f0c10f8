// SPDX-License-Identifier: GPL-3.0-or-later
// Subcommands of the `apiq` CLI; each registers its options and callback on the app.
#pragma once
#include <CLI/CLI.hpp>
#include <string>
#include <torch/types.h>

#include "io/config.h"

namespace apiq::cli {

void add_inspect(CLI::App& app);
void add_eval(CLI::App& app);
void add_generate(CLI::App& app);
void add_quantize(CLI::App& app);
void add_compare(CLI::App& app);
void add_export(CLI::App& app);
void add_logits(CLI::App& app);
void add_finetune(CLI::App& app);
void add_merge(CLI::App& app);
void add_eval_gsm8k(CLI::App& app);
void add_bench_finetune(CLI::App& app);
void add_bench(CLI::App& app);
void add_bench_quantize(CLI::App& app);

// Range checks with a short message (CLI11's own print the type's whole range).
CLI::Validator positive_number();      // > 0
CLI::Validator non_negative_number();  // >= 0

// std::invalid_argument when a window of `seq_len` tokens is longer than the model's context.
void check_seq_len(int64_t seq_len, const apiq::LlamaConfig& cfg, const std::string& model_dir);

// "cpu", "cuda", "cuda:N"; a CUDA device without a GPU is an input error.
torch::Device parse_device(const std::string& s);
std::string read_text_file(const std::string& path);

}  // namespace apiq::cli

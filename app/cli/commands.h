// SPDX-License-Identifier: GPL-3.0-or-later
// Subcommands of the `apiq` CLI; each registers its options and callback on the app.
#pragma once
#include <CLI/CLI.hpp>
#include <string>
#include <torch/types.h>

namespace apiq::cli {

void add_inspect(CLI::App& app);
void add_eval(CLI::App& app);
void add_generate(CLI::App& app);
void add_quantize(CLI::App& app);
void add_compare(CLI::App& app);
void add_export(CLI::App& app);
void add_logits(CLI::App& app);
void add_finetune(CLI::App& app);
void add_eval_gsm8k(CLI::App& app);
void add_bench_finetune(CLI::App& app);
void add_bench(CLI::App& app);

// "cpu", "cuda", "cuda:N"; a CUDA device without a GPU is an input error.
torch::Device parse_device(const std::string& s);
std::string read_text_file(const std::string& path);

}  // namespace apiq::cli

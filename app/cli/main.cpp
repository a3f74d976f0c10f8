// SPDX-License-Identifier: GPL-3.0-or-later
// apiq — the command-line face of ApiQ Studio.
#include <csignal>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <torch/cuda.h>
#include <torch/types.h>

#include "calibration/calibration.h"
#include "base/errors.h"
#include "base/fs_util.h"
#include "base/torch_warnings.h"
#include "base/interrupt.h"
#include "commands.h"

namespace apiq::cli {

torch::Device parse_device(const std::string& s) {
  torch::Device d = torch::kCPU;
  try {
    d = torch::Device(s);
  } catch (const std::exception&) {
    throw std::invalid_argument("unknown device '" + s + "' (use cpu or cuda[:N])");
  }
  if (d.is_cuda()) {
    if (!torch::cuda::is_available()) throw std::invalid_argument("--device " + s + ": no CUDA GPU is available");
    if (d.has_index() && d.index() >= static_cast<int>(torch::cuda::device_count()))
      throw std::invalid_argument("--device " + s + ": no such GPU");
  } else if (!d.is_cpu()) {
    throw std::invalid_argument("unsupported device '" + s + "' (use cpu or cuda[:N])");
  }
  return d;
}

namespace {
CLI::Validator number_check(bool allow_zero) {
  return CLI::Validator(
      [allow_zero](std::string& text) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        if (end == text.c_str() || *end != '\0' || !std::isfinite(v)) return "'" + text + "' is not a number";
        if (allow_zero ? v < 0 : v <= 0) return std::string("must be ") + (allow_zero ? "zero or more" : "positive") + ", got " + text;
        return {};
      },
      allow_zero ? "NONNEGATIVE" : "POSITIVE");
}
}  // namespace

CLI::Validator positive_number() { return number_check(false); }
CLI::Validator non_negative_number() { return number_check(true); }

void check_seq_len(int64_t seq_len, const LlamaConfig& cfg, const std::string& model_dir) {
  if (const auto why = cfg.sequence_problem(seq_len); !why.empty())
    throw std::invalid_argument("--seq-len " + std::to_string(seq_len) + " is " + why + " in " + model_dir +
                                "/config.json");
}

std::string read_text_file(const std::string& path) { return read_nonempty_file(path, "text file"); }

}  // namespace apiq::cli

int main(int argc, char** argv) {
  apiq::install_interrupt_handlers();
  apiq::print_torch_warnings_on_this_thread();
  CLI::App app{"apiq — quantize, finetune and evaluate Llama-family models at 2/3/4 bits (ApiQ Studio)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "apiq 0.1.0");
  apiq::cli::add_inspect(app);
  apiq::cli::add_eval(app);
  apiq::cli::add_generate(app);
  apiq::cli::add_quantize(app);
  apiq::cli::add_compare(app);
  apiq::cli::add_export(app);
  apiq::cli::add_logits(app);
  apiq::cli::add_finetune(app);
  apiq::cli::add_merge(app);
  apiq::cli::add_eval_gsm8k(app);
  apiq::cli::add_bench_finetune(app);
  apiq::cli::add_bench(app);
  apiq::cli::add_bench_quantize(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "apiq: error: %s (see --help)\n", e.what());
    return 2;
  } catch (const apiq::InputError& e) {
    std::fprintf(stderr, "apiq: error: %s\n", e.what());
    return 2;
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "apiq: error: %s\n", e.what());
    return 2;
  } catch (const apiq::NonFiniteLossError& e) {
    std::fprintf(stderr, "apiq: error: %s (the last complete block is kept in the .partial folder)\n", e.what());
    return 1;
  } catch (const apiq::CancelledError&) {
    const int sig = apiq::interrupt_signal();
    std::fprintf(stderr, "apiq: %s\n", sig ? "stopped by a signal; nothing half-written was left" : "cancelled");
    return 128 + (sig ? sig : SIGINT);
  } catch (const c10::OutOfMemoryError& e) {
    std::fprintf(stderr, "apiq: error: out of device memory (try --dtype bf16, a smaller --seq-len, or --device cpu)\n");
    return 1;
  } catch (const c10::Error& e) {
    std::fprintf(stderr, "apiq: error: %s\n", e.what_without_backtrace());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "apiq: error: %s\n", e.what());
    return 1;
  }
  return 0;
}

// SPDX-License-Identifier: GPL-3.0-or-later
// apiq — the command-line face of ApiQ Studio.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <torch/torch.h>

#include "apiq/calibration.h"
#include "apiq/errors.h"
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

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open the text file");
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  if (s.empty()) throw InputError(path, "the text file is empty");
  return s;
}

}  // namespace apiq::cli

int main(int argc, char** argv) {
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
  apiq::cli::add_eval_gsm8k(app);
  apiq::cli::add_bench_finetune(app);
  apiq::cli::add_bench(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
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
    std::fprintf(stderr, "apiq: cancelled\n");
    return 130;
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

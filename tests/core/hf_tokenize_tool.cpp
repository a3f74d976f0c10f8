// SPDX-License-Identifier: GPL-3.0-or-later
// Command-line driver of HfTokenizer for tests/python/verify_hf_tokenizer.py (no LibTorch).
//   hf_tokenize_tool encode TOKENIZER_JSON TEXT_FILE [--special] [--stored-limits]  ids, one line
//   hf_tokenize_tool decode TOKENIZER_JSON IDS_FILE [--skip-special]                 the text
//   hf_tokenize_tool bench TOKENIZER_JSON TEXT_FILE [--lines] [--repeat N]           seconds, MB/s
//   hf_tokenize_tool batch TOKENIZER_JSON TEXTS_JSONL   per line {"plain","special","stored","decoded","decoded_skip"}
//   hf_tokenize_tool info TOKENIZER_JSON                bos/eos/unk ids, vocab size, adds_bos/eos
// An InputError prints "error: <what>" and exits 2.
#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "base/errors.h"
#include "io/hf_tokenizer.h"

using apiq::HfTokenizer;
using apiq::InputError;

namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw InputError(p, "cannot be read");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool has_flag(int argc, char** argv, const char* flag) {
  for (int i = 4; i < argc; ++i)
    if (std::string(argv[i]) == flag) return true;
  return false;
}

std::vector<int64_t> encode_file(const HfTokenizer& tok, const std::filesystem::path& file, bool special, bool stored) {
  const std::string text = read_file(file);
  try {
    return stored ? tok.encode_with_stored_limits(text, special) : tok.encode(text, special);
  } catch (const std::invalid_argument& e) {
    throw InputError(file, e.what());
  }
}

int run_encode(const HfTokenizer& tok, int argc, char** argv) {
  const auto ids = encode_file(tok, argv[3], has_flag(argc, argv, "--special"), has_flag(argc, argv, "--stored-limits"));
  std::string line;
  for (size_t i = 0; i < ids.size(); ++i) line += (i ? " " : "") + std::to_string(ids[i]);
  std::cout << line << "\n";
  return 0;
}

int run_decode(const HfTokenizer& tok, int argc, char** argv) {
  std::istringstream in(read_file(argv[3]));
  std::vector<int64_t> ids;
  for (std::string word; in >> word;) {
    try {
      ids.push_back(std::stoll(word));
    } catch (const std::exception&) {
      throw InputError(argv[3], "'" + word + "' is not a token id");
    }
  }
  std::cout << tok.decode(ids, has_flag(argc, argv, "--skip-special"));
  return 0;
}

int run_bench(const HfTokenizer& tok, int argc, char** argv) {
  const std::string text = read_file(argv[3]);
  int repeat = 3;
  for (int i = 4; i + 1 < argc; ++i)
    if (std::string(argv[i]) == "--repeat") repeat = std::max(1, std::stoi(argv[i + 1]));
  const bool lines = has_flag(argc, argv, "--lines");
  std::vector<std::string> parts;
  if (lines) {
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) parts.push_back(l);
  }
  const double mb = static_cast<double>(text.size()) / 1e6;
  for (int r = 0; r < repeat; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    size_t n = 0;
    if (lines) {
      for (const std::string& l : parts) n += tok.encode(l).size();
    } else {
      n = tok.encode(text).size();
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << "run " << r << (r == 0 ? " (cold cache)" : "") << ": seconds " << s << " MB/s " << mb / s
              << " tokens " << n << "\n";
  }
  return 0;
}

int run_batch(const HfTokenizer& tok, char** argv) {
  std::istringstream in(read_file(argv[3]));
  size_t line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (line.empty()) continue;
    std::string text;
    try {
      text = nlohmann::json::parse(line).get<std::string>();
    } catch (const nlohmann::json::exception&) {
      throw InputError(argv[3], "line " + std::to_string(line_no) + " is not a JSON string");
    }
    nlohmann::json out;
    try {
      const auto plain = tok.encode(text, false);
      out["plain"] = plain;
      out["special"] = tok.encode(text, true);
      out["stored"] = tok.encode_with_stored_limits(text, true);
      out["decoded"] = tok.decode(plain, false);
      out["decoded_skip"] = tok.decode(tok.encode(text, true), true);
    } catch (const std::invalid_argument& e) {
      throw InputError(argv[3], "line " + std::to_string(line_no) + ": " + e.what());
    }
    std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  return 0;
}

int run_info(const HfTokenizer& tok) {
  nlohmann::json out;
  out["bos"] = tok.bos_id();
  out["eos"] = tok.eos_id();
  out["unk"] = tok.unk_id();
  out["vocab_size"] = tok.vocab_size();
  out["adds_bos"] = tok.adds_bos();
  out["adds_eos"] = tok.adds_eos();
  std::vector<std::string> pieces;
  for (int64_t id = 0; id < tok.vocab_size(); ++id) {
    try {
      pieces.push_back(tok.piece(id));
    } catch (const std::out_of_range&) {
      pieces.push_back("");
    }
  }
  out["pieces"] = pieces;
  std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  const bool needs_file = mode == "encode" || mode == "decode" || mode == "bench" || mode == "batch";
  if ((needs_file && argc < 4) || (!needs_file && (mode != "info" || argc < 3))) {
    std::cerr << "error: usage: hf_tokenize_tool encode|decode|bench|batch TOKENIZER_JSON FILE [options]"
                 " | info TOKENIZER_JSON\n";
    return 2;
  }
  try {
    const HfTokenizer tok = HfTokenizer::load(argv[2]);
    if (mode == "encode") return run_encode(tok, argc, argv);
    if (mode == "decode") return run_decode(tok, argc, argv);
    if (mode == "bench") return run_bench(tok, argc, argv);
    if (mode == "batch") return run_batch(tok, argv);
    return run_info(tok);
  } catch (const InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
}

// SPDX-License-Identifier: GPL-3.0-or-later
// Command-line driver of ChatTemplate for tests/python/verify_chat_template.py (no LibTorch, no Qt).
//   chat_template_tool TEMPLATE_FILE CONTEXT_JSON_FILE   prints the rendering, nothing added
//   chat_template_tool --config TOKENIZER_CONFIG_JSON CONTEXT_JSON_FILE   the config's chat_template
// An InputError prints "error: <what>" and exits 2.
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/errors.h"
#include "io/chat_template.h"

namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw apiq::InputError(p, "cannot be read");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int run(int argc, char** argv) {
  const bool from_config = argc == 4 && std::string(argv[1]) == "--config";
  if (argc != 3 && !from_config) {
    std::cerr << "usage: chat_template_tool TEMPLATE_FILE CONTEXT_JSON_FILE\n"
                 "       chat_template_tool --config TOKENIZER_CONFIG_JSON CONTEXT_JSON_FILE\n";
    return 1;
  }
  const std::filesystem::path context_path = argv[from_config ? 3 : 2];
  nlohmann::ordered_json context;
  try {
    context = nlohmann::ordered_json::parse(read_file(context_path));
  } catch (const nlohmann::json::exception& e) {
    throw apiq::InputError(context_path, std::string("not valid JSON: ") + e.what());
  }
  const apiq::ChatTemplate t = from_config ? apiq::load_chat_template(argv[2])
                                           : apiq::ChatTemplate::parse(read_file(argv[1]), argv[1]);
  const std::string out = t.render(context);
  std::cout.write(out.data(), std::streamsize(out.size()));
  std::cout.flush();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const apiq::InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
}

// SPDX-License-Identifier: GPL-3.0-or-later
#include "finetune/chat_data.h"

#include <sstream>

#include "base/errors.h"
#include "base/fs_util.h"

namespace apiq {
namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

namespace {

void check_messages(const ojson& m, const fs::path& path, const std::string& where) {
  if (!m.is_array() || m.empty()) throw InputError(path, where + "\"messages\" must be a non-empty array");
  bool assistant = false;
  for (const auto& msg : m) {
    if (!msg.is_object() || !msg.contains("role") || !msg["role"].is_string() || !msg.contains("content") ||
        !msg["content"].is_string())
      throw InputError(path, where + "each message needs string fields \"role\" and \"content\"");
    assistant = assistant || msg["role"] == "assistant";
  }
  if (!assistant) throw InputError(path, where + "the conversation has no assistant turn to learn from");
}

// A special-token entry of tokenizer_config.json: a string or an AddedToken object {"content": ...}.
std::string token_text(const ojson& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_object() && j.contains("content") && j["content"].is_string()) return j["content"].get<std::string>();
  return "";
}

}  // namespace

std::vector<ChatRow> read_chat_jsonl(const fs::path& path) {
  std::istringstream in(read_nonempty_file(path, "data file"));
  std::vector<ChatRow> rows;
  std::string line;
  int64_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const auto j = ojson::parse(line, nullptr, /*allow_exceptions=*/false);
    const std::string where = "line " + std::to_string(n) + ": ";
    if (j.is_discarded()) throw InputError(path, where + "not valid JSON");
    if (!j.is_object() || !j.contains("messages")) throw InputError(path, where + "expected an object with \"messages\"");
    check_messages(j["messages"], path, where);
    rows.push_back({j["messages"], n});
  }
  if (rows.empty()) throw InputError(path, "no conversations");
  return rows;
}

ChatFormat ChatFormat::for_tokenizer(const Tokenizer& tok) {
  const fs::path cfg = tok.path().parent_path() / "tokenizer_config.json";
  ChatFormat f{load_chat_template(cfg), ojson::object()};
  const ojson j = ojson::parse(read_nonempty_file(cfg, "tokenizer config"), nullptr, false);
  for (const char* key : {"bos_token", "eos_token", "unk_token", "pad_token"})
    if (j.is_object() && j.contains(key)) f.variables[key] = token_text(j[key]);
  return f;
}

SftExample encode_chat(const Tokenizer& tok, const ChatFormat& fmt, const ChatRow& row, int64_t max_len,
                       const fs::path& origin) {
  auto render = [&](size_t turns, bool generation_prompt) {
    ojson ctx = fmt.variables;
    ctx["messages"] = ojson(row.messages.begin(), row.messages.begin() + static_cast<std::ptrdiff_t>(turns));
    ctx["add_generation_prompt"] = generation_prompt;
    return fmt.tpl.render(ctx);
  };
  const std::string where = "line " + std::to_string(row.line) + ": ";
  const std::string full = render(row.messages.size(), false);
  // The rendering is tokenized once, as transformers does; a character position maps to the
  // tokens that its prefix encodes to (a token straddling it goes to what follows).
  SftExample e;
  e.ids = tok.encode(full);
  e.labels.assign(e.ids.size(), kIgnoreIndex);
  auto tokens_before = [&](size_t chars) {
    const auto p = tok.encode(full.substr(0, chars));
    size_t k = 0;
    while (k < p.size() && k < e.ids.size() && p[k] == e.ids[k]) ++k;
    return k;
  };
  // What the template writes after the last message when no generation prompt follows (Phi-3: the
  // EOS); a turn rendered as the last one ends with it, so it is not part of the turn.
  std::string closing;
  try {
    closing = render(0, false);
  } catch (const InputError&) {  // templates that need at least one message
  }
  auto turn_end = [&](const std::string& upto) -> size_t {
    const size_t n = upto.size() - std::min(upto.size(), closing.size());
    if (!closing.empty() && upto.compare(n, std::string::npos, closing) == 0 && full.compare(0, n, upto, 0, n) == 0)
      return n;
    return full.compare(0, upto.size(), upto) == 0 ? upto.size() : std::string::npos;
  };
  size_t done = 0;  // end of the previous assistant turn in `full`
  for (size_t i = 0; i < row.messages.size(); ++i) {
    if (row.messages[i]["role"] != "assistant") continue;
    const std::string before = render(i, true);
    const size_t end = turn_end(render(i + 1, false));
    if (full.compare(0, before.size(), before) != 0 || end == std::string::npos || end < before.size() ||
        before.size() < done)
      throw InputError(origin, where + "the chat template does not render this conversation turn by turn, so its "
                                       "assistant turns cannot be located");
    for (size_t t = tokens_before(before.size()), stop = tokens_before(end); t < stop; ++t) e.labels[t] = e.ids[t];
    done = end;
  }
  if (max_len > 0 && static_cast<int64_t>(e.ids.size()) > max_len) {
    e.ids.resize(static_cast<size_t>(max_len));
    e.labels.resize(static_cast<size_t>(max_len));
  }
  return e;
}

}  // namespace apiq

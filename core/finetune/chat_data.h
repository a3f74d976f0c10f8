// SPDX-License-Identifier: GPL-3.0-or-later
// Chat finetuning data: conversations rendered with the model's own chat_template
// (tokenizer_config.json), the loss on the assistant turns only.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "finetune/sft_data.h"
#include "io/chat_template.h"
#include "io/tokenizer.h"

namespace apiq {

// One conversation; `line` is its 1-based line in the jsonl file.
struct ChatRow {
  nlohmann::ordered_json messages;  // [{"role": ..., "content": ...}, ...]
  int64_t line = 0;
};

// {"messages": [{"role": "system"|"user"|"assistant", "content": "..."}, ...]} per line; blank lines
// skipped. InputError naming the file and line for anything else, and for a conversation without an
// assistant turn.
std::vector<ChatRow> read_chat_jsonl(const std::filesystem::path& path);

// The model's template and the variables it reads besides the messages (bos_token, eos_token).
struct ChatFormat {
  ChatTemplate tpl;
  nlohmann::ordered_json variables;
  // tokenizer_config.json beside the tokenizer; InputError when it has no chat_template.
  static ChatFormat for_tokenizer(const Tokenizer& tok);
};

// The conversation rendered and tokenized; labels keep the tokens of each assistant turn, as the
// template renders it (its end-of-turn marker included), and mask the rest. A turn's text is what
// rendering the conversation up to that turn adds to rendering the turns before it with
// add_generation_prompt, less what the template writes after a last message (Phi-3's EOS); a
// template for which these are not prefixes of the whole rendering is refused (InputError). The
// whole rendering is tokenized at once (as transformers does). Cut to `max_len` tokens when longer.
SftExample encode_chat(const Tokenizer& tok, const ChatFormat& fmt, const ChatRow& row, int64_t max_len,
                       const std::filesystem::path& origin);

}  // namespace apiq

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A renderer for the Jinja subset that Hugging Face chat templates use (the `chat_template` of
// tokenizer_config.json), matching jinja2 as transformers configures it: trim_blocks, lstrip_blocks,
// loop controls, `{% generation %}`, tojson without HTML escaping, raise_exception, strftime_now.
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace apiq {

namespace chat_template_detail {
struct Program;
}

class ChatTemplate {
 public:
  // Parses a template; `origin` (e.g. ".../tokenizer_config.json") names it in errors. Unsupported or
  // malformed syntax → InputError(origin, "chat_template: unsupported <what> at line L col C") or
  // "chat_template: syntax error: <what> at line L col C".
  static ChatTemplate parse(const std::string& source, const std::filesystem::path& origin);

  // Renders with the variables of `context` (a JSON object: messages, bos_token, eos_token,
  // add_generation_prompt, tools, ...). raise_exception('msg') → InputError(origin, "chat_template raised: msg");
  // other failures (e.g. an attribute of an undefined value) → InputError(origin, "chat_template: ... at line L").
  // Prefer the ordered_json overload: object key order shows in tojson and items(), as in Python.
  std::string render(const nlohmann::ordered_json& context) const;
  std::string render(const nlohmann::json& context) const;

  const std::string& source() const;
  const std::filesystem::path& origin() const;

 private:
  std::shared_ptr<const chat_template_detail::Program> program_;
};

// The chat_template of a tokenizer_config.json (a string, or the list-of-{name, template} form, whose
// "default" entry is taken); InputError when there is none.
ChatTemplate load_chat_template(const std::filesystem::path& tokenizer_config_json);

}  // namespace apiq

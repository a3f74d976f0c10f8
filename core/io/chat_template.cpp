// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/chat_template.h"

#include <fstream>
#include <sstream>

#include "base/errors.h"
#include "io/chat_template_internal.h"

namespace apiq {

namespace ct = chat_template_detail;

ChatTemplate ChatTemplate::parse(const std::string& source, const std::filesystem::path& origin) {
  auto program = std::make_shared<ct::Program>();
  program->source = source;
  program->origin = origin;
  const std::string normalized = ct::normalize_source(source);
  try {
    const std::vector<ct::Token> tokens = ct::tokenize(normalized, program->map);
    program->body = ct::parse_tokens(tokens, program->map);
  } catch (const ct::SyntaxError& e) {
    const auto [line, col] = program->map.where(e.pos);
    throw InputError(origin, std::string("chat_template: ") + (e.unsupported ? "unsupported " : "syntax error: ") +
                                 e.what() + " at line " + std::to_string(line) + " col " + std::to_string(col));
  }
  ChatTemplate t;
  t.program_ = std::move(program);
  return t;
}

namespace {

template <class Json>
std::string render_program(const ct::Program& program, const Json& context) {
  const std::filesystem::path& origin = program.origin;
  if (!context.is_object()) throw InputError(origin, "chat_template: the render context must be a JSON object");
  try {
    const ct::Value ctx = ct::from_json(context);
    ct::Interpreter interp(program);
    return interp.run(ctx);
  } catch (const ct::RaisedError& e) {
    throw InputError(origin, std::string("chat_template raised: ") + e.what());
  } catch (const ct::RenderError& e) {
    throw InputError(origin, std::string("chat_template: ") + e.what() +
                                 (e.line > 0 ? " at line " + std::to_string(e.line) : std::string()));
  } catch (const std::exception& e) {  // e.g. out of memory: still one line naming the template
    throw InputError(origin, std::string("chat_template: rendering failed: ") + e.what());
  }
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot be read");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::string ChatTemplate::render(const nlohmann::ordered_json& context) const { return render_program(*program_, context); }
std::string ChatTemplate::render(const nlohmann::json& context) const { return render_program(*program_, context); }
const std::string& ChatTemplate::source() const { return program_->source; }
const std::filesystem::path& ChatTemplate::origin() const { return program_->origin; }

ChatTemplate load_chat_template(const std::filesystem::path& tokenizer_config_json) {
  // As in transformers, a chat_template.jinja beside the config takes priority over its entry.
  const std::filesystem::path jinja = tokenizer_config_json.parent_path() / "chat_template.jinja";
  std::error_code ec;
  if (std::filesystem::is_regular_file(jinja, ec)) return ChatTemplate::parse(read_text(jinja), jinja);

  nlohmann::ordered_json config;
  try {
    config = nlohmann::ordered_json::parse(read_text(tokenizer_config_json));
  } catch (const nlohmann::json::exception& e) {
    throw InputError(tokenizer_config_json, std::string("not valid JSON: ") + e.what());
  }
  if (!config.is_object() || !config.contains("chat_template") || config["chat_template"].is_null())
    throw InputError(tokenizer_config_json, "has no chat_template");
  const auto& entry = config["chat_template"];
  if (entry.is_string()) return ChatTemplate::parse(entry.get<std::string>(), tokenizer_config_json);
  if (entry.is_array()) {
    for (const auto& named : entry)
      if (named.is_object() && named.value("name", "") == "default" && named.contains("template") &&
          named["template"].is_string())
        return ChatTemplate::parse(named["template"].get<std::string>(), tokenizer_config_json);
    throw InputError(tokenizer_config_json, "chat_template: the list of templates has no \"default\" entry");
  }
  throw InputError(tokenizer_config_json, "chat_template: expected a string or a list of {name, template}");
}

}  // namespace apiq

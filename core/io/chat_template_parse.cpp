// SPDX-License-Identifier: GPL-3.0-or-later
// Statements of the chat-template parser (if / for / set / macro / break / continue / generation).
// jinja2's other tags are refused here with their position, rather than misrendered later.
#include "io/chat_template_parser.h"

namespace apiq::chat_template_detail {

namespace {

constexpr const char* kUnsupportedTags[] = {"filter", "call", "with", "include", "import", "from", "extends",
                                            "block", "autoescape", "do", "trans", "pluralize"};

}  // namespace

Body Parser::parse_template() {
  std::string which;
  return subparse({}, which);
}

std::string Parser::describe() const {
  switch (cur().type) {
    case Tok::Eof: return "end of template";
    case Tok::BlockEnd: return "end of statement block";
    case Tok::VarEnd: return "end of print statement";
    case Tok::Data: return "template data";
    case Tok::String: return "string";
    case Tok::Int:
    case Tok::Float: return "number";
    default: return "'" + cur().text + "'";
  }
}

void Parser::expect(Tok type, const char* what) {
  if (cur().type != type) syntax(std::string("expected ") + what + ", got " + describe());
  ++i_;
}

void Parser::expect_op(const char* op) {
  if (!is_op(op)) syntax(std::string("expected '") + op + "', got " + describe());
  ++i_;
}

std::string Parser::expect_name() {
  if (cur().type != Tok::Name) syntax("expected a name, got " + describe());
  return t_[i_++].text;
}

ExprPtr Parser::node(ExprKind kind, int at_line) {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->line = at_line;
  return e;
}

ExprPtr Parser::node1(ExprKind kind, ExprPtr a, int at_line) {
  auto e = node(kind, at_line);
  e->args.push_back(std::move(a));
  return e;
}

ExprPtr Parser::node2(ExprKind kind, ExprPtr a, ExprPtr b, int at_line, std::string name) {
  auto e = node1(kind, std::move(a), at_line);
  e->args.push_back(std::move(b));
  e->name = std::move(name);
  return e;
}

// Parses until a block tag named in `ends`; leaves the position on that name and sets `which`.
Body Parser::subparse(std::initializer_list<const char*> ends, std::string& which) {
  Body body;
  while (true) {
    if (cur().type == Tok::Eof) {
      if (ends.size() == 0) return body;
      std::string names;
      for (const char* e : ends) names += std::string(names.empty() ? "'" : " or '") + e + "'";
      syntax("unexpected end of template, expected " + names);
    }
    if (cur().type == Tok::Data) {
      auto s = stmt(StmtKind::Text);
      s->text = t_[i_++].text;
      body.push_back(std::move(s));
    } else if (cur().type == Tok::VarBegin) {
      auto s = stmt(StmtKind::Print);
      ++i_;
      s->expr = parse_tuple(false, true, nullptr, false);
      expect(Tok::VarEnd, "end of print statement");
      body.push_back(std::move(s));
    } else {
      ++i_;  // BlockBegin
      if (cur().type == Tok::Name &&
          std::any_of(ends.begin(), ends.end(), [&](const char* e) { return cur().text == e; })) {
        which = cur().text;
        return body;
      }
      body.push_back(statement());
    }
  }
}

StmtPtr Parser::stmt(StmtKind kind) {
  auto s = std::make_unique<Stmt>();
  s->kind = kind;
  s->line = line();
  return s;
}

StmtPtr Parser::statement() {
  if (cur().type != Tok::Name) syntax("expected a tag name, got " + describe());
  const std::string name = cur().text;
  if (name == "for") return parse_for();
  if (name == "if") return parse_if();
  if (name == "set") return parse_set();
  if (name == "macro") return parse_macro();
  if (name == "generation") return parse_generation();
  if (name == "break" || name == "continue") {
    if (loop_depth_ == 0) syntax("'" + name + "' outside of a loop");
    auto s = stmt(name == "break" ? StmtKind::Break : StmtKind::Continue);
    ++i_;
    end_of_tag();
    return s;
  }
  for (const char* u : kUnsupportedTags)
    if (name == u) unsupported("tag '{% " + name + " %}'");
  syntax("unknown tag '" + name + "'");
}

// After the tag name that closes a block: its end of tag.
void Parser::close_block() {
  ++i_;
  end_of_tag();
}

StmtPtr Parser::parse_for() {
  auto s = stmt(StmtKind::For);
  ++i_;
  s->target = parse_assign_target(false, "in");
  if (!is_name("in")) syntax("expected 'in', got " + describe());
  ++i_;
  s->expr = parse_tuple(false, false, "recursive", false);
  if (is_name("if")) {
    ++i_;
    s->cond = parse_expression(true);
  }
  if (is_name("recursive")) unsupported("recursive for loop");
  end_of_tag();
  std::string which;
  ++loop_depth_;
  s->body = subparse({"endfor", "else"}, which);
  --loop_depth_;
  if (which == "else") {
    close_block();
    s->else_body = subparse({"endfor"}, which);
  }
  close_block();
  return s;
}

StmtPtr Parser::parse_if() {
  auto s = stmt(StmtKind::If);
  std::string which = "if";
  while (which == "if" || which == "elif") {
    ++i_;
    ExprPtr cond = parse_tuple(false, false, nullptr, false);
    end_of_tag();
    Body body = subparse({"elif", "else", "endif"}, which);
    s->branches.emplace_back(std::move(cond), std::move(body));
  }
  if (which == "else") {
    close_block();
    s->else_body = subparse({"endif"}, which);
  }
  close_block();
  return s;
}

StmtPtr Parser::parse_set() {
  auto s = stmt(StmtKind::Set);
  ++i_;
  s->target = parse_assign_target(true, nullptr);
  if (is_op("=")) {
    ++i_;
    s->expr = parse_tuple(false, true, nullptr, false);
    end_of_tag();
    return s;
  }
  s->kind = StmtKind::SetBlock;
  if (is_op("|")) s->expr = parse_filter(nullptr);
  end_of_tag();
  std::string which;
  s->body = subparse({"endset"}, which);
  close_block();
  return s;
}

StmtPtr Parser::parse_macro() {
  auto s = stmt(StmtKind::Macro);
  ++i_;
  s->text = expect_name();
  expect_op("(");
  while (!is_op(")")) {
    if (!s->params.empty()) expect_op(",");
    if (is_op(")")) break;
    s->params.push_back(expect_name());
    if (is_op("=")) {
      ++i_;
      s->defaults.push_back(parse_expression(true));
    } else {
      if (!s->defaults.empty() && s->defaults.back()) syntax("non-default argument follows default argument");
      s->defaults.push_back(nullptr);
    }
  }
  ++i_;
  end_of_tag();
  const int outer_depth = loop_depth_;
  loop_depth_ = 0;
  std::string which;
  s->body = subparse({"endmacro"}, which);
  loop_depth_ = outer_depth;
  close_block();
  return s;
}

StmtPtr Parser::parse_generation() {
  auto s = stmt(StmtKind::Generation);
  ++i_;
  end_of_tag();
  std::string which;
  s->body = subparse({"endgeneration"}, which);
  close_block();
  return s;
}

Target Parser::parse_target_primary() {
  if (is_op("(")) {
    ++i_;
    Target t = parse_target_tuple(nullptr, true);
    expect_op(")");
    return t;
  }
  Target t;
  t.name = expect_name();
  static const char* constants[] = {"true", "false", "none", "True", "False", "None"};
  for (const char* c : constants)
    if (t.name == c) syntax("can't assign to constant '" + t.name + "'");
  return t;
}

Target Parser::parse_target_tuple(const char* extra_end, bool parenthesized) {
  Target tuple;
  tuple.is_tuple = true;
  while (true) {
    if (!tuple.items.empty()) expect_op(",");
    if (is_tuple_end(extra_end)) break;
    tuple.items.push_back(parse_target_primary());
    if (!is_op(",")) break;
  }
  const bool had_comma = i_ > 0 && t_[i_ - 1].type == Tok::Op && t_[i_ - 1].text == ",";
  if (tuple.items.size() == 1 && !had_comma) return std::move(tuple.items[0]);
  if (tuple.items.empty() && !parenthesized) syntax("expected an assignment target, got " + describe());
  return tuple;
}

Target Parser::parse_assign_target(bool with_namespace, const char* extra_end) {
  if (with_namespace && cur().type == Tok::Name && peek().type == Tok::Op && peek().text == ".") {
    Target t;
    t.name = expect_name();
    ++i_;
    t.attr = expect_name();
    return t;
  }
  return parse_target_tuple(extra_end, false);
}

Body parse_tokens(const std::vector<Token>& tokens, const SourceMap& map) {
  return Parser(tokens, map).parse_template();
}

}  // namespace apiq::chat_template_detail

// SPDX-License-Identifier: GPL-3.0-or-later
// Expressions of the chat-template parser, with jinja2's grammar: parse_tuple > conditional > or > and >
// not > comparisons > + - > ~ > * / // % > ** > unary; filters, tests and calls bind to the operand
// before any binary operator.
#include "io/chat_template_parser.h"

namespace apiq::chat_template_detail {

bool Parser::is_tuple_end(const char* extra_end) const {
  return cur().type == Tok::VarEnd || cur().type == Tok::BlockEnd || is_op(")") ||
         (extra_end && is_name(extra_end));
}

ExprPtr Parser::parse_tuple(bool simplified, bool with_condexpr, const char* extra_end, bool explicit_parens) {
  const int at = line();
  std::vector<ExprPtr> items;
  bool is_tuple = false;
  while (true) {
    if (!items.empty()) expect_op(",");
    if (is_tuple_end(extra_end)) break;
    items.push_back(simplified ? parse_primary() : parse_expression(with_condexpr));
    if (!is_op(",")) break;
    is_tuple = true;
  }
  if (!is_tuple) {
    if (!items.empty()) return std::move(items[0]);
    if (!explicit_parens) syntax("expected an expression, got " + describe());
  }
  auto e = node(ExprKind::TupleLit, at);
  e->args = std::move(items);
  return e;
}

ExprPtr Parser::parse_condexpr() {
  ExprPtr e = parse_or();
  while (is_name("if")) {
    const int at = line();
    ++i_;
    ExprPtr test = parse_or();
    ExprPtr otherwise;
    if (is_name("else")) {
      ++i_;
      otherwise = parse_condexpr();
    }
    auto c = node(ExprKind::Cond, at);
    c->args.push_back(std::move(test));
    c->args.push_back(std::move(e));
    c->args.push_back(std::move(otherwise));
    e = std::move(c);
  }
  return e;
}

ExprPtr Parser::parse_or() {
  ExprPtr e = parse_and();
  while (is_name("or")) {
    const int at = line();
    ++i_;
    e = node2(ExprKind::Or, std::move(e), parse_and(), at);
  }
  return e;
}

ExprPtr Parser::parse_and() {
  ExprPtr e = parse_not();
  while (is_name("and")) {
    const int at = line();
    ++i_;
    e = node2(ExprKind::And, std::move(e), parse_not(), at);
  }
  return e;
}

ExprPtr Parser::parse_not() {
  if (is_name("not")) {
    const int at = line();
    ++i_;
    return node1(ExprKind::Not, parse_not(), at);
  }
  return parse_compare();
}

ExprPtr Parser::parse_compare() {
  const int at = line();
  ExprPtr first = parse_math1();
  auto e = node1(ExprKind::Compare, std::move(first), at);
  static const char* ops[] = {"==", "!=", "<", "<=", ">", ">="};
  while (true) {
    std::string op;
    for (const char* o : ops)
      if (is_op(o)) op = o;
    if (!op.empty()) {
      ++i_;
    } else if (is_name("in")) {
      op = "in";
      ++i_;
    } else if (is_name("not") && peek().type == Tok::Name && peek().text == "in") {
      op = "not in";
      i_ += 2;
    } else {
      break;
    }
    e->ops.push_back(op);
    e->args.push_back(parse_math1());
  }
  if (e->ops.empty()) return std::move(e->args[0]);
  return e;
}

ExprPtr Parser::parse_math1() {
  ExprPtr e = parse_concat();
  while (is_op("+") || is_op("-")) {
    const int at = line();
    const std::string op = t_[i_++].text;
    e = node2(ExprKind::Binary, std::move(e), parse_concat(), at, op);
  }
  return e;
}

ExprPtr Parser::parse_concat() {
  const int at = line();
  ExprPtr first = parse_math2();
  if (!is_op("~")) return first;
  auto e = node1(ExprKind::Concat, std::move(first), at);
  while (is_op("~")) {
    ++i_;
    e->args.push_back(parse_math2());
  }
  return e;
}

ExprPtr Parser::parse_math2() {
  ExprPtr e = parse_pow();
  while (is_op("*") || is_op("/") || is_op("//") || is_op("%")) {
    const int at = line();
    const std::string op = t_[i_++].text;
    e = node2(ExprKind::Binary, std::move(e), parse_pow(), at, op);
  }
  return e;
}

ExprPtr Parser::parse_pow() {
  ExprPtr e = parse_unary(true);
  while (is_op("**")) {
    const int at = line();
    ++i_;
    e = node2(ExprKind::Binary, std::move(e), parse_unary(true), at, "**");
  }
  return e;
}

ExprPtr Parser::parse_unary(bool with_filter) {
  const int at = line();
  ExprPtr e;
  if (is_op("-") || is_op("+")) {
    const bool minus = is_op("-");
    ++i_;
    e = node1(minus ? ExprKind::Neg : ExprKind::Pos, parse_unary(false), at);
  } else {
    e = parse_primary();
  }
  e = parse_postfix(std::move(e));
  return with_filter ? parse_filter_expr(std::move(e)) : std::move(e);
}

ExprPtr Parser::constant(Value v, int at) {
  auto e = node(ExprKind::Const, at);
  e->value = std::move(v);
  return e;
}

ExprPtr Parser::parse_primary() {
  const int at = line();
  const Token& t = cur();
  switch (t.type) {
    case Tok::Name: {
      ++i_;
      if (t.text == "true" || t.text == "True") return constant(Value::boolean(true), at);
      if (t.text == "false" || t.text == "False") return constant(Value::boolean(false), at);
      if (t.text == "none" || t.text == "None") return constant(Value::none(), at);
      auto e = node(ExprKind::Name, at);
      e->name = t.text;
      return e;
    }
    case Tok::String: {
      std::string s;
      while (cur().type == Tok::String) s += t_[i_++].text;  // adjacent literals concatenate
      return constant(Value::str(std::move(s)), at);
    }
    case Tok::Int: ++i_; return constant(Value::integer(t.integer), at);
    case Tok::Float: ++i_; return constant(Value::real(t.real), at);
    default: break;
  }
  if (is_op("(")) {
    ++i_;
    ExprPtr e = parse_tuple(false, true, nullptr, true);
    expect_op(")");
    return e;
  }
  if (is_op("[")) return parse_list();
  if (is_op("{")) return parse_dict();
  syntax("unexpected " + describe());
}

ExprPtr Parser::parse_list() {
  auto e = node(ExprKind::ListLit, line());
  ++i_;
  while (!is_op("]")) {
    if (!e->args.empty()) expect_op(",");
    if (is_op("]")) break;
    e->args.push_back(parse_expression(true));
  }
  ++i_;
  return e;
}

ExprPtr Parser::parse_dict() {
  auto e = node(ExprKind::DictLit, line());
  ++i_;
  while (!is_op("}")) {
    if (!e->args.empty()) expect_op(",");
    if (is_op("}")) break;
    e->args.push_back(parse_expression(true));
    expect_op(":");
    e->args.push_back(parse_expression(true));
  }
  ++i_;
  return e;
}

ExprPtr Parser::parse_postfix(ExprPtr e) {
  while (true) {
    if (is_op(".") || is_op("[")) e = parse_subscript(std::move(e));
    else if (is_op("(")) e = parse_call(std::move(e));
    else return e;
  }
}

ExprPtr Parser::parse_filter_expr(ExprPtr e) {
  while (true) {
    if (is_op("|")) e = parse_filter(std::move(e));
    else if (is_name("is")) e = parse_test(std::move(e));
    else if (is_op("(")) e = parse_call(std::move(e));
    else return e;
  }
}

ExprPtr Parser::parse_subscript(ExprPtr obj) {
  const int at = line();
  if (is_op(".")) {
    ++i_;
    if (cur().type == Tok::Name) {
      auto e = node1(ExprKind::Attr, std::move(obj), at);
      e->name = t_[i_++].text;
      return e;
    }
    if (cur().type != Tok::Int) syntax("expected a name or number after '.', got " + describe());
    return node2(ExprKind::Item, std::move(obj), constant(Value::integer(t_[i_++].integer), at), at);
  }
  ++i_;  // '['
  std::vector<ExprPtr> subs;
  while (!is_op("]")) {
    if (!subs.empty()) expect_op(",");
    subs.push_back(parse_subscribed());
  }
  ++i_;
  if (subs.size() == 1 && subs[0]->kind == ExprKind::Slice) {
    subs[0]->args[0] = std::move(obj);
    return std::move(subs[0]);
  }
  for (const auto& s : subs)
    if (s->kind == ExprKind::Slice) unsupported("multi-dimensional slice");
  if (subs.size() == 1) return node2(ExprKind::Item, std::move(obj), std::move(subs[0]), at);
  auto tuple = node(ExprKind::TupleLit, at);
  tuple->args = std::move(subs);
  return node2(ExprKind::Item, std::move(obj), std::move(tuple), at);
}

// One subscript: an expression, or a slice start:stop:step (a Slice whose object is filled in later).
ExprPtr Parser::parse_subscribed() {
  auto slice = node(ExprKind::Slice, line());
  slice->args.resize(4);
  if (!is_op(":")) {
    ExprPtr e = parse_expression(true);
    if (!is_op(":")) return e;
    slice->args[1] = std::move(e);
  }
  ++i_;  // ':'
  if (!is_op(":") && !is_op("]") && !is_op(",")) slice->args[2] = parse_expression(true);
  if (is_op(":")) {
    ++i_;
    if (!is_op("]") && !is_op(",")) slice->args[3] = parse_expression(true);
  }
  return slice;
}

// Call arguments after '(' into e->args / e->kwargs.
void Parser::parse_call_args(Expr& e) {
  expect_op("(");
  bool first = true;
  while (!is_op(")")) {
    if (!first) expect_op(",");
    first = false;
    if (is_op(")")) break;
    if (is_op("*") || is_op("**")) unsupported("*args / **kwargs in a call");
    if (cur().type == Tok::Name && peek().type == Tok::Op && peek().text == "=") {
      std::string key = t_[i_].text;
      i_ += 2;
      e.kwargs.emplace_back(std::move(key), parse_expression(true));
    } else {
      if (!e.kwargs.empty()) syntax("positional argument after keyword argument");
      e.args.push_back(parse_expression(true));
    }
  }
  ++i_;
}

ExprPtr Parser::parse_call(ExprPtr callee) {
  auto e = node1(ExprKind::Call, std::move(callee), line());
  parse_call_args(*e);
  return e;
}

std::string Parser::dotted_name() {
  std::string name = expect_name();
  while (is_op(".")) {
    ++i_;
    name += "." + expect_name();
  }
  return name;
}

ExprPtr Parser::parse_filter(ExprPtr e) {
  while (is_op("|")) {
    ++i_;
    const size_t name_at = i_;
    auto f = node1(ExprKind::Filter, std::move(e), line());
    f->name = dotted_name();
    if (!is_known_filter(f->name)) {
      i_ = name_at;
      unsupported("filter '" + f->name + "'");
    }
    if (is_op("(")) parse_call_args(*f);
    e = std::move(f);
  }
  return e;
}

ExprPtr Parser::parse_test(ExprPtr obj) {
  auto e = node1(ExprKind::Test, std::move(obj), line());
  ++i_;  // 'is'
  if (is_name("not")) {
    e->negated = true;
    ++i_;
  }
  const size_t name_at = i_;
  e->name = dotted_name();
  if (!is_known_test(e->name)) {
    i_ = name_at;
    unsupported("test '" + e->name + "'");
  }
  const Tok t = cur().type;
  const bool arg_start = t == Tok::Name || t == Tok::String || t == Tok::Int || t == Tok::Float || is_op("(") ||
                         is_op("[") || is_op("{");
  if (is_op("(")) {
    parse_call_args(*e);
  } else if (arg_start && !is_name("else") && !is_name("or") && !is_name("and")) {
    if (is_name("is")) syntax("you cannot chain multiple tests with 'is'");
    e->args.push_back(parse_postfix(parse_primary()));
  }
  return e;
}

}  // namespace apiq::chat_template_detail

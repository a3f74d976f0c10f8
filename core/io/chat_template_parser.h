// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The parser of the chat-template renderer, shared by chat_template_parse.cpp (statements) and
// chat_template_parse_expr.cpp (expressions). Internal.
#include <algorithm>

#include "io/chat_template_internal.h"

namespace apiq::chat_template_detail {

class Parser {
 public:
  Parser(const std::vector<Token>& tokens, const SourceMap& map) : t_(tokens), map_(map) {}
  Body parse_template();

 private:
  const Token& cur() const { return t_[i_]; }
  const Token& peek() const { return t_[std::min(i_ + 1, t_.size() - 1)]; }
  bool is_op(const char* op) const { return cur().type == Tok::Op && cur().text == op; }
  bool is_name(const char* n) const { return cur().type == Tok::Name && cur().text == n; }
  int line() const { return map_.where(cur().pos).first; }
  [[noreturn]] void syntax(const std::string& what) const { throw SyntaxError(what, cur().pos, false); }
  [[noreturn]] void unsupported(const std::string& what) const { throw SyntaxError(what, cur().pos, true); }

  std::string describe() const;
  void expect(Tok type, const char* what);
  void expect_op(const char* op);
  std::string expect_name();
  void end_of_tag() { expect(Tok::BlockEnd, "end of statement block"); }
  ExprPtr node(ExprKind kind, int at_line);
  ExprPtr node1(ExprKind kind, ExprPtr a, int at_line);
  ExprPtr node2(ExprKind kind, ExprPtr a, ExprPtr b, int at_line, std::string name = {});

  // Statements (chat_template_parse.cpp).
  // Parses until a block tag named in `ends`; leaves the position on that name and sets `which`.
  Body subparse(std::initializer_list<const char*> ends, std::string& which);
  StmtPtr stmt(StmtKind kind);
  StmtPtr statement();
  void close_block();
  StmtPtr parse_for();
  StmtPtr parse_if();
  StmtPtr parse_set();
  StmtPtr parse_macro();
  StmtPtr parse_generation();
  Target parse_target_primary();
  Target parse_target_tuple(const char* extra_end, bool parenthesized);
  Target parse_assign_target(bool with_namespace, const char* extra_end);

  // Expressions (chat_template_parse_expr.cpp).
  bool is_tuple_end(const char* extra_end) const;
  ExprPtr parse_tuple(bool simplified, bool with_condexpr, const char* extra_end, bool explicit_parens);
  ExprPtr parse_expression(bool with_condexpr) { return with_condexpr ? parse_condexpr() : parse_or(); }
  ExprPtr parse_condexpr();
  ExprPtr parse_or();
  ExprPtr parse_and();
  ExprPtr parse_not();
  ExprPtr parse_compare();
  ExprPtr parse_math1();
  ExprPtr parse_concat();
  ExprPtr parse_math2();
  ExprPtr parse_pow();
  ExprPtr parse_unary(bool with_filter);
  ExprPtr constant(Value v, int at);
  ExprPtr parse_primary();
  ExprPtr parse_list();
  ExprPtr parse_dict();
  ExprPtr parse_postfix(ExprPtr e);
  ExprPtr parse_filter_expr(ExprPtr e);
  ExprPtr parse_subscript(ExprPtr obj);
  ExprPtr parse_subscribed();
  void parse_call_args(Expr& e);
  ExprPtr parse_call(ExprPtr callee);
  std::string dotted_name();
  ExprPtr parse_filter(ExprPtr e);
  ExprPtr parse_test(ExprPtr obj);

  const std::vector<Token>& t_;
  const SourceMap& map_;
  size_t i_ = 0;
  int loop_depth_ = 0;
};

}  // namespace apiq::chat_template_detail

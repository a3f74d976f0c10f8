// SPDX-License-Identifier: GPL-3.0-or-later
// Interpreter of the chat-template renderer: statements with Jinja's scoping (every loop iteration and
// macro call has its own scope, so a `set` inside them does not leak out; namespace attributes do), and
// expressions with Jinja's attribute / item lookup (a dict's methods shadow its keys for `.`, keys come
// first for `[]`; a missing key or index is undefined, using an undefined value is the error).
#include <algorithm>

#include "io/chat_template_internal.h"

namespace apiq::chat_template_detail {

const Value* Scope::find(const std::string& name) const {
  for (const Scope* s = this; s; s = s->parent.get())
    if (auto it = s->vars.find(name); it != s->vars.end()) return &it->second;
  return nullptr;
}

namespace {

Value missing_attr(const Value& obj, const std::string& name) {
  return Value::undefined("'" + type_name(obj) + " object' has no attribute '" + name + "'");
}

Value loop_attr(const Value& obj, const std::string& name) {
  const Loop& l = obj.loop();
  const int64_t n = int64_t(l.items->size()), i = int64_t(l.index0);
  if (name == "index") return Value::integer(i + 1);
  if (name == "index0") return Value::integer(i);
  if (name == "revindex") return Value::integer(n - i);
  if (name == "revindex0") return Value::integer(n - i - 1);
  if (name == "first") return Value::boolean(i == 0);
  if (name == "last") return Value::boolean(i == n - 1);
  if (name == "length") return Value::integer(n);
  if (name == "depth") return Value::integer(l.depth0 + 1);
  if (name == "depth0") return Value::integer(l.depth0);
  if (name == "previtem") return i > 0 ? (*l.items)[size_t(i - 1)] : Value::undefined("there is no previous item");
  if (name == "nextitem") return i + 1 < n ? (*l.items)[size_t(i + 1)] : Value::undefined("there is no next item");
  if (name == "cycle") {
    return Value::function("loop.cycle", [i](Args& a) {
      if (a.pos.empty()) fail("no items for cycling given");
      return a.pos[size_t(i) % a.pos.size()];
    });
  }
  if (name == "changed") return Value::function("loop.changed", [](Args&) -> Value { fail("loop.changed() is not supported"); });
  return missing_attr(obj, name);
}

// Python's slice index adjustment.
int64_t clamp_index(const Value* v, int64_t len, int64_t step, bool is_start) {
  if (!v || v->is(Kind::None)) return is_start ? (step < 0 ? len - 1 : 0) : (step < 0 ? -1 : len);
  int64_t i = v->as_int();
  if (i < 0) {
    i += len;
    if (i < 0) i = step < 0 ? -1 : 0;
  } else if (i >= len) {
    i = step < 0 ? len - 1 : len;
  }
  return i;
}

}  // namespace

Value get_attr(const Value& obj, const std::string& name) {
  switch (obj.kind) {
    case Kind::Undefined: fail(obj.text());
    case Kind::Dict: {
      Value m = method_of(obj, name);
      if (!m.is(Kind::Undefined)) return m;
      if (const Value* v = obj.map().find(name)) return *v;
      return missing_attr(obj, name);
    }
    case Kind::Namespace:
      if (Value* v = obj.ns().find(name)) return *v;
      return missing_attr(obj, name);
    case Kind::Loop: return loop_attr(obj, name);
    default: {
      Value m = method_of(obj, name);
      return m.is(Kind::Undefined) ? missing_attr(obj, name) : m;
    }
  }
}

Value get_item(const Value& obj, const Value& key) {
  require_defined(obj);
  if (obj.is(Kind::Dict)) {
    if (const Value* v = obj.map().find(key)) return *v;
  } else if (key.is_integral() && (obj.is(Kind::Str) || (obj.is(Kind::Seq) && (obj.seq_kind == SeqKind::List ||
                                                                                 obj.seq_kind == SeqKind::Tuple ||
                                                                                 obj.seq_kind == SeqKind::Range)))) {
    const std::vector<Value> chars = obj.is(Kind::Str) ? iterate(obj) : std::vector<Value>{};
    const std::vector<Value>& items = obj.is(Kind::Str) ? chars : obj.items();  // no copy of lists
    int64_t i = key.as_int();
    if (i < 0) i += int64_t(items.size());
    if (i >= 0 && i < int64_t(items.size())) return items[size_t(i)];
    return Value::undefined("'" + type_name(obj) + " object' has no element " + to_repr(key));
  }
  if (key.is(Kind::Str)) {
    if (obj.is(Kind::Namespace) || obj.is(Kind::Loop)) return get_attr(obj, key.text());
    Value m = method_of(obj, key.text());
    if (!m.is(Kind::Undefined)) return m;
    return missing_attr(obj, key.text());
  }
  return Value::undefined("'" + type_name(obj) + " object' has no element " + to_repr(key));
}

std::string Interpreter::run(const Value& context) {
  auto globals = std::make_shared<Scope>();
  add_globals(*globals);
  auto root = std::make_shared<Scope>();
  root->parent = globals;
  for (const auto& [k, v] : context.map().entries) root->vars[k.text()] = v;
  std::string out;
  exec(program_.body, root, out, 0);
  return out;
}

Flow Interpreter::exec(const Body& body, const ScopePtr& scope, std::string& out, int loop_depth) {
  for (const auto& s : body) {
    Flow flow;
    try {
      flow = exec_one(*s, scope, out, loop_depth);
    } catch (RenderError& e) {
      if (e.line == 0) e.line = s->line;
      throw;
    }
    if (flow != Flow::Normal) return flow;
  }
  return Flow::Normal;
}

Flow Interpreter::exec_one(const Stmt& s, const ScopePtr& scope, std::string& out, int loop_depth) {
  switch (s.kind) {
    case StmtKind::Text: out += s.text; return Flow::Normal;
    case StmtKind::Print: out += to_str(eval(*s.expr, scope)); return Flow::Normal;
    case StmtKind::If: {
      Flow flow = Flow::Normal;
      exec_if(s, scope, out, loop_depth, flow);
      return flow;
    }
    case StmtKind::For: return exec_for(s, scope, out, loop_depth);
    case StmtKind::Set: assign(s.target, eval(*s.expr, scope), scope); return Flow::Normal;
    case StmtKind::SetBlock: {
      std::string text;
      auto inner = std::make_shared<Scope>();
      inner->parent = scope;
      exec(s.body, inner, text, 0);
      Value v = Value::str(std::move(text));
      if (s.expr) v = eval_filter(*s.expr, v, scope);
      assign(s.target, v, scope);
      return Flow::Normal;
    }
    case StmtKind::Macro: scope->vars[s.text] = define_macro(s, scope); return Flow::Normal;
    case StmtKind::Break: return Flow::Break;
    case StmtKind::Continue: return Flow::Continue;
    case StmtKind::Generation: {
      auto inner = std::make_shared<Scope>();
      inner->parent = scope;
      return exec(s.body, inner, out, loop_depth);
    }
  }
  return Flow::Normal;
}

void Interpreter::exec_if(const Stmt& s, const ScopePtr& scope, std::string& out, int loop_depth, Flow& flow) {
  for (const auto& [cond, body] : s.branches) {
    if (truthy(eval(*cond, scope))) {
      flow = exec(body, scope, out, loop_depth);
      return;
    }
  }
  flow = exec(s.else_body, scope, out, loop_depth);
}

Flow Interpreter::exec_for(const Stmt& s, const ScopePtr& scope, std::string& out, int loop_depth) {
  std::vector<Value> items = iterate(eval(*s.expr, scope));
  if (s.cond) {  // the loop filter sees the loop variables but not `loop`
    std::vector<Value> kept;
    for (auto& item : items) {
      auto probe = std::make_shared<Scope>();
      probe->parent = scope;
      assign(s.target, item, probe);
      if (truthy(eval(*s.cond, probe))) kept.push_back(std::move(item));
    }
    items = std::move(kept);
  }
  auto shared = std::make_shared<const List>(std::move(items));
  for (size_t i = 0; i < shared->size(); ++i) {
    auto iteration = std::make_shared<Scope>();
    iteration->parent = scope;
    assign(s.target, (*shared)[i], iteration);
    Value loop;
    loop.kind = Kind::Loop;
    loop.data = std::make_shared<const Loop>(Loop{shared, i, 0});
    iteration->vars["loop"] = std::move(loop);
    if (exec(s.body, iteration, out, loop_depth + 1) == Flow::Break) break;
  }
  if (shared->empty() && !s.else_body.empty()) {
    auto inner = std::make_shared<Scope>();
    inner->parent = scope;
    return exec(s.else_body, inner, out, loop_depth);
  }
  return Flow::Normal;
}

void Interpreter::assign(const Target& t, const Value& v, const ScopePtr& scope) {
  if (!t.attr.empty()) {
    const Value* target = scope->find(t.name);
    if (!target || !target->is(Kind::Namespace)) fail("cannot assign attribute on non-namespace object");
    if (t.attr[0] == '_') fail("cannot store the underscore-prefixed attribute '" + t.attr + "' on a namespace");
    Namespace& ns = target->ns();
    if (Value* existing = ns.find(t.attr)) *existing = v;
    else ns.attrs.emplace_back(t.attr, v);
    return;
  }
  if (!t.is_tuple) {
    scope->vars[t.name] = v;
    return;
  }
  const std::vector<Value> items = iterate(v);
  if (items.size() != t.items.size())
    fail((items.size() < t.items.size() ? "not enough" : "too many") + std::string(" values to unpack (expected ") +
         std::to_string(t.items.size()) + ", got " + std::to_string(items.size()) + ")");
  for (size_t i = 0; i < items.size(); ++i) assign(t.items[i], items[i], scope);
}

Value Interpreter::define_macro(const Stmt& s, const ScopePtr& scope) {
  std::weak_ptr<Scope> closure = scope;  // weak: the scope holds the macro, so no cycle
  return Value::function(s.text, [this, &s, closure](Args& args) {
    if (args.pos.size() > s.params.size())
      fail("macro '" + s.text + "' takes not more than " + std::to_string(s.params.size()) + " argument(s)");
    auto frame = std::make_shared<Scope>();
    frame->parent = closure.lock();
    for (const auto& [k, v] : args.kw)
      if (std::find(s.params.begin(), s.params.end(), k) == s.params.end())
        fail("macro '" + s.text + "' has no argument '" + k + "'");
    for (size_t i = 0; i < s.params.size(); ++i) {
      const Value* given = args.get(i, s.params[i].c_str());
      frame->vars[s.params[i]] = given                ? *given
                                 : s.defaults[i]      ? eval(*s.defaults[i], frame)
                                                      : Value::undefined("parameter '" + s.params[i] + "' was not provided");
    }
    static thread_local int depth = 0;
    if (depth > 100) fail("macro recursion too deep");
    ++depth;
    std::string out;
    try {
      exec(s.body, frame, out, 0);
    } catch (...) {
      --depth;
      throw;
    }
    --depth;
    return Value::str(std::move(out));
  });
}

Args Interpreter::eval_args(const Expr& e, size_t first, const ScopePtr& scope) {
  Args a;
  for (size_t i = first; i < e.args.size(); ++i) a.pos.push_back(eval(*e.args[i], scope));
  for (const auto& [k, v] : e.kwargs) a.kw.emplace_back(k, eval(*v, scope));
  return a;
}

Value Interpreter::eval_call(const Expr& e, const ScopePtr& scope) {
  const Value callee = eval(*e.args[0], scope);
  if (callee.is(Kind::Undefined)) fail(callee.text());
  if (!callee.is(Kind::Function)) fail("'" + type_name(callee) + "' object is not callable");
  Args a = eval_args(e, 1, scope);
  return callee.fn().call(a);
}

Value Interpreter::eval_compare(const Expr& e, const ScopePtr& scope) {
  Value left = eval(*e.args[0], scope);
  for (size_t i = 0; i < e.ops.size(); ++i) {
    Value right = eval(*e.args[i + 1], scope);
    const std::string& op = e.ops[i];
    bool r;
    if (op == "==") r = equals(left, right);
    else if (op == "!=") r = !equals(left, right);
    else if (op == "in") r = contains(right, left);
    else if (op == "not in") r = !contains(right, left);
    else {
      const int c = compare(left, right);
      r = op == "<" ? c < 0 : op == "<=" ? c <= 0 : op == ">" ? c > 0 : c >= 0;
    }
    if (!r) return Value::boolean(false);
    left = std::move(right);
  }
  return Value::boolean(true);
}

// A filter chain; the innermost operand is `input` when the chain has none (`{% set x | f %}`).
Value Interpreter::eval_filter(const Expr& e, const Value& input, const ScopePtr& scope) {
  const Expr* operand = e.args[0].get();
  Value in = !operand                             ? input
             : operand->kind == ExprKind::Filter ? eval_filter(*operand, input, scope)
                                                 : eval(*operand, scope);
  Args a = eval_args(e, 1, scope);
  return apply_filter(*this, e.name, in, a);
}

Value Interpreter::eval_test(const Expr& e, const ScopePtr& scope) {
  const Value in = eval(*e.args[0], scope);
  Args a = eval_args(e, 1, scope);
  return Value::boolean(apply_test(*this, e.name, in, a) != e.negated);
}

Value Interpreter::eval_slice(const Expr& e, const ScopePtr& scope) {
  const Value obj = require_defined(eval(*e.args[0], scope));
  Value bounds[3];
  const Value* given[3] = {nullptr, nullptr, nullptr};
  for (int k = 0; k < 3; ++k) {
    if (!e.args[k + 1]) continue;
    bounds[k] = eval(*e.args[k + 1], scope);
    if (!bounds[k].is_integral() && !bounds[k].is(Kind::None)) return Value::undefined("slice indices must be integers");
    given[k] = &bounds[k];
  }
  const int64_t step = given[2] && !given[2]->is(Kind::None) ? given[2]->as_int() : 1;
  if (step == 0) fail("slice step cannot be zero");
  const bool is_str = obj.is(Kind::Str);
  if (!is_str && !(obj.is(Kind::Seq) && obj.seq_kind != SeqKind::Generator && obj.seq_kind != SeqKind::Keys &&
                   obj.seq_kind != SeqKind::Values && obj.seq_kind != SeqKind::Items))
    return Value::undefined("'" + type_name(obj) + "' object is not subscriptable");
  const std::vector<Value> items = iterate(obj);
  const int64_t n = int64_t(items.size());
  const int64_t start = clamp_index(given[0], n, step, true), stop = clamp_index(given[1], n, step, false);
  List picked;
  for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) picked.push_back(items[size_t(i)]);
  if (!is_str) return Value::seq(std::move(picked), obj.seq_kind == SeqKind::Tuple ? SeqKind::Tuple : SeqKind::List);
  std::string s;
  for (const auto& c : picked) s += c.text();
  return Value::str(std::move(s));
}

Value Interpreter::eval(const Expr& e, const ScopePtr& scope) {
  switch (e.kind) {
    case ExprKind::Const: return e.value;
    case ExprKind::Name: {
      const Value* v = scope->find(e.name);
      return v ? *v : Value::undefined("'" + e.name + "' is undefined");
    }
    case ExprKind::Attr: return get_attr(eval(*e.args[0], scope), e.name);
    case ExprKind::Item: return get_item(eval(*e.args[0], scope), eval(*e.args[1], scope));
    case ExprKind::Slice: return eval_slice(e, scope);
    case ExprKind::Call: return eval_call(e, scope);
    case ExprKind::Filter: return eval_filter(e, Value(), scope);
    case ExprKind::Test: return eval_test(e, scope);
    case ExprKind::Neg:
    case ExprKind::Pos: return negate(eval(*e.args[0], scope), e.kind == ExprKind::Neg);
    case ExprKind::Not: return Value::boolean(!truthy(eval(*e.args[0], scope)));
    case ExprKind::And:
    case ExprKind::Or: {
      Value a = eval(*e.args[0], scope);  // Python's and/or yield an operand, not a bool
      if (truthy(a) == (e.kind == ExprKind::Or)) return a;
      return eval(*e.args[1], scope);
    }
    case ExprKind::Binary: return binary_op(e.name, eval(*e.args[0], scope), eval(*e.args[1], scope));
    case ExprKind::Concat: {
      std::string s;
      for (const auto& a : e.args) s += to_str(eval(*a, scope));
      return Value::str(std::move(s));
    }
    case ExprKind::Compare: return eval_compare(e, scope);
    case ExprKind::Cond:
      if (truthy(eval(*e.args[0], scope))) return eval(*e.args[1], scope);
      if (e.args[2]) return eval(*e.args[2], scope);
      return Value::undefined("the inline if-expression evaluated to false and has no else section");
    case ExprKind::ListLit:
    case ExprKind::TupleLit: {
      List items;
      for (const auto& a : e.args) items.push_back(eval(*a, scope));
      return Value::seq(std::move(items), e.kind == ExprKind::TupleLit ? SeqKind::Tuple : SeqKind::List);
    }
    case ExprKind::DictLit: {
      auto d = std::make_shared<Dict>();
      for (size_t i = 0; i + 1 < e.args.size(); i += 2) {
        Value k = eval(*e.args[i], scope), v = eval(*e.args[i + 1], scope);
        if (k.is(Kind::Dict) || (k.is(Kind::Seq) && k.seq_kind == SeqKind::List))
          fail("unhashable type: '" + type_name(k) + "'");
        bool replaced = false;
        for (auto& entry : d->entries)
          if (equals(entry.first, k)) entry.second = v, replaced = true;
        if (!replaced) d->entries.emplace_back(std::move(k), std::move(v));
      }
      return Value::dict(std::move(d));
    }
  }
  return Value();
}

}  // namespace apiq::chat_template_detail

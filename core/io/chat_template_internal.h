// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Internals of the chat-template renderer (io/chat_template.h): values with Python semantics, the
// token stream, the syntax tree and the interpreter. Not part of the public interface.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

namespace apiq::chat_template_detail {

// ---------------------------------------------------------------- values

struct Value;
using List = std::vector<Value>;
struct Dict;
struct Namespace;
struct Loop;
struct Function;

enum class Kind { Undefined, None, Bool, Int, Float, Str, Seq, Dict, Namespace, Loop, Function };
// Python's sequence-like types differ in how they print, compare and can be indexed.
enum class SeqKind { List, Tuple, Generator, Range, Keys, Values, Items };

struct Value {
  Kind kind = Kind::Undefined;
  SeqKind seq_kind = SeqKind::List;
  // Str: the text (UTF-8); Undefined: the message that using it raises.
  std::variant<std::monostate, bool, int64_t, double, std::string, std::shared_ptr<const List>,
               std::shared_ptr<const Dict>, std::shared_ptr<Namespace>, std::shared_ptr<const Loop>,
               std::shared_ptr<const Function>>
      data;
  int64_t range[3] = {0, 0, 1};  // Range: start, stop, step (for its repr)

  static Value undefined(std::string message);
  static Value none();
  static Value boolean(bool b);
  static Value integer(int64_t i);
  static Value real(double d);
  static Value str(std::string s);
  static Value seq(List items, SeqKind kind = SeqKind::List);
  static Value dict(std::shared_ptr<const Dict> d);
  static Value function(std::string name, std::function<Value(struct Args&)> fn);

  bool is(Kind k) const { return kind == k; }
  bool is_number() const { return kind == Kind::Bool || kind == Kind::Int || kind == Kind::Float; }
  bool is_integral() const { return kind == Kind::Bool || kind == Kind::Int; }
  int64_t as_int() const { return kind == Kind::Bool ? std::get<bool>(data) : std::get<int64_t>(data); }
  double as_real() const { return kind == Kind::Float ? std::get<double>(data) : double(as_int()); }
  bool as_bool() const { return std::get<bool>(data); }
  const std::string& text() const {  // a default-constructed (undefined) value has no message
    static const std::string kUndefined = "undefined value";
    const std::string* s = std::get_if<std::string>(&data);
    return s ? *s : kUndefined;
  }
  const List& items() const { return *std::get<std::shared_ptr<const List>>(data); }
  const Dict& map() const { return *std::get<std::shared_ptr<const Dict>>(data); }
  Namespace& ns() const { return *std::get<std::shared_ptr<Namespace>>(data); }
  const Loop& loop() const { return *std::get<std::shared_ptr<const Loop>>(data); }
  const Function& fn() const { return *std::get<std::shared_ptr<const Function>>(data); }
};

struct Dict {
  std::vector<std::pair<Value, Value>> entries;
  const Value* find(const Value& key) const;
  const Value* find(const std::string& key) const;
};

struct Namespace {
  std::vector<std::pair<std::string, Value>> attrs;
  Value* find(const std::string& name);
};

struct Loop {
  std::shared_ptr<const List> items;
  size_t index0 = 0;
  int depth0 = 0;
};

// Arguments of a call: positional, then keyword, in source order.
struct Args {
  std::vector<Value> pos;
  std::vector<std::pair<std::string, Value>> kw;
  // The i-th parameter called `name`: positional i or keyword `name`; nullptr when not given.
  const Value* get(size_t i, const char* name) const;
  // Fails when more than `n_params` positional arguments or a keyword outside `names` were passed.
  void expect_at_most(const char* what, size_t n_params, std::initializer_list<const char*> names) const;
};

struct Function {
  std::string name;
  std::function<Value(Args&)> call;
};

// A failure while rendering; `line` 0 until the statement that was running fills it in.
struct RenderError : std::runtime_error {
  int line = 0;
  explicit RenderError(const std::string& what, int at_line = 0) : std::runtime_error(what), line(at_line) {}
};
// raise_exception(msg) in the template.
struct RaisedError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string& what);

// Python semantics (chat_template_value.cpp).
bool truthy(const Value& v);
std::string to_str(const Value& v);   // str(v)
std::string to_repr(const Value& v);  // repr(v)
std::string type_name(const Value& v);
bool equals(const Value& a, const Value& b);
int compare(const Value& a, const Value& b);  // <0, 0, >0; fails on unorderable types
bool contains(const Value& container, const Value& item);
const Value& require_defined(const Value& v);  // fails with the undefined value's message
Value binary_op(const std::string& op, const Value& a, const Value& b);
Value negate(const Value& v, bool minus);
std::vector<Value> iterate(const Value& v);  // list(v), failing on non-iterables
int64_t length(const Value& v);              // len(v)
Value from_json(const nlohmann::ordered_json& j);
Value from_json(const nlohmann::json& j);
struct JsonStyle {
  bool ensure_ascii = false;
  bool sort_keys = false;
  bool indent_set = false;
  std::string indent;
  std::string item_sep = ", ", key_sep = ": ";
};
std::string to_json(const Value& v, const JsonStyle& style);
std::string format_float(double d);  // Python's repr(float)
Value percent_format(const std::string& fmt, const Value& args);

// Text helpers with Python's str semantics (chat_template_text.cpp). Strings are UTF-8.
std::u32string decode_utf8(const std::string& s);
std::string encode_utf8(const std::u32string& s);
void append_utf8(std::string& out, char32_t c);
bool is_py_space(char32_t c);
bool is_linebreak(char32_t c);  // str.splitlines boundaries
std::u32string to_upper(const std::u32string& s);
std::u32string to_lower(const std::u32string& s);
bool is_cased(char32_t c);
bool is_upper_char(char32_t c);
bool is_lower_char(char32_t c);
std::string py_strip(const std::string& s, const Value* chars, bool left, bool right);
std::vector<std::string> py_split(const std::string& s, const Value* sep, int64_t maxsplit, bool from_right);
std::vector<std::string> py_splitlines(const std::string& s);
std::string py_title(const std::string& s);
std::string py_capitalize(const std::string& s);
std::string py_replace(const std::string& s, const std::string& old, const std::string& repl, int64_t count);
std::string repr_string(const std::string& s);
bool is_printable(char32_t c);

// ---------------------------------------------------------------- tokens

enum class Tok { Data, VarBegin, VarEnd, BlockBegin, BlockEnd, Name, String, Int, Float, Op, Eof };

struct Token {
  Tok type = Tok::Eof;
  std::string text;  // Data, Name, String (decoded), Op
  int64_t integer = 0;
  double real = 0;
  size_t pos = 0;  // byte offset in the normalized source
};

// Line and column of byte offsets, both 1-based.
struct SourceMap {
  std::string text;
  std::vector<size_t> line_starts;
  std::pair<int, int> where(size_t pos) const;
};

// Thrown by the lexer and parser, turned into InputError by ChatTemplate::parse.
struct SyntaxError : std::runtime_error {
  size_t pos;
  bool unsupported;
  SyntaxError(const std::string& what, size_t at, bool is_unsupported)
      : std::runtime_error(what), pos(at), unsupported(is_unsupported) {}
};

// Jinja's newline handling: \r\n and \r become \n, and one trailing newline is dropped.
std::string normalize_source(const std::string& source);
std::vector<Token> tokenize(const std::string& normalized, SourceMap& map);

// ---------------------------------------------------------------- syntax tree

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;
enum class ExprKind {
  Const, Name, Attr, Item, Slice, Call, Filter, Test, Neg, Pos, Not, And, Or, Binary, Concat, Compare, Cond,
  ListLit, TupleLit, DictLit
};

struct Expr {
  ExprKind kind = ExprKind::Const;
  int line = 0;
  Value value;                // Const
  std::string name;           // Name; Attr's attribute; Filter / Test name; Binary operator
  std::vector<ExprPtr> args;  // operands, then call arguments; Slice: object, start, stop, step (may be null)
  std::vector<std::pair<std::string, ExprPtr>> kwargs;
  std::vector<std::string> ops;  // Compare: one operator per operand after the first
  bool negated = false;          // Test: `is not`
};

struct Target {  // what `for` and `set` assign to
  std::string name;
  std::string attr;  // `ns.attr`
  std::vector<Target> items;
  bool is_tuple = false;
};

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;
enum class StmtKind { Text, Print, If, For, Set, SetBlock, Macro, Break, Continue, Generation };

struct Stmt {
  StmtKind kind = StmtKind::Text;
  int line = 0;
  std::string text;  // Text; Macro name
  ExprPtr expr;      // Print, Set value, For iterable, SetBlock filter (its first operand null)
  ExprPtr cond;      // For's `if`
  Target target;
  std::vector<std::pair<ExprPtr, Body>> branches;  // If / elif
  Body body, else_body;
  std::vector<std::string> params;  // Macro
  std::vector<ExprPtr> defaults;    // Macro, aligned with params (null: none)
};

Body parse_tokens(const std::vector<Token>& tokens, const SourceMap& map);

struct Program {
  std::string source;
  std::filesystem::path origin;
  SourceMap map;
  Body body;
};

// ---------------------------------------------------------------- interpreter

struct Scope {
  std::unordered_map<std::string, Value> vars;
  std::shared_ptr<Scope> parent;
  const Value* find(const std::string& name) const;
};
using ScopePtr = std::shared_ptr<Scope>;

enum class Flow { Normal, Break, Continue };

class Interpreter {
 public:
  explicit Interpreter(const Program& program) : program_(program) {}
  std::string run(const Value& context);

  Value eval(const Expr& e, const ScopePtr& scope);
  Flow exec(const Body& body, const ScopePtr& scope, std::string& out, int loop_depth);

 private:
  Flow exec_one(const Stmt& s, const ScopePtr& scope, std::string& out, int loop_depth);
  Flow exec_for(const Stmt& s, const ScopePtr& scope, std::string& out, int loop_depth);
  void exec_if(const Stmt& s, const ScopePtr& scope, std::string& out, int loop_depth, Flow& flow);
  void assign(const Target& t, const Value& v, const ScopePtr& scope);
  Value define_macro(const Stmt& s, const ScopePtr& scope);
  Value eval_call(const Expr& e, const ScopePtr& scope);
  Value eval_compare(const Expr& e, const ScopePtr& scope);
  Value eval_filter(const Expr& e, const Value& input, const ScopePtr& scope);
  Value eval_test(const Expr& e, const ScopePtr& scope);
  Value eval_slice(const Expr& e, const ScopePtr& scope);
  Args eval_args(const Expr& e, size_t first, const ScopePtr& scope);

  const Program& program_;
};

// Attribute and item access with Jinja's sandbox rules (chat_template_eval.cpp).
Value get_attr(const Value& obj, const std::string& name);
Value get_item(const Value& obj, const Value& key);

// Builtins (chat_template_builtins.cpp, chat_template_methods.cpp).
bool is_known_filter(const std::string& name);
bool is_known_test(const std::string& name);
Value apply_filter(Interpreter& interp, const std::string& name, const Value& input, Args& args);
bool apply_test(Interpreter& interp, const std::string& name, const Value& input, Args& args);
// A bound method of `self`, or an undefined value when `self` has no attribute `name`.
Value method_of(const Value& self, const std::string& name);
void add_globals(Scope& scope);

}  // namespace apiq::chat_template_detail

// SPDX-License-Identifier: GPL-3.0-or-later
// Filters and tests of the chat-template renderer, with jinja2's semantics (and transformers' tojson:
// json.dumps without HTML escaping, ensure_ascii=False). Filters that yield generators in jinja2
// (select, map, reverse, items, unique, ...) yield a Generator here: truthy, no len(), no indexing.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <map>

#include "io/chat_template_internal.h"

namespace apiq::chat_template_detail {

namespace {

using FilterFn = Value (*)(Interpreter&, const Value&, Args&);
using TestFn = bool (*)(Interpreter&, const Value&, Args&);

bool arg_bool(const Args& a, size_t i, const char* name, bool fallback) {
  const Value* v = a.get(i, name);
  return v ? truthy(*v) : fallback;
}

std::string arg_str(const Args& a, size_t i, const char* name, const std::string& fallback) {
  const Value* v = a.get(i, name);
  return v ? to_str(*v) : fallback;
}

Value generator(List items) { return Value::seq(std::move(items), SeqKind::Generator); }

// An attribute path "a.b.0" as jinja2's make_attrgetter resolves it.
Value attr_path(const Value& item, const std::string& path) {
  Value v = item;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    const bool numeric = !part.empty() && part.find_first_not_of("0123456789") == std::string::npos;
    v = get_item(v, numeric ? Value::integer(std::stoll(part)) : Value::str(part));
    if (dot == std::string::npos) return v;
    start = dot + 1;
  }
}

Value f_trim(Interpreter&, const Value& v, Args& a) {
  a.expect_at_most("trim", 1, {"chars"});
  return Value::str(py_strip(to_str(v), a.get(0, "chars"), true, true));
}
Value f_length(Interpreter&, const Value& v, Args&) { return Value::integer(length(v)); }
Value f_upper(Interpreter&, const Value& v, Args&) { return Value::str(encode_utf8(to_upper(decode_utf8(to_str(v))))); }
Value f_lower(Interpreter&, const Value& v, Args&) { return Value::str(encode_utf8(to_lower(decode_utf8(to_str(v))))); }
Value f_capitalize(Interpreter&, const Value& v, Args&) { return Value::str(py_capitalize(to_str(v))); }
Value f_string(Interpreter&, const Value& v, Args&) { return Value::str(to_str(v)); }

// jinja2's title: capitalizes the first character after `-`, whitespace, or one of `({[<`.
Value f_title(Interpreter&, const Value& v, Args&) {
  const std::u32string u = decode_utf8(to_str(v));
  auto sep = [](char32_t c) { return c == '-' || c == '(' || c == '{' || c == '[' || c == '<' || is_py_space(c); };
  std::u32string out;
  for (size_t i = 0; i < u.size();) {
    size_t j = i;
    const bool is_sep = sep(u[i]);
    while (j < u.size() && sep(u[j]) == is_sep) ++j;
    const std::u32string item = u.substr(i, j - i);
    out += to_upper(item.substr(0, 1)) + to_lower(item.substr(1));
    i = j;
  }
  return Value::str(encode_utf8(out));
}

Value f_tojson(Interpreter&, const Value& v, Args& a) {
  a.expect_at_most("tojson", 4, {"ensure_ascii", "indent", "separators", "sort_keys"});
  JsonStyle style;
  style.ensure_ascii = arg_bool(a, 0, "ensure_ascii", false);
  style.sort_keys = arg_bool(a, 3, "sort_keys", false);
  if (const Value* indent = a.get(1, "indent"); indent && !indent->is(Kind::None)) {
    style.indent_set = true;
    style.indent = indent->is(Kind::Str) ? indent->text() : std::string(size_t(std::max<int64_t>(0, indent->as_int())), ' ');
    style.item_sep = ",";
  }
  if (const Value* sep = a.get(2, "separators"); sep && !sep->is(Kind::None)) {
    const std::vector<Value> parts = iterate(*sep);
    if (parts.size() != 2) fail("tojson separators must be a pair of strings");
    style.item_sep = to_str(parts[0]);
    style.key_sep = to_str(parts[1]);
  }
  return Value::str(to_json(v, style));
}

Value f_int(Interpreter&, const Value& v, Args& a) {
  a.expect_at_most("int", 2, {"default", "base"});
  const Value* dflt = a.get(0, "default");
  const Value fallback = dflt ? *dflt : Value::integer(0);
  if (v.is_integral()) return Value::integer(v.as_int());
  if (v.is(Kind::Float)) return std::isfinite(v.as_real()) ? Value::integer(int64_t(std::trunc(v.as_real()))) : fallback;
  if (!v.is(Kind::Str)) return fallback;
  const Value* base = a.get(1, "base");
  std::string s;
  for (char c : py_strip(v.text(), nullptr, true, true))
    if (c != '_') s += c;
  const int b = base ? int(base->as_int()) : 10;
  char* end = nullptr;
  errno = 0;
  const long long n = s.empty() ? 0 : std::strtoll(s.c_str(), &end, b);
  if (!s.empty() && end && *end == '\0' && errno == 0) return Value::integer(n);
  // "42.23" gives 42, as in jinja2; strtod's hex floats are no Python float literal.
  if (s.empty() || s.find_first_not_of("0123456789+-.eE") != std::string::npos) return fallback;
  end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  if (end && *end == '\0' && std::isfinite(d)) return Value::integer(int64_t(std::trunc(d)));
  return fallback;
}

Value f_float(Interpreter&, const Value& v, Args& a) {
  const Value* dflt = a.get(0, "default");
  const Value fallback = dflt ? *dflt : Value::real(0.0);
  if (v.is_number()) return Value::real(v.as_real());
  if (!v.is(Kind::Str)) return fallback;
  const std::string s = py_strip(v.text(), nullptr, true, true);
  std::string word = encode_utf8(to_lower(decode_utf8(s)));
  if (!word.empty() && (word[0] == '+' || word[0] == '-')) word.erase(0, 1);
  if (word != "inf" && word != "infinity" && word != "nan" && s.find_first_not_of("0123456789+-.eE") != std::string::npos)
    return fallback;
  char* end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  return (!s.empty() && end && *end == '\0') ? Value::real(d) : fallback;
}

Value f_default(Interpreter&, const Value& v, Args& a) {
  a.expect_at_most("default", 2, {"default_value", "boolean"});
  const Value* dflt = a.get(0, "default_value");
  const bool boolean = arg_bool(a, 1, "boolean", false);
  if (v.is(Kind::Undefined) || (boolean && !truthy(v))) return dflt ? *dflt : Value::str("");
  return v;
}

Value f_join(Interpreter&, const Value& v, Args& a) {
  a.expect_at_most("join", 2, {"d", "attribute"});
  const std::string sep = arg_str(a, 0, "d", "");
  const Value* attr = a.get(1, "attribute");
  std::string out;
  bool first = true;
  for (const Value& item : iterate(v)) {
    out += (first ? "" : sep) + to_str(attr && !attr->is(Kind::None) ? attr_path(item, to_str(*attr)) : item);
    first = false;
  }
  return Value::str(std::move(out));
}

Value f_first(Interpreter&, const Value& v, Args&) {
  const std::vector<Value> items = iterate(v);
  return items.empty() ? Value::undefined("no first item, sequence was empty") : items.front();
}

Value f_last(Interpreter&, const Value& v, Args&) {
  if (v.is(Kind::Seq) && v.seq_kind == SeqKind::Generator) fail("'generator' object is not reversible");
  const std::vector<Value> items = iterate(v);
  return items.empty() ? Value::undefined("no last item, sequence was empty") : items.back();
}

Value f_list(Interpreter&, const Value& v, Args&) { return Value::seq(iterate(v)); }
Value f_safe(Interpreter&, const Value& v, Args&) { return Value::str(to_str(v)); }

Value f_items(Interpreter&, const Value& v, Args&) {
  if (v.is(Kind::Undefined)) return generator({});
  if (!v.is(Kind::Dict)) fail("can only get item pairs from a mapping");
  List out;
  for (const auto& [k, x] : v.map().entries) out.push_back(Value::seq({k, x}, SeqKind::Tuple));
  return generator(std::move(out));
}

// select / reject / selectattr / rejectattr.
Value select_items(Interpreter& in, const Value& v, Args& a, bool keep, bool by_attr) {
  size_t next = 0;
  std::string attr;
  if (by_attr) {
    if (a.pos.empty()) fail("missing parameter for attribute name");
    attr = to_str(a.pos[next++]);
  }
  std::string test;
  if (next < a.pos.size()) test = to_str(a.pos[next++]);
  Args test_args;
  test_args.pos.assign(a.pos.begin() + std::ptrdiff_t(next), a.pos.end());
  test_args.kw = a.kw;
  if (!test.empty() && !is_known_test(test)) fail("unsupported test '" + test + "'");
  List out;
  for (const Value& item : iterate(v)) {
    const Value subject = by_attr ? attr_path(item, attr) : item;
    Args call = test_args;
    const bool ok = test.empty() ? truthy(subject) : apply_test(in, test, subject, call);
    if (ok == keep) out.push_back(item);
  }
  return generator(std::move(out));
}
Value f_select(Interpreter& in, const Value& v, Args& a) { return select_items(in, v, a, true, false); }
Value f_reject(Interpreter& in, const Value& v, Args& a) { return select_items(in, v, a, false, false); }
Value f_selectattr(Interpreter& in, const Value& v, Args& a) { return select_items(in, v, a, true, true); }
Value f_rejectattr(Interpreter& in, const Value& v, Args& a) { return select_items(in, v, a, false, true); }

Value f_map(Interpreter& in, const Value& v, Args& a) {
  List out;
  if (const Value* attr = a.get(size_t(-1), "attribute")) {
    const Value* dflt = a.get(size_t(-1), "default");
    for (const Value& item : iterate(v)) {
      Value x = attr_path(item, to_str(*attr));
      out.push_back(x.is(Kind::Undefined) && dflt ? *dflt : x);
    }
    return generator(std::move(out));
  }
  if (a.pos.empty()) fail("map requires a filter name or attribute=");
  const std::string name = to_str(a.pos[0]);
  if (!is_known_filter(name)) fail("unsupported filter '" + name + "'");
  Args rest;
  rest.pos.assign(a.pos.begin() + 1, a.pos.end());
  rest.kw = a.kw;
  for (const Value& item : iterate(v)) {
    Args call = rest;
    out.push_back(apply_filter(in, name, item, call));
  }
  return generator(std::move(out));
}

Value f_abs(Interpreter&, const Value& v, Args&) {
  if (v.is(Kind::Float)) return Value::real(std::fabs(v.as_real()));
  if (v.is_integral()) return v.as_int() < 0 ? negate(v, true) : Value::integer(v.as_int());
  fail("bad operand type for abs(): '" + type_name(v) + "'");
}

// round(x, n) as Python does it: correctly rounded, ties to even on the exact binary value.
Value f_round(Interpreter&, const Value& v, Args& a) {
  const Value* p = a.get(0, "precision");
  const int64_t precision = p ? p->as_int() : 0;
  const std::string method = arg_str(a, 1, "method", "common");
  if (!v.is_number()) fail("type " + type_name(v) + " doesn't define __round__ method");
  if (method == "common" && v.is_integral() && precision >= 0) return Value::integer(v.as_int());
  if (precision < 0 || precision > 300) fail("round: unsupported precision");
  const double x = v.as_real();
  if (method == "ceil" || method == "floor") {
    const double scale = std::pow(10.0, double(precision));
    return Value::real((method == "ceil" ? std::ceil(x * scale) : std::floor(x * scale)) / scale);
  }
  if (method != "common") fail("method must be 'common', 'ceil' or 'floor'");
  if (!std::isfinite(x)) return Value::real(x);
  char buf[400];
  std::snprintf(buf, sizeof buf, "%.*f", int(precision), x);
  return Value::real(std::strtod(buf, nullptr));
}

Value f_reverse(Interpreter&, const Value& v, Args&) {
  if (v.is(Kind::Str)) {
    std::u32string u = decode_utf8(v.text());
    std::reverse(u.begin(), u.end());
    return Value::str(encode_utf8(u));
  }
  std::vector<Value> items = iterate(v);
  std::reverse(items.begin(), items.end());
  return generator(std::move(items));
}

// The sort key of jinja2's sort/unique/min/max: an attribute, lower-cased strings unless case_sensitive.
Value sort_key(const Value& item, const Value* attr, bool case_sensitive) {
  Value k = attr && !attr->is(Kind::None) ? attr_path(item, to_str(*attr)) : item;
  if (!case_sensitive && k.is(Kind::Str)) return Value::str(encode_utf8(to_lower(decode_utf8(k.text()))));
  return k;
}

Value f_sort(Interpreter&, const Value& v, Args& a) {
  a.expect_at_most("sort", 3, {"reverse", "case_sensitive", "attribute"});
  const bool reverse = arg_bool(a, 0, "reverse", false), cs = arg_bool(a, 1, "case_sensitive", false);
  const Value* attr = a.get(2, "attribute");
  std::vector<Value> items = iterate(v);
  std::vector<std::pair<Value, Value>> keyed;
  for (auto& x : items) keyed.emplace_back(sort_key(x, attr, cs), x);
  std::stable_sort(keyed.begin(), keyed.end(), [reverse](const auto& l, const auto& r) {
    return reverse ? compare(r.first, l.first) < 0 : compare(l.first, r.first) < 0;
  });
  List out;
  for (auto& [k, x] : keyed) out.push_back(std::move(x));
  return Value::seq(std::move(out));
}

Value f_unique(Interpreter&, const Value& v, Args& a) {
  const bool cs = arg_bool(a, 0, "case_sensitive", false);
  const Value* attr = a.get(1, "attribute");
  List out, seen;
  for (const Value& x : iterate(v)) {
    Value k = sort_key(x, attr, cs);
    if (std::any_of(seen.begin(), seen.end(), [&](const Value& s) { return equals(s, k); })) continue;
    seen.push_back(std::move(k));
    out.push_back(x);
  }
  return generator(std::move(out));
}

Value min_max(const Value& v, Args& a, bool want_max) {
  const bool cs = arg_bool(a, 0, "case_sensitive", false);
  const Value* attr = a.get(1, "attribute");
  const std::vector<Value> items = iterate(v);
  if (items.empty()) return Value::undefined(std::string("no ") + (want_max ? "largest" : "smallest") + " item, sequence was empty");
  size_t best = 0;
  for (size_t i = 1; i < items.size(); ++i) {
    const int c = compare(sort_key(items[i], attr, cs), sort_key(items[best], attr, cs));
    if (want_max ? c > 0 : c < 0) best = i;
  }
  return items[best];
}
Value f_min(Interpreter&, const Value& v, Args& a) { return min_max(v, a, false); }
Value f_max(Interpreter&, const Value& v, Args& a) { return min_max(v, a, true); }

Value f_sum(Interpreter&, const Value& v, Args& a) {
  const Value* attr = a.get(0, "attribute");
  const Value* start = a.get(1, "start");
  Value total = start ? *start : Value::integer(0);
  for (const Value& x : iterate(v)) total = binary_op("+", total, attr && !attr->is(Kind::None) ? attr_path(x, to_str(*attr)) : x);
  return total;
}

Value f_indent(Interpreter&, const Value& v, Args& a) {
  a.expect_at_most("indent", 3, {"width", "first", "blank"});
  const Value* w = a.get(0, "width");
  const std::string pad = w && w->is(Kind::Str) ? w->text() : std::string(size_t(w ? std::max<int64_t>(0, w->as_int()) : 4), ' ');
  const bool first = arg_bool(a, 1, "first", false), blank = arg_bool(a, 2, "blank", false);
  std::vector<std::string> lines = py_splitlines(to_str(v) + "\n");
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += "\n" + ((blank || !lines[i].empty()) ? pad : "");
    out += lines[i];
  }
  return Value::str(first ? pad + out : out);
}

Value f_replace(Interpreter&, const Value& v, Args& a) {
  a.expect_at_most("replace", 3, {"old", "new", "count"});
  const Value* count = a.get(2, "count");
  return Value::str(py_replace(to_str(v), arg_str(a, 0, "old", ""), arg_str(a, 1, "new", ""),
                               count && !count->is(Kind::None) ? count->as_int() : -1));
}

Value f_escape(Interpreter&, const Value& v, Args&) {
  std::string out;
  for (char c : to_str(v)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return Value::str(std::move(out));
}

Value f_dictsort(Interpreter&, const Value& v, Args& a) {
  const bool cs = arg_bool(a, 0, "case_sensitive", false);
  const std::string by = arg_str(a, 1, "by", "key");
  const bool reverse = arg_bool(a, 2, "reverse", false);
  if (!v.is(Kind::Dict)) fail("dictsort: a mapping is required");
  const size_t pos = by == "key" ? 0 : by == "value" ? 1 : 2;
  if (pos == 2) fail("You can only sort by either 'key' or 'value'");
  List pairs;
  for (const auto& [k, x] : v.map().entries) pairs.push_back(Value::seq({k, x}, SeqKind::Tuple));
  std::stable_sort(pairs.begin(), pairs.end(), [&](const Value& l, const Value& r) {
    const int c = compare(sort_key(l.items()[pos], nullptr, cs), sort_key(r.items()[pos], nullptr, cs));
    return reverse ? c > 0 : c < 0;
  });
  return Value::seq(std::move(pairs));
}

const std::map<std::string, FilterFn>& filters() {
  static const std::map<std::string, FilterFn> table = {
      {"trim", f_trim},         {"length", f_length},       {"count", f_length},     {"upper", f_upper},
      {"lower", f_lower},       {"capitalize", f_capitalize}, {"title", f_title},    {"string", f_string},
      {"tojson", f_tojson},     {"int", f_int},             {"float", f_float},      {"default", f_default},
      {"d", f_default},         {"join", f_join},           {"first", f_first},      {"last", f_last},
      {"list", f_list},         {"safe", f_safe},           {"items", f_items},      {"select", f_select},
      {"reject", f_reject},     {"selectattr", f_selectattr}, {"rejectattr", f_rejectattr}, {"map", f_map},
      {"abs", f_abs},           {"round", f_round},         {"reverse", f_reverse},  {"sort", f_sort},
      {"unique", f_unique},     {"min", f_min},             {"max", f_max},          {"sum", f_sum},
      {"indent", f_indent},     {"replace", f_replace},     {"e", f_escape},         {"escape", f_escape},
      {"forceescape", f_escape}, {"dictsort", f_dictsort},
  };
  return table;
}

// ------------------------------------------------------------ tests

const Value& test_arg(const Args& a) {
  if (a.pos.empty()) fail("test needs an argument");
  return a.pos[0];
}

bool t_defined(Interpreter&, const Value& v, Args&) { return !v.is(Kind::Undefined); }
bool t_undefined(Interpreter&, const Value& v, Args&) { return v.is(Kind::Undefined); }
bool t_none(Interpreter&, const Value& v, Args&) { return v.is(Kind::None); }
bool t_string(Interpreter&, const Value& v, Args&) { return v.is(Kind::Str); }
bool t_number(Interpreter&, const Value& v, Args&) { return v.is_number(); }
bool t_integer(Interpreter&, const Value& v, Args&) { return v.is(Kind::Int); }
bool t_float(Interpreter&, const Value& v, Args&) { return v.is(Kind::Float); }
bool t_boolean(Interpreter&, const Value& v, Args&) { return v.is(Kind::Bool); }
bool t_true(Interpreter&, const Value& v, Args&) { return v.is(Kind::Bool) && v.as_bool(); }
bool t_false(Interpreter&, const Value& v, Args&) { return v.is(Kind::Bool) && !v.as_bool(); }
bool t_mapping(Interpreter&, const Value& v, Args&) { return v.is(Kind::Dict); }
bool t_callable(Interpreter&, const Value& v, Args&) { return v.is(Kind::Function); }
bool t_iterable(Interpreter&, const Value& v, Args&) {
  return v.is(Kind::Undefined) || v.is(Kind::Str) || v.is(Kind::Seq) || v.is(Kind::Dict) || v.is(Kind::Loop);
}
bool t_sequence(Interpreter&, const Value& v, Args&) {
  if (v.is(Kind::Seq)) return v.seq_kind == SeqKind::List || v.seq_kind == SeqKind::Tuple || v.seq_kind == SeqKind::Range;
  return v.is(Kind::Undefined) || v.is(Kind::Str) || v.is(Kind::Dict);
}
bool t_odd(Interpreter&, const Value& v, Args&) { return equals(binary_op("%", v, Value::integer(2)), Value::integer(1)); }
bool t_even(Interpreter&, const Value& v, Args&) { return equals(binary_op("%", v, Value::integer(2)), Value::integer(0)); }
bool t_divisibleby(Interpreter&, const Value& v, Args& a) { return equals(binary_op("%", v, test_arg(a)), Value::integer(0)); }
bool t_eq(Interpreter&, const Value& v, Args& a) { return equals(v, test_arg(a)); }
bool t_ne(Interpreter&, const Value& v, Args& a) { return !equals(v, test_arg(a)); }
bool t_lt(Interpreter&, const Value& v, Args& a) { return compare(v, test_arg(a)) < 0; }
bool t_le(Interpreter&, const Value& v, Args& a) { return compare(v, test_arg(a)) <= 0; }
bool t_gt(Interpreter&, const Value& v, Args& a) { return compare(v, test_arg(a)) > 0; }
bool t_ge(Interpreter&, const Value& v, Args& a) { return compare(v, test_arg(a)) >= 0; }
bool t_in(Interpreter&, const Value& v, Args& a) { return contains(test_arg(a), v); }
// `is` identity: singletons and shared containers; equal strings and small ints count as the same object.
bool t_sameas(Interpreter&, const Value& v, Args& a) {
  const Value& o = test_arg(a);
  if (v.kind != o.kind) return false;
  if (v.is(Kind::Int)) return v.as_int() == o.as_int() && v.as_int() >= -5 && v.as_int() <= 256;
  if (v.is(Kind::Float)) return false;
  if (v.is(Kind::Seq) || v.is(Kind::Dict) || v.is(Kind::Namespace) || v.is(Kind::Function)) return v.data == o.data;
  return equals(v, o);
}
bool case_test(const Value& v, bool upper) {
  bool any = false;
  for (char32_t c : decode_utf8(to_str(v))) {
    if (!is_cased(c)) continue;
    if (upper ? !is_upper_char(c) : !is_lower_char(c)) return false;
    any = true;
  }
  return any;
}
bool t_lower(Interpreter&, const Value& v, Args&) { return case_test(v, false); }
bool t_upper(Interpreter&, const Value& v, Args&) { return case_test(v, true); }

const std::map<std::string, TestFn>& tests() {
  static const std::map<std::string, TestFn> table = {
      {"defined", t_defined}, {"undefined", t_undefined}, {"none", t_none},         {"string", t_string},
      {"number", t_number},   {"integer", t_integer},     {"float", t_float},       {"boolean", t_boolean},
      {"true", t_true},       {"false", t_false},         {"mapping", t_mapping},   {"callable", t_callable},
      {"iterable", t_iterable}, {"sequence", t_sequence}, {"odd", t_odd},           {"even", t_even},
      {"divisibleby", t_divisibleby}, {"eq", t_eq},       {"equalto", t_eq},        {"==", t_eq},
      {"ne", t_ne},           {"!=", t_ne},               {"lt", t_lt},             {"lessthan", t_lt},
      {"<", t_lt},            {"le", t_le},               {"<=", t_le},             {"gt", t_gt},
      {"greaterthan", t_gt},  {">", t_gt},                {"ge", t_ge},             {">=", t_ge},
      {"in", t_in},           {"sameas", t_sameas},       {"lower", t_lower},       {"upper", t_upper},
  };
  return table;
}

}  // namespace

bool is_known_filter(const std::string& name) { return filters().count(name) > 0; }
bool is_known_test(const std::string& name) { return tests().count(name) > 0; }

Value apply_filter(Interpreter& interp, const std::string& name, const Value& input, Args& args) {
  return filters().at(name)(interp, input, args);
}

bool apply_test(Interpreter& interp, const std::string& name, const Value& input, Args& args) {
  return tests().at(name)(interp, input, args);
}

}  // namespace apiq::chat_template_detail

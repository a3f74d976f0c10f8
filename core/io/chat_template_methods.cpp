// SPDX-License-Identifier: GPL-3.0-or-later
// Methods of str / dict / list values and the globals (range, namespace, dict, raise_exception,
// strftime_now) of the chat-template renderer. Python methods outside the subset, and those jinja2's
// immutable sandbox forbids (list.append, dict.update, ...), exist so that they shadow dict keys as in
// Python, but calling them is an error naming the method.
#include <algorithm>
#include <ctime>

#include "io/chat_template_internal.h"

namespace apiq::chat_template_detail {

namespace {

using Method = Value (*)(const Value& self, Args& a);

Value list_of(const std::vector<std::string>& parts) {
  List out;
  for (const auto& p : parts) out.push_back(Value::str(p));
  return Value::seq(std::move(out));
}

int64_t int_arg(const Args& a, size_t i, const char* name, int64_t fallback) {
  const Value* v = a.get(i, name);
  if (!v || v->is(Kind::None)) return fallback;
  if (!v->is_integral()) fail(std::string("'") + name + "' must be an integer");
  return v->as_int();
}

const std::string& str_arg(const Args& a, size_t i, const char* name) {
  const Value* v = a.get(i, name);
  if (!v || !v->is(Kind::Str)) fail(std::string("argument '") + name + "' must be a string");
  return v->text();
}

// startswith / endswith take a string or a tuple of strings.
bool affix_match(const Value& self, const Args& a, bool at_end) {
  const Value* what = a.get(0, "prefix");
  if (!what) fail("startswith/endswith need an argument");
  std::vector<Value> options = what->is(Kind::Seq) && what->seq_kind == SeqKind::Tuple ? what->items() : List{*what};
  const std::string& s = self.text();
  for (const Value& o : options) {
    if (!o.is(Kind::Str)) fail("startswith/endswith first arg must be str or a tuple of str");
    const std::string& p = o.text();
    if (p.size() <= s.size() && s.compare(at_end ? s.size() - p.size() : 0, p.size(), p) == 0) return true;
  }
  return false;
}

Value s_strip(const Value& s, Args& a) { return Value::str(py_strip(s.text(), a.get(0, "chars"), true, true)); }
Value s_lstrip(const Value& s, Args& a) { return Value::str(py_strip(s.text(), a.get(0, "chars"), true, false)); }
Value s_rstrip(const Value& s, Args& a) { return Value::str(py_strip(s.text(), a.get(0, "chars"), false, true)); }
Value s_split(const Value& s, Args& a) {
  return list_of(py_split(s.text(), a.get(0, "sep"), int_arg(a, 1, "maxsplit", -1), false));
}
Value s_rsplit(const Value& s, Args& a) {
  return list_of(py_split(s.text(), a.get(0, "sep"), int_arg(a, 1, "maxsplit", -1), true));
}
Value s_splitlines(const Value& s, Args&) { return list_of(py_splitlines(s.text())); }
Value s_startswith(const Value& s, Args& a) { return Value::boolean(affix_match(s, a, false)); }
Value s_endswith(const Value& s, Args& a) { return Value::boolean(affix_match(s, a, true)); }
Value s_upper(const Value& s, Args&) { return Value::str(encode_utf8(to_upper(decode_utf8(s.text())))); }
Value s_lower(const Value& s, Args&) { return Value::str(encode_utf8(to_lower(decode_utf8(s.text())))); }
Value s_title(const Value& s, Args&) { return Value::str(py_title(s.text())); }
Value s_capitalize(const Value& s, Args&) { return Value::str(py_capitalize(s.text())); }
Value s_replace(const Value& s, Args& a) {
  return Value::str(py_replace(s.text(), str_arg(a, 0, "old"), str_arg(a, 1, "new"), int_arg(a, 2, "count", -1)));
}
Value s_find_impl(const Value& s, Args& a, bool from_right) {
  const std::string& needle = str_arg(a, 0, "sub");
  const size_t at = from_right ? s.text().rfind(needle) : s.text().find(needle);
  if (at == std::string::npos) return Value::integer(-1);
  return Value::integer(int64_t(decode_utf8(s.text().substr(0, at)).size()));  // in characters
}
Value s_find(const Value& s, Args& a) { return s_find_impl(s, a, false); }
Value s_rfind(const Value& s, Args& a) { return s_find_impl(s, a, true); }
Value s_count(const Value& s, Args& a) {
  const std::string& needle = str_arg(a, 0, "sub");
  if (needle.empty()) return Value::integer(int64_t(decode_utf8(s.text()).size()) + 1);
  int64_t n = 0;
  for (size_t at = s.text().find(needle); at != std::string::npos; at = s.text().find(needle, at + needle.size())) ++n;
  return Value::integer(n);
}
Value s_join(const Value& s, Args& a) {
  if (a.pos.empty()) fail("join() takes exactly one argument");
  std::string out;
  bool first = true;
  for (const Value& x : iterate(a.pos[0])) {
    if (!x.is(Kind::Str)) fail("sequence item: expected str instance, " + type_name(x) + " found");
    out += (first ? "" : s.text()) + x.text();
    first = false;
  }
  return Value::str(std::move(out));
}
Value s_removeprefix(const Value& s, Args& a) {
  const std::string& p = str_arg(a, 0, "prefix");
  return Value::str(s.text().compare(0, p.size(), p) == 0 ? s.text().substr(p.size()) : s.text());
}
Value s_removesuffix(const Value& s, Args& a) {
  const std::string& p = str_arg(a, 0, "suffix");
  const std::string& t = s.text();
  const bool has = !p.empty() && p.size() <= t.size() && t.compare(t.size() - p.size(), p.size(), p) == 0;
  return Value::str(has ? t.substr(0, t.size() - p.size()) : t);
}
template <bool (*Pred)(char32_t)>
Value s_is(const Value& s, Args&) {
  const std::u32string u = decode_utf8(s.text());
  return Value::boolean(!u.empty() && std::all_of(u.begin(), u.end(), Pred));
}
bool ascii_digit(char32_t c) { return c >= '0' && c <= '9'; }
bool letter(char32_t c) { return is_cased(c) || (c >= 0x3040 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF); }
bool alnum(char32_t c) { return letter(c) || ascii_digit(c); }
Value s_isupper(const Value& s, Args&) {
  const std::u32string u = decode_utf8(s.text());
  return Value::boolean(std::any_of(u.begin(), u.end(), is_cased) &&
                        std::none_of(u.begin(), u.end(), [](char32_t c) { return is_cased(c) && !is_upper_char(c); }));
}
Value s_islower(const Value& s, Args&) {
  const std::u32string u = decode_utf8(s.text());
  return Value::boolean(std::any_of(u.begin(), u.end(), is_cased) &&
                        std::none_of(u.begin(), u.end(), [](char32_t c) { return is_cased(c) && !is_lower_char(c); }));
}

Value d_items(const Value& d, Args&) {
  List out;
  for (const auto& [k, v] : d.map().entries) out.push_back(Value::seq({k, v}, SeqKind::Tuple));
  return Value::seq(std::move(out), SeqKind::Items);
}
Value d_keys(const Value& d, Args&) {
  List out;
  for (const auto& e : d.map().entries) out.push_back(e.first);
  return Value::seq(std::move(out), SeqKind::Keys);
}
Value d_values(const Value& d, Args&) {
  List out;
  for (const auto& e : d.map().entries) out.push_back(e.second);
  return Value::seq(std::move(out), SeqKind::Values);
}
Value d_get(const Value& d, Args& a) {
  if (a.pos.empty()) fail("get expected at least 1 argument");
  if (const Value* v = d.map().find(a.pos[0])) return *v;
  return a.pos.size() > 1 ? a.pos[1] : Value::none();
}

Value l_count(const Value& l, Args& a) {
  if (a.pos.empty()) fail("count() takes exactly one argument");
  return Value::integer(std::count_if(l.items().begin(), l.items().end(), [&](const Value& x) { return equals(x, a.pos[0]); }));
}
Value l_index(const Value& l, Args& a) {
  if (a.pos.empty()) fail("index() takes at least one argument");
  for (size_t i = 0; i < l.items().size(); ++i)
    if (equals(l.items()[i], a.pos[0])) return Value::integer(int64_t(i));
  fail(to_repr(a.pos[0]) + " is not in list");
}

const std::vector<std::pair<std::string, Method>>& str_methods() {
  static const std::vector<std::pair<std::string, Method>> t = {
      {"strip", s_strip}, {"lstrip", s_lstrip}, {"rstrip", s_rstrip}, {"split", s_split}, {"rsplit", s_rsplit},
      {"splitlines", s_splitlines}, {"startswith", s_startswith}, {"endswith", s_endswith}, {"upper", s_upper},
      {"lower", s_lower}, {"title", s_title}, {"capitalize", s_capitalize}, {"replace", s_replace},
      {"find", s_find}, {"rfind", s_rfind}, {"count", s_count}, {"join", s_join},
      {"removeprefix", s_removeprefix}, {"removesuffix", s_removesuffix}, {"isdigit", s_is<ascii_digit>},
      {"isalpha", s_is<letter>}, {"isalnum", s_is<alnum>}, {"isspace", s_is<is_py_space>},
      {"isupper", s_isupper}, {"islower", s_islower},
  };
  return t;
}

const char* const kOtherStrMethods[] = {"format", "format_map", "encode", "center", "ljust", "rjust", "zfill",
                                        "partition", "rpartition", "expandtabs", "casefold", "swapcase",
                                        "translate", "maketrans", "isdecimal", "isnumeric", "isidentifier",
                                        "isprintable", "istitle", "isascii", "index", "rindex"};
const char* const kOtherDictMethods[] = {"clear", "copy", "fromkeys", "pop", "popitem", "setdefault", "update"};
const char* const kOtherListMethods[] = {"append", "extend", "insert", "pop", "remove", "reverse", "sort", "clear",
                                         "copy"};

template <size_t N>
bool listed(const char* const (&names)[N], const std::string& name) {
  return std::find_if(std::begin(names), std::end(names), [&](const char* n) { return name == n; }) != std::end(names);
}

Value bound_method(const Value& self, const std::string& qualified, Method m) {
  return Value::function(qualified, [self, m](Args& a) { return m(self, a); });
}

Value refused(const std::string& qualified) {
  return Value::function(qualified, [qualified](Args&) -> Value { fail("unsupported method " + qualified + "()"); });
}

}  // namespace

Value method_of(const Value& self, const std::string& name) {
  const std::string type = type_name(self);
  if (self.is(Kind::Str)) {
    for (const auto& [n, m] : str_methods())
      if (n == name) return bound_method(self, "str." + name, m);
    if (listed(kOtherStrMethods, name)) return refused("str." + name);
  } else if (self.is(Kind::Dict)) {
    if (name == "items") return bound_method(self, "dict.items", d_items);
    if (name == "keys") return bound_method(self, "dict.keys", d_keys);
    if (name == "values") return bound_method(self, "dict.values", d_values);
    if (name == "get") return bound_method(self, "dict.get", d_get);
    if (listed(kOtherDictMethods, name)) return refused("dict." + name);
  } else if (self.is(Kind::Seq) && (self.seq_kind == SeqKind::List || self.seq_kind == SeqKind::Tuple)) {
    if (name == "count") return bound_method(self, type + ".count", l_count);
    if (name == "index") return bound_method(self, type + ".index", l_index);
    if (self.seq_kind == SeqKind::List && listed(kOtherListMethods, name)) return refused("list." + name);
  }
  return Value::undefined("'" + type + " object' has no attribute '" + name + "'");
}

namespace {

Value g_range(Args& a) {
  if (!a.kw.empty() || a.pos.empty() || a.pos.size() > 3) fail("range expects 1 to 3 integer arguments");
  for (const Value& v : a.pos)
    if (!v.is_integral()) fail("'" + type_name(v) + "' object cannot be interpreted as an integer");
  const int64_t start = a.pos.size() > 1 ? a.pos[0].as_int() : 0;
  const int64_t stop = a.pos.size() > 1 ? a.pos[1].as_int() : a.pos[0].as_int();
  const int64_t step = a.pos.size() > 2 ? a.pos[2].as_int() : 1;
  if (step == 0) fail("range() arg 3 must not be zero");
  List items;
  for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
    if (items.size() >= 100000) fail("Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
    items.push_back(Value::integer(i));
  }
  Value r = Value::seq(std::move(items), SeqKind::Range);
  r.range[0] = start, r.range[1] = stop, r.range[2] = step;
  return r;
}

// dict(*args, **kwargs) as Python builds it: a mapping or pairs, then keywords.
std::vector<std::pair<Value, Value>> dict_entries(const Args& a) {
  std::vector<std::pair<Value, Value>> out;
  auto put = [&](Value k, Value v) {
    for (auto& e : out)
      if (equals(e.first, k)) {
        e.second = std::move(v);
        return;
      }
    out.emplace_back(std::move(k), std::move(v));
  };
  if (a.pos.size() > 1) fail("dict expected at most 1 argument");
  if (!a.pos.empty()) {
    if (a.pos[0].is(Kind::Dict)) {
      for (const auto& e : a.pos[0].map().entries) put(e.first, e.second);
    } else {
      for (const Value& pair : iterate(a.pos[0])) {
        const std::vector<Value> kv = iterate(pair);
        if (kv.size() != 2) fail("dictionary update sequence element has length " + std::to_string(kv.size()) + "; 2 is required");
        put(kv[0], kv[1]);
      }
    }
  }
  for (const auto& [k, v] : a.kw) put(Value::str(k), v);
  return out;
}

Value g_namespace(Args& a) {
  auto ns = std::make_shared<Namespace>();
  for (auto& [k, v] : dict_entries(a)) {
    if (!k.is(Kind::Str)) fail("namespace attribute names must be strings");
    if (!k.text().empty() && k.text()[0] == '_')
      fail("cannot store the underscore-prefixed attribute '" + k.text() + "' on a namespace");
    ns->attrs.emplace_back(k.text(), std::move(v));
  }
  Value v;
  v.kind = Kind::Namespace;
  v.data = std::move(ns);
  return v;
}

Value g_dict(Args& a) {
  auto d = std::make_shared<Dict>();
  d->entries = dict_entries(a);
  return Value::dict(std::move(d));
}

Value g_raise(Args& a) {
  const Value* msg = a.get(0, "message");
  throw RaisedError(msg ? to_str(*msg) : "");
}

Value g_strftime_now(Args& a) {
  const Value* fmt = a.get(0, "format");
  if (!fmt || !fmt->is(Kind::Str)) fail("strftime_now expects a format string");
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char buf[512];
  const size_t n = std::strftime(buf, sizeof buf, fmt->text().c_str(), &local);
  return Value::str(std::string(buf, n));
}

}  // namespace

void add_globals(Scope& scope) {
  scope.vars["range"] = Value::function("range", g_range);
  scope.vars["namespace"] = Value::function("namespace", g_namespace);
  scope.vars["dict"] = Value::function("dict", g_dict);
  scope.vars["raise_exception"] = Value::function("raise_exception", g_raise);
  scope.vars["strftime_now"] = Value::function("strftime_now", g_strftime_now);
  for (const char* name : {"lipsum", "cycler", "joiner"})
    scope.vars[name] = Value::function(name, [n = std::string(name)](Args&) -> Value { fail("unsupported global " + n + "()"); });
}

}  // namespace apiq::chat_template_detail

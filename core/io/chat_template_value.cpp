// SPDX-License-Identifier: GPL-3.0-or-later
// Values of the chat-template renderer with Python's semantics: str/repr, truth, equality, ordering,
// membership, length and iteration, JSON in and out (as json.loads / json.dumps do it).
#include <charconv>
#include <cmath>

#include "io/chat_template_internal.h"

namespace apiq::chat_template_detail {

void fail(const std::string& what) { throw RenderError(what); }

Value Value::undefined(std::string message) {
  Value v;
  v.data = std::move(message);
  return v;
}
Value Value::none() {
  Value v;
  v.kind = Kind::None;
  return v;
}
Value Value::boolean(bool b) {
  Value v;
  v.kind = Kind::Bool;
  v.data = b;
  return v;
}
Value Value::integer(int64_t i) {
  Value v;
  v.kind = Kind::Int;
  v.data = i;
  return v;
}
Value Value::real(double d) {
  Value v;
  v.kind = Kind::Float;
  v.data = d;
  return v;
}
Value Value::str(std::string s) {
  Value v;
  v.kind = Kind::Str;
  v.data = std::move(s);
  return v;
}
Value Value::seq(List items, SeqKind kind) {
  Value v;
  v.kind = Kind::Seq;
  v.seq_kind = kind;
  v.data = std::make_shared<const List>(std::move(items));
  return v;
}
Value Value::dict(std::shared_ptr<const Dict> d) {
  Value v;
  v.kind = Kind::Dict;
  v.data = std::move(d);
  return v;
}
Value Value::function(std::string name, std::function<Value(Args&)> fn) {
  Value v;
  v.kind = Kind::Function;
  v.data = std::make_shared<const Function>(Function{std::move(name), std::move(fn)});
  return v;
}

const Value* Dict::find(const Value& key) const {
  for (const auto& [k, v] : entries)
    if (equals(k, key)) return &v;
  return nullptr;
}
const Value* Dict::find(const std::string& key) const {
  for (const auto& [k, v] : entries)
    if (k.is(Kind::Str) && k.text() == key) return &v;
  return nullptr;
}
Value* Namespace::find(const std::string& name) {
  for (auto& [k, v] : attrs)
    if (k == name) return &v;
  return nullptr;
}

const Value* Args::get(size_t i, const char* name) const {
  if (i < pos.size()) return &pos[i];
  for (const auto& [k, v] : kw)
    if (k == name) return &v;
  return nullptr;
}

void Args::expect_at_most(const char* what, size_t n_params, std::initializer_list<const char*> names) const {
  if (pos.size() > n_params) fail(std::string(what) + " got too many positional arguments");
  for (const auto& [k, v] : kw) {
    bool known = false;
    for (const char* n : names) known = known || k == n;
    if (!known) fail(std::string(what) + " got an unexpected keyword argument '" + k + "'");
  }
}

const Value& require_defined(const Value& v) {
  if (v.is(Kind::Undefined)) fail(v.text());
  return v;
}

std::string type_name(const Value& v) {
  switch (v.kind) {
    case Kind::Undefined: return "Undefined";
    case Kind::None: return "NoneType";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::Float: return "float";
    case Kind::Str: return "str";
    case Kind::Dict: return "dict";
    case Kind::Namespace: return "Namespace";
    case Kind::Loop: return "LoopContext";
    case Kind::Function: return "function";
    case Kind::Seq: break;
  }
  switch (v.seq_kind) {
    case SeqKind::List: return "list";
    case SeqKind::Tuple: return "tuple";
    case SeqKind::Generator: return "generator";
    case SeqKind::Range: return "range";
    case SeqKind::Keys: return "dict_keys";
    case SeqKind::Values: return "dict_values";
    case SeqKind::Items: return "dict_items";
  }
  return "object";
}

bool truthy(const Value& v) {
  switch (v.kind) {
    case Kind::Undefined:
    case Kind::None: return false;
    case Kind::Bool: return v.as_bool();
    case Kind::Int: return v.as_int() != 0;
    case Kind::Float: return v.as_real() != 0.0;
    case Kind::Str: return !v.text().empty();
    case Kind::Seq: return v.seq_kind == SeqKind::Generator || !v.items().empty();
    case Kind::Dict: return !v.map().entries.empty();
    default: return true;
  }
}

// Python's float repr: the shortest digits that round-trip, in fixed notation for exponents -4..15.
std::string format_float(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  const size_t e_at = sci.find('e');
  std::string mantissa = sci.substr(0, e_at);
  const int exp = std::stoi(sci.substr(e_at + 1));
  std::string sign;
  if (mantissa[0] == '-') sign = "-", mantissa.erase(0, 1);
  std::string digits;
  for (char c : mantissa)
    if (c != '.') digits += c;
  if (exp < -4 || exp >= 16) {
    std::string out = sign + digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    const int a = std::abs(exp);
    return out + (exp < 0 ? "e-" : "e+") + (a < 10 ? "0" : "") + std::to_string(a);
  }
  if (exp < 0) return sign + "0." + std::string(size_t(-exp - 1), '0') + digits;
  const size_t int_digits = size_t(exp) + 1;
  if (digits.size() <= int_digits) return sign + digits + std::string(int_digits - digits.size(), '0') + ".0";
  return sign + digits.substr(0, int_digits) + "." + digits.substr(int_digits);
}

namespace {

std::string join_repr(const List& items, const char* open, const char* close, bool one_tuple) {
  std::string out = open;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + to_repr(items[i]);
  if (one_tuple && items.size() == 1) out += ",";
  return out + close;
}

std::string dict_repr(const Dict& d) {
  std::string out = "{";
  for (size_t i = 0; i < d.entries.size(); ++i)
    out += (i ? ", " : "") + to_repr(d.entries[i].first) + ": " + to_repr(d.entries[i].second);
  return out + "}";
}

std::string seq_repr(const Value& v) {
  switch (v.seq_kind) {
    case SeqKind::List: return join_repr(v.items(), "[", "]", false);
    case SeqKind::Tuple: return join_repr(v.items(), "(", ")", true);
    case SeqKind::Generator: return "<generator object>";
    case SeqKind::Keys: return join_repr(v.items(), "dict_keys([", "])", false);
    case SeqKind::Values: return join_repr(v.items(), "dict_values([", "])", false);
    case SeqKind::Items: return join_repr(v.items(), "dict_items([", "])", false);
    case SeqKind::Range: break;
  }
  std::string out = "range(" + std::to_string(v.range[0]) + ", " + std::to_string(v.range[1]);
  if (v.range[2] != 1) out += ", " + std::to_string(v.range[2]);
  return out + ")";
}

}  // namespace

std::string to_repr(const Value& v) {
  switch (v.kind) {
    case Kind::Undefined: return "Undefined";
    case Kind::None: return "None";
    case Kind::Bool: return v.as_bool() ? "True" : "False";
    case Kind::Int: return std::to_string(v.as_int());
    case Kind::Float: return format_float(v.as_real());
    case Kind::Str: return repr_string(v.text());
    case Kind::Seq: return seq_repr(v);
    case Kind::Dict: return dict_repr(v.map());
    case Kind::Namespace: {
      Dict d;
      for (const auto& [k, x] : v.ns().attrs) d.entries.emplace_back(Value::str(k), x);
      return "<Namespace " + dict_repr(d) + ">";
    }
    case Kind::Loop:
      return "<LoopContext " + std::to_string(v.loop().index0 + 1) + "/" + std::to_string(v.loop().items->size()) +
             ">";
    case Kind::Function: return "<function " + v.fn().name + ">";
  }
  return "";
}

std::string to_str(const Value& v) {
  if (v.is(Kind::Str)) return v.text();
  if (v.is(Kind::Undefined)) return "";
  return to_repr(v);
}

bool equals(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is(Kind::Float) || b.is(Kind::Float)) return a.as_real() == b.as_real();
    return a.as_int() == b.as_int();
  }
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Kind::Undefined:
    case Kind::None: return true;
    case Kind::Str: return a.text() == b.text();
    case Kind::Seq: {
      if (a.seq_kind != b.seq_kind || a.seq_kind == SeqKind::Generator) return false;
      const List &x = a.items(), &y = b.items();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i)
        if (!equals(x[i], y[i])) return false;
      return true;
    }
    case Kind::Dict: {
      const Dict &x = a.map(), &y = b.map();
      if (x.entries.size() != y.entries.size()) return false;
      for (const auto& [k, v] : x.entries) {
        const Value* other = y.find(k);
        if (!other || !equals(v, *other)) return false;
      }
      return true;
    }
    case Kind::Namespace: return &a.ns() == &b.ns();
    case Kind::Loop: return &a.loop() == &b.loop();
    case Kind::Function: return &a.fn() == &b.fn();
    default: return false;
  }
}

int compare(const Value& a, const Value& b) {
  require_defined(a);
  require_defined(b);
  if (a.is_number() && b.is_number()) {
    if (a.is(Kind::Float) || b.is(Kind::Float)) {
      const double x = a.as_real(), y = b.as_real();
      return x < y ? -1 : x > y ? 1 : 0;  // NaN compares as equal here; Python says False both ways
    }
    return a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int() ? 1 : 0;
  }
  if (a.is(Kind::Str) && b.is(Kind::Str)) return a.text().compare(b.text()) < 0 ? -1 : a.text() == b.text() ? 0 : 1;
  const bool ordered_seq = [](const Value& v) {
    return v.is(Kind::Seq) && (v.seq_kind == SeqKind::List || v.seq_kind == SeqKind::Tuple);
  }(a);
  if (ordered_seq && b.is(Kind::Seq) && a.seq_kind == b.seq_kind) {
    const List &x = a.items(), &y = b.items();
    for (size_t i = 0; i < x.size() && i < y.size(); ++i)
      if (!equals(x[i], y[i])) return compare(x[i], y[i]);
    return x.size() < y.size() ? -1 : x.size() > y.size() ? 1 : 0;
  }
  fail("'<' not supported between instances of '" + type_name(a) + "' and '" + type_name(b) + "'");
}

bool contains(const Value& container, const Value& item) {
  switch (container.kind) {
    case Kind::Undefined: return false;
    case Kind::Str:
      if (!item.is(Kind::Str)) fail("'in <string>' requires string as left operand, not " + type_name(item));
      return container.text().find(item.text()) != std::string::npos;
    case Kind::Seq:
      for (const auto& x : container.items())
        if (equals(x, item)) return true;
      return false;
    case Kind::Dict: return container.map().find(item) != nullptr;
    default: fail("argument of type '" + type_name(container) + "' is not iterable");
  }
}

std::vector<Value> iterate(const Value& v) {
  switch (v.kind) {
    case Kind::Undefined: return {};
    case Kind::Str: {
      std::vector<Value> out;
      for (char32_t c : decode_utf8(v.text())) {
        std::string s;
        append_utf8(s, c);
        out.push_back(Value::str(std::move(s)));
      }
      return out;
    }
    case Kind::Seq: return v.items();
    case Kind::Dict: {
      std::vector<Value> out;
      for (const auto& e : v.map().entries) out.push_back(e.first);
      return out;
    }
    case Kind::Loop: return *v.loop().items;
    default: fail("'" + type_name(v) + "' object is not iterable");
  }
}

int64_t length(const Value& v) {
  switch (v.kind) {
    case Kind::Undefined: return 0;
    case Kind::Str: return int64_t(decode_utf8(v.text()).size());
    case Kind::Seq:
      if (v.seq_kind == SeqKind::Generator) fail("object of type 'generator' has no len()");
      return int64_t(v.items().size());
    case Kind::Dict: return int64_t(v.map().entries.size());
    case Kind::Loop: return int64_t(v.loop().items->size());
    default: fail("object of type '" + type_name(v) + "' has no len()");
  }
}

namespace {

template <class J>
Value from_json_impl(const J& j) {
  switch (j.type()) {
    case J::value_t::null: return Value::none();
    case J::value_t::boolean: return Value::boolean(j.template get<bool>());
    case J::value_t::number_integer: return Value::integer(j.template get<int64_t>());
    case J::value_t::number_unsigned: {
      const uint64_t u = j.template get<uint64_t>();
      if (u > uint64_t(INT64_MAX)) fail("integer too large in the context: " + std::to_string(u));
      return Value::integer(int64_t(u));
    }
    case J::value_t::number_float: return Value::real(j.template get<double>());
    case J::value_t::string: return Value::str(j.template get<std::string>());
    case J::value_t::array: {
      List items;
      for (const auto& x : j) items.push_back(from_json_impl(x));
      return Value::seq(std::move(items));
    }
    case J::value_t::object: {
      auto d = std::make_shared<Dict>();
      for (auto it = j.begin(); it != j.end(); ++it) d->entries.emplace_back(Value::str(it.key()), from_json_impl(*it));
      return Value::dict(std::move(d));
    }
    default: fail("unsupported value in the context (binary data)");
  }
}

void json_string(std::string& out, const std::string& s, bool ensure_ascii) {
  static const char* hex = "0123456789abcdef";
  auto u4 = [&](char32_t c) {
    out += "\\u";
    for (int k = 3; k >= 0; --k) out += hex[(c >> (4 * k)) & 0xF];
  };
  out += '"';
  for (char32_t c : decode_utf8(s)) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20 || (ensure_ascii && c >= 0x7F && c < 0x10000)) {
          u4(c);
        } else if (ensure_ascii && c >= 0x10000) {
          u4(0xD800 + ((c - 0x10000) >> 10));
          u4(0xDC00 + ((c - 0x10000) & 0x3FF));
        } else {
          append_utf8(out, c);
        }
    }
  }
  out += '"';
}

std::string json_key(const Value& k, const JsonStyle& style) {
  std::string out;
  switch (k.kind) {
    case Kind::Str: json_string(out, k.text(), style.ensure_ascii); return out;
    case Kind::None: return "\"null\"";
    case Kind::Bool: return k.as_bool() ? "\"true\"" : "\"false\"";
    case Kind::Int: return "\"" + std::to_string(k.as_int()) + "\"";
    case Kind::Float: return "\"" + to_json(k, style) + "\"";
    default: fail("keys must be str, int, float, bool or None, not " + type_name(k));
  }
}

void json_value(std::string& out, const Value& v, const JsonStyle& style, int level);

void json_newline(std::string& out, const JsonStyle& style, int level) {
  out += '\n';
  for (int i = 0; i < level; ++i) out += style.indent;
}

void json_container(std::string& out, const Value& v, const JsonStyle& style, int level) {
  const bool is_dict = v.is(Kind::Dict);
  const size_t n = is_dict ? v.map().entries.size() : v.items().size();
  if (n == 0) {
    out += is_dict ? "{}" : "[]";
    return;
  }
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  if (is_dict && style.sort_keys)
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return compare(v.map().entries[a].first, v.map().entries[b].first) < 0;
    });
  out += is_dict ? '{' : '[';
  for (size_t i = 0; i < n; ++i) {
    if (i) out += style.item_sep;
    if (style.indent_set) json_newline(out, style, level + 1);
    if (is_dict) {
      const auto& e = v.map().entries[order[i]];
      out += json_key(e.first, style) + style.key_sep;
      json_value(out, e.second, style, level + 1);
    } else {
      json_value(out, v.items()[i], style, level + 1);
    }
  }
  if (style.indent_set) json_newline(out, style, level);
  out += is_dict ? '}' : ']';
}

void json_value(std::string& out, const Value& v, const JsonStyle& style, int level) {
  switch (v.kind) {
    case Kind::None: out += "null"; return;
    case Kind::Bool: out += v.as_bool() ? "true" : "false"; return;
    case Kind::Int: out += std::to_string(v.as_int()); return;
    case Kind::Float: {
      const double d = v.as_real();
      out += std::isnan(d) ? "NaN" : std::isinf(d) ? (d < 0 ? "-Infinity" : "Infinity") : format_float(d);
      return;
    }
    case Kind::Str: json_string(out, v.text(), style.ensure_ascii); return;
    case Kind::Dict: json_container(out, v, style, level); return;
    case Kind::Seq:
      if (v.seq_kind == SeqKind::List || v.seq_kind == SeqKind::Tuple) {
        json_container(out, v, style, level);
        return;
      }
      break;
    default: break;
  }
  fail("Object of type " + type_name(v) + " is not JSON serializable");
}

}  // namespace

Value from_json(const nlohmann::ordered_json& j) { return from_json_impl(j); }
Value from_json(const nlohmann::json& j) { return from_json_impl(j); }

std::string to_json(const Value& v, const JsonStyle& style) {
  std::string out;
  json_value(out, v, style, 0);
  return out;
}

}  // namespace apiq::chat_template_detail

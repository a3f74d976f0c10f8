// SPDX-License-Identifier: GPL-3.0-or-later
// Arithmetic of the chat-template renderer with Python's rules (int/float promotion, floor division and
// modulo toward -inf, str and list repetition, printf-style `str % args`). Python's ints are unbounded;
// ours are 64-bit and overflow is an error rather than a wrong number.
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "io/chat_template_internal.h"

namespace apiq::chat_template_detail {

namespace {

[[noreturn]] void bad_operands(const std::string& op, const Value& a, const Value& b) {
  fail("unsupported operand type(s) for " + op + ": '" + type_name(a) + "' and '" + type_name(b) + "'");
}

[[noreturn]] void overflow() { fail("integer overflow (Python would use a big integer)"); }

int64_t int_op(char op, int64_t x, int64_t y) {
  int64_t r = 0;
  const bool over = op == '+' ? __builtin_add_overflow(x, y, &r)
                    : op == '-' ? __builtin_sub_overflow(x, y, &r)
                                : __builtin_mul_overflow(x, y, &r);
  if (over) overflow();
  return r;
}

Value repeat(const Value& what, int64_t n) {
  const size_t unit = what.is(Kind::Str) ? what.text().size() : what.items().size();
  if (n > 0 && unit > 0 && uint64_t(n) > (uint64_t(1) << 28) / unit) fail("repetition result too large");
  if (what.is(Kind::Str)) {
    std::string out;
    for (int64_t i = 0; i < n; ++i) out += what.text();
    return Value::str(std::move(out));
  }
  List out;
  for (int64_t i = 0; i < n; ++i) out.insert(out.end(), what.items().begin(), what.items().end());
  return Value::seq(std::move(out), what.seq_kind);
}

bool repeatable(const Value& v) {
  return v.is(Kind::Str) || (v.is(Kind::Seq) && (v.seq_kind == SeqKind::List || v.seq_kind == SeqKind::Tuple));
}

// Python's float divmod.
std::pair<double, double> float_divmod(double x, double y) {
  if (y == 0.0) fail("float division by zero");
  double mod = std::fmod(x, y);
  double div = (x - mod) / y;
  if (mod != 0.0) {
    if ((y < 0) != (mod < 0)) {
      mod += y;
      div -= 1.0;
    }
  } else {
    mod = std::copysign(0.0, y);
  }
  double floordiv;
  if (div != 0.0) {
    floordiv = std::floor(div);
    if (div - floordiv > 0.5) floordiv += 1.0;
  } else {
    floordiv = std::copysign(0.0, x / y);
  }
  return {floordiv, mod};
}

std::pair<int64_t, int64_t> int_divmod(int64_t x, int64_t y) {
  if (y == 0) fail("integer division or modulo by zero");
  if (x == INT64_MIN && y == -1) overflow();
  int64_t q = x / y, r = x % y;
  if (r != 0 && ((r < 0) != (y < 0))) r += y, q -= 1;
  return {q, r};
}

Value power(const Value& a, const Value& b) {
  if (a.is_integral() && b.is_integral() && b.as_int() >= 0) {
    int64_t base = a.as_int(), e = b.as_int(), r = 1;
    while (e > 0) {
      if (e & 1) r = int_op('*', r, base);
      e >>= 1;
      if (e > 0) base = int_op('*', base, base);
    }
    return Value::integer(r);
  }
  if (a.as_real() == 0.0 && b.as_real() < 0) fail("0.0 cannot be raised to a negative power");
  return Value::real(std::pow(a.as_real(), b.as_real()));
}

Value arithmetic(const std::string& op, const Value& a, const Value& b) {
  const bool ints = a.is_integral() && b.is_integral();
  const int64_t x = ints ? a.as_int() : 0, y = ints ? b.as_int() : 0;
  if (op == "+" || op == "-" || op == "*") {
    if (ints) return Value::integer(int_op(op[0], x, y));
    const double p = a.as_real(), q = b.as_real();
    return Value::real(op == "+" ? p + q : op == "-" ? p - q : p * q);
  }
  if (op == "/") {
    if (b.as_real() == 0.0) fail("division by zero");
    return Value::real(a.as_real() / b.as_real());
  }
  if (op == "//") return ints ? Value::integer(int_divmod(x, y).first) : Value::real(float_divmod(a.as_real(), b.as_real()).first);
  if (op == "%") return ints ? Value::integer(int_divmod(x, y).second) : Value::real(float_divmod(a.as_real(), b.as_real()).second);
  return power(a, b);
}

// One conversion of printf-style formatting: flags, width and precision as C has them.
std::string format_one(const std::string& spec, char conv, const Value& v) {
  char buf[512];
  std::string f = "%" + spec;
  if (conv == 's' || conv == 'r' || conv == 'a') {
    // Width and precision count characters, so pad here rather than with snprintf.
    std::u32string s = decode_utf8(conv == 's' ? to_str(v) : to_repr(v));
    const size_t dot = spec.find('.');
    const std::string flags_width = spec.substr(0, dot);
    if (dot != std::string::npos) s = s.substr(0, size_t(std::atoi(spec.c_str() + dot + 1)));
    const size_t digits = flags_width.find_first_of("123456789");
    const size_t width = digits == std::string::npos ? 0 : size_t(std::atoi(flags_width.c_str() + digits));
    const std::u32string pad(width > s.size() ? width - s.size() : 0, U' ');
    return encode_utf8(flags_width.find('-') != std::string::npos ? s + pad : pad + s);
  }
  if (!v.is_number()) fail("%" + std::string(1, conv) + " format: a real number is required, not " + type_name(v));
  if (conv == 'd' || conv == 'i' || conv == 'x' || conv == 'X' || conv == 'o') {
    const int64_t n = v.is(Kind::Float) ? int64_t(std::trunc(v.as_real())) : v.as_int();
    std::snprintf(buf, sizeof buf, (f + "ll" + (conv == 'i' ? 'd' : conv)).c_str(), static_cast<long long>(n));
    return buf;
  }
  std::snprintf(buf, sizeof buf, (f + conv).c_str(), v.as_real());
  return buf;
}

}  // namespace

Value percent_format(const std::string& fmt, const Value& args) {
  const bool is_tuple = args.is(Kind::Seq) && args.seq_kind == SeqKind::Tuple;
  const List single{args};
  const List& values = is_tuple ? args.items() : single;
  size_t next = 0;
  std::string out;
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') {
      out += fmt[i];
      continue;
    }
    size_t j = i + 1;
    std::string key;
    if (j < fmt.size() && fmt[j] == '(') {
      const size_t close = fmt.find(')', j);
      if (close == std::string::npos) fail("incomplete format key");
      key = fmt.substr(j + 1, close - j - 1);
      j = close + 1;
    }
    const size_t spec_begin = j;
    while (j < fmt.size() && std::string("-+ #0123456789.").find(fmt[j]) != std::string::npos) ++j;
    if (j >= fmt.size()) fail("incomplete format");
    const char conv = fmt[j];
    const std::string spec = fmt.substr(spec_begin, j - spec_begin);
    if (spec.find('*') != std::string::npos || std::string("sradixXoeEfFgG%").find(conv) == std::string::npos)
      fail(std::string("unsupported format character '") + conv + "'");
    if (conv == '%') {
      out += '%';
    } else if (!key.empty()) {
      if (!args.is(Kind::Dict)) fail("format requires a mapping");
      const Value* v = args.map().find(key);
      if (!v) fail("KeyError: " + repr_string(key));
      out += format_one(spec, conv, *v);
    } else {
      if (next >= values.size()) fail("not enough arguments for format string");
      out += format_one(spec, conv, values[next++]);
    }
    i = j;
  }
  if (next < values.size() && !args.is(Kind::Dict)) fail("not all arguments converted during string formatting");
  return Value::str(std::move(out));
}

Value negate(const Value& v, bool minus) {
  require_defined(v);
  if (v.is(Kind::Float)) return Value::real(minus ? -v.as_real() : v.as_real());
  if (v.is_integral()) {
    if (minus && v.as_int() == INT64_MIN) overflow();
    return Value::integer(minus ? -v.as_int() : v.as_int());
  }
  fail(std::string("bad operand type for unary ") + (minus ? "-" : "+") + ": '" + type_name(v) + "'");
}

Value binary_op(const std::string& op, const Value& a, const Value& b) {
  require_defined(a);
  require_defined(b);
  if (a.is_number() && b.is_number()) return arithmetic(op, a, b);
  if (op == "+") {
    if (a.is(Kind::Str) && b.is(Kind::Str)) return Value::str(a.text() + b.text());
    if (repeatable(a) && !a.is(Kind::Str) && b.is(Kind::Seq) && a.seq_kind == b.seq_kind) {
      List out = a.items();
      out.insert(out.end(), b.items().begin(), b.items().end());
      return Value::seq(std::move(out), a.seq_kind);
    }
    if (a.is(Kind::Str)) fail("can only concatenate str (not \"" + type_name(b) + "\") to str");
  }
  if (op == "*") {
    if (repeatable(a) && b.is_integral()) return repeat(a, b.as_int());
    if (a.is_integral() && repeatable(b)) return repeat(b, a.as_int());
  }
  if (op == "%" && a.is(Kind::Str)) return percent_format(a.text(), b);
  bad_operands(op, a, b);
}

}  // namespace apiq::chat_template_detail

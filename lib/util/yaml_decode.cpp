#include "util/yaml_decode.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include <fmt/core.h>

#include "util/duration.h"
#include "util/strings.h"

namespace promkit::util {

void YamlDecoder::TypeError(const YamlNode& n, std::string_view type) {
  std::string value;
  if (n.kind != YamlNode::Kind::kSeq && n.kind != YamlNode::Kind::kMap) {
    if (n.value.size() > 10) {
      value = " `" + n.value.substr(0, 7) + "...`";
    } else {
      value = " `" + n.value + "`";
    }
  }
  errors_.push_back(
      fmt::format("line {}: cannot unmarshal {}{} into {}", n.line, n.tag, value, type));
}

void YamlDecoder::DuplicateKey(const YamlNode& key) {
  errors_.push_back(
      fmt::format("line {}: key {} already set in map", key.line, GoQuote(key.value)));
}

Status YamlDecoder::Finish() const {
  if (!fatal_.ok()) return fatal_;
  if (errors_.empty()) return Status::Ok();
  std::string msg = "yaml: unmarshal errors:";
  for (const std::string& e : errors_) msg += "\n  " + e;
  return Status::InvalidArgument(std::move(msg));
}

bool YamlDecoder::Str(const YamlNode& n, std::string& out) {
  if (n.IsNull()) {
    out.clear();
    return false;
  }
  if (!n.IsScalar()) {
    TypeError(n, "string");
    return false;
  }
  out = n.value;
  return true;
}

bool YamlDecoder::Bool(const YamlNode& n, bool& out) {
  if (n.IsNull()) {
    out = false;
    return false;
  }
  if (n.tag != "!!bool") {
    TypeError(n, "bool");
    return false;
  }
  char c = n.value.empty() ? 'n' : n.value[0];
  out = c == 'y' || c == 'Y' || c == 't' || c == 'T' || n.value == "on" || n.value == "On" ||
        n.value == "ON";
  return true;
}

namespace {

// strconv.ParseInt(s, 0, 64) after removing '_'; false on syntax or range errors.
bool ParseGoInt(std::string s, bool is_unsigned, int64_t& si, uint64_t& ui) {
  std::erase(s, '_');
  bool neg = false;
  size_t i = 0;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    i = 1;
  }
  int base = 10;
  if (s.size() > i + 1 && s[i] == '0') {
    char p = s[i + 1];
    if (p == 'x' || p == 'X')
      base = 16, i += 2;
    else if (p == 'b' || p == 'B')
      base = 2, i += 2;
    else if (p == 'o' || p == 'O')
      base = 8, i += 2;
    else
      base = 8, i += 1;
  }
  std::string digits = s.substr(i);
  if (digits.empty()) digits = "0";
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(digits.c_str(), &end, base);
  if (errno != 0 || *end != '\0' || digits[0] == '-' || digits[0] == '+') return false;
  if (is_unsigned) {
    if (neg && v != 0) return false;
    ui = v;
    return true;
  }
  if (neg) {
    if (v > uint64_t{1} << 63) return false;
    si = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    si = static_cast<int64_t>(v);
  }
  return true;
}

}  // namespace

bool YamlDecoder::Int(const YamlNode& n, int64_t& out, std::string_view type) {
  if (n.IsNull()) {
    out = 0;
    return false;
  }
  uint64_t unused = 0;
  if (n.tag == "!!int" && ParseGoInt(n.value, false, out, unused)) return true;
  if (n.tag == "!!float") {
    // go-yaml accepts floats that are whole numbers in range.
    double d = std::strtod(n.value.c_str(), nullptr);
    if (d == std::floor(d) && std::fabs(d) < 9.2e18) {
      out = static_cast<int64_t>(d);
      return true;
    }
  }
  TypeError(n, type);
  return false;
}

bool YamlDecoder::Uint(const YamlNode& n, uint64_t& out, std::string_view type) {
  if (n.IsNull()) {
    out = 0;
    return false;
  }
  int64_t unused = 0;
  if (n.tag == "!!int" && ParseGoInt(n.value, true, unused, out)) return true;
  TypeError(n, type);
  return false;
}

bool YamlDecoder::Float(const YamlNode& n, double& out, std::string_view type) {
  if (n.IsNull()) {
    out = 0;
    return false;
  }
  if (n.tag == "!!int" || n.tag == "!!float") {
    std::string s = n.value;
    std::erase(s, '_');
    if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf" || s == "+.Inf" || s == "+.INF") {
      out = INFINITY;
    } else if (s == "-.inf" || s == "-.Inf" || s == "-.INF") {
      out = -INFINITY;
    } else if (s == ".nan" || s == ".NaN" || s == ".NAN") {
      out = NAN;
    } else if (n.tag == "!!int") {
      int64_t i = 0;
      uint64_t u = 0;
      if (ParseGoInt(s, false, i, u)) {
        out = static_cast<double>(i);
      } else {
        out = std::strtod(s.c_str(), nullptr);
      }
    } else {
      out = std::strtod(s.c_str(), nullptr);
    }
    return true;
  }
  TypeError(n, type);
  return false;
}

bool YamlDecoder::Duration(const YamlNode& n, int64_t& out_ms) {
  std::string s;
  if (n.IsNull()) {
    out_ms = 0;
    return false;
  }
  if (!Str(n, s)) return false;
  auto d = ParseDuration(s);
  if (!d.ok()) {
    Fail(d.status());
    return false;
  }
  out_ms = *d;
  return true;
}

bool YamlDecoder::Bytes(const YamlNode& n, int64_t& out) {
  std::string s;
  if (n.IsNull()) {
    out = 0;
    return false;
  }
  if (!Str(n, s)) return false;
  // alecthomas/units.ParseBase2Bytes: a number and a unit from B, KB/KiB, MB/MiB ... (1024s).
  static constexpr std::pair<std::string_view, int> kUnits[] = {
      {"B", 0},  {"KB", 1},  {"KiB", 1}, {"MB", 2},  {"MiB", 2}, {"GB", 3}, {"GiB", 3},
      {"TB", 4}, {"TiB", 4}, {"PB", 5},  {"PiB", 5}, {"EB", 6},  {"EiB", 6}};
  std::string_view rest = s;
  int64_t total = 0;
  bool negative = !rest.empty() && rest[0] == '-';
  if (negative) rest.remove_prefix(1);
  if (rest == "0") {
    out = 0;
    return true;
  }
  if (rest.empty()) {
    Fail("units: invalid Base2Bytes \"\"");
    return false;
  }
  while (!rest.empty()) {
    size_t i = 0;
    while (i < rest.size() && (std::isdigit(static_cast<unsigned char>(rest[i])) || rest[i] == '.'))
      ++i;
    if (i == 0) {
      Fail(fmt::format("units: invalid Base2Bytes {}", GoQuote(s)));
      return false;
    }
    double num = std::strtod(std::string(rest.substr(0, i)).c_str(), nullptr);
    rest.remove_prefix(i);
    size_t j = 0;
    while (j < rest.size() && !std::isdigit(static_cast<unsigned char>(rest[j])) && rest[j] != '.')
      ++j;
    std::string_view unit = rest.substr(0, j);
    rest.remove_prefix(j);
    int power = -1;
    for (const auto& [name, p] : kUnits) {
      if (name == unit) power = p;
    }
    if (power < 0) {
      Fail(fmt::format("units: unknown unit {} in {}", unit, s));
      return false;
    }
    total += static_cast<int64_t>(num * std::pow(1024.0, power));
  }
  out = negative ? -total : total;
  return true;
}

bool YamlDecoder::StrList(const YamlNode& n, std::vector<std::string>& out, std::string_view type) {
  out.clear();
  if (n.IsNull()) return false;
  if (!n.IsSeq()) {
    TypeError(n, type);
    return false;
  }
  for (const YamlNode& item : n.items) {
    std::string s;
    Str(item, s);
    out.push_back(std::move(s));
  }
  return true;
}

bool YamlDecoder::StrMap(const YamlNode& n, std::vector<std::pair<std::string, std::string>>& out,
                         std::string_view type) {
  out.clear();
  if (n.IsNull()) return false;
  if (!n.IsMap()) {
    TypeError(n, type);
    return false;
  }
  for (size_t i = 0; i + 1 < n.items.size(); i += 2) {
    std::string k;
    std::string v;
    Str(n.items[i], k);
    bool dup = false;
    for (const auto& [ek, ev] : out) dup = dup || ek == k;
    if (dup) {
      DuplicateKey(n.items[i]);
      continue;
    }
    Str(n.items[i + 1], v);
    out.emplace_back(std::move(k), std::move(v));
  }
  return true;
}

bool YamlDecoder::Seq(const YamlNode& n, std::string_view type,
                      const std::function<void(const YamlNode&)>& item) {
  if (n.IsNull()) return false;
  if (!n.IsSeq()) {
    TypeError(n, type);
    return false;
  }
  for (const YamlNode& it : n.items) {
    if (failed()) return false;
    item(it);
  }
  return true;
}

bool YamlDecoder::Struct(const YamlNode& n, std::string_view type,
                         const std::vector<Field>& fields) {
  if (n.IsNull()) return false;
  if (!n.IsMap()) {
    TypeError(n, type);
    return false;
  }
  std::vector<bool> seen(fields.size(), false);
  for (size_t i = 0; i + 1 < n.items.size() && !failed(); i += 2) {
    const YamlNode& key = n.items[i];
    std::string name = key.IsScalar() ? key.value : "";
    size_t f = 0;
    while (f < fields.size() && fields[f].name != name) ++f;
    if (f == fields.size()) {
      errors_.push_back(fmt::format("line {}: field {} not found in type {}", key.line,
                                    key.IsNull() ? "<nil>" : name, type));
      continue;
    }
    if (seen[f]) {
      errors_.push_back(
          fmt::format("line {}: field {} already set in type {}", key.line, name, type));
      continue;
    }
    seen[f] = true;
    fields[f].decode(n.items[i + 1]);
  }
  return true;
}

std::vector<YamlDecoder::Field> ConcatFields(std::vector<YamlDecoder::Field> a,
                                             const std::vector<YamlDecoder::Field>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace promkit::util

#include "util/yaml_tree.h"

#include <cctype>
#include <cstdlib>

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

namespace promkit::util {
namespace {

constexpr int kMaxDepth = 200;
constexpr size_t kMaxNodes = 1'000'000;

bool IsNullText(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

bool IsBoolText(std::string_view s) {
  static constexpr std::string_view kBools[] = {
      "y",    "Y",    "yes",   "Yes",   "YES",   "n",  "N",  "no", "No",  "NO",  "true",
      "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"};
  for (std::string_view b : kBools) {
    if (s == b) return true;
  }
  return false;
}

// strconv.ParseInt(s, 0, 64) / ParseUint after go-yaml removed underscores.
bool IsIntText(std::string s) {
  std::erase(s, '_');
  if (s.empty()) return false;
  size_t i = 0;
  if (s[0] == '+' || s[0] == '-') i = 1;
  if (i >= s.size()) return false;
  int base = 10;
  if (s.size() > i + 1 && s[i] == '0') {
    char p = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i + 1])));
    if (p == 'x')
      base = 16, i += 2;
    else if (p == 'b')
      base = 2, i += 2;
    else if (p == 'o')
      base = 8, i += 2;
    else
      base = 8, i += 1;
  }
  if (i >= s.size()) return base == 8;  // "0"
  for (; i < s.size(); ++i) {
    int c = std::tolower(static_cast<unsigned char>(s[i]));
    int d = std::isdigit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : 99;
    if (d >= base) return false;
  }
  return true;
}

bool IsFloatText(std::string_view s) {
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf" || s == "+.Inf" || s == "+.INF" ||
      s == "-.inf" || s == "-.Inf" || s == "-.INF" || s == ".nan" || s == ".NaN" || s == ".NAN") {
    return true;
  }
  // go-yaml only tries floats for [-+.0-9] starts and then strconv.ParseFloat.
  if (s.empty()) return false;
  char c = s[0];
  if (!(c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'))) return false;
  std::string t(s);
  std::erase(t, '_');
  bool digit = false;
  size_t i = 0;
  if (t[i] == '+' || t[i] == '-') ++i;
  for (; i < t.size() && std::isdigit(static_cast<unsigned char>(t[i])); ++i) digit = true;
  if (i < t.size() && t[i] == '.') {
    for (++i; i < t.size() && std::isdigit(static_cast<unsigned char>(t[i])); ++i) digit = true;
  }
  if (!digit) return false;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    bool exp = false;
    for (; i < t.size() && std::isdigit(static_cast<unsigned char>(t[i])); ++i) exp = true;
    if (!exp) return false;
  }
  return i == t.size();
}

bool DecodeBase64(std::string_view in, std::string& out) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string clean;
  for (char c : in) {
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') clean += c;
  }
  if (clean.size() % 4 != 0) return false;
  for (size_t i = 0; i < clean.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int j = 0; j < 4; ++j) {
      char c = clean[i + j];
      if (c == '=' && i + 4 == clean.size() && j >= 2) {
        v[j] = 0;
        ++pad;
        continue;
      }
      if (pad > 0) return false;
      v[j] = val(c);
      if (v[j] < 0) return false;
    }
    uint32_t n = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    out += static_cast<char>(n >> 16);
    if (pad < 2) out += static_cast<char>((n >> 8) & 0xff);
    if (pad < 1) out += static_cast<char>(n & 0xff);
  }
  return true;
}

std::string ShortTag(const std::string& tag) {
  constexpr std::string_view kLong = "tag:yaml.org,2002:";
  if (tag.rfind(kLong, 0) == 0) return "!!" + tag.substr(kLong.size());
  return tag;
}

Status Convert(const YAML::Node& in, YamlNode& out, int depth, size_t& budget) {
  if (depth > kMaxDepth) return Status::InvalidArgument("yaml: exceeded max depth of 200");
  // Aliases expand into copies: bound the total so a few anchors cannot explode.
  if (budget == 0) return Status::InvalidArgument("yaml: document contains excessive aliasing");
  --budget;
  out.line = in.Mark().line + 1;
  out.col = in.Mark().column + 1;
  std::string tag = in.Tag();
  switch (in.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      out.kind = YamlNode::Kind::kNull;
      out.tag = "!!null";
      return Status::Ok();
    case YAML::NodeType::Scalar: {
      out.kind = YamlNode::Kind::kScalar;
      out.value = in.Scalar();
      if (tag == "!") {
        out.tag = "!!str";  // quoted
      } else if (tag.empty() || tag == "?") {
        if (IsNullText(out.value)) {
          out.kind = YamlNode::Kind::kNull;
          out.tag = "!!null";
        } else if (IsBoolText(out.value)) {
          out.tag = "!!bool";
        } else if (IsIntText(out.value)) {
          out.tag = "!!int";
        } else if (IsFloatText(out.value)) {
          out.tag = "!!float";
        } else {
          out.tag = "!!str";
        }
      } else {
        out.tag = ShortTag(tag);
        if (out.tag == "!!null") out.kind = YamlNode::Kind::kNull;
        if (out.tag == "!!binary") {
          std::string decoded;
          if (!DecodeBase64(out.value, decoded)) {
            return Status::InvalidArgument("!!binary value contains invalid base64 data");
          }
          out.value = std::move(decoded);
        }
      }
      return Status::Ok();
    }
    case YAML::NodeType::Sequence:
      out.kind = YamlNode::Kind::kSeq;
      out.tag = "!!seq";
      for (const YAML::Node& item : in) {
        YamlNode child;
        PROMKIT_RETURN_IF_ERROR(Convert(item, child, depth + 1, budget));
        out.items.push_back(std::move(child));
      }
      return Status::Ok();
    case YAML::NodeType::Map:
      out.kind = YamlNode::Kind::kMap;
      out.tag = "!!map";
      for (const auto& kv : in) {
        YamlNode key;
        YamlNode value;
        PROMKIT_RETURN_IF_ERROR(Convert(kv.first, key, depth + 1, budget));
        PROMKIT_RETURN_IF_ERROR(Convert(kv.second, value, depth + 1, budget));
        out.items.push_back(std::move(key));
        out.items.push_back(std::move(value));
      }
      return Status::Ok();
  }
  return Status::Ok();
}

}  // namespace

Result<YamlNode> ParseYaml(std::string_view text) {
  try {
    std::vector<YAML::Node> docs = YAML::LoadAll(std::string(text));
    YamlNode root;
    if (docs.empty()) return root;
    size_t budget = kMaxNodes;
    PROMKIT_RETURN_IF_ERROR(Convert(docs[0], root, 0, budget));
    return root;
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(fmt::format("yaml: line {}: {}", e.mark.line + 1, e.msg));
  } catch (const std::exception& e) {
    return Status::InvalidArgument(fmt::format("yaml: {}", e.what()));
  }
}

}  // namespace promkit::util

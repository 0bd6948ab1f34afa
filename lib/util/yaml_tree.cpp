#include "util/yaml_tree.h"

#include <cctype>
#include <cstdlib>
#include <sstream>
#include <string>

#include <fmt/core.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "util/internal/yaml_resolve.h"
#include "util/yaml_reader.h"

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

}  // namespace

bool internal::DecodeBase64(std::string_view in, std::string& out) {
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

void internal::ResolvePlainScalar(YamlNode& n) {
  const std::string& v = n.value;
  // Most strings in configs start with a letter no null, bool, int or float text starts with.
  const char c = v.empty() ? '\0' : v[0];
  const bool may_be_other = !std::isalpha(static_cast<unsigned char>(c)) || c == 'n' || c == 'N' ||
                            c == 'y' || c == 'Y' || c == 't' || c == 'T' || c == 'f' || c == 'F' ||
                            c == 'o' || c == 'O';
  if (may_be_other && IsNullText(v)) {
    n.kind = YamlNode::Kind::kNull;
    n.tag = "!!null";
    return;
  }
  n.kind = YamlNode::Kind::kScalar;
  if (!may_be_other) {
    n.tag = "!!str";
  } else if (IsBoolText(v)) {
    n.tag = "!!bool";
  } else if (IsIntText(v)) {
    n.tag = "!!int";
  } else if (IsFloatText(v)) {
    n.tag = "!!float";
  } else {
    n.tag = "!!str";
  }
}

namespace {

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
        internal::ResolvePlainScalar(out);
      } else {
        out.tag = ShortTag(tag);
        if (out.tag == "!!null") out.kind = YamlNode::Kind::kNull;
        if (out.tag == "!!binary") {
          std::string decoded;
          if (!internal::DecodeBase64(out.value, decoded)) {
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

// yaml-cpp 0.7 quirk (fixed upstream in later releases, not in Debian 12's 0.7.0). Where a
// document's root node should start, its single-document parser handles every token that can
// begin a node; for any other token it reports an empty node (null, or an empty scalar when the
// node has a tag) and returns *without consuming the token*. In block context the scanner can
// produce exactly one such token: a flow entry ',' outside any flow collection (an exhaustive
// search of all 204,204 inputs of up to 4 characters over YAML's indicator characters, a letter,
// a space and a newline found no other). YAML::LoadAll
// then starts the next document at that same token, forever, allocating a node per round: the
// hang the config_load fuzzer found ("!:*,a \x96 [a *a]\n#", or just ","). ParseYaml therefore
// never iterates documents: go-yaml's Unmarshal reads only the first one, and so do we, with one
// HandleNextDocument call, which always terminates. That alone would accept "," as an empty
// document; go-yaml (libyaml) rejects a node that starts with a token no node can start with
// unless the node has an anchor or a tag, so an empty root is checked by parsing on: when the
// next document starts at the very mark of the empty root, the root consumed nothing.

// Records where a document starts, then stops the parser.
class DocumentStartProbe : public YAML::EventHandler {
 public:
  struct Stop {};
  bool started = false;
  YAML::Mark mark;

  void OnDocumentStart(const YAML::Mark& m) override {
    started = true;
    mark = m;
    throw Stop{};
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// Ignores every event (parses the first document again to reach the second).
class DiscardEvents : public DocumentStartProbe {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
};

// True when the first document's root is an empty node at `root` that left its token unread.
bool RootLeftTokenUnread(const std::string& text, const YAML::Mark& root) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DiscardEvents discard;
  DocumentStartProbe probe;
  try {
    if (!parser.HandleNextDocument(discard)) return false;
    parser.HandleNextDocument(probe);
  } catch (const DocumentStartProbe::Stop&) {
  } catch (const YAML::Exception&) {
    // A syntax error before the next document starts: the root token was consumed.
  }
  return probe.started && probe.mark.pos == root.pos;
}

// go-yaml's reader (a port of libyaml's) decodes the whole input before the scanner sees it
// and rejects what is not well-formed UTF-8 or not a printable YAML character; yaml-cpp lets
// such bytes through. Reader errors carry no line in go-yaml's messages. (libyaml decodes in
// 512-byte chunks as the parser advances, so when a file holds both a syntax error and a bad
// byte far after it, go-yaml names the syntax error; we name the byte.) Inputs that start with
// a UTF-16 byte order mark are left to yaml-cpp, which decodes them.
Status CheckYamlCharacters(std::string_view s) {
  if (s.size() >= 2 && ((s[0] == '\xff' && s[1] == '\xfe') || (s[0] == '\xfe' && s[1] == '\xff'))) {
    return Status::Ok();
  }
  size_t i = 0;
  while (i < s.size()) {
    const auto octet = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char o = octet(i);
    size_t width = (o & 0x80) == 0x00   ? 1
                   : (o & 0xE0) == 0xC0 ? 2
                   : (o & 0xF0) == 0xE0 ? 3
                   : (o & 0xF8) == 0xF0 ? 4
                                        : 0;
    if (width == 0) return Status::InvalidArgument("yaml: invalid leading UTF-8 octet");
    if (i + width > s.size()) {
      return Status::InvalidArgument("yaml: incomplete UTF-8 octet sequence");
    }
    char32_t value = width == 1   ? o
                     : width == 2 ? (o & 0x1F)
                     : width == 3 ? (o & 0x0F)
                                  : (o & 0x07);
    for (size_t k = 1; k < width; ++k) {
      if ((octet(i + k) & 0xC0) != 0x80) {
        return Status::InvalidArgument("yaml: invalid trailing UTF-8 octet");
      }
      value = (value << 6) | (octet(i + k) & 0x3F);
    }
    if (!(width == 1 || (width == 2 && value >= 0x80) || (width == 3 && value >= 0x800) ||
          (width == 4 && value >= 0x10000))) {
      return Status::InvalidArgument("yaml: invalid length of a UTF-8 sequence");
    }
    if ((value >= 0xD800 && value <= 0xDFFF) || value > 0x10FFFF) {
      return Status::InvalidArgument("yaml: invalid Unicode character");
    }
    const bool printable =
        value == 0x09 || value == 0x0A || value == 0x0D || (value >= 0x20 && value <= 0x7E) ||
        value == 0x85 || (value >= 0xA0 && value <= 0xD7FF) ||
        (value >= 0xE000 && value <= 0xFFFD) || (value >= 0x10000 && value <= 0x10FFFF);
    if (!printable) return Status::InvalidArgument("yaml: control characters are not allowed");
    i += width;
  }
  return Status::Ok();
}

// go-yaml's position prefix for parser errors: the 0-based line of the problem, omitted on the
// first line (a quirk of how go-yaml formats libyaml's marks).
std::string GoYamlParserError(const YAML::Mark& mark, std::string_view what) {
  if (mark.line == 0) return fmt::format("yaml: {}", what);
  return fmt::format("yaml: line {}: {}", mark.line, what);
}

}  // namespace

Result<YamlNode> ParseYaml(std::string_view text) {
  PROMKIT_RETURN_IF_ERROR(CheckYamlCharacters(text));
  // The reader handles what configuration files are commonly made of, several times faster;
  // whatever it declines (unusual syntax, every error) is yaml-cpp's to read and to word.
  if (std::optional<YamlNode> fast = ReadYamlFast(text)) return std::move(*fast);
  return ParseYamlWithYamlCpp(text);
}

Result<YamlNode> ParseYamlWithYamlCpp(std::string_view text) {
  PROMKIT_RETURN_IF_ERROR(CheckYamlCharacters(text));
  try {
    const std::string input(text);
    // YAML::Load handles the first document only (one HandleNextDocument call), never LoadAll.
    const YAML::Node doc = YAML::Load(input);
    YamlNode root;
    if (!doc.IsDefined()) return root;
    const bool empty_root =
        doc.IsNull() || (doc.IsScalar() && doc.Scalar().empty() && doc.Tag() != "!");
    if (empty_root && RootLeftTokenUnread(input, doc.Mark())) {
      return Status::InvalidArgument(
          GoYamlParserError(doc.Mark(), "did not find expected node content"));
    }
    size_t budget = kMaxNodes;
    PROMKIT_RETURN_IF_ERROR(Convert(doc, root, 0, budget));
    return root;
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(fmt::format("yaml: line {}: {}", e.mark.line + 1, e.msg));
  } catch (const std::exception& e) {
    return Status::InvalidArgument(fmt::format("yaml: {}", e.what()));
  }
}

}  // namespace promkit::util

#include "util/yaml_reader.h"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <utility>

#include "util/internal/yaml_resolve.h"

namespace promkit::util {
namespace {

// Deeper documents are yaml-cpp's (its front end enforces go-yaml's depth limit of 200).
constexpr int kMaxDepth = 100;
// The yaml-cpp front end stops at a million nodes ("excessive aliasing"); leave that to it.
constexpr size_t kMaxNodes = 1'000'000;
// yaml-cpp gives up on a simple key longer than 1024 characters; stay well clear of it.
constexpr size_t kMaxKeyLength = 1000;

// Where a node starts relative to its line: what may begin there differs.
enum class At {
  kLineStart,   // first token on its line (or the document's root)
  kAfterDash,   // after "- " on the same line: compact sequences and mappings allowed
  kAfterColon,  // after "key: " on the same line: no block collection may start here
};

// How ScanScalar (yaml-cpp's scanscalar.cpp) joins lines: not at all (literal), block folding
// ('>'), or flow folding (quoted scalars).
enum class Fold { kNone, kBlock, kFlow };
enum class Chomp { kClip, kStrip, kKeep };

bool IsBlankOrBreakOrEnd(char c) { return c == ' ' || c == '\n' || c == '\0'; }

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

void AppendUtf8(std::string& out, char32_t v) {
  const auto byte = [&](unsigned b) { out += static_cast<char>(b); };
  if (v <= 0x7F) {
    byte(v);
  } else if (v <= 0x7FF) {
    byte(0xC0 + (v >> 6));
    byte(0x80 + (v & 0x3F));
  } else if (v <= 0xFFFF) {
    byte(0xE0 + (v >> 12));
    byte(0x80 + ((v >> 6) & 0x3F));
    byte(0x80 + (v & 0x3F));
  } else {
    byte(0xF0 + (v >> 18));
    byte(0x80 + ((v >> 12) & 0x3F));
    byte(0x80 + ((v >> 6) & 0x3F));
    byte(0x80 + (v & 0x3F));
  }
}

// Bytes the reader leaves to yaml-cpp wherever they appear: tabs, carriage returns and other
// controls (yaml-cpp's rules for tabs in indentation and for "\r\n" are its own), byte order
// marks, and NEL, LS and PS, which YAML may treat as line breaks.
bool OnlyPlainBytes(std::string_view s) {
  const size_t n = s.size();
  for (size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7F) continue;
    if (c == '\n') continue;
    if (c < 0x80) return false;
    const auto at = [&](size_t k) { return i + k < n ? static_cast<unsigned char>(s[i + k]) : 0; };
    if (c == 0xC2 && at(1) == 0x85) return false;
    if (c == 0xE2 && at(1) == 0x80 && (at(2) == 0xA8 || at(2) == 0xA9)) return false;
    if (c == 0xEF && at(1) == 0xBB && at(2) == 0xBF) return false;
    if (c == 0xFE || c == 0xFF) return false;
  }
  return true;
}

// A recursive-descent reader over the text. Every Parse* returns false to decline; the cursor
// is then meaningless and the whole read is abandoned. Reads one text once; `text` must outlive
// it. Not thread-safe (each ParseYaml call has its own).
class Reader {
 public:
  explicit Reader(std::string_view text) : s_(text) {}

  bool Read(YamlNode& root) {
    SkipToNextToken();
    if (AtEnd()) return false;  // empty documents: yaml-cpp decides (see RootLeftTokenUnread)
    if (AtDocumentMarker("---")) {
      pos_ += 3;
      if (!RestOfLineEmpty()) return false;
      SkipToNextToken();
      if (AtEnd()) return false;
    }
    if (!ParseNode(root, -1, At::kLineStart)) return false;
    SkipToNextToken();
    return AtEnd();  // "...", a second document or stray content: yaml-cpp's
  }

 private:
  char Peek(size_t k = 0) const { return pos_ + k < s_.size() ? s_[pos_ + k] : '\0'; }
  bool AtEnd() const { return pos_ >= s_.size(); }
  int Col() const { return static_cast<int>(pos_ - line_start_); }
  void MarkHere(YamlNode& n) const {
    n.line = line_ + 1;
    n.col = Col() + 1;
  }
  // An empty node at the end of the input takes the mark of the token that closes the block
  // collection it is in (at `col`). yaml-cpp closes collections indented at least as far as
  // the end's column where the input ends (a mapping only when deeper), then moves the end to
  // column 0 and closes the rest there.
  void MarkEnd(YamlNode& n, int col, bool in_sequence) const {
    n.line = line_ + 1;
    n.col = col > Col() || (col == Col() && in_sequence) ? Col() + 1 : 1;
  }
  // REQUIRES: Peek() == '\n'.
  void EatBreak() {
    ++pos_;
    ++line_;
    line_start_ = pos_;
  }
  void SkipSpaces() {
    while (Peek() == ' ') ++pos_;
  }
  void SkipComment() {
    while (!AtEnd() && Peek() != '\n') ++pos_;
  }
  // Spaces, comments and line breaks between tokens (yaml-cpp's ScanToNextToken).
  void SkipToNextToken() {
    while (true) {
      SkipSpaces();
      if (Peek() == '#') SkipComment();
      if (Peek() != '\n') return;
      EatBreak();
    }
  }
  // After a complete node: only spaces and a comment may follow on its line.
  bool RestOfLineEmpty() {
    const size_t before = pos_;
    SkipSpaces();
    if (Peek() == '#') {
      if (pos_ == before) return false;  // "x#": a comment must follow a space
      SkipComment();
    }
    return Peek() == '\n' || AtEnd();
  }
  bool AtDocumentMarker(std::string_view marker) const {
    return Col() == 0 && s_.substr(pos_, 3) == marker && IsBlankOrBreakOrEnd(Peek(3));
  }
  bool AtBlockEntry() const { return Peek() == '-' && IsBlankOrBreakOrEnd(Peek(1)); }
  bool AtValueIndicator() const { return Peek() == ':' && IsBlankOrBreakOrEnd(Peek(1)); }

  bool CountNode() { return ++nodes_ <= kMaxNodes; }

  // A node whose first character is at the cursor. `parent_indent` is the column of the block
  // collection it belongs to (-1 for the root): yaml-cpp's GetTopIndent().
  bool ParseNode(YamlNode& out, int parent_indent, At at) {
    if (depth_ >= kMaxDepth || !CountNode()) return false;
    if (AtDocumentMarker("---") || AtDocumentMarker("...")) return false;
    ++depth_;
    const bool ok = ParseNodeBody(out, parent_indent, at);
    --depth_;
    return ok;
  }

  bool ParseNodeBody(YamlNode& out, int parent_indent, At at) {
    const int col = Col();
    const int line = line_;
    MarkHere(out);
    Properties props;
    if (Peek() == '&' || Peek() == '!') {
      if (!ParseProperties(props)) return false;
      if (Peek() == '#' || Peek() == '\n' || AtEnd()) {
        // The node is on the following lines, or empty: "key: &a\n  b: 1", "- !!str".
        if (at == At::kLineStart) return false;
        if (Peek() == '#' && s_[pos_ - 1] != ' ') return false;
        bool content = false;
        if (!ParseNextLineNode(out, parent_indent, at == At::kAfterColon, &content)) {
          return false;
        }
        // yaml-cpp reads properties on the next line into the same node, and a scalar there
        // would have been resolved without the tag: both are left to it.
        if (content && !out.IsMap() && !out.IsSeq()) return false;
        return ApplyProperties(out, props);
      }
    }
    const char c = Peek();
    if (c == '*') {
      if (props.present) return false;
      return ParseAlias(out) && RestOfLineEmpty();
    }
    if (AtBlockEntry()) {
      if (at == At::kAfterColon || props.present) return false;
      return ParseBlockSequence(out, col);
    }
    if (c == '|' || c == '>') {
      if (at == At::kLineStart) return false;
      out.kind = YamlNode::Kind::kScalar;
      out.tag = "!!str";
      return ParseBlockScalar(out.value, parent_indent) && ApplyProperties(out, props);
    }
    if (c == '[' || c == '{') {
      if (!ParseFlowCollection(out)) return false;
      return RestOfLineEmpty() && ApplyProperties(out, props);
    }
    YamlNode scalar;
    MarkHere(scalar);
    if (c == '"' || c == '\'') {
      scalar.kind = YamlNode::Kind::kScalar;
      scalar.tag = "!!str";
      if (!ParseQuoted(scalar.value)) return false;
    } else {
      if (!ParsePlain(scalar, /*flow=*/false)) return false;
      if (!props.tagged) ResolvePlain(scalar);
    }
    if (!ApplyProperties(scalar, props)) return false;
    if (AtValueIndicator()) {
      // The scalar (with its properties) was the first key of a block mapping starting here.
      if (at == At::kAfterColon || line_ != line) return false;
      if (!CountNode()) return false;
      return ParseBlockMapping(out, col, std::move(scalar));
    }
    if (!RestOfLineEmpty()) return false;
    out = std::move(scalar);
    return true;
  }

  // Node properties as written before a node: an anchor and a tag, in either order.
  struct Properties {
    bool present = false;
    bool tagged = false;
    int line = 0;  // 1-based, of the first property: the node's mark
    int col = 0;
    std::string anchor;
    std::string tag;    // short form, as the yaml-cpp front end reports it: "!!str", "!local"
    int anchor_id = 0;  // order of the anchor's definition
  };

  static bool IsNameChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  }

  // Reads "&name" and "!!tag" / "!tag" (each at most once, each followed by a space or the
  // line's end) and the spaces after them. yaml-cpp's fuller syntax (verbatim tags, %-escapes,
  // URI characters, anchor names with ':') is declined.
  bool ParseProperties(Properties& props) {
    props.present = true;
    props.line = line_ + 1;
    props.col = Col() + 1;
    bool anchored = false;
    while (Peek() == '&' || Peek() == '!') {
      const size_t start = pos_;
      if (Peek() == '&') {
        if (anchored) return false;
        anchored = true;
        ++pos_;
        while (IsNameChar(Peek())) ++pos_;
        if (pos_ == start + 1) return false;
        props.anchor.assign(s_.data() + start + 1, pos_ - start - 1);
        // yaml-cpp registers the anchor before reading the node, so an alias inside the node
        // refers to the node itself (a cycle), not to an earlier node of the same name, and a
        // later definition inside the node wins over this one.
        anchors_.erase(props.anchor);
        props.anchor_id = ++last_anchor_id_;
        latest_anchor_id_[props.anchor] = props.anchor_id;
      } else {
        if (props.tagged) return false;
        props.tagged = true;
        ++pos_;
        if (Peek() == '!') ++pos_;
        const size_t name = pos_;
        while (std::isalnum(static_cast<unsigned char>(Peek()))) ++pos_;
        if (pos_ == name) return false;
        props.tag.assign(s_.data() + start, pos_ - start);
      }
      if (!IsBlankOrBreakOrEnd(Peek())) return false;
      SkipSpaces();
    }
    return true;
  }

  // Gives `n` the properties read before it: their mark, the tag (which replaces a resolved
  // one; collections keep !!map and !!seq, as the yaml-cpp front end reports them), and
  // registers the anchor.
  bool ApplyProperties(YamlNode& n, const Properties& props) {
    if (!props.present) return true;
    n.line = props.line;
    n.col = props.col;
    if (props.tagged && !n.IsMap() && !n.IsSeq()) {
      // An empty node with a tag is an empty scalar of that tag.
      n.kind = props.tag == "!!null" ? YamlNode::Kind::kNull : YamlNode::Kind::kScalar;
      n.tag = props.tag;
      if (n.tag == "!!binary") {
        std::string decoded;
        if (!internal::DecodeBase64(n.value, decoded)) return false;  // yaml-cpp words it
        n.value = std::move(decoded);
      }
    }
    if (!props.anchor.empty() && latest_anchor_id_[props.anchor] == props.anchor_id) {
      const size_t height = Height(n);
      if (height > kMaxDepth) return false;
      Anchor& a = anchors_[props.anchor];
      a.node = n;
      a.nodes = CountNodes(n);
      a.height = height;
    }
    return true;
  }

  // "*name": a copy of the anchored node, marks and all (yaml-cpp's alias is the same node).
  bool ParseAlias(YamlNode& out) {
    const size_t start = ++pos_;
    while (IsNameChar(Peek())) ++pos_;
    if (pos_ == start || !IsBlankOrBreakOrEnd(Peek())) return false;
    auto it = anchors_.find(s_.substr(start, pos_ - start));
    if (it == anchors_.end()) return false;  // undefined, or a cycle: yaml-cpp's to report
    const Anchor& a = it->second;
    if (depth_ + a.height > kMaxDepth) return false;
    // The node itself was counted by ParseNode.
    nodes_ += a.nodes - 1;
    if (nodes_ > kMaxNodes) return false;
    out = a.node;
    return true;
  }

  static size_t CountNodes(const YamlNode& n) {
    size_t count = 1;
    for (const YamlNode& item : n.items) count += CountNodes(item);
    return count;
  }
  static size_t Height(const YamlNode& n) {
    size_t h = 0;
    for (const YamlNode& item : n.items) h = std::max(h, Height(item));
    return h + 1;
  }

  // The node after "key:" or "-" when nothing follows on that line: on the following lines if
  // indented deeper than the collection at `col` (or a sequence at a key's own indentation when
  // `indentless_ok`), else an empty node marked at the token after it.
  bool ParseNextLineNode(YamlNode& out, int col, bool indentless_ok, bool* content = nullptr) {
    SkipToNextToken();
    if (AtEnd()) {
      MarkEnd(out, col, /*in_sequence=*/!indentless_ok);
      return CountNode();
    }
    if (content != nullptr) {
      *content = Col() > col || (indentless_ok && Col() == col && AtBlockEntry());
      if (*content && (Peek() == '&' || Peek() == '!' || Peek() == '*')) return false;
    }
    if (Col() > col) return ParseNode(out, col, At::kLineStart);
    if (indentless_ok && Col() == col && AtBlockEntry()) {
      // A sequence at its key's indentation.
      if (depth_ >= kMaxDepth || !CountNode()) return false;
      MarkHere(out);
      ++depth_;
      const bool ok = ParseBlockSequence(out, col);
      --depth_;
      return ok;
    }
    MarkHere(out);  // an empty node takes the mark of the token after it
    return CountNode();
  }

  void ResolvePlain(YamlNode& n) {
    internal::ResolvePlainScalar(n);
    if (n.IsNull()) n.value.clear();  // yaml-cpp keeps no text for null nodes
  }

  // A block mapping at column `col` whose first key has been read; the cursor is on its ':'.
  bool ParseBlockMapping(YamlNode& out, int col, YamlNode key) {
    out.kind = YamlNode::Kind::kMap;
    out.tag = "!!map";
    out.value.clear();
    out.line = key.line;
    out.col = key.col;
    while (true) {
      if (key.value.size() > kMaxKeyLength) return false;
      ++pos_;  // ':'
      YamlNode value;
      if (!ParseMappingValue(value, col)) return false;
      out.items.push_back(std::move(key));
      out.items.push_back(std::move(value));
      SkipToNextToken();
      if (AtEnd() || Col() < col) return true;
      if (Col() > col) return false;  // a continued plain scalar, or an error
      if (AtDocumentMarker("---") || AtDocumentMarker("...")) return false;
      if (AtBlockEntry()) return false;
      key = YamlNode();
      if (!CountNode()) return false;
      MarkHere(key);
      const int line = line_;
      const char c = Peek();
      if (c == '"' || c == '\'') {
        key.kind = YamlNode::Kind::kScalar;
        key.tag = "!!str";
        if (!ParseQuoted(key.value)) return false;
      } else if (ParsePlain(key, /*flow=*/false)) {
        ResolvePlain(key);
      } else {
        return false;
      }
      if (!AtValueIndicator() || line_ != line) return false;
    }
  }

  // The value after "key:" of a mapping at column `col`; the cursor is just past the ':'.
  bool ParseMappingValue(YamlNode& value, int col) {
    SkipSpaces();
    if (Peek() == '#' || Peek() == '\n' || AtEnd()) {
      return ParseNextLineNode(value, col, /*indentless_ok=*/true);
    }
    return ParseNode(value, col, At::kAfterColon);
  }

  // A block sequence at column `col`; the cursor is on its first '-'.
  bool ParseBlockSequence(YamlNode& out, int col) {
    out.kind = YamlNode::Kind::kSeq;
    out.tag = "!!seq";
    MarkHere(out);
    while (true) {
      ++pos_;  // '-'
      YamlNode item;
      SkipSpaces();
      if (Peek() == '#' || Peek() == '\n' || AtEnd()) {
        if (!ParseNextLineNode(item, col, /*indentless_ok=*/false)) return false;
      } else if (!ParseNode(item, col, At::kAfterDash)) {
        return false;
      }
      out.items.push_back(std::move(item));
      SkipToNextToken();
      if (AtEnd() || Col() < col) return true;
      if (Col() > col) return false;
      if (AtDocumentMarker("---") || AtDocumentMarker("...")) return false;
      if (!AtBlockEntry()) return true;  // the mapping this sequence is a value of goes on
    }
  }

  // A plain scalar on one line; the cursor ends on what stopped it. In block context it stops
  // at ": ", " #" and the line's end; in flow context also at ",[]{}?".
  bool ParsePlain(YamlNode& out, bool flow) {
    const char c = Peek();
    switch (c) {
      case ',':
      case '[':
      case ']':
      case '{':
      case '}':
      case '#':
      case '&':
      case '*':
      case '!':
      case '|':
      case '>':
      case '\'':
      case '"':
      case '%':
      case '@':
      case '`':
      case ' ':
      case '\n':
      case '\0':
      case '?':
        return false;
      case '-':
      case ':':
        if (IsBlankOrBreakOrEnd(Peek(1))) return false;
        if (flow && (Peek(1) == ',' || Peek(1) == ']' || Peek(1) == '}' || Peek(1) == '[' ||
                     Peek(1) == '{')) {
          return false;
        }
        break;
      default:
        break;
    }
    const size_t start = pos_;
    size_t end = pos_;  // one past the last non-space character
    while (true) {
      const char ch = Peek();
      if (ch == '\n' || ch == '\0') break;
      if (ch == ':') {
        const char next = Peek(1);
        if (IsBlankOrBreakOrEnd(next)) break;
        if (flow) {
          if (next == ',' || next == ']' || next == '}') break;
          // yaml-cpp's flow rules around ':' beyond "host:port" are its own.
          if (!std::isalnum(static_cast<unsigned char>(next))) return false;
        }
      }
      if (ch == ' ') {
        if (Peek(1) == '#') break;
        ++pos_;
        continue;
      }
      if (flow) {
        if (ch == ',' || ch == ']' || ch == '}') break;
        if (ch == '[' || ch == '{' || ch == '?') return false;
      }
      ++pos_;
      end = pos_;
    }
    if (flow && Peek() == '\n') return false;  // multi-line flow collections are yaml-cpp's
    out.kind = YamlNode::Kind::kScalar;
    out.value.assign(s_.data() + start, end - start);
    return true;
  }

  // One escape sequence of a double-quoted scalar; the cursor is on the '\\'.
  bool ParseEscape(std::string& out) {
    ++pos_;
    const char ch = Peek();
    ++pos_;
    switch (ch) {
      case '0':
        out += '\0';
        return true;
      case 'a':
        out += '\x07';
        return true;
      case 'b':
        out += '\x08';
        return true;
      case 't':
        out += '\x09';
        return true;
      case 'n':
        out += '\x0A';
        return true;
      case 'v':
        out += '\x0B';
        return true;
      case 'f':
        out += '\x0C';
        return true;
      case 'r':
        out += '\x0D';
        return true;
      case 'e':
        out += '\x1B';
        return true;
      case ' ':
        out += ' ';
        return true;
      case '"':
        out += '"';
        return true;
      case '\'':
        out += '\'';
        return true;
      case '\\':
        out += '\\';
        return true;
      case '/':
        out += '/';
        return true;
      case 'x':
      case 'u':
      case 'U': {
        // \N \_ \L \P and invalid escapes are declined: yaml-cpp's output for the first two
        // changed between releases.
        const int len = ch == 'x' ? 2 : ch == 'u' ? 4 : 8;
        char32_t v = 0;
        for (int i = 0; i < len; ++i) {
          if (!IsHex(Peek())) return false;
          v = (v << 4) | static_cast<char32_t>(HexValue(Peek()));
          ++pos_;
        }
        if ((v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF) return false;
        AppendUtf8(out, v);
        return true;
      }
      default:
        return false;
    }
  }

  // A single- or double-quoted scalar; the cursor is on the opening quote and ends past the
  // closing one. Follows yaml-cpp's ScanScalar with flow folding: a line break becomes a space,
  // an empty line a '\n', trailing spaces of a line are dropped, leading ones skipped.
  bool ParseQuoted(std::string& out) {
    const char quote = Peek();
    const bool single = quote == '\'';
    ++pos_;
    const auto at_end = [&] { return Peek() == quote && !(single && Peek(1) == '\''); };
    bool empty_line = false;
    size_t last_escaped = std::string::npos;
    while (true) {
      size_t last_non_space = out.size();
      bool escaped_break = false;
      while (!at_end() && Peek() != '\n') {
        if (AtEnd()) return false;  // unterminated
        if (AtDocumentMarker("---") || AtDocumentMarker("...")) return false;
        if (!single && Peek() == '\\' && Peek(1) == '\n') {
          ++pos_;
          last_non_space = out.size();
          last_escaped = out.size();
          escaped_break = true;
          break;
        }
        if (single && Peek() == '\'') {  // "''"
          pos_ += 2;
          out += '\'';
          last_non_space = last_escaped = out.size();
          continue;
        }
        if (!single && Peek() == '\\') {
          if (!ParseEscape(out)) return false;
          last_non_space = last_escaped = out.size();
          continue;
        }
        const char ch = s_[pos_++];
        out += ch;
        if (ch != ' ') last_non_space = out.size();
      }
      if (at_end()) {
        ++pos_;
        break;
      }
      out.erase(last_non_space);
      EatBreak();
      SkipSpaces();
      const bool next_empty = Peek() == '\n';
      if (next_empty) {
        out += '\n';
      } else if (!empty_line && !escaped_break) {
        out += ' ';
      }
      empty_line = next_empty;
    }
    // Clip chomping, as yaml-cpp applies it to quoted scalars too.
    size_t p = out.find_last_not_of('\n');
    if (last_escaped != std::string::npos && (p == std::string::npos || p < last_escaped)) {
      p = last_escaped;
    }
    if (p == std::string::npos) {
      out.clear();
    } else if (p + 1 < out.size()) {
      out.erase(p + 2);
    }
    return true;
  }

  // A literal ('|') or folded ('>') block scalar; the cursor is on the indicator.
  // `parent_indent` is the column of the enclosing block collection (-1 at the root).
  bool ParseBlockScalar(std::string& out, int parent_indent) {
    const Fold fold = Peek() == '>' ? Fold::kBlock : Fold::kNone;
    ++pos_;
    Chomp chomp = Chomp::kClip;
    int indent = 1;
    bool detect = true;
    // Chomping and indentation indicators, in either order, at most one of each.
    for (int i = 0; i < 2; ++i) {
      const char c = Peek();
      if ((c == '+' || c == '-') && chomp == Chomp::kClip) {
        chomp = c == '+' ? Chomp::kKeep : Chomp::kStrip;
        ++pos_;
      } else if (c >= '1' && c <= '9' && detect) {
        indent = c - '0';
        detect = false;
        ++pos_;
      } else {
        break;
      }
    }
    if (Peek() >= '0' && Peek() <= '9') return false;
    if (Peek() == '+' || Peek() == '-') return false;
    SkipSpaces();
    if (Peek() == '#') SkipComment();
    if (!AtEnd() && Peek() != '\n') return false;
    if (parent_indent >= 0) indent += parent_indent;

    bool found_non_empty = false;
    bool past_opening_break = false;
    bool empty_line = false;
    bool more_indented = false;
    int folded_newlines = 0;
    bool folded_started_more_indented = false;
    while (!AtEnd()) {
      while (!AtEnd() && Peek() != '\n') {
        found_non_empty = true;
        past_opening_break = true;
        out += s_[pos_++];
      }
      if (AtEnd()) break;
      EatBreak();
      while (Peek() == ' ' && (Col() < indent || (detect && !found_non_empty))) ++pos_;
      if (detect && !found_non_empty) indent = std::max(indent, Col());
      const bool next_empty = Peek() == '\n';
      const bool next_more_indented = Peek() == ' ';
      if (fold == Fold::kBlock && folded_newlines == 0 && next_empty) {
        folded_started_more_indented = more_indented;
      }
      if (past_opening_break) {
        if (fold == Fold::kNone) {
          out += '\n';
        } else {
          if (!empty_line && !next_empty && !more_indented && !next_more_indented &&
              Col() >= indent) {
            out += ' ';
          } else if (next_empty) {
            ++folded_newlines;
          } else {
            out += '\n';
          }
          if (!next_empty && folded_newlines > 0) {
            out.append(static_cast<size_t>(folded_newlines - 1), '\n');
            if (folded_started_more_indented || next_more_indented || !found_non_empty) {
              out += '\n';
            }
            folded_newlines = 0;
          }
        }
      }
      empty_line = next_empty;
      more_indented = next_more_indented;
      past_opening_break = true;
      if (!empty_line && Col() < indent) break;
    }
    if (chomp != Chomp::kKeep) {
      const size_t p = out.find_last_not_of('\n');
      if (p == std::string::npos) {
        out.clear();
      } else if (chomp == Chomp::kClip && p + 1 < out.size()) {
        out.erase(p + 2);
      } else if (chomp == Chomp::kStrip) {
        out.erase(p + 1);
      }
    }
    return true;
  }

  // A flow sequence or mapping on one line; the cursor is on '[' or '{' and ends past the
  // closing bracket.
  bool ParseFlowCollection(YamlNode& out) {
    if (depth_ >= kMaxDepth) return false;
    const bool is_map = Peek() == '{';
    const char close = is_map ? '}' : ']';
    out.kind = is_map ? YamlNode::Kind::kMap : YamlNode::Kind::kSeq;
    out.tag = is_map ? "!!map" : "!!seq";
    MarkHere(out);
    ++pos_;
    SkipSpaces();
    if (Peek() == close) {
      ++pos_;
      return true;
    }
    ++depth_;
    while (true) {
      if (is_map) {
        YamlNode key;
        if (!ParseFlowItem(key, /*is_key=*/true)) return false;
        if (!AtValueIndicator() || Peek(1) != ' ') return false;
        ++pos_;
        SkipSpaces();
        YamlNode value;
        if (!ParseFlowItem(value, /*is_key=*/false)) return false;
        out.items.push_back(std::move(key));
        out.items.push_back(std::move(value));
      } else {
        YamlNode item;
        if (!ParseFlowItem(item, /*is_key=*/false)) return false;
        out.items.push_back(std::move(item));
      }
      SkipSpaces();
      if (Peek() == close) {
        ++pos_;
        break;
      }
      if (Peek() != ',') return false;
      ++pos_;
      SkipSpaces();
      if (Peek() == close || Peek() == ',') return false;  // yaml-cpp's rules for these vary
    }
    --depth_;
    return true;
  }

  // A scalar or nested flow collection inside a flow collection.
  bool ParseFlowItem(YamlNode& out, bool is_key) {
    if (!CountNode()) return false;
    const char c = Peek();
    if (c == '[' || c == '{') {
      if (is_key) return false;
      if (!ParseFlowCollection(out)) return false;
    } else if (c == '"' || c == '\'') {
      const int line = line_;
      MarkHere(out);
      out.kind = YamlNode::Kind::kScalar;
      out.tag = "!!str";
      if (!ParseQuoted(out.value) || line_ != line) return false;
    } else {
      MarkHere(out);
      if (!ParsePlain(out, /*flow=*/true)) return false;
      ResolvePlain(out);
    }
    // In a sequence a ':' would make the item a single-pair mapping: yaml-cpp's.
    if (!is_key && Peek() == ':') return false;
    return true;
  }

  struct Anchor {
    YamlNode node;
    size_t nodes = 0;   // in `node`'s tree
    size_t height = 0;  // of `node`'s tree
  };

  std::string_view s_;
  std::map<std::string, Anchor, std::less<>> anchors_;        // complete anchored nodes by name
  std::map<std::string, int, std::less<>> latest_anchor_id_;  // the last definition of a name
  int last_anchor_id_ = 0;
  size_t pos_ = 0;
  size_t line_start_ = 0;
  int line_ = 0;  // 0-based, as yaml-cpp's marks
  int depth_ = 0;
  size_t nodes_ = 0;
};

}  // namespace

std::optional<YamlNode> ReadYamlFast(std::string_view text) {
  if (!OnlyPlainBytes(text)) return std::nullopt;
  YamlNode root;
  Reader reader(text);
  if (!reader.Read(root)) return std::nullopt;
  return root;
}

}  // namespace promkit::util

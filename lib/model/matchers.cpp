#include "model/matchers.h"

#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <unordered_set>
#include <utility>

#include <fmt/core.h>
#include <re2/re2.h>

#include "model/go_regexp.h"
#include "util/strings.h"

// How regex matchers work (upstream model/labels/regexp.go, re-derived):
//  1. A value that is `lit1|lit2|...` of plain literals is a set lookup without any parsing.
//  2. Otherwise a small parser reads the subset of the syntax that fast paths can use (literals,
//     `.`, simple classes, groups, alternation, `*` `+` `?`, the i/s/U flags) into a tree. On
//     anything else it gives up, which only means "no fast path".
//  3. The tree becomes a StringMatcher when its shape allows (sets, `.*`-style wildcards, literal
//     prefixes/suffixes, substrings between wildcards, globs); otherwise RE2 decides, after cheap
//     literal prefix/suffix/substring pre-checks.
// Go's regexp reads each invalid UTF-8 byte of a subject as U+FFFD; RE2 would not match such a
// byte with `.`, so the RE2 path first rewrites invalid bytes to U+FFFD. The fast paths agree
// with Go without rewriting, except that literals containing U+FFFD are left to RE2.

namespace promkit::model {
namespace internal {
namespace {

constexpr size_t kMaxSetMatches = 256;          // upstream's maxSetMatches
constexpr size_t kMapThreshold = 16;            // from this many values a hash set is faster
constexpr int kMaxParseDepth = 64;              // deeper patterns go to RE2
constexpr std::string_view kKelvin = "\u212A";  // folds to k under Unicode simple folding
constexpr std::string_view kLongS = "\u017F";   // folds to s
constexpr std::string_view kReplacement = "\uFFFD";

bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 'a' - 'A') : c; }

bool HasAsciiLetter(std::string_view s) {
  for (char c : s) {
    char l = LowerAscii(c);
    if (l >= 'a' && l <= 'z') return true;
  }
  return false;
}

std::string ToLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = LowerAscii(c);
  return out;
}

// Case-insensitive matching of ASCII literals (stored lower-case). Under Unicode simple folding
// the only non-ASCII runes equal to ASCII letters are U+212A (k) and U+017F (s), so any other
// non-ASCII byte in the subject is a mismatch.
std::optional<size_t> FoldPrefixLen(std::string_view s, std::string_view lower_prefix) {
  size_t j = 0;
  for (char c : lower_prefix) {
    if (j >= s.size()) return std::nullopt;
    if (static_cast<unsigned char>(s[j]) < 0x80) {
      if (LowerAscii(s[j]) != c) return std::nullopt;
      ++j;
    } else if (c == 'k' && s.substr(j, kKelvin.size()) == kKelvin) {
      j += kKelvin.size();
    } else if (c == 's' && s.substr(j, kLongS.size()) == kLongS) {
      j += kLongS.size();
    } else {
      return std::nullopt;
    }
  }
  return j;
}

std::optional<size_t> FoldSuffixLen(std::string_view s, std::string_view lower_suffix) {
  size_t j = s.size();
  for (size_t i = lower_suffix.size(); i-- > 0;) {
    char c = lower_suffix[i];
    if (j == 0) return std::nullopt;
    std::string_view head = s.substr(0, j);
    if (static_cast<unsigned char>(s[j - 1]) < 0x80) {
      if (LowerAscii(s[j - 1]) != c) return std::nullopt;
      --j;
    } else if (c == 'k' && head.ends_with(kKelvin)) {
      j -= kKelvin.size();
    } else if (c == 's' && head.ends_with(kLongS)) {
      j -= kLongS.size();
    } else {
      return std::nullopt;
    }
  }
  return s.size() - j;
}

// Folds `s` to the form fold sets store (ASCII lower case) into out[0, returned size); nullopt
// when `s` holds a rune that cannot equal any ASCII string. REQUIRES: out holds s.size() bytes
// (folding never lengthens).
std::optional<size_t> FoldNormalize(std::string_view s, char* out) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      out[n++] = LowerAscii(s[i]);
      ++i;
    } else if (s.substr(i, kKelvin.size()) == kKelvin) {
      out[n++] = 'k';
      i += kKelvin.size();
    } else if (s.substr(i, kLongS.size()) == kLongS) {
      out[n++] = 's';
      i += kLongS.size();
    } else {
      return std::nullopt;
    }
  }
  return n;
}

uint64_t LengthMask(size_t n) { return uint64_t{1} << std::min<size_t>(n, 63); }

// ---------------------------------------------------------------------------------------------
// String matchers.

class StringMatcher {
 public:
  virtual ~StringMatcher() = default;
  virtual bool Matches(std::string_view s) const = 0;
};
using MatcherPtr = std::unique_ptr<StringMatcher>;

class TrueMatcher final : public StringMatcher {
 public:
  bool Matches(std::string_view) const override { return true; }
};

class EmptyMatcher final : public StringMatcher {
 public:
  bool Matches(std::string_view s) const override { return s.empty(); }
};

// `[^\n]*`: any string without a newline.
class NoNewlineMatcher final : public StringMatcher {
 public:
  bool Matches(std::string_view s) const override { return s.find('\n') == std::string_view::npos; }
};

// `.+`
class NonEmptyMatcher final : public StringMatcher {
 public:
  explicit NonEmptyMatcher(bool match_nl) : match_nl_(match_nl) {}
  bool Matches(std::string_view s) const override {
    return !s.empty() && (match_nl_ || s.find('\n') == std::string_view::npos);
  }

 private:
  bool match_nl_;
};

// `.?`: the empty string or one rune (an invalid byte counts as one rune, as in Go).
class ZeroOrOneMatcher final : public StringMatcher {
 public:
  explicit ZeroOrOneMatcher(bool match_nl) : match_nl_(match_nl) {}
  bool Matches(std::string_view s) const override {
    if (s.empty()) return true;
    if (static_cast<size_t>(util::DecodeRune(s).width) != s.size()) return false;
    return match_nl_ || s != "\n";
  }

 private:
  bool match_nl_;
};

// One of a set of strings; `fold` sets hold lower-case ASCII and match case-insensitively.
class SetMatcher final : public StringMatcher {
 public:
  SetMatcher(std::vector<std::string> values, bool fold) : values_(std::move(values)), fold_(fold) {
    for (const std::string& v : values_) {
      mask_ |= LengthMask(v.size());
      max_len_ = std::max(max_len_, v.size());
    }
    if (values_.size() >= kMapThreshold) {
      index_.reserve(values_.size());
      for (const std::string& v : values_) index_.insert(v);
    }
  }
  bool Matches(std::string_view s) const override {
    if (!fold_) return (mask_ & LengthMask(s.size())) != 0 && Lookup(s);
    // A folded rune is at most 3 bytes (U+212A), so longer subjects cannot match.
    if (s.size() > 3 * max_len_) return false;
    std::array<char, 256> stack;
    std::string heap;
    char* buf = stack.data();
    if (s.size() > stack.size()) {
      heap.resize(s.size());
      buf = heap.data();
    }
    std::optional<size_t> n = FoldNormalize(s, buf);
    return n && Lookup(std::string_view(buf, *n));
  }

 private:
  bool Lookup(std::string_view s) const {
    if (!index_.empty()) return index_.count(s) != 0;
    return std::find(values_.begin(), values_.end(), s) != values_.end();
  }
  std::vector<std::string> values_;
  bool fold_;
  uint64_t mask_ = 0;
  size_t max_len_ = 0;
  std::unordered_set<std::string_view> index_;  // views values_
};

class OrMatcher final : public StringMatcher {
 public:
  explicit OrMatcher(std::vector<MatcherPtr> subs) : subs_(std::move(subs)) {}
  bool Matches(std::string_view s) const override {
    for (const MatcherPtr& m : subs_) {
      if (m->Matches(s)) return true;
    }
    return false;
  }

 private:
  std::vector<MatcherPtr> subs_;
};

// One of `prefixes`, then `rest` on the remainder.
class PrefixMatcher final : public StringMatcher {
 public:
  PrefixMatcher(std::vector<std::string> prefixes, bool fold, MatcherPtr rest)
      : prefixes_(std::move(prefixes)), fold_(fold), rest_(std::move(rest)) {}
  bool Matches(std::string_view s) const override {
    for (const std::string& p : prefixes_) {
      if (fold_) {
        if (auto n = FoldPrefixLen(s, p); n && rest_->Matches(s.substr(*n))) return true;
      } else if (s.starts_with(p) && rest_->Matches(s.substr(p.size()))) {
        return true;
      }
    }
    return false;
  }

 private:
  std::vector<std::string> prefixes_;
  bool fold_;
  MatcherPtr rest_;
};

// `rest` on the front, then one of `suffixes`.
class SuffixMatcher final : public StringMatcher {
 public:
  SuffixMatcher(std::vector<std::string> suffixes, bool fold, MatcherPtr rest)
      : suffixes_(std::move(suffixes)), fold_(fold), rest_(std::move(rest)) {}
  bool Matches(std::string_view s) const override {
    for (const std::string& p : suffixes_) {
      if (fold_) {
        if (auto n = FoldSuffixLen(s, p); n && rest_->Matches(s.substr(0, s.size() - *n))) {
          return true;
        }
      } else if (s.ends_with(p) && rest_->Matches(s.substr(0, s.size() - p.size()))) {
        return true;
      }
    }
    return false;
  }

 private:
  std::vector<std::string> suffixes_;
  bool fold_;
  MatcherPtr rest_;
};

// left, one of `substrings`, right: tries every occurrence of each substring.
class ContainsMatcher final : public StringMatcher {
 public:
  ContainsMatcher(std::vector<std::string> substrings, MatcherPtr left, MatcherPtr right)
      : substrings_(std::move(substrings)), left_(std::move(left)), right_(std::move(right)) {}
  bool Matches(std::string_view s) const override {
    for (const std::string& sub : substrings_) {
      for (size_t pos = s.find(sub); pos != std::string_view::npos; pos = s.find(sub, pos + 1)) {
        if (left_->Matches(s.substr(0, pos)) && right_->Matches(s.substr(pos + sub.size()))) {
          return true;
        }
      }
    }
    return false;
  }

 private:
  std::vector<std::string> substrings_;
  MatcherPtr left_;
  MatcherPtr right_;
};

// Case-sensitive literals separated by `(?s:.*)`, e.g. `foo.*bar.*baz`: the classic glob walk
// (anchored first/last pieces, leftmost search for the rest) decides in linear time.
class GlobMatcher final : public StringMatcher {
 public:
  GlobMatcher(std::vector<std::string> pieces, bool anchored_start, bool anchored_end)
      : pieces_(std::move(pieces)), anchored_start_(anchored_start), anchored_end_(anchored_end) {}
  bool Matches(std::string_view s) const override {
    std::span<const std::string> mid(pieces_);
    if (anchored_start_) {
      if (!s.starts_with(mid.front())) return false;
      s.remove_prefix(mid.front().size());
      mid = mid.subspan(1);
    }
    if (anchored_end_) {
      if (!s.ends_with(mid.back())) return false;
      s.remove_suffix(mid.back().size());
      mid = mid.first(mid.size() - 1);
    }
    for (const std::string& p : mid) {
      size_t at = s.find(p);
      if (at == std::string_view::npos) return false;
      s.remove_prefix(at + p.size());
    }
    return true;
  }

 private:
  std::vector<std::string> pieces_;  // REQUIRES: non-empty; two when both ends are anchored
  bool anchored_start_;
  bool anchored_end_;
};

// ---------------------------------------------------------------------------------------------
// The fast-path parser: a subset of Go's regexp/syntax. Every pattern it accepts is valid in Go
// and RE2 with the same meaning; anything else returns nullopt and RE2 decides.

struct Node {
  // kOpaque: a valid construct without a fast path (\d, {n,m}, [^...]); it still lets the
  // literals around it serve as pre-checks before RE2.
  enum Kind {
    kEmpty,
    kLiteral,
    kAnyChar,
    kStar,
    kPlus,
    kQuest,
    kConcat,
    kAlternate,
    kClass,
    kOpaque
  };
  Kind kind = kEmpty;
  bool fold = false;                                  // kLiteral: (?i) applies
  bool dot_nl = true;                                 // kAnyChar: `.` also matches \n
  std::string text;                                   // kLiteral, UTF-8
  std::vector<std::pair<char32_t, char32_t>> ranges;  // kClass
  std::vector<Node> subs;

  bool IsWildcard() const {
    return (kind == kStar || kind == kPlus || kind == kQuest) && subs[0].kind == kAnyChar;
  }
  bool IsMatchAny() const { return kind == kStar && subs[0].kind == kAnyChar && subs[0].dot_nl; }
};

class Parser {
 public:
  explicit Parser(std::string_view re) : re_(re) {}

  std::optional<Node> Parse() {
    Flags flags;
    std::optional<Node> n = ParseAlternation(0, &flags);
    if (!n || pos_ != re_.size()) return std::nullopt;
    return n;
  }

 private:
  struct Flags {
    bool fold = false;
    bool dot_nl = true;
  };

  static bool IsPunct(char c) {
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
           (c >= '{' && c <= '~');
  }

  // One possibly escaped character of a literal or class; nullopt when unsupported.
  std::optional<char32_t> ParseChar() {
    if (pos_ >= re_.size()) return std::nullopt;
    if (re_[pos_] == '\\') {
      if (pos_ + 1 >= re_.size()) return std::nullopt;
      char c = re_[pos_ + 1];
      pos_ += 2;
      switch (c) {
        case 'a':
          return U'\a';
        case 'f':
          return U'\f';
        case 'n':
          return U'\n';
        case 'r':
          return U'\r';
        case 't':
          return U'\t';
        case 'v':
          return U'\v';
        default:
          if (IsPunct(c)) return static_cast<char32_t>(c);
          return std::nullopt;
      }
    }
    util::DecodedRune r = util::DecodeRune(re_.substr(pos_));
    if (r.rune == util::kRuneError) return std::nullopt;  // invalid UTF-8, or U+FFFD itself
    pos_ += static_cast<size_t>(r.width);
    return r.rune;
  }

  std::optional<Node> ParseClass(const Flags& flags) {
    if (flags.fold) return std::nullopt;
    ++pos_;  // '['
    Node n;
    n.kind = Node::kClass;
    bool first = true;
    while (true) {
      if (pos_ >= re_.size()) return std::nullopt;
      char c = re_[pos_];
      if (c == ']' && !first) {
        ++pos_;
        break;
      }
      if ((first && c == '^') || c == '[') return std::nullopt;
      bool last = pos_ + 1 < re_.size() && re_[pos_ + 1] == ']';
      if (c == '-' && !first && !last) return std::nullopt;
      std::optional<char32_t> lo = ParseChar();
      if (!lo) return std::nullopt;
      char32_t hi = *lo;
      if (pos_ + 1 < re_.size() && re_[pos_] == '-' && re_[pos_ + 1] != ']') {
        ++pos_;
        std::optional<char32_t> h = ParseChar();
        if (!h || *h < *lo) return std::nullopt;
        hi = *h;
      }
      n.ranges.emplace_back(*lo, hi);
      first = false;
    }
    return n;
  }

  static bool IsOpaqueEscape(char c) {
    return std::string_view("dDwWsSbBAzpP").find(c) != std::string_view::npos;
  }

  // \d \D \w \W \s \S \b \B \A \z, \pL, \p{Greek}; unknown \p{...} names are left to RE2.
  std::optional<Node> ParseOpaqueEscape() {
    char c = re_[pos_ + 1];
    pos_ += 2;
    if (c == 'p' || c == 'P') {
      if (pos_ >= re_.size()) return std::nullopt;
      if (re_[pos_] == '{') {
        size_t end = re_.find('}', pos_);
        if (end == std::string_view::npos) return std::nullopt;
        std::string_view name = re_.substr(pos_ + 1, end - pos_ - 1);
        if (!name.empty() && name[0] == '^') name.remove_prefix(1);
        static constexpr std::string_view kKnown[] = {
            "Any", "L", "Lu", "Ll", "N", "Nd", "P", "S", "Z", "Greek", "Latin", "Han", "Cyrillic"};
        if (std::find(std::begin(kKnown), std::end(kKnown), name) == std::end(kKnown)) {
          return std::nullopt;
        }
        pos_ = end + 1;
      } else {
        if (std::string_view("LNPSZ").find(re_[pos_]) == std::string_view::npos) {
          return std::nullopt;
        }
        ++pos_;
      }
    }
    Node n;
    n.kind = Node::kOpaque;
    return n;
  }

  // After '{': digits[,[digits]]} with counts of at most 1000 (Go's and RE2's limit).
  bool ParseRepeatCount() {
    size_t p = pos_ + 1;
    auto number = [&](int* out) {
      size_t start = p;
      int v = 0;
      while (p < re_.size() && re_[p] >= '0' && re_[p] <= '9' && p - start < 5) {
        v = v * 10 + (re_[p] - '0');
        ++p;
      }
      *out = v;
      return p > start && p - start < 5;
    };
    int lo = 0;
    int hi = 0;
    if (!number(&lo) || lo > 1000) return false;
    if (p < re_.size() && re_[p] == ',') {
      ++p;
      if (p < re_.size() && re_[p] != '}') {
        if (!number(&hi) || hi > 1000 || hi < lo) return false;
      }
    }
    if (p >= re_.size() || re_[p] != '}') return false;
    pos_ = p + 1;
    return true;
  }

  // A class the fast paths cannot use, made only of plain characters, ranges and the escapes
  // above (no nested [: :] forms): an opaque node.
  std::optional<Node> SkipClass() {
    ++pos_;  // '['
    if (pos_ < re_.size() && re_[pos_] == '^') ++pos_;
    bool first = true;
    char32_t prev = 0;
    bool have_prev = false;
    while (pos_ < re_.size()) {
      char c = re_[pos_];
      if (c == ']' && !first) {
        ++pos_;
        Node n;
        n.kind = Node::kOpaque;
        return n;
      }
      if (c == '[') return std::nullopt;
      if (c == '-' && !first && !(pos_ + 1 < re_.size() && re_[pos_ + 1] == ']')) {
        // A range: the previous character must be plain and the next one not smaller.
        ++pos_;
        if (!have_prev) return std::nullopt;
        std::optional<char32_t> hi = ParseChar();
        if (!hi || *hi < prev) return std::nullopt;
        have_prev = false;
        first = false;
        continue;
      }
      if (c == '\\' && pos_ + 1 < re_.size() &&
          std::string_view("dDwWsS").find(re_[pos_ + 1]) != std::string_view::npos) {
        pos_ += 2;
        have_prev = false;
      } else {
        std::optional<char32_t> r = ParseChar();
        if (!r) return std::nullopt;
        prev = *r;
        have_prev = true;
      }
      first = false;
    }
    return std::nullopt;
  }

  // Reads `(?flags)` or `(?flags:`; returns false when unsupported. *scoped says which.
  bool ParseFlags(Flags* flags, bool* scoped) {
    pos_ += 2;  // "(?"
    bool negate = false;
    bool any = false;
    bool any_after_negate = false;
    while (pos_ < re_.size()) {
      char c = re_[pos_++];
      switch (c) {
        case 'i':
          flags->fold = !negate;
          break;
        case 's':
          flags->dot_nl = !negate;
          break;
        case 'U':  // greediness does not change which strings match
          break;
        case '-':
          if (negate) return false;
          negate = true;
          continue;
        case ')':
        case ':':
          if (!any || (negate && !any_after_negate)) return false;
          *scoped = c == ':';
          return true;
        default:  // m changes ^ and $, P and < start named groups: leave them to RE2
          return false;
      }
      any = true;
      if (negate) any_after_negate = true;
    }
    return false;
  }

  // Parses until ')' or the end; the caller consumes the ')'.
  std::optional<Node> ParseAlternation(int depth, Flags* flags) {
    if (depth > kMaxParseDepth) return std::nullopt;
    Node alt;
    alt.kind = Node::kAlternate;
    std::vector<Node> items;
    bool can_repeat = false;  // the last token was an atom a repetition may apply to
    auto finish_branch = [&] {
      alt.subs.push_back(MakeConcat(std::move(items)));
      items.clear();
    };
    while (pos_ < re_.size()) {
      char c = re_[pos_];
      if (c == ')') break;
      switch (c) {
        case '|':
          ++pos_;
          finish_branch();
          can_repeat = false;
          continue;
        case '*':
        case '+':
        case '?': {
          if (!can_repeat) return std::nullopt;
          ++pos_;
          if (pos_ < re_.size() && re_[pos_] == '?') ++pos_;  // non-greedy: same language
          if (pos_ < re_.size() &&
              std::string_view("*+?{").find(re_[pos_]) != std::string_view::npos) {
            return std::nullopt;
          }
          Node rep;
          rep.kind = c == '*' ? Node::kStar : c == '+' ? Node::kPlus : Node::kQuest;
          rep.subs.push_back(std::move(items.back()));
          items.back() = std::move(rep);
          can_repeat = false;
          continue;
        }
        case '{': {
          // {n}, {n,} or {n,m} with n <= m <= 1000; anything else is left to RE2 (Go reads a
          // malformed one as a literal '{').
          if (!can_repeat || !ParseRepeatCount()) return std::nullopt;
          if (pos_ < re_.size() && re_[pos_] == '?') ++pos_;
          if (pos_ < re_.size() &&
              std::string_view("*+?{").find(re_[pos_]) != std::string_view::npos) {
            return std::nullopt;
          }
          Node rep;
          rep.kind = Node::kOpaque;
          rep.subs.push_back(std::move(items.back()));
          items.back() = std::move(rep);
          can_repeat = false;
          continue;
        }
        case '^':
          // A no-op at the start of a top-level branch, as matching is anchored anyway.
          if (depth != 0 || !items.empty()) return std::nullopt;
          ++pos_;
          can_repeat = false;
          continue;
        case '$':
          if (depth != 0 || (pos_ + 1 < re_.size() && re_[pos_ + 1] != '|')) return std::nullopt;
          ++pos_;
          can_repeat = false;
          continue;
        case '.': {
          ++pos_;
          Node n;
          n.kind = Node::kAnyChar;
          n.dot_nl = flags->dot_nl;
          items.push_back(std::move(n));
          can_repeat = true;
          continue;
        }
        case '[': {
          size_t start = pos_;
          std::optional<Node> n = ParseClass(*flags);
          if (!n) {
            pos_ = start;
            n = SkipClass();
          }
          if (!n) return std::nullopt;
          items.push_back(std::move(*n));
          can_repeat = true;
          continue;
        }
        case '(': {
          Flags inner = *flags;
          if (pos_ + 1 < re_.size() && re_[pos_ + 1] == '?') {
            bool scoped = false;
            if (!ParseFlags(&inner, &scoped)) return std::nullopt;
            if (!scoped) {  // (?i): applies to the rest of the enclosing group
              *flags = inner;
              can_repeat = false;
              continue;
            }
          } else {
            ++pos_;
          }
          std::optional<Node> sub = ParseAlternation(depth + 1, &inner);
          if (!sub || pos_ >= re_.size() || re_[pos_] != ')') return std::nullopt;
          ++pos_;
          items.push_back(std::move(*sub));
          can_repeat = true;
          continue;
        }
        case '\\':
          if (pos_ + 1 < re_.size() && IsOpaqueEscape(re_[pos_ + 1])) {
            std::optional<Node> n = ParseOpaqueEscape();
            if (!n) return std::nullopt;
            bool assertion = std::string_view("bBAz").find(re_[pos_ - 1]) != std::string_view::npos;
            items.push_back(std::move(*n));
            can_repeat = !assertion;
            continue;
          }
          [[fallthrough]];
        default: {
          std::optional<char32_t> r = ParseChar();
          if (!r) return std::nullopt;
          Node n;
          n.kind = Node::kLiteral;
          n.fold = flags->fold;
          util::AppendRune(n.text, *r);
          items.push_back(std::move(n));
          can_repeat = true;
          continue;
        }
      }
    }
    if (depth == 0 && pos_ < re_.size()) return std::nullopt;  // unbalanced ')'
    finish_branch();
    if (alt.subs.size() == 1) return std::move(alt.subs[0]);
    return alt;
  }

  // Flattens nested concatenations and merges adjacent literals of the same case mode.
  static Node MakeConcat(std::vector<Node> items) {
    Node out;
    out.kind = Node::kConcat;
    for (Node& n : items) {
      if (n.kind == Node::kConcat) {
        for (Node& s : n.subs) Append(&out, std::move(s));
      } else if (n.kind != Node::kEmpty) {
        Append(&out, std::move(n));
      }
    }
    if (out.subs.empty()) return Node();
    if (out.subs.size() == 1) return std::move(out.subs[0]);
    return out;
  }
  static void Append(Node* concat, Node n) {
    if (n.kind == Node::kLiteral && n.fold && !HasAsciiLetter(n.text) && IsAscii(n.text)) {
      n.fold = false;  // folding cannot change such a literal
    }
    if (n.kind == Node::kLiteral && !concat->subs.empty()) {
      Node& prev = concat->subs.back();
      if (prev.kind == Node::kLiteral && prev.fold == n.fold) {
        prev.text += n.text;
        return;
      }
    }
    concat->subs.push_back(std::move(n));
  }

  std::string_view re_;
  size_t pos_ = 0;
};

// ---------------------------------------------------------------------------------------------
// From tree to StringMatcher.

// A finite language: its strings and whether they match case-insensitively.
struct StringSet {
  enum Fold { kEither, kSensitive, kInsensitive };
  std::vector<std::string> strings;
  Fold fold = kEither;
};

bool MergeFold(StringSet::Fold* into, StringSet::Fold f) {
  if (f == StringSet::kEither) return true;
  if (*into == StringSet::kEither) {
    *into = f;
    return true;
  }
  return *into == f;
}

std::optional<StringSet> FiniteSet(const Node& n);

std::optional<StringSet> FiniteSetOfConcat(std::span<const Node> items) {
  StringSet out;
  out.strings.emplace_back();
  for (const Node& item : items) {
    std::optional<StringSet> s = FiniteSet(item);
    if (!s || !MergeFold(&out.fold, s->fold)) return std::nullopt;
    if (out.strings.size() * s->strings.size() > kMaxSetMatches) return std::nullopt;
    std::vector<std::string> next;
    next.reserve(out.strings.size() * s->strings.size());
    for (const std::string& a : out.strings) {
      for (const std::string& b : s->strings) next.push_back(a + b);
    }
    out.strings = std::move(next);
  }
  return out;
}

std::optional<StringSet> FiniteSet(const Node& n) {
  switch (n.kind) {
    case Node::kEmpty:
      return StringSet{{""}, StringSet::kEither};
    case Node::kLiteral:
      if (!n.fold) return StringSet{{n.text}, StringSet::kSensitive};
      if (!IsAscii(n.text)) return std::nullopt;  // non-ASCII folding is left to RE2
      return StringSet{{ToLowerAscii(n.text)}, StringSet::kInsensitive};
    case Node::kClass: {
      size_t total = 0;
      for (const auto& [lo, hi] : n.ranges) total += hi - lo + 1;
      if (total > kMaxSetMatches) return std::nullopt;
      StringSet out{{}, StringSet::kSensitive};
      for (const auto& [lo, hi] : n.ranges) {
        for (char32_t r = lo; r <= hi; ++r) {
          std::string s;
          util::AppendRune(s, r);
          out.strings.push_back(std::move(s));
        }
      }
      return out;
    }
    case Node::kQuest: {
      if (n.subs[0].kind == Node::kAnyChar) return std::nullopt;
      std::optional<StringSet> s = FiniteSet(n.subs[0]);
      if (!s || s->strings.size() + 1 > kMaxSetMatches) return std::nullopt;
      s->strings.emplace_back();
      return s;
    }
    case Node::kAlternate: {
      StringSet out;
      for (const Node& sub : n.subs) {
        std::optional<StringSet> s = FiniteSet(sub);
        if (!s || !MergeFold(&out.fold, s->fold)) return std::nullopt;
        if (out.strings.size() + s->strings.size() > kMaxSetMatches) return std::nullopt;
        for (std::string& str : s->strings) out.strings.push_back(std::move(str));
      }
      return out;
    }
    case Node::kConcat:
      return FiniteSetOfConcat(n.subs);
    default:
      return std::nullopt;
  }
}

void SortUnique(std::vector<std::string>* v) {
  std::sort(v->begin(), v->end());
  v->erase(std::unique(v->begin(), v->end()), v->end());
}

MatcherPtr SetToMatcher(StringSet set) {
  SortUnique(&set.strings);
  bool fold = set.fold == StringSet::kInsensitive;
  if (set.strings.size() == 1 && set.strings[0].empty()) return std::make_unique<EmptyMatcher>();
  return std::make_unique<SetMatcher>(std::move(set.strings), fold);
}

MatcherPtr Build(const Node& n, int* budget);

MatcherPtr BuildWildcard(const Node& n) {
  bool nl = n.subs[0].dot_nl;
  switch (n.kind) {
    case Node::kStar:
      if (nl) return std::make_unique<TrueMatcher>();
      return std::make_unique<NoNewlineMatcher>();
    case Node::kPlus:
      return std::make_unique<NonEmptyMatcher>(nl);
    default:
      return std::make_unique<ZeroOrOneMatcher>(nl);
  }
}

MatcherPtr BuildGlob(std::span<const Node> items) {
  std::vector<std::string> pieces;
  bool prev_star = false;
  for (const Node& n : items) {
    if (n.IsMatchAny()) {
      if (prev_star) return nullptr;  // `.*.*`: not produced by the parser's merging; skip
      prev_star = true;
      continue;
    }
    if (n.kind != Node::kLiteral || n.fold) return nullptr;
    pieces.push_back(n.text);
    prev_star = false;
  }
  bool anchored_start = !items.front().IsMatchAny();
  bool anchored_end = !items.back().IsMatchAny();
  if (pieces.empty() || (anchored_start && anchored_end && pieces.size() < 2)) return nullptr;
  return std::make_unique<GlobMatcher>(std::move(pieces), anchored_start, anchored_end);
}

MatcherPtr BuildConcat(std::span<const Node> items, int* budget) {
  if (items.empty()) return std::make_unique<EmptyMatcher>();
  if (items.size() == 1) return Build(items[0], budget);
  if (std::optional<StringSet> all = FiniteSetOfConcat(items)) return SetToMatcher(*all);
  if (MatcherPtr glob = BuildGlob(items)) return glob;

  // Peel literal sets off both ends; what stays in the middle must have its own fast path.
  auto peel = [](std::span<const Node>* rest, bool front) {
    std::vector<StringSet> groups;
    while (!rest->empty()) {
      const Node& n = front ? rest->front() : rest->back();
      if (n.IsWildcard()) break;
      std::optional<StringSet> s = FiniteSet(n);
      if (!s) break;
      bool merged = false;
      if (!groups.empty()) {
        StringSet& g = groups.back();
        StringSet::Fold fold = g.fold;
        if (MergeFold(&fold, s->fold) && g.strings.size() * s->strings.size() <= kMaxSetMatches) {
          std::vector<std::string> next;
          for (const std::string& a : g.strings) {
            for (const std::string& b : s->strings) next.push_back(front ? a + b : b + a);
          }
          g.strings = std::move(next);
          g.fold = fold;
          merged = true;
        }
      }
      if (!merged) groups.push_back(std::move(*s));
      *rest = front ? rest->subspan(1) : rest->first(rest->size() - 1);
    }
    return groups;
  };
  std::span<const Node> core = items;
  std::vector<StringSet> prefixes = peel(&core, true);
  std::vector<StringSet> suffixes = peel(&core, false);

  MatcherPtr m;
  if (core.empty()) {
    m = std::make_unique<EmptyMatcher>();
  } else if (core.size() == 1) {
    m = Build(core[0], budget);
  } else if (MatcherPtr glob = BuildGlob(core)) {
    m = std::move(glob);
  } else if (core.size() == 3 && core[0].IsWildcard() && core[2].IsWildcard() && *budget > 0) {
    // wildcard, literal set, wildcard: search every occurrence of the literals.
    std::optional<StringSet> mid = FiniteSet(core[1]);
    // An empty middle string would let the search split a multi-byte rune.
    if (mid && mid->fold != StringSet::kInsensitive &&
        std::find(mid->strings.begin(), mid->strings.end(), "") == mid->strings.end()) {
      --*budget;
      SortUnique(&mid->strings);
      m = std::make_unique<ContainsMatcher>(std::move(mid->strings), BuildWildcard(core[0]),
                                            BuildWildcard(core[2]));
    }
  }
  if (!m) return nullptr;
  // Innermost groups (nearest the core) wrap first.
  for (auto it = suffixes.rbegin(); it != suffixes.rend(); ++it) {
    SortUnique(&it->strings);
    m = std::make_unique<SuffixMatcher>(std::move(it->strings), it->fold == StringSet::kInsensitive,
                                        std::move(m));
  }
  for (auto it = prefixes.rbegin(); it != prefixes.rend(); ++it) {
    SortUnique(&it->strings);
    m = std::make_unique<PrefixMatcher>(std::move(it->strings), it->fold == StringSet::kInsensitive,
                                        std::move(m));
  }
  return m;
}

MatcherPtr Build(const Node& n, int* budget) {
  switch (n.kind) {
    case Node::kStar:
    case Node::kPlus:
    case Node::kQuest:
      if (n.subs[0].kind == Node::kAnyChar) return BuildWildcard(n);
      break;
    case Node::kConcat:
      return BuildConcat(n.subs, budget);
    case Node::kAlternate:
      break;
    default:
      break;
  }
  if (std::optional<StringSet> s = FiniteSet(n)) return SetToMatcher(std::move(*s));
  if (n.kind == Node::kAlternate) {
    std::vector<MatcherPtr> subs;
    for (const Node& sub : n.subs) {
      MatcherPtr m = Build(sub, budget);
      if (!m) return nullptr;
      subs.push_back(std::move(m));
    }
    return std::make_unique<OrMatcher>(std::move(subs));
  }
  return nullptr;
}

// The case-sensitive literal every match starts with (Go's parser factors `abcd|abc.+` into
// `abc(?:d|.+)`, so upstream finds "abc" there too). Cut at a rune boundary.
std::string LiteralPrefix(const Node& n) {
  switch (n.kind) {
    case Node::kLiteral:
      return n.fold ? std::string() : n.text;
    case Node::kConcat:
      return LiteralPrefix(n.subs[0]);
    case Node::kAlternate: {
      std::string common = LiteralPrefix(n.subs[0]);
      for (size_t i = 1; i < n.subs.size() && !common.empty(); ++i) {
        std::string p = LiteralPrefix(n.subs[i]);
        size_t k = 0;
        while (k < common.size() && k < p.size() && common[k] == p[k]) ++k;
        while (k > 0 && k < common.size() &&
               (static_cast<unsigned char>(common[k]) & 0xC0) == 0x80) {
          --k;
        }
        common.resize(k);
      }
      return common;
    }
    default:
      return std::string();
  }
}

// ---------------------------------------------------------------------------------------------
// RE2.

util::Status RegexError(std::string_view text, std::string_view expr) {
  return util::Status::InvalidArgument(fmt::format("error parsing regexp: {}: `{}`", text, expr));
}

// Go rejects `\C` (RE2's any-byte escape) and accepts `(?<name>` (which this RE2 spells
// `(?P<name>`). Walks the pattern outside \Q...\E and classes to fix both up.
util::Result<std::string> ToRe2Syntax(std::string_view re) {
  std::string out;
  out.reserve(re.size() + 4);
  bool quoted = false;
  bool in_class = false;
  for (size_t i = 0; i < re.size(); ++i) {
    char c = re[i];
    if (quoted) {
      if (c == '\\' && i + 1 < re.size() && re[i + 1] == 'E') {
        quoted = false;
        out.append("\\E");
        ++i;
      } else {
        out.push_back(c);
      }
      continue;
    }
    if (c == '\\' && i + 1 < re.size()) {
      char e = re[i + 1];
      if (e == 'C') return RegexError("invalid escape sequence", "\\C");
      if (e == 'Q') quoted = true;
      out.push_back(c);
      out.push_back(e);
      ++i;
      continue;
    }
    if (in_class) {
      if (c == '[' && i + 1 < re.size() && re[i + 1] == ':') {
        size_t end = re.find(":]", i + 2);
        if (end != std::string_view::npos) {
          out.append(re.substr(i, end + 2 - i));
          i = end + 1;
          continue;
        }
      }
      if (c == ']') in_class = false;
      out.push_back(c);
      continue;
    }
    if (c == '[') {
      in_class = true;
      out.push_back(c);
      // A ']' right after '[' or '[^' is a literal.
      if (i + 1 < re.size() && re[i + 1] == '^') out.push_back(re[++i]);
      if (i + 1 < re.size() && re[i + 1] == ']') out.push_back(re[++i]);
      continue;
    }
    if (c == '(' && re.substr(i).starts_with("(?<") && i + 3 < re.size() && re[i + 3] != '=' &&
        re[i + 3] != '!') {
      out.append("(?P<");
      i += 2;
      continue;
    }
    out.push_back(c);
  }
  return out;
}

// Go's regexp.QuoteMeta(s) == s: no byte is one of \.+*?()|[]{}^$
bool IsPlainLiteral(std::string_view s) {
  return s.find_first_of("\\.+*?()|[]{}^$") == std::string_view::npos;
}

// The top-level literals of `a|b|c` when every alternative is a plain literal.
std::optional<std::vector<std::string>> AlternatingLiterals(std::string_view re) {
  std::vector<std::string> out;
  for (std::string_view piece : util::SplitString(re, "|")) {
    if (!IsPlainLiteral(piece)) return std::nullopt;
    // Go would read an invalid byte of a subject as U+FFFD, which these literals do not
    // express; leave such patterns to the regex engine.
    if (piece.find(kReplacement) != std::string_view::npos) return std::nullopt;
    out.emplace_back(piece);
  }
  return out;
}

}  // namespace

class FastRegexMatcher {
 public:
  static util::Result<std::shared_ptr<const FastRegexMatcher>> Compile(std::string_view re) {
    auto m = std::make_shared<FastRegexMatcher>();
    if (re.empty()) {
      m->matcher_ = std::make_unique<EmptyMatcher>();
      return std::shared_ptr<const FastRegexMatcher>(std::move(m));
    }
    if (auto lits = AlternatingLiterals(re)) {
      // Upstream takes this path without parsing, so such values are never rejected.
      m->set_matches_ = *lits;
      SortUnique(&m->set_matches_);
      if (m->set_matches_.size() > kMaxSetMatches) m->set_matches_.clear();
      m->matcher_ = std::make_unique<SetMatcher>(std::move(*lits), false);
      return std::shared_ptr<const FastRegexMatcher>(std::move(m));
    }
    // Go checks UTF-8 first and names the rest of the pattern from the first bad byte. RE2
    // alone would accept encoded surrogates.
    for (size_t i = 0; i < re.size();) {
      util::DecodedRune r = util::DecodeRune(re.substr(i));
      if (r.rune == util::kRuneError && r.width == 1) {
        return RegexError("invalid UTF-8", re.substr(i));
      }
      i += static_cast<size_t>(r.width);
    }
    std::optional<Node> tree = Parser(re).Parse();
    if (tree) {
      if (std::optional<StringSet> set = FiniteSet(*tree);
          set && set->fold != StringSet::kInsensitive) {
        m->set_matches_ = set->strings;
        SortUnique(&m->set_matches_);
      }
      m->prefix_ = LiteralPrefix(*tree);
      int budget = 2;
      m->matcher_ = Build(*tree, &budget);
      if (m->matcher_) return std::shared_ptr<const FastRegexMatcher>(std::move(m));
      m->SetPrefilters(*tree);
    }
    PROMKIT_ASSIGN_OR_RETURN(std::string syntax, ToRe2Syntax(re));
    RE2::Options opts;
    opts.set_encoding(RE2::Options::EncodingUTF8);
    opts.set_dot_nl(true);
    opts.set_never_capture(true);
    opts.set_log_errors(false);
    opts.set_max_mem(int64_t{32} << 20);
    m->re_ = std::make_unique<RE2>(syntax, opts);
    if (!m->re_->ok()) {
      std::string_view arg = m->re_->error_arg();
      if (m->re_->error_code() == RE2::ErrorMissingParen ||
          m->re_->error_code() == RE2::ErrorUnexpectedParen) {
        arg = re;  // Go shows the whole expression for unbalanced parentheses
      }
      return RegexError(GoRegexpErrorText(m->re_->error_code()), arg);
    }
    return std::shared_ptr<const FastRegexMatcher>(std::move(m));
  }

  bool Matches(std::string_view s) const {
    if (matcher_) return matcher_->Matches(s);
    if (!pre_prefix_.empty()) {
      if (pre_prefix_fold_ ? !FoldPrefixLen(s, pre_prefix_) : !s.starts_with(pre_prefix_)) {
        return false;
      }
    }
    if (!pre_suffix_.empty() && !s.ends_with(pre_suffix_)) return false;
    size_t from = 0;
    for (const std::string& c : pre_contains_) {
      size_t at = s.find(c, from);
      if (at == std::string_view::npos) return false;
      from = at + c.size();
    }
    if (util::IsValidUtf8(s)) return RE2::FullMatch(s, *re_);
    std::string fixed;
    fixed.reserve(s.size() + 8);
    for (size_t i = 0; i < s.size();) {
      util::DecodedRune r = util::DecodeRune(s.substr(i));
      if (r.rune == util::kRuneError && r.width == 1) {
        fixed.append(kReplacement);
      } else {
        fixed.append(s.substr(i, static_cast<size_t>(r.width)));
      }
      i += static_cast<size_t>(r.width);
    }
    return RE2::FullMatch(fixed, *re_);
  }

  const std::vector<std::string>& set_matches() const { return set_matches_; }
  std::string_view prefix() const { return prefix_; }
  bool optimized() const {
    return matcher_ != nullptr || !pre_prefix_.empty() || !pre_suffix_.empty() ||
           !pre_contains_.empty();
  }

 private:
  // Necessary conditions checked before RE2: literal prefix and suffix of a top-level
  // concatenation, and its inner literals in order (upstream's optimizeConcatRegex).
  void SetPrefilters(const Node& tree) {
    if (tree.kind != Node::kConcat) return;
    const std::vector<Node>& subs = tree.subs;
    const Node& first = subs.front();
    if (first.kind == Node::kLiteral && (!first.fold || IsAscii(first.text))) {
      pre_prefix_ = first.fold ? ToLowerAscii(first.text) : first.text;
      pre_prefix_fold_ = first.fold;
    }
    const Node& last = subs.back();
    if (last.kind == Node::kLiteral && !last.fold) pre_suffix_ = last.text;
    for (size_t i = 1; i + 1 < subs.size(); ++i) {
      if (subs[i].kind == Node::kLiteral && !subs[i].fold) pre_contains_.push_back(subs[i].text);
    }
  }

  MatcherPtr matcher_;       // answers alone when set
  std::unique_ptr<RE2> re_;  // otherwise
  std::string pre_prefix_;
  bool pre_prefix_fold_ = false;
  std::string pre_suffix_;
  std::vector<std::string> pre_contains_;
  std::vector<std::string> set_matches_;
  std::string prefix_;
};

}  // namespace internal

std::string_view MatchTypeToString(MatchType type) {
  switch (type) {
    case MatchType::kEqual:
      return "=";
    case MatchType::kNotEqual:
      return "!=";
    case MatchType::kRegexMatch:
      return "=~";
    case MatchType::kRegexNoMatch:
      return "!~";
  }
  PROMKIT_CHECK(false) << "BUG: unknown match type " << static_cast<int>(type);
  return "";
}

util::Result<Matcher> Matcher::Make(MatchType type, std::string name, std::string value) {
  std::shared_ptr<const internal::FastRegexMatcher> re;
  if (type == MatchType::kRegexMatch || type == MatchType::kRegexNoMatch) {
    PROMKIT_ASSIGN_OR_RETURN(re, internal::FastRegexMatcher::Compile(value));
  }
  return Matcher(type, std::move(name), std::move(value), std::move(re));
}

bool Matcher::Matches(std::string_view s) const {
  switch (type_) {
    case MatchType::kEqual:
      return s == value_;
    case MatchType::kNotEqual:
      return s != value_;
    case MatchType::kRegexMatch:
      return re_->Matches(s);
    case MatchType::kRegexNoMatch:
      return !re_->Matches(s);
  }
  return false;
}

std::string Matcher::ToString() const {
  // Upstream's shouldQuoteName: quote unless [a-zA-Z_][a-zA-Z0-9_]* (so also "" and names with
  // ':', which the legacy label grammar does not allow either).
  bool quote = name_.empty();
  for (size_t i = 0; i < name_.size() && !quote; ++i) {
    char c = name_[i];
    bool ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) quote = true;
  }
  std::string out;
  out.reserve(name_.size() + value_.size() + 6);
  if (quote) {
    util::AppendGoQuote(out, name_);
  } else {
    out.append(name_);
  }
  out.append(MatchTypeToString(type_));
  util::AppendGoQuote(out, value_);
  return out;
}

Matcher Matcher::Inverse() const {
  MatchType inv = MatchType::kEqual;
  switch (type_) {
    case MatchType::kEqual:
      inv = MatchType::kNotEqual;
      break;
    case MatchType::kNotEqual:
      inv = MatchType::kEqual;
      break;
    case MatchType::kRegexMatch:
      inv = MatchType::kRegexNoMatch;
      break;
    case MatchType::kRegexNoMatch:
      inv = MatchType::kRegexMatch;
      break;
  }
  return Matcher(inv, name_, value_, re_);
}

const std::vector<std::string>& Matcher::SetMatches() const {
  static const std::vector<std::string> kNone;
  return re_ ? re_->set_matches() : kNone;
}

std::string_view Matcher::Prefix() const { return re_ ? re_->prefix() : std::string_view(); }

bool Matcher::IsRegexOptimized() const { return re_ && re_->optimized(); }

}  // namespace promkit::model

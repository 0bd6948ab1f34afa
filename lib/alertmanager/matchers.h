#pragma once
// Alertmanager's label matchers (upstream pkg/labels, matcher/parse and matcher/compat).
//
// Two parsers exist upstream and both are here:
//   - the classic one (pkg/labels.ParseMatchers): braces optional, values optionally quoted,
//     label names in the classic charset, tolerant of stray backslashes;
//   - the UTF-8 one (matcher/parse): a real lexer, names and values either double-quoted Go
//     strings or unquoted runs of non-reserved characters, errors with column ranges.
// Alertmanager and amtool parse with the "fallback" parser by default: the UTF-8 one, falling
// back to the classic one when only that accepts the input (or when both accept it but
// disagree). Regular expressions are anchored as upstream compiles them, `^(?:<re>)$`, without
// the dot matching newlines (unlike Prometheus's matchers).
// Thread-safety: a Matcher is immutable; copies share the compiled regex.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace re2 {
class RE2;
}

namespace promkit::alertmanager {

// An alert's labels, sorted by name (model.LabelSet).
using LabelSet = std::map<std::string, std::string>;

enum class MatchType { kEqual, kNotEqual, kRegexp, kNotRegexp };

// "=", "!=", "=~" or "!~".
std::string_view MatchTypeString(MatchType t);

class Matcher {
 public:
  // labels.NewMatcher: fails for a regex that does not compile, with Go's regexp error text
  // (naming the anchored expression, as upstream compiles it).
  static util::Result<Matcher> Make(MatchType type, std::string name, std::string value);

  MatchType type() const { return type_; }
  const std::string& name() const { return name_; }
  const std::string& value() const { return value_; }

  bool Matches(std::string_view s) const;
  // labels.Matcher.String(): `name="value"` with OpenMetrics escaping of the value, or both
  // name and value Go-quoted when the name holds a character the UTF-8 parser reserves.
  std::string String() const;

  friend bool operator==(const Matcher& a, const Matcher& b) {
    return a.type_ == b.type_ && a.name_ == b.name_ && a.value_ == b.value_;
  }

 private:
  Matcher(MatchType type, std::string name, std::string value, std::shared_ptr<const re2::RE2> re)
      : type_(type), name_(std::move(name)), value_(std::move(value)), re_(std::move(re)) {}

  MatchType type_;
  std::string name_;
  std::string value_;
  std::shared_ptr<const re2::RE2> re_;
};

using Matchers = std::vector<Matcher>;

// labels.Matchers.Less order (name, value, type).
void SortMatchers(Matchers& ms);
// All match `labels` (a missing label is the empty value).
bool MatchesAll(const Matchers& ms, const LabelSet& labels);
// `{a="b",c=~"d"}`.
std::string MatchersString(const Matchers& ms);

// pkg/labels.ParseMatcher / ParseMatchers.
util::Result<Matcher> ParseClassicMatcher(std::string_view s);
util::Result<Matchers> ParseClassicMatchers(std::string_view s);
// matcher/parse.Matcher / Matchers.
util::Result<Matcher> ParseUtf8Matcher(std::string_view s);
util::Result<Matchers> ParseUtf8Matchers(std::string_view s);

// Which parser compat.Matcher(s) uses (Alertmanager's --enable-feature flags): the default is
// kFallback; "classic-mode" gives kClassic, "utf8-strict-mode" kUtf8Strict.
enum class MatcherMode { kFallback, kClassic, kUtf8Strict };

// compat.Matcher: exactly one matcher; in the UTF-8 modes braces are rejected first
// ("unexpected open or close brace: <input>").
util::Result<Matcher> ParseMatcher(std::string_view s, MatcherMode mode = MatcherMode::kFallback);
// compat.Matchers: zero or more matchers.
util::Result<Matchers> ParseMatchers(std::string_view s, MatcherMode mode = MatcherMode::kFallback);

// compat.IsValidLabelName: the classic charset in kClassic mode, any non-empty valid UTF-8
// otherwise.
bool IsValidLabelName(std::string_view name, MatcherMode mode = MatcherMode::kFallback);
// model.LabelNameRE: ^[a-zA-Z_][a-zA-Z0-9_]*$ (used for legacy match/match_re keys).
bool IsClassicLabelName(std::string_view name);

// Compiles `^(?:<re>)$` as Go's regexp would; for match_re values and matchers. The error is
// Go's "error parsing regexp: ..." text.
util::Result<std::shared_ptr<const re2::RE2>> CompileAnchoredRegexp(std::string_view re);

}  // namespace promkit::alertmanager

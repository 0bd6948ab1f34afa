#pragma once
// Label matchers (`name="v"`, `!=`, `=~`, `!~`) as upstream's model/labels.Matcher. Regular
// expressions are fully anchored with `.` matching newlines (upstream compiles `^(?s:<re>)$`), in
// RE2 syntax as Go's regexp reads it. Common shapes never reach the regex engine: literals and
// alternations of literals (also under (?i)) are set lookups; `.*`, `.+`, `.?`, literal prefixes,
// suffixes and substrings around them are string checks (upstream's FastRegexMatcher).
// Thread-safety: immutable; copies share the compiled regex and may be used from any thread.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace promkit::model {

enum class MatchType { kEqual, kNotEqual, kRegexMatch, kRegexNoMatch };

// "=", "!=", "=~" or "!~".
std::string_view MatchTypeToString(MatchType type);

namespace internal {
class FastRegexMatcher;
}  // namespace internal

class Matcher {
 public:
  // Fails for a regex type whose value does not compile, with Go's error text, e.g.
  // "error parsing regexp: missing closing ): `(foo`".
  static util::Result<Matcher> Make(MatchType type, std::string name, std::string value);

  MatchType type() const { return type_; }
  const std::string& name() const { return name_; }
  const std::string& value() const { return value_; }

  bool Matches(std::string_view s) const;
  // Whether a series without this label (which Prometheus treats as value "") is selected.
  bool MatchesEmpty() const { return Matches(std::string_view()); }

  // `name="value"` exactly as upstream's Matcher.String(): the value through Go's
  // strconv.Quote, the name quoted unless it is [a-zA-Z_][a-zA-Z0-9_]*.
  std::string ToString() const;

  // The matcher selecting the complement (= and != swap, =~ and !~ swap).
  Matcher Inverse() const;

  // For a regex matcher whose language is a small finite set of case-sensitive strings (e.g.
  // `a|b|c`, `foo(bar|baz)`): those strings, sorted and unique (may include ""). Empty otherwise.
  const std::vector<std::string>& SetMatches() const;
  // A literal byte prefix every match of a regex matcher starts with, or "".
  std::string_view Prefix() const;
  // True when matching avoids running the full regex engine on every value.
  bool IsRegexOptimized() const;

  friend bool operator==(const Matcher& a, const Matcher& b) {
    return a.type_ == b.type_ && a.name_ == b.name_ && a.value_ == b.value_;
  }

 private:
  Matcher(MatchType type, std::string name, std::string value,
          std::shared_ptr<const internal::FastRegexMatcher> re)
      : type_(type), name_(std::move(name)), value_(std::move(value)), re_(std::move(re)) {}

  MatchType type_;
  std::string name_;
  std::string value_;
  std::shared_ptr<const internal::FastRegexMatcher> re_;  // set for the regex types
};

}  // namespace promkit::model

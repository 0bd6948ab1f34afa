#include "model/matchers.h"

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <re2/re2.h>

#include "util/strings.h"

namespace promkit::model {
namespace {

Matcher Must(MatchType t, std::string name, std::string value) {
  auto m = Matcher::Make(t, std::move(name), std::move(value));
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return *std::move(m);
}

TEST(Matcher, Table) {
  struct Case {
    MatchType type;
    std::string value;
    std::string subject;
    bool want;
  };
  const Case cases[] = {
      {MatchType::kEqual, "bar", "bar", true},
      {MatchType::kEqual, "bar", "foo-bar", false},
      {MatchType::kEqual, "", "", true},  // foo="" selects series without foo
      {MatchType::kEqual, "", "x", false},
      {MatchType::kNotEqual, "bar", "bar", false},
      {MatchType::kNotEqual, "bar", "foo-bar", true},
      {MatchType::kNotEqual, "", "", false},  // foo!="" needs foo present
      {MatchType::kNotEqual, "", "x", true},
      {MatchType::kRegexMatch, "bar", "bar", true},
      {MatchType::kRegexMatch, "bar", "foo-bar", false},  // anchored
      {MatchType::kRegexMatch, ".*bar", "foo-bar", true},
      {MatchType::kRegexMatch, "bar", "bars", false},
      {MatchType::kRegexNoMatch, "bar", "bar", false},
      {MatchType::kRegexNoMatch, "bar", "foo-bar", true},
      {MatchType::kRegexMatch, ".*", "", true},
      {MatchType::kRegexMatch, ".*", "a\nb", true},  // `.` matches newline
      {MatchType::kRegexMatch, ".+", "", false},
      {MatchType::kRegexMatch, ".+", "\n", true},
      {MatchType::kRegexMatch, "(?-s).+", "\n", false},
      {MatchType::kRegexMatch, "(?-s:.*)", "a\nb", false},
      {MatchType::kRegexMatch, "a|b", "a", true},
      {MatchType::kRegexMatch, "a|b", "b", true},
      {MatchType::kRegexMatch, "a|b", "ab", false},
      {MatchType::kRegexMatch, "a|b", "", false},
      {MatchType::kRegexMatch, "a|", "", true},
      {MatchType::kRegexMatch, "", "", true},
      {MatchType::kRegexMatch, "", "a", false},
      {MatchType::kRegexMatch, "(?i)foo|bar", "FoO", true},
      {MatchType::kRegexMatch, "(?i)foo|bar", "bAR", true},
      {MatchType::kRegexMatch, "(?i)foo|bar", "baz", false},
      {MatchType::kRegexMatch, "(?i)kelvin", "\u212Aelvin", true},  // Kelvin sign folds to k
      {MatchType::kRegexMatch, "(?i)s", "\u017F", true},            // long s folds to s
      {MatchType::kRegexMatch, "(?i)k.*", "\u212A-x", true},
      {MatchType::kRegexMatch, ".*(?i:sk)", "x\u017F\u212A", true},
      {MatchType::kRegexMatch, "foo.*", "foobar", true},
      {MatchType::kRegexMatch, "foo.*", "barfoo", false},
      {MatchType::kRegexMatch, ".*foo", "barfoo", true},
      {MatchType::kRegexMatch, ".*foo.*", "xfoox", true},
      {MatchType::kRegexMatch, ".*foo.*", "xfox", false},
      {MatchType::kRegexMatch, "a.*b.*c", "abc", true},
      {MatchType::kRegexMatch, "a.*b.*c", "aXbYc", true},
      {MatchType::kRegexMatch, "a.*b.*c", "acb", false},
      {MatchType::kRegexMatch, "a.*a", "a", false},
      {MatchType::kRegexMatch, "foo.?", "foo\u00e9", true},
      {MatchType::kRegexMatch, "foo.?", "fooab", false},
      {MatchType::kRegexMatch, "(prometheus|api_prom)_api_v1_.+", "api_prom_api_v1_x", true},
      {MatchType::kRegexMatch, "(prometheus|api_prom)_api_v1_.+", "prometheus_api_v1_", false},
      {MatchType::kRegexMatch, "10\\.0\\.(1|2)\\.+", "10.0.1...", true},
      {MatchType::kRegexMatch, "10\\.0\\.(1|2)\\.+", "10.0.3.", false},
      {MatchType::kRegexMatch, "[a-c]x", "bx", true},
      {MatchType::kRegexMatch, "[a-c]x", "dx", false},
      {MatchType::kRegexMatch, "^foo$", "foo", true},
      {MatchType::kRegexMatch, "\\d+", "123", true},  // RE2 path
      {MatchType::kRegexMatch, "\\d+", "12a", false},
      {MatchType::kRegexMatch, "x{2,3}", "xxx", true},
      {MatchType::kRegexMatch, "x{2,3}", "x", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(MatchTypeToString(c.type)) + c.value + " on " + c.subject);
    Matcher m = Must(c.type, "foo", c.value);
    EXPECT_EQ(m.Matches(c.subject), c.want);
    EXPECT_EQ(m.MatchesEmpty(), m.Matches(""));
  }
}

TEST(Matcher, ToString) {
  const std::tuple<MatchType, std::string, std::string, std::string> cases[] = {
      {MatchType::kEqual, "foo", "bar", "foo=\"bar\""},
      {MatchType::kNotEqual, "foo", "bar", "foo!=\"bar\""},
      {MatchType::kRegexMatch, "foo", "a|b", "foo=~\"a|b\""},
      {MatchType::kRegexNoMatch, "foo", "a\\.b", "foo!~\"a\\\\.b\""},
      {MatchType::kEqual, "foo", "a\"b\n", "foo=\"a\\\"b\\n\""},
      {MatchType::kEqual, "__name__", "up", "__name__=\"up\""},
      {MatchType::kEqual, "foo.bar", "x", "\"foo.bar\"=\"x\""},
      {MatchType::kEqual, "foo:bar", "x", "\"foo:bar\"=\"x\""},
      {MatchType::kEqual, "1foo", "x", "\"1foo\"=\"x\""},
      {MatchType::kEqual, "f1", "x", "f1=\"x\""},
      {MatchType::kEqual, "", "x", "\"\"=\"x\""},
      {MatchType::kEqual, "h\u00e9", "\u00e9", "\"h\u00e9\"=\"\u00e9\""},
      {MatchType::kEqual, "a", "\x01\xff", "a=\"\\x01\\xff\""},
  };
  for (const auto& [type, name, value, want] : cases) {
    SCOPED_TRACE(want);
    EXPECT_EQ(Must(type, name, value).ToString(), want);
  }
}

TEST(Matcher, BadRegexErrors) {
  const std::pair<std::string, std::string> cases[] = {
      {"(foo", "error parsing regexp: missing closing ): `(foo`"},
      {"foo)", "error parsing regexp: unexpected ): `foo)`"},
      {"[a", "error parsing regexp: missing closing ]: `[a`"},
      {"*", "error parsing regexp: missing argument to repetition operator: `*`"},
      {"a**", "error parsing regexp: invalid nested repetition operator: `**`"},
      {"x{1001}", "error parsing regexp: invalid repeat count: `{1001}`"},
      {"\\8", "error parsing regexp: invalid escape sequence: `\\8`"},
      {"\\C", "error parsing regexp: invalid escape sequence: `\\C`"},
      {"[z-a]", "error parsing regexp: invalid character class range: `z-a`"},
      {"a\\", "error parsing regexp: trailing backslash at end of expression: ``"},
      {"(?P<>a)", "error parsing regexp: invalid named capture: `(?P<>`"},
      {"(?<x", "error parsing regexp: invalid named capture: `(?P<x`"},
      {"a(\xed\xbf\xbd"
       "b",
       "error parsing regexp: invalid UTF-8: `\xed\xbf\xbd"
       "b`"},
      {"(a\xff", "error parsing regexp: invalid UTF-8: `\xff`"},
  };
  for (const auto& [re, want] : cases) {
    SCOPED_TRACE(re);
    auto m = Matcher::Make(MatchType::kRegexMatch, "foo", re);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.status().code(), util::Code::kInvalidArgument);
    EXPECT_EQ(m.status().ToString(), want);
    EXPECT_FALSE(Matcher::Make(MatchType::kRegexNoMatch, "foo", re).ok());
    // Equality matchers never parse their value.
    EXPECT_TRUE(Matcher::Make(MatchType::kEqual, "foo", re).ok());
  }
  // Upstream never parses an alternation of plain literals, so invalid UTF-8 passes there.
  EXPECT_TRUE(Must(MatchType::kRegexMatch, "foo", "a\xff|b").Matches("a\xff"));
  // Go accepts `(?<name>re)`; so do we although this RE2 spells it (?P<name>re).
  EXPECT_TRUE(Matcher::Make(MatchType::kRegexMatch, "foo", "(?<n>a)b").ok());
  EXPECT_TRUE(Must(MatchType::kRegexMatch, "foo", "(?<n>a)b").Matches("ab"));
}

TEST(Matcher, SetMatchesAndOptimization) {
  struct Case {
    std::string re;
    std::vector<std::string> set;
    bool optimized;
  };
  const Case cases[] = {
      {"foo", {"foo"}, true},
      {"foo|bar|baz", {"bar", "baz", "foo"}, true},
      {"foo(bar|baz)", {"foobar", "foobaz"}, true},
      {"(a|b)(c|d)", {"ac", "ad", "bc", "bd"}, true},
      {"[ab]x", {"ax", "bx"}, true},
      {"a|", {"", "a"}, true},
      {"(?i)foo|bar", {}, true},
      {"foo.*", {}, true},
      {".*", {}, true},
      {".+", {}, true},
      {".*foo.*|.*bar.*", {}, true},
      {"foo\\d+", {}, true},  // literal prefix pre-check before RE2
      {"\\d+", {}, false},
      {"", {}, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.re);
    Matcher m = Must(MatchType::kRegexMatch, "l", c.re);
    EXPECT_EQ(m.SetMatches(), c.set);
    EXPECT_EQ(m.IsRegexOptimized(), c.optimized);
  }
  const std::pair<std::string, std::string> prefixes[] = {
      {"foo.+", "foo"},
      {"(?i)foo.+", ""},
      {"abcd|abc.+", "abc"},
      {"abc(def|ghj)|ab|a.", "a"},
      {"foo.+bar|foo.*baz", "foo"},
      {"abc|.*", ""},
      {"abc|def", ""},
      {"abc", ""},  // a plain literal is never parsed, as upstream
      {"\u00e9x.*|\u00e8y.*", ""},
      {"x\\d+", "x"},
  };
  for (const auto& [re, want] : prefixes) {
    SCOPED_TRACE(re);
    EXPECT_EQ(Must(MatchType::kRegexMatch, "l", re).Prefix(), want);
  }
  EXPECT_TRUE(Must(MatchType::kEqual, "l", "x").SetMatches().empty());
  // More than 256 strings is not a set.
  EXPECT_TRUE(Must(MatchType::kRegexMatch, "l", "[a-z][a-z]").SetMatches().empty());
}

TEST(Matcher, InverseAndCopies) {
  Matcher m = Must(MatchType::kRegexMatch, "job", "api|web");
  Matcher inv = m.Inverse();
  EXPECT_EQ(inv.type(), MatchType::kRegexNoMatch);
  EXPECT_EQ(inv.name(), "job");
  EXPECT_FALSE(inv.Matches("api"));
  EXPECT_TRUE(inv.Matches("db"));
  Matcher copy = m;
  EXPECT_EQ(copy, m);
  EXPECT_TRUE(copy.Matches("web"));
  EXPECT_EQ(Must(MatchType::kEqual, "a", "b").Inverse().type(), MatchType::kNotEqual);
  EXPECT_EQ(Must(MatchType::kNotEqual, "a", "b").Inverse().type(), MatchType::kEqual);
  EXPECT_EQ(inv.Inverse(), m);
}

TEST(Matcher, LongAlternations) {
  std::string re;
  std::vector<std::string> words;
  for (int i = 0; i < 300; ++i) {
    words.push_back("host-" + std::to_string(i * 7));
    if (i) re += "|";
    re += words.back();
  }
  Matcher m = Must(MatchType::kRegexMatch, "instance", re);
  for (const std::string& w : words) EXPECT_TRUE(m.Matches(w)) << w;
  EXPECT_FALSE(m.Matches("host-1"));
  EXPECT_FALSE(m.Matches("host-"));
  EXPECT_TRUE(m.SetMatches().empty());  // above 256 values: no set hint
  Matcher fold = Must(MatchType::kRegexMatch, "instance", "(?i)(" + re + ")");
  EXPECT_TRUE(fold.Matches("HOST-14"));
  EXPECT_FALSE(fold.Matches("HOST-15"));
}

// Reference semantics: Go's regexp on `^(?s:re)$`, which reads each invalid UTF-8 byte of the
// subject as U+FFFD. RE2 with dot_nl and full anchoring on the repaired subject is the same.
bool Reference(const RE2& re, std::string_view s) {
  std::string fixed;
  for (size_t i = 0; i < s.size();) {
    util::DecodedRune r = util::DecodeRune(s.substr(i));
    if (r.rune == util::kRuneError && r.width == 1) {
      fixed.append("\uFFFD");
    } else {
      fixed.append(s.substr(i, static_cast<size_t>(r.width)));
    }
    i += static_cast<size_t>(r.width);
  }
  return RE2::FullMatch(fixed, re);
}

TEST(Matcher, FastPathsAgreeWithRe2) {
  const std::string regexes[] = {
      "",
      "foo",
      "^foo",
      "foo$",
      "^foo$|^bar$",
      "(foo|bar)",
      "foo.*",
      ".*foo",
      "^.*foo$",
      "^.+foo$",
      ".?",
      ".*",
      ".+",
      "foo.+",
      ".+foo",
      "foo\n.+",
      ".*foo.*",
      ".+foo.+",
      ".*foo.*|",
      "(?i).*foo.*",
      ".*foo.*|bar.*",
      ".*foo.*|.*bar.*|.*baz.*",
      ".+.*foo.*|.*bar.*",
      "(?s:.*)",
      "(?-s:.*)",
      "(?-s:.+)foo",
      "(?-s).?",
      "(?i:foo)",
      "(?i:(foo|bar))",
      "(?i)foo1|foo2|BAR",
      "(?i)Foo(bar|BAZ)",
      "(?i)foo.*",
      "(?i).*foo",
      "(?i)k-(a|b)",
      "(?i)(ka.+|kb.+)",
      ".*(?i:k)",
      "a.*(?i:sk)",
      "(?i:some)-pattern.*",
      "(?i)\u00e9t\u00e9",
      "((.*)(bar|b|buzz)(.+)|foo)$",
      "(prometheus|api_prom)_api_v1_.+",
      "10\\.0\\.(1|2)\\.+",
      "((fo(bar))|.+foo)",
      "fo.?",
      "f.?o",
      ".*foo.?",
      ".?foo.+",
      "foo.?|bar",
      ".*-.*-.*-.*",
      ".+-.*-.*-.+",
      ".+-??.+",
      ".*(a|)b?.*",
      "-.*-.*-",
      "(.+)-(.+)-(.+)",
      "((.*))(?i:f)((.*))o((.*))o((.*))",
      "(.*0.*)",
      "[a-c]x[0-2]?",
      "[]a]",
      "[a-]+",
      "a*b+c?",
      "a*?b+?",
      "\\.\\*\\n",
      "\\d+",
      "\\w+@\\w+",
      "x{2,3}",
      "\u00e9+",
      "[^a]",
      "(?U)a+",
      "\uFFFD",
      "a\uFFFD|b",
  };
  const std::string subjects[] = {
      "",
      "foo",
      "bar",
      "FOO",
      "Foo",
      "fOo",
      "foo\n",
      "\nfoo",
      "\n",
      "foofoo",
      "bfoo",
      "foob",
      "xfoox",
      "a-b-c-d",
      "---",
      "-a-",
      "a-b",
      "api_prom_api_v1_x",
      "prometheus_api_v1_",
      "10.0.1..",
      "10.0.3.",
      "buzzbar",
      "bbar",
      "barfoo",
      "ka1",
      "KB2",
      "\u212Aa1",
      "\u212A-a",
      "k-b",
      "xs\u212A",
      "a\u017Fk",
      "SOME-pattern",
      "\u017Fome-patternX",
      "\u00e9t\u00e9",
      "\u00c9T\u00c9",
      "\u00e9",
      "\u00e9\u00e9",
      "ax",
      "bx2",
      "dx",
      "]",
      "a--",
      "aabbb",
      "bc",
      ".*\n",
      "123",
      "12a",
      "a@b",
      "xx",
      "xxxx",
      "0",
      "f0",
      "\xfe",
      "foo\xfe",
      "\xfe"
      "foo",
      "\xe2\x84",
      "\uFFFD",
      "a\uFFFD",
      "b",
      "fo",
      "fo\xff",
      "f\xffo",
  };
  for (const std::string& re : regexes) {
    SCOPED_TRACE("regex: " + re);
    auto m = Matcher::Make(MatchType::kRegexMatch, "l", re);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    RE2::Options opts;
    opts.set_dot_nl(true);
    opts.set_log_errors(false);
    RE2 ref(re, opts);
    ASSERT_TRUE(ref.ok()) << ref.error();
    for (const std::string& s : subjects) {
      SCOPED_TRACE("subject: " + util::GoQuote(s));
      EXPECT_EQ(m->Matches(s), Reference(ref, s));
    }
  }
}

}  // namespace
}  // namespace promkit::model

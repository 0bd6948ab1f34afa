// Alertmanager's matcher parsers: the classic pkg/labels one, the UTF-8 matcher/parse one and
// the fallback between them, with upstream's values and error texts (from upstream's
// pkg/labels/parse_test.go and matcher/parse/parse_test.go cases).
#include "alertmanager/matchers.h"

#include <string>
#include <tuple>

#include <gtest/gtest.h>

#include "testutil/tsv.h"

namespace promkit::alertmanager {
namespace {

std::string Render(const util::Result<Matchers>& r) {
  if (!r.ok()) return "error: " + std::string(r.status().message());
  return MatchersString(*r);
}

TEST(ClassicMatchers, Table) {
  const std::tuple<std::string_view, std::string_view> cases[] = {
      {"{foo=\"bar\"}", "{foo=\"bar\"}"},
      {"{foo=~\"bar.*\"}", "{foo=~\"bar.*\"}"},
      {"{foo!=\"bar\"}", "{foo!=\"bar\"}"},
      {"{foo!~\"bar.*\"}", "{foo!~\"bar.*\"}"},
      {"{foo=\"bar\", baz!=\"quux\"}", "{foo=\"bar\",baz!=\"quux\"}"},
      {"foo=bar,dings!=bums", "{foo=\"bar\",dings!=\"bums\"}"},
      {"{foo = \"bar\", dings != \"bums\", }", "{foo=\"bar\",dings!=\"bums\"}"},
      {"{quote=\"She said: \\\"Hi, ladies! That's gender-neutral…\\\"\"}",
       "{quote=\"She said: \\\"Hi, ladies! That's gender-neutral…\\\"\"}"},
      {"statuscode=~\"5..\"", "{statuscode=~\"5..\"}"},
      {"tags=~\"^(?:.*,)?tag1(?:,.*)?$\"", "{tags=~\"^(?:.*,)?tag1(?:,.*)?$\"}"},
      {"{foo=\"bar}\"}", "{foo=\"bar}\"}"},
      {"{foo=\"bar\\\\\"}", "{foo=\"bar\\\\\"}"},
      {"foo=\"bar\\n\"", "{foo=\"bar\\n\"}"},
      {"foo=\\b\\a\\r", "{foo=\"\\\\b\\\\a\\\\r\"}"},
      {"", "{}"},
      {"{foo=\"bar\"", "{foo=\"bar\"}"},
      {"{foo=bar\"}", "error: matcher value contains unescaped double quote: bar\""},
      {"{foo=\"bar}", "error: matcher value contains unescaped double quote: \"bar"},
      {"{foo=~\"invalid[regexp\"}", "error: error parsing regexp: missing closing ]: `[regexp)$`"},
      {"job=", "{job=\"\"}"},
      {"{,}", "error: bad matcher format: "},
      {"{foo=~\"(foo\"}", "error: error parsing regexp: missing closing ): `^(?:(foo)$`"},
      {"1foo=bar", "error: bad matcher format: 1foo=bar"},
  };
  for (const auto& [in, want] : cases) {
    SCOPED_TRACE(in);
    EXPECT_EQ(Render(ParseClassicMatchers(in)), want);
  }
}

TEST(Utf8Matchers, Table) {
  const std::tuple<std::string_view, std::string_view> cases[] = {
      {"{foo=bar}", "{foo=\"bar\"}"},
      {"foo=bar", "{foo=\"bar\"}"},
      {"{foo=\"bar\",baz!~\"x.*\"}", "{foo=\"bar\",baz!~\"x.*\"}"},
      {"{\"foo bar\"=baz}", "{\"foo bar\"=\"baz\"}"},
      {"{foo=🙂}", "{foo=\"🙂\"}"},
      {"{}", "{}"},
      {"", "{}"},
      {"{foo=bar,}", "{foo=\"bar\"}"},
      {"{", "error: 0:1: end of input: expected close brace"},
      {"}", "error: 0:1: }: expected opening brace"},
      {"{foo=bar", "error: 0:8: end of input: expected close brace"},
      {"foo=bar}", "error: 0:8: }: expected opening brace"},
      {"{foo}", "error: 4:5: unexpected }: expected an operator such as '=', '!=', '=~' or '!~'"},
      {"{foo=}", "error: 5:6: unexpected }: expected label value"},
      {"{foo=bar baz=qux}", "error: 9:12: unexpected baz: expected a comma or close brace"},
      {"{foo=\"bar}", "error: 5:10: \"bar}: missing end \": expected label value"},
      {"{foo!bar}",
       "error: 4:5: !: expected one of '=~': expected an operator such as '=', '!=', '=~' or "
       "'!~'"},
      {"{foo=bar,,}", "error: 9:10: unexpected ,: expected a matcher or close brace after comma"},
      {"{foo=~\"[\"}",
       "error: failed to create matcher: error parsing regexp: missing closing ]: `[)$`"},
      {"{foo=bar}}", "error: 9:10: }: expected end of input"},
      {"{foo\\=bar}",
       "error: 4:5: \\: invalid input: expected an operator such as '=', '!=', '=~' or '!~'"},
  };
  for (const auto& [in, want] : cases) {
    SCOPED_TRACE(in);
    EXPECT_EQ(Render(ParseUtf8Matchers(in)), want);
  }
}

// 319 inputs (hand-written and random) through both parsers; the expected column was produced
// by upstream's pkg/labels.ParseMatchers and matcher/parse.Matchers (Alertmanager 0.34.0, built
// with Go 1.19), printed with labels.Matchers.String(). Go 1.19 lacks fmt.Errorf's multiple %w,
// so its "%!w(...)" renderings were rewritten to the wrapped text, as Go >= 1.20 prints it.
TEST(Matchers, AgreeWithUpstreamParsers) {
  std::vector<testutil::TsvRow> rows = testutil::ReadTsv(
      std::string(PROMKIT_SOURCE_DIR) + "/testdata/alertmanager/matchers_expected.tsv");
  ASSERT_EQ(rows.size(), 319u);
  int agreed = 0;
  for (const testutil::TsvRow& row : rows) {
    SCOPED_TRACE(row.at("input"));
    std::string classic = Render(ParseClassicMatchers(row.at("input")));
    std::string utf8 = Render(ParseUtf8Matchers(row.at("input")));
    EXPECT_EQ(classic, row.at("classic"));
    EXPECT_EQ(utf8, row.at("utf8"));
    agreed += classic == row.at("classic") && utf8 == row.at("utf8");
  }
  EXPECT_EQ(agreed, 319);
}

TEST(FallbackMatchers, UsesClassicWhenOnlyItAccepts) {
  // Unquoted regex with reserved characters: only the classic parser accepts it.
  EXPECT_EQ(Render(ParseMatchers("foo=~bar.*,baz!=\"x\"")), "{foo=~\"bar.*\",baz!=\"x\"}");
  // Both fail: the classic error.
  EXPECT_EQ(Render(ParseMatchers("{foo=\"bar}")),
            "error: matcher value contains unescaped double quote: \"bar");
  // UTF-8 names only parse in the new syntax.
  EXPECT_EQ(Render(ParseMatchers("{\"föö\"=\"x\"}")), "{föö=\"x\"}");
  EXPECT_EQ(Render(ParseMatchers("{\"föö\"=\"x\"}", MatcherMode::kClassic)),
            "error: bad matcher format: \"föö\"=\"x\"");
}

TEST(FallbackMatcher, Single) {
  auto m = ParseMatcher("foo=bar");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->String(), "foo=\"bar\"");
  auto braces = ParseMatcher("{foo=bar}");
  ASSERT_FALSE(braces.ok());
  EXPECT_EQ(braces.status().message(), "unexpected open or close brace: {foo=bar}");
  auto two = ParseMatcher("a=b,c=d", MatcherMode::kUtf8Strict);
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.status().message(), "expected 1 matcher, found 2");
}

TEST(Matcher, MatchesAnchoredWithoutDotAll) {
  auto m = Matcher::Make(MatchType::kRegexp, "a", "b.*");
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->Matches("bcd"));
  EXPECT_FALSE(m->Matches("abc"));
  EXPECT_FALSE(m->Matches("b\nc"));
  auto ne = Matcher::Make(MatchType::kNotRegexp, "a", "b|c");
  ASSERT_TRUE(ne.ok());
  EXPECT_TRUE(ne->Matches(""));
  EXPECT_FALSE(ne->Matches("c"));
  EXPECT_TRUE(MatchesAll({*m}, {{"a", "bb"}}));
  EXPECT_FALSE(MatchesAll({*m}, {}));
}

TEST(Matcher, SortOrder) {
  Matchers ms = *ParseClassicMatchers("b=1,a=2,a=1,a!=1");
  SortMatchers(ms);
  EXPECT_EQ(MatchersString(ms), "{a=\"1\",a!=\"1\",a=\"2\",b=\"1\"}");
}

}  // namespace
}  // namespace promkit::alertmanager

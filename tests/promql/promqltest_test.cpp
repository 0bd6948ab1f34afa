// The promqltest runner's engine-free half: script parsing, expected values, comparisons.
#include "promqltest.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

namespace promkit::promql::promqltest {
namespace {

double StaleNaN() {
  double d;
  std::memcpy(&d, &parser::kStaleNaNBits, sizeof d);
  return d;
}

model::Labels L(std::initializer_list<std::string_view> kv) {
  return model::Labels::FromStrings(kv);
}

Script MustParse(std::string_view text) {
  auto s = ParseScript(text);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : Script{};
}

const EvalCmd& EvalAt(const Script& s, size_t i) { return std::get<EvalCmd>(s.cmds.at(i)); }

TEST(PromqlTestParse, LoadAndClear) {
  Script s = MustParse(R"(
# comment
load 1m
  foo{a="b"} 1+1x2 _ stale
  foo{a="b"} 5 6
  bar 0 _x2 3
  hist {{schema:0 sum:1 count:1}}
  nothing _x3
  braces{a="{{x}}"} 4

clear
)");
  ASSERT_EQ(s.cmds.size(), 2u);
  const LoadCmd& load = std::get<LoadCmd>(s.cmds[0]);
  EXPECT_EQ(load.line, 3);
  EXPECT_EQ(load.step_ms, 60000);
  ASSERT_EQ(load.series.size(), 5u);
  // The second foo line replaces the first, as upstream's map does.
  EXPECT_EQ(load.series[0].labels, L({"__name__", "foo", "a", "b"}));
  EXPECT_EQ(load.series[0].samples, (std::vector<std::pair<int64_t, double>>{{0, 5}, {60000, 6}}));
  EXPECT_EQ(load.series[0].line, 5);
  EXPECT_EQ(load.series[1].samples, (std::vector<std::pair<int64_t, double>>{{0, 0}, {180000, 3}}));
  // Native histogram values are loaded as histogram samples.
  EXPECT_EQ(load.series[2].labels, L({"__name__", "hist"}));
  EXPECT_TRUE(load.series[2].samples.empty());
  ASSERT_EQ(load.series[2].histograms.size(), 1u);
  EXPECT_EQ(load.series[2].histograms[0].h->count, 1);
  EXPECT_TRUE(load.histogram_lines.empty());
  EXPECT_TRUE(load.series[3].samples.empty());
  EXPECT_EQ(load.series[4].labels, L({"__name__", "braces", "a", "{{x}}"}));
  EXPECT_EQ(std::get<ClearCmd>(s.cmds[1]).line, 11);
  // The command word is case-insensitive only as far as choosing the command; upstream then
  // matches the load line itself case-sensitively.
  EXPECT_FALSE(ParseScript("LOAD 30s\n x 1\n").ok());
}

TEST(PromqlTestParse, StaleValueKeepsItsBits) {
  Script s = MustParse("load 10s\n  m 1 stale\n");
  const auto& samples = std::get<LoadCmd>(s.cmds[0]).series[0].samples;
  ASSERT_EQ(samples.size(), 2u);
  uint64_t bits;
  std::memcpy(&bits, &samples[1].second, sizeof bits);
  EXPECT_EQ(bits, parser::kStaleNaNBits);
}

TEST(PromqlTestParse, StartTimestampLines) {
  Script s = MustParse("load 1m\n  m@st 0 -1m+1mx1 _\n  m 1 2 3 4\n");
  EXPECT_EQ(std::get<LoadCmd>(s.cmds[0]).series[0].samples.size(), 4u);
  auto mismatch = ParseScript("load 1m\n  m@st 0 0\n  m 1 2 3\n");
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.status().message(), "line 2: @st line has 2 values but sample line has 3");
  auto other = ParseScript("load 1m\n  m@st 0\n  n 1\n");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().message(),
            "line 2: @st metric does not match the following sample line metric");
  EXPECT_FALSE(ParseScript("load 1m\n  m@st 0\n").ok());
}

TEST(PromqlTestParse, EvalInstant) {
  Script s = MustParse(R"(
eval instant at 1m30s sum by (a) (foo)
  {a="x"} 3
  expect warn msg: PromQL warning: something (1:1)
  {a="y"} -Inf
  expect no_info
)");
  const EvalCmd& ev = EvalAt(s, 0);
  EXPECT_EQ(ev.line, 2);
  EXPECT_EQ(ev.expr, "sum by (a) (foo)");
  EXPECT_TRUE(ev.parse_error.empty());
  EXPECT_FALSE(ev.is_range);
  EXPECT_EQ(ev.eval_ms, 90000);
  EXPECT_FALSE(ev.expect_scalar);
  ASSERT_EQ(ev.series.size(), 2u);
  EXPECT_EQ(ev.series[0].labels, L({"a", "x"}));
  EXPECT_EQ(ev.series[0].pos, 1);
  EXPECT_EQ(ev.series[1].pos, 2);  // expect lines do not count
  EXPECT_EQ(ev.series[1].line, 5);
  EXPECT_TRUE(std::isinf(ev.series[1].values[0].value));
  ASSERT_EQ(ev.Expects(ExpectKind::kWarn).size(), 1u);
  EXPECT_FALSE(ev.Expects(ExpectKind::kWarn)[0].is_regex);
  EXPECT_EQ(ev.Expects(ExpectKind::kWarn)[0].text, "PromQL warning: something (1:1)");
  EXPECT_EQ(ev.Expects(ExpectKind::kNoInfo).size(), 1u);
  EXPECT_FALSE(ev.IsFail());
  EXPECT_FALSE(ev.IsOrdered());
}

TEST(PromqlTestParse, EvalRangeAndSpellings) {
  Script s = MustParse(R"(
eval range from 0 to 10m step 5m rate(x[5m])
  x{} 1 _ 3

eval_ordered instant at 0 sort(x)
  x{b="1"} 1
  x{b="2"} 2

eval_fail instant at 0 foo
  expected_fail_message bad thing

eval_fail range from 0 to 1m step 30s foo
  expected_fail_regexp ^bad.*

eval_warn instant at 0 foo

eval_info instant at 0 foo
)");
  ASSERT_EQ(s.cmds.size(), 6u);
  const EvalCmd& r = EvalAt(s, 0);
  EXPECT_TRUE(r.is_range);
  EXPECT_EQ(r.start_ms, 0);
  EXPECT_EQ(r.end_ms, 600000);
  EXPECT_EQ(r.step_ms, 300000);
  EXPECT_EQ(r.expr, "rate(x[5m])");
  ASSERT_EQ(r.series.size(), 1u);
  ASSERT_EQ(r.series[0].values.size(), 3u);
  EXPECT_TRUE(r.series[0].values[1].omitted);
  EXPECT_TRUE(EvalAt(s, 1).IsOrdered());
  EXPECT_TRUE(EvalAt(s, 2).IsFail());
  EXPECT_EQ(EvalAt(s, 2).expected_fail_message, "bad thing");
  EXPECT_EQ(EvalAt(s, 3).expected_fail_regexp.value_or(""), "^bad.*");
  EXPECT_TRUE(EvalAt(s, 3).is_range);
  EXPECT_TRUE(EvalAt(s, 4).warn);
  EXPECT_TRUE(EvalAt(s, 5).info);
}

TEST(PromqlTestParse, ScalarStringAndRangeVectorExpectations) {
  Script s = MustParse(R"(
eval instant at 0 017
  017

eval instant at 0 "a"
  expect string "a\tb"

eval instant at 0 "a"
  expect string `raw\n`

eval instant at 1m x[1m]
  expect range vector from 10s to 1m step 10s
  x 1 2 3 4 5 6
)");
  EXPECT_TRUE(EvalAt(s, 0).expect_scalar);
  EXPECT_EQ(EvalAt(s, 0).scalar.value, 15);  // strconv.ParseInt base 0: octal
  EXPECT_EQ(EvalAt(s, 1).expected_string, "a\tb");
  EXPECT_TRUE(EvalAt(s, 1).exclude_from_range_query);
  EXPECT_EQ(EvalAt(s, 2).expected_string, "raw\\n");
  const EvalCmd& rv = EvalAt(s, 3);
  EXPECT_TRUE(rv.expect_range_vector);
  EXPECT_TRUE(rv.exclude_from_range_query);
  EXPECT_EQ(rv.start_ms, 10000);
  EXPECT_EQ(rv.end_ms, 60000);
  EXPECT_EQ(rv.step_ms, 10000);
  EXPECT_EQ(rv.eval_ms, 60000);
}

TEST(PromqlTestParse, ExpectForms) {
  Script s = MustParse(R"(
eval instant at 0 foo
  expect fail regex: ^many-to-many .*
  expect ordered
  expect info
  expect warn regex:  x+
)");
  const EvalCmd& ev = EvalAt(s, 0);
  ASSERT_EQ(ev.Expects(ExpectKind::kFail).size(), 1u);
  EXPECT_TRUE(ev.Expects(ExpectKind::kFail)[0].is_regex);
  EXPECT_EQ(ev.Expects(ExpectKind::kFail)[0].text, "^many-to-many .*");
  EXPECT_TRUE(ev.IsFail());
  EXPECT_TRUE(ev.IsOrdered());
  EXPECT_TRUE(ev.Expects(ExpectKind::kInfo)[0].Matches("anything at all"));
  EXPECT_EQ(ev.Expects(ExpectKind::kWarn)[0].text, "x+");
  EXPECT_TRUE(ev.Expects(ExpectKind::kWarn)[0].Matches("axxb"));  // unanchored, as Go
  EXPECT_FALSE(ev.Expects(ExpectKind::kWarn)[0].Matches("ab"));
}

TEST(PromqlTestParse, Errors) {
  const std::tuple<std::string_view, std::string_view> cases[] = {
      {"foo bar\n", "line 1: invalid command \"foo bar\""},
      {"\n\nload\n", "line 3: invalid load command. (load[_with_nhcb] <step:duration>)"},
      {"load 1x\n",
       "line 1: invalid step definition \"1x\": unknown unit \"x\" in duration \"1x\""},
      {"eval instant foo\n",
       "line 1: invalid evaluation command. Must be either "
       "'eval[_fail|_warn|_ordered] instant [at <offset:duration>] <query>' "
       "or 'eval[_fail|_warn] range from <from> to <to> step <step> "
       "<query>'"},
      {"eval range from 5m to 1m step 1m foo\n",
       "line 1: error in eval foo: invalid test definition, end timestamp (1m) is before start "
       "timestamp (5m)"},
      {"eval instant at 0 foo\n  expect fail\n  expect fail\n",
       "line 1: error in eval foo: invalid expect lines, multiple expect fail lines are not "
       "allowed"},
      {"eval instant at 0 foo\n  expect warn\n  expect no_warn\n",
       "line 1: error in eval foo: invalid expect lines, warn and no_warn cannot be used "
       "together"},
      {"eval instant at 0 foo\n  expect bogus\n",
       "line 1: error in eval foo: invalid expect statement, must match `expect <type> "
       "<match_type>: <string>` format"},
      {"eval instant at 0 foo\n  foo 1 2\n",
       "line 1: error in eval foo: expecting multiple values in instant evaluation not allowed. "
       "consider using 'expect range vector' directive to enable a range vector result for an "
       "instant query"},
      {"eval instant at 0 foo\n  expect string foo\n",
       "line 1: error in eval foo: expected string literal not valid - check that the string is "
       "correctly quoted"},
      {"eval instant at 0 foo\n  expect string\n",
       "line 1: error in eval foo: expected string literal not valid - a quoted string literal "
       "is required"},
  };
  for (const auto& [in, want] : cases) {
    SCOPED_TRACE(in);
    auto s = ParseScript(in);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().message(), want);
  }
  // A bad expression fails only that eval.
  Script s = MustParse("eval instant at 0 sum(\n\neval instant at 0 1\n  1\n");
  EXPECT_FALSE(EvalAt(s, 0).parse_error.empty());
  EXPECT_TRUE(EvalAt(s, 1).parse_error.empty());
}

TEST(PromqlTestCompare, AlmostEqual) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const std::tuple<double, double, bool> cases[] = {
      {1, 1, true},
      {1, 1 + 1e-7, true},
      {1, 1 + 3e-6, false},  // relative to the sum: 3e-6/2 > 1e-6
      {1e12, 1e12 + 1e5, true},
      {0, 1e-300, false},
      {0, 0, true},
      {0, -0.0, true},
      {nan, nan, true},
      {nan, 1, false},
      {StaleNaN(), nan, false},
      {StaleNaN(), StaleNaN(), true},
      {inf, inf, true},
      {inf, -inf, false},
  };
  for (const auto& [a, b, want] : cases) {
    SCOPED_TRACE(testing::Message() << a << " vs " << b);
    EXPECT_EQ(AlmostEqual(a, b), want);
    EXPECT_EQ(AlmostEqual(b, a), want);
  }
}

Value VectorOf(std::vector<std::pair<model::Labels, double>> samples) {
  Value v;
  v.kind = ValueKind::kVector;
  for (auto& [l, f] : samples) v.vector.push_back(Sample{l, 0, f});
  return v;
}

TEST(PromqlTestCompare, Vector) {
  Script s = MustParse(R"(
eval instant at 0 foo
  foo{a="1"} 1
  foo{a="2"} NaN
)");
  const EvalCmd& ev = EvalAt(s, 0);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto a1 = L({"__name__", "foo", "a", "1"});
  auto a2 = L({"__name__", "foo", "a", "2"});
  // Order does not matter without `ordered`; NaN equals NaN.
  EXPECT_EQ(CompareResult(ev, VectorOf({{a2, nan}, {a1, 1.0000001}})), "");
  EXPECT_EQ(CompareResult(ev, VectorOf({{a1, 2}, {a2, nan}})),
            R"(expected 1 for {__name__="foo", a="1"} but got 2)");
  EXPECT_EQ(CompareResult(ev, VectorOf({{a1, 1}})),
            R"(expected metric {__name__="foo", a="2"} with [NaN] not found)");
  EXPECT_EQ(CompareResult(ev, VectorOf({{a1, 1}, {a2, nan}, {L({"b", "3"}), 4}})),
            R"(unexpected metric {b="3"} in result, has value 4)");
  Value sc;
  sc.kind = ValueKind::kScalar;
  sc.scalar.v = 1;
  EXPECT_EQ(CompareResult(ev, sc), "expected vector or matrix result, but got scalar 1");
  // An eval without expected lines wants an empty result.
  Script empty = MustParse("eval instant at 0 foo\n");
  EXPECT_EQ(CompareResult(EvalAt(empty, 0), VectorOf({})), "");
  EXPECT_NE(CompareResult(EvalAt(empty, 0), VectorOf({{a1, 1}})), "");
}

TEST(PromqlTestCompare, OrderedVector) {
  Script s = MustParse(R"(
eval_ordered instant at 0 sort(foo)
  foo{a="1"} 1
  foo{a="2"} 2
)");
  const EvalCmd& ev = EvalAt(s, 0);
  auto a1 = L({"__name__", "foo", "a", "1"});
  auto a2 = L({"__name__", "foo", "a", "2"});
  EXPECT_EQ(CompareResult(ev, VectorOf({{a1, 1}, {a2, 2}})), "");
  EXPECT_EQ(CompareResult(ev, VectorOf({{a2, 2}, {a1, 1}})),
            R"(expected metric {__name__="foo", a="2"} with [2] at position 2 but was at 1)");
  Value m;
  m.kind = ValueKind::kMatrix;
  EXPECT_EQ(CompareResult(ev, m), "expected ordered result, but query returned a matrix");
}

Series SeriesOf(model::Labels l, std::vector<FPoint> pts) { return Series{std::move(l), pts}; }

TEST(PromqlTestCompare, Matrix) {
  Script s = MustParse(R"(
eval range from 0 to 2m step 1m foo
  foo{a="1"} 1 _ 3
  foo{a="2"} stale 2 2
)");
  const EvalCmd& ev = EvalAt(s, 0);
  auto a1 = L({"__name__", "foo", "a", "1"});
  auto a2 = L({"__name__", "foo", "a", "2"});
  Value m;
  m.kind = ValueKind::kMatrix;
  m.matrix = {SeriesOf(a1, {{0, 1}, {120000, 3}}),
              SeriesOf(a2, {{0, StaleNaN()}, {60000, 2}, {120000, 2}})};
  EXPECT_EQ(CompareResult(ev, m), "");
  Value unsorted = m;
  std::swap(unsorted.matrix[0], unsorted.matrix[1]);
  EXPECT_NE(CompareResult(ev, unsorted).find("matrix results should always be sorted by labels"),
            std::string::npos);
  Value wrong_t = m;
  wrong_t.matrix[0].floats[1].t = 60000;
  EXPECT_EQ(
      CompareResult(ev, wrong_t),
      R"(expected float value at index 1 for {__name__="foo", a="1"} to have timestamp )"
      R"(120000, but it had timestamp 60000 (result has 2 float points [1 @[0] 3 @[60000]] and 0 histogram points []))");
  Value wrong_v = m;
  wrong_v.matrix[1].floats[0].f = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(
      CompareResult(ev, wrong_v),
      R"(expected float value at index 0 (t=0) for {__name__="foo", a="2"} to be stale, )"
      R"(but got NaN (result has 3 float points [NaN @[0] 2 @[60000] 2 @[120000]] and 0 histogram points []))");
  Value short_series = m;
  short_series.matrix[0].floats.pop_back();
  EXPECT_EQ(
      CompareResult(ev, short_series),
      R"(expected 2 float points and 0 histogram points for {__name__="foo", a="1"}, but got 1 float point [1 @[0]] and 0 histogram points [])");
  Value missing = m;
  missing.matrix.pop_back();
  EXPECT_EQ(CompareResult(ev, missing), R"(expected metric {__name__="foo", a="2"} not found)");
  Script too_many = MustParse("eval range from 0 to 1m step 1m foo\n  foo 1 2 3\n");
  Value one;
  one.kind = ValueKind::kMatrix;
  one.matrix = {SeriesOf(L({"__name__", "foo"}), {{0, 1}})};
  EXPECT_EQ(CompareResult(EvalAt(too_many, 0), one),
            R"(expected 3 points for {__name__="foo"}, but query time range cannot return this )"
            R"(many points)");
}

TEST(PromqlTestCompare, ScalarAndString) {
  Script s =
      MustParse("eval instant at 0 1\n  1.5\n\neval instant at 0 \"x\"\n  expect string \"x\"\n");
  Value sc;
  sc.kind = ValueKind::kScalar;
  sc.scalar.v = 1.5;
  EXPECT_EQ(CompareResult(EvalAt(s, 0), sc), "");
  sc.scalar.v = 2;
  EXPECT_EQ(CompareResult(EvalAt(s, 0), sc), "expected scalar 1.5 but got 2");
  EXPECT_EQ(CompareResult(EvalAt(s, 0), VectorOf({})), "expected scalar result, but got vector []");
  Value str;
  str.kind = ValueKind::kString;
  str.string.v = "x";
  EXPECT_EQ(CompareResult(EvalAt(s, 1), str), "");
  str.string.v = "y";
  EXPECT_EQ(CompareResult(EvalAt(s, 1), str), R"(expected string "x" but got "y")");
}

TEST(PromqlTestCompare, Annotations) {
  Script s = MustParse(R"(
eval instant at 0 foo
  expect warn msg: PromQL warning: a (1:1)
  expect warn regex: ^PromQL warning: b

eval instant at 0 foo
  expect no_warn
  expect info

eval_warn instant at 0 foo

eval instant at 0 foo
)");
  const std::vector<std::string> none;
  const EvalCmd& warn = EvalAt(s, 0);
  EXPECT_EQ(CheckAnnotations(warn, {"PromQL warning: a (1:1)", "PromQL warning: bcd"}, none), "");
  EXPECT_EQ(CheckAnnotations(warn, none, none), "expected warn annotations but none were found");
  EXPECT_NE(CheckAnnotations(warn, {"PromQL warning: a (1:1)"}, none)
                .find(R"(no matching annotation was found)"),
            std::string::npos);
  EXPECT_EQ(CheckAnnotations(
                warn, {"PromQL warning: a (1:1)", "PromQL warning: bb", "PromQL warning: c"}, none),
            R"(unexpected warn annotation "PromQL warning: c")");
  const EvalCmd& nowarn = EvalAt(s, 1);
  EXPECT_EQ(CheckAnnotations(nowarn, none, {"PromQL info: x"}), "");
  EXPECT_EQ(CheckAnnotations(nowarn, {"PromQL warning: w"}, {"PromQL info: x"}),
            "unexpected warning annotations:\n  PromQL warning: w");
  EXPECT_EQ(CheckAnnotations(nowarn, none, none), "expected info annotations but none were found");
  EXPECT_EQ(CheckAnnotations(EvalAt(s, 2), none, none), "expected warnings but got none");
  EXPECT_EQ(CheckAnnotations(EvalAt(s, 2), {"anything"}, none), "");
  // Without expectations annotations are not checked (as upstream).
  EXPECT_EQ(CheckAnnotations(EvalAt(s, 3), {"w"}, {"i"}), "");
}

TEST(PromqlTestCompare, ExpectedFailure) {
  Script s = MustParse(R"(
eval instant at 0 foo
  expect fail msg: exact text

eval instant at 0 foo
  expect fail regex: many-to-many

eval_fail instant at 0 foo
  expected_fail_message exact text

eval_fail instant at 0 foo
  expected_fail_regexp ^vector cannot

eval_fail instant at 0 foo
)");
  EXPECT_EQ(CheckExpectedFailure(EvalAt(s, 0), "exact text"), "");
  EXPECT_EQ(CheckExpectedFailure(EvalAt(s, 0), "exact text!"),
            R"(expected error matching message "exact text" but got: exact text!)");
  EXPECT_EQ(CheckExpectedFailure(EvalAt(s, 1), "found many-to-many matching"), "");
  EXPECT_NE(CheckExpectedFailure(EvalAt(s, 1), "other"), "");
  EXPECT_EQ(CheckExpectedFailure(EvalAt(s, 2), "exact text"), "");
  EXPECT_EQ(CheckExpectedFailure(EvalAt(s, 2), "exact"),
            R"(expected error "exact text" but got: exact)");
  EXPECT_EQ(CheckExpectedFailure(EvalAt(s, 3), "vector cannot contain metrics"), "");
  EXPECT_NE(CheckExpectedFailure(EvalAt(s, 3), "a vector cannot"), "");
  EXPECT_EQ(CheckExpectedFailure(EvalAt(s, 4), "whatever"), "");
  // A bare `expect fail` is upstream's ^.*$: any one-line text, invalid UTF-8 included (Go reads
  // such bytes as U+FFFD), but no text with a newline.
  Script bare = MustParse("eval instant at 0 foo\n  expect fail\n");
  EXPECT_EQ(CheckExpectedFailure(EvalAt(bare, 0), "bad name \xff"), "");
  EXPECT_NE(CheckExpectedFailure(EvalAt(bare, 0), "two\nlines"), "");
}

TEST(PromqlTestValues, ParseNumber) {
  const std::tuple<std::string_view, bool, double> cases[] = {
      {"1", true, 1},
      {"-2.5", true, -2.5},
      {"017", true, 15},
      {"0x1F", true, 31},
      {"0b101", true, 5},
      {"0o17", true, 15},
      {"1_000", true, 1000},
      {"1e3", true, 1000},
      {"Inf", true, INFINITY},
      {"-Inf", true, -INFINITY},
      {"+Inf", true, INFINITY},
      {"0", true, 0},
      {"089", true, 89},  // not octal: ParseInt fails, ParseFloat reads decimal
      {"9223372036854775808", true, 9223372036854775808.0},
      {"1__0", false, 0},
      {"foo", false, 0},
      {"{} 1", false, 0},
      {"", false, 0},
  };
  for (const auto& [in, ok, want] : cases) {
    SCOPED_TRACE(in);
    auto got = ParseNumber(in);
    ASSERT_EQ(got.ok(), ok);
    if (ok) {
      EXPECT_EQ(*got, want);
    }
  }
  auto nan = ParseNumber("NaN");
  ASSERT_TRUE(nan.ok());
  EXPECT_TRUE(std::isnan(*nan));
}

TEST(PromqlTestValues, GoUnquote) {
  const std::tuple<std::string_view, bool, std::string_view> cases[] = {
      {R"("abc")", true, "abc"},
      {R"("a\tb\\c\"")", true, "a\tb\\c\""},
      {R"("\x41\101\u00e9\U0001F600")", true, "AA\xc3\xa9\xf0\x9f\x98\x80"},
      {"`a\\nb`", true, "a\\nb"},
      {"'x'", true, "x"},
      {"'xy'", false, ""},
      {R"("\'")", false, ""},
      {R"("abc)", false, ""},
      {R"("a"b")", false, ""},
      {"abc", false, ""},
      {R"("\q")", false, ""},
  };
  for (const auto& [in, ok, want] : cases) {
    SCOPED_TRACE(in);
    auto got = GoUnquote(in);
    ASSERT_EQ(got.ok(), ok);
    if (ok) {
      EXPECT_EQ(*got, want);
    }
  }
}

}  // namespace
}  // namespace promkit::promql::promqltest

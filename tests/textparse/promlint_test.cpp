// Tests for promlint (lib/textparse/promlint.h): each rule, the problem order and the texts, as
// client_golang's prometheus/testutil/promlint reports them.
#include "textparse/promlint.h"

#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace promkit::textparse {

void PrintTo(const Problem& p, std::ostream* os) { *os << p.metric << " " << p.text; }

namespace {

struct Case {
  std::string_view name;
  std::string_view in;
  std::vector<Problem> want;
};

TEST(LintText, Rules) {
  const Case cases[] = {
      {"clean",
       "# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\n"
       "http_requests_total{code=\"200\"} 1\nhttp_requests_total{code=\"500\"} 2\n",
       {}},
      {"no help", "# TYPE x gauge\nx 1\n", {{"x", "no help text"}}},
      {"empty help is no help", "# HELP x \n# TYPE x gauge\nx 1\n", {{"x", "no help text"}}},
      {"counter without _total",
       "# HELP x_seconds h\n# TYPE x_seconds counter\nx_seconds 1\n",
       {{"x_seconds", "counter metrics should have \"_total\" suffix"}}},
      {"gauge with _total",
       "# HELP x_total h\n# TYPE x_total gauge\nx_total 1\n",
       {{"x_total", "non-counter metrics should not have \"_total\" suffix"}}},
      {"untyped with _total is fine", "# HELP x_total h\nx_total 1\n", {}},
      {"non-base units",
       "# HELP x_milliseconds h\n# TYPE x_milliseconds gauge\nx_milliseconds 1\n"
       "# HELP y_kelvins_total h\n# TYPE y_kelvins_total counter\ny_kelvins_total 1\n"
       "# HELP z_kilobytes h\n# TYPE z_kilobytes gauge\nz_kilobytes 1\n",
       {{"x_milliseconds", "use base unit \"seconds\" instead of \"milliseconds\""},
        {"y_kelvins_total", "use base unit \"kelvin\" instead of \"kelvins\""},
        {"z_kilobytes", "use base unit \"bytes\" instead of \"kilobytes\""}}},
      {"first unit decides",
       "# HELP a_seconds_hours h\n# TYPE a_seconds_hours gauge\na_seconds_hours 1\n"
       "# HELP b_hours_seconds h\n# TYPE b_hours_seconds gauge\nb_hours_seconds 1\n",
       {{"b_hours_seconds", "use base unit \"seconds\" instead of \"hours\""}}},
      {"reserved suffixes",
       "# HELP a_bucket h\n# TYPE a_bucket summary\na_bucket 1\n"
       "# HELP b_count h\n# TYPE b_count gauge\nb_count 1\n"
       "# HELP c_sum h\n# TYPE c_sum counter\nc_sum 1\n"
       "# HELP d_sum h\nd_sum 1\n",
       {{"a_bucket", "non-histogram metrics should not have \"_bucket\" suffix"},
        {"b_count", "non-histogram and non-summary metrics should not have \"_count\" suffix"},
        {"c_sum", "counter metrics should have \"_total\" suffix"},
        {"c_sum", "non-histogram and non-summary metrics should not have \"_sum\" suffix"}}},
      {"reserved labels, once per occurrence",
       "# HELP g h\n# TYPE g gauge\ng{le=\"1\",quantile=\"2\"} 1\ng{le=\"2\"} 1\n"
       "# HELP u h\nu{le=\"1\"} 1\n",
       {{"g", "non-histogram metrics should not have \"le\" label"},
        {"g", "non-histogram metrics should not have \"le\" label"},
        {"g", "non-summary metrics should not have \"quantile\" label"}}},
      {"type in name",
       "# HELP http_gauge_thing h\n# TYPE http_gauge_thing gauge\nhttp_gauge_thing 1\n"
       "# HELP x_Counter_total h\n# TYPE x_Counter_total counter\nx_Counter_total 1\n"
       "# HELP y_histogram h\n# TYPE y_histogram histogram\ny_histogram_count 1\n",
       {{"http_gauge_thing", "metric name should not include type 'gauge'"},
        {"x_Counter_total", "metric name should not include type 'counter'"},
        {"y_histogram", "metric name should not include type 'histogram'"}}},
      {"colons",
       "# HELP a:b h\n# TYPE a:b gauge\na:b 1\n",
       {{"a:b", "metric names should not contain ':'"}}},
      {"camelCase",
       "# HELP myMetric h\n# TYPE myMetric gauge\nmyMetric{someLabel=\"a\"} 1\n"
       "myMetric{someLabel=\"b\",otherLabel=\"c\"} 1\n",
       {{"myMetric", "label names should be written in 'snake_case' not 'camelCase'"},
        {"myMetric", "label names should be written in 'snake_case' not 'camelCase'"},
        {"myMetric", "label names should be written in 'snake_case' not 'camelCase'"},
        {"myMetric", "metric names should be written in 'snake_case' not 'camelCase'"}}},
      {"abbreviated units, once per abbreviation",
       "# HELP x_ms h\n# TYPE x_ms gauge\nx_ms 1\n"
       "# HELP y_s_m h\n# TYPE y_s_m gauge\ny_s_m 1\n"
       "# HELP z_msec h\n# TYPE z_msec gauge\nz_msec 1\n",
       {{"x_ms", "metric names should not contain abbreviated units"},
        {"y_s_m", "metric names should not contain abbreviated units"},
        {"y_s_m", "metric names should not contain abbreviated units"}}},
      {"duplicates",
       "# HELP d h\n# TYPE d gauge\nd{a=\"1\"} 1\nd{a=\"1\"} 2\nd{a=\"1\"} 3\nd{a=\"2\"} 1\n"
       "d{b=\"1\",a=\"1\"} 1\nd{a=\"1\",b=\"1\"} 1\n",
       {{"d", "metric not unique"}, {"d", "metric not unique"}}},
      {"summary lines are one series",
       "# HELP s_seconds h\n# TYPE s_seconds summary\ns_seconds{quantile=\"0.5\"} 1\n"
       "s_seconds{quantile=\"0.9\"} 1\ns_seconds_sum 1\ns_seconds_count 1\n",
       {}},
      {"sorted by metric then text",
       "b_total 1\nA 1\na 1\n",
       {{"A", "no help text"}, {"a", "no help text"}, {"b_total", "no help text"}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto got = LintText(c.in);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, c.want);
  }
}

TEST(LintText, UsesLegacyNames) {
  TextParseErrorInfo info;
  auto got = LintText("{\"my.metric\"} 1\n", &info);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().message(),
            "text format parsing error in line 1: invalid metric name \"my.metric\"");
  EXPECT_EQ(info.line, 1);
}

TEST(LintFamily, UnsortedValidationOrder) {
  auto parsed = ParseTextFamilies("# TYPE fooBar_milliseconds counter\nfooBar_milliseconds 1\n",
                                  NameValidation::kLegacy);
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->families.size(), 1u);
  std::vector<Problem> got = LintFamily(*parsed, parsed->families[0]);
  std::vector<std::string> texts;
  for (const Problem& p : got) texts.push_back(p.text);
  EXPECT_EQ(texts, (std::vector<std::string>{
                       "no help text",
                       "use base unit \"seconds\" instead of \"milliseconds\"",
                       "counter metrics should have \"_total\" suffix",
                       "metric names should be written in 'snake_case' not 'camelCase'",
                   }));
}

}  // namespace
}  // namespace promkit::textparse

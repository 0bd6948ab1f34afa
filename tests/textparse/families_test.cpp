// Tests for the expfmt-compatible metric-family parser (lib/textparse/families.h). Error texts
// are prometheus/common's exact messages (expfmt/text_parse.go).
#include "textparse/families.h"

#include <cmath>
#include <string>
#include <string_view>
#include <tuple>

#include <gtest/gtest.h>

namespace promkit::textparse {
namespace {

using NV = NameValidation;

const MetricFamily* Find(const ParsedFamilies& p, std::string_view name) {
  for (const MetricFamily& f : p.families) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

TEST(ParseTextFamilies, Errors) {
  // input, scheme, full error message
  const std::tuple<std::string_view, NV, std::string_view> cases[] = {
      {"\nbla 3.14\nblubber 42", NV::kUtf8,
       "text format parsing error in line 3: unexpected end of input stream"},
      {"metric{label=\"\\t\"} 3.14\n", NV::kUtf8,
       "text format parsing error in line 1: invalid escape sequence '\\t'"},
      {"\nmetric{label=\"new\nline\"} 3.14\n", NV::kUtf8,
       "text format parsing error in line 2: label value \"new\" contains unescaped new-line"},
      {"metric{@=\"bla\"} 3.14\n", NV::kUtf8,
       "text format parsing error in line 1: invalid label name for metric \"metric\""},
      {"metric{__name__=\"bla\"} 3.14\n", NV::kUtf8,
       "text format parsing error in line 1: label name \"__name__\" is reserved"},
      {"metric{label+=\"bla\"} 3.14\n", NV::kUtf8,
       "text format parsing error in line 1: expected '=' after label name, found '+'"},
      {"metric{label=bla} 3.14\n", NV::kUtf8,
       "text format parsing error in line 1: expected '\"' at start of label value, found 'b'"},
      {"\n# TYPE metric summary\nmetric{quantile=\"bla\"} 3.14\n", NV::kUtf8,
       "text format parsing error in line 3: expected float as value for 'quantile' label, got "
       "\"bla\""},
      {"metric{label=\"bla\"+} 3.14\n", NV::kUtf8,
       "text format parsing error in line 1: unexpected end of label value \"bla\""},
      {"metric{label=\"bla\"} 3.14 2.72\n", NV::kUtf8,
       "text format parsing error in line 1: expected integer as timestamp, got \"2.72\""},
      {"metric{label=\"bla\"} 3.14 2 3\n", NV::kUtf8,
       "text format parsing error in line 1: spurious string after timestamp: \" 3\""},
      {"metric{label=\"bla\"} blubb\n", NV::kUtf8,
       "text format parsing error in line 1: expected float as value, got \"blubb\""},
      {"\n# HELP metric one\n# HELP metric two\n", NV::kUtf8,
       "text format parsing error in line 3: second HELP line for metric name \"metric\""},
      {"\n# TYPE metric counter\n# TYPE metric untyped\n", NV::kUtf8,
       "text format parsing error in line 3: second TYPE line for metric name \"metric\", or TYPE "
       "reported after samples"},
      {"\nmetric 4.12\n# TYPE metric counter\n", NV::kUtf8,
       "text format parsing error in line 3: second TYPE line for metric name \"metric\", or TYPE "
       "reported after samples"},
      {"\n# TYPE metric bla\n", NV::kUtf8,
       "text format parsing error in line 2: unknown metric type \"bla\""},
      {"# TYPE metric counter \n", NV::kUtf8,
       "text format parsing error in line 1: unknown metric type \"counter \""},
      {"\n# TYPE met-ric\n", NV::kUtf8,
       "text format parsing error in line 2: invalid metric name in comment"},
      {"@invalidmetric{label=\"bla\"} 3.14 2\n", NV::kUtf8,
       "text format parsing error in line 1: invalid metric name"},
      {"{label=\"bla\"} 3.14 2\n", NV::kUtf8,
       "text format parsing error in line 1: invalid metric name"},
      {"{} 3.14\n", NV::kUtf8, "text format parsing error in line 1: invalid metric name"},
      {"\n# TYPE metric histogram\nmetric_bucket{le=\"bla\"} 3.14\n", NV::kUtf8,
       "text format parsing error in line 3: expected float as value for 'le' label, got \"bla\""},
      {"metric{l=\"\xbd\"} 3.14\n", NV::kUtf8,
       "text format parsing error in line 1: invalid label value \"\\xbd\""},
      {"foo 1_2\n", NV::kUtf8,
       "text format parsing error in line 1: expected float as value, got \"1_2\""},
      {"foo 0x1p-3\n", NV::kUtf8,
       "text format parsing error in line 1: expected float as value, got \"0x1p-3\""},
      {"foo 0x1\n", NV::kUtf8,
       "text format parsing error in line 1: expected float as value, got \"0x1\""},
      {"foo 0b1\n", NV::kUtf8,
       "text format parsing error in line 1: expected float as value, got \"0b1\""},
      {"foo 1e400\n", NV::kUtf8,
       "text format parsing error in line 1: expected float as value, got \"1e400\""},
      {"foo -nan\n", NV::kUtf8,
       "text format parsing error in line 1: expected float as value, got \"-nan\""},
      {"foo 1 \n", NV::kUtf8,
       "text format parsing error in line 1: expected integer as timestamp, got \"\""},
      {"foo 1 9223372036854775808\n", NV::kUtf8,
       "text format parsing error in line 1: expected integer as timestamp, got "
       "\"9223372036854775808\""},
      {"metric{label=\"bla\",label=\"bla\"} 3.14\n", NV::kUtf8,
       "text format parsing error in line 1: duplicate label names for metric \"metric\""},
      {"{\"one.name\",\"another.name\"} 3.14\n", NV::kUtf8,
       "text format parsing error in line 1: multiple metric names for metric \"one.name\""},
      {"{\"one.name\",\"another.name\"} 3.14\n", NV::kLegacy,
       "text format parsing error in line 1: invalid metric name \"one.name\""},
      {"{\"a\\xc5z\",label=\"bla\"} 3.14\n", NV::kUtf8,
       "text format parsing error in line 1: invalid escape sequence '\\x'"},
      {"{\"metric.name\".label=\"bla\"} 3.14\n", NV::kUtf8,
       "text format parsing error in line 1: unexpected end of metric name '.'"},
      {"\n# TYPE \"metric\nname\" counter\n", NV::kUtf8,
       "text format parsing error in line 2: metric name \"metric\" contains unescaped new-line"},
      {"\n{\"metric.name\",\"new\nline\"=\"bla\"} 3.14\n", NV::kUtf8,
       "text format parsing error in line 2: label name \"new\" contains unescaped new-line"},
      {"metric_name{\"foo\"=\"bar\", \"dotted.label\"=\"bla\"} 3.14\n", NV::kLegacy,
       "text format parsing error in line 1: invalid label name \"dotted.label\""},
      {"# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_count -2693\n", NV::kUtf8,
       "text format parsing error in line 3: negative count for histogram \"h\""},
      {"# TYPE h histogram\nh_bucket{le=\"1\"} -0.5\n", NV::kUtf8,
       "text format parsing error in line 2: negative bucket population for histogram \"h\""},
      {"# HELP m a\\qb\n", NV::kUtf8,
       "text format parsing error in line 1: invalid escape sequence '\\q'"},
      {"m{a=\"\x01\"} 1\n", NV::kUtf8, ""},
      {"m{a=\"b\"\x01} 1\n", NV::kUtf8,
       "text format parsing error in line 1: unexpected end of label value \"b\""},
      {"m{a\xe9=\"b\"} 1\n", NV::kUtf8,
       "text format parsing error in line 1: expected '=' after label name, found '\xc3\xa9'"},
      {"m{a\x80=\"b\"} 1\n", NV::kUtf8,
       "text format parsing error in line 1: expected '=' after label name, found '\\u0080'"},
      {"m{a\x7f=\"b\"} 1\n", NV::kUtf8,
       "text format parsing error in line 1: expected '=' after label name, found '\\x7f'"},
      {"# comment without newline", NV::kUtf8,
       "text format parsing error in line 1: unexpected end of input stream"},
      {"# HELP", NV::kUtf8, "text format parsing error in line 1: unexpected end of input stream"},
      // Accepted inputs.
      {"", NV::kUtf8, ""},
      {"  \t\n\n  ", NV::kUtf8, ""},
      {"# TYPE m counter\n# HELP m\n#\n# HELP\n", NV::kUtf8, ""},
      {"{\"metric.name\",foo=\"bla\"} 3.14\n", NV::kUtf8, ""},
      {"{\"metric.name\",foo=\"bla\"} 3.14\n", NV::kLegacy,
       "text format parsing error in line 1: invalid metric name \"metric.name\""},
      {"m +Inf\nn -inf\no NaN\np infinity 123\nq 1e-400\nr .5e+3 -5\n", NV::kLegacy, ""},
      {"# TYPE a GAUGE_histogram\n# TYPE b gaugehistogram\n# TYPE c Untyped\n", NV::kLegacy, ""},
      {"# TYPE d \xc5\xbfummary\n", NV::kLegacy, ""},  // Go's ToUpper maps U+017F to 'S'
      {"# TYPE e unknown\n", NV::kLegacy,
       "text format parsing error in line 1: unknown metric type \"unknown\""},
  };
  for (const auto& [in, scheme, want] : cases) {
    SCOPED_TRACE(testing::Message() << "input: " << in << " scheme: " << static_cast<int>(scheme));
    TextParseErrorInfo info;
    auto got = ParseTextFamilies(in, scheme, &info);
    if (want.empty()) {
      EXPECT_TRUE(got.ok()) << got.status().ToString();
    } else {
      ASSERT_FALSE(got.ok());
      EXPECT_EQ(got.status().message(), want);
      EXPECT_LE(info.offset, in.size());
      EXPECT_EQ(got.status().message(), "text format parsing error in line " +
                                            std::to_string(info.line) + ": " + info.message);
    }
  }
}

TEST(ParseTextFamilies, SummaryAndHistogramLinesMerge) {
  const std::string in =
      "# HELP s A summary.\n"
      "# TYPE s summary\n"
      "s{b=\"2\",a=\"1\",quantile=\"0.5\"} 10\n"
      "s{a=\"1\",b=\"2\",quantile=\"0.9\"} 20\n"  // other label order: same series
      "s_sum{a=\"1\",b=\"2\"} 30\n"
      "s_count{a=\"1\",b=\"2\"} 3\n"
      "s{a=\"x\",quantile=\"0.5\"} 1\n"
      "# TYPE h histogram\n"
      "h_bucket{le=\"1\"} 1\n"
      "h_bucket{le=\"+Inf\"} 2.5\n"
      "h_sum 3\n"
      "h_count 2\n"
      "h_total 7\n";  // not a histogram part: its own untyped family
  auto got = ParseTextFamilies(in, NameValidation::kLegacy);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  const MetricFamily* s = Find(*got, "s");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->type(), FamilyType::kSummary);
  EXPECT_EQ(s->help.value_or(""), "A summary.");
  ASSERT_EQ(s->metrics.size(), 2u);
  const Metric& m0 = got->metric(s->metrics[0]);
  ASSERT_NE(m0.summary, nullptr);
  EXPECT_EQ(m0.labels, (std::vector<LabelPair>{{"b", "2"}, {"a", "1"}}));
  ASSERT_EQ(m0.summary->quantiles.size(), 2u);
  EXPECT_EQ(m0.summary->quantiles[1].quantile, 0.9);
  EXPECT_EQ(m0.summary->sample_sum.value_or(0), 30);
  EXPECT_EQ(m0.summary->sample_count.value_or(0), 3u);

  const MetricFamily* h = Find(*got, "h");
  ASSERT_NE(h, nullptr);
  ASSERT_EQ(h->metrics.size(), 1u);
  const Histogram& hist = *got->metric(h->metrics[0]).histogram;
  ASSERT_EQ(hist.buckets.size(), 2u);
  // One float bucket turns every count into a float (normalizeHistogram).
  EXPECT_FALSE(hist.buckets[0].cumulative_count.has_value());
  EXPECT_EQ(hist.buckets[0].cumulative_count_float.value_or(0), 1);
  EXPECT_EQ(hist.buckets[1].cumulative_count_float.value_or(0), 2.5);
  EXPECT_TRUE(std::isinf(hist.buckets[1].upper_bound));
  EXPECT_EQ(hist.sample_count_float.value_or(0), 2);
  EXPECT_FALSE(hist.sample_count.has_value());
  const MetricFamily* total = Find(*got, "h_total");
  ASSERT_NE(total, nullptr);
  EXPECT_EQ(total->type(), FamilyType::kUntyped);
}

TEST(ParseTextFamilies, EmptyFamiliesAreDroppedAndOrderKept) {
  auto got = ParseTextFamilies("# HELP a x\nb 1\n# TYPE c gauge\nd{x=\"y\"} 2 -7\n",
                               NameValidation::kLegacy);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->families.size(), 2u);
  EXPECT_EQ(got->families[0].name, "b");
  EXPECT_EQ(got->families[1].name, "d");
  EXPECT_EQ(got->metric(got->families[1].metrics[0]).timestamp_ms.value_or(0), -7);
  EXPECT_EQ(got->metric(got->families[1].metrics[0]).untyped.value_or(0), 2);
}

// Upstream quirk: a bare label set re-uses the previous line's metric object, so the family lists
// the same metric twice (promlint then reports it as not unique).
TEST(ParseTextFamilies, BareLabelSetReusesPreviousMetric) {
  auto got = ParseTextFamilies("foo 1\n{a=\"b\"} 2\n", NameValidation::kLegacy);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->families.size(), 1u);
  const MetricFamily& f = got->families[0];
  ASSERT_EQ(f.metrics.size(), 2u);
  EXPECT_EQ(f.metrics[0], f.metrics[1]);
  EXPECT_EQ(got->metric(f.metrics[0]).labels, (std::vector<LabelPair>{{"a", "b"}}));
  EXPECT_EQ(got->metric(f.metrics[0]).untyped.value_or(0), 2);
}

// Upstream dereferences a nil metric here; we report the missing name instead of crashing.
TEST(ParseTextFamilies, BareLabelSetAfterHelpIsAnError) {
  for (std::string_view in : {"# HELP a x\n{b=\"c\"} 1\n", "# TYPE a gauge\n{} 1\n"}) {
    SCOPED_TRACE(in);
    auto got = ParseTextFamilies(in, NameValidation::kLegacy);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().message(), "text format parsing error in line 2: invalid metric name");
  }
}

TEST(ParseTextFamilies, QuotedNamesUnderUtf8) {
  auto got = ParseTextFamilies(
      "# HELP \"my.metric\" Dotted \\\"name\\\".\n{\"my.metric\",\"lab.el\"=\"v\\n\"} 1\n",
      NameValidation::kUtf8);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->families.size(), 1u);
  EXPECT_EQ(got->families[0].name, "my.metric");
  EXPECT_EQ(got->families[0].help.value_or(""), "Dotted \"name\".");
  EXPECT_EQ(got->metric(got->families[0].metrics[0]).labels,
            (std::vector<LabelPair>{{"lab.el", "v\n"}}));
}

TEST(ParseExpfmtFloat, GoSyntax) {
  const std::tuple<std::string_view, bool, double> cases[] = {
      {"1", true, 1},          {"-1.5", true, -1.5},     {"+2", true, 2},
      {".5", true, 0.5},       {"5.", true, 5},          {"1e3", true, 1000},
      {"1E-3", true, 0.001},   {"+Inf", true, INFINITY}, {"-infinity", true, -INFINITY},
      {"iNf", true, INFINITY}, {"1e-400", true, 0},      {"4.9e-324", true, 4.9e-324},
      {"", false, 0},          {".", false, 0},          {"e5", false, 0},
      {"1e", false, 0},        {"1e+", false, 0},        {"1.2.3", false, 0},
      {"1_000", false, 0},     {"0x10", false, 0},       {"0x1p4", false, 0},
      {"1e309", false, 0},     {"-1e309", false, 0},     {"infin", false, 0},
      {"+nan", false, 0},      {" 1", false, 0},         {"1 ", false, 0},
      {"--1", false, 0},
  };
  for (const auto& [in, ok, want] : cases) {
    SCOPED_TRACE(in);
    std::optional<double> got = ParseExpfmtFloat(in);
    ASSERT_EQ(got.has_value(), ok);
    if (ok) {
      EXPECT_EQ(*got, want);
    }
  }
  std::optional<double> nan = ParseExpfmtFloat("NaN");
  ASSERT_TRUE(nan.has_value());
  EXPECT_TRUE(std::isnan(*nan));
}

}  // namespace
}  // namespace promkit::textparse

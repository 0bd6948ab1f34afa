#include "textparse/openmetrics.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "model/labels.h"
#include "util/source_error.h"

namespace promkit::textparse {
namespace {

using namespace std::string_view_literals;
using model::Labels;

// What one entry of the parser looked like, collected through the public interface.
struct Got {
  Entry entry = Entry::kInvalid;
  std::string m;  // family name (metadata) or series bytes (samples)
  std::string help;
  MetricType type = MetricType::kUnknown;
  std::string unit;
  double v = 0;
  std::optional<int64_t> t;
  Labels lset;
  std::vector<Exemplar> es;
  std::optional<int64_t> ct;
};

struct Want {
  Entry entry;
  std::string_view m;
  std::string_view help = {};
  MetricType type = MetricType::kUnknown;
  std::string_view unit = {};
  double v = 0;
  std::optional<int64_t> t = {};
  Labels lset = {};
  std::vector<Exemplar> es = {};
  std::optional<int64_t> ct = {};
};

Want Help(std::string_view m, std::string_view h) {
  return {.entry = Entry::kHelp, .m = m, .help = h};
}
Want Type(std::string_view m, MetricType t) { return {.entry = Entry::kType, .m = m, .type = t}; }
Want Unit(std::string_view m, std::string_view u) {
  return {.entry = Entry::kUnit, .m = m, .unit = u};
}

Exemplar Ex(Labels l, double v, std::optional<int64_t> ts = {}) {
  return Exemplar{std::move(l), v, ts};
}

// Parses all of `input`; fails the test on an error.
std::vector<Got> ParseAll(std::string_view input, OpenMetricsOptions opts = {}) {
  std::vector<Got> out;
  auto p = NewOpenMetricsParser(input, opts);
  while (p->Next()) {
    Got g;
    g.entry = p->entry();
    switch (g.entry) {
      case Entry::kHelp:
        g.m = p->FamilyName();
        g.help = p->HelpText();
        break;
      case Entry::kType:
        g.m = p->FamilyName();
        g.type = p->Type();
        break;
      case Entry::kUnit:
        g.m = p->FamilyName();
        g.unit = p->UnitText();
        break;
      case Entry::kSeries: {
        g.m = p->SeriesBytes();
        g.v = p->Value();
        g.t = p->Timestamp();
        g.lset = p->Labels();
        g.ct = p->CreatedTimestamp();
        // Asking again must not disturb the parser (the scan ahead is undone).
        EXPECT_EQ(p->CreatedTimestamp(), g.ct) << g.m;
        EXPECT_EQ(p->SeriesBytes(), g.m);
        Exemplar e;
        while (p->NextExemplar(&e)) g.es.push_back(e);
        break;
      }
      default:
        ADD_FAILURE() << "unexpected entry kind";
    }
    out.push_back(std::move(g));
  }
  EXPECT_TRUE(p->Err().ok()) << p->Err().ToString();
  return out;
}

void ExpectSameValue(double want, double got) {
  if (std::isnan(want)) {
    EXPECT_EQ(std::bit_cast<uint64_t>(got), std::bit_cast<uint64_t>(want));
  } else {
    EXPECT_EQ(got, want);
  }
}

void ExpectEntries(const std::vector<Want>& want, const std::vector<Got>& got) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    const Want& w = want[i];
    const Got& g = got[i];
    SCOPED_TRACE(testing::Message() << "entry " << i << ": " << w.m);
    EXPECT_EQ(g.entry, w.entry);
    EXPECT_EQ(g.m, w.m);
    switch (w.entry) {
      case Entry::kHelp:
        EXPECT_EQ(g.help, w.help);
        break;
      case Entry::kType:
        EXPECT_EQ(g.type, w.type);
        break;
      case Entry::kUnit:
        EXPECT_EQ(g.unit, w.unit);
        break;
      default:
        ExpectSameValue(w.v, g.v);
        EXPECT_EQ(g.t, w.t);
        EXPECT_EQ(g.lset.ToString(), w.lset.ToString());
        EXPECT_EQ(g.ct, w.ct);
        ASSERT_EQ(g.es.size(), w.es.size());
        for (size_t j = 0; j < w.es.size(); ++j) {
          EXPECT_EQ(g.es[j].labels.ToString(), w.es[j].labels.ToString());
          EXPECT_EQ(g.es[j].value, w.es[j].value);
          EXPECT_EQ(g.es[j].timestamp_ms, w.es[j].timestamp_ms);
        }
    }
  }
}

const double kNormalNan = std::bit_cast<double>(uint64_t{0x7ff8000000000001});

// The scenario of upstream's TestOpenMetricsParse, re-expressed (skip_ct_series on).
TEST(OpenMetricsParser, AllEntryKinds) {
  std::string input = R"(# HELP go_gc_duration_seconds A summary of the GC invocation durations.
# TYPE go_gc_duration_seconds summary
# UNIT go_gc_duration_seconds seconds
go_gc_duration_seconds{quantile="0"} 4.9351e-05
go_gc_duration_seconds{quantile="0.25"} 7.424100000000001e-05
go_gc_duration_seconds{quantile="0.5",a="b"} 8.3835e-05
# HELP nohelp1 
# HELP help2 escape \ \n \\ \" \x chars
# UNIT nounit 
go_gc_duration_seconds{quantile="1.0",a="b"} 8.3835e-05
go_gc_duration_seconds_count 99
some:aggregate:rate5m{a_b="c"} 1
# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 33 123.123
# TYPE hh histogram
hh_bucket{le="+Inf"} 1
# TYPE gh gaugehistogram
gh_bucket{le="+Inf"} 1
# TYPE hhh histogram
hhh_bucket{le="+Inf"} 1 # {id="histogram-bucket-test"} 4
hhh_count 1 # {id="histogram-count-test"} 4
# TYPE ggh gaugehistogram
ggh_bucket{le="+Inf"} 1 # {id="gaugehistogram-bucket-test",xx="yy"} 4 123.123
ggh_count 1 # {id="gaugehistogram-count-test",xx="yy"} 4 123.123
# TYPE smr_seconds summary
smr_seconds_count 2.0 # {id="summary-count-test"} 1 123.321
smr_seconds_sum 42.0 # {id="summary-sum-test"} 1 123.321
# TYPE ii info
ii{foo="bar"} 1
# TYPE ss stateset
ss{ss="foo"} 1
ss{ss="bar"} 0
ss{A="a"} 0
# TYPE un unknown
_metric_starting_with_underscore 1
testmetric{_label_starting_with_underscore="foo"} 1
testmetric{label="\"bar\""} 1
# HELP foo Counter with and without labels to certify CT is parsed for both cases
# TYPE foo counter
foo_total 17.0 1520879607.789 # {id="counter-test"} 5
foo_created 1520872607.123
foo_total{a="b"} 17.0 1520879607.789 # {id="counter-test"} 5
foo_created{a="b"} 1520872607.123
foo_total{le="c"} 21.0
foo_created{le="c"} 1520872621.123
foo_total{le="1"} 10.0
# HELP bar Summary with CT at the end, several lines further
# TYPE bar summary
bar_count 17.0
bar_sum 324789.3
bar{quantile="0.95"} 123.7
bar{quantile="0.99"} 150.0
bar_created 1520872608.124
# HELP baz Histogram with the same objective
# TYPE baz histogram
baz_bucket{le="0.0"} 0
baz_bucket{le="+Inf"} 17
baz_count 17
baz_sum 324789.3
baz_created 1520872609.125
# HELP fizz_created Gauge which shouldn't be parsed as CT
# TYPE fizz_created gauge
fizz_created 17.0
# HELP something Histogram with _created between buckets and summary
# TYPE something histogram
something_count 18
something_sum 324789.4
something_created 1520430001
something_bucket{le="0.0"} 1
something_bucket{le="1"} 2
something_bucket{le="+Inf"} 18
# HELP yum Summary with _created between sum and quantiles
# TYPE yum summary
yum_count 20
yum_sum 324789.5
yum_created 1520430003
yum{quantile="0.95"} 123.7
yum{quantile="0.99"} 150.0
# HELP foobar Summary with _created as the first line
# TYPE foobar summary
foobar_count 21
foobar_created 1520430004
foobar_sum 324789.6
foobar{quantile="0.95"} 123.8
foobar{quantile="0.99"} 150.1
# HELP nansum Summary with NaN value
# TYPE nansum summary
nansum_count 0
nansum_sum 0.0
nansum{quantile="0.95"} nan
nansum{quantile="0.99"} NaN)";
  input +=
      "\n# HELP metric foo\x00"
      "bar"sv;
  input += "\nnull_byte_metric{a=\"abc\x00\"} 1"sv;
  input += "\n# EOF\n";

  using MT = MetricType;
  auto L = [](std::initializer_list<std::pair<std::string_view, std::string_view>> l) {
    return Labels::FromList(l);
  };
  const std::vector<Want> want = {
      Help("go_gc_duration_seconds", "A summary of the GC invocation durations."),
      Type("go_gc_duration_seconds", MT::kSummary),
      Unit("go_gc_duration_seconds", "seconds"),
      {.entry = Entry::kSeries,
       .m = R"(go_gc_duration_seconds{quantile="0"})",
       .v = 4.9351e-05,
       .lset = L({{"__name__", "go_gc_duration_seconds"}, {"quantile", "0.0"}})},
      {.entry = Entry::kSeries,
       .m = R"(go_gc_duration_seconds{quantile="0.25"})",
       .v = 7.424100000000001e-05,
       .lset = L({{"__name__", "go_gc_duration_seconds"}, {"quantile", "0.25"}})},
      {.entry = Entry::kSeries,
       .m = R"(go_gc_duration_seconds{quantile="0.5",a="b"})",
       .v = 8.3835e-05,
       .lset = L({{"__name__", "go_gc_duration_seconds"}, {"quantile", "0.5"}, {"a", "b"}})},
      Help("nohelp1", ""),
      Help("help2", "escape \\ \n \\ \" \\x chars"),
      Unit("nounit", ""),
      {.entry = Entry::kSeries,
       .m = R"(go_gc_duration_seconds{quantile="1.0",a="b"})",
       .v = 8.3835e-05,
       .lset = L({{"__name__", "go_gc_duration_seconds"}, {"quantile", "1.0"}, {"a", "b"}})},
      {.entry = Entry::kSeries,
       .m = "go_gc_duration_seconds_count",
       .v = 99,
       .lset = L({{"__name__", "go_gc_duration_seconds_count"}})},
      {.entry = Entry::kSeries,
       .m = R"(some:aggregate:rate5m{a_b="c"})",
       .v = 1,
       .lset = L({{"__name__", "some:aggregate:rate5m"}, {"a_b", "c"}})},
      Help("go_goroutines", "Number of goroutines that currently exist."),
      Type("go_goroutines", MT::kGauge),
      {.entry = Entry::kSeries,
       .m = "go_goroutines",
       .v = 33,
       .t = 123123,
       .lset = L({{"__name__", "go_goroutines"}})},
      Type("hh", MT::kHistogram),
      {.entry = Entry::kSeries,
       .m = R"(hh_bucket{le="+Inf"})",
       .v = 1,
       .lset = L({{"__name__", "hh_bucket"}, {"le", "+Inf"}})},
      Type("gh", MT::kGaugeHistogram),
      {.entry = Entry::kSeries,
       .m = R"(gh_bucket{le="+Inf"})",
       .v = 1,
       .lset = L({{"__name__", "gh_bucket"}, {"le", "+Inf"}})},
      Type("hhh", MT::kHistogram),
      {.entry = Entry::kSeries,
       .m = R"(hhh_bucket{le="+Inf"})",
       .v = 1,
       .lset = L({{"__name__", "hhh_bucket"}, {"le", "+Inf"}}),
       .es = {Ex(L({{"id", "histogram-bucket-test"}}), 4)}},
      {.entry = Entry::kSeries,
       .m = "hhh_count",
       .v = 1,
       .lset = L({{"__name__", "hhh_count"}}),
       .es = {Ex(L({{"id", "histogram-count-test"}}), 4)}},
      Type("ggh", MT::kGaugeHistogram),
      {.entry = Entry::kSeries,
       .m = R"(ggh_bucket{le="+Inf"})",
       .v = 1,
       .lset = L({{"__name__", "ggh_bucket"}, {"le", "+Inf"}}),
       .es = {Ex(L({{"id", "gaugehistogram-bucket-test"}, {"xx", "yy"}}), 4, 123123)}},
      {.entry = Entry::kSeries,
       .m = "ggh_count",
       .v = 1,
       .lset = L({{"__name__", "ggh_count"}}),
       .es = {Ex(L({{"id", "gaugehistogram-count-test"}, {"xx", "yy"}}), 4, 123123)}},
      Type("smr_seconds", MT::kSummary),
      {.entry = Entry::kSeries,
       .m = "smr_seconds_count",
       .v = 2,
       .lset = L({{"__name__", "smr_seconds_count"}}),
       .es = {Ex(L({{"id", "summary-count-test"}}), 1, 123321)}},
      {.entry = Entry::kSeries,
       .m = "smr_seconds_sum",
       .v = 42,
       .lset = L({{"__name__", "smr_seconds_sum"}}),
       .es = {Ex(L({{"id", "summary-sum-test"}}), 1, 123321)}},
      Type("ii", MT::kInfo),
      {.entry = Entry::kSeries,
       .m = R"(ii{foo="bar"})",
       .v = 1,
       .lset = L({{"__name__", "ii"}, {"foo", "bar"}})},
      Type("ss", MT::kStateset),
      {.entry = Entry::kSeries,
       .m = R"(ss{ss="foo"})",
       .v = 1,
       .lset = L({{"__name__", "ss"}, {"ss", "foo"}})},
      {.entry = Entry::kSeries,
       .m = R"(ss{ss="bar"})",
       .v = 0,
       .lset = L({{"__name__", "ss"}, {"ss", "bar"}})},
      {.entry = Entry::kSeries,
       .m = R"(ss{A="a"})",
       .v = 0,
       .lset = L({{"__name__", "ss"}, {"A", "a"}})},
      Type("un", MT::kUnknown),
      {.entry = Entry::kSeries,
       .m = "_metric_starting_with_underscore",
       .v = 1,
       .lset = L({{"__name__", "_metric_starting_with_underscore"}})},
      {.entry = Entry::kSeries,
       .m = R"(testmetric{_label_starting_with_underscore="foo"})",
       .v = 1,
       .lset = L({{"__name__", "testmetric"}, {"_label_starting_with_underscore", "foo"}})},
      {.entry = Entry::kSeries,
       .m = R"(testmetric{label="\"bar\""})",
       .v = 1,
       .lset = L({{"__name__", "testmetric"}, {"label", "\"bar\""}})},
      Help("foo", "Counter with and without labels to certify CT is parsed for both cases"),
      Type("foo", MT::kCounter),
      {.entry = Entry::kSeries,
       .m = "foo_total",
       .v = 17,
       .t = 1520879607789,
       .lset = L({{"__name__", "foo_total"}}),
       .es = {Ex(L({{"id", "counter-test"}}), 5)},
       .ct = 1520872607123},
      {.entry = Entry::kSeries,
       .m = R"(foo_total{a="b"})",
       .v = 17,
       .t = 1520879607789,
       .lset = L({{"__name__", "foo_total"}, {"a", "b"}}),
       .es = {Ex(L({{"id", "counter-test"}}), 5)},
       .ct = 1520872607123},
      {.entry = Entry::kSeries,
       .m = R"(foo_total{le="c"})",
       .v = 21,
       .lset = L({{"__name__", "foo_total"}, {"le", "c"}}),
       .ct = 1520872621123},
      {.entry = Entry::kSeries,
       .m = R"(foo_total{le="1"})",
       .v = 10,
       .lset = L({{"__name__", "foo_total"}, {"le", "1"}})},
      Help("bar", "Summary with CT at the end, several lines further"),
      Type("bar", MT::kSummary),
      {.entry = Entry::kSeries,
       .m = "bar_count",
       .v = 17,
       .lset = L({{"__name__", "bar_count"}}),
       .ct = 1520872608124},
      {.entry = Entry::kSeries,
       .m = "bar_sum",
       .v = 324789.3,
       .lset = L({{"__name__", "bar_sum"}}),
       .ct = 1520872608124},
      {.entry = Entry::kSeries,
       .m = R"(bar{quantile="0.95"})",
       .v = 123.7,
       .lset = L({{"__name__", "bar"}, {"quantile", "0.95"}}),
       .ct = 1520872608124},
      {.entry = Entry::kSeries,
       .m = R"(bar{quantile="0.99"})",
       .v = 150,
       .lset = L({{"__name__", "bar"}, {"quantile", "0.99"}}),
       .ct = 1520872608124},
      Help("baz", "Histogram with the same objective"),
      Type("baz", MT::kHistogram),
      {.entry = Entry::kSeries,
       .m = R"(baz_bucket{le="0.0"})",
       .v = 0,
       .lset = L({{"__name__", "baz_bucket"}, {"le", "0.0"}}),
       .ct = 1520872609125},
      {.entry = Entry::kSeries,
       .m = R"(baz_bucket{le="+Inf"})",
       .v = 17,
       .lset = L({{"__name__", "baz_bucket"}, {"le", "+Inf"}}),
       .ct = 1520872609125},
      {.entry = Entry::kSeries,
       .m = "baz_count",
       .v = 17,
       .lset = L({{"__name__", "baz_count"}}),
       .ct = 1520872609125},
      {.entry = Entry::kSeries,
       .m = "baz_sum",
       .v = 324789.3,
       .lset = L({{"__name__", "baz_sum"}}),
       .ct = 1520872609125},
      Help("fizz_created", "Gauge which shouldn't be parsed as CT"),
      Type("fizz_created", MT::kGauge),
      {.entry = Entry::kSeries,
       .m = "fizz_created",
       .v = 17,
       .lset = L({{"__name__", "fizz_created"}})},
      Help("something", "Histogram with _created between buckets and summary"),
      Type("something", MT::kHistogram),
      {.entry = Entry::kSeries,
       .m = "something_count",
       .v = 18,
       .lset = L({{"__name__", "something_count"}}),
       .ct = 1520430001000},
      {.entry = Entry::kSeries,
       .m = "something_sum",
       .v = 324789.4,
       .lset = L({{"__name__", "something_sum"}}),
       .ct = 1520430001000},
      {.entry = Entry::kSeries,
       .m = R"(something_bucket{le="0.0"})",
       .v = 1,
       .lset = L({{"__name__", "something_bucket"}, {"le", "0.0"}}),
       .ct = 1520430001000},
      {.entry = Entry::kSeries,
       .m = R"(something_bucket{le="1"})",
       .v = 2,
       .lset = L({{"__name__", "something_bucket"}, {"le", "1.0"}}),
       .ct = 1520430001000},
      {.entry = Entry::kSeries,
       .m = R"(something_bucket{le="+Inf"})",
       .v = 18,
       .lset = L({{"__name__", "something_bucket"}, {"le", "+Inf"}}),
       .ct = 1520430001000},
      Help("yum", "Summary with _created between sum and quantiles"),
      Type("yum", MT::kSummary),
      {.entry = Entry::kSeries,
       .m = "yum_count",
       .v = 20,
       .lset = L({{"__name__", "yum_count"}}),
       .ct = 1520430003000},
      {.entry = Entry::kSeries,
       .m = "yum_sum",
       .v = 324789.5,
       .lset = L({{"__name__", "yum_sum"}}),
       .ct = 1520430003000},
      {.entry = Entry::kSeries,
       .m = R"(yum{quantile="0.95"})",
       .v = 123.7,
       .lset = L({{"__name__", "yum"}, {"quantile", "0.95"}}),
       .ct = 1520430003000},
      {.entry = Entry::kSeries,
       .m = R"(yum{quantile="0.99"})",
       .v = 150,
       .lset = L({{"__name__", "yum"}, {"quantile", "0.99"}}),
       .ct = 1520430003000},
      Help("foobar", "Summary with _created as the first line"),
      Type("foobar", MT::kSummary),
      {.entry = Entry::kSeries,
       .m = "foobar_count",
       .v = 21,
       .lset = L({{"__name__", "foobar_count"}}),
       .ct = 1520430004000},
      {.entry = Entry::kSeries,
       .m = "foobar_sum",
       .v = 324789.6,
       .lset = L({{"__name__", "foobar_sum"}}),
       .ct = 1520430004000},
      {.entry = Entry::kSeries,
       .m = R"(foobar{quantile="0.95"})",
       .v = 123.8,
       .lset = L({{"__name__", "foobar"}, {"quantile", "0.95"}}),
       .ct = 1520430004000},
      {.entry = Entry::kSeries,
       .m = R"(foobar{quantile="0.99"})",
       .v = 150.1,
       .lset = L({{"__name__", "foobar"}, {"quantile", "0.99"}}),
       .ct = 1520430004000},
      Help("nansum", "Summary with NaN value"),
      Type("nansum", MT::kSummary),
      {.entry = Entry::kSeries, .m = "nansum_count", .lset = L({{"__name__", "nansum_count"}})},
      {.entry = Entry::kSeries, .m = "nansum_sum", .lset = L({{"__name__", "nansum_sum"}})},
      {.entry = Entry::kSeries,
       .m = R"(nansum{quantile="0.95"})",
       .v = kNormalNan,
       .lset = L({{"__name__", "nansum"}, {"quantile", "0.95"}})},
      {.entry = Entry::kSeries,
       .m = R"(nansum{quantile="0.99"})",
       .v = kNormalNan,
       .lset = L({{"__name__", "nansum"}, {"quantile", "0.99"}})},
      Help("metric",
           "foo\x00"
           "bar"sv),
      {.entry = Entry::kSeries,
       .m = "null_byte_metric{a=\"abc\x00\"}"sv,
       .v = 1,
       .lset = L({{"__name__", "null_byte_metric"}, {"a", "abc\x00"sv}})},
  };
  ExpectEntries(want, ParseAll(input, {.skip_ct_series = true}));
}

// Upstream's TestOpenMetricsParse_UTF8: quoted metric and label names.
TEST(OpenMetricsParser, Utf8Names) {
  const std::string_view input =
      R"(# HELP "go.gc_duration_seconds" A summary of the GC invocation durations.
# TYPE "go.gc_duration_seconds" summary
# UNIT "go.gc_duration_seconds" seconds
{"go.gc_duration_seconds",quantile="0"} 4.9351e-05
{"go.gc_duration_seconds",quantile="0.25"} 7.424100000000001e-05
{"go.gc_duration_seconds_created"} 1520872607.123
{"go.gc_duration_seconds",quantile="0.5",a="b"} 8.3835e-05
{"http.status",q="0.9",a="b"} 8.3835e-05
{q="0.9","http.status",a="b"} 8.3835e-05
{"go.gc_duration_seconds_sum"} 0.004304266
{"Heizölrückstoßabdämpfung 10€ metric with \"interesting\" {character\nchoices}","strange©™\n'quoted' \"name\""="6"} 10.0
quotedexemplar_count 1 # {"id.thing"="histogram-count-test"} 4
quotedexemplar2_count 1 # {"id.thing"="histogram-count-test",other="hello"} 4
# EOF
)";
  auto L = [](std::initializer_list<std::pair<std::string_view, std::string_view>> l) {
    return Labels::FromList(l);
  };
  const std::vector<Want> want = {
      Help("go.gc_duration_seconds", "A summary of the GC invocation durations."),
      Type("go.gc_duration_seconds", MetricType::kSummary),
      Unit("go.gc_duration_seconds", "seconds"),
      {.entry = Entry::kSeries,
       .m = R"({"go.gc_duration_seconds",quantile="0"})",
       .v = 4.9351e-05,
       .lset = L({{"__name__", "go.gc_duration_seconds"}, {"quantile", "0.0"}}),
       .ct = 1520872607123},
      {.entry = Entry::kSeries,
       .m = R"({"go.gc_duration_seconds",quantile="0.25"})",
       .v = 7.424100000000001e-05,
       .lset = L({{"__name__", "go.gc_duration_seconds"}, {"quantile", "0.25"}}),
       .ct = 1520872607123},
      {.entry = Entry::kSeries,
       .m = R"({"go.gc_duration_seconds",quantile="0.5",a="b"})",
       .v = 8.3835e-05,
       .lset = L({{"__name__", "go.gc_duration_seconds"}, {"quantile", "0.5"}, {"a", "b"}})},
      {.entry = Entry::kSeries,
       .m = R"({"http.status",q="0.9",a="b"})",
       .v = 8.3835e-05,
       .lset = L({{"__name__", "http.status"}, {"q", "0.9"}, {"a", "b"}})},
      {.entry = Entry::kSeries,
       .m = R"({q="0.9","http.status",a="b"})",
       .v = 8.3835e-05,
       .lset = L({{"__name__", "http.status"}, {"q", "0.9"}, {"a", "b"}})},
      {.entry = Entry::kSeries,
       .m = R"({"go.gc_duration_seconds_sum"})",
       .v = 0.004304266,
       .lset = L({{"__name__", "go.gc_duration_seconds_sum"}})},
      {.entry = Entry::kSeries,
       .m =
           R"({"Heizölrückstoßabdämpfung 10€ metric with \"interesting\" {character\nchoices}","strange©™\n'quoted' \"name\""="6"})",
       .v = 10,
       .lset = L({{"__name__",
                   "Heizölrückstoßabdämpfung 10€ metric with \"interesting\" {character\nchoices}"},
                  {"strange©™\n'quoted' \"name\"", "6"}})},
      {.entry = Entry::kSeries,
       .m = "quotedexemplar_count",
       .v = 1,
       .lset = L({{"__name__", "quotedexemplar_count"}}),
       .es = {Ex(L({{"id.thing", "histogram-count-test"}}), 4)}},
      {.entry = Entry::kSeries,
       .m = "quotedexemplar2_count",
       .v = 1,
       .lset = L({{"__name__", "quotedexemplar2_count"}}),
       .es = {Ex(L({{"id.thing", "histogram-count-test"}, {"other", "hello"}}), 4)}},
  };
  ExpectEntries(want, ParseAll(input, {.skip_ct_series = true}));
}

// Names of the samples a parse returns, with their created timestamps.
std::vector<std::pair<std::string, std::optional<int64_t>>> SeriesAndCt(std::string_view input,
                                                                        bool skip) {
  std::vector<std::pair<std::string, std::optional<int64_t>>> out;
  for (const Got& g : ParseAll(input, {.skip_ct_series = skip})) {
    if (g.entry == Entry::kSeries) out.emplace_back(g.m, g.ct);
  }
  return out;
}

TEST(OpenMetricsParser, CreatedSeriesSkippedOrKept) {
  const std::string_view input = R"(# TYPE foo counter
foo_total 17.0
foo_created 1520872607.123
# TYPE g gauge
g_created 5
# EOF
)";
  using V = std::vector<std::pair<std::string, std::optional<int64_t>>>;
  EXPECT_EQ(SeriesAndCt(input, /*skip=*/true),
            (V{{"foo_total", 1520872607123}, {"g_created", std::nullopt}}));
  // Kept: the _created sample is a series of its own, and finds itself as its family's CT.
  EXPECT_EQ(SeriesAndCt(input, /*skip=*/false), (V{{"foo_total", 1520872607123},
                                                   {"foo_created", 1520872607123},
                                                   {"g_created", std::nullopt}}));
}

// Upstream's TestSTParseFailures: known limits of scanning ahead, kept as they are.
TEST(OpenMetricsParser, CreatedTimestampLimits) {
  using V = std::vector<std::pair<std::string, std::optional<int64_t>>>;
  const std::string_view created_first = R"(# HELP thing histogram with _created as first line
# TYPE thing histogram
thing_created 1520872607.123
thing_count 17
thing_sum 324789.3
thing_bucket{le="0.0"} 0
thing_bucket{le="+Inf"} 17
# HELP thing_c counter with _created as first line
# TYPE thing_c counter
thing_c_created 1520872607.123
thing_c_total 14123.232
# EOF
)";
  EXPECT_EQ(SeriesAndCt(created_first, true), (V{{"thing_count", std::nullopt},
                                                 {"thing_sum", std::nullopt},
                                                 {R"(thing_bucket{le="0.0"})", std::nullopt},
                                                 {R"(thing_bucket{le="+Inf"})", std::nullopt},
                                                 {"thing_c_total", std::nullopt}}));
  const std::string_view no_meta = R"(foo_total 17.0
foo_created 1520872607.123
foo_total{a="b"} 17.0
foo_created{a="b"} 1520872608.123
# EOF
)";
  EXPECT_EQ(SeriesAndCt(no_meta, true), (V{{"foo_total", std::nullopt},
                                           {"foo_created", std::nullopt},
                                           {R"(foo_total{a="b"})", std::nullopt},
                                           {R"(foo_created{a="b"})", std::nullopt}}));
  // A family without any _created line: every sample scans to its end and finds nothing.
  const std::string_view none = R"(# TYPE c counter
c_total{a="1"} 1
c_total{a="2"} 2
c_total{a="3"} 3
# TYPE d counter
d_total 1
d_created 7
# EOF
)";
  EXPECT_EQ(SeriesAndCt(none, true), (V{{R"(c_total{a="1"})", std::nullopt},
                                        {R"(c_total{a="2"})", std::nullopt},
                                        {R"(c_total{a="3"})", std::nullopt},
                                        {"d_total", 7000}}));
  // The first _created line decides: one for other labels means none for this sample.
  const std::string_view other = R"(# TYPE c counter
c_total{a="1"} 1
c_total{a="2"} 2
c_created{a="2"} 3
c_created{a="1"} 4
# EOF
)";
  EXPECT_EQ(SeriesAndCt(other, true),
            (V{{R"(c_total{a="1"})", std::nullopt}, {R"(c_total{a="2"})", 3000}}));
}

TEST(OpenMetricsParser, CreatedTimestampKeepsCurrentSample) {
  const std::string_view input =
      "# TYPE foo counter\n"
      "foo_total{a=\"b\"} 17 1520879607.789 # {id=\"x\"} 5 1.5\n"
      "foo_total{a=\"c\"} 18 # {id=\"y\"} 6\n"
      "foo_created{a=\"b\"} 1520872607.123\n"
      "# EOF\n";
  auto p = NewOpenMetricsParser(input, {.skip_ct_series = true});
  ASSERT_TRUE(p->Next());
  ASSERT_TRUE(p->Next());
  ASSERT_EQ(p->entry(), Entry::kSeries);
  EXPECT_EQ(p->CreatedTimestamp(), 1520872607123);
  // Everything about the current sample survives the scan ahead.
  EXPECT_EQ(p->SeriesBytes(), R"(foo_total{a="b"})");
  EXPECT_EQ(p->Value(), 17);
  EXPECT_EQ(p->Timestamp(), 1520879607789);
  EXPECT_EQ(p->Labels().ToString(), R"({__name__="foo_total", a="b"})");
  Exemplar e;
  ASSERT_TRUE(p->NextExemplar(&e));
  EXPECT_EQ(e.labels.ToString(), R"({id="x"})");
  EXPECT_EQ(e.value, 5);
  EXPECT_EQ(e.timestamp_ms, 1500);
  EXPECT_FALSE(p->NextExemplar(&e));
  ASSERT_TRUE(p->Next());
  EXPECT_EQ(p->SeriesBytes(), R"(foo_total{a="c"})");
  ASSERT_TRUE(p->NextExemplar(&e));
  EXPECT_EQ(e.labels.ToString(), R"({id="y"})");
  EXPECT_EQ(e.timestamp_ms, std::nullopt);
  EXPECT_FALSE(p->Next());
  EXPECT_TRUE(p->Err().ok());
}

// Upstream's scan ahead loops forever when a later sample of the family has an exemplar the lexer
// cannot read; here the scan stops there, finds no _created line, and Next() reports the error.
TEST(OpenMetricsParser, CreatedTimestampStopsAtUnreadableExemplar) {
  const std::string_view input =
      "# TYPE c counter\n"
      "c_total 1\n"
      "c_total{a=\"b\"} 2 # {t=\"x\"}co\n"
      "c_created 3\n"
      "# EOF\n";
  auto p = NewOpenMetricsParser(input, {.skip_ct_series = true});
  ASSERT_TRUE(p->Next());
  ASSERT_TRUE(p->Next());
  EXPECT_EQ(p->SeriesBytes(), "c_total");
  EXPECT_EQ(p->CreatedTimestamp(), std::nullopt);
  EXPECT_FALSE(p->Next());
  EXPECT_EQ(p->Err().message(),
            R"(expected value after exemplar labels, got "c" ("INVALID") while parsing: )"
            R"("c_total{a=\"b\"} 2 # {t=\"x\"}c")");
  EXPECT_EQ(p->error_offset(), input.find("}co") + 1);
}

TEST(OpenMetricsParser, LabelValueNormalizationAndEscapes) {
  const std::string_view input = R"(# TYPE h histogram
h_bucket{le="1"} 1
h_bucket{le="1e3"} 1
h_bucket{le="0.000001"} 1
h_bucket{le="-1"} 1
h_bucket{le="x"} 1
# TYPE s summary
s{quantile="0.5000"} 1
# TYPE gh gaugehistogram
gh_bucket{le="1"} 1
# TYPE u unknown
u{le="1",quantile="1",e="a\\b\nc\"d\qe"} 1
# EOF
)";
  const std::vector<std::string> want = {
      R"({__name__="h_bucket", le="1.0"})",
      R"({__name__="h_bucket", le="1000.0"})",
      R"({__name__="h_bucket", le="1e-06"})",
      R"({__name__="h_bucket", le="-1.0"})",
      R"({__name__="h_bucket", le="x"})",
      R"({__name__="s", quantile="0.5"})",
      R"({__name__="gh_bucket", le="1"})",
      R"({__name__="u", e="a\\b\nc\"d\\qe", le="1", quantile="1"})",
  };
  std::vector<std::string> got;
  for (const Got& g : ParseAll(input)) {
    if (g.entry == Entry::kSeries) got.push_back(g.lset.ToString());
  }
  EXPECT_EQ(got, want);
}

TEST(OpenMetricsParser, EscapedFamilyNameAndEmptyValue) {
  const std::string_view input = "# HELP \"a\\\"b\" x\n{\"a\\\"b\",c=\"\"} 1\n# EOF";
  auto p = NewOpenMetricsParser(input);
  ASSERT_TRUE(p->Next());
  EXPECT_EQ(p->FamilyName(), "a\"b");
  ASSERT_TRUE(p->Next());
  // Empty label values are kept, as upstream's parser does.
  EXPECT_EQ(p->Labels().ToString(), R"({__name__="a\"b", c=""})");
  EXPECT_FALSE(p->Next());
  EXPECT_TRUE(p->Err().ok());
}

TEST(OpenMetricsParser, TimestampsAndValues) {
  struct Case {
    std::string_view line;
    double v;
    std::optional<int64_t> t;
  };
  const Case cases[] = {
      {"a 1", 1, std::nullopt},
      {"a -1.5e3 1", -1500, 1000},
      {"a +Inf -1.5", INFINITY, -1500},
      {"a -inf 0.0019", -INFINITY, 1},
      {"a 1 -0.0019", 1, -1},
      {"a 1 1e300", 1, INT64_MIN},  // Go's int64() of an out-of-range float on amd64
      {"a .5 1.", 0.5, 1000},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.line);
    const std::string input = std::string(c.line) + "\n# EOF\n";
    auto got = ParseAll(input);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].v, c.v);
    EXPECT_EQ(got[0].t, c.t);
  }
}

// Upstream's TestOpenMetricsParseErrors and TestOMNullByteHandling, plus where each error
// points (the offset is ours: upstream has none).
TEST(OpenMetricsParser, Errors) {
  struct Case {
    std::string_view input;
    std::string_view err;  // empty: parses cleanly
    size_t offset = 0;
  };
  const Case cases[] = {
      {"# EOF", ""},
      {"# EOF\n", ""},
      {"", "data does not end with # EOF", 0},
      {"\n", R"(expected a valid start token, got "\n" ("INVALID") while parsing: "\n")", 0},
      {"metric", R"(expected value after metric, got "metric" ("EOF") while parsing: "metric")", 6},
      {"metric 1", "data does not end with # EOF", 8},
      {"metric 1\n", "data does not end with # EOF", 9},
      {"metric_total 1 # {aa=\"bb\"} 4", "data does not end with # EOF", 28},
      {"a\n#EOF\n", R"(expected value after metric, got "\n" ("INVALID") while parsing: "a\n")", 1},
      {"\n\n#EOF\n", R"(expected a valid start token, got "\n" ("INVALID") while parsing: "\n")"},
      {" a 1\n#EOF\n", R"(expected a valid start token, got " " ("INVALID") while parsing: " ")"},
      {"9\n#EOF\n", R"(expected a valid start token, got "9" ("INVALID") while parsing: "9")"},
      {"# TYPE u untyped\n#EOF\n", R"(invalid metric type "untyped")", 9},
      {"# TYPE c counter \n#EOF\n", R"(invalid metric type "counter ")", 9},
      {"#  TYPE c counter\n#EOF\n",
       R"(expected a valid start token, got "#  " ("INVALID") while parsing: "#  ")", 2},
      {"# TYPE \n#EOF\n",
       R"(expected metric name after TYPE, got "\n" ("INVALID") while parsing: "# TYPE \n")", 7},
      {"# TYPE m\n#EOF\n", "expected text in TYPE", 8},
      {"# UNIT metric suffix\n#EOF\n", R"(unit "suffix" not a suffix of metric "metric")", 14},
      {"# UNIT metricsuffix suffix\n#EOF\n",
       R"(unit "suffix" not a suffix of metric "metricsuffix")"},
      {"# UNIT m suffix\n#EOF\n", R"(unit "suffix" not a suffix of metric "m")"},
      {"# UNIT \n#EOF\n",
       R"(expected metric name after UNIT, got "\n" ("INVALID") while parsing: "# UNIT \n")"},
      {"# UNIT m\n#EOF\n", "expected text in UNIT"},
      {"# HELP \n#EOF\n",
       R"(expected metric name after HELP, got "\n" ("INVALID") while parsing: "# HELP \n")"},
      {"# HELP m\n#EOF\n", "expected text in HELP"},
      {"a\t1\n#EOF\n", R"(expected value after metric, got "\t" ("INVALID") while parsing: "a\t")",
       1},
      {"a 1\t2\n#EOF\n",
       R"(strconv.ParseFloat: parsing "1\t2": invalid syntax while parsing: "a 1\t2")", 2},
      {"a 1 2 \n#EOF\n",
       R"(expected next entry after timestamp, got " \n" ("INVALID") while parsing: "a 1 2 \n")",
       6},
      {"a 1 2 #\n#EOF\n",
       R"(expected next entry after timestamp, got " #\n" ("TIMESTAMP") while parsing: "a 1 2 #\n")",
       5},
      {"a 1 1z\n#EOF\n",
       R"(strconv.ParseFloat: parsing "1z": invalid syntax while parsing: "a 1 1z")", 4},
      {" # EOF\n", R"(expected a valid start token, got " " ("INVALID") while parsing: " ")"},
      {"# EOF\na 1", "unexpected data after # EOF", 6},
      {"# EOF\n\n", "unexpected data after # EOF", 6},
      {"# EOFa 1", "unexpected data after # EOF", 5},
      {"#\tTYPE c counter\n",
       R"(expected a valid start token, got "#\t" ("INVALID") while parsing: "#\t")"},
      {"# TYPE c  counter\n", R"(invalid metric type " counter")"},
      {"a 1 1 1\n# EOF\n",
       R"(expected next entry after timestamp, got " 1\n" ("TIMESTAMP") while parsing: "a 1 1 1\n")"},
      {"a{b='c'} 1\n# EOF\n", R"(expected label value, got "'" ("INVALID") while parsing: "a{b='")",
       4},
      {"a{,b=\"c\"} 1\n# EOF\n", R"(expected label name, got ",b" ("COMMA") while parsing: "a{,b")",
       2},
      {"a{b=\"c\"d=\"e\"} 1\n# EOF\n",
       R"(expected comma or brace close, got "d=" ("LNAME") while parsing: "a{b=\"c\"d=")"},
      {"a{b=\"c\",,d=\"e\"} 1\n# EOF\n",
       R"(expected label name, got ",d" ("COMMA") while parsing: "a{b=\"c\",,d")"},
      {"a{b=\n# EOF\n", R"(expected label value, got "\n" ("INVALID") while parsing: "a{b=\n")"},
      {"a{\xff=\"foo\"} 1\n# EOF\n",
       R"(expected label name, got "\xff" ("INVALID") while parsing: "a{\xff")"},
      {"a{b=\"\xff\"} 1\n# EOF\n", R"(invalid UTF-8 label value: "\"\xff\"")", 4},
      {"{\"a\",\"b = \"c\"}\n# EOF\n",
       R"(expected equal, got "c\"" ("LNAME") while parsing: "{\"a\",\"b = \"c\"")"},
      {"{\"a\",b\\nc=\"d\"} 1\n# EOF\n",
       R"(expected equal, got "\\" ("INVALID") while parsing: "{\"a\",b\\")"},
      {"a true\n", R"(strconv.ParseFloat: parsing "true": invalid syntax while parsing: "a true")"},
      {"something_weird{problem=\"\n# EOF\n",
       R"(expected label value, got "\"\n" ("INVALID") while parsing: "something_weird{problem=\"\n")"},
      {"empty_label_name{=\"\"} 0\n# EOF\n",
       R"(expected label name, got "=\"" ("EQUAL") while parsing: "empty_label_name{=\"")"},
      {"{A}0\n# EOF\n", R"(expected equal, got "}0" ("BCLOSE") while parsing: "{A}0")"},
      {"foo 1_2\n\n# EOF\n", R"(unsupported character in float while parsing: "foo 1_2")", 4},
      {"foo 0x1p-3\n\n# EOF\n", R"(unsupported character in float while parsing: "foo 0x1p-3")"},
      {"foo 0x1P-3\n\n# EOF\n", R"(unsupported character in float while parsing: "foo 0x1P-3")"},
      {"foo 0 1_2\n\n# EOF\n", R"(unsupported character in float while parsing: "foo 0 1_2")"},
      {"custom_metric_total 1 # {aa=bb}\n# EOF\n",
       R"(expected label value, got "b" ("INVALID") while parsing: "custom_metric_total 1 # {aa=b")"},
      {"custom_metric_total 1 # {aa=\"bb\"}\n# EOF\n",
       R"(expected value after exemplar labels, got "\n" ("INVALID") while parsing: "custom_metric_total 1 # {aa=\"bb\"}\n")"},
      {"custom_metric_total 1 # {aa=\"bb\"}",
       R"(expected value after exemplar labels, got "}" ("EOF") while parsing: "custom_metric_total 1 # {aa=\"bb\"}")"},
      {"custom_metric_total 1 # {bb}",
       R"(expected equal, got "}" ("BCLOSE") while parsing: "custom_metric_total 1 # {bb}")"},
      {"custom_metric_total 1 # {bb, a=\"dd\"}",
       R"(expected equal, got ", " ("COMMA") while parsing: "custom_metric_total 1 # {bb, ")"},
      {"custom_metric_total 1 # {aa=\"bb\",,cc=\"dd\"} 1",
       R"(expected label name, got ",c" ("COMMA") while parsing: "custom_metric_total 1 # {aa=\"bb\",,c")"},
      {"custom_metric_total 1 # {aa=\"bb\"} 1_2",
       R"(unsupported character in float while parsing: "custom_metric_total 1 # {aa=\"bb\"} 1_2")"},
      {"custom_metric_total 1 # {aa=\"bb\"} 0x1p-3",
       R"(unsupported character in float while parsing: "custom_metric_total 1 # {aa=\"bb\"} 0x1p-3")"},
      {"custom_metric_total 1 # {aa=\"bb\"} true",
       R"(strconv.ParseFloat: parsing "true": invalid syntax while parsing: "custom_metric_total 1 # {aa=\"bb\"} true")"},
      {"custom_metric_total 1 # {aa=\"bb\",cc=}",
       R"(expected label value, got "}" ("INVALID") while parsing: "custom_metric_total 1 # {aa=\"bb\",cc=}")"},
      {"custom_metric_total 1 # {aa=\\\"\xff\\\"} 9.0",
       R"(expected label value, got "\\" ("INVALID") while parsing: "custom_metric_total 1 # {aa=\\")"},
      {"{b=\"c\",} 1", R"(metric name not set while parsing: "{b=\"c\",} 1")", 0},
      {"a 1 NaN", "invalid timestamp NaN", 4},
      {"a 1 -Inf", "invalid timestamp -Inf"},
      {"a 1 Inf", "invalid timestamp +Inf"},
      {"# TYPE hhh histogram\nhhh_bucket{le=\"+Inf\"} 1 # {aa=\"bb\"} 4 NaN",
       "invalid exemplar timestamp NaN"},
      {"# TYPE hhh histogram\nhhh_bucket{le=\"+Inf\"} 1 # {aa=\"bb\"} 4 -Inf",
       "invalid exemplar timestamp -Inf"},
      {"a 1 # {a=\"b\"} 1 2 3\n# EOF\n",
       R"(expected next entry after exemplar timestamp, got " 3\n" ("TIMESTAMP") while parsing: "a 1 # {a=\"b\"} 1 2 3\n")"},
      {"a 1 # {\"q\"} 1\n# EOF\n",
       R"(expected label name, got "} " ("BCLOSE") while parsing: "a 1 # {\"q\"} ")"},
      {"{\"a\",\"b\"} 1\n# EOF\n", R"(metric name already set while parsing: "{\"a\",\"b\"}")", 5},
      {"a{\"b\"} 1\n# EOF\n", R"(metric name already set while parsing: "a{\"b\"}")"},
      {"# HELP a \xff\xfe\n# EOF\n", R"(help text "\xff\xfe" is not a valid utf8 string)", 9},
      {"# UNIT a_b b\n# EOF\n", ""},
      {"# UNIT \"a.b\" b\n# EOF\n", R"(unit "b" not a suffix of metric "a.b")"},
      {"# TYPE a counter\n# HELP a x\n# UNIT a_s s\na_total 1 2 # {} 3 4\n# EOF", ""},
      // Null bytes.
      {"null_byte_metric{a=\"abc\x00\"} 1\n# EOF\n"sv, ""},
      {"a{b=\"\x00ss\"} 1\n# EOF\n"sv, ""},
      {"a{b=\"\x00\"} 1\n# EOF\n"sv, ""},
      {"a{b=\"\x00\"} 1\n# EOF"sv, ""},
      {"a{b=\x00\"ssss\"} 1\n# EOF\n"sv,
       R"(expected label value, got "\x00" ("INVALID") while parsing: "a{b=\x00")", 4},
      {"a{b=\"\x00"sv,
       R"(expected label value, got "\"\x00" ("INVALID") while parsing: "a{b=\"\x00")", 6},
      {"a{b\x00=\"hiih\"}\t1"sv,
       R"(expected equal, got "\x00" ("INVALID") while parsing: "a{b\x00")", 3},
      {"a\x00{b=\"ddd\"} 1"sv,
       R"(expected value after metric, got "\x00" ("INVALID") while parsing: "a\x00")"},
      {"#", R"(expected a valid start token, got "#" ("INVALID") while parsing: "#")", 1},
      {"# H", R"(expected a valid start token, got "# H" ("INVALID") while parsing: "# H")", 3},
      {"custom_metric_total 1 # {b=\x00\"ssss\"} 1\n"sv,
       R"(expected label value, got "\x00" ("INVALID") while parsing: "custom_metric_total 1 # {b=\x00")"},
      {"custom_metric_total 1 # {b=\"\x00ss\"} 1\n"sv,
       R"(expected label value, got "\"\x00" ("INVALID") while parsing: "custom_metric_total 1 # {b=\"\x00")"},
      // NULs after "# EOF\n" are skipped by the comment state, as upstream's lexer does.
      {"# EOF\n\x00\x00"sv, ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(testing::PrintToString(std::string(c.input)));
    auto p = NewOpenMetricsParser(c.input, {.skip_ct_series = true});
    while (p->Next()) {
      if (p->entry() == Entry::kSeries) (void)p->Labels();
    }
    if (c.err.empty()) {
      EXPECT_TRUE(p->Err().ok()) << p->Err().ToString();
      continue;
    }
    ASSERT_FALSE(p->Err().ok());
    EXPECT_EQ(p->Err().message(), c.err);
    EXPECT_LE(p->error_offset(), c.input.size());
    if (c.offset != 0 || c.input.empty()) {
      EXPECT_EQ(p->error_offset(), c.offset);
    }
    // Once failed, the parser stays failed.
    EXPECT_FALSE(p->Next());
    EXPECT_FALSE(p->Err().ok());
  }
}

TEST(OpenMetricsParser, ErrorRendersWithCaret) {
  const std::string_view input = "# TYPE a counter\na_total{b=\"c\"} 1 x\n# EOF\n";
  auto p = NewOpenMetricsParser(input);
  while (p->Next()) {
  }
  ASSERT_FALSE(p->Err().ok());
  const std::string out =
      util::RenderSourceError("m.om", input, p->error_offset(), 1, p->Err().message());
  EXPECT_EQ(out.substr(0, out.find('\n')),
            R"(m.om:2:18: strconv.ParseFloat: parsing "x": invalid syntax while parsing: )"
            R"("a_total{b=\"c\"} 1 x")");
}

TEST(OpenMetricsParser, BareIdentifierInBracesDoesNotCrash) {
  auto p = NewOpenMetricsParser("{A} 0\n# EOF\n", {.skip_ct_series = true});
  while (p->Next()) {
    if (p->entry() == Entry::kSeries) (void)p->Labels();
  }
  EXPECT_FALSE(p->Err().ok());
}

// Every upstream OpenMetrics fixture parses to the end.
TEST(OpenMetricsParser, ConformanceFixtures) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(PROMKIT_SOURCE_DIR) / "testdata/textparse/openmetrics";
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.size() < 7 || name.substr(name.size() - 7) != ".om.txt") continue;
    SCOPED_TRACE(name);
    ++files;
    std::ifstream f(entry.path(), std::ios::binary);
    const std::string data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    for (bool skip : {false, true}) {
      auto p = NewOpenMetricsParser(data, {.skip_ct_series = skip});
      int series = 0;
      while (p->Next()) {
        if (p->entry() != Entry::kSeries) continue;
        ++series;
        Labels l = p->Labels();
        EXPECT_FALSE(l.MetricName().empty());
        EXPECT_FALSE(l.HasDuplicateNames());
        (void)p->CreatedTimestamp();
      }
      EXPECT_TRUE(p->Err().ok()) << p->Err().ToString() << " at byte " << p->error_offset();
      EXPECT_GT(series, 0);
    }
  }
  EXPECT_GE(files, 2);
}

}  // namespace
}  // namespace promkit::textparse

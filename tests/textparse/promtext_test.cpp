// Tests of the Prometheus text 0.0.4 parser. The inputs and expectations re-express upstream's
// model/textparse/promparse_test.go (Prometheus 3.x) in our own table form.
#include "textparse/promtext.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "util/source_error.h"

namespace promkit::textparse {
namespace {

using model::Labels;

// One parsed entry, flattened for comparison.
struct Got {
  Entry entry = Entry::kInvalid;
  std::string name;  // FamilyName() for metadata, SeriesBytes() for series
  std::string text;  // help or comment text
  MetricType type = MetricType::kUnknown;
  double value = 0;
  std::optional<int64_t> ts;
  Labels labels;
};

struct Parsed {
  std::vector<Got> entries;
  util::Status err;
  size_t err_offset = 0;
};

Parsed ParseAll(std::string_view input, const PromTextOptions& opts = {}) {
  Parsed out;
  auto p = NewPromTextParser(input, opts);
  while (p->Next()) {
    Got g;
    g.entry = p->entry();
    switch (g.entry) {
      case Entry::kHelp:
        g.name = p->FamilyName();
        g.text = p->HelpText();
        break;
      case Entry::kType:
        g.name = p->FamilyName();
        g.type = p->Type();
        break;
      case Entry::kComment:
        g.text = p->CommentText();
        break;
      case Entry::kSeries:
        g.name = p->SeriesBytes();
        g.value = p->Value();
        g.ts = p->Timestamp();
        g.labels = p->Labels();
        {
          Exemplar e;
          EXPECT_FALSE(p->NextExemplar(&e));
        }
        EXPECT_FALSE(p->CreatedTimestamp().has_value());
        break;
      default:
        ADD_FAILURE() << "unexpected entry " << static_cast<int>(g.entry);
    }
    out.entries.push_back(std::move(g));
  }
  out.err = p->Err();
  out.err_offset = p->error_offset();
  EXPECT_FALSE(p->Next()) << "Next() after the end must stay false";
  return out;
}

Got Help(std::string name, std::string text) {
  Got g;
  g.entry = Entry::kHelp;
  g.name = std::move(name);
  g.text = std::move(text);
  return g;
}
Got Type(std::string name, MetricType t) {
  Got g;
  g.entry = Entry::kType;
  g.name = std::move(name);
  g.type = t;
  return g;
}
Got Comment(std::string text) {
  Got g;
  g.entry = Entry::kComment;
  g.text = std::move(text);
  return g;
}
Got Series(std::string series, double v, Labels labels, std::optional<int64_t> ts = {}) {
  Got g;
  g.entry = Entry::kSeries;
  g.name = std::move(series);
  g.value = v;
  g.labels = std::move(labels);
  g.ts = ts;
  return g;
}

void ExpectEntries(const std::vector<Got>& want, const std::vector<Got>& got) {
  ASSERT_EQ(want.size(), got.size());
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE("entry " + std::to_string(i) + ": " + want[i].name + want[i].text);
    const Got& w = want[i];
    const Got& g = got[i];
    ASSERT_EQ(static_cast<int>(w.entry), static_cast<int>(g.entry));
    EXPECT_EQ(w.name, g.name);
    EXPECT_EQ(w.text, g.text);
    if (w.entry == Entry::kType) {
      EXPECT_EQ(MetricTypeName(w.type), MetricTypeName(g.type));
    }
    if (w.entry == Entry::kSeries) {
      EXPECT_EQ(w.value, g.value);
      EXPECT_EQ(w.ts, g.ts);
      EXPECT_EQ(w.labels.ToString(), g.labels.ToString());
    }
  }
}

Labels L(std::initializer_list<std::pair<std::string_view, std::string_view>> l) {
  return Labels::FromList(l);
}

const std::string kBigInput =
    std::string(R"(# HELP go_gc_duration_seconds A summary of the GC invocation durations.
# 	TYPE go_gc_duration_seconds summary
go_gc_duration_seconds{quantile="0"} 4.9351e-05
go_gc_duration_seconds{quantile="0.25",} 7.424100000000001e-05
go_gc_duration_seconds{quantile="0.5",a="b"} 8.3835e-05
go_gc_duration_seconds{quantile="0.8", a="b"} 8.3835e-05
go_gc_duration_seconds{ quantile="0.9", a="b"} 8.3835e-05
# HELP prometheus_http_request_duration_seconds Histogram of latencies for HTTP requests.
# TYPE prometheus_http_request_duration_seconds histogram
prometheus_http_request_duration_seconds_bucket{handler="/",le="1"} 423
prometheus_http_request_duration_seconds_bucket{handler="/",le="2"} 1423
prometheus_http_request_duration_seconds_bucket{handler="/",le="+Inf"} 1423
prometheus_http_request_duration_seconds_sum{handler="/"} 2000
prometheus_http_request_duration_seconds_count{handler="/"} 1423
# Hrandom comment starting with prefix of HELP
#
wind_speed{A="2",c="3"} 12345
# comment with escaped \n newline
# comment with escaped \ escape character
# HELP nohelp1
# HELP nohelp2 
go_gc_duration_seconds{ quantile="1.0", a="b" } 8.3835e-05
go_gc_duration_seconds { quantile="1.0", a="b" } 8.3835e-05
go_gc_duration_seconds { quantile= "1.0", a= "b", } 8.3835e-05
go_gc_duration_seconds { quantile = "1.0", a = "b" } 8.3835e-05
go_gc_duration_seconds { quantile = "2.0" a = "b" } 8.3835e-05
go_gc_duration_seconds_count 99
some:aggregate:rate5m{a_b="c"}	1
# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 33  	123123
# TYPE some_counter_total counter
# HELP some_counter_total Help after type.
some_counter_total 12
# HELP nohelp3
_metric_starting_with_underscore 1
testmetric{_label_starting_with_underscore="foo"} 1
testmetric{label="\"bar\""} 1
testmetric{le="10"} 1
# HELP type_and_unit_test1 Type specified in metadata overrides.
# TYPE type_and_unit_test1 gauge
type_and_unit_test1{__type__="counter"} 123
# HELP type_and_unit_test2 Type specified in label.
type_and_unit_test2{__type__="counter"} 123)") +
    std::string("\n# HELP metric foo\0bar", 22) +
    std::string("\nnull_byte_metric{a=\"abc\0\"} 1", 29);

TEST(PromText, UpstreamExposition) {
  for (bool tu : {false, true}) {
    SCOPED_TRACE(tu ? "type-and-unit labels" : "plain labels");
    // With type-and-unit labels on, __type__ is the most recent TYPE (upstream keeps it across
    // families too, a known quirk).
    auto typed = [tu](std::string_view type,
                      std::initializer_list<std::pair<std::string_view, std::string_view>> l) {
      std::vector<std::pair<std::string, std::string>> v;
      for (const auto& [n, val] : l) v.emplace_back(n, val);
      if (tu) v.emplace_back("__type__", type);
      return Labels::FromPairs(v);
    };
    const std::vector<Got> want = {
        Help("go_gc_duration_seconds", "A summary of the GC invocation durations."),
        Type("go_gc_duration_seconds", MetricType::kSummary),
        Series(R"(go_gc_duration_seconds{quantile="0"})", 4.9351e-05,
               typed("summary", {{"__name__", "go_gc_duration_seconds"}, {"quantile", "0.0"}})),
        Series(R"(go_gc_duration_seconds{quantile="0.25",})", 7.424100000000001e-05,
               typed("summary", {{"__name__", "go_gc_duration_seconds"}, {"quantile", "0.25"}})),
        Series(R"(go_gc_duration_seconds{quantile="0.5",a="b"})", 8.3835e-05,
               typed("summary",
                     {{"__name__", "go_gc_duration_seconds"}, {"quantile", "0.5"}, {"a", "b"}})),
        Series(R"(go_gc_duration_seconds{quantile="0.8", a="b"})", 8.3835e-05,
               typed("summary",
                     {{"__name__", "go_gc_duration_seconds"}, {"quantile", "0.8"}, {"a", "b"}})),
        Series(R"(go_gc_duration_seconds{ quantile="0.9", a="b"})", 8.3835e-05,
               typed("summary",
                     {{"__name__", "go_gc_duration_seconds"}, {"quantile", "0.9"}, {"a", "b"}})),
        Help("prometheus_http_request_duration_seconds",
             "Histogram of latencies for HTTP requests."),
        Type("prometheus_http_request_duration_seconds", MetricType::kHistogram),
        Series(R"(prometheus_http_request_duration_seconds_bucket{handler="/",le="1"})", 423,
               typed("histogram", {{"__name__", "prometheus_http_request_duration_seconds_bucket"},
                                   {"handler", "/"},
                                   {"le", "1.0"}})),
        Series(R"(prometheus_http_request_duration_seconds_bucket{handler="/",le="2"})", 1423,
               typed("histogram", {{"__name__", "prometheus_http_request_duration_seconds_bucket"},
                                   {"handler", "/"},
                                   {"le", "2.0"}})),
        Series(R"(prometheus_http_request_duration_seconds_bucket{handler="/",le="+Inf"})", 1423,
               typed("histogram", {{"__name__", "prometheus_http_request_duration_seconds_bucket"},
                                   {"handler", "/"},
                                   {"le", "+Inf"}})),
        Series(R"(prometheus_http_request_duration_seconds_sum{handler="/"})", 2000,
               typed("histogram", {{"__name__", "prometheus_http_request_duration_seconds_sum"},
                                   {"handler", "/"}})),
        Series(R"(prometheus_http_request_duration_seconds_count{handler="/"})", 1423,
               typed("histogram", {{"__name__", "prometheus_http_request_duration_seconds_count"},
                                   {"handler", "/"}})),
        Comment("# Hrandom comment starting with prefix of HELP"),
        Comment("#"),
        Series(R"(wind_speed{A="2",c="3"})", 12345,
               typed("histogram", {{"A", "2"}, {"__name__", "wind_speed"}, {"c", "3"}})),
        Comment(R"(# comment with escaped \n newline)"),
        Comment(R"(# comment with escaped \ escape character)"),
        Help("nohelp1", ""),
        Help("nohelp2", ""),
        Series(R"(go_gc_duration_seconds{ quantile="1.0", a="b" })", 8.3835e-05,
               typed("histogram",
                     {{"__name__", "go_gc_duration_seconds"}, {"quantile", "1.0"}, {"a", "b"}})),
        Series(R"(go_gc_duration_seconds { quantile="1.0", a="b" })", 8.3835e-05,
               typed("histogram",
                     {{"__name__", "go_gc_duration_seconds"}, {"quantile", "1.0"}, {"a", "b"}})),
        Series(R"(go_gc_duration_seconds { quantile= "1.0", a= "b", })", 8.3835e-05,
               typed("histogram",
                     {{"__name__", "go_gc_duration_seconds"}, {"quantile", "1.0"}, {"a", "b"}})),
        Series(R"(go_gc_duration_seconds { quantile = "1.0", a = "b" })", 8.3835e-05,
               typed("histogram",
                     {{"__name__", "go_gc_duration_seconds"}, {"quantile", "1.0"}, {"a", "b"}})),
        Series(R"(go_gc_duration_seconds { quantile = "2.0" a = "b" })", 8.3835e-05,
               typed("histogram",
                     {{"__name__", "go_gc_duration_seconds"}, {"quantile", "2.0"}, {"a", "b"}})),
        Series("go_gc_duration_seconds_count", 99,
               typed("histogram", {{"__name__", "go_gc_duration_seconds_count"}})),
        Series(R"(some:aggregate:rate5m{a_b="c"})", 1,
               typed("histogram", {{"__name__", "some:aggregate:rate5m"}, {"a_b", "c"}})),
        Help("go_goroutines", "Number of goroutines that currently exist."),
        Type("go_goroutines", MetricType::kGauge),
        Series("go_goroutines", 33, typed("gauge", {{"__name__", "go_goroutines"}}), 123123),
        Type("some_counter_total", MetricType::kCounter),
        Help("some_counter_total", "Help after type."),
        Series("some_counter_total", 12, typed("counter", {{"__name__", "some_counter_total"}})),
        Help("nohelp3", ""),
        Series("_metric_starting_with_underscore", 1,
               typed("counter", {{"__name__", "_metric_starting_with_underscore"}})),
        Series(R"(testmetric{_label_starting_with_underscore="foo"})", 1,
               typed("counter",
                     {{"__name__", "testmetric"}, {"_label_starting_with_underscore", "foo"}})),
        Series(R"(testmetric{label="\"bar\""})", 1,
               typed("counter", {{"__name__", "testmetric"}, {"label", R"("bar")"}})),
        Series(R"(testmetric{le="10"})", 1,
               typed("counter", {{"__name__", "testmetric"}, {"le", "10"}})),
        Help("type_and_unit_test1", "Type specified in metadata overrides."),
        Type("type_and_unit_test1", MetricType::kGauge),
        // The TYPE line wins over a __type__ label in type-and-unit mode.
        Series(R"(type_and_unit_test1{__type__="counter"})", 123,
               tu ? L({{"__name__", "type_and_unit_test1"}, {"__type__", "gauge"}})
                  : L({{"__name__", "type_and_unit_test1"}, {"__type__", "counter"}})),
        Help("type_and_unit_test2", "Type specified in label."),
        Series(R"(type_and_unit_test2{__type__="counter"})", 123,
               tu ? L({{"__name__", "type_and_unit_test2"}, {"__type__", "gauge"}})
                  : L({{"__name__", "type_and_unit_test2"}, {"__type__", "counter"}})),
        Help("metric", std::string("foo\0bar", 7)),
        Series(std::string("null_byte_metric{a=\"abc\0\"}", 26), 1,
               typed("gauge",
                     {{"__name__", "null_byte_metric"}, {"a", std::string_view("abc\0", 4)}})),
    };
    PromTextOptions opts;
    opts.type_and_unit_labels = tu;
    Parsed got = ParseAll(kBigInput, opts);
    ASSERT_TRUE(got.err.ok()) << got.err.ToString();
    ExpectEntries(want, got.entries);
  }
}

TEST(PromText, Utf8QuotedNames) {
  const std::string input =
      R"(# HELP "go.gc_duration_seconds" A summary of the GC invocation durations.
# 	TYPE "go.gc_duration_seconds" summary
{"go.gc_duration_seconds",quantile="0"} 4.9351e-05
{"go.gc_duration_seconds",quantile="0.25",} 7.424100000000001e-05
{"go.gc_duration_seconds",quantile="0.5",a="b"} 8.3835e-05
{"go.gc_duration_seconds",quantile="0.8", a="b"} 8.3835e-05
{"go.gc_duration_seconds", quantile="0.9", a="b"} 8.3835e-05
{"go.gc_duration_seconds", quantile="1.0", a="b" } 8.3835e-05
{ "go.gc_duration_seconds", quantile="1.0", a="b" } 8.3835e-05
{ "go.gc_duration_seconds", quantile= "1.0", a= "b", } 8.3835e-05
{ "go.gc_duration_seconds", quantile = "1.0", a = "b" } 8.3835e-05
{"go.gc_duration_seconds_count"} 99
{"Heizölrückstoßabdämpfung 10€ metric with \"interesting\" {character\nchoices}","strange©™\n'quoted' \"name\""="6"} 10.0)";
  const std::string_view n = "go.gc_duration_seconds";
  const std::vector<Got> want = {
      Help(std::string(n), "A summary of the GC invocation durations."),
      Type(std::string(n), MetricType::kSummary),
      Series(R"({"go.gc_duration_seconds",quantile="0"})", 4.9351e-05,
             L({{"__name__", n}, {"quantile", "0.0"}})),
      Series(R"({"go.gc_duration_seconds",quantile="0.25",})", 7.424100000000001e-05,
             L({{"__name__", n}, {"quantile", "0.25"}})),
      Series(R"({"go.gc_duration_seconds",quantile="0.5",a="b"})", 8.3835e-05,
             L({{"__name__", n}, {"quantile", "0.5"}, {"a", "b"}})),
      Series(R"({"go.gc_duration_seconds",quantile="0.8", a="b"})", 8.3835e-05,
             L({{"__name__", n}, {"quantile", "0.8"}, {"a", "b"}})),
      Series(R"({"go.gc_duration_seconds", quantile="0.9", a="b"})", 8.3835e-05,
             L({{"__name__", n}, {"quantile", "0.9"}, {"a", "b"}})),
      Series(R"({"go.gc_duration_seconds", quantile="1.0", a="b" })", 8.3835e-05,
             L({{"__name__", n}, {"quantile", "1.0"}, {"a", "b"}})),
      Series(R"({ "go.gc_duration_seconds", quantile="1.0", a="b" })", 8.3835e-05,
             L({{"__name__", n}, {"quantile", "1.0"}, {"a", "b"}})),
      Series(R"({ "go.gc_duration_seconds", quantile= "1.0", a= "b", })", 8.3835e-05,
             L({{"__name__", n}, {"quantile", "1.0"}, {"a", "b"}})),
      Series(R"({ "go.gc_duration_seconds", quantile = "1.0", a = "b" })", 8.3835e-05,
             L({{"__name__", n}, {"quantile", "1.0"}, {"a", "b"}})),
      Series(R"({"go.gc_duration_seconds_count"})", 99,
             L({{"__name__", "go.gc_duration_seconds_count"}})),
      Series(
          R"({"Heizölrückstoßabdämpfung 10€ metric with \"interesting\" {character\nchoices}","strange©™\n'quoted' \"name\""="6"})",
          10,
          L({{"__name__",
              "Heizölrückstoßabdämpfung 10€ metric with \"interesting\" {character\nchoices}"},
             {"strange©™\n'quoted' \"name\"", "6"}})),
  };
  Parsed got = ParseAll(input);
  ASSERT_TRUE(got.err.ok()) << got.err.ToString();
  ExpectEntries(want, got.entries);
}

struct ErrorCase {
  std::string_view input;
  std::string_view message;
  size_t offset;
};

void CheckErrors(const std::vector<ErrorCase>& cases) {
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(std::string(c.input)));
    Parsed got = ParseAll(c.input);
    if (c.message.empty()) {
      EXPECT_TRUE(got.err.ok()) << got.err.ToString();
      continue;
    }
    ASSERT_FALSE(got.err.ok());
    EXPECT_EQ(got.err.code(), util::Code::kInvalidArgument);
    EXPECT_EQ(got.err.message(), c.message);
    EXPECT_EQ(got.err_offset, c.offset);
    EXPECT_LE(got.err_offset, c.input.size());
  }
}

TEST(PromText, UpstreamErrors) {
  using namespace std::string_view_literals;
  CheckErrors({
      {"a", R"(expected value after metric, got "\n" ("INVALID") while parsing: "a\n")", 1},
      {"a{b='c'} 1\n", R"(expected label value, got "'" ("INVALID") while parsing: "a{b='")", 4},
      {"a{b=\n", R"(expected label value, got "\n" ("INVALID") while parsing: "a{b=\n")", 4},
      {"a{\xff=\"foo\"} 1\n",
       R"(expected label name, got "\xff" ("INVALID") while parsing: "a{\xff")", 2},
      {"a{b=\"\xff\"} 1\n", R"(invalid UTF-8 label value: "\"\xff\"")", 4},
      {R"({"a", "b = "c"})",
       R"(expected equal, got "c\"" ("LNAME") while parsing: "{\"a\", \"b = \"c\"")", 12},
      {R"({"a",b\nc="d"} 1)", R"(expected equal, got "\\" ("INVALID") while parsing: "{\"a\",b\\")",
       6},
      {"a true\n", R"(strconv.ParseFloat: parsing "true": invalid syntax while parsing: "a true")",
       2},
      {"something_weird{problem=\"",
       R"(expected label value, got "\"\n" ("INVALID") while parsing: "something_weird{problem=\"\n")",
       24},
      {"empty_label_name{=\"\"} 0",
       R"(expected label name, got "=\"" ("EQUAL") while parsing: "empty_label_name{=\"")", 17},
      {"{A}0", R"(expected equal, got "}0" ("BCLOSE") while parsing: "{A}0")", 2},
      {"foo 1_2\n", R"(unsupported character in float while parsing: "foo 1_2")", 4},
      {"foo 0x1p-3\n", R"(unsupported character in float while parsing: "foo 0x1p-3")", 4},
      {"foo 0x1P-3\n", R"(unsupported character in float while parsing: "foo 0x1P-3")", 4},
      {"foo 0 1_2\n",
       R"(expected next entry after timestamp, got "_" ("INVALID") while parsing: "foo 0 1_")", 7},
      {R"({a="ok"} 1)", R"(metric name not set while parsing: "{a=\"ok\"} 1")", 0},
      {"# TYPE #\n#EOF\n",
       R"(expected metric name after TYPE, got "#" ("INVALID") while parsing: "# TYPE #")", 7},
      {"# HELP #\n#EOF\n",
       R"(expected metric name after HELP, got "#" ("INVALID") while parsing: "# HELP #")", 7},
  });
}

TEST(PromText, NullBytes) {
  using namespace std::string_view_literals;
  CheckErrors({
      {"null_byte_metric{a=\"abc\0\"} 1"sv, "", 0},
      {"a{b=\"\0ss\"} 1\n"sv, "", 0},
      {"a{b=\"\0\"} 1\n"sv, "", 0},
      {"a{b=\0\"ssss\"} 1\n"sv,
       R"(expected label value, got "\x00" ("INVALID") while parsing: "a{b=\x00")", 4},
      {"a{b=\"\0"sv,
       R"(expected label value, got "\"\x00\n" ("INVALID") while parsing: "a{b=\"\x00\n")", 4},
      {"a{b\0=\"hiih\"}\t1"sv, R"(expected equal, got "\x00" ("INVALID") while parsing: "a{b\x00")",
       3},
      {"a\0{b=\"ddd\"} 1"sv,
       R"(expected value after metric, got "\x00" ("INVALID") while parsing: "a\x00")", 1},
      {"a 0 1\0"sv,
       R"(expected next entry after timestamp, got "\x00" ("INVALID") while parsing: "a 0 1\x00")",
       5},
      // A NUL where a line starts ends the input, as upstream's lexer treats it as EOF.
      {"a 1\n\0garbage{"sv, "", 0},
      // "#" without a blank, then NUL: the comment never ends, which upstream also reads as EOF.
      {"#x\0y\nb{ 1\n"sv, "", 0},
  });
}

TEST(PromText, MoreErrors) {
  CheckErrors({
      {"# TYPE foo bar\n", R"(invalid metric type "bar")", 11},
      {"# TYPE foo counter \n", R"(invalid metric type "counter ")", 11},
      {"# TYPE foo\n", R"(invalid metric type "")", 10},
      {"# TYPE foo info\n", R"(invalid metric type "info")", 11},
      {"# HELP foo \xff\n", R"(help text "\xff" is not a valid utf8 string)", 11},
      {"a 1 -5\n",
       R"(expected timestamp or new record, got "-" ("INVALID") while parsing: "a 1 -")", 4},
      {"a 1 2 3\n",
       R"(expected next entry after timestamp, got "3\n" ("TIMESTAMP") while parsing: "a 1 2 3\n")",
       6},
      {"a 1 99999999999999999999\n",
       R"(strconv.ParseInt: parsing "99999999999999999999": value out of range while parsing: "a 1 99999999999999999999")",
       4},
      {"a 1e999\n",
       R"(strconv.ParseFloat: parsing "1e999": value out of range while parsing: "a 1e999")", 2},
      {"a +NaN\n", R"(strconv.ParseFloat: parsing "+NaN": invalid syntax while parsing: "a +NaN")",
       2},
      {"=\n", R"(expected a valid start token, got "=" ("INVALID") while parsing: "=")", 0},
      {"a 1\n9 1\n", R"(expected a valid start token, got "9" ("INVALID") while parsing: "9")", 4},
      {"a{b=\"c\"}} 1\n",
       R"(strconv.ParseFloat: parsing "}": invalid syntax while parsing: "a{b=\"c\"}}")", 8},
      {"a{b=\"c\" d} 1\n", R"(expected equal, got "} " ("BCLOSE") while parsing: "a{b=\"c\" d} ")",
       9},
      {"a{b=\"c\",,d=\"e\"} 1\n",
       R"(expected label name, got ",d" ("COMMA") while parsing: "a{b=\"c\",,d")", 8},
      {"a{\"x\",\"y\"} 1\n", R"(metric name already set while parsing: "a{\"x\",")", 2},
      {"{\"x\",\"y\"} 1\n", R"(metric name already set while parsing: "{\"x\",\"y\"}")", 5},
      {"a{b=\"c\\\nd\"} 1\n",
       R"(expected label value, got "\"c\\\n" ("INVALID") while parsing: "a{b=\"c\\\n")", 4},
      {"a 1 2", "", 0},
      {"a {b=\"c\"} 1 2\n", "", 0},
  });
}

TEST(PromText, BareIdentifierInBraces) {
  Parsed got = ParseAll("{A} 0\n");
  ASSERT_FALSE(got.err.ok());
  EXPECT_EQ(got.err.message(), R"(expected equal, got "} " ("BCLOSE") while parsing: "{A} ")");
}

TEST(PromText, Values) {
  const std::tuple<std::string_view, double> cases[] = {
      {"a 1\n", 1},          {"a -1.5e3\n", -1500}, {"a +Inf\n", INFINITY}, {"a -Inf\n", -INFINITY},
      {"a Inf\n", INFINITY}, {"a .5\n", 0.5},       {"a 1.\n", 1},          {"a 1e-400\n", 0},
      {"a 0x10\n", 0},  // hex w/o p: error below
  };
  for (const auto& [in, v] : cases) {
    SCOPED_TRACE(std::string(in));
    Parsed got = ParseAll(in);
    if (in == "a 0x10\n") {
      EXPECT_FALSE(got.err.ok());
      continue;
    }
    ASSERT_TRUE(got.err.ok()) << got.err.ToString();
    ASSERT_EQ(got.entries.size(), 1u);
    EXPECT_EQ(got.entries[0].value, v);
  }
  // NaN comes out as Prometheus's canonical NaN bit pattern, whatever the spelling.
  for (std::string_view in : {"a NaN\n", "a nan\n", "a NAN\n"}) {
    SCOPED_TRACE(std::string(in));
    Parsed got = ParseAll(in);
    ASSERT_TRUE(got.err.ok()) << got.err.ToString();
    ASSERT_EQ(got.entries.size(), 1u);
    uint64_t bits;
    std::memcpy(&bits, &got.entries[0].value, sizeof(bits));
    EXPECT_EQ(bits, 0x7ff8000000000001ULL);
  }
}

TEST(PromText, Timestamps) {
  const std::tuple<std::string_view, std::optional<int64_t>> cases[] = {
      {"a 1\n", std::nullopt},
      {"a 1 0\n", 0},
      {"a 1 1700000000000\n", 1700000000000},
      {"a 1\t\t 9223372036854775807  \n", INT64_MAX},
      {"a 1 007", 7},
  };
  for (const auto& [in, ts] : cases) {
    SCOPED_TRACE(std::string(in));
    Parsed got = ParseAll(in);
    ASSERT_TRUE(got.err.ok()) << got.err.ToString();
    ASSERT_EQ(got.entries.size(), 1u);
    EXPECT_EQ(got.entries[0].ts, ts);
  }
}

TEST(PromText, HelpAndNameEscapes) {
  const std::string input =
      "# HELP m a\\\\b\\nc\\t\\\"d\n"
      "# HELP \"x.y\\\"z\" q\n"
      "# TYPE \"x.y\\\"z\" untyped\n"
      "# HELP m2   two leading blanks kept but one\n";
  Parsed got = ParseAll(input);
  ASSERT_TRUE(got.err.ok()) << got.err.ToString();
  ExpectEntries(
      {Help("m", "a\\b\nc\\t\\\"d"), Help("x.y\"z", "q"), Type("x.y\"z", MetricType::kUnknown),
       Help("m2", "  two leading blanks kept but one")},
      got.entries);
}

TEST(PromText, LabelQuirks) {
  struct Case {
    std::string_view input;
    std::string_view series;
    Labels labels;
  };
  const Case cases[] = {
      // Label value escapes.
      {R"(a{b="x\\y\"z\nw\tv"} 1)", R"(a{b="x\\y\"z\nw\tv"})",
       L({{"__name__", "a"}, {"b", "x\\y\"z\nw\\tv"}})},
      // Quoted label names; empty values and duplicate names are passed on (upstream rejects
      // them only when the sample is appended).
      {R"(a{"a.b"="c",d=""} 1)", R"(a{"a.b"="c",d=""})",
       L({{"__name__", "a"}, {"a.b", "c"}, {"d", ""}})},
      {R"(a{b="1",b="2"} 1)", R"(a{b="1",b="2"})", L({{"__name__", "a"}, {"b", "1"}, {"b", "2"}})},
      // Leading blanks belong to the series (and so to the name), as upstream.
      {"  a 1", "  a", L({{"__name__", "  a"}})},
      // Newlines inside quotes are allowed.
      {"a{b=\"x\ny\"} 1", "a{b=\"x\ny\"}", L({{"__name__", "a"}, {"b", "x\ny"}})},
      // A NUL right after a closing quote is swallowed into the token (upstream quirk).
      {std::string_view("a{b=\"x\"\0} 1", 11), std::string_view("a{b=\"x\"\0}", 9),
       L({{"__name__", "a"}, {"b", "x\""}})},
      // Empty label sets.
      {"a{} 1", "a{}", L({{"__name__", "a"}})},
      {"a{,} 1", "", L({})},  // error case, see below
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(std::string(c.input)));
    Parsed got = ParseAll(c.input);
    if (c.series.empty()) {
      EXPECT_FALSE(got.err.ok());
      continue;
    }
    ASSERT_TRUE(got.err.ok()) << got.err.ToString();
    ASSERT_EQ(got.entries.size(), 1u);
    EXPECT_EQ(got.entries[0].name, c.series);
    EXPECT_EQ(got.entries[0].labels.ToString(), c.labels.ToString());
    EXPECT_EQ(got.entries[0].labels, c.labels);
  }
}

TEST(PromText, BucketAndQuantileNormalization) {
  const std::tuple<std::string_view, std::string_view, std::string_view> cases[] = {
      {"histogram", R"(le="1")", "1.0"},
      {"histogram", R"(le="1e3")", "1000.0"},
      {"histogram", R"(le="0.000001")", "1e-06"},
      {"histogram", R"(le="1e21")", "1e+21"},
      {"histogram", R"(le="-0")", "0.0"},
      {"histogram", R"(le="+inf")", "+Inf"},
      {"histogram", R"(le="0x1p-3")", "0.125"},
      {"histogram", R"(le="1_0")", "10.0"},
      {"histogram", R"(le="abc")", "abc"},
      {"histogram", R"(le="1e999")", "1e999"},
      {"histogram", R"(quantile="1")", "1"},
      {"summary", R"(quantile="1")", "1.0"},
      {"summary", R"(quantile="0.99")", "0.99"},
      {"summary", R"(le="1")", "1"},
      {"gauge", R"(le="1")", "1"},
      {"untyped", R"(le="1")", "1"},
  };
  for (const auto& [type, label, want] : cases) {
    const std::string input = fmt::format("# TYPE m {}\nm{{{}}} 1\n", type, label);
    SCOPED_TRACE(input);
    Parsed got = ParseAll(input);
    ASSERT_TRUE(got.err.ok()) << got.err.ToString();
    ASSERT_EQ(got.entries.size(), 2u);
    const Labels& l = got.entries[1].labels;
    const std::string_view name = label.substr(0, label.find('='));
    EXPECT_EQ(l.Get(name), want);
  }
}

TEST(PromText, ErrorRendersWithCaret) {
  const std::string input = "ok 1\nbad{a=\"b\" c\n";
  Parsed got = ParseAll(input);
  ASSERT_FALSE(got.err.ok());
  EXPECT_EQ(got.entries.size(), 1u);
  const std::string rendered =
      util::RenderSourceError("m.prom", input, got.err_offset, 1, got.err.message());
  EXPECT_EQ(rendered.rfind("m.prom:2:12: expected equal, got \"\\n\"", 0), 0u) << rendered;
  EXPECT_NE(rendered.find("^"), std::string::npos) << rendered;
}

TEST(PromText, NoTrailingNewline) {
  for (std::string_view in : {"a 1", "a 1 2", "# HELP a b", "# TYPE a gauge", "# c", "#"}) {
    SCOPED_TRACE(std::string(in));
    Parsed got = ParseAll(in);
    ASSERT_TRUE(got.err.ok()) << got.err.ToString();
    EXPECT_EQ(got.entries.size(), 1u);
  }
  Parsed empty = ParseAll("");
  EXPECT_TRUE(empty.err.ok());
  EXPECT_TRUE(empty.entries.empty());
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

// Samples counted without the parser: every line that is neither blank nor a comment.
size_t CountSampleLines(std::string_view text) {
  size_t n = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    size_t k = line.find_first_not_of(" \t");
    if (k != std::string_view::npos && line[k] != '#') ++n;
  }
  return n;
}

TEST(PromText, ConformanceFixtures) {
  const std::filesystem::path dir =
      std::filesystem::path(PROMKIT_SOURCE_DIR) / "testdata/conformance/textparse";
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.size() < 9 || name.substr(name.size() - 9) != ".prom.txt") continue;
    SCOPED_TRACE(name);
    ++files;
    const std::string text = ReadFile(e.path());
    auto p = NewPromTextParser(text);
    size_t samples = 0;
    size_t types = 0;
    while (p->Next()) {
      if (p->entry() == Entry::kSeries) {
        ++samples;
        model::Labels l = p->Labels();
        EXPECT_FALSE(l.MetricName().empty()) << p->SeriesBytes();
        EXPECT_FALSE(l.HasDuplicateNames()) << p->SeriesBytes();
      } else if (p->entry() == Entry::kType) {
        ++types;
      }
    }
    ASSERT_TRUE(p->Err().ok()) << p->Err().ToString() << " at "
                               << util::PositionOf(text, p->error_offset()).line;
    EXPECT_EQ(samples, CountSampleLines(text));
    EXPECT_GT(samples, 1000u);
    if (name.find("nometa") != std::string::npos) {
      EXPECT_EQ(types, 0u);
    } else {
      EXPECT_EQ(types, 237u);
    }
  }
  EXPECT_EQ(files, 2u);
}

// Every fixture under testdata/textparse/promtext parses cleanly, and every line that is not a
// comment or blank is one sample.
TEST(PromText, OwnFixtures) {
  const std::filesystem::path dir =
      std::filesystem::path(PROMKIT_SOURCE_DIR) / "testdata/textparse/promtext";
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    SCOPED_TRACE(e.path().filename().string());
    ++files;
    const std::string text = ReadFile(e.path());
    auto p = NewPromTextParser(text);
    size_t samples = 0;
    while (p->Next()) samples += p->entry() == Entry::kSeries;
    ASSERT_TRUE(p->Err().ok()) << p->Err().ToString();
    EXPECT_EQ(samples, CountSampleLines(text));
  }
  EXPECT_GE(files, 1u);
}

}  // namespace
}  // namespace promkit::textparse

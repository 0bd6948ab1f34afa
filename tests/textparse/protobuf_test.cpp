#include "textparse/protobuf.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include "textparse/metrics.pb.h"

namespace promkit::textparse {
namespace {

namespace pb = io::prometheus::client;

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// MetricFamily messages written in protobuf text format, serialised and length-delimited.
std::string Delimited(std::initializer_list<std::string_view> families) {
  std::string out;
  for (std::string_view text : families) {
    pb::MetricFamily mf;
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(std::string(text), &mf)) << text;
    std::string bytes = mf.SerializeAsString();
    PutVarint(&out, bytes.size());
    out += bytes;
  }
  return out;
}

std::string Spans(const std::vector<model::Span>& spans) {
  std::string s = "[";
  for (const auto& sp : spans)
    s += fmt::format("{}{}:{}", s.size() > 1 ? " " : "", sp.offset, sp.length);
  return s + "]";
}

template <typename T>
std::string List(const std::vector<T>& v) {
  std::string s = "[";
  for (const auto& x : v) s += fmt::format("{}{}", s.size() > 1 ? " " : "", x);
  return s + "]";
}

// One line per entry, so expectations read like the exposition they describe.
std::string Render(Parser& p) {
  switch (p.entry()) {
    case Entry::kHelp:
      return fmt::format("HELP {} {}", p.FamilyName(), p.HelpText());
    case Entry::kUnit:
      return fmt::format("UNIT {} {}", p.FamilyName(), p.UnitText());
    case Entry::kType:
      return fmt::format("TYPE {} {}", p.FamilyName(), MetricTypeName(p.Type()));
    case Entry::kSeries:
    case Entry::kHistogram:
      break;
    default:
      return "?";
  }
  std::string s = p.Labels().ToString();
  if (p.entry() == Entry::kSeries) {
    s += fmt::format(" {}", p.Value());
  } else if (const model::Histogram* h = p.NativeHistogram()) {
    EXPECT_EQ(p.NativeFloatHistogram(), nullptr);
    s += fmt::format(" hist{{count:{} sum:{} schema:{} zt:{} zc:{} pos:{}{} neg:{}{}{}}}", h->count,
                     h->sum, h->schema, h->zero_threshold, h->zero_count, Spans(h->positive_spans),
                     List(h->positive_buckets), Spans(h->negative_spans), List(h->negative_buckets),
                     h->counter_reset_hint == model::CounterResetHint::kGauge ? " gauge" : "");
  } else if (const model::FloatHistogram* f = p.NativeFloatHistogram()) {
    s +=
        fmt::format(" fhist{{count:{} sum:{} schema:{} zt:{} zc:{} pos:{}{} neg:{}{}{}}}", f->count,
                    f->sum, f->schema, f->zero_threshold, f->zero_count, Spans(f->positive_spans),
                    List(f->positive_buckets), Spans(f->negative_spans), List(f->negative_buckets),
                    f->counter_reset_hint == model::CounterResetHint::kGauge ? " gauge" : "");
  } else {
    ADD_FAILURE() << "kHistogram without a histogram";
  }
  if (auto ts = p.Timestamp()) s += fmt::format(" @{}", *ts);
  if (auto ct = p.CreatedTimestamp()) s += fmt::format(" ct={}", *ct);
  Exemplar e;
  while (p.NextExemplar(&e)) {
    s += fmt::format(" # {} {}", e.labels.ToString(), e.value);
    if (e.timestamp_ms) s += fmt::format(" @{}", *e.timestamp_ms);
  }
  return s;
}

std::vector<std::string> ParseAll(std::string_view input, const ProtobufOptions& opts = {}) {
  auto p = NewProtobufParser(input, opts);
  std::vector<std::string> out;
  while (p->Next()) out.push_back(Render(*p));
  EXPECT_TRUE(p->Err().ok()) << p->Err().ToString();
  EXPECT_EQ(p->entry(), Entry::kInvalid);
  EXPECT_FALSE(p->Next());  // stays at the end
  return out;
}

void ExpectLines(const std::vector<std::string>& got, const std::vector<std::string>& want) {
  for (size_t i = 0; i < std::max(got.size(), want.size()); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(i < got.size() ? got[i] : "<missing>", i < want.size() ? want[i] : "<extra>");
  }
}

constexpr std::string_view kNativeHistogramBody = R"(
    sample_count: 175
    sample_sum: 0.0008280461746287094
    bucket { cumulative_count: 2 upper_bound: -0.0004899999999999998 }
    bucket {
      cumulative_count: 4 upper_bound: -0.0003899999999999998
      exemplar {
        label { name: "dummyID" value: "59727" } value: -0.00039
        timestamp { seconds: 1625851155 nanos: 146848499 }
      }
    }
    bucket {
      cumulative_count: 16 upper_bound: -0.0002899999999999998
      exemplar { label { name: "dummyID" value: "5617" } value: -0.00029 }
    }
    schema: 3
    zero_threshold: 2.938735877055719e-39
    zero_count: 2
    negative_span { offset: -162 length: 1 }
    negative_span { offset: 23 length: 4 }
    negative_delta: [1, 3, -2, -1, 1]
    positive_span { offset: -161 length: 1 }
    positive_span { offset: 8 length: 3 }
    positive_delta: [1, 2, -1, -1]
)";

std::string NativeFamily(std::string_view name, std::string_view type) {
  return fmt::format(
      R"(name: "{}" help: "h" type: {} metric {{ histogram {{ {} }} timestamp_ms: 1234568 }})",
      name, type, kNativeHistogramBody);
}

TEST(ProtobufParser, SimpleTypes) {
  std::string in = Delimited({
      R"(name: "go_build_info" help: "Build information about the main Go module." type: GAUGE
         metric {
           label { name: "checksum" value: "" }
           label { name: "path" value: "github.com/prometheus/client_golang" }
           label { name: "version" value: "devel" }
           gauge {
value:
  1 }
         })",
      R"(name: "go_memstats_alloc_bytes_total" help: "Total number of bytes allocated, even if freed."
         type: COUNTER unit: "bytes"
         metric {
           counter {
             value: 1.546544e+06
             exemplar { label { name: "dummyID" value: "42" } value: 12
                        timestamp { seconds: 1625851151 nanos: 233181499 } }
           }
         })",
      R"(name: "something_untyped" help: "Just to test the untyped type." type: UNTYPED
         metric { untyped { value: 42 } timestamp_ms: 1234567 })",
      R"(name: "no_help" type: GAUGE metric { gauge { value: -0.5 } })",
  });
  ExpectLines(
      ParseAll(in),
      {
          "HELP go_build_info Build information about the main Go module.",
          "TYPE go_build_info gauge",
          R"({__name__="go_build_info", checksum="", path="github.com/prometheus/client_golang", version="devel"} 1)",
          "HELP go_memstats_alloc_bytes_total Total number of bytes allocated, even if freed.",
          "UNIT go_memstats_alloc_bytes_total bytes",
          "TYPE go_memstats_alloc_bytes_total counter",
          R"({__name__="go_memstats_alloc_bytes_total"} 1546544 # {dummyID="42"} 12 @1625851151233)",
          "HELP something_untyped Just to test the untyped type.",
          "TYPE something_untyped unknown",
          R"({__name__="something_untyped"} 42 @1234567)",
          "HELP no_help ",
          "TYPE no_help gauge",
          R"({__name__="no_help"} -0.5)",
      });
}

TEST(ProtobufParser, SeriesBytesAreUniquePerSeries) {
  std::string in = Delimited({R"(name: "m" type: GAUGE
      metric { label { name: "b" value: "2" } label { name: "a" value: "1" } gauge { value: 1 } }
      metric { label { name: "A" value: "x" } gauge { value: 2 } })"});
  auto p = NewProtobufParser(in);
  std::vector<std::string> keys;
  while (p->Next()) {
    if (p->entry() == Entry::kSeries) keys.emplace_back(p->SeriesBytes());
  }
  ASSERT_TRUE(p->Err().ok());
  // Labels sorted by name; __name__ contributes its bare value where it sorts.
  EXPECT_EQ(keys, (std::vector<std::string>{"m\xff"
                                            "a\xff"
                                            "1\xff"
                                            "b\xff"
                                            "2",
                                            "\xff"
                                            "A\xff"
                                            "xm"}));
}

TEST(ProtobufParser, NativeHistograms) {
  std::string in = Delimited({
      NativeFamily("test_histogram", "HISTOGRAM"),
      NativeFamily("test_gauge_histogram", "GAUGE_HISTOGRAM"),
      R"(name: "test_float_histogram" type: HISTOGRAM metric { histogram {
           sample_count_float: 175 sample_sum: 0.5 schema: 3 zero_threshold: 0.001
           zero_count_float: 2
           positive_span { offset: -161 length: 1 } positive_span { offset: 8 length: 3 }
           positive_count: [1, 2, 0, 1]
           negative_span { offset: 0 length: 1 } negative_count: 3.5 } })",
      R"(name: "test_float_histogram_with_zerothreshold_zero" type: HISTOGRAM metric {
           histogram { sample_count_float: 5.0 sample_sum: 12.1 schema: 3
           positive_span { offset: 8 length: 2 } positive_count: [2.0, 3.0] } })",
      R"(name: "empty_histogram" type: HISTOGRAM
         metric { histogram { positive_span { offset: 0 length: 0 } } })",
      R"(name: "test_histogram_family" type: HISTOGRAM
         metric { label { name: "foo" value: "bar" } histogram {
           sample_count: 5 sample_sum: 12.1
           bucket { cumulative_count: 2 upper_bound: 1.1 }
           bucket { cumulative_count: 3 upper_bound: 2.2 }
           schema: 3 positive_span { offset: 8 length: 2 } positive_delta: [2, 1] } }
         metric { label { name: "foo" value: "baz" } histogram {
           sample_count: 6 sample_sum: 13.1
           bucket { cumulative_count: 1 upper_bound: 1.1 }
           bucket { cumulative_count: 5 upper_bound: 2.2 }
           schema: 3 positive_span { offset: 8 length: 2 } positive_delta: [1, 4] } })",
  });
  const std::string native =
      " hist{count:175 sum:0.0008280461746287094 schema:3 zt:2.938735877055719e-39 zc:2 "
      "pos:[-161:1 8:3][1 2 -1 -1] neg:[-162:1 23:4][1 3 -2 -1 1]";
  ExpectLines(
      ParseAll(in),
      {
          "HELP test_histogram h",
          "TYPE test_histogram histogram",
          // Only timestamped bucket exemplars count for a native histogram.
          R"({__name__="test_histogram"})" + native +
              R"(} @1234568 # {dummyID="59727"} -0.00039 @1625851155146)",
          "HELP test_gauge_histogram h",
          "TYPE test_gauge_histogram gaugehistogram",
          R"({__name__="test_gauge_histogram"})" + native +
              R"( gauge} @1234568 # {dummyID="59727"} -0.00039 @1625851155146)",
          "HELP test_float_histogram ",
          "TYPE test_float_histogram histogram",
          // Compacted: the empty bucket splits the second span.
          R"({__name__="test_float_histogram"} fhist{count:175 sum:0.5 schema:3 zt:0.001 zc:2 pos:[-161:1 8:1 1:1][1 2 1] neg:[0:1][3.5]})",
          "HELP test_float_histogram_with_zerothreshold_zero ",
          "TYPE test_float_histogram_with_zerothreshold_zero histogram",
          R"({__name__="test_float_histogram_with_zerothreshold_zero"} fhist{count:5 sum:12.1 schema:3 zt:0 zc:0 pos:[8:2][2 3] neg:[][]})",
          "HELP empty_histogram ",
          "TYPE empty_histogram histogram",
          R"({__name__="empty_histogram"} hist{count:0 sum:0 schema:0 zt:0 zc:0 pos:[][] neg:[][]})",
          "HELP test_histogram_family ",
          "TYPE test_histogram_family histogram",
          R"({__name__="test_histogram_family", foo="bar"} hist{count:5 sum:12.1 schema:3 zt:0 zc:0 pos:[8:2][2 1] neg:[][]})",
          R"({__name__="test_histogram_family", foo="baz"} hist{count:6 sum:13.1 schema:3 zt:0 zc:0 pos:[8:2][1 4] neg:[][]})",
      });
}

TEST(ProtobufParser, ClassicSeriesOfNativeHistograms) {
  std::string in = Delimited({
      NativeFamily("test_histogram", "HISTOGRAM"),
      // Without classic buckets nothing classic is added.
      R"(name: "only_native" type: HISTOGRAM
         metric { histogram { sample_count: 1 positive_span { offset: 0 length: 1 }
                              positive_delta: 1 } })",
  });
  ProtobufOptions opts;
  opts.parse_classic_histograms = true;
  auto lines = ParseAll(in, opts);
  ASSERT_EQ(lines.size(), 12u);
  ExpectLines(
      std::vector<std::string>(lines.begin() + 3, lines.end()),
      {
          R"({__name__="test_histogram_count"} 175 @1234568)",
          R"({__name__="test_histogram_sum"} 0.0008280461746287094 @1234568)",
          R"({__name__="test_histogram_bucket", le="-0.0004899999999999998"} 2 @1234568)",
          // Classic buckets keep their exemplar with or without a timestamp.
          R"({__name__="test_histogram_bucket", le="-0.0003899999999999998"} 4 @1234568 # {dummyID="59727"} -0.00039 @1625851155146)",
          R"({__name__="test_histogram_bucket", le="-0.0002899999999999998"} 16 @1234568 # {dummyID="5617"} -0.00029)",
          R"({__name__="test_histogram_bucket", le="+Inf"} 175 @1234568)",
          "HELP only_native ",
          "TYPE only_native histogram",
          R"({__name__="only_native"} hist{count:1 sum:0 schema:0 zt:0 zc:0 pos:[0:1][1] neg:[][]})",
      });
}

TEST(ProtobufParser, IgnoreNativeHistograms) {
  std::string in = Delimited({NativeFamily("test_histogram", "HISTOGRAM")});
  ProtobufOptions opts;
  opts.ignore_native_histograms = true;
  auto lines = ParseAll(in, opts);
  ASSERT_EQ(lines.size(), 8u);
  EXPECT_EQ(lines[2], R"({__name__="test_histogram_count"} 175 @1234568)");
  EXPECT_EQ(lines[7], R"({__name__="test_histogram_bucket", le="+Inf"} 175 @1234568)");
}

TEST(ProtobufParser, ClassicHistogramsAndSummaries) {
  std::string in = Delimited({
      R"(name: "test_histogram2" type: HISTOGRAM metric { histogram {
           sample_count: 175 sample_sum: 0.000828
           bucket { cumulative_count: 2 upper_bound: -0.00048 }
           bucket { cumulative_count: 4 upper_bound: -0.00038
                    exemplar { label { name: "dummyID" value: "59727" } value: -0.00038
                               timestamp { seconds: 1625851153 nanos: 146848499 } } }
           bucket { cumulative_count: 16 upper_bound: 1 } } timestamp_ms: 1234568 })",
      // An explicit +Inf bucket ends the buckets; a float count overrides the integer one.
      R"(name: "with_inf" type: GAUGE_HISTOGRAM metric { histogram {
           sample_count: 9 sample_count_float: 10.5 sample_sum: 3
           bucket { cumulative_count: 1 cumulative_count_float: 1.5 upper_bound: 20 }
           bucket { cumulative_count: 10 upper_bound: inf } } })",
      R"(name: "no_buckets" type: HISTOGRAM metric { histogram { sample_count: 3 sample_sum: 1 } })",
      R"(name: "rpc_durations_seconds" help: "RPC latency distributions." type: SUMMARY
         metric { label { name: "service" value: "exponential" }
           summary { sample_count: 262 sample_sum: 0.00025551262820703587
             quantile { quantile: 0.5 value: 6.442786329648548e-07 }
             quantile { quantile: 0.9 value: 1.9435742936658396e-06 }
             quantile { quantile: 0.99 value: 4.0471608667037015e-06 } } })",
      R"(name: "without_quantiles" type: SUMMARY
         metric { summary { sample_count: 42 sample_sum: 1.234 } })",
  });
  ExpectLines(
      ParseAll(in),
      {
          "HELP test_histogram2 ",
          "TYPE test_histogram2 histogram",
          R"({__name__="test_histogram2_count"} 175 @1234568)",
          R"({__name__="test_histogram2_sum"} 0.000828 @1234568)",
          R"({__name__="test_histogram2_bucket", le="-0.00048"} 2 @1234568)",
          R"({__name__="test_histogram2_bucket", le="-0.00038"} 4 @1234568 # {dummyID="59727"} -0.00038 @1625851153146)",
          R"({__name__="test_histogram2_bucket", le="1.0"} 16 @1234568)",
          R"({__name__="test_histogram2_bucket", le="+Inf"} 175 @1234568)",
          "HELP with_inf ",
          "TYPE with_inf gaugehistogram",
          R"({__name__="with_inf_count"} 10.5)",
          R"({__name__="with_inf_sum"} 3)",
          R"({__name__="with_inf_bucket", le="20.0"} 1.5)",
          R"({__name__="with_inf_bucket", le="+Inf"} 10)",
          "HELP no_buckets ",
          "TYPE no_buckets histogram",
          R"({__name__="no_buckets_count"} 3)",
          R"({__name__="no_buckets_sum"} 1)",
          R"({__name__="no_buckets_bucket", le="+Inf"} 3)",
          "HELP rpc_durations_seconds RPC latency distributions.",
          "TYPE rpc_durations_seconds summary",
          R"({__name__="rpc_durations_seconds_count", service="exponential"} 262)",
          R"({__name__="rpc_durations_seconds_sum", service="exponential"} 0.00025551262820703587)",
          R"({__name__="rpc_durations_seconds", quantile="0.5", service="exponential"} 6.442786329648548e-07)",
          R"({__name__="rpc_durations_seconds", quantile="0.9", service="exponential"} 1.9435742936658396e-06)",
          R"({__name__="rpc_durations_seconds", quantile="0.99", service="exponential"} 4.0471608667037015e-06)",
          "HELP without_quantiles ",
          "TYPE without_quantiles summary",
          R"({__name__="without_quantiles_count"} 42)",
          R"({__name__="without_quantiles_sum"} 1.234)",
      });
}

TEST(ProtobufParser, CreatedTimestamps) {
  std::string in = Delimited({
      R"(name: "c" type: COUNTER metric { counter { value: 42
           created_timestamp { seconds: 1625851153 nanos: 146848499 } } })",
      R"(name: "s" type: SUMMARY metric { summary { sample_count: 42 sample_sum: 1.234
           created_timestamp { seconds: 1625851153 nanos: 146848499 } } })",
      R"(name: "h" type: HISTOGRAM metric { histogram {
           created_timestamp { seconds: 1625851153 nanos: 146848499 }
           positive_span { offset: 0 length: 0 } } })",
      R"(name: "gh" type: GAUGE_HISTOGRAM metric { histogram {
           created_timestamp { seconds: 1625851153 nanos: 146848499 }
           positive_span { offset: 0 length: 0 } } })",
      R"(name: "g" type: GAUGE metric { gauge { value: 1 } })",
      R"(name: "zero" type: COUNTER metric { counter { value: 1 created_timestamp { } } })",
  });
  ExpectLines(
      ParseAll(in),
      {
          "HELP c ",
          "TYPE c counter",
          R"({__name__="c"} 42 ct=1625851153146)",
          "HELP s ",
          "TYPE s summary",
          R"({__name__="s_count"} 42 ct=1625851153146)",
          R"({__name__="s_sum"} 1.234 ct=1625851153146)",
          "HELP h ",
          "TYPE h histogram",
          R"({__name__="h"} hist{count:0 sum:0 schema:0 zt:0 zc:0 pos:[][] neg:[][]} ct=1625851153146)",
          "HELP gh ",
          "TYPE gh gaugehistogram",
          R"({__name__="gh"} hist{count:0 sum:0 schema:0 zt:0 zc:0 pos:[][] neg:[][] gauge} ct=1625851153146)",
          "HELP g ",
          "TYPE g gauge",
          R"({__name__="g"} 1)",
          "HELP zero ",
          "TYPE zero counter",
          R"({__name__="zero"} 1)",
      });
}

TEST(ProtobufParser, NativeHistogramExemplarList) {
  std::string in = Delimited({
      fmt::format(R"(name: "x" type: HISTOGRAM metric {{ histogram {{ {}
        exemplars {{ label {{ name: "dummyID" value: "59780" }} value: -0.00039
                     timestamp {{ seconds: 1625851155 nanos: 146848499 }} }}
        exemplars {{ label {{ name: "dummyID" value: "5617" }} value: -0.00029 }}
        exemplars {{ label {{ name: "dummyID" value: "59772" }} value: -0.00052
                     timestamp {{ seconds: 1625851160 nanos: 156848499 }} }} }} }})",
                  kNativeHistogramBody),
  });
  auto lines = ParseAll(in);
  ASSERT_EQ(lines.size(), 3u);
  // The list wins over bucket exemplars; untimestamped ones are dropped.
  EXPECT_NE(
      lines[2].find(
          R"(# {dummyID="59780"} -0.00039 @1625851155146 # {dummyID="59772"} -0.00052 @1625851160156)"),
      std::string::npos)
      << lines[2];
  EXPECT_EQ(lines[2].find("5617"), std::string::npos);
}

TEST(ProtobufParser, OpenMetricsFloatLabelValues) {
  const std::pair<double, std::string_view> cases[] = {
      {0.5, "0.5"},
      {1, "1.0"},
      {0, "0.0"},
      {-0.0, "0.0"},
      {-1, "-1.0"},
      {-3, "-3.0"},
      {10, "10.0"},
      {100000, "100000.0"},
      {1e6, "1e+06"},
      {1234567, "1.234567e+06"},
      {1e-4, "0.0001"},
      {1e-5, "1e-05"},
      {0.00012345, "0.00012345"},
      {2.5e-7, "2.5e-07"},
      {1e21, "1e+21"},
      {123456.7, "123456.7"},
      {0.30000000000000004, "0.30000000000000004"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {5e-324, "5e-324"},
      {std::numeric_limits<double>::infinity(), "+Inf"},
      {-std::numeric_limits<double>::infinity(), "-Inf"},
      {std::nan(""), "NaN"},
  };
  for (const auto& [v, want] : cases) {
    SCOPED_TRACE(want);
    pb::MetricFamily mf;
    mf.set_name("q");
    mf.set_type(pb::SUMMARY);
    mf.add_metric()->mutable_summary()->add_quantile()->set_quantile(v);
    std::string bytes = mf.SerializeAsString();
    std::string in;
    PutVarint(&in, bytes.size());
    in += bytes;
    auto p = NewProtobufParser(in);
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(p->Next()) << p->Err().ToString();
    EXPECT_EQ(p->Labels().Get("quantile"), want);
  }
}

TEST(ProtobufParser, EmptyInputAndEmptyFamilies) {
  EXPECT_TRUE(ParseAll("").empty());
  // Families without metrics yield nothing, not even HELP/TYPE, and are not validated.
  std::string in = Delimited({R"(name: "" type: COUNTER)", R"(name: "a" help: "x")",
                              R"(name: "b" type: GAUGE metric { gauge { value: 2 } })"});
  ExpectLines(ParseAll(in), {"HELP b ", "TYPE b gauge", R"({__name__="b"} 2)"});
}

// A tiny wire writer for inputs the generated (proto2) classes do not produce: packed
// repeated fields, unknown fields, malformed data.
struct Wire {
  std::string b;
  Wire& Tag(int field, int wire) {
    PutVarint(&b, static_cast<uint64_t>(field) << 3 | static_cast<uint64_t>(wire));
    return *this;
  }
  Wire& Varint(int field, uint64_t v) {
    Tag(field, 0);
    PutVarint(&b, v);
    return *this;
  }
  Wire& Bytes(int field, std::string_view s) {
    Tag(field, 2);
    PutVarint(&b, s.size());
    b += s;
    return *this;
  }
  Wire& Double(int field, double d) {
    Tag(field, 1);
    char raw[8];
    std::memcpy(raw, &d, 8);
    b.append(raw, 8);
    return *this;
  }
  std::string Delimited() const {
    std::string out;
    PutVarint(&out, b.size());
    return out + b;
  }
};

uint64_t Zig(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }

TEST(ProtobufParser, PackedFieldsAndUnknownFields) {
  std::string deltas;
  for (int64_t d : {3, -1, 2}) PutVarint(&deltas, Zig(d));
  std::string counts;
  for (double c : {1.5, 2.5}) {
    char raw[8];
    std::memcpy(raw, &c, 8);
    counts.append(raw, 8);
  }
  std::string span = Wire().Varint(1, Zig(-2)).Varint(2, 3).b;
  std::string nspan = Wire().Varint(1, Zig(1)).Varint(2, 2).b;
  std::string hist = Wire()
                         .Varint(1, 9)
                         .Bytes(12, span)
                         .Bytes(13, deltas)
                         .Varint(5, Zig(-1))
                         .Bytes(9, nspan)
                         .Bytes(11, counts)  // float counts without a float count: ignored
                         .Varint(99, 7)      // unknown field
                         .b;
  std::string metric = Wire().Bytes(7, hist).Double(42, 1.0).b;
  std::string in =
      Wire().Bytes(1, "packed").Varint(3, 4).Bytes(4, metric).Bytes(77, "future field").Delimited();
  // The negative side has spans for 2 buckets but (integer) deltas for none.
  auto p = NewProtobufParser(in);
  ASSERT_TRUE(p->Next());
  ASSERT_TRUE(p->Next());
  EXPECT_FALSE(p->Next());
  EXPECT_EQ(p->Err().ToString(),
            R"(histogram "packed": negative side: spans require 2 buckets, have 0)");

  hist = Wire().Varint(1, 4).Bytes(12, span).Bytes(13, deltas).Varint(5, Zig(-1)).Varint(99, 7).b;
  metric = Wire().Bytes(7, hist).b;
  in = Wire().Bytes(1, "packed").Varint(3, 4).Bytes(4, metric).Bytes(77, "x").Delimited();
  ExpectLines(
      ParseAll(in),
      {"HELP packed ", "TYPE packed histogram",
       R"({__name__="packed"} hist{count:4 sum:0 schema:-1 zt:0 zc:0 pos:[-2:3][3 -1 2] neg:[][]})"});
}

TEST(ProtobufParser, Errors) {
  std::string good = Delimited({R"(name: "a" type: GAUGE metric { gauge { value: 1 } })"});
  std::string label_metric = Wire().Bytes(1, Wire().Bytes(1, "ok").Bytes(2, "\xff\xfe").b).b;
  std::string bad_name_label = Wire().Bytes(1, Wire().Bytes(1, "").Bytes(2, "v").b).b;
  struct Case {
    std::string name;
    std::string input;
    std::string err;
    size_t offset;
    int entries_before;  // entries returned before the error
  };
  const Case cases[] = {
      {"length prefix longer than 5 bytes", std::string("\xff\xff\xff\xff\xff\x01", 6),
       "clientpb: invalid varint encountered at byte 0", 0, 0},
      {"truncated length prefix", good + "\x80",
       fmt::format("clientpb: invalid varint encountered at byte {}", good.size()), good.size(), 3},
      {"message longer than the input", good.substr(0, good.size() - 1),
       fmt::format("clientpb: insufficient length of buffer, expected at least {} bytes, got {} "
                   "bytes (message at byte 0)",
                   good.size(), good.size() - 1),
       0, 0},
      {"bad wire type for name", Wire().Varint(1, 5).Delimited(),
       "proto: MetricFamily: wrong wireType = 0 for field Name at byte 1", 1, 0},
      {"field number 0", Wire().Varint(0, 5).Delimited(),
       "proto: MetricFamily: illegal tag 0 (wire type 0) at byte 1", 1, 0},
      {"group wire type", Wire().Tag(6, 3).Delimited(),
       "proto: MetricFamily: illegal wireType 3 for field 6 at byte 1", 1, 0},
      {"truncated varint in metric",
       Wire().Bytes(1, "a").Bytes(4, std::string("\x30\xff", 2)).Delimited(),
       "proto: Metric: unexpected EOF in varint at byte 7", 7, 0},
      {"sub-message longer than its parent",
       Wire().Bytes(1, "a").Bytes(4, std::string("\x12\x09\x09", 3)).Delimited(),
       "proto: Metric: length 9 exceeds the remaining 1 bytes at byte 7", 7, 0},
      {"truncated double",
       Wire().Bytes(1, "a").Bytes(4, Wire().Bytes(2, "\x09\x00\x00").b).Delimited(),
       "proto: Gauge: unexpected EOF in fixed64 at byte 9", 9, 0},
      {"varint overflow",
       Wire()
           .Bytes(1, "a")
           .Bytes(4, std::string("\x30\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 11))
           .Delimited(),
       "proto: Metric: varint overflows 64 bits at byte 7", 7, 0},
      {"packed doubles of odd length",
       Wire()
           .Bytes(1, "a")
           .Varint(3, 4)
           .Bytes(4, Wire().Bytes(7, Wire().Bytes(14, "abc").b).b)
           .Delimited(),
       "proto: Histogram: packed field PositiveCount is not a multiple of 8 bytes at byte 12", 12,
       0},
      {"empty metric name", Wire().Bytes(4, "").Delimited(), "invalid metric name: ", 0, 0},
      {"metric name not UTF-8", Wire().Bytes(1, "\xc3").Bytes(4, "").Delimited(),
       "invalid metric name: \xc3", 0, 0},
      {"help not UTF-8", Wire().Bytes(1, "a").Bytes(2, "\xc3(").Bytes(4, "").Delimited(),
       "invalid help for metric \"a\": \xc3(", 0, 0},
      {"unknown type", Wire().Bytes(1, "a").Varint(3, 7).Bytes(4, "").Delimited(),
       "unknown metric type for metric \"a\": 7", 0, 0},
      {"label value not UTF-8", Wire().Bytes(1, "a").Bytes(4, label_metric).Delimited(),
       "invalid label value: \xff\xfe", 8, 2},
      {"empty label name", Wire().Bytes(1, "a").Bytes(4, bad_name_label).Delimited(),
       "invalid label name: ", 8, 2},
      {"spans need more buckets",
       Delimited({R"(name: "test_histogram" type: HISTOGRAM metric { histogram {
           schema: 0 positive_span { offset: 0 length: 2 } positive_delta: 1 } })"}),
       R"(histogram "test_histogram": positive side: spans require 2 buckets, have 1)", 21, 2},
      {"zero-length spans with buckets",
       Delimited({R"(name: "h" type: HISTOGRAM metric { histogram { sample_count_float: 2
           positive_span { offset: 0 length: 0 } positive_count: [1, 1] } })"}),
       R"(histogram "h": positive side: spans require 0 buckets, have 2)", 8, 2},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto p = NewProtobufParser(c.input);
    int n = 0;
    while (p->Next()) ++n;
    EXPECT_EQ(n, c.entries_before);
    EXPECT_EQ(p->entry(), Entry::kInvalid);
    EXPECT_EQ(p->Err().ToString(), c.err);
    EXPECT_EQ(p->error_offset(), c.offset);
    EXPECT_FALSE(p->Next());
  }
}

// testdata/textparse/protobuf/*.pb (made from the .textproto beside them by gen.sh) against the
// rendered entries in *.golden; PROMKIT_UPDATE_GOLDEN=1 rewrites the goldens.
TEST(ProtobufParser, TestdataGoldens) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(PROMKIT_SOURCE_DIR) / "testdata/textparse/protobuf";
  const bool update = std::getenv("PROMKIT_UPDATE_GOLDEN") != nullptr;
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".pb") continue;
    SCOPED_TRACE(e.path().string());
    ++files;
    std::ifstream f(e.path(), std::ios::binary);
    std::string in((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    ProtobufOptions opts;
    opts.parse_classic_histograms = true;
    std::string got;
    for (const std::string& line : ParseAll(in, opts)) got += line + "\n";
    fs::path golden = e.path();
    golden.replace_extension(".golden");
    if (update) {
      std::ofstream(golden, std::ios::binary) << got;
      continue;
    }
    std::ifstream g(golden, std::ios::binary);
    ASSERT_TRUE(g.good()) << "missing " << golden << " (run with PROMKIT_UPDATE_GOLDEN=1)";
    std::string want((std::istreambuf_iterator<char>(g)), std::istreambuf_iterator<char>());
    EXPECT_EQ(got, want);
  }
  EXPECT_GE(files, 2);
}

// Every prefix and many random corruptions of a rich input parse to an end or an error, never
// out of bounds (run under ASan in CI).
TEST(ProtobufParser, TruncationsAndCorruptionsNeverCrash) {
  std::string in =
      Delimited({NativeFamily("a", "HISTOGRAM"), NativeFamily("b", "GAUGE_HISTOGRAM"),
                 R"(name: "s" type: SUMMARY metric { summary { quantile { quantile: 0.5 } } })"});
  ProtobufOptions opts;
  opts.parse_classic_histograms = true;
  auto drain = [&](std::string_view data) {
    auto p = NewProtobufParser(data, opts);
    int n = 0;
    Exemplar e;
    while (p->Next() && n < 100000) {
      ++n;
      (void)p->Labels();
      while (p->NextExemplar(&e)) {
      }
      (void)p->CreatedTimestamp();
    }
    if (!p->Err().ok()) {
      EXPECT_LE(p->error_offset(), data.size());
    }
    return p->Err().ok();
  };
  EXPECT_TRUE(drain(in));
  int errors = 0;
  for (size_t i = 0; i < in.size(); ++i) errors += !drain(in.substr(0, i));
  EXPECT_GT(errors, 0);
  std::mt19937 rng(42);
  for (int i = 0; i < 2000; ++i) {
    std::string c = in;
    for (int k = 0; k < 3; ++k) c[rng() % c.size()] = static_cast<char>(rng());
    drain(c);
  }
}

}  // namespace
}  // namespace promkit::textparse

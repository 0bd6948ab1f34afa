// WAL record decoding over hand-made bytes: each record type, and malformed records failing
// with upstream's error words (never misreading or over-allocating).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tsdb/wal/record.h"

namespace promkit::tsdb::wal {
namespace {

std::string Bytes(std::initializer_list<int> b) {
  std::string out;
  for (int c : b) out.push_back(static_cast<char>(c));
  return out;
}

const std::string kRef5 = Bytes({0, 0, 0, 0, 0, 0, 0, 5});
const std::string kT1000 = Bytes({0, 0, 0, 0, 0, 0, 0x03, 0xe8});
const std::string kOne = Bytes({0x3f, 0xf0, 0, 0, 0, 0, 0, 0});      // 1.0
const std::string kTwoHalf = Bytes({0x40, 0x04, 0, 0, 0, 0, 0, 0});  // 2.5
const std::string kThree = Bytes({0x40, 0x08, 0, 0, 0, 0, 0, 0});    // 3.0

TEST(WalRecord, Types) {
  EXPECT_EQ(TypeOf(""), RecordType::kUnknown);
  EXPECT_EQ(TypeOf(Bytes({1})), RecordType::kSeries);
  EXPECT_EQ(TypeOf(Bytes({11, 0})), RecordType::kSamplesV2);
  EXPECT_EQ(TypeOf(Bytes({14})), RecordType::kUnknown);
  EXPECT_EQ(TypeOf(Bytes({0})), RecordType::kUnknown);
  EXPECT_EQ(RecordTypeName(RecordType::kFloatHistogramSamples), "float_histogram_samples");
  EXPECT_EQ(RecordTypeName(RecordType::kUnknown), "unknown");
  EXPECT_TRUE(IsHistogramRecord(RecordType::kCustomBucketsHistogramSamples));
  EXPECT_FALSE(IsHistogramRecord(RecordType::kSamplesV2));
}

TEST(WalRecord, Series) {
  std::string rec = Bytes({1}) + kRef5 + Bytes({2, 8}) + "__name__" + Bytes({2}) + "up" +
                    Bytes({3}) + "job" + Bytes({4}) + "node" + Bytes({0, 0, 0, 0, 0, 0, 0, 9, 0});
  std::vector<RefSeries> got;
  ASSERT_TRUE(DecodeSeries(rec, &got).ok());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].ref, 5u);
  EXPECT_EQ(got[0].labels.ToString(), "{__name__=\"up\", job=\"node\"}");
  EXPECT_EQ(got[1].ref, 9u);
  EXPECT_TRUE(got[1].labels.empty());
  // Round trip through the encoder.
  EXPECT_EQ(EncodeSeries(got), rec);
}

TEST(WalRecord, SeriesWithUnsortedLabelsComesOutSorted) {
  std::string rec = Bytes({1}) + kRef5 + Bytes({2, 1}) + "b" + Bytes({1}) + "2" + Bytes({1}) + "a" +
                    Bytes({1}) + "1";
  std::vector<RefSeries> got;
  ASSERT_TRUE(DecodeSeries(rec, &got).ok());
  EXPECT_EQ(got[0].labels.ToString(), "{a=\"1\", b=\"2\"}");
}

TEST(WalRecord, SamplesV1) {
  // Base ref 5, base time 1000; samples (5, 1000, 1.0) and (6, 1015, 2.5).
  std::string rec =
      Bytes({2}) + kRef5 + kT1000 + Bytes({0, 0}) + kOne + Bytes({0x02, 0x1e}) + kTwoHalf;
  std::vector<RefSample> got;
  ASSERT_TRUE(DecodeSamples(rec, &got).ok());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].ref, 5u);
  EXPECT_EQ(got[0].t, 1000);
  EXPECT_EQ(got[0].v, 1.0);
  EXPECT_EQ(got[1].ref, 6u);
  EXPECT_EQ(got[1].t, 1015);
  EXPECT_EQ(got[1].v, 2.5);
  EXPECT_EQ(EncodeSamples(got), rec);

  got.clear();
  ASSERT_TRUE(DecodeSamples(Bytes({2}), &got).ok());  // no samples at all
  EXPECT_TRUE(got.empty());
}

TEST(WalRecord, SamplesV2) {
  // (5, 1000, st 0, 1.0), (6, 1015, no st, 2.5), (5, 1030, explicit st 7, 3.0).
  std::string rec = Bytes({11, 0x0a, 0xd0, 0x0f, 0x00}) + kOne + Bytes({0x02, 0x1e, 0x00}) +
                    kTwoHalf + Bytes({0x01, 0x3c, 0x02, 0x0e}) + kThree;
  std::vector<RefSample> got;
  ASSERT_TRUE(DecodeSamples(rec, &got).ok()) << DecodeSamples(rec, &got).ToString();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1].ref, 6u);
  EXPECT_EQ(got[1].t, 1015);
  EXPECT_EQ(got[2].ref, 5u);
  EXPECT_EQ(got[2].t, 1030);
  EXPECT_EQ(got[2].v, 3.0);
}

TEST(WalRecord, Tombstones) {
  std::string rec = Bytes({3}) + kRef5 + Bytes({0xc8, 0x01, 0x90, 0x03});
  std::vector<RefTombstone> got;
  ASSERT_TRUE(DecodeTombstones(rec, &got).ok());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].ref, 5u);
  EXPECT_EQ(got[0].interval, (tombstones::Interval{100, 200}));
  EXPECT_EQ(EncodeTombstones(got), rec);
}

TEST(WalRecord, ExemplarsAndMetadata) {
  std::string ex = Bytes({4}) + kRef5 + kT1000 + Bytes({0x00, 0x04}) + kOne + Bytes({1, 8}) +
                   "trace_id" + Bytes({3}) + "abc";
  std::vector<RefExemplar> exemplars;
  ASSERT_TRUE(DecodeExemplars(ex, &exemplars).ok());
  ASSERT_EQ(exemplars.size(), 1u);
  EXPECT_EQ(exemplars[0].t, 1002);
  EXPECT_EQ(exemplars[0].labels.ToString(), "{trace_id=\"abc\"}");

  std::string md = Bytes({6, 5, 1, 3, 4}) + "UNIT" + Bytes({5}) + "bytes" + Bytes({4}) + "HELP" +
                   Bytes({4}) + "help" + Bytes({5}) + "OTHER" + Bytes({1}) + "x";
  std::vector<RefMetadata> meta;
  ASSERT_TRUE(DecodeMetadata(md, &meta).ok());
  ASSERT_EQ(meta.size(), 1u);
  EXPECT_EQ(meta[0].ref, 5u);
  EXPECT_EQ(meta[0].type, 1);
  EXPECT_EQ(meta[0].unit, "bytes");
  EXPECT_EQ(meta[0].help, "help");
}

// An integer histogram: hint 0, schema `schema` (zig-zag byte), zero threshold, zero count 0,
// count 2, sum, one positive span (offset 0, length 2), buckets 1, 0.
std::string IntHistogram(int schema_zigzag) {
  return Bytes({0, schema_zigzag}) + kOne + Bytes({0, 2}) + kOne + Bytes({1, 0, 2, 0, 2, 2, 0, 0});
}

TEST(WalRecord, HistogramsDecode) {
  std::vector<RefHistogramSample> got;
  // Two integer histogram samples: (5, 1000) and (7, 1001).
  std::string rec = Bytes({7}) + kRef5 + kT1000 + Bytes({0, 0}) + IntHistogram(0) + Bytes({4, 2}) +
                    IntHistogram(6);
  ASSERT_TRUE(DecodeHistogramSamples(rec, &got).ok())
      << DecodeHistogramSamples(rec, &got).ToString();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].ref, 7u);
  EXPECT_EQ(got[1].t, 1001);
  EXPECT_FALSE(got[1].is_float);
  EXPECT_TRUE(got[1].known_schema);
  model::Histogram want;
  want.schema = 3;
  want.zero_threshold = 1;
  want.count = 2;
  want.sum = 1;
  want.positive_spans = {{0, 2}};
  want.positive_buckets = {1, 0};
  EXPECT_EQ(got[1].h, want);

  // A float histogram: counts, sum and buckets are float64.
  got.clear();
  std::string fh = Bytes({8}) + kRef5 + kT1000 + Bytes({0, 0}) + Bytes({0, 0}) + kOne + kOne +
                   kOne + kOne + Bytes({1, 0, 1, 0, 1}) + kTwoHalf + Bytes({0});
  ASSERT_TRUE(DecodeHistogramSamples(fh, &got).ok()) << DecodeHistogramSamples(fh, &got).ToString();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].is_float);
  EXPECT_EQ(got[0].fh.count, 1);
  EXPECT_EQ(got[0].fh.positive_buckets, std::vector<double>{2.5});

  // Custom buckets (schema -53, zig-zag 105) carry their bounds after the buckets.
  got.clear();
  std::string cb =
      Bytes({9}) + kRef5 + kT1000 + Bytes({0, 0}) + IntHistogram(105) + Bytes({1}) + kThree;
  ASSERT_TRUE(DecodeHistogramSamples(cb, &got).ok()) << DecodeHistogramSamples(cb, &got).ToString();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].h.schema, -53);
  EXPECT_EQ(got[0].h.custom_values, std::vector<double>{3});

  // Schema 60 is unknown: walked, flagged.
  got.clear();
  std::string unknown = Bytes({7}) + kRef5 + kT1000 + Bytes({0, 0}) + IntHistogram(120);
  ASSERT_TRUE(DecodeHistogramSamples(unknown, &got).ok());
  EXPECT_FALSE(got[0].known_schema);

  // V2 layout: first ref/time/start time as varints, then deltas with a start-time marker.
  got.clear();
  std::string v2 = Bytes({12, 0x0a, 0xd0, 0x0f, 0x00}) + IntHistogram(0) + Bytes({0x02, 0x02, 0}) +
                   IntHistogram(0);
  ASSERT_TRUE(DecodeHistogramSamples(v2, &got).ok()) << DecodeHistogramSamples(v2, &got).ToString();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].ref, 6u);
  EXPECT_EQ(got[1].t, 1001);
}

// Every histogram record type round-trips through the encoder (upstream's layouts).
TEST(WalRecord, HistogramRecordsRoundTrip) {
  RefHistogramSample a;
  a.ref = 3;
  a.t = -5;
  a.h.counter_reset_hint = model::CounterResetHint::kGauge;
  a.h.schema = -2;
  a.h.zero_threshold = 0.25;
  a.h.zero_count = 4;
  a.h.count = 9;
  a.h.sum = -3.5;
  a.h.positive_spans = {{-3, 2}, {4, 1}};
  a.h.positive_buckets = {1, 1, -2};
  a.h.negative_spans = {{0, 1}};
  a.h.negative_buckets = {1};
  RefHistogramSample b = a;
  b.ref = 9;
  b.t = 70;
  b.h.schema = -53;
  b.h.custom_values = {0.5, 1};
  const RecordType types[] = {RecordType::kHistogramSamples,
                              RecordType::kFloatHistogramSamples,
                              RecordType::kCustomBucketsHistogramSamples,
                              RecordType::kCustomBucketsFloatHistogramSamples,
                              RecordType::kHistogramSamplesV2,
                              RecordType::kFloatHistogramSamplesV2};
  for (RecordType type : types) {
    SCOPED_TRACE(RecordTypeName(type));
    const bool is_float = type == RecordType::kFloatHistogramSamples ||
                          type == RecordType::kCustomBucketsFloatHistogramSamples ||
                          type == RecordType::kFloatHistogramSamplesV2;
    std::vector<RefHistogramSample> in = {a, b};
    for (RefHistogramSample& s : in) {
      s.is_float = is_float;
      if (is_float) {
        s.fh = s.h.ToFloat();
        s.h = model::Histogram{};
      }
    }
    std::vector<RefHistogramSample> got;
    const std::string rec = EncodeHistogramSamples(type, in);
    ASSERT_TRUE(DecodeHistogramSamples(rec, &got).ok())
        << DecodeHistogramSamples(rec, &got).ToString();
    ASSERT_EQ(got.size(), 2u);
    for (size_t i = 0; i < 2; ++i) {
      EXPECT_EQ(got[i].ref, in[i].ref);
      EXPECT_EQ(got[i].t, in[i].t);
      EXPECT_EQ(got[i].h, in[i].h);
      EXPECT_EQ(got[i].fh, in[i].fh);
    }
  }
}

TEST(WalRecord, MalformedRecords) {
  const std::string samples = Bytes({2}) + kRef5 + kT1000 + Bytes({0, 0}) + kOne;
  const std::string series = Bytes({1}) + kRef5 + Bytes({1, 1}) + "a" + Bytes({1}) + "b";
  struct Case {
    std::string name;
    std::string rec;
    std::string want;
  };
  const Case cases[] = {
      {"samples trailing", samples + Bytes({0}),
       "decode samples: decode error after 1 samples: invalid size"},
      {"samples truncated value", samples.substr(0, samples.size() - 3),
       "decode samples: decode error after 0 samples: invalid size"},
      {"samples wrong type", Bytes({3}) + kRef5,
       "decode samples: invalid record type 3, expected Samples(2) or SamplesV2(11)"},
      {"series truncated", series.substr(0, series.size() - 1), "decode series: invalid size"},
      {"series label count beyond the record", Bytes({1}) + kRef5 + Bytes({0xff, 0xff, 0x03}),
       "decode series: invalid size"},
      {"tombstones trailing byte", Bytes({3}) + kRef5 + Bytes({2, 4, 9}),
       "decode tombstones: invalid size"},
      {"metadata trailing field", Bytes({6, 5, 1, 1, 4}) + "UNIT", "decode metadata: invalid size"},
      {"histogram huge bucket count",
       Bytes({7}) + kRef5 + kT1000 + Bytes({0, 0, 0, 0}) + kOne + Bytes({0, 2}) + kOne +
           Bytes({0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f}),
       "decode histograms: decode error after 0 histograms: invalid size"},
      {"histogram span length over 32 bits",
       Bytes({7}) + kRef5 + kT1000 + Bytes({0, 0, 0, 0}) + kOne + Bytes({0, 2}) + kOne +
           Bytes({1, 0, 0xff, 0xff, 0xff, 0xff, 0x1f, 0, 0, 0}),
       "decode histograms: decode error after 0 histograms: invalid size"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    util::Status st;
    switch (TypeOf(c.rec)) {
      case RecordType::kSeries: {
        std::vector<RefSeries> out;
        st = DecodeSeries(c.rec, &out);
        break;
      }
      case RecordType::kTombstones: {
        std::vector<RefTombstone> out;
        st = c.name.starts_with("samples") ? DecodeSamples(c.rec, nullptr)
                                           : DecodeTombstones(c.rec, &out);
        break;
      }
      case RecordType::kMetadata: {
        std::vector<RefMetadata> out;
        st = DecodeMetadata(c.rec, &out);
        break;
      }
      case RecordType::kSamples: {
        std::vector<RefSample> out;
        st = DecodeSamples(c.rec, &out);
        break;
      }
      default: {
        std::vector<RefHistogramSample> out;
        st = DecodeHistogramSamples(c.rec, &out);
        break;
      }
    }
    EXPECT_EQ(st.code(), util::Code::kCorruption);
    EXPECT_EQ(st.ToString(), c.want);
  }
}

}  // namespace
}  // namespace promkit::tsdb::wal

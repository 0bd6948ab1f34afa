// Native histogram chunk codecs: round trips through the appenders and iterators, the cases in
// which upstream cuts a new chunk or recodes the current one, the bit-level number codings,
// and corrupt input.

#include <bit>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "model/histogram.h"
#include "tsdb/chunkenc/bstream.h"
#include "tsdb/chunkenc/chunk.h"
#include "tsdb/chunkenc/histogram.h"
#include "tsdb/chunkenc/varbit.h"

namespace promkit::tsdb::chunkenc {
namespace {

constexpr double kStaleNaN = std::bit_cast<double>(uint64_t{0x7ff0000000000002});

// Absolute bucket counts to model::Histogram's deltas.
std::vector<int64_t> Deltas(const std::vector<int64_t>& abs) {
  std::vector<int64_t> out;
  int64_t prev = 0;
  for (int64_t v : abs) {
    out.push_back(v - prev);
    prev = v;
  }
  return out;
}

model::Histogram H(uint64_t count, double sum, std::vector<model::Span> spans,
                   std::vector<int64_t> abs, uint64_t zero_count = 0) {
  model::Histogram h;
  h.schema = 1;
  h.zero_threshold = 0.001;
  h.zero_count = zero_count;
  h.count = count;
  h.sum = sum;
  h.positive_spans = std::move(spans);
  h.positive_buckets = Deltas(abs);
  return h;
}

// Appends like upstream's head: a returned appender either replaces the current chunk
// (recoded) or starts the next one.
template <typename App, typename Hist>
struct Chunks {
  std::vector<std::unique_ptr<App>> chunks;
  int recodes = 0;
  void Add(int64_t t, const Hist& h) {
    if (chunks.empty()) chunks.push_back(std::make_unique<App>());
    bool recoded = false;
    std::unique_ptr<App> next = chunks.back()->Append(nullptr, t, h, &recoded);
    if (next == nullptr) return;
    if (recoded) {
      ++recodes;
      chunks.back() = std::move(next);
    } else {
      chunks.push_back(std::move(next));
    }
  }
};

struct Decoded {
  std::vector<int64_t> ts;
  std::vector<model::Histogram> hs;
};

Decoded DecodeInt(std::string_view data) {
  Decoded d;
  HistogramIterator it(data);
  while (it.Next() == storage::ValueType::kHistogram) {
    model::Histogram h;
    it.AtHistogram(&h);
    d.ts.push_back(it.AtT());
    d.hs.push_back(h);
  }
  EXPECT_TRUE(it.Err().ok()) << it.Err().ToString();
  return d;
}

// The histogram as stored: same observations, possibly with extra empty buckets from recoding.
// Compares absolute bucket counts per bucket index.
std::vector<std::pair<int, double>> Populated(const std::vector<model::Span>& spans,
                                              const std::vector<double>& abs) {
  std::vector<std::pair<int, double>> out;
  BucketIndexIterator it(spans);
  int idx = 0;
  size_t i = 0;
  while (it.Next(&idx)) {
    if (i < abs.size() && abs[i] != 0) out.emplace_back(idx, abs[i]);
    ++i;
  }
  return out;
}

void ExpectSameObservations(const model::Histogram& want, const model::Histogram& got) {
  EXPECT_EQ(want.schema, got.schema);
  EXPECT_EQ(want.count, got.count);
  EXPECT_EQ(want.zero_count, got.zero_count);
  EXPECT_EQ(want.zero_threshold, got.zero_threshold);
  EXPECT_EQ(std::bit_cast<uint64_t>(want.sum), std::bit_cast<uint64_t>(got.sum));
  const model::FloatHistogram wf = want.ToFloat(), gf = got.ToFloat();
  EXPECT_EQ(Populated(wf.positive_spans, wf.positive_buckets),
            Populated(gf.positive_spans, gf.positive_buckets));
  EXPECT_EQ(Populated(wf.negative_spans, wf.negative_buckets),
            Populated(gf.negative_spans, gf.negative_buckets));
  EXPECT_EQ(want.custom_values, got.custom_values);
}

TEST(Varbit, RoundTripsBoundaries) {
  const int64_t ints[] = {0,
                          1,
                          -1,
                          4,
                          -3,
                          5,
                          -4,
                          32,
                          -31,
                          33,
                          256,
                          -255,
                          2048,
                          -2047,
                          2049,
                          131072,
                          -131071,
                          16777216,
                          16777217,
                          -16777215,
                          int64_t{1} << 55,
                          -(int64_t{1} << 55) + 1,
                          std::numeric_limits<int64_t>::max(),
                          std::numeric_limits<int64_t>::min()};
  const uint64_t uints[] = {0,
                            1,
                            7,
                            8,
                            63,
                            64,
                            511,
                            4095,
                            4096,
                            262143,
                            33554431,
                            33554432,
                            (uint64_t{1} << 56) - 1,
                            uint64_t{1} << 56,
                            std::numeric_limits<uint64_t>::max()};
  BitWriter w;
  for (int64_t v : ints) PutVarbitInt(w, v);
  for (uint64_t v : uints) PutVarbitUint(w, v);
  BitReader r(w.bytes());
  for (int64_t v : ints) {
    int64_t got = 0;
    ASSERT_TRUE(ReadVarbitInt(r, &got));
    EXPECT_EQ(got, v);
  }
  for (uint64_t v : uints) {
    uint64_t got = 0;
    ASSERT_TRUE(ReadVarbitUint(r, &got));
    EXPECT_EQ(got, v);
  }
}

TEST(Varbit, WidthsAreUpstreams) {
  // 4 needs '10' + 3 bits; 5 needs '110' + 6 bits; -3 fits 3 bits, -4 does not.
  const std::tuple<int64_t, size_t> cases[] = {{0, 1},    {4, 5},    {-3, 5},    {5, 9},    {-4, 9},
                                               {256, 13}, {257, 17}, {2048, 17}, {2049, 24}};
  for (const auto& [v, bits] : cases) {
    SCOPED_TRACE(v);
    BitWriter w;
    PutVarbitInt(w, v);
    BitReader r(w.bytes());
    int64_t got = 0;
    ASSERT_TRUE(ReadVarbitInt(r, &got));
    EXPECT_EQ(r.bit_pos(), bits);
  }
}

TEST(HistogramLayout, ZeroThresholdAndCustomBoundsCoding) {
  // 2^-128, the default zero threshold, is the single byte 116.
  BitWriter w;
  WriteHistogramLayout(w, 0, std::ldexp(1.0, -128), {}, {}, {});
  EXPECT_EQ(static_cast<uint8_t>(w.bytes()[0]), 116);
  BitWriter w2;
  const std::vector<double> bounds = {-1,  0,        0.001,     0.5,   1,
                                      2.5, 33554.43, 33554.431, 1e300, 0.1 + 0.2};
  WriteHistogramLayout(w2, model::kCustomBucketsSchema, 0.3, {{0, 2}}, {}, bounds);
  BitReader r(w2.bytes());
  HistogramLayout l;
  ASSERT_TRUE(ReadHistogramLayout(r, &l));
  EXPECT_EQ(l.schema, model::kCustomBucketsSchema);
  EXPECT_EQ(l.zero_threshold, 0.3);
  ASSERT_EQ(l.positive_spans.size(), 1u);
  EXPECT_EQ(l.positive_spans[0], (model::Span{0, 2}));
  EXPECT_EQ(l.custom_values, bounds);
}

TEST(HistogramChunk, RoundTripWithinOneChunk) {
  Chunks<HistogramAppender, model::Histogram> c;
  std::vector<model::Histogram> in;
  for (int i = 0; i < 30; ++i) {
    model::Histogram h = H(10 + 3 * i, 1.5 * i + 0.25, {{-2, 2}, {3, 1}}, {4 + i, 2, 4 + 2 * i}, i);
    h.negative_spans = {{0, 1}};
    h.negative_buckets = {i % 3 == 0 ? i : i - i % 3};
    h.count += h.negative_buckets[0];
    in.push_back(h);
    c.Add(1000 + 15000 * i + (i % 4), h);
  }
  ASSERT_EQ(c.chunks.size(), 1u);
  Decoded d = DecodeInt(c.chunks[0]->bytes());
  ASSERT_EQ(d.hs.size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(d.ts[i], int64_t(1000 + 15000 * i + (i % 4)));
    // No recoding happened: the histogram comes back exactly, with upstream's hints.
    model::Histogram want = in[i];
    want.counter_reset_hint =
        i == 0 ? model::CounterResetHint::kUnknown : model::CounterResetHint::kNotCounterReset;
    EXPECT_EQ(d.hs[i], want);
  }
  // The generic entry point decodes the same.
  auto it = NewIterator(Encoding::kHistogram, c.chunks[0]->bytes());
  ASSERT_EQ(it->Next(), storage::ValueType::kHistogram);
  model::FloatHistogram fh;
  it->AtFloatHistogram(&fh);
  EXPECT_EQ(fh, in[0].ToFloat());
}

TEST(HistogramChunk, NewBucketsRecodeTheChunk) {
  Chunks<HistogramAppender, model::Histogram> c;
  std::vector<model::Histogram> in = {
      H(5, 1, {{0, 2}}, {2, 3}), H(8, 2, {{0, 2}, {2, 1}}, {3, 4, 1}),  // new bucket 4: recode
      H(9, 3, {{-1, 3}, {2, 1}}, {1, 3, 4, 1}),                         // new bucket -1: recode
      H(9, 4, {{0, 2}}, {4, 5}),  // buckets -1 and 4 gone but they were...
  };
  in[3] = H(10, 4, {{-1, 3}}, {1, 4, 5});  // ...bucket 4 (count 1) gone: a counter reset
  for (size_t i = 0; i < in.size(); ++i) c.Add(static_cast<int64_t>(i) * 10, in[i]);
  EXPECT_EQ(c.recodes, 2);
  ASSERT_EQ(c.chunks.size(), 2u);
  EXPECT_EQ(c.chunks[1]->header(), CounterResetHeader::kCounterReset);
  Decoded d0 = DecodeInt(c.chunks[0]->bytes());
  ASSERT_EQ(d0.hs.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    ExpectSameObservations(in[i], d0.hs[i]);
    // All samples of a chunk share the widest layout.
    EXPECT_EQ(d0.hs[i].positive_spans, (std::vector<model::Span>{{-1, 3}, {2, 1}}));
  }
  Decoded d1 = DecodeInt(c.chunks[1]->bytes());
  ASSERT_EQ(d1.hs.size(), 1u);
  ExpectSameObservations(in[3], d1.hs[0]);
}

TEST(HistogramChunk, MissingEmptyBucketsAreFilledIn) {
  // The chunk has bucket 1 empty; a later sample without it still fits (backward insert).
  Chunks<HistogramAppender, model::Histogram> c;
  c.Add(0, H(3, 1, {{0, 3}}, {1, 0, 2}));
  c.Add(10, H(5, 2, {{0, 1}, {1, 1}}, {2, 3}));
  c.Add(20, H(7, 3, {{0, 1}, {1, 2}}, {2, 3, 2}));  // and one new bucket at the same time
  ASSERT_EQ(c.chunks.size(), 1u);
  Decoded d = DecodeInt(c.chunks[0]->bytes());
  ASSERT_EQ(d.hs.size(), 3u);
  ExpectSameObservations(H(3, 1, {{0, 3}}, {1, 0, 2}), d.hs[0]);
  ExpectSameObservations(H(5, 2, {{0, 3}}, {2, 0, 3}), d.hs[1]);
  ExpectSameObservations(H(7, 3, {{0, 4}}, {2, 0, 3, 2}), d.hs[2]);
}

TEST(HistogramChunk, CutsNewChunks) {
  struct Case {
    const char* name;
    model::Histogram next;
    CounterResetHeader header;
  };
  const model::Histogram first = H(10, 5, {{0, 2}}, {4, 6}, 0);
  model::Histogram schema = first;
  schema.schema = 2;
  model::Histogram zt = first;
  zt.zero_threshold = 0.5;
  model::Histogram hinted = H(11, 6, {{0, 2}}, {5, 6});
  hinted.counter_reset_hint = model::CounterResetHint::kCounterReset;
  const Case cases[] = {
      {"count fell", H(9, 6, {{0, 2}}, {4, 5}), CounterResetHeader::kCounterReset},
      {"bucket fell", H(11, 6, {{0, 2}}, {3, 8}), CounterResetHeader::kCounterReset},
      {"zero count fell", H(11, 6, {{0, 2}}, {4, 6}, 0), CounterResetHeader::kNotCounterReset},
      {"schema", schema, CounterResetHeader::kUnknown},
      {"zero threshold", zt, CounterResetHeader::kUnknown},
      {"explicit hint", hinted, CounterResetHeader::kCounterReset},
  };
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.name);
    Chunks<HistogramAppender, model::Histogram> c;
    model::Histogram f = first;
    if (std::string(tc.name) == "zero count fell") {
      f.zero_count = 2;
      f.count = 12;
    }
    c.Add(0, f);
    c.Add(10, tc.next);
    if (tc.header == CounterResetHeader::kNotCounterReset) {
      // The zero bucket fell while the count rose: a reset too.
      ASSERT_EQ(c.chunks.size(), 2u);
      EXPECT_EQ(c.chunks[1]->header(), CounterResetHeader::kCounterReset);
      continue;
    }
    ASSERT_EQ(c.chunks.size(), 2u);
    EXPECT_EQ(c.chunks[1]->header(), tc.header);
    Decoded d = DecodeInt(c.chunks[1]->bytes());
    ASSERT_EQ(d.hs.size(), 1u);
    ExpectSameObservations(tc.next, d.hs[0]);
  }
}

TEST(HistogramChunk, PrevAppenderSetsTheHeaderOfACutChunk) {
  HistogramAppender prev;
  bool recoded = false;
  ASSERT_EQ(prev.Append(nullptr, 0, H(5, 1, {{0, 1}}, {5}), &recoded), nullptr);
  HistogramAppender cont;
  ASSERT_EQ(cont.Append(&prev, 10, H(6, 1, {{0, 1}}, {6}), &recoded), nullptr);
  EXPECT_EQ(cont.header(), CounterResetHeader::kNotCounterReset);
  HistogramAppender reset;
  ASSERT_EQ(reset.Append(&prev, 10, H(2, 1, {{0, 1}}, {2}), &recoded), nullptr);
  EXPECT_EQ(reset.header(), CounterResetHeader::kCounterReset);
}

TEST(HistogramChunk, StaleMarkers) {
  Chunks<HistogramAppender, model::Histogram> c;
  c.Add(0, H(5, 1, {{0, 1}}, {5}));
  model::Histogram stale;
  stale.sum = kStaleNaN;
  c.Add(10, stale);
  c.Add(20, stale);
  c.Add(30, H(6, 1, {{0, 1}}, {6}));  // after a stale sample only stale ones fit: new chunk
  ASSERT_EQ(c.chunks.size(), 2u);
  EXPECT_EQ(c.chunks[1]->header(), CounterResetHeader::kUnknown);
  Decoded d = DecodeInt(c.chunks[0]->bytes());
  ASSERT_EQ(d.hs.size(), 3u);
  EXPECT_EQ(d.ts[2], 20);
  for (int i : {1, 2}) {
    EXPECT_EQ(std::bit_cast<uint64_t>(d.hs[i].sum), 0x7ff0000000000002u);
    EXPECT_TRUE(d.hs[i].positive_buckets.empty());
  }
}

TEST(HistogramChunk, GaugeHistograms) {
  Chunks<HistogramAppender, model::Histogram> c;
  std::vector<model::Histogram> in = {H(10, 5, {{0, 2}}, {4, 6}), H(3, 1, {{1, 2}}, {1, 2}),
                                      H(4, -2, {{0, 1}}, {4})};
  for (auto& h : in) h.counter_reset_hint = model::CounterResetHint::kGauge;
  for (size_t i = 0; i < in.size(); ++i) c.Add(static_cast<int64_t>(i), in[i]);
  // Counts going down and buckets coming and going stay in one chunk.
  ASSERT_EQ(c.chunks.size(), 1u);
  EXPECT_EQ(c.chunks[0]->header(), CounterResetHeader::kGauge);
  Decoded d = DecodeInt(c.chunks[0]->bytes());
  ASSERT_EQ(d.hs.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    ExpectSameObservations(in[i], d.hs[i]);
    EXPECT_EQ(d.hs[i].counter_reset_hint, model::CounterResetHint::kGauge);
  }
  // A counter histogram after gauges starts a new chunk.
  c.Add(5, H(10, 5, {{0, 2}}, {4, 6}));
  EXPECT_EQ(c.chunks.size(), 2u);
}

TEST(HistogramChunk, CustomBuckets) {
  Chunks<HistogramAppender, model::Histogram> c;
  model::Histogram h;
  h.schema = model::kCustomBucketsSchema;
  h.custom_values = {0.1, 0.25, 1, 2.5, 10};
  h.positive_spans = {{0, 2}, {2, 2}};
  h.positive_buckets = Deltas({1, 2, 3, 4});
  h.count = 10;
  h.sum = 12.5;
  c.Add(0, h);
  model::Histogram h2 = h;
  h2.positive_buckets = Deltas({2, 2, 5, 4});
  h2.count = 13;
  c.Add(10, h2);
  model::Histogram h3 = h2;
  h3.custom_values = {0.1, 0.5};  // other bounds: a reset
  h3.positive_spans = {{0, 2}};
  h3.positive_buckets = Deltas({1, 1});
  h3.count = 2;
  c.Add(20, h3);
  ASSERT_EQ(c.chunks.size(), 2u);
  EXPECT_EQ(c.chunks[1]->header(), CounterResetHeader::kCounterReset);
  Decoded d = DecodeInt(c.chunks[0]->bytes());
  ASSERT_EQ(d.hs.size(), 2u);
  ExpectSameObservations(h, d.hs[0]);
  ExpectSameObservations(h2, d.hs[1]);
  ExpectSameObservations(h3, DecodeInt(c.chunks[1]->bytes()).hs.at(0));
}

TEST(FloatHistogramChunk, RoundTripRecodeAndReset) {
  Chunks<FloatHistogramAppender, model::FloatHistogram> c;
  std::vector<model::FloatHistogram> in;
  for (int i = 0; i < 20; ++i) {
    model::Histogram h = H(10 + 2 * i, 0.1 * i, {{0, 2}}, {4 + i, 6 + i});
    model::FloatHistogram f = h.ToFloat();
    f.count += 0.5;
    f.zero_count = 0.5;
    in.push_back(f);
  }
  for (size_t i = 10; i < in.size(); ++i) {  // a new bucket from sample 10 on
    in[i].positive_spans = {{0, 3}};
    in[i].positive_buckets.push_back(1.25 + static_cast<double>(i));
    in[i].count += 1.25 + static_cast<double>(i);
  }
  for (size_t i = 0; i < in.size(); ++i) c.Add(static_cast<int64_t>(i) * 1000, in[i]);
  ASSERT_EQ(c.recodes, 1);
  ASSERT_EQ(c.chunks.size(), 1u);
  FloatHistogramIterator it(c.chunks[0]->bytes());
  size_t i = 0;
  while (it.Next() == storage::ValueType::kFloatHistogram) {
    SCOPED_TRACE(i);
    ASSERT_LT(i, in.size());
    model::FloatHistogram got;
    it.AtFloatHistogram(&got);
    EXPECT_EQ(it.AtT(), static_cast<int64_t>(i) * 1000);
    EXPECT_EQ(got.count, in[i].count);
    EXPECT_EQ(got.sum, in[i].sum);
    EXPECT_EQ(got.positive_spans, (std::vector<model::Span>{{0, 3}}));
    std::vector<double> want = in[i].positive_buckets;
    want.resize(3, 0);
    EXPECT_EQ(got.positive_buckets, want);
    ++i;
  }
  EXPECT_TRUE(it.Err().ok()) << it.Err().ToString();
  EXPECT_EQ(i, in.size());
  // A lower count is a reset.
  model::FloatHistogram low = in.back();
  low.count = 1;
  c.Add(100000, low);
  ASSERT_EQ(c.chunks.size(), 2u);
  EXPECT_EQ(c.chunks[1]->header(), CounterResetHeader::kCounterReset);
}

TEST(HistogramChunk, CorruptDataFailsCleanly) {
  Chunks<HistogramAppender, model::Histogram> c;
  for (int i = 0; i < 10; ++i) c.Add(i * 10, H(10 + i, i, {{0, 2}, {5, 1}}, {4 + i, 6, 0}));
  Chunks<FloatHistogramAppender, model::FloatHistogram> f;
  for (int i = 0; i < 10; ++i)
    f.Add(i * 10, H(10 + i, i, {{0, 2}, {5, 1}}, {4 + i, 6, 0}).ToFloat());
  for (Encoding e : {Encoding::kHistogram, Encoding::kFloatHistogram}) {
    const std::string full(e == Encoding::kHistogram ? c.chunks[0]->bytes() : f.chunks[0]->bytes());
    for (size_t n = 0; n < full.size(); ++n) {
      SCOPED_TRACE(n);
      const std::string cut = full.substr(0, n);
      auto it = NewIterator(e, cut);
      int got = 0;
      while (it->Next() != storage::ValueType::kNone) ++got;
      EXPECT_LT(got, 10);
      EXPECT_FALSE(it->Err().ok());
    }
    // Flipped bits never crash; an absurd layout is refused, not allocated.
    for (size_t bit = 0; bit < full.size() * 8; ++bit) {
      std::string bad = full;
      bad[bit / 8] = static_cast<char>(bad[bit / 8] ^ (1 << (bit % 8)));
      auto it = NewIterator(e, bad);
      model::Histogram h;
      model::FloatHistogram fh;
      while (it->Next() != storage::ValueType::kNone) {
        if (e == Encoding::kHistogram) it->AtHistogram(&h);
        it->AtFloatHistogram(&fh);
      }
    }
  }
  const std::string absurd("\x00\x01\x00\x00\x1f\xff\xff\xff", 8);  // outlives the iterator
  auto it = NewIterator(Encoding::kHistogram, absurd);
  EXPECT_EQ(it->Next(), storage::ValueType::kNone);
  EXPECT_FALSE(it->Err().ok());
}

TEST(HistogramChunk, UnknownSchemasFail) {
  for (int32_t schema : {53, -10}) {
    SCOPED_TRACE(schema);
    BitWriter w;
    w.bytes().assign(3, '\0');
    w.bytes()[1] = 1;
    WriteHistogramLayout(w, schema, 0, {}, {}, {});
    PutVarbitInt(w, 0);
    PutVarbitUint(w, 0);
    PutVarbitUint(w, 0);
    w.WriteBits(0, 64);
    HistogramIterator it(w.bytes());
    EXPECT_EQ(it.Next(), storage::ValueType::kNone);
    const std::string msg = it.Err().ToString();
    EXPECT_NE(msg.find("histogram has an unknown schema"), std::string::npos) << msg;
  }
}

TEST(HistogramChunk, SchemasAbove8ReadAsSchema8) {
  // Schema 10: buckets 1..4 and 9 merge in fours: ((i-1) >> 2) + 1.
  model::Histogram h;
  h.schema = 10;
  h.count = 1 + 2 + 3 + 4 + 5;
  h.positive_spans = {{1, 4}, {4, 1}};
  h.positive_buckets = Deltas({1, 2, 3, 4, 5});
  h.negative_spans = {{0, 2}};
  h.negative_buckets = Deltas({7, 1});
  h.count += 8;
  Chunks<HistogramAppender, model::Histogram> c;
  c.Add(0, h);
  Chunks<FloatHistogramAppender, model::FloatHistogram> f;
  f.Add(0, h.ToFloat());
  Decoded d = DecodeInt(c.chunks[0]->bytes());
  ASSERT_EQ(d.hs.size(), 1u);
  EXPECT_EQ(d.hs[0].schema, 8);
  // 1..4 -> 1 (sum 10), 9 -> 3 (5); negative 0 -> 0 (7), 1 -> 1 (1).
  EXPECT_EQ(d.hs[0].positive_spans, (std::vector<model::Span>{{1, 1}, {1, 1}}));
  EXPECT_EQ(d.hs[0].positive_buckets, Deltas({10, 5}));
  EXPECT_EQ(d.hs[0].negative_spans, (std::vector<model::Span>{{0, 2}}));
  EXPECT_EQ(d.hs[0].negative_buckets, Deltas({7, 1}));
  FloatHistogramIterator fit(f.chunks[0]->bytes());
  ASSERT_EQ(fit.Next(), storage::ValueType::kFloatHistogram);
  model::FloatHistogram got;
  fit.AtFloatHistogram(&got);
  EXPECT_EQ(got.schema, 8);
  EXPECT_EQ(got.positive_buckets, (std::vector<double>{10, 5}));
}

TEST(ChunkEncodings, StartTimestampVariantsStayUnsupported) {
  auto it = NewIterator(Encoding::kHistogramSt, "\x00\x00\x00");
  EXPECT_EQ(it->Next(), storage::ValueType::kNone);
  EXPECT_EQ(it->Err().ToString(), "unsupported chunk encoding histogramST");
}

}  // namespace
}  // namespace promkit::tsdb::chunkenc

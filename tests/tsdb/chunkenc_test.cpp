#include <bit>
#include <cmath>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "tsdb/chunkenc/bstream.h"
#include "tsdb/chunkenc/chunk.h"
#include "tsdb/chunkenc/xor.h"
#include "tsdb/chunks/reader.h"
#include "tsdb/index/reader.h"
#include "tsdb_test_util.h"
#include "util/crc32c.h"
#include "util/varint.h"

namespace promkit::tsdb {
namespace {

using Samples = std::vector<std::pair<int64_t, double>>;

Samples Decode(std::string_view data, util::Status* err) {
  chunkenc::XorIterator it(data);
  Samples out;
  while (it.Next() == storage::ValueType::kFloat) out.emplace_back(it.AtT(), it.AtFloat());
  *err = it.Err();
  return out;
}

std::string Encode(const Samples& s) {
  chunkenc::XorEncoder enc;
  for (const auto& [t, v] : s) enc.Append(t, v);
  return std::string(enc.bytes());
}

bool SameBits(double a, double b) {
  return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b);
}

TEST(Crc32c, KnownVectors) {
  EXPECT_EQ(util::Crc32c(""), 0u);
  EXPECT_EQ(util::Crc32c("123456789"), 0xE3069283u);  // the CRC-32C check value
  std::string long_input(1000, 'x');
  EXPECT_EQ(util::Crc32c(long_input), util::Crc32c(long_input.substr(3), util::Crc32c("xxx")));
}

TEST(Varint, RoundTrip) {
  const int64_t cases[] = {0,
                           1,
                           -1,
                           63,
                           -64,
                           64,
                           300,
                           -300,
                           std::numeric_limits<int64_t>::max(),
                           std::numeric_limits<int64_t>::min()};
  for (int64_t v : cases) {
    SCOPED_TRACE(v);
    std::string b;
    util::PutVarint(b, v);
    int64_t got = 0;
    ASSERT_EQ(util::GetVarint(b, &got), b.size());
    EXPECT_EQ(got, v);
    EXPECT_EQ(util::GetVarint(b.substr(0, b.size() - 1), &got), 0u);  // truncated
  }
  uint64_t u = 0;
  EXPECT_EQ(util::GetUvarint(std::string(10, '\xff'), &u), 0u);  // overflows 64 bits
}

TEST(BitStream, WritesMostSignificantFirst) {
  chunkenc::BitWriter w;
  w.WriteBit(true);
  w.WriteBits(0b0101, 4);
  w.WriteBits(0x1ff, 9);
  ASSERT_EQ(w.bytes().size(), 2u);
  EXPECT_EQ(static_cast<uint8_t>(w.bytes()[0]), 0b10101111);
  EXPECT_EQ(static_cast<uint8_t>(w.bytes()[1]), 0b11111100);
  chunkenc::BitReader r(w.bytes());
  uint64_t v = 0;
  ASSERT_TRUE(r.ReadBits(5, &v));
  EXPECT_EQ(v, 0b10101u);
  ASSERT_TRUE(r.ReadBits(9, &v));
  EXPECT_EQ(v, 0x1ffu);
  ASSERT_TRUE(r.ReadBits(2, &v));
  EXPECT_FALSE(r.ReadBits(1, &v));
}

TEST(Xor, RoundTripTable) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  // Prometheus's stale marker: a signalling NaN payload that must survive bit for bit.
  const double stale = std::bit_cast<double>(uint64_t{0x7ff0000000000002});
  const std::vector<std::pair<std::string, Samples>> cases = {
      {"one", {{1000, 1.5}}},
      {"two", {{-5, 0}, {10, -0.0}}},
      {"regular", {{0, 1}, {15000, 2}, {30000, 3}, {45000, 4}, {60000, 4}}},
      {"specials", {{1, nan}, {2, inf}, {3, -inf}, {4, stale}, {5, 1e-300}, {6, 1e300}, {7, 0}}},
      // Delta-of-delta at each bucket edge: 14, 17, 20 and 64 bits, both signs.
      {"dod edges",
       {{0, 1},
        {10, 1},
        {20 + 8192, 1},
        {30 + 8192 * 2 - 8191, 2},
        {40 + 65536 * 4, 3},
        {50 + 65536 * 4 + 524288 * 2, 4},
        {60 + (int64_t{1} << 40), 5},
        {61 + (int64_t{1} << 40), 6},
        {62 + (int64_t{1} << 40), 7}}},
      {"negative ts", {{-100000, 3}, {-99000, 3.5}, {-98000, 3.25}, {-96000, 1e10}}},
      {"extremes",
       {{std::numeric_limits<int64_t>::min() / 4, 1},
        {0, 2},
        {std::numeric_limits<int64_t>::max() / 4, 3}}},
  };
  for (const auto& [name, samples] : cases) {
    SCOPED_TRACE(name);
    std::string chunk = Encode(samples);
    util::Status err;
    Samples got = Decode(chunk, &err);
    ASSERT_TRUE(err.ok()) << err.ToString();
    ASSERT_EQ(got.size(), samples.size());
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].first, samples[i].first) << i;
      EXPECT_TRUE(SameBits(got[i].second, samples[i].second)) << i;
    }
  }
}

TEST(Xor, RandomSamplesRoundTrip) {
  Samples s;
  uint64_t x = 88172645463325252ull;
  int64_t t = 1700000000000;
  for (int i = 0; i < chunkenc::kSamplesPerChunk; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    t += 15000 + static_cast<int64_t>(x % 7) - 3;
    s.emplace_back(t, static_cast<double>(x % 100000) / 7);
  }
  std::string chunk = Encode(s);
  util::Status err;
  EXPECT_EQ(Decode(chunk, &err), s);
  EXPECT_TRUE(err.ok());
}

TEST(Xor, SeekSkipsEarlierSamples) {
  std::string chunk = Encode({{10, 1}, {20, 2}, {30, 3}});
  chunkenc::XorIterator it(chunk);
  EXPECT_EQ(it.Seek(15), storage::ValueType::kFloat);
  EXPECT_EQ(it.AtT(), 20);
  EXPECT_EQ(it.Seek(5), storage::ValueType::kFloat);  // never backwards
  EXPECT_EQ(it.AtT(), 20);
  EXPECT_EQ(it.Seek(31), storage::ValueType::kNone);
  EXPECT_TRUE(it.Err().ok());
}

TEST(Xor, TruncatedChunksFailCleanly) {
  Samples s;
  for (int i = 0; i < 50; ++i) s.emplace_back(i * 1000 + (i % 3), i * 1.25);
  std::string chunk = Encode(s);
  for (size_t n = 0; n < chunk.size(); ++n) {
    SCOPED_TRACE(n);
    util::Status err;
    Samples got = Decode(std::string_view(chunk).substr(0, n), &err);
    EXPECT_FALSE(err.ok());
    EXPECT_EQ(err.code(), util::Code::kCorruption);
    EXPECT_LT(got.size(), s.size());
  }
}

TEST(Xor, ImpossibleWindowIsCorruption) {
  chunkenc::BitWriter w;
  w.WriteBits(3, 16);  // 3 samples
  w.WriteBits(0, 8);   // ts 0
  w.WriteBits(0, 64);  // value 0
  w.WriteBits(1, 8);   // delta 1
  w.WriteBits(0b11, 2);
  w.WriteBits(31, 5);  // 31 leading zeros ...
  w.WriteBits(40, 6);  // ... and 40 bits: 71 > 64
  w.WriteBits(0, 64);
  util::Status err;
  Samples got = Decode(w.bytes(), &err);
  EXPECT_EQ(got.size(), 1u);
  EXPECT_NE(err.ToString().find("exceed 64"), std::string::npos) << err.ToString();
}

TEST(Chunkenc, HistogramEncodingsAreRecognisedNotMisread) {
  const std::tuple<chunkenc::Encoding, std::string_view, storage::ValueType> cases[] = {
      {chunkenc::Encoding::kHistogram, "histogram", storage::ValueType::kHistogram},
      {chunkenc::Encoding::kFloatHistogram, "floathistogram", storage::ValueType::kFloatHistogram},
      {chunkenc::Encoding::kXor2, "XOR2", storage::ValueType::kFloat},
      {chunkenc::Encoding::kHistogramSt, "histogramST", storage::ValueType::kHistogram},
      {chunkenc::Encoding::kFloatHistogramSt, "floathistogramST",
       storage::ValueType::kFloatHistogram},
  };
  for (const auto& [enc, name, type] : cases) {
    SCOPED_TRACE(name);
    EXPECT_EQ(chunkenc::EncodingName(enc), name);
    EXPECT_EQ(chunkenc::ValueTypeOf(enc), type);
    EXPECT_TRUE(chunkenc::IsValidEncoding(static_cast<uint8_t>(enc)));
    auto it = chunkenc::NewIterator(enc, "\x00\x01\x02\x03");
    EXPECT_EQ(it->Next(), storage::ValueType::kNone);
    // Histogram chunks decode (chunkenc_histogram_test.cpp): this data (a C string: empty) is
    // too short.
    if (enc == chunkenc::Encoding::kHistogram || enc == chunkenc::Encoding::kFloatHistogram) {
      EXPECT_NE(it->Err().ToString().find("has no header"), std::string::npos)
          << it->Err().ToString();
    } else {
      EXPECT_EQ(it->Err().ToString(), "unsupported chunk encoding " + std::string(name));
    }
  }
  EXPECT_FALSE(chunkenc::IsValidEncoding(0));
  EXPECT_FALSE(chunkenc::IsValidEncoding(7));
}

// Every chunk promtool wrote decodes, and re-encoding its samples gives the same bytes: the
// encoder is bit-for-bit Prometheus's.
TEST(Xor, PromtoolChunksDecodeAndReencodeIdentically) {
  for (const char* block : {"basic/01M7ZXFA56FHQ87QFQY47SE0P5", "basic/01M7ZXFA93MGVK4NH2FR3BCFWC",
                            "dumptest/01M7ZXFK87PXJE7SR1P94ZNJGT"}) {
    SCOPED_TRACE(block);
    auto ix = index::Reader::Open(testing::Fixture(block) + "/index");
    ASSERT_TRUE(ix.ok()) << ix.status().ToString();
    auto cr = chunks::Reader::Open(testing::Fixture(block) + "/chunks");
    ASSERT_TRUE(cr.ok()) << cr.status().ToString();
    auto refs = (*ix)->AllPostings();
    ASSERT_TRUE(refs.ok());
    int chunks_seen = 0;
    for (index::SeriesRef ref : *refs) {
      auto s = (*ix)->Series(ref);
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      for (const index::ChunkMeta& m : s->chunks) {
        auto c = (*cr)->Chunk(m.ref);
        ASSERT_TRUE(c.ok()) << c.status().ToString();
        ASSERT_EQ(c->encoding, chunkenc::Encoding::kXor);
        util::Status err;
        Samples got = Decode(c->data, &err);
        ASSERT_TRUE(err.ok()) << err.ToString();
        ASSERT_FALSE(got.empty());
        EXPECT_EQ(got.front().first, m.mint);
        EXPECT_EQ(got.back().first, m.maxt);
        EXPECT_EQ(Encode(got), c->data);
        ++chunks_seen;
      }
    }
    EXPECT_GT(chunks_seen, 0);
  }
}

}  // namespace
}  // namespace promkit::tsdb

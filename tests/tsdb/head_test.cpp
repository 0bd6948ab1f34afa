// The head replayed from hand-made wal/ and chunks_head/ directories: upstream's replay rules
// (checkpoint then later segments, resets on duplicate series records, min valid time,
// m-mapped chunks, tombstones), the tolerated and the fatal damage, and DbReadOnly merging
// blocks with the head without touching the directory.
#include "tsdb/head/head.h"

#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tsdb/db_readonly.h"
#include "tsdb/selector_stopgap.h"
#include "tsdb/wal/reader.h"
#include "tsdb/wal/record.h"
#include "tsdb_test_util.h"
#include "util/varint.h"
#include "wal_test_util.h"

namespace promkit::tsdb::head {
namespace {

namespace fs = std::filesystem;
using testing::HeadChunkFileWriter;
using testing::SegmentWriter;
using wal::RefSample;
using wal::RefSeries;

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

std::string SeriesRec(std::vector<std::pair<uint64_t, model::Labels>> series) {
  std::vector<RefSeries> v;
  for (auto& [ref, ls] : series) v.push_back({ref, ls});
  return wal::EncodeSeries(v);
}

std::string SamplesRec(const std::vector<RefSample>& s) { return wal::EncodeSamples(s); }

model::Labels Up(std::string_view job) {
  return model::Labels::FromStrings({"__name__", "up", "job", job});
}

// A data directory under a scratch dir, written file by file.
class DataDir {
 public:
  DataDir() : path_(scratch_.path() + "/data") { fs::create_directories(path_ + "/wal"); }
  const std::string& path() const { return path_; }
  void Write(const std::string& rel, const std::string& bytes) {
    fs::create_directories(fs::path(path_ + "/" + rel).parent_path());
    testing::WriteAll(path_ + "/" + rel, bytes);
  }
  void Segment(int index, const SegmentWriter& w, const std::string& dir = "wal") {
    char name[16];
    std::snprintf(name, sizeof name, "%08d", index);
    Write(dir + "/" + name, w.bytes());
  }

 private:
  testing::ScratchDir scratch_;
  std::string path_;
};

util::Result<std::shared_ptr<const Head>> Open(const DataDir& d, int64_t min_valid = kMin) {
  Head::Options o;
  o.min_valid_time = min_valid;
  return Head::OpenReadOnly(d.path(), o);
}

// promtool dump lines of `q` for `selector`, in the order the querier yields them.
std::vector<std::string> Dump(storage::Querier& q, std::string_view selector, bool sorted = true) {
  auto ms = ParseSelectorStopgap(selector);
  EXPECT_TRUE(ms.ok()) << ms.status().ToString();
  auto ss = q.Select(sorted, nullptr, *ms);
  util::Status err;
  std::vector<std::string> lines = testing::DumpLines(*ss, &err);
  EXPECT_TRUE(err.ok()) << err.ToString();
  return lines;
}

std::vector<std::string> Dump(const Head& h, std::string_view selector, int64_t mint = kMin,
                              int64_t maxt = kMax, bool sorted = true) {
  auto q = h.NewQuerier(mint, maxt);
  return Dump(*q, selector, sorted);
}

const std::string kA = "{__name__=\"up\", job=\"a\"}";
const std::string kB = "{__name__=\"up\", job=\"b\"}";

TEST(Head, ReplaysSeriesSamplesAndTombstones) {
  DataDir d;
  SegmentWriter w;
  // Refs against label order: b is ref 1, a is ref 2.
  w.Add(SeriesRec({{1, Up("b")}, {2, Up("a")}}));
  w.Add(SamplesRec({{1, 1000, 1}, {2, 1000, 10}, {1, 2000, 2}, {2, 2000, 20}}), true);
  w.Add(SamplesRec({{1, 3000, 3}, {2, 3000, 30}, {1, 4000, 4}}));
  w.Add(wal::EncodeTombstones({{2, {1500, 2500}}}));
  d.Segment(0, w);
  auto h = Open(d);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ((*h)->num_series(), 2u);
  EXPECT_EQ((*h)->MinTime(), 1000);
  EXPECT_EQ((*h)->MaxTime(), 4000);
  EXPECT_EQ((*h)->stats().samples_appended, 7u);
  EXPECT_EQ((*h)->stats().tombstones, 1u);
  EXPECT_TRUE((*h)->warnings().empty());

  std::vector<std::string> sorted = {kA + " 10 1000", kA + " 30 3000", kB + " 1 1000",
                                     kB + " 2 2000",  kB + " 3 3000",  kB + " 4 4000"};
  EXPECT_EQ(Dump(**h, "up"), sorted);
  // Unsorted: upstream's head postings order, by series ref.
  std::vector<std::string> by_ref = {kB + " 1 1000", kB + " 2 2000",  kB + " 3 3000",
                                     kB + " 4 4000", kA + " 10 1000", kA + " 30 3000"};
  EXPECT_EQ(Dump(**h, "up", kMin, kMax, false), by_ref);
  EXPECT_EQ(Dump(**h, "up{job=\"a\"}"),
            (std::vector<std::string>{kA + " 10 1000", kA + " 30 3000"}));
  EXPECT_EQ(Dump(**h, "{job!=\"a\"}", 2000, 3000),
            (std::vector<std::string>{kB + " 2 2000", kB + " 3 3000"}));
  EXPECT_TRUE(Dump(**h, "{job=\"c\"}").empty());

  auto q = (*h)->NewQuerier(kMin, kMax);
  auto names = q->LabelNames({});
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"__name__", "job"}));
  auto values = q->LabelValues("job", {});
  ASSERT_TRUE(values.ok());
  EXPECT_EQ(*values, (std::vector<std::string>{"a", "b"}));
}

TEST(Head, CheckpointThenTheSegmentsAfterIt) {
  DataDir d;
  SegmentWriter cp;
  cp.Add(SeriesRec({{1, Up("a")}}));
  cp.Add(SamplesRec({{1, 1000, 1}}));
  d.Segment(0, cp, "wal/checkpoint.00000001");
  SegmentWriter old_cp;  // an older checkpoint upstream would have deleted: not read
  old_cp.Add(SeriesRec({{7, Up("stale")}}));
  d.Segment(0, old_cp, "wal/checkpoint.00000000");
  d.Write("wal/checkpoint.00000002.tmp/00000000", "garbage: still being written");
  SegmentWriter s1;  // covered by the checkpoint
  s1.Add(SamplesRec({{1, 1500, 99}}));
  d.Segment(1, s1);
  SegmentWriter s2, s3;
  s2.Add(SamplesRec({{1, 2000, 2}}));
  s2.Add(SeriesRec({{2, Up("b")}}));
  s3.Add(SamplesRec({{2, 3000, 30}, {1, 3000, 3}}));
  d.Segment(2, s2);
  d.Segment(3, s3);
  auto h = Open(d);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ((*h)->stats().checkpoint, 1);
  EXPECT_EQ((*h)->stats().first_segment, 2);
  EXPECT_EQ((*h)->stats().last_segment, 3);
  EXPECT_EQ(Dump(**h, "up"), (std::vector<std::string>{kA + " 1 1000", kA + " 2 2000",
                                                       kA + " 3 3000", kB + " 30 3000"}));
}

TEST(Head, MinValidTimeDropsWhatBlocksHold) {
  DataDir d;
  SegmentWriter w;
  w.Add(SeriesRec({{1, Up("a")}, {2, Up("b")}}));
  w.Add(SamplesRec({{1, 1000, 1}, {1, 2000, 2}, {2, 1500, 15}, {1, 3000, 3}}));
  w.Add(wal::EncodeTombstones({{1, {0, 1999}}}));  // ends before min valid time: dropped
  d.Segment(0, w);
  auto h = Open(d, 2000);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ((*h)->MinTime(), 2000);
  EXPECT_EQ((*h)->num_series(), 1u);  // b had only old samples: gone
  EXPECT_EQ(Dump(**h, "up"), (std::vector<std::string>{kA + " 2 2000", kA + " 3 3000"}));
  EXPECT_EQ((*h)->stats().samples_dropped, 2u);
}

TEST(Head, OutOfOrderAndDuplicateSamplesAreDropped) {
  DataDir d;
  SegmentWriter w;
  w.Add(SeriesRec({{1, Up("a")}}));
  w.Add(SamplesRec({{1, 2000, 2}, {1, 1000, 1}, {1, 2000, 22}, {1, 3000, 3}}));
  w.Add(SamplesRec({{42, 5000, 5}}));  // a ref no series record declared
  d.Segment(0, w);
  auto h = Open(d);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(Dump(**h, "up"), (std::vector<std::string>{kA + " 2 2000", kA + " 3 3000"}));
  EXPECT_EQ((*h)->stats().samples_dropped, 2u);
  EXPECT_EQ((*h)->stats().unknown_refs, 1u);
  // The rejected sample still lowered the head's min time, as upstream counts it.
  EXPECT_EQ((*h)->MinTime(), 1000);
}

TEST(Head, ManySamplesSpanSeveralChunks) {
  DataDir d;
  SegmentWriter w;
  w.Add(SeriesRec({{1, Up("a")}}));
  std::vector<RefSample> s;
  for (int i = 0; i < 1000; ++i) s.push_back({1, i * 15000, i * 0.5});
  w.Add(SamplesRec(s), true);
  d.Segment(0, w);
  auto h = Open(d);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ((*h)->series(0).chunks.size(), 9u);  // 120 samples each
  std::vector<std::string> got = Dump(**h, "up", 15000 * 100, 15000 * 899);
  ASSERT_EQ(got.size(), 800u);
  EXPECT_EQ(got.front(), kA + " 50 1500000");
  EXPECT_EQ(got.back(), kA + " 449.5 13485000");
}

TEST(Head, DuplicateSeriesRecordResetsTheSeries) {
  // Upstream: a second series record for known labels maps its ref to the series and resets
  // it to that record's m-mapped chunks; samples replayed into it before are dropped.
  DataDir d;
  SegmentWriter w;
  w.Add(SeriesRec({{1, Up("a")}}));
  w.Add(SamplesRec({{1, 1000, 1}, {1, 2000, 2}}));
  w.Add(SeriesRec({{5, Up("a")}}));
  w.Add(SamplesRec({{5, 3000, 3}, {1, 4000, 4}}));
  w.Add(wal::EncodeTombstones({{5, {0, kMax}}}));  // upstream does not follow the mapping here
  d.Segment(0, w);
  auto h = Open(d);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ((*h)->num_series(), 1u);
  EXPECT_EQ((*h)->series(0).ref, 1u);
  EXPECT_EQ(Dump(**h, "up"), (std::vector<std::string>{kA + " 3 3000", kA + " 4 4000"}));
  EXPECT_EQ((*h)->stats().unknown_refs, 1u);
}

TEST(Head, MmappedChunksJoinTheirSeries) {
  DataDir d;
  HeadChunkFileWriter f1;
  f1.AddXor(1, {{1000, 1}, {2000, 2}, {3000, 3}});
  f1.AddXor(9, {{1000, 9}});                                // no series record: dropped
  f1.AddXor(2, {{100, 1}, {200, 2}});                       // ends before min valid time: dropped
  f1.Add(1, 5000, 6000, 0x81, std::string("\x00\x00", 2));  // out-of-order chunk: skipped
  d.Write("chunks_head/000001", f1.bytes() + std::string(4096, '\0'));  // preallocated tail
  SegmentWriter w;
  w.Add(SeriesRec({{1, Up("a")}, {2, Up("b")}}));
  // 2000 is already m-mapped; 4000 and 5000 are new.
  w.Add(SamplesRec({{1, 2000, 99}, {1, 4000, 4}, {1, 5000, 5}, {2, 900, 9}}));
  d.Segment(0, w);
  auto h = Open(d, 500);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ((*h)->stats().mmapped_chunks, 1u);
  EXPECT_EQ((*h)->stats().ooo_mmapped_chunks, 1u);
  ASSERT_EQ((*h)->warnings().size(), 1u);
  EXPECT_TRUE((*h)->warnings()[0].starts_with("out-of-order samples are not read"));
  EXPECT_EQ(Dump(**h, "up"),
            (std::vector<std::string>{kA + " 1 1000", kA + " 2 2000", kA + " 3 3000",
                                      kA + " 4 4000", kA + " 5 5000", kB + " 9 900"}));

  // With blocks up to 1500, b's sample is gone, but the m-mapped chunk ending after 1500 stays
  // whole: its samples before the head's min time still show, as upstream's do.
  h = Open(d, 1500);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ((*h)->MinTime(), 1500);
  EXPECT_EQ((*h)->num_series(), 1u);
  EXPECT_EQ(Dump(**h, "up", kMin, 2000),
            (std::vector<std::string>{kA + " 1 1000", kA + " 2 2000"}));
}

TEST(Head, CorruptHeadChunkFileIsSkippedFromThereOn) {
  DataDir d;
  HeadChunkFileWriter f1, f2;
  f1.AddXor(1, {{1000, 1}, {2000, 2}});
  uint64_t off = f2.AddXor(1, {{3000, 3}, {4000, 4}});
  std::string bad = f2.bytes();
  bad[bad.size() - 6] ^= 1;  // inside the chunk data: CRC mismatch
  d.Write("chunks_head/000001", f1.bytes());
  d.Write("chunks_head/000002", bad);
  SegmentWriter w;
  w.Add(SeriesRec({{1, Up("a")}}));
  w.Add(SamplesRec({{1, 4000, 4}, {1, 5000, 5}}));
  d.Segment(0, w);
  auto h = Open(d);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  ASSERT_EQ((*h)->warnings().size(), 1u);
  EXPECT_TRUE((*h)->warnings()[0].starts_with(d.path() + "/chunks_head/000002: offset " +
                                              std::to_string(off) + ": checksum mismatch"))
      << (*h)->warnings()[0];
  // The WAL still had 4000 and 5000; 3000 was only in the skipped file.
  EXPECT_EQ(Dump(**h, "up"), (std::vector<std::string>{kA + " 1 1000", kA + " 2 2000",
                                                       kA + " 4 4000", kA + " 5 5000"}));
}

TEST(Head, OutOfSequenceMmappedChunksAreAllSkipped) {
  DataDir d;
  HeadChunkFileWriter f1;
  f1.AddXor(1, {{1000, 1}, {2000, 2}});
  f1.AddXor(1, {{1500, 1.5}});
  d.Write("chunks_head/000001", f1.bytes());
  SegmentWriter w;
  w.Add(SeriesRec({{1, Up("a")}}));
  w.Add(SamplesRec({{1, 3000, 3}}));
  d.Segment(0, w);
  auto h = Open(d);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  ASSERT_EQ((*h)->warnings().size(), 1u);
  EXPECT_TRUE((*h)->warnings()[0].starts_with(
      "out of sequence m-mapped chunk for series ref 1, last chunk: [1000, 2000], new: [1500, "
      "1500]"));
  EXPECT_EQ(Dump(**h, "up"), (std::vector<std::string>{kA + " 3 3000"}));
}

TEST(Head, BadHeadChunkFileHeaderFails) {
  DataDir d;
  d.Write("chunks_head/000001", std::string("\x01\x30\xbc\x92\x01\x00\x00\x00", 8));
  d.Segment(0, SegmentWriter());
  auto h = Open(d);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().ToString(),
            d.path() + "/chunks_head/000001: offset 0: invalid magic number 130bc92");
}

TEST(Head, NativeHistogramsFromTheWal) {
  DataDir d;
  SegmentWriter w;
  w.Add(SeriesRec({{1, Up("a")}}));
  w.Add(SamplesRec({{1, 1000, 1}}));
  // Two integer histogram samples for ref 1 at 2000 and 3000 (schema 0, one bucket).
  std::string h = std::string(1, 7);
  std::string base = std::string("\x00\x00\x00\x00\x00\x00\x00\x01", 8) +
                     std::string("\x00\x00\x00\x00\x00\x00\x07\xd0", 8);
  std::string hist = std::string("\x00\x00", 2) + std::string(8, '\0') +
                     std::string("\x00\x01", 2) + std::string(8, '\0') +
                     std::string("\x01\x00\x01\x00\x01\x02\x00", 7);
  h += base + std::string("\x00\x00", 2) + hist + std::string("\x00\xd0\x0f", 3) + hist;
  w.Add(h);
  w.Add(SamplesRec({{1, 2500, 2.5}, {1, 4000, 4}}));
  // A float histogram and one with an unknown schema (60) for ref 1, via the encoder.
  wal::RefHistogramSample fh;
  fh.ref = 1;
  fh.t = 5000;
  fh.is_float = true;
  fh.fh.count = 2.5;
  fh.fh.sum = 1;
  fh.fh.positive_spans = {{1, 1}};
  fh.fh.positive_buckets = {2.5};
  wal::RefHistogramSample bad = fh;
  bad.t = 6000;
  bad.fh.schema = 60;
  w.Add(wal::EncodeHistogramSamples(wal::RecordType::kFloatHistogramSamples, {fh, bad}));
  d.Segment(0, w);
  auto head = Open(d);
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ((*head)->stats().histogram_samples, 4u);
  EXPECT_EQ((*head)->stats().histogram_samples_appended, 3u);
  EXPECT_EQ((*head)->stats().histogram_samples_skipped, 1u);
  ASSERT_EQ((*head)->warnings().size(), 1u);
  EXPECT_EQ((*head)->warnings()[0],
            "1 native histogram samples with an unknown schema were skipped (as upstream does)");
  // 2500 comes after a histogram at 3000: out of order, as upstream.
  EXPECT_EQ(Dump(**head, "up"),
            (std::vector<std::string>{kA + " 1 1000", kA + " {count:1, sum:0, (0.5,1]:1} 2000",
                                      kA + " {count:1, sum:0, (0.5,1]:1} 3000", kA + " 4 4000",
                                      kA + " {count:2.5, sum:1, (1,2]:2.5} 5000"}));
}

TEST(Head, TornLastSegmentKeepsWhatCameBefore) {
  DataDir d;
  SegmentWriter s0, s1;
  s0.Add(SeriesRec({{1, Up("a")}}));
  s0.Add(SamplesRec({{1, 1000, 1}}));
  s1.Add(SamplesRec({{1, 2000, 2}}));
  std::vector<RefSample> big;
  for (int i = 0; i < 5000; ++i) big.push_back({1, 3000 + i, 3});
  s1.Add(SamplesRec(big));  // spans pages: cut it in its second page
  d.Segment(0, s0);
  d.Write("wal/00000001", s1.bytes().substr(0, wal::kPageSize + 100));
  const uint16_t last_fragment = util::BigEndian16(s1.bytes().data() + wal::kPageSize + 1);
  auto h = Open(d);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(Dump(**h, "up"), (std::vector<std::string>{kA + " 1 1000", kA + " 2 2000"}));
  ASSERT_EQ((*h)->warnings().size(), 1u);
  EXPECT_EQ((*h)->warnings()[0],
            "WAL ends inside a record (" + d.path() + "/wal/00000001 at 32768: fragment of " +
                std::to_string(last_fragment) +
                " bytes cut short by the end of the file (93 left)); the records before it were "
                "read (a crash or a copy of a live directory cuts the last record short)");
}

TEST(Head, DamageBeforeTheLastSegmentFailsNamingFileAndOffset) {
  DataDir d;
  SegmentWriter s0, s1;
  s0.Add(SeriesRec({{1, Up("a")}}));
  s0.Add(SamplesRec({{1, 1000, 1}}));
  std::string bad = s0.bytes();
  bad[bad.size() - 1] ^= 0x40;  // last byte of the samples record
  s1.Add(SamplesRec({{1, 2000, 2}}));
  d.Write("wal/00000000", bad);
  d.Segment(1, s1);
  auto h = Open(d);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), util::Code::kCorruption);
  SegmentWriter only_series;
  only_series.Add(SeriesRec({{1, Up("a")}}));
  const size_t second = only_series.bytes().size();  // where the samples record starts
  EXPECT_TRUE(h.status().ToString().starts_with("read records: corruption in segment " + d.path() +
                                                "/wal/00000000 at " + std::to_string(second) +
                                                ": unexpected checksum"))
      << h.status().ToString();

  // A record that does not decode names where it starts, too.
  DataDir d2;
  SegmentWriter s;
  s.Add(SeriesRec({{1, Up("a")}}));
  s.Add(SamplesRec({{1, 1000, 1}}) + "x");
  d2.Segment(0, s);
  h = Open(d2);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().ToString(), "corruption in segment " + d2.path() + "/wal/00000000 at " +
                                       std::to_string(second) +
                                       ": decode samples: decode error after 1 samples: invalid "
                                       "size");
}

TEST(Head, ZstdRecordFailsNamingSegment) {
  DataDir d;
  SegmentWriter w;
  w.AddRawFragment(0x11, "zstd frame");
  d.Segment(0, w);
  auto h = Open(d);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), util::Code::kInvalidArgument);
  EXPECT_EQ(h.status().ToString(), "cannot read segment " + d.path() +
                                       "/wal/00000000 at 0: zstd-compressed WAL records are not "
                                       "supported");
}

TEST(Head, MissingOrUnsequentialSegments) {
  DataDir d;
  SegmentWriter cp, s;
  cp.Add(SeriesRec({{1, Up("a")}}));
  d.Segment(0, cp, "wal/checkpoint.00000003");
  s.Add(SamplesRec({{1, 1000, 1}}));
  d.Segment(5, s);  // 4 is missing
  auto h = Open(d);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().ToString(),
            "open WAL segment: 4: open " + d.path() + "/wal/00000004: no such file or directory");

  d.Segment(7, s);
  h = Open(d);
  ASSERT_FALSE(h.ok());
  EXPECT_TRUE(h.status().ToString().starts_with("finding WAL segments: " + d.path() +
                                                "/wal: segments are not sequential"))
      << h.status().ToString();
}

TEST(Head, NoWalMeansAnEmptyHead) {
  testing::ScratchDir dir;
  auto h = Head::OpenReadOnly(dir.path(), {});
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ((*h)->num_series(), 0u);
  EXPECT_EQ((*h)->MinTime(), kMax);
  EXPECT_TRUE(Dump(**h, "up").empty());
}

TEST(Head, TombstonedHeadChunkKeepsItsSeriesListed) {
  // The open head chunk reaches to the end of time for the "whole chunk deleted" check, so a
  // tombstone over all its samples still lists the series (with no samples), as upstream.
  DataDir d;
  SegmentWriter w;
  w.Add(SeriesRec({{1, Up("a")}}));
  w.Add(SamplesRec({{1, 1000, 1}, {1, 2000, 2}}));
  w.Add(wal::EncodeTombstones({{1, {0, 5000}}}));
  d.Segment(0, w);
  auto h = Open(d);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  auto q = (*h)->NewQuerier(kMin, kMax);
  auto ms = ParseSelectorStopgap("up");
  auto ss = q->Select(true, nullptr, *ms);
  ASSERT_TRUE(ss->Next());
  EXPECT_EQ(ss->At().Labels().ToString(), kA);
  EXPECT_EQ(ss->At().Iterator()->Next(), storage::ValueType::kNone);
  EXPECT_FALSE(ss->Next());
}

// DbReadOnly over blocks (the `basic` fixture, max time 1700014400001) plus a WAL.
class DbWithWal : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.CopyFixture("basic", "db");
    fs::create_directories(db_ + "/wal");
    SegmentWriter w;
    w.Add(SeriesRec({{3, Up("a")}, {4, model::Labels::FromStrings({"__name__", "fresh"})}}));
    w.Add(SamplesRec({{3, 1700014400000, 1}, {3, 1700014400001, 2}, {4, 1700014400500, 3}}));
    testing::WriteAll(db_ + "/wal/00000000", w.bytes());
  }
  testing::ScratchDir dir_;
  std::string db_;
};

TEST_F(DbWithWal, QuerierMergesBlocksAndHead) {
  auto db = DbReadOnly::Open(db_);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_EQ((*db)->MaxBlockTime(), 1700014400001);
  auto q = (*db)->NewQuerier(kMin, kMax);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  // 1700014400000 is before the newest block's max time: dropped, as upstream.
  EXPECT_EQ(Dump(**q, "fresh"), (std::vector<std::string>{"{__name__=\"fresh\"} 3 1700014400500"}));
  EXPECT_EQ(Dump(**q, "up{job=\"a\"}"), (std::vector<std::string>{kA + " 2 1700014400001"}));
  std::vector<std::string> up = Dump(**q, "up");
  EXPECT_GT(up.size(), 1u);  // the blocks' up series and the head's, merged
  EXPECT_TRUE(std::is_sorted(up.begin(), up.end(), [](const std::string& a, const std::string& b) {
    return a.substr(0, a.find('}')) < b.substr(0, b.find('}'));
  }));
  EXPECT_TRUE((*q)->Close().ok());
  EXPECT_EQ((*db)->blocks().size(), 3u);  // `tsdb list` still shows the blocks only
}

TEST_F(DbWithWal, HeadIsReplayedOnlyWhenTheBlocksDoNotCoverMaxTime) {
  // A WAL that fails to replay: queries the blocks cover never touch it.
  std::string bad = testing::Fragment(0x01, "x");
  bad[7] ^= 1;
  testing::WriteAll(db_ + "/wal/00000000", bad);
  testing::WriteAll(db_ + "/wal/00000001", "");
  auto db = DbReadOnly::Open(db_);
  ASSERT_TRUE(db.ok());
  auto q = (*db)->NewQuerier(kMin, 1700000000000);
  EXPECT_TRUE(q.ok()) << q.status().ToString();
  q = (*db)->NewQuerier(kMin, kMax);
  ASSERT_FALSE(q.ok());
  EXPECT_TRUE(q.status().ToString().starts_with("read WAL: read records: corruption in segment " +
                                                db_ + "/wal/00000000 at 0:"))
      << q.status().ToString();
}

TEST_F(DbWithWal, ReadingLeavesTheDirectoryUntouched) {
  HeadChunkFileWriter f;
  f.AddXor(3, {{1700014400001, 1}});
  fs::create_directories(db_ + "/chunks_head");
  testing::WriteAll(db_ + "/chunks_head/000001", f.bytes());
  fs::create_directories(db_ + "/wal/checkpoint.00000000");
  auto before = testing::Snapshot(db_);
  {
    auto db = DbReadOnly::Open(db_);
    ASSERT_TRUE(db.ok());
    auto q = (*db)->NewQuerier(kMin, kMax);
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    EXPECT_FALSE(Dump(**q, "{__name__=~\".+\"}").empty());
  }
  EXPECT_TRUE(testing::Snapshot(db_) == before);
  EXPECT_FALSE(fs::exists(db_ + "/lock"));
}

}  // namespace
}  // namespace promkit::tsdb::head

// Blocks written by BlockBuilder: readable by our reader and by promtool, and byte-identical in
// index and chunks to the block promtool's backfill writes from the same samples.

#include "tsdb/block_writer.h"

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "testutil/subprocess.h"
#include "tsdb/block.h"
#include "tsdb/db_readonly.h"
#include "tsdb/meta.h"
#include "tsdb/tsdb_test_util.h"
#include "util/numbers.h"
#include "util/varint.h"

namespace promkit::tsdb {
namespace {

using testing::ReadAll;
using testing::ScratchDir;
namespace fs = std::filesystem;

constexpr int64_t kTwoHours = 2 * 3600 * 1000;

struct Sample {
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;
  int64_t t;
  double v;
};

// 40 series over most of one 2h window at 15s: counters with resets, gauges with decimals, a
// constant, gaps; timestamps in whole milliseconds.
std::vector<Sample> Samples(int64_t base) {
  std::vector<Sample> out;
  for (int s = 0; s < 40; ++s) {
    const std::string name = s % 2 == 0 ? "app_requests_total" : "app_temperature_celsius";
    for (int i = 0; i < 460; ++i) {
      if (s % 7 == 3 && i % 50 < 5) continue;  // gaps
      const int64_t t = base + i * 15000 + (s % 3) * 1000;
      double v;
      if (s % 2 == 0) {
        v = (i % 200) * (s + 1);  // counter with resets
      } else if (s % 5 == 1) {
        v = 42;
      } else {
        v = 20 + 0.25 * std::round(8 * std::sin(i / 17.0 + s));
      }
      out.push_back(
          Sample{name, {{"instance", fmt::format("host-{:02d}", s)}, {"job", "x"}}, t, v});
    }
  }
  return out;
}

model::Labels LabelsOf(const Sample& s) {
  std::vector<std::pair<std::string, std::string>> pairs = s.labels;
  pairs.emplace_back("__name__", s.name);
  return model::Labels::FromPairs(std::move(pairs));
}

std::string OpenMetrics(const std::vector<Sample>& samples) {
  std::string out = "# TYPE app_requests counter\n";
  for (const Sample& s : samples) {
    if (s.name != "app_requests_total") continue;
    out +=
        fmt::format("{}{{instance=\"{}\",job=\"{}\"}} {} {}.{:03d}\n", s.name, s.labels[0].second,
                    s.labels[1].second, util::FormatFloat(s.v, 'g', -1), s.t / 1000, s.t % 1000);
  }
  out += "# TYPE app_temperature_celsius gauge\n";
  for (const Sample& s : samples) {
    if (s.name != "app_temperature_celsius") continue;
    out +=
        fmt::format("{}{{instance=\"{}\",job=\"{}\"}} {} {}.{:03d}\n", s.name, s.labels[0].second,
                    s.labels[1].second, util::FormatFloat(s.v, 'g', -1), s.t / 1000, s.t % 1000);
  }
  return out + "# EOF\n";
}

std::string OnlyBlock(const std::string& dir) {
  std::vector<std::string> blocks;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (IsUlid(e.path().filename().string())) blocks.push_back(e.path().string());
  }
  EXPECT_EQ(blocks.size(), 1u) << dir;
  return blocks.empty() ? "" : blocks[0];
}

TEST(BlockWriter, WritesReadableBlockAtomically) {
  ScratchDir dir;
  BlockBuilder b(2 * kTwoHours);
  const int64_t base = 1700000000000 / kTwoHours * kTwoHours;
  std::vector<Sample> samples = Samples(base);
  for (const Sample& s : samples) ASSERT_TRUE(b.Append(LabelsOf(s), s.t, s.v).ok());
  util::Result<BlockMeta> meta = b.Flush(dir.path());
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  EXPECT_TRUE(IsUlid(meta->ulid));
  EXPECT_EQ(meta->stats.num_series, 40u);
  EXPECT_EQ(meta->stats.num_samples, samples.size());
  // Only the final directory is left.
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir.path())) {
    entries++;
    EXPECT_EQ(e.path().filename().string(), meta->ulid);
  }
  EXPECT_EQ(entries, 1);

  util::Result<MetaFile> read = ReadMeta(dir.path() + "/" + meta->ulid);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->meta.min_time, meta->min_time);
  EXPECT_EQ(read->meta.max_time, meta->max_time);
  EXPECT_EQ(read->meta.stats.num_chunks, meta->stats.num_chunks);

  util::Result<std::unique_ptr<DbReadOnly>> db = DbReadOnly::Open(dir.path());
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_EQ((*db)->blocks().size(), 1u);
}

TEST(BlockWriter, AppendErrorsAsUpstream) {
  BlockBuilder b(kTwoHours);
  model::Labels l = model::Labels::FromStrings({"__name__", "m"});
  ASSERT_TRUE(b.Append(l, 1000, 1).ok());
  EXPECT_TRUE(b.Append(l, 1000, 1).ok());  // same sample again: ignored
  EXPECT_EQ(b.NumSamples(), 1u);
  EXPECT_EQ(
      b.Append(l, 1000, 2.5).message(),
      "duplicate sample for timestamp 1000; overrides not allowed: existing 1, new value 2.5");
  EXPECT_EQ(b.Append(l, 999, 2).message(), "out of order sample");
}

// Stage/Commit behave as an upstream head appender batch: checked against what is committed,
// out-of-order within the batch dropped silently at commit.
TEST(BlockWriter, StagedBatchesAsUpstreamAppender) {
  BlockBuilder b(kTwoHours);
  const BlockBuilder::SeriesRef m = b.GetOrCreate(model::Labels::FromStrings({"__name__", "m"}));
  const BlockBuilder::SeriesRef n = b.GetOrCreate(model::Labels::FromStrings({"__name__", "n"}));
  EXPECT_EQ(b.GetOrCreate(model::Labels::FromStrings({"__name__", "m"})), m);
  ASSERT_TRUE(b.Stage(m, 100, 1).ok());
  ASSERT_TRUE(b.Stage(m, 50, 2).ok());   // nothing committed yet: accepted, dropped at commit
  ASSERT_TRUE(b.Stage(m, 100, 3).ok());  // a repeat within the batch: dropped too
  ASSERT_TRUE(b.Stage(n, 10, 1).ok());
  EXPECT_EQ(b.NumStaged(), 4u);
  EXPECT_EQ(b.NumSamples(), 0u);
  b.Commit();
  EXPECT_EQ(b.NumStaged(), 0u);
  EXPECT_EQ(b.NumSamples(), 2u);
  EXPECT_EQ(b.MinTime(), 10);
  EXPECT_EQ(b.MaxTime(), 100);
  // Now checked against the committed samples, with Append's errors.
  EXPECT_EQ(b.Stage(m, 99, 1).message(), "out of order sample");
  EXPECT_EQ(b.Stage(m, 100, 2).message(),
            "duplicate sample for timestamp 100; overrides not allowed: existing 1, new value 2");
  EXPECT_TRUE(b.Stage(m, 100, 1).ok());  // the committed sample again: ignored
  EXPECT_EQ(b.NumStaged(), 0u);
  ASSERT_TRUE(b.Stage(m, 200, 1).ok());
  ASSERT_TRUE(b.Append(m, 300, 1).ok());  // Append goes straight in
  b.Commit();                             // 200 is now before 300: dropped
  EXPECT_EQ(b.NumSamples(), 3u);
}

TEST(BlockWriter, SeriesWithoutSamplesLeftOut) {
  ScratchDir dir;
  BlockBuilder b(kTwoHours);
  b.GetOrCreate(model::Labels::FromStrings({"__name__", "empty"}));
  ASSERT_TRUE(b.Append(model::Labels::FromStrings({"__name__", "m"}), 1000, 1).ok());
  util::Result<BlockMeta> meta = b.Flush(dir.path());
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  EXPECT_EQ(meta->stats.num_series, 1u);
}

TEST(BlockWriter, FailedWriteLeavesNothing) {
  ScratchDir dir;
  util::FaultInjectionEnv env(util::Env::Default());
  env.SetFailRename(true);
  BlockBuilder b(kTwoHours);
  ASSERT_TRUE(b.Append(model::Labels::FromStrings({"__name__", "m"}), 1000, 1).ok());
  util::Result<BlockMeta> meta = b.Flush(dir.path(), &env);
  ASSERT_FALSE(meta.ok());
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

// The same samples through promtool's backfill and through BlockBuilder give the same index
// and chunk bytes, and promtool reads our block like its own.
TEST(BlockWriter, ByteIdenticalToPromtoolBackfill) {
  if (!fs::exists("/usr/bin/promtool")) GTEST_SKIP() << "promtool not installed";
  ScratchDir dir;
  const int64_t base = 1700000000000 / kTwoHours * kTwoHours;
  std::vector<Sample> samples = Samples(base);
  const std::string om = dir.path() + "/in.om";
  testing::WriteAll(om, OpenMetrics(samples));
  fs::create_directories(dir.path() + "/theirs");
  fs::create_directories(dir.path() + "/ours");
  testutil::ProcessResult r = testutil::RunProcess(
      "/usr/bin/promtool",
      {"promtool", "tsdb", "create-blocks-from", "openmetrics", "-q", om, dir.path() + "/theirs"});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  BlockBuilder b(2 * kTwoHours);  // promtool's backfill uses twice the block duration
  for (const Sample& s : samples) ASSERT_TRUE(b.Append(LabelsOf(s), s.t, s.v).ok());
  util::Result<BlockMeta> meta = b.Flush(dir.path() + "/ours");
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();

  const std::string theirs = OnlyBlock(dir.path() + "/theirs");
  const std::string ours = OnlyBlock(dir.path() + "/ours");
  ASSERT_FALSE(theirs.empty());
  // Prometheus 2.42 still writes the label-indices section that 3.x dropped; everything else
  // (header, symbols, series, postings) must match byte for byte.
  const std::string ti = ReadAll(theirs + "/index"), oi = ReadAll(ours + "/index");
  ASSERT_GT(ti.size(), 52u);
  ASSERT_GT(oi.size(), 52u);
  auto toc = [](const std::string& b, int i) {
    return util::BigEndian64(b.data() + b.size() - 52 + 8 * i);
  };
  EXPECT_EQ(toc(ti, 2), toc(oi, 2)) << "series end";
  EXPECT_TRUE(ti.substr(0, toc(ti, 2)) == oi.substr(0, toc(oi, 2))) << "symbols or series differ";
  // Postings: theirs end where the label-indices table starts, ours where the offset table does.
  EXPECT_TRUE(ti.substr(toc(ti, 4), toc(ti, 3) - toc(ti, 4)) ==
              oi.substr(toc(oi, 4), toc(oi, 5) - toc(oi, 4)))
      << "postings differ";
  EXPECT_EQ(toc(oi, 3), toc(oi, 5)) << "3.x writes no label indices";
  EXPECT_TRUE(ReadAll(theirs + "/chunks/000001") == ReadAll(ours + "/chunks/000001"))
      << "chunks differ";
  EXPECT_TRUE(ReadAll(theirs + "/tombstones") == ReadAll(ours + "/tombstones"));
  util::Result<MetaFile> tm = ReadMeta(theirs);
  ASSERT_TRUE(tm.ok());
  EXPECT_EQ(tm->meta.min_time, meta->min_time);
  EXPECT_EQ(tm->meta.max_time, meta->max_time);
  EXPECT_EQ(tm->meta.stats.num_samples, meta->stats.num_samples);
  EXPECT_EQ(tm->meta.stats.num_chunks, meta->stats.num_chunks);
  EXPECT_EQ(tm->meta.stats.num_series, meta->stats.num_series);

  // promtool 2.42's read-only open wants a wal directory.
  fs::create_directories(dir.path() + "/theirs/wal");
  fs::create_directories(dir.path() + "/ours/wal");
  testutil::ProcessResult d1 = testutil::RunProcess(
      "/usr/bin/promtool", {"promtool", "tsdb", "dump", dir.path() + "/theirs"});
  testutil::ProcessResult d2 =
      testutil::RunProcess("/usr/bin/promtool", {"promtool", "tsdb", "dump", dir.path() + "/ours"});
  ASSERT_EQ(d2.exit_code, 0) << d2.err;
  EXPECT_EQ(d1.out, d2.out);
  EXPECT_FALSE(d2.out.empty());
}

}  // namespace
}  // namespace promkit::tsdb

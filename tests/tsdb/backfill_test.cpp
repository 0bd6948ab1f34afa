// CreateBlocksFromOpenMetrics: promtool's block ranges, appender batching, errors and what is
// left on disk after a failure.
#include "tsdb/backfill.h"

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "tsdb/db_readonly.h"
#include "tsdb/meta.h"
#include "tsdb/tsdb_test_util.h"

namespace promkit::tsdb {
namespace {

using testing::ScratchDir;
namespace fs = std::filesystem;

constexpr int64_t kHour = 3600 * 1000;

std::vector<std::string> BlockDirs(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// promtool's dump lines of everything in `dir`, sorted.
std::vector<std::string> Dump(const std::string& dir) {
  util::Result<std::unique_ptr<DbReadOnly>> db = DbReadOnly::Open(dir);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  if (!db.ok()) return {};
  util::Result<std::unique_ptr<storage::Querier>> q =
      (*db)->NewQuerier(std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
  EXPECT_TRUE(q.ok());
  std::vector<model::Matcher> all = {
      *model::Matcher::Make(model::MatchType::kRegexMatch, "__name__", ".*")};
  std::unique_ptr<storage::SeriesSet> ss = (*q)->Select(true, nullptr, all);
  util::Status err;
  std::vector<std::string> lines = testing::DumpLines(*ss, &err);
  EXPECT_TRUE(err.ok()) << err.ToString();
  std::sort(lines.begin(), lines.end());
  return lines;
}

struct BackfillRun {
  std::optional<BackfillFailure> failure;
  std::vector<CreatedBlock> blocks;
};

BackfillRun Backfill(const std::string& input, const std::string& dir, BackfillOptions opts = {}) {
  BackfillRun r;
  r.failure = CreateBlocksFromOpenMetrics(input, dir, opts,
                                          [&](const CreatedBlock& b) { r.blocks.push_back(b); });
  return r;
}

TEST(Backfill, CompatibleBlockDuration) {
  const std::pair<int64_t, int64_t> cases[] = {
      {0, 2 * kHour},           {kHour, 2 * kHour},       {2 * kHour, 2 * kHour},
      {5 * kHour, 2 * kHour},   {6 * kHour, 6 * kHour},   {17 * kHour, 6 * kHour},
      {18 * kHour, 18 * kHour}, {24 * kHour, 18 * kHour}, {100000 * kHour, 39366 * kHour},
  };
  for (const auto& [in, want] : cases) {
    SCOPED_TRACE(in);
    EXPECT_EQ(CompatibleBlockDuration(in), want);
  }
}

// Three 2h blocks from one series-major file, reported in time order whatever the threads.
TEST(Backfill, BlocksPerWindowInOrder) {
  std::string om = "# TYPE a gauge\n";
  for (int s = 0; s < 3; ++s) {
    for (int i = 0; i < 600; ++i) {
      om += fmt::format("a{{s=\"{}\"}} {} {}\n", s, i * s, 3 * kHour / 1000 + i * 30);
    }
  }
  om += "# EOF\n";
  std::vector<std::string> reference;
  for (unsigned threads : {1u, 2u, 5u}) {
    SCOPED_TRACE(threads);
    ScratchDir dir;
    BackfillOptions opts;
    opts.threads = threads;
    BackfillRun r = Backfill(om, dir.path(), opts);
    ASSERT_FALSE(r.failure) << r.failure->status.ToString();
    ASSERT_EQ(r.blocks.size(), 3u);
    // Samples from 3h to 8h: blocks [2h,4h), [4h,6h), [6h,8h), each cut to its samples.
    EXPECT_EQ(r.blocks[0].meta.min_time, 3 * kHour);
    EXPECT_EQ(r.blocks[0].meta.max_time, 4 * kHour - 30000 + 1);
    EXPECT_EQ(r.blocks[1].meta.min_time, 4 * kHour);
    EXPECT_EQ(r.blocks[2].meta.max_time, 3 * kHour + 599 * 30000 + 1);
    uint64_t samples = 0;
    for (const CreatedBlock& b : r.blocks) {
      samples += b.meta.stats.num_samples;
      EXPECT_EQ(b.meta.stats.num_series, 3u);
      EXPECT_GT(b.size, 0u);
    }
    EXPECT_EQ(samples, 1800u);
    EXPECT_EQ(BlockDirs(dir.path()).size(), 3u);
    std::vector<std::string> dump = Dump(dir.path());
    EXPECT_EQ(dump.size(), 1800u);
    if (reference.empty()) reference = dump;
    EXPECT_EQ(dump, reference);
  }
}

TEST(Backfill, MaxBlockDurationAndCustomLabels) {
  std::string om;
  for (int i = 0; i < 100; ++i) om += fmt::format("a{{x=\"1\"}} {} {}\n", i, i * 600);
  om += "# EOF\n";
  ScratchDir dir;
  BackfillOptions opts;
  opts.max_block_duration_ms = 24 * kHour;  // -> 18h blocks
  opts.labels = {{"x", ""}, {"env", "prod"}, {"env", "dev"}};
  BackfillRun r = Backfill(om, dir.path(), opts);
  ASSERT_FALSE(r.failure) << r.failure->status.ToString();
  ASSERT_EQ(r.blocks.size(), 1u);
  EXPECT_EQ(r.blocks[0].meta.stats.num_samples, 100u);
  std::vector<std::string> dump = Dump(dir.path());
  ASSERT_FALSE(dump.empty());
  EXPECT_EQ(dump[0], "{__name__=\"a\", env=\"dev\"} 0 0");
}

// Every 5000 samples the appender commits: out of order against committed samples is an
// error, out of order within the open batch is dropped.
TEST(Backfill, AppenderBatches) {
  ScratchDir dir;
  BackfillOptions opts;
  opts.samples_per_commit = 3;
  // Batch 1: 10, 30, 20 -> 20 dropped at commit. Batch 2 starts at 40.
  BackfillRun r = Backfill("a 1 10\na 1 30\na 1 20\na 1 40\n# EOF\n", dir.path(), opts);
  ASSERT_FALSE(r.failure) << r.failure->status.ToString();
  ASSERT_EQ(r.blocks.size(), 1u);
  EXPECT_EQ(r.blocks[0].meta.stats.num_samples, 3u);

  ScratchDir dir2;
  const std::string bad = "a 1 10\na 1 30\na 1 20\na 1 25\n# EOF\n";
  r = Backfill(bad, dir2.path(), opts);
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure->status.ToString(),
            "block creation: process blocks: add sample: out of order sample");
  EXPECT_EQ(r.failure->offset, bad.find("a 1 25"));
  EXPECT_TRUE(fs::is_empty(dir2.path()));

  // Another value for the same timestamp: dropped within a batch, an error across batches.
  ScratchDir dir3;
  r = Backfill("a 1 10\na 2 10\n# EOF\n", dir3.path());
  EXPECT_FALSE(r.failure);
  ASSERT_EQ(r.blocks.size(), 1u);
  EXPECT_EQ(r.blocks[0].meta.stats.num_samples, 1u);
  opts.samples_per_commit = 1;
  r = Backfill("a 1 10\na 2 10\n# EOF\n", dir2.path(), opts);
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure->status.ToString(),
            "block creation: process blocks: add sample: duplicate sample for timestamp 10000; "
            "overrides not allowed: existing 1, new value 2");
}

TEST(Backfill, ErrorsBeforeWritingAnything) {
  const std::pair<std::string, std::string> cases[] = {
      {"a 1\n# EOF\n", "getting min and max timestamp: expected timestamp for series got none"},
      {"a 1 1\n", "getting min and max timestamp: next: data does not end with # EOF"},
  };
  for (const auto& [in, want] : cases) {
    SCOPED_TRACE(in);
    ScratchDir dir;
    BackfillRun r = Backfill(in, dir.path());
    ASSERT_TRUE(r.failure);
    EXPECT_EQ(r.failure->status.ToString(), want);
    EXPECT_TRUE(r.failure->offset.has_value());
    EXPECT_TRUE(fs::is_empty(dir.path()));
  }
}

// A failure in the third window leaves the first two blocks (as promtool, which writes them
// before reading further) and nothing else: no block of the failing or later windows, no
// temporary directory.
TEST(Backfill, FailureLeavesNoPartialBlock) {
  std::string om;
  for (int w = 0; w < 5; ++w) om += fmt::format("a 1 {}\n", w * 7200 + 10);
  om += "b 1 14410\nb 1 14405\n";  // window 2; across batches: an error
  om += "# EOF\n";
  for (unsigned threads : {1u, 3u}) {
    SCOPED_TRACE(threads);
    ScratchDir dir;
    BackfillOptions opts;
    opts.samples_per_commit = 1;
    opts.threads = threads;
    BackfillRun r = Backfill(om, dir.path(), opts);
    ASSERT_TRUE(r.failure);
    EXPECT_EQ(r.failure->status.ToString(),
              "block creation: process blocks: add sample: out of order sample");
    ASSERT_EQ(r.blocks.size(), 2u);
    std::vector<std::string> want = {r.blocks[0].meta.ulid, r.blocks[1].meta.ulid};
    std::sort(want.begin(), want.end());
    EXPECT_EQ(BlockDirs(dir.path()), want);
  }
}

TEST(Backfill, FailedWriteLeavesNothing) {
  std::string om;
  for (int w = 0; w < 4; ++w) om += fmt::format("a 1 {}\n", w * 7200 + 10);
  om += "# EOF\n";
  ScratchDir dir;
  util::FaultInjectionEnv env(util::Env::Default());
  env.SetFailRename(true);
  BackfillOptions opts;
  opts.env = &env;
  BackfillRun r = Backfill(om, dir.path(), opts);
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure->status.ToString().rfind("block creation: process blocks: flush: ", 0), 0u)
      << r.failure->status.ToString();
  EXPECT_TRUE(r.blocks.empty());
  EXPECT_TRUE(fs::is_empty(dir.path())) << BlockDirs(dir.path()).size();
}

TEST(Backfill, InvalidLabelSets) {
  ScratchDir dir;
  BackfillOptions opts;
  opts.labels = {{"__name__", ""}};
  BackfillRun r = Backfill("a 1 1\n# EOF\n", dir.path(), opts);
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure->status.ToString(),
            "block creation: process blocks: add sample: empty labelset: invalid sample");
}

// Samples before the first block's start (promtool rounds a negative start toward zero) are
// left out.
TEST(Backfill, NegativeTimestampsRoundTowardZero) {
  ScratchDir dir;
  BackfillRun r = Backfill("a 1 -1\na 2 1\n# EOF\n", dir.path());
  ASSERT_FALSE(r.failure) << r.failure->status.ToString();
  ASSERT_EQ(r.blocks.size(), 1u);
  EXPECT_EQ(r.blocks[0].meta.min_time, 1000);
  EXPECT_EQ(r.blocks[0].meta.stats.num_samples, 1u);
}

TEST(Backfill, NoSamplesNoBlocks) {
  ScratchDir dir;
  BackfillRun r = Backfill("# TYPE a gauge\n# EOF\n", dir.path());
  EXPECT_FALSE(r.failure);
  EXPECT_TRUE(r.blocks.empty());
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

}  // namespace
}  // namespace promkit::tsdb

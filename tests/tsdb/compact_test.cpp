// Offline compaction, deletion and tombstone cleaning (lib/tsdb/compact): the planner against
// upstream's plan() table, merging and deduplication, tombstones, meta.json, crash safety,
// corruption and the Prometheus lock.

#include "tsdb/compact.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "model/labels.h"
#include "tsdb/block.h"
#include "tsdb/block_writer.h"
#include "tsdb/db_readonly.h"
#include "tsdb/meta.h"
#include "tsdb/tsdb_test_util.h"
#include "util/file.h"
#include "util/numbers.h"

namespace promkit::tsdb {
namespace {

using testing::ReadAll;
using testing::ScratchDir;
namespace fs = std::filesystem;

constexpr int64_t kHour = 3600 * 1000;

// ---------------------------------------------------------------------------------------------
// Planner.

PlanInput MetaRange(std::string name, int64_t mint, int64_t maxt, uint64_t series = 0,
                    uint64_t tombstones = 0) {
  PlanInput p;
  p.name = std::move(name);
  p.meta.min_time = mint;
  p.meta.max_time = maxt;
  p.meta.stats.num_series = series;
  p.meta.stats.num_tombstones = tombstones;
  return p;
}

// Upstream TestLeveledCompactor/plan, case for case (ranges as ExponentialBlockRanges(20, 5, 3)).
TEST(PlanCompaction, UpstreamCases) {
  const std::vector<int64_t> ranges = ExponentialBlockRanges(20, 5, 3);
  ASSERT_EQ(ranges, (std::vector<int64_t>{20, 60, 180, 540, 1620}));
  const std::tuple<const char*, std::vector<PlanInput>, std::vector<std::string>> cases[] = {
      {"outside range", {MetaRange("1", 0, 20)}, {}},
      {"wait for four blocks of 20", {MetaRange("1", 0, 20), MetaRange("2", 20, 40)}, {}},
      {"three, the fresh one ignored",
       {MetaRange("1", 0, 20), MetaRange("2", 20, 40), MetaRange("3", 40, 60)},
       {}},
      {"block filling the parent range appeared",
       {MetaRange("1", 0, 20), MetaRange("2", 20, 40), MetaRange("3", 40, 60),
        MetaRange("4", 60, 80)},
       {"1", "2", "3"}},
      {"next parent range with a gap, fresh one ignored",
       {MetaRange("1", 0, 20), MetaRange("2", 20, 40), MetaRange("3", 60, 80)},
       {}},
      {"gap between second and third: compact the two",
       {MetaRange("1", 0, 20), MetaRange("2", 20, 40), MetaRange("3", 60, 80),
        MetaRange("4", 80, 100)},
       {"1", "2"}},
      {"20, 20, 20, 60, 60",
       {MetaRange("1", 0, 20), MetaRange("2", 20, 40), MetaRange("3", 40, 60),
        MetaRange("4", 60, 120), MetaRange("5", 120, 180)},
       {"1", "2", "3"}},
      {"20, 60, 20, 60, 240: 20 + 60 + 60",
       {MetaRange("2", 20, 40), MetaRange("4", 60, 120), MetaRange("5", 960, 980),
        MetaRange("6", 120, 180), MetaRange("7", 720, 960)},
       {"2", "4", "6"}},
      {"large block with tombstones, no fresh block", {MetaRange("1", 0, 540, 10, 3)}, {}},
      {"large block with tombstones, fresh block",
       {MetaRange("1", 0, 540, 10, 3), MetaRange("2", 540, 560)},
       {"1"}},
      {"small block with tombstones", {MetaRange("1", 0, 60, 10, 3), MetaRange("2", 60, 80)}, {}},
      {"zero tombstones and series: no loop",
       {MetaRange("1", 0, 540, 0, 0), MetaRange("2", 540, 560)},
       {}},
      {"fresh block by max time, not ULID",
       {MetaRange("5", 0, 360), MetaRange("6", 540, 560), MetaRange("7", 360, 420),
        MetaRange("8", 420, 540)},
       {"7", "8"}},
      {"overlapping 1",
       {MetaRange("1", 0, 20), MetaRange("2", 19, 40), MetaRange("3", 40, 60)},
       {"1", "2"}},
      {"overlapping 2",
       {MetaRange("1", 0, 20), MetaRange("2", 20, 40), MetaRange("3", 30, 50)},
       {"2", "3"}},
      {"overlapping 3",
       {MetaRange("1", 0, 20), MetaRange("2", 10, 40), MetaRange("3", 30, 50)},
       {"1", "2", "3"}},
      {"overlapping 4",
       {MetaRange("5", 0, 360), MetaRange("6", 340, 560), MetaRange("7", 360, 420),
        MetaRange("8", 420, 540)},
       {"5", "6", "7", "8"}},
      {"overlapping 5",
       {MetaRange("1", 0, 10), MetaRange("2", 9, 20), MetaRange("3", 30, 40),
        MetaRange("4", 39, 50)},
       {"1", "2"}},
      // Not in upstream's table: a small block deleted entirely is picked whatever its size.
      {"small block deleted entirely",
       {MetaRange("1", 0, 60, 3, 3), MetaRange("2", 60, 80)},
       {"1"}},
  };
  for (const auto& [title, metas, want] : cases) {
    SCOPED_TRACE(title);
    EXPECT_EQ(PlanCompaction(metas, ranges), want);
  }
}

// Upstream TestRangeWithFailedCompactionWontGetSelected.
TEST(PlanCompaction, FailedCompactionNotSelected) {
  const std::vector<int64_t> ranges = ExponentialBlockRanges(20, 5, 3);
  std::vector<PlanInput> metas = {MetaRange("1", 0, 20), MetaRange("2", 20, 40),
                                  MetaRange("3", 40, 60), MetaRange("4", 60, 80)};
  metas[1].meta.compaction_failed = true;
  EXPECT_EQ(PlanCompaction(metas, ranges), std::vector<std::string>{});
}

// Upstream TestPlanDoesNotMergeStaleAndNonStaleBlocks: hinted blocks are planned apart.
TEST(PlanCompaction, StaleSeriesBlocksApart) {
  const std::vector<int64_t> ranges = ExponentialBlockRanges(20, 5, 3);
  std::vector<PlanInput> metas = {MetaRange("1", 0, 20), MetaRange("2", 10, 30)};
  metas[1].meta.compaction_hints = {"from-stale-series"};
  EXPECT_EQ(PlanCompaction(metas, ranges), std::vector<std::string>{});
  metas.push_back(MetaRange("3", 15, 25));
  metas[2].meta.compaction_hints = {"from-stale-series"};
  EXPECT_EQ(PlanCompaction(metas, ranges), (std::vector<std::string>{"2", "3"}));
}

TEST(CompactionRanges, CappedAsPrometheus) {
  const std::tuple<int64_t, std::vector<int64_t>> cases[] = {
      {36 * kHour, {2 * kHour, 6 * kHour, 18 * kHour}},  // default 15d retention
      {54 * kHour, {2 * kHour, 6 * kHour, 18 * kHour, 54 * kHour}},
      {kHour, {2 * kHour}},  // never below the 2h range
      {31 * 24 * kHour, {2 * kHour, 6 * kHour, 18 * kHour, 54 * kHour, 162 * kHour, 486 * kHour}},
  };
  for (const auto& [max, want] : cases) {
    SCOPED_TRACE(max);
    EXPECT_EQ(CompactionRanges(max), want);
  }
}

TEST(CompactBlockMetas, LevelSourcesParentsHints) {
  BlockMeta a, b, c;
  a.ulid = "01BKGV7JBM69T2G1BGBGM6KB12";
  a.min_time = 100;
  a.max_time = 200;
  a.compaction_level = 1;
  a.compaction_sources = {"01BKGV7JBM69T2G1BGBGM6KB12"};
  a.compaction_hints = {"from-out-of-order"};
  b.ulid = "01BKGTZQ1SYQJTR4PB43C8PD98";
  b.min_time = 0;
  b.max_time = 150;
  b.compaction_level = 3;
  b.compaction_sources = {"01BKGTZQ1HHWHV8FBJXW1Y3W0K", "01BKGTZQ1SYQJTR4PB43C8PD98"};
  c.ulid = "01BKGV7JC0RY8A6MACW02A2PJD";
  c.min_time = 300;
  c.max_time = 400;
  c.compaction_level = 2;
  c.compaction_sources = {"01BKGV7JBM69T2G1BGBGM6KB12", "01BKGTZQ1HHWHV8FBJXW1Y3W0K"};
  c.compaction_hints = {"from-out-of-order"};
  const BlockMeta* metas[] = {&a, &b, &c};
  BlockMeta m = CompactBlockMetas("01BKGV7JC0RY8A6MACW02A2PJE", metas);
  EXPECT_EQ(m.ulid, "01BKGV7JC0RY8A6MACW02A2PJE");
  EXPECT_EQ(m.min_time, 0);
  EXPECT_EQ(m.max_time, 400);
  EXPECT_EQ(m.compaction_level, 4);
  EXPECT_EQ(m.compaction_sources,
            (std::vector<std::string>{"01BKGTZQ1HHWHV8FBJXW1Y3W0K", "01BKGTZQ1SYQJTR4PB43C8PD98",
                                      "01BKGV7JBM69T2G1BGBGM6KB12"}));
  ASSERT_EQ(m.compaction_parents.size(), 3u);
  EXPECT_EQ(m.compaction_parents[1].ulid, b.ulid);
  EXPECT_EQ(m.compaction_parents[1].min_time, 0);
  EXPECT_EQ(m.compaction_parents[1].max_time, 150);
  EXPECT_TRUE(m.compaction_hints.empty());  // b is not out-of-order
  const BlockMeta* ooo[] = {&a, &c};
  EXPECT_EQ(CompactBlockMetas("01BKGV7JC0RY8A6MACW02A2PJE", ooo).compaction_hints,
            std::vector<std::string>{"from-out-of-order"});
}

TEST(EncodeMeta, RoundTripsWithParents) {
  BlockMeta m;
  m.ulid = "01BKGV7JC0RY8A6MACW02A2PJE";
  m.min_time = -5;
  m.max_time = 7200000;
  m.stats.num_samples = 10;
  m.stats.num_float_samples = 10;
  m.stats.num_series = 2;
  m.stats.num_chunks = 3;
  m.stats.num_tombstones = 1;
  m.compaction_level = 2;
  m.compaction_sources = {"01BKGTZQ1HHWHV8FBJXW1Y3W0K", "01BKGTZQ1SYQJTR4PB43C8PD98"};
  m.compaction_parents = {{"01BKGTZQ1HHWHV8FBJXW1Y3W0K", -5, 100},
                          {"01BKGTZQ1SYQJTR4PB43C8PD98", 100, 7200000}};
  m.compaction_hints = {"from-out-of-order"};
  m.version = 1;
  const std::string text = EncodeMeta(m);
  // Go's json.MarshalIndent(meta, "", "\t") of the same BlockMeta.
  EXPECT_NE(
      text.find("\t\t\"parents\": [\n\t\t\t{\n\t\t\t\t\"ulid\": \"01BKGTZQ1HHWHV8FBJXW1Y3W0K\",\n"
                "\t\t\t\t\"minTime\": -5,\n\t\t\t\t\"maxTime\": 100\n\t\t\t},\n"),
      std::string::npos)
      << text;
  util::Result<BlockMeta> back = ParseMeta(text, "meta.json");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(EncodeMeta(*back), text);
  ASSERT_EQ(back->compaction_parents.size(), 2u);
  EXPECT_EQ(back->compaction_parents[0].min_time, -5);
  EXPECT_EQ(back->compaction_hints, m.compaction_hints);
  EXPECT_EQ(back->stats.num_tombstones, 1u);
}

// ---------------------------------------------------------------------------------------------
// Blocks on disk.

struct In {
  model::Labels labels;
  int64_t t;
  double v;
};

// Writes one block of `samples` (per series in time order) into `dir`; returns its ULID.
std::string MakeBlock(const std::string& dir, const std::vector<In>& samples) {
  BlockBuilder b(2 * kHour);
  for (const In& s : samples) {
    util::Status st = b.Append(s.labels, s.t, s.v);
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  util::Result<BlockMeta> m = b.Flush(dir);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? m->ulid : "";
}

model::Labels Series(std::string_view job, std::string_view instance) {
  return model::Labels::FromList({{"__name__", "up"}, {"instance", instance}, {"job", job}});
}

// Samples every `step` ms in [from, to).
std::vector<In> Range(const model::Labels& ls, int64_t from, int64_t to, int64_t step,
                      double offset = 0) {
  std::vector<In> out;
  for (int64_t t = from; t < to; t += step)
    out.push_back(In{ls, t, static_cast<double>(t) + offset});
  return out;
}

std::vector<In> Concat(std::vector<std::vector<In>> parts) {
  std::vector<In> out;
  for (auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Every sample of every block in `dir`, as dump lines, sorted.
std::vector<std::string> Dump(const std::string& dir) {
  util::Result<std::unique_ptr<DbReadOnly>> db = DbReadOnly::Open(dir);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  if (!db.ok() || (*db)->blocks().empty()) return {};
  util::Result<std::unique_ptr<storage::Querier>> q =
      (*db)->NewQuerier(std::numeric_limits<int64_t>::min(), (*db)->MaxBlockTime() - 1);
  EXPECT_TRUE(q.ok());
  util::Result<model::Matcher> all =
      model::Matcher::Make(model::MatchType::kRegexMatch, "__name__", ".+");
  std::unique_ptr<storage::SeriesSet> ss = (*q)->Select(true, nullptr, {&*all, 1});
  util::Status err;
  std::vector<std::string> lines = testing::DumpLines(*ss, &err);
  EXPECT_TRUE(err.ok()) << err.ToString();
  std::sort(lines.begin(), lines.end());
  return lines;
}

std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<BlockMeta> Metas(const std::string& dir) {
  std::vector<BlockMeta> out;
  for (const std::string& n : Entries(dir)) {
    if (!IsUlid(n)) continue;
    util::Result<MetaFile> m = ReadMeta(dir + "/" + n);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    if (m.ok()) out.push_back(m->meta);
  }
  std::sort(out.begin(), out.end(),
            [](const BlockMeta& a, const BlockMeta& b) { return a.min_time < b.min_time; });
  return out;
}

CompactOptions Quiet() {
  CompactOptions o;
  o.progress = [](std::string_view) {};
  return o;
}

TEST(WriteMergedBlock, VerticalMergeDedupsEqualTimestamps) {
  ScratchDir dir;
  const model::Labels a = Series("api", "a"), b = Series("api", "b"), c = Series("db", "c");
  // Block 1: a and b every 10s over [0, 1h). Block 2: a again over [30m, 90m) at 5s with other
  // values (equal timestamps must keep block 1's), and c.
  std::string u1 =
      MakeBlock(dir.path(), Concat({Range(a, 0, kHour, 10000), Range(b, 0, kHour, 10000)}));
  std::string u2 =
      MakeBlock(dir.path(),
                Concat({Range(a, kHour / 2, 3 * kHour / 2, 5000, 0.5), Range(c, 0, kHour, 60000)}));
  std::vector<std::shared_ptr<Block>> blocks;
  for (const std::string& u : {u1, u2}) {
    util::Result<std::shared_ptr<Block>> blk = Block::Open(dir.path() + "/" + u);
    ASSERT_TRUE(blk.ok()) << blk.status().ToString();
    blocks.push_back(*blk);
  }
  const BlockMeta* metas[] = {&blocks[0]->meta(), &blocks[1]->meta()};
  BlockMeta meta = CompactBlockMetas(NewUlid(1), metas);
  ScratchDir out;
  WriteStats ws;
  util::Result<BlockMeta> res =
      WriteMergedBlock(out.path(), blocks, meta, util::Env::Default(), &ws);
  ASSERT_TRUE(res.ok()) << res.status().ToString();

  // Expected: a's timestamps from both, once each, block 1's value where both have one.
  std::map<std::string, std::map<int64_t, double>> want;
  for (const In& s : Range(a, kHour / 2, 3 * kHour / 2, 5000, 0.5))
    want[s.labels.ToString()][s.t] = s.v;
  for (const auto& part :
       {Range(a, 0, kHour, 10000), Range(b, 0, kHour, 10000), Range(c, 0, kHour, 60000)}) {
    for (const In& s : part) want[s.labels.ToString()][s.t] = s.v;
  }
  std::vector<std::string> lines;
  uint64_t n = 0;
  for (const auto& [ls, samples] : want) {
    for (const auto& [t, v] : samples) {
      lines.push_back(ls + " " + util::FormatFloat(v) + " " + std::to_string(t));
      n++;
    }
  }
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(Dump(out.path()), lines);
  EXPECT_EQ(res->stats.num_samples, n);
  EXPECT_EQ(res->stats.num_float_samples, n);
  EXPECT_EQ(res->stats.num_series, 3u);
  EXPECT_GT(ws.chunks_copied, 0u);   // b and c are copied as they are
  EXPECT_GT(ws.chunks_encoded, 0u);  // a is merged
  EXPECT_EQ(res->compaction_level, 2);
  EXPECT_EQ(res->min_time, 0);
  EXPECT_EQ(res->max_time, 3 * kHour / 2 - 5000 + 1);
  // Re-encoded chunks hold at most 120 samples: a has 360 + 720 - 180 shared = 900 samples.
  util::Result<std::shared_ptr<Block>> nb = Block::Open(out.path() + "/" + res->ulid);
  ASSERT_TRUE(nb.ok());
  util::Result<std::vector<index::SeriesRef>> refs = (*nb)->index().AllPostings();
  ASSERT_TRUE(refs.ok());
  util::Result<index::SeriesEntry> ea = (*nb)->index().Series((*refs)[0]);
  ASSERT_TRUE(ea.ok());
  EXPECT_EQ(ea->chunks.size(), 8u);
}

TEST(CompactDb, MergesOverlapsThenLevelsAndRemovesParents) {
  ScratchDir dir;
  const model::Labels a = Series("api", "a"), b = Series("api", "b");
  // Five 2h blocks from 0 to 10h, and one overlapping the second.
  for (int i = 0; i < 5; ++i) {
    MakeBlock(dir.path(), Concat({Range(a, i * 2 * kHour, (i + 1) * 2 * kHour, 15000),
                                  Range(b, i * 2 * kHour, (i + 1) * 2 * kHour, 60000)}));
  }
  MakeBlock(dir.path(), Range(b, 2 * kHour + 30000, 3 * kHour, 60000));
  const std::vector<std::string> before = Dump(dir.path());
  const std::vector<BlockMeta> old = Metas(dir.path());

  util::Result<std::vector<CompactionStep>> dry = CompactDb(dir.path(), [] {
    CompactOptions o = Quiet();
    o.dry_run = true;
    return o;
  }());
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  EXPECT_EQ(Metas(dir.path()).size(), 6u);  // nothing changed
  EXPECT_FALSE(fs::exists(dir.path() + "/lock"));

  util::Result<std::vector<CompactionStep>> steps = CompactDb(dir.path(), Quiet());
  ASSERT_TRUE(steps.ok()) << steps.status().ToString();
  ASSERT_EQ(steps->size(), dry->size());
  for (size_t i = 0; i < steps->size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ((*steps)[i].parents.size(), (*dry)[i].parents.size());
    EXPECT_EQ((*steps)[i].result.min_time, (*dry)[i].result.min_time);
  }
  // First the overlap (2h-4h with its partner), then [0, 6h) from three blocks; [6h, 10h) is
  // not a full range and holds the newest block.
  ASSERT_EQ(steps->size(), 2u);
  EXPECT_EQ((*steps)[0].parents.size(), 2u);
  EXPECT_EQ((*steps)[0].result.compaction_level, 2);
  EXPECT_EQ((*steps)[1].parents.size(), 3u);
  EXPECT_EQ((*steps)[1].result.compaction_level, 3);
  EXPECT_EQ(Dump(dir.path()), before);
  std::vector<BlockMeta> now = Metas(dir.path());
  ASSERT_EQ(now.size(), 3u);
  EXPECT_EQ(now[0].min_time, 0);
  EXPECT_EQ(now[0].max_time, 6 * kHour - 15000 + 1);
  EXPECT_EQ(now[0].compaction_level, 3);
  std::vector<std::string> sources;
  for (const BlockMeta& m : old) {
    if (m.min_time < 6 * kHour) sources.push_back(m.ulid);
  }
  std::sort(sources.begin(), sources.end());
  EXPECT_EQ(now[0].compaction_sources, sources);
  ASSERT_EQ(now[0].compaction_parents.size(), 3u);
  EXPECT_EQ(now[0].compaction_parents[1].ulid, (*steps)[0].result.ulid);
  // Only blocks and no leftovers.
  for (const std::string& e : Entries(dir.path())) EXPECT_TRUE(IsUlid(e)) << e;
  // Nothing more to do.
  util::Result<std::vector<CompactionStep>> again = CompactDb(dir.path(), Quiet());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
}

TEST(CompactDb, FailureBeforeRenameLeavesNothing) {
  ScratchDir dir;
  const model::Labels a = Series("api", "a");
  MakeBlock(dir.path(), Range(a, 0, 2 * kHour, 15000));
  MakeBlock(dir.path(), Range(a, kHour, 3 * kHour, 15000, 1));
  const std::vector<std::string> entries = Entries(dir.path());
  const std::vector<std::string> before = Dump(dir.path());
  for (int fault = 0; fault < 3; ++fault) {
    SCOPED_TRACE(fault);
    util::FaultInjectionEnv env(util::Env::Default());
    if (fault == 0) env.SetFailRename(true);
    if (fault == 1) env.SetFailSync(true);
    if (fault == 2) env.SetShortWriteAfter(100);
    CompactOptions o = Quiet();
    o.env = &env;
    util::Result<std::vector<CompactionStep>> r = CompactDb(dir.path(), o);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(Entries(dir.path()), entries);  // no partial block, no temporary directory
    EXPECT_EQ(Dump(dir.path()), before);
  }
}

TEST(CompactDb, RerunRemovesParentsOfANewerBlock) {
  ScratchDir dir;
  const model::Labels a = Series("api", "a");
  MakeBlock(dir.path(), Range(a, 0, 2 * kHour, 15000));
  MakeBlock(dir.path(), Range(a, kHour, 3 * kHour, 15000, 1));
  const std::vector<std::string> before = Dump(dir.path());
  ScratchDir saved;
  fs::copy(dir.path(), saved.path() + "/db", fs::copy_options::recursive);
  util::Result<std::vector<CompactionStep>> r = CompactDb(dir.path(), Quiet());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  // A crash after the rename and before the removals: the parents are back beside their child,
  // and a leftover temporary directory too.
  for (const BlockMeta& p : (*r)[0].parents) {
    fs::copy(saved.path() + "/db/" + p.ulid, dir.path() + "/" + p.ulid,
             fs::copy_options::recursive);
  }
  fs::create_directories(dir.path() + "/" + NewUlid(5) + ".tmp-for-creation/chunks");
  std::vector<std::string> progress;
  CompactOptions o;
  o.progress = [&](std::string_view s) { progress.emplace_back(s); };
  util::Result<std::vector<CompactionStep>> again = CompactDb(dir.path(), o);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->empty());
  EXPECT_EQ(Dump(dir.path()), before);
  EXPECT_EQ(Entries(dir.path()), std::vector<std::string>{(*r)[0].result.ulid});
  EXPECT_EQ(progress.size(), 3u);  // the leftover and the two parents
}

TEST(CompactDb, ParentsStayWhenTheirChildCannotOpen) {
  ScratchDir dir;
  const model::Labels a = Series("api", "a");
  MakeBlock(dir.path(), Range(a, 0, 2 * kHour, 15000));
  MakeBlock(dir.path(), Range(a, kHour, 3 * kHour, 15000, 1));
  ScratchDir saved;
  fs::copy(dir.path(), saved.path() + "/db", fs::copy_options::recursive);
  util::Result<std::vector<CompactionStep>> r = CompactDb(dir.path(), Quiet());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  for (const BlockMeta& p : (*r)[0].parents) {
    fs::copy(saved.path() + "/db/" + p.ulid, dir.path() + "/" + p.ulid,
             fs::copy_options::recursive);
  }
  // The child's index is damaged: its parents are the only good copy of the data.
  const std::string index = dir.path() + "/" + (*r)[0].result.ulid + "/index";
  testing::WriteAll(index, ReadAll(index).substr(0, 100));
  const std::vector<std::string> entries = Entries(dir.path());
  util::Result<std::vector<CompactionStep>> again = CompactDb(dir.path(), Quiet());
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().ToString().find("cannot be opened"), std::string::npos)
      << again.status().ToString();
  EXPECT_EQ(Entries(dir.path()), entries);
}

TEST(CompactDb, BadChunkChecksumNamesFileAndOffsetAndChangesNothing) {
  ScratchDir dir;
  const model::Labels a = Series("api", "a");
  std::string u1 = MakeBlock(dir.path(), Range(a, 0, 2 * kHour, 15000));
  MakeBlock(dir.path(), Range(a, kHour, 3 * kHour, 15000, 1));
  // Flip a bit in the data of the first chunk (after the 8-byte header and its length/encoding).
  const std::string seg = dir.path() + "/" + u1 + "/chunks/000001";
  std::string bytes = ReadAll(seg);
  bytes[20] = static_cast<char>(bytes[20] ^ 0x10);
  testing::WriteAll(seg, bytes);
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir.path())) {
    if (e.is_regular_file()) files[e.path().string()] = ReadAll(e.path().string());
  }
  util::Result<std::vector<CompactionStep>> r = CompactDb(dir.path(), Quiet());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().ToString().find(seg), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().ToString().find("offset 8"), std::string::npos) << r.status().ToString();
  std::map<std::string, std::string> after;
  for (const auto& e : fs::recursive_directory_iterator(dir.path())) {
    if (e.is_regular_file()) after[e.path().string()] = ReadAll(e.path().string());
  }
  EXPECT_EQ(after, files);
}

TEST(DbLock, RefusesADirectoryPrometheusHolds) {
  ScratchDir dir;
  MakeBlock(dir.path(), Range(Series("api", "a"), 0, kHour, 15000));
  const std::string lock = dir.path() + "/lock";
  int fd = ::open(lock.c_str(), O_RDWR | O_CREAT, 0666);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  util::Result<std::vector<CompactionStep>> r = CompactDb(dir.path(), Quiet());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().ToString().find("is in use by another process"), std::string::npos)
      << r.status().ToString();
  model::Matcher m = *model::Matcher::Make(model::MatchType::kEqual, "job", "api");
  EXPECT_FALSE(DeleteSeries(dir.path(), {&m, 1}, 0, 10).ok());
  EXPECT_FALSE(CleanTombstones(dir.path()).ok());
  ::close(fd);
  // Released: the lock works, and a lock file that was there stays.
  EXPECT_TRUE(CompactDb(dir.path(), Quiet()).ok());
  EXPECT_TRUE(fs::exists(lock));
}

TEST(DeleteSeries, TombstonesClampedToTheSeries) {
  ScratchDir dir;
  const model::Labels a = Series("api", "a"), b = Series("api", "b"), c = Series("db", "c");
  std::string u = MakeBlock(
      dir.path(),
      Concat({Range(a, 0, kHour, 10000), Range(b, 1000, kHour, 10000), Range(c, 0, kHour, 10000)}));
  model::Matcher m = *model::Matcher::Make(model::MatchType::kEqual, "job", "api");
  util::Result<std::vector<DeleteResult>> r = DeleteSeries(dir.path(), {&m, 1}, -100000, 600000);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].series, 2u);
  EXPECT_EQ((*r)[0].tombstones, 2u);
  util::Result<std::shared_ptr<Block>> blk = Block::Open(dir.path() + "/" + u);
  ASSERT_TRUE(blk.ok());
  EXPECT_EQ((*blk)->meta().stats.num_tombstones, 2u);
  util::Result<std::vector<index::SeriesRef>> refs = (*blk)->index().AllPostings();
  ASSERT_TRUE(refs.ok());
  ASSERT_EQ(refs->size(), 3u);
  // Series are in labels order: a, b, c. The interval starts where each series' data starts.
  EXPECT_EQ((*blk)->tombstones().Get(static_cast<uint64_t>((*refs)[0])),
            (tombstones::Intervals{{0, 600000}}));
  EXPECT_EQ((*blk)->tombstones().Get(static_cast<uint64_t>((*refs)[1])),
            (tombstones::Intervals{{1000, 600000}}));
  EXPECT_TRUE((*blk)->tombstones().Get(static_cast<uint64_t>((*refs)[2])).empty());
  // A second, adjacent deletion joins the first.
  util::Result<std::vector<DeleteResult>> r2 = DeleteSeries(dir.path(), {&m, 1}, 600001, 700000);
  ASSERT_TRUE(r2.ok());
  blk = Block::Open(dir.path() + "/" + u);
  ASSERT_TRUE(blk.ok());
  EXPECT_EQ((*blk)->tombstones().Get(static_cast<uint64_t>((*refs)[0])),
            (tombstones::Intervals{{0, 700000}}));
  // Outside every block: nothing written.
  util::Result<std::vector<DeleteResult>> r3 =
      DeleteSeries(dir.path(), {&m, 1}, 5 * kHour, 6 * kHour);
  ASSERT_TRUE(r3.ok());
  EXPECT_TRUE(r3->empty());
  for (const std::string& e : Entries(dir.path())) EXPECT_TRUE(IsUlid(e)) << e;
}

TEST(CleanTombstones, RewritesWithoutDeletedDataAndDropsEmptyBlocks) {
  ScratchDir dir;
  const model::Labels a = Series("api", "a"), b = Series("db", "b");
  std::string u1 =
      MakeBlock(dir.path(), Concat({Range(a, 0, 2 * kHour, 10000), Range(b, 0, 2 * kHour, 10000)}));
  std::string u2 = MakeBlock(dir.path(), Range(a, 2 * kHour, 4 * kHour, 10000));
  std::string u3 = MakeBlock(dir.path(), Range(b, 4 * kHour, 6 * kHour, 10000));
  model::Matcher ma = *model::Matcher::Make(model::MatchType::kEqual, "job", "api");
  model::Matcher mb = *model::Matcher::Make(model::MatchType::kEqual, "job", "db");
  ASSERT_TRUE(DeleteSeries(dir.path(), {&ma, 1}, kHour, 3 * kHour).ok());
  ASSERT_TRUE(DeleteSeries(dir.path(), {&mb, 1}, 4 * kHour, 6 * kHour).ok());
  std::vector<std::string> want;
  for (const std::string& l : Dump(dir.path())) want.push_back(l);  // tombstones applied on read
  const BlockMeta old1 = ReadMeta(dir.path() + "/" + u1).value().meta;

  util::Result<std::vector<CompactionStep>> r = CleanTombstones(dir.path());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ(Dump(dir.path()), want);
  std::vector<BlockMeta> now = Metas(dir.path());
  ASSERT_EQ(now.size(), 2u);  // u3 lost every sample
  EXPECT_EQ(now[0].min_time, old1.min_time);
  EXPECT_EQ(now[0].max_time, old1.max_time);
  EXPECT_EQ(now[0].compaction_level, old1.compaction_level);
  EXPECT_EQ(now[0].compaction_sources, old1.compaction_sources);
  ASSERT_EQ(now[0].compaction_parents.size(), 1u);
  EXPECT_EQ(now[0].compaction_parents[0].ulid, u1);
  EXPECT_EQ(now[0].stats.num_tombstones, 0u);
  EXPECT_EQ(now[0].stats.num_samples, 720u + 360u);
  EXPECT_NE(now[0].ulid, u1);
  EXPECT_FALSE(fs::exists(dir.path() + "/" + u2));
  EXPECT_FALSE(fs::exists(dir.path() + "/" + u3));
  // The new blocks carry an empty tombstones file; a second run has nothing to do.
  util::Result<std::vector<CompactionStep>> again = CleanTombstones(dir.path());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
}

// Native histograms survive the rewrites that decode and re-encode chunks: a vertical merge of
// overlapping blocks (the first block's sample wins a shared timestamp) and tombstone cleaning.
TEST(CompactDb, HistogramSeriesMergeAndCleanTombstones) {
  ScratchDir dir;
  const model::Labels h = model::Labels::FromList({{"__name__", "lat"}, {"job", "api"}});
  auto hist = [](int i, double extra) {
    model::Histogram x;
    x.schema = 0;
    x.count = static_cast<uint64_t>(2 * i + 3);
    x.sum = i + extra;
    x.positive_spans = {{0, 2}};
    x.positive_buckets = {i + 1, 1};  // i+1, i+2
    if (i >= 80) {                    // a new bucket: the merge must recode
      x.positive_spans = {{0, 3}};
      x.positive_buckets = {i + 1, 1, -i - 1};
      x.count += 1;
    }
    return x;
  };
  std::map<int64_t, std::string> want;
  for (int part = 0; part < 2; ++part) {
    BlockBuilder b(2 * kHour);
    auto ref = b.GetOrCreate(h);
    const int from = part == 0 ? 0 : 50, to = part == 0 ? 100 : 150;
    for (int i = from; i < to; ++i) {
      const model::Histogram x = hist(i, part == 0 ? 0 : 1000);
      ASSERT_TRUE(b.AppendHistogram(ref, int64_t{i} * 10000, x).ok());
      want.try_emplace(int64_t{i} * 10000, x.String());  // part 0 wins
    }
    ASSERT_TRUE(b.Flush(dir.path()).ok());
  }
  util::Result<std::vector<CompactionStep>> r = CompactDb(dir.path(), Quiet());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::string> lines;
  for (const auto& [t, s] : want) lines.push_back(h.ToString() + " " + s + " " + std::to_string(t));
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(Dump(dir.path()), lines);
  std::vector<BlockMeta> metas = Metas(dir.path());
  ASSERT_EQ(metas.size(), 1u);
  EXPECT_EQ(metas[0].stats.num_histogram_samples, 150u);

  model::Matcher m = *model::Matcher::Make(model::MatchType::kEqual, "job", "api");
  ASSERT_TRUE(DeleteSeries(dir.path(), {&m, 1}, 200000, 600000).ok());
  std::erase_if(lines, [&](const std::string& l) {
    const int64_t t = std::stoll(l.substr(l.rfind(' ') + 1));
    return t >= 200000 && t <= 600000;
  });
  std::sort(lines.begin(), lines.end());
  util::Result<std::vector<CompactionStep>> c = CleanTombstones(dir.path());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(Dump(dir.path()), lines);
}

}  // namespace
}  // namespace promkit::tsdb

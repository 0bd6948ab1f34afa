#include "tsdb/block.h"

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tsdb/db_readonly.h"
#include "tsdb/selector_stopgap.h"
#include "tsdb_test_util.h"

namespace promkit::tsdb {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

std::vector<std::string> Query(DbReadOnly& db, std::string_view selector, int64_t mint,
                               int64_t maxt) {
  auto ms = ParseSelectorStopgap(selector);
  EXPECT_TRUE(ms.ok()) << ms.status().ToString();
  auto qr = db.NewQuerier(mint, maxt);
  EXPECT_TRUE(qr.ok()) << qr.status().ToString();
  if (!qr.ok()) return {};
  auto q = std::move(*qr);
  auto ss = q->Select(true, nullptr, *ms);
  util::Status err;
  std::vector<std::string> lines = testing::DumpLines(*ss, &err);
  EXPECT_TRUE(err.ok()) << err.ToString();
  EXPECT_TRUE(q->Close().ok());
  return lines;
}

TEST(Block, MetaAndSizeMatchPromtoolList) {
  auto db = DbReadOnly::Open(testing::Fixture("basic"));
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  const auto& blocks = (*db)->blocks();
  ASSERT_EQ(blocks.size(), 3u);
  // Values from `promtool tsdb list testdata/tsdb/basic`.
  EXPECT_EQ(blocks[0]->meta().ulid, "01M7ZXFA56FHQ87QFQY47SE0P5");
  EXPECT_EQ(blocks[0]->meta().min_time, 1700000000000);
  EXPECT_EQ(blocks[0]->meta().max_time, 1700004485001);
  EXPECT_EQ(blocks[0]->meta().stats.num_samples, 613u);
  EXPECT_EQ(blocks[0]->meta().stats.num_chunks, 8u);
  EXPECT_EQ(blocks[0]->meta().stats.num_series, 4u);
  EXPECT_EQ(blocks[0]->meta().compaction_level, 1);
  EXPECT_EQ(blocks[0]->size(), 3035u);
  EXPECT_EQ(blocks[1]->size(), 710u);
  EXPECT_EQ(blocks[2]->size(), 704u);
}

TEST(Block, IndexLabelsAndSymbols) {
  auto b = Block::Open(testing::Fixture("dumptest/01M7ZXFK87PXJE7SR1P94ZNJGT"));
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  const index::Reader& ix = (*b)->index();
  EXPECT_TRUE(std::is_sorted(ix.symbols().begin(), ix.symbols().end()));
  EXPECT_EQ(ix.LabelNames(), (std::vector<std::string_view>{"__name__", "baz", "foo"}));
  EXPECT_EQ(ix.LabelValues("__name__"), (std::vector<std::string_view>{"heavy_metric", "metric"}));
  auto all = ix.AllPostings();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);
  auto q = (*b)->NewQuerier(kMin, kMax);
  auto names = q->LabelNames({});
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"__name__", "baz", "foo"}));
  auto ms = ParseSelectorStopgap("heavy_metric");
  ASSERT_TRUE(ms.ok());
  auto values = q->LabelValues("foo", *ms);
  ASSERT_TRUE(values.ok());
  EXPECT_EQ(*values, (std::vector<std::string>{"bar", "foo"}));
}

TEST(Block, SelectByMatchersAndTime) {
  auto db = DbReadOnly::Open(testing::Fixture("dumptest"));
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  const auto all = testing::SortedLines(testing::ReadAll(
      std::string(PROMKIT_SOURCE_DIR) + "/testdata/conformance/promtool/dump-test-1.prom"));
  struct Case {
    std::string_view selector;
    int64_t mint, maxt;
    size_t want;
  };
  const Case cases[] = {
      {"{__name__=~'(?s:.*)'}", kMin, kMax, 15},
      {"{foo=~'.+'}", kMin, kMax, 15},
      {"{baz='abc'}", kMin, kMax, 5},
      {"heavy_metric", kMin, kMax, 10},
      {"heavy_metric{foo!=\"bar\"}", kMin, kMax, 5},
      {"{__name__=~\"heavy.*\",foo=~\"f.*\"}", kMin, kMax, 5},
      {"{baz=\"\"}", kMin, kMax, 10},  // series without baz
      {"{baz!~\"a.c\", foo=\"bar\"}", kMin, kMax, 5},
      {"{__name__=\"metric\"}", 60000, 120000, 2},  // both bounds inclusive
      {"{__name__=\"metric\"}", 60001, 119999, 0},
      {"nothing_here", kMin, kMax, 0},
      {"{foo=\"bar\"}", 240000, 240000, 2},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.selector);
    std::vector<std::string> got = Query(**db, c.selector, c.mint, c.maxt);
    EXPECT_EQ(got.size(), c.want);
    EXPECT_TRUE(std::is_sorted(got.begin(), got.end(), [](const auto& a, const auto& b) {
      return a.substr(0, a.find('}')) < b.substr(0, b.find('}'));
    }));
    for (const std::string& line : got) {
      EXPECT_TRUE(std::binary_search(all.begin(), all.end(), line)) << line;
    }
  }
}

TEST(Block, SeriesAcrossBlocksAndChunks) {
  auto db = DbReadOnly::Open(testing::Fixture("basic"));
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  // 300 samples in 3 chunks of the first block.
  EXPECT_EQ(Query(**db, "http_requests_total{code=\"200\"}", kMin, kMax).size(), 300u);
  // `up` has one sample in each of the three blocks' ranges... and more in the first.
  std::vector<std::string> up = Query(**db, "up", kMin, kMax);
  ASSERT_EQ(up.size(), 5u);
  EXPECT_EQ(up[2],
            "{__name__=\"up\", instance=\"localhost:9090\", job=\"prometheus\"} 0 1700007200000");
  std::vector<std::string> t = Query(**db, "temperature", kMin, kMax);
  ASSERT_EQ(t.size(), 11u);
  EXPECT_EQ(
      t[9],
      "{__name__=\"temperature\", note=\"quote \\\" and \\\\ and \\n\", room=\"kitchen\"} NaN "
      "1700000540000");
}

TEST(Block, TombstonesHideDeletedSamples) {
  testing::ScratchDir dir;
  std::string db_dir = dir.path() + "/db";
  std::filesystem::create_directories(db_dir);
  std::string block =
      dir.CopyFixture("dumptest/01M7ZXFK87PXJE7SR1P94ZNJGT", "db/01M7ZXFK87PXJE7SR1P94ZNJGT");
  {
    auto b = Block::Open(block);
    ASSERT_TRUE(b.ok());
    auto ms = ParseSelectorStopgap("metric");
    ASSERT_TRUE(ms.ok());
    auto refs = (*b)->index().Postings("__name__", "metric");
    ASSERT_TRUE(refs.ok());
    ASSERT_EQ(refs->size(), 1u);
    tombstones::Tombstones t;
    t.Add(static_cast<uint64_t>((*refs)[0]), {60000, 120000});
    t.Add(static_cast<uint64_t>((*refs)[0]), {240000, 240000});
    testing::WriteAll(block + "/tombstones", t.Encode());
  }
  auto db = DbReadOnly::Open(db_dir);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  std::vector<std::string> got = Query(**db, "metric", kMin, kMax);
  EXPECT_EQ(got, (std::vector<std::string>{
                     "{__name__=\"metric\", baz=\"abc\", foo=\"bar\"} 1 0",
                     "{__name__=\"metric\", baz=\"abc\", foo=\"bar\"} 4 180000",
                 }));
  EXPECT_EQ(Query(**db, "heavy_metric", kMin, kMax).size(), 10u);
}

TEST(Tombstones, IntervalsMerge) {
  tombstones::Intervals in;
  tombstones::AddInterval(in, {10, 20});
  tombstones::AddInterval(in, {30, 40});
  tombstones::AddInterval(in, {21, 25});  // touches the first
  EXPECT_EQ(in, (tombstones::Intervals{{10, 25}, {30, 40}}));
  tombstones::AddInterval(in, {0, 100});
  EXPECT_EQ(in, (tombstones::Intervals{{0, 100}}));
  tombstones::AddInterval(in, {kMin, -5});
  tombstones::AddInterval(in, {200, kMax});
  EXPECT_EQ(in, (tombstones::Intervals{{kMin, -5}, {0, 100}, {200, kMax}}));
}

TEST(SelectorStopgap, ParsesAndRejects) {
  const std::tuple<std::string_view, bool, std::string> cases[] = {
      {"up", true, "__name__=\"up\""},
      {"{__name__=~'(?s:.*)'}", true, "__name__=~\"(?s:.*)\""},
      {"a:b{x!=\"1\", y!~`z\\d`,}", true, "__name__=\"a:b\" x!=\"1\" y!~\"z\\\\d\""},
      {"{\"utf8.name\", \"l.x\"=\"v\\u00e9\"}", true, "__name__=\"utf8.name\" \"l.x\"=\"vé\""},
      {"{x=\"\"}", true, "x=\"\""},
      {"up{", false, "1:4: parse error: unexpected end of input inside braces"},
      {"up{x=}", false, "1:6: parse error: unexpected \"}\" in label matching, expected string"},
      {"up{x=~\"(\"}", false, ""},
      {"up{x=\"a\"} extra", false, ""},
      {"", false, "1:1: parse error: unexpected end of input"},
      {"up{x=\"\\q\"}", false, ""},
  };
  for (const auto& [in, ok, want] : cases) {
    SCOPED_TRACE(in);
    auto got = ParseSelectorStopgap(in);
    ASSERT_EQ(got.ok(), ok) << (ok ? got.status().ToString() : "");
    if (ok) {
      std::string s;
      for (const model::Matcher& m : *got) s += (s.empty() ? "" : " ") + m.ToString();
      EXPECT_EQ(s, want);
    } else if (!want.empty()) {
      EXPECT_EQ(got.status().ToString(), want);
    }
  }
}

}  // namespace
}  // namespace promkit::tsdb

// `tsdb analyze --suggest`: which label values look like identifiers, and what dropping the
// labels would do to a block built here (series merged, same-time collisions flagged), with the
// rules rendered as YAML that lib/config accepts.
#include "tsdb/suggest.h"

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "config/config.h"
#include "tsdb/block_writer.h"

namespace promkit::tsdb {
namespace {

namespace fs = std::filesystem;

TEST(ClassifyLabelValue, Table) {
  const std::pair<std::string, std::string> cases[] = {
      {"3f1c2b4a-9d8e-4f70-a1b2-c3d4e5f60718", "UUID"},
      {"10.1.2.3", "IP address"},
      {"10.1.2.3:9100", "IP address"},
      {"[::1]:9090", "IP address"},
      {"fe80::1", "IP address"},
      {"https://example.com/a?b=c", "URL"},
      {"/api/v1/users/42", "URL path"},
      {"1763776800", "timestamp"},
      {"1763776800123", "timestamp"},
      {"2026-11-22T06:00:00Z", "timestamp"},
      {"2026-11-22 06:00", "timestamp"},
      {"48213", "ID"},
      {"deadbeefcafe", "ID"},
      {"a8Xk2mQ9pL3vR7tY", "ID"},
      // Not identifiers.
      {"api", ""},
      {"GET", ""},
      {"200", ""},
      {"/", ""},
      {"deadbeef", ""},
      {"node-exporter-7f9c", ""},
      {"10.1.2", ""},
      {"0123456789", "ID"},  // ten digits with a leading zero: not seconds, still an ID
  };
  for (const auto& [value, want] : cases) {
    EXPECT_EQ(ClassifyLabelValue(value), want) << value;
  }
}

class SuggestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("promkit_suggest_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::shared_ptr<Block> Build(BlockBuilder& b) {
    auto meta = b.Flush(dir_.string());
    EXPECT_TRUE(meta.ok()) << meta.status().ToString();
    auto block = Block::Open((dir_ / meta->ulid).string());
    EXPECT_TRUE(block.ok()) << block.status().ToString();
    return block.ok() ? *block : nullptr;
  }

  fs::path dir_;
};

TEST_F(SuggestTest, ChurningIdsMergeAndSimultaneousOnesCollide) {
  BlockBuilder b(2 * 3600 * 1000);
  // 12 request ids one after another (no overlap): dropping request_id leaves one series.
  for (int i = 0; i < 12; ++i) {
    auto l = model::Labels::FromList(
        {{"__name__", "reqs_total"},
         {"job", "api"},
         {"request_id", fmt::format("{:08x}-aaaa-bbbb-cccc-{:012x}", i, i)}});
    for (int t = 0; t < 5; ++t) ASSERT_TRUE(b.Append(l, i * 600'000 + t * 60'000, t).ok());
  }
  // 15 client IPs at the same time: dropping client merges them all, colliding.
  for (int i = 0; i < 15; ++i) {
    auto l = model::Labels::FromList(
        {{"__name__", "conn"}, {"client", fmt::format("10.0.0.{}", i)}, {"job", "api"}});
    for (int t = 0; t < 5; ++t) ASSERT_TRUE(b.Append(l, t * 60'000, 1).ok());
  }
  // A low-cardinality label is never suggested.
  for (int i = 0; i < 30; ++i) {
    auto l = model::Labels::FromList(
        {{"__name__", "ok"}, {"kind", fmt::format("k{}", i % 3)}, {"n", std::to_string(i % 3)}});
    ASSERT_TRUE(b.Append(l, 0, 1).ok());
  }
  std::shared_ptr<Block> block = Build(b);
  ASSERT_NE(block, nullptr);
  auto s = SuggestLabelDrops(*block, {});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->size(), 3u);  // client, request_id, and both together
  EXPECT_EQ((*s)[0].name, "client");
  EXPECT_EQ((*s)[0].kind, "IP address");
  EXPECT_EQ((*s)[0].series_with_label, 15u);
  EXPECT_EQ((*s)[0].series_after, 1u);
  EXPECT_EQ((*s)[0].overlapping, 14u);
  EXPECT_EQ((*s)[0].metrics, std::vector<std::string>{"conn"});
  EXPECT_EQ((*s)[1].name, "request_id");
  EXPECT_EQ((*s)[1].kind, "UUID");
  EXPECT_EQ((*s)[1].values, 12u);
  EXPECT_EQ((*s)[1].series_after, 1u);
  EXPECT_EQ((*s)[1].overlapping, 0u);
  EXPECT_EQ((*s)[2].name, "client, request_id");
  EXPECT_EQ((*s)[2].series_with_label, 27u);
  EXPECT_EQ((*s)[2].series_after, 2u);

  // With a matcher only the matching series count.
  auto m = model::Matcher::Make(model::MatchType::kEqual, "__name__", "reqs_total");
  ASSERT_TRUE(m.ok());
  auto only = SuggestLabelDrops(*block, std::vector<model::Matcher>{*m});
  ASSERT_TRUE(only.ok());
  ASSERT_EQ(only->size(), 1u);
  EXPECT_EQ((*only)[0].name, "request_id");

  // The rendered rules are metric_relabel_configs that Prometheus's config accepts.
  const std::string text = RenderSuggestions(*s, 20);
  EXPECT_NE(text.find("request_id: 12 values, 100% UUIDs"), std::string::npos) << text;
  EXPECT_NE(text.find("Dropping it leaves 1 of those series (11 fewer)."), std::string::npos);
  EXPECT_NE(text.find("Warning: 14 of them"), std::string::npos) << text;
  std::string rules;
  for (size_t pos = text.find("    - "); pos != std::string::npos;
       pos = text.find("    - ", pos + 1)) {
    size_t end = text.find('\n', pos);
    while (end != std::string::npos && text.compare(end + 1, 6, "      ") == 0) {
      end = text.find('\n', end + 1);
    }
    rules += text.substr(pos, end - pos) + "\n";
  }
  auto cfg =
      config::Load("scrape_configs:\n  - job_name: j\n    metric_relabel_configs:\n" + rules);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString() << "\n" << rules;
  EXPECT_EQ(cfg->scrape_configs[0].metric_relabel_configs.size(), 5u) << rules;
}

TEST(RenderSuggestions, NoneFound) {
  EXPECT_EQ(RenderSuggestions({}, 20), "Label names that look like identifiers:\nnone\n");
}

}  // namespace
}  // namespace promkit::tsdb

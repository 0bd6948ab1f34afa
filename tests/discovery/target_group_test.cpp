#include "discovery/target_group.h"

#include <string>
#include <tuple>

#include <gtest/gtest.h>

namespace promkit::discovery {
namespace {

TEST(ParseTargetGroupsJson, Accepts) {
  auto g = ParseTargetGroupsJson(R"([
    {"targets": ["a:1", "b:2"], "labels": {"env": "prod", "empty": null}},
    {"Targets": ["c"]},
    {"labels": {"x": "y"}, "targets": null},
    {}
  ])");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  ASSERT_EQ(g->size(), 4u);
  EXPECT_EQ((*g)[0].targets.size(), 2u);
  EXPECT_EQ((*g)[0].targets[1].at("__address__"), "b:2");
  EXPECT_EQ((*g)[0].labels.at("env"), "prod");
  EXPECT_EQ((*g)[0].labels.at("empty"), "");
  EXPECT_EQ((*g)[1].targets.at(0).at("__address__"), "c");  // case-insensitive field names
  EXPECT_TRUE((*g)[2].targets.empty());
  EXPECT_EQ((*g)[2].labels.at("x"), "y");
  EXPECT_TRUE((*g)[3].targets.empty());
}

TEST(ParseTargetGroupsJson, NullIsEmpty) {
  auto g = ParseTargetGroupsJson("null");
  ASSERT_TRUE(g.ok());
  EXPECT_TRUE(g->empty());
  g = ParseTargetGroupsJson(" [] ");
  ASSERT_TRUE(g.ok());
  EXPECT_TRUE(g->empty());
}

TEST(ParseTargetGroupsJson, Rejects) {
  const std::tuple<std::string_view, std::string_view> cases[] = {
      {"[null]", "nil target group item found"},
      {R"([{"targets": ["a"], "foo": 1}])", "json: unknown field \"foo\""},
      {R"([{"targets": "a"}])",
       "json: cannot unmarshal string into Go struct field .targets "
       "of type []string"},
      {R"([{"targets": [1]}])",
       "json: cannot unmarshal number into Go struct field .targets of "
       "type string"},
      {R"([{"labels": {"": "x"}}])", "\"\" is not a valid label name"},
      {R"({"targets": []})",
       "json: cannot unmarshal object into Go value of type "
       "[]*targetgroup.Group"},
      {"[", "invalid JSON: syntax error in target groups"},
      {"", "invalid JSON: syntax error in target groups"},
  };
  for (const auto& [in, want] : cases) {
    SCOPED_TRACE(in);
    auto g = ParseTargetGroupsJson(in);
    ASSERT_FALSE(g.ok());
    EXPECT_EQ(g.status().message(), want);
  }
}

TEST(ParseTargetGroupsYaml, StrictAsGoYaml) {
  auto g = ParseTargetGroupsYaml("- targets: ['a:1']\n  labels:\n    env: dev\n");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  ASSERT_EQ(g->size(), 1u);
  EXPECT_EQ((*g)[0].targets.at(0).at("__address__"), "a:1");
  EXPECT_EQ((*g)[0].labels.at("env"), "dev");
  EXPECT_FALSE(ParseTargetGroupsYaml("- targets: ['a']\n  foo: 1\n").ok());
  EXPECT_FALSE(ParseTargetGroupsYaml("- null\n").ok());
}

}  // namespace
}  // namespace promkit::discovery

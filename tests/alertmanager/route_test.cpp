// The routing tree (cases after upstream's dispatch/route_test.go), inhibition and routing test
// files.
#include "alertmanager/route.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "alertmanager/config.h"
#include "alertmanager/inhibit.h"
#include "alertmanager/route_tests.h"

namespace promkit::alertmanager {
namespace {

constexpr std::string_view kConfig = R"(
route:
  receiver: 'notify-def'
  group_by: [a]
  routes:
  - matchers: ['owner="team-A"']
    receiver: 'notify-A'
    routes:
    - matchers: ['env="testing"']
      receiver: 'notify-testing'
      group_by: ['...']
    - matchers: ['env="production"']
      receiver: 'notify-productionA'
      group_wait: 1m
      continue: true
    - matchers: ['env=~"produ.*"', 'job=~".*"']
      receiver: 'notify-productionB'
      group_wait: 30s
      group_interval: 5m
      repeat_interval: 1h
      group_by: ['job']
  - match_re:
      owner: 'team-(B|C)'
    group_by: ['foo', 'bar']
    group_wait: 2m
    receiver: 'notify-BC'
  - match:
      group_by: 'role'
    group_by: ['role']
    routes:
    - matchers: ['env="testing"']
      receiver: 'notify-testing'
      routes:
      - matchers: [wait="long"]
        group_wait: 2m
receivers:
- name: notify-def
- name: notify-A
- name: notify-testing
- name: notify-productionA
- name: notify-productionB
- name: notify-BC
inhibit_rules:
- source_matchers: [severity=critical]
  target_matchers: [severity=warning]
  equal: [alertname]
)";

struct Tree {
  Config cfg;
  std::unique_ptr<RouteNode> root;
};

Tree Load() {
  auto cfg = alertmanager::Load(kConfig);
  EXPECT_TRUE(cfg.ok()) << cfg.status().message();
  Tree t{std::move(*cfg), nullptr};
  t.root = RouteNode::Build(*t.cfg.route);
  return t;
}

std::string Receivers(const std::vector<const RouteNode*>& nodes) {
  std::string out;
  for (const RouteNode* n : nodes) out += (out.empty() ? "" : ",") + n->opts().receiver;
  return out;
}

TEST(RouteTree, Match) {
  Tree t = Load();
  const std::pair<LabelSet, std::string_view> cases[] = {
      {{{"owner", "team-A"}}, "notify-A"},
      {{{"owner", "team-A"}, {"env", "unset"}}, "notify-A"},
      {{{"owner", "team-C"}}, "notify-BC"},
      {{{"owner", "team-A"}, {"env", "production"}}, "notify-productionA,notify-productionB"},
      {{{"group_by", "role"}}, "notify-def"},
      {{{"group_by", "role"}, {"env", "testing"}}, "notify-testing"},
      {{{"group_by", "role"}, {"env", "testing"}, {"wait", "long"}}, "notify-testing"},
      {{}, "notify-def"},
  };
  for (const auto& [labels, want] : cases) {
    SCOPED_TRACE(LabelSetString(labels));
    EXPECT_EQ(Receivers(t.root->Match(labels)), want);
  }
}

TEST(RouteTree, InheritedOptionsKeysAndGroupKeys) {
  Tree t = Load();
  LabelSet prod = {{"owner", "team-A"}, {"env", "production"}, {"a", "1"}, {"job", "j"}};
  std::vector<const RouteNode*> m = t.root->Match(prod);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0]->opts().group_wait_ms, 60000);
  EXPECT_EQ(m[0]->opts().group_interval_ms, 300000);
  EXPECT_EQ(m[0]->opts().repeat_interval_ms, 4 * 3600000);
  EXPECT_EQ(m[0]->opts().group_by, (std::set<std::string>{"a"}));
  EXPECT_EQ(m[1]->opts().group_by, (std::set<std::string>{"job"}));
  EXPECT_EQ(m[1]->opts().repeat_interval_ms, 3600000);
  EXPECT_EQ(m[0]->Key(), "{}/{owner=\"team-A\"}/{env=\"production\"}");
  EXPECT_EQ(m[0]->ID(), "{}/{owner=\"team-A\"}/0/{env=\"production\"}/1");
  EXPECT_EQ(m[1]->GroupKey(prod),
            "{}/{owner=\"team-A\"}/{env=~\"produ.*\",job=~\".*\"}:{job=\"j\"}");
  EXPECT_EQ(m[0]->GroupKey(prod), "{}/{owner=\"team-A\"}/{env=\"production\"}:{a=\"1\"}");
  // group_by: ['...'] keys the group by every label.
  LabelSet testing = {{"owner", "team-A"}, {"env", "testing"}, {"x", "y\"z"}};
  std::vector<const RouteNode*> tm = t.root->Match(testing);
  ASSERT_EQ(tm.size(), 1u);
  EXPECT_TRUE(tm[0]->opts().group_by_all);
  EXPECT_EQ(tm[0]->GroupKey(testing),
            "{}/{owner=\"team-A\"}/{env=\"testing\"}:{env=\"testing\", owner=\"team-A\", "
            "x=\"y\\\"z\"}");
  // match_re values are anchored as upstream prints them.
  std::vector<const RouteNode*> bc = t.root->Match({{"owner", "team-B"}});
  ASSERT_EQ(bc.size(), 1u);
  EXPECT_EQ(bc[0]->Key(), "{}/{owner=~\"^(?:team-(B|C))$\"}");
  EXPECT_EQ(bc[0]->opts().group_wait_ms, 120000);
  // Post-order indices (9 routes), as upstream numbers them.
  EXPECT_EQ(t.root->idx(), 8);
}

TEST(Inhibitor, SourceTargetAndEqual) {
  Tree t = Load();
  Inhibitor inh(t.cfg.inhibit_rules);
  LabelSet warn = {{"alertname", "A"}, {"severity", "warning"}};
  LabelSet crit = {{"alertname", "A"}, {"severity", "critical"}};
  LabelSet other = {{"alertname", "B"}, {"severity", "critical"}};
  EXPECT_TRUE(inh.Mutes(warn, {crit}));
  EXPECT_FALSE(inh.Mutes(warn, {other}));
  EXPECT_FALSE(inh.Mutes(crit, {crit}));
  EXPECT_FALSE(inh.Mutes(warn, {}));
}

TEST(RouteTests, ParseErrors) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"tests:\n- labels: {a: b}\n",
       "line 2: a test needs at least one of receivers, group_by, "
       "notify or inhibited"},
      {"tests:\n- labels: {a: b}\n  notify: []\n", "line 2: notify needs at"},
      {"tests:\n- labels: {a: b}\n  receiverz: [x]\n",
       "yaml: unmarshal errors:\n  line 3: field receiverz not found in type routetest.Case"},
      {"tests:\n- labels: {a: b}\n  at: yesterday\n  notify: []\n",
       "line 3: at: parsing time \"yesterday\": not an RFC 3339 timestamp"},
  };
  for (const auto& [in, want] : cases) {
    SCOPED_TRACE(in);
    auto f = ParseRouteTests(in);
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.status().message(), want);
  }
}

TEST(RouteTests, Run) {
  Tree t = Load();
  auto f = ParseRouteTests(
      "tests:\n"
      "- labels: {owner: team-A, env: production}\n"
      "  receivers: [notify-productionA, notify-productionB]\n"
      "- name: wrong\n"
      "  labels: {owner: team-C}\n"
      "  receivers: [notify-A]\n"
      "  group_by: {notify-BC: [foo], notify-A: [a]}\n"
      "- labels: {alertname: A, severity: warning}\n"
      "  firing: [{alertname: A, severity: critical}]\n"
      "  inhibited: true\n");
  ASSERT_TRUE(f.ok()) << f.status().message();
  RouteTestReport r = RunRouteTests(t.cfg, *f);
  ASSERT_EQ(r.results.size(), 3u);
  EXPECT_TRUE(r.results[0].failures.empty());
  EXPECT_EQ(r.results[1].name, "wrong");
  EXPECT_EQ(r.results[1].failures,
            (std::vector<std::string>{"receivers: got notify-BC, want notify-A",
                                      "group_by (notify-BC): got (none), want foo",
                                      "group_by: receiver notify-A is not reached"}));
  EXPECT_TRUE(r.results[2].failures.empty());
}

}  // namespace
}  // namespace promkit::alertmanager

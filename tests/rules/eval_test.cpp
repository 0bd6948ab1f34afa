// Rule evaluation (lib/rules/rules.h): recording rules, the alerting state machine with its
// ALERTS / ALERTS_FOR_STATE series and templates, group staleness markers and limits, checked
// against upstream's rules/{alerting,recording,group}.go behaviour.
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "promql/parser/parser.h"
#include "rules/rules.h"
#include "storage/memory.h"

namespace promkit::rules {
namespace {

constexpr int64_t kMin = 60 * 1000;

bool IsStaleNaN(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits == promql::parser::kStaleNaNBits;
}

model::Labels L(std::initializer_list<std::pair<std::string_view, std::string_view>> l) {
  return model::Labels::FromList(l);
}

promql::parser::ExprPtr Parse(std::string_view q) {
  auto e = promql::parser::ParseExpr(q);
  EXPECT_TRUE(e.ok()) << e.status().message();
  return std::move(*e);
}

struct Appended {
  model::Labels labels;
  int64_t t;
  double v;
};

// An engine over a memory storage, and an AppendFunc that stores and records what rules append.
class EvalTest : public testing::Test {
 protected:
  EvalTest() {
    ctx_.engine = &engine_;
    ctx_.queryable = &storage_;
    append_ = [this](const model::Labels& l, int64_t t, double v) {
      appended_.push_back({l, t, v});
      storage_.Append(l, t, v);
      return util::Status::Ok();
    };
  }

  // `labels` gets `value` at every minute from `from` to `to` (inclusive), in minutes.
  void Series(const model::Labels& labels, int from, int to, double value) {
    for (int m = from; m <= to; ++m) storage_.Append(labels, m * kMin, value);
  }

  std::vector<Appended> Take() { return std::exchange(appended_, {}); }

  promql::Engine engine_;
  storage::MemoryStorage storage_;
  EvalContext ctx_;
  AppendFunc append_;
  std::vector<Appended> appended_;
};

TEST_F(EvalTest, RecordingRuleRenamesAndLabels) {
  Series(L({{"__name__", "up"}, {"job", "a"}, {"env", "dev"}}), 0, 1, 1);
  Series(L({{"__name__", "up"}, {"job", "b"}, {"env", "dev"}}), 0, 1, 0);
  RecordingRule r("job:up", Parse("up"), L({{"env", "prod"}, {"team", "x"}}));
  auto v = r.Eval(kMin, 0, ctx_, 0);
  ASSERT_TRUE(v.ok()) << v.status().message();
  ASSERT_EQ(v->size(), 2u);
  std::vector<std::string> got;
  for (const promql::Sample& s : *v) got.push_back(s.metric.ToString());
  std::sort(got.begin(), got.end());
  // The rule's labels replace the series' ones.
  EXPECT_EQ(got[0], R"({__name__="job:up", env="prod", job="a", team="x"})");
  EXPECT_EQ(got[1], R"({__name__="job:up", env="prod", job="b", team="x"})");
}

TEST_F(EvalTest, RecordingRuleScalarAndQueryOffset) {
  Series(L({{"__name__", "x"}}), 0, 10, 7);
  RecordingRule r("scalar", Parse("time()"), {});
  auto v = r.Eval(10 * kMin, 2 * kMin, ctx_, 0);
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->size(), 1u);
  EXPECT_EQ((*v)[0].metric.ToString(), R"({__name__="scalar"})");
  EXPECT_EQ((*v)[0].f, 480);  // queried at ts - offset
  EXPECT_EQ((*v)[0].t, 8 * kMin);
}

TEST_F(EvalTest, RecordingRuleDuplicateLabelSetAndLimit) {
  Series(L({{"__name__", "up"}, {"job", "a"}}), 0, 0, 1);
  Series(L({{"__name__", "up"}, {"job", "b"}}), 0, 0, 1);
  // Overwriting the only distinguishing label collapses both series into one.
  RecordingRule dup("r", Parse("up"), L({{"job", "same"}}));
  auto v = dup.Eval(0, 0, ctx_, 0);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().message(),
            "vector contains metrics with the same labelset after applying rule labels");

  RecordingRule limited("r", Parse("up"), {});
  EXPECT_TRUE(limited.Eval(0, 0, ctx_, 2).ok());
  v = limited.Eval(0, 0, ctx_, 1);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().message(), "exceeded limit of 1 with 2 series");
}

TEST_F(EvalTest, QueryForRuleResultTypes) {
  EXPECT_EQ(QueryForRule(ctx_, "\"s\"", 0).status().message(),
            "rule result is not a vector or scalar");
  storage_.Append(L({{"__name__", "x"}}), 0, 1);
  EXPECT_EQ(QueryForRule(ctx_, "x[5m]", 0).status().message(),
            "rule result is not a vector or scalar");
  EXPECT_FALSE(QueryForRule(ctx_, "x +", 0).ok());
}

TEST_F(EvalTest, DisabledEngineFeaturesFailAsUpstream) {
  promql::EngineOptions o;
  o.enable_at_modifier = false;
  o.enable_negative_offset = false;
  promql::Engine strict(o);
  EvalContext ctx = ctx_;
  ctx.engine = &strict;
  storage_.Append(L({{"__name__", "x"}}), 0, 1);
  EXPECT_EQ(QueryForRule(ctx, "sum(rate(x[5m] @ 100))", 0).status().message(),
            "@ modifier is disabled");
  EXPECT_EQ(QueryForRule(ctx, "x offset -1m", 0).status().message(), "negative offset is disabled");
  EXPECT_EQ(QueryForRule(ctx, "max_over_time(x[5m:1m] offset -1m)", 0).status().message(),
            "negative offset is disabled");
  EXPECT_TRUE(QueryForRule(ctx, "x offset 1m", 2 * kMin).ok());
}

// What the ALERTS / ALERTS_FOR_STATE samples of one evaluation say.
std::vector<std::string> Describe(const promql::Vector& v) {
  std::vector<std::string> out;
  for (const promql::Sample& s : v) {
    out.push_back(s.metric.ToString() + " " + std::to_string(s.t) + " " +
                  std::to_string(static_cast<int64_t>(s.f)));
  }
  return out;
}

TEST_F(EvalTest, AlertPendingThenFiringThenResolved) {
  const model::Labels up = L({{"__name__", "up"}, {"job", "a"}});
  Series(up, 0, 7, 0);
  Series(up, 8, 20, 1);
  AlertingRule r("Down", Parse("up == 0"), 5 * kMin, 0, L({{"severity", "page"}}), {});

  auto v = r.Eval(1 * kMin, 0, ctx_, 0);
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(
      Describe(*v),
      (std::vector<std::string>{
          R"({__name__="ALERTS", alertname="Down", alertstate="pending", job="a", severity="page"} 60000 1)",
          R"({__name__="ALERTS_FOR_STATE", alertname="Down", job="a", severity="page"} 60000 60)"}));
  ASSERT_EQ(r.ActiveAlerts().size(), 1u);
  EXPECT_EQ(r.ActiveAlerts()[0].state, AlertState::kPending);
  EXPECT_EQ(r.ActiveAlerts()[0].labels.ToString(),
            R"({alertname="Down", job="a", severity="page"})");

  // Still pending one minute before `for` has passed; firing when it has. The active time
  // (ALERTS_FOR_STATE) stays the first one.
  ASSERT_TRUE(r.Eval(5 * kMin, 0, ctx_, 0).ok());
  EXPECT_EQ(r.ActiveAlerts()[0].state, AlertState::kPending);
  v = r.Eval(6 * kMin, 0, ctx_, 0);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(r.ActiveAlerts()[0].state, AlertState::kFiring);
  EXPECT_EQ(r.ActiveAlerts()[0].fired_at_ms, 6 * kMin);
  EXPECT_EQ(
      Describe(*v)[0],
      R"({__name__="ALERTS", alertname="Down", alertstate="firing", job="a", severity="page"} 360000 1)");
  EXPECT_EQ(
      Describe(*v)[1],
      R"({__name__="ALERTS_FOR_STATE", alertname="Down", job="a", severity="page"} 360000 60)");

  // The condition ends: resolved, no longer active, no samples.
  v = r.Eval(8 * kMin, 0, ctx_, 0);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->empty());
  EXPECT_TRUE(r.ActiveAlerts().empty());
}

TEST_F(EvalTest, PendingAlertIsForgottenAndStartsOver) {
  const model::Labels up = L({{"__name__", "up"}, {"job", "a"}});
  Series(up, 0, 2, 0);
  Series(up, 3, 3, 1);
  Series(up, 4, 20, 0);
  AlertingRule r("Down", Parse("up == 0"), 5 * kMin, 0, {}, {});
  ASSERT_TRUE(r.Eval(0, 0, ctx_, 0).ok());
  ASSERT_TRUE(r.Eval(3 * kMin, 0, ctx_, 0).ok());
  EXPECT_TRUE(r.ActiveAlerts().empty());
  // Active again from minute 4: firing only at minute 9, not at 5 (0 + for).
  ASSERT_TRUE(r.Eval(4 * kMin, 0, ctx_, 0).ok());
  ASSERT_TRUE(r.Eval(8 * kMin, 0, ctx_, 0).ok());
  EXPECT_EQ(r.ActiveAlerts()[0].state, AlertState::kPending);
  EXPECT_EQ(r.ActiveAlerts()[0].active_at_ms, 4 * kMin);
  ASSERT_TRUE(r.Eval(9 * kMin, 0, ctx_, 0).ok());
  EXPECT_EQ(r.ActiveAlerts()[0].state, AlertState::kFiring);
}

TEST_F(EvalTest, AlertWithoutForFiresAtOnce) {
  AlertingRule r("Always", Parse("vector(1)"), 0, 0, {}, {});
  auto v = r.Eval(0, 0, ctx_, 0);
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(r.ActiveAlerts().size(), 1u);
  EXPECT_EQ(r.ActiveAlerts()[0].state, AlertState::kFiring);
  EXPECT_EQ(r.ActiveAlerts()[0].labels.ToString(), R"({alertname="Always"})");
}

TEST_F(EvalTest, KeepFiringFor) {
  const model::Labels up = L({{"__name__", "up"}, {"job", "a"}});
  Series(up, 0, 2, 0);
  Series(up, 3, 20, 1);
  AlertingRule r("Down", Parse("up == 0"), 0, 2 * kMin, {}, {});
  ASSERT_TRUE(r.Eval(2 * kMin, 0, ctx_, 0).ok());
  EXPECT_EQ(r.ActiveAlerts()[0].state, AlertState::kFiring);
  // Gone at minute 3: still firing at 3 and 4 (less than keep_firing_for since 3), resolved at 5.
  auto v = r.Eval(3 * kMin, 0, ctx_, 0);
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(r.ActiveAlerts().size(), 1u);
  EXPECT_EQ(r.ActiveAlerts()[0].state, AlertState::kFiring);
  EXPECT_EQ(r.ActiveAlerts()[0].keep_firing_since_ms, 3 * kMin);
  EXPECT_EQ(v->size(), 2u);  // ALERTS and ALERTS_FOR_STATE go on
  ASSERT_TRUE(r.Eval(4 * kMin, 0, ctx_, 0).ok());
  EXPECT_EQ(r.ActiveAlerts().size(), 1u);
  v = r.Eval(5 * kMin, 0, ctx_, 0);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->empty());
  EXPECT_TRUE(r.ActiveAlerts().empty());
}

TEST_F(EvalTest, KeepFiringForResetsWhenTheConditionReturns) {
  const model::Labels up = L({{"__name__", "up"}, {"job", "a"}});
  Series(up, 0, 1, 0);
  Series(up, 2, 2, 1);
  Series(up, 3, 3, 0);
  Series(up, 4, 20, 1);
  AlertingRule r("Down", Parse("up == 0"), 0, 2 * kMin, {}, {});
  ASSERT_TRUE(r.Eval(1 * kMin, 0, ctx_, 0).ok());
  ASSERT_TRUE(r.Eval(2 * kMin, 0, ctx_, 0).ok());
  EXPECT_EQ(r.ActiveAlerts()[0].keep_firing_since_ms, 2 * kMin);
  ASSERT_TRUE(r.Eval(3 * kMin, 0, ctx_, 0).ok());
  EXPECT_FALSE(r.ActiveAlerts()[0].keep_firing_since_ms.has_value());
  // keep_firing_for counts again from minute 4: still firing at 5.
  ASSERT_TRUE(r.Eval(4 * kMin, 0, ctx_, 0).ok());
  ASSERT_TRUE(r.Eval(5 * kMin, 0, ctx_, 0).ok());
  ASSERT_EQ(r.ActiveAlerts().size(), 1u);
  EXPECT_EQ(r.ActiveAlerts()[0].active_at_ms, 1 * kMin);
}

TEST_F(EvalTest, TemplatesExpandLabelsAndAnnotations) {
  Series(L({{"__name__", "disk_free"}, {"instance", "h1:9100"}, {"job", "node"}}), 0, 0, 0.125);
  ctx_.external_labels = L({{"region", "eu"}});
  ctx_.external_url = "http://prom.example:9090";
  AlertingRule r(
      "DiskFull", Parse("disk_free < 0.2"), 0, 0,
      L({{"severity", "{{ if lt $value 0.5 }}page{{ else }}ticket{{ end }}"},
         {"empty", "{{ $labels.missing }}"}}),
      L({{"summary", "{{ $labels.instance }} has {{ $value | humanizePercentage }} free"},
         {"where", "{{ $externalLabels.region }} {{ $externalURL }}"},
         {"static", "no template"},
         {"bad", "{{ .Nope.Deeper }}"}}));
  auto v = r.Eval(0, 0, ctx_, 0);
  ASSERT_TRUE(v.ok()) << v.status().message();
  const std::vector<Alert> alerts = r.ActiveAlerts();
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts[0];
  // A label whose template expands to "" is dropped from the alert.
  EXPECT_EQ(a.labels.ToString(),
            R"({alertname="DiskFull", instance="h1:9100", job="node", severity="page"})");
  EXPECT_EQ(a.annotations.Get("summary"), "h1:9100 has 12.5% free");
  EXPECT_EQ(a.annotations.Get("where"), "eu http://prom.example:9090");
  EXPECT_EQ(a.annotations.Get("static"), "no template");
  EXPECT_EQ(a.annotations.Get("bad").substr(0, 30), "<error expanding template: err");
  EXPECT_EQ(a.value, 0.125);
  // ALERTS start from the rule's own labels, so the dropped one shows its template there.
  EXPECT_EQ((*v)[0].metric.Get("empty"), "{{ $labels.missing }}");
  EXPECT_EQ((*v)[0].metric.Get("severity"), "page");
}

TEST_F(EvalTest, AnnotationsFollowTheLatestValue) {
  const model::Labels m = L({{"__name__", "load"}, {"host", "a"}});
  storage_.Append(m, 0, 3);
  storage_.Append(m, kMin, 4);
  AlertingRule r("High", Parse("load > 1"), 10 * kMin, 0, {}, L({{"value", "{{ $value }}"}}));
  ASSERT_TRUE(r.Eval(0, 0, ctx_, 0).ok());
  EXPECT_EQ(r.ActiveAlerts()[0].annotations.Get("value"), "3");
  ASSERT_TRUE(r.Eval(kMin, 0, ctx_, 0).ok());
  EXPECT_EQ(r.ActiveAlerts()[0].annotations.Get("value"), "4");
  EXPECT_EQ(r.ActiveAlerts()[0].value, 4);
  EXPECT_EQ(r.ActiveAlerts()[0].active_at_ms, 0);
}

TEST_F(EvalTest, AlertDuplicateLabelSetAndLimit) {
  Series(L({{"__name__", "up"}, {"job", "a"}}), 0, 0, 0);
  Series(L({{"__name__", "down"}, {"job", "a"}}), 0, 0, 0);
  // __name__ is dropped from alert labels: the two series become one alert.
  AlertingRule dup("A", Parse("{__name__=~\"up|down\"}"), 0, 0, {}, {});
  auto v = dup.Eval(0, 0, ctx_, 0);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().message(),
            "vector contains metrics with the same labelset after applying alert labels");

  Series(L({{"__name__", "up"}, {"job", "b"}}), 0, 0, 0);
  AlertingRule limited("A", Parse("up == 0"), 0, 0, {}, {});
  ASSERT_TRUE(limited.Eval(0, 0, ctx_, 2).ok());
  EXPECT_EQ(limited.ActiveAlerts().size(), 2u);
  v = limited.Eval(0, 0, ctx_, 1);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().message(), "exceeded limit of 1 with 2 alerts");
  EXPECT_TRUE(limited.ActiveAlerts().empty());  // the limit forgets every alert
}

TEST_F(EvalTest, UnrestoredRuleKeepsStateButWritesNoSeries) {
  AlertingRule r("Always", Parse("vector(1)"), 0, 0, {}, {});
  r.set_restored(false);
  auto v = r.Eval(0, 0, ctx_, 0);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->empty());
  EXPECT_EQ(r.ActiveAlerts().size(), 1u);
}

std::vector<std::unique_ptr<Rule>> Rules(std::unique_ptr<Rule> a, std::unique_ptr<Rule> b = {}) {
  std::vector<std::unique_ptr<Rule>> v;
  v.push_back(std::move(a));
  if (b) v.push_back(std::move(b));
  return v;
}

TEST_F(EvalTest, GroupMarksVanishedSeriesStale) {
  const model::Labels a = L({{"__name__", "up"}, {"job", "a"}});
  const model::Labels b = L({{"__name__", "up"}, {"job", "b"}});
  Series(a, 0, 10, 1);
  Series(b, 0, 1, 1);
  Group g("g", "f.yml", kMin, std::nullopt, 0,
          Rules(std::make_unique<RecordingRule>("rec", Parse("up"), model::Labels())));
  g.Eval(kMin, ctx_, append_);
  EXPECT_EQ(Take().size(), 2u);
  // job="b" is gone after the 5m lookback: it gets a staleness marker at the evaluation time,
  // once.
  g.Eval(7 * kMin, ctx_, append_);
  std::vector<Appended> got = Take();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].labels.Get("job"), "a");
  EXPECT_EQ(got[0].v, 1);
  EXPECT_EQ(got[1].labels.ToString(), R"({__name__="rec", job="b"})");
  EXPECT_EQ(got[1].t, 7 * kMin);
  EXPECT_TRUE(IsStaleNaN(got[1].v));
  g.Eval(8 * kMin, ctx_, append_);
  EXPECT_EQ(Take().size(), 1u);
}

TEST_F(EvalTest, GroupStaleMarkersUseTheQueryOffset) {
  storage_.Append(L({{"__name__", "x"}}), 0, 1);
  Group g("g", "f.yml", kMin, 2 * kMin, 0,
          Rules(std::make_unique<RecordingRule>("rec", Parse("x"), model::Labels())));
  g.Eval(2 * kMin, ctx_, append_);
  std::vector<Appended> got = Take();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].t, 0);
  g.Eval(10 * kMin, ctx_, append_);
  got = Take();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].t, 8 * kMin);
  EXPECT_TRUE(IsStaleNaN(got[0].v));
}

TEST_F(EvalTest, GroupAlertSeriesGoStaleWhenResolved) {
  const model::Labels up = L({{"__name__", "up"}, {"job", "a"}});
  Series(up, 0, 0, 0);
  Series(up, 1, 5, 1);
  Group g("g", "f.yml", kMin, std::nullopt, 0,
          Rules(std::make_unique<AlertingRule>("Down", Parse("up == 0"), 0, 0, model::Labels(),
                                               model::Labels())));
  g.Eval(0, ctx_, append_);
  EXPECT_EQ(Take().size(), 2u);
  g.Eval(kMin, ctx_, append_);
  std::vector<Appended> got = Take();
  ASSERT_EQ(got.size(), 2u);
  for (const Appended& a : got) {
    EXPECT_TRUE(IsStaleNaN(a.v)) << a.labels.ToString();
    EXPECT_EQ(a.t, kMin);
  }
}

TEST_F(EvalTest, GroupRulesSeeEarlierResultsAndKeepTheirErrors) {
  Series(L({{"__name__", "x"}, {"k", "1"}}), 0, 5, 2);
  Group g("g", "f.yml", kMin, std::nullopt, 0,
          Rules(std::make_unique<RecordingRule>("double", Parse("x * 2"), model::Labels()),
                std::make_unique<RecordingRule>("quad", Parse("double * 2"), model::Labels())));
  g.Eval(kMin, ctx_, append_);
  std::vector<Appended> got = Take();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].labels.ToString(), R"({__name__="quad", k="1"})");
  EXPECT_EQ(got[1].v, 8);
  EXPECT_TRUE(g.rules()[0]->last_error().ok());

  // A failing rule reports its error, appends nothing and marks nothing stale.
  Group bad("g", "f.yml", kMin, std::nullopt, 1,
            Rules(std::make_unique<RecordingRule>("r", Parse("x"), model::Labels())));
  bad.Eval(kMin, ctx_, append_);
  EXPECT_EQ(Take().size(), 1u);
  Series(L({{"__name__", "x"}, {"k", "2"}}), 2, 5, 2);
  bad.Eval(2 * kMin, ctx_, append_);
  EXPECT_TRUE(Take().empty());
  EXPECT_EQ(bad.rules()[0]->last_error().message(), "exceeded limit of 1 with 2 series");
}

TEST_F(EvalTest, GroupRecordsRejectedAppends) {
  Series(L({{"__name__", "x"}}), 0, 1, 1);
  Group g("g", "f.yml", kMin, std::nullopt, 0,
          Rules(std::make_unique<RecordingRule>("r", Parse("x"), model::Labels())));
  int calls = 0;
  AppendFunc reject = [&calls](const model::Labels&, int64_t, double) {
    ++calls;
    return util::Status::InvalidArgument("out of order sample");
  };
  g.Eval(kMin, ctx_, reject);
  EXPECT_EQ(g.rules()[0]->last_error().message(), "out of order sample");
  // Not appended, so not stale next time either.
  g.Eval(10 * kMin, ctx_, append_);
  EXPECT_TRUE(Take().empty());
  EXPECT_EQ(calls, 1);
}

TEST(BuildGroups, LabelsIntervalsAndOffsets) {
  rulefmt::ParseResult parsed = rulefmt::Parse(R"(groups:
  - name: g1
    interval: 30s
    query_offset: 1m
    limit: 3
    labels: {team: a, tier: one}
    rules:
      - record: r
        expr: sum(up)
        labels: {tier: two}
      - alert: A
        expr: up == 0
        for: 5m
        keep_firing_for: 1m
        annotations: {summary: "down"}
  - name: g2
    rules:
      - record: s
        expr: 1
)");
  ASSERT_TRUE(parsed.ok()) << parsed.errors[0].message;
  auto groups = BuildGroups(parsed.groups, "rules.yml", 2 * kMin, {});
  ASSERT_TRUE(groups.ok()) << groups.status().message();
  ASSERT_EQ(groups->size(), 2u);
  const Group& g1 = (*groups)[0];
  EXPECT_EQ(g1.name(), "g1");
  EXPECT_EQ(g1.file(), "rules.yml");
  EXPECT_EQ(g1.interval_ms(), 30 * 1000);
  EXPECT_EQ(g1.query_offset_ms(), kMin);
  EXPECT_EQ(g1.limit(), 3);
  ASSERT_EQ(g1.rules().size(), 2u);
  EXPECT_EQ(g1.rules()[0]->labels().ToString(), R"({team="a", tier="two"})");
  EXPECT_EQ(g1.rules()[0]->query(), "sum(up)");
  const auto& alert = static_cast<const AlertingRule&>(*g1.rules()[1]);
  EXPECT_TRUE(alert.IsAlerting());
  EXPECT_EQ(alert.hold_ms(), 5 * kMin);
  EXPECT_EQ(alert.keep_firing_for_ms(), kMin);
  EXPECT_EQ(alert.labels().ToString(), R"({team="a", tier="one"})");
  EXPECT_EQ(alert.annotations().ToString(), R"({summary="down"})");
  const Group& g2 = (*groups)[1];
  EXPECT_EQ(g2.interval_ms(), 2 * kMin);
  EXPECT_EQ(g2.query_offset_ms(), 0);
}

}  // namespace
}  // namespace promkit::rules

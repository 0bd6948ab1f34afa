#include "rules/rules.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <string_view>
#include <unordered_set>
#include <utility>

#include <fmt/core.h>

#include "promql/parser/parser.h"
#include "template/prometheus.h"

namespace promkit::rules {
namespace {

namespace parser = promql::parser;

// How long a resolved alert is remembered (upstream resolvedRetention), so Alertmanager keeps
// hearing that it resolved.
constexpr int64_t kResolvedRetentionMs = 15 * 60 * 1000;

double StaleNaN() {
  double v;
  const uint64_t bits = parser::kStaleNaNBits;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

model::Labels FromMap(const rulefmt::StringMap& m) {
  std::vector<std::pair<std::string, std::string>> pairs(m.begin(), m.end());
  return model::Labels::FromPairs(std::move(pairs));
}

// time.Time.Unix() of a millisecond timestamp: whole seconds, rounded down.
int64_t FloorSeconds(int64_t ms) { return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000); }

// Which of the engine's optional features `e` uses (upstream Engine.validateOpts).
void FindFeatures(const parser::Expr* e, bool* at, bool* negative_offset) {
  if (e == nullptr) return;
  auto mods = [&](const parser::Modifiers& m) {
    *at = *at || m.HasAt();
    *negative_offset = *negative_offset || m.original_offset_ns < 0;
  };
  switch (e->kind()) {
    case parser::ExprKind::kVectorSelector:
      mods(static_cast<const parser::VectorSelector*>(e)->mods);
      break;
    case parser::ExprKind::kMatrixSelector:
      FindFeatures(static_cast<const parser::MatrixSelector*>(e)->vector_selector.get(), at,
                   negative_offset);
      break;
    case parser::ExprKind::kSubquery: {
      const auto* sq = static_cast<const parser::SubqueryExpr*>(e);
      mods(sq->mods);
      FindFeatures(sq->expr.get(), at, negative_offset);
      break;
    }
    case parser::ExprKind::kAggregate: {
      const auto* a = static_cast<const parser::AggregateExpr*>(e);
      FindFeatures(a->param.get(), at, negative_offset);
      FindFeatures(a->expr.get(), at, negative_offset);
      break;
    }
    case parser::ExprKind::kBinary: {
      const auto* b = static_cast<const parser::BinaryExpr*>(e);
      FindFeatures(b->lhs.get(), at, negative_offset);
      FindFeatures(b->rhs.get(), at, negative_offset);
      break;
    }
    case parser::ExprKind::kCall:
      for (const parser::ExprPtr& arg : static_cast<const parser::Call*>(e)->args) {
        FindFeatures(arg.get(), at, negative_offset);
      }
      break;
    case parser::ExprKind::kParen:
      FindFeatures(static_cast<const parser::ParenExpr*>(e)->expr.get(), at, negative_offset);
      break;
    case parser::ExprKind::kUnary:
      FindFeatures(static_cast<const parser::UnaryExpr*>(e)->expr.get(), at, negative_offset);
      break;
    default:
      break;
  }
}

// The engine rejects what its options disable only in upstream's engine; promkit's accepts
// everything, so a caller that disables a feature (the unit-test conformance cases) is held to
// it here. TODO(#6): move into promql::Engine with the rest of upstream's validateOpts.
util::Status CheckEngineFeatures(const promql::EngineOptions& opts, std::string_view query) {
  if (opts.enable_at_modifier && opts.enable_negative_offset) return util::Status::Ok();
  util::Result<parser::ExprPtr> expr = parser::ParseExpr(query, opts.parser);
  if (!expr.ok()) return util::Status::Ok();  // the engine reports the parse error
  bool at = false;
  bool negative_offset = false;
  FindFeatures(expr->get(), &at, &negative_offset);
  if (at && !opts.enable_at_modifier) {
    return util::Status::InvalidArgument("@ modifier is disabled");
  }
  if (negative_offset && !opts.enable_negative_offset) {
    return util::Status::InvalidArgument("negative offset is disabled");
  }
  return util::Status::Ok();
}

// The label and annotation templates of one alerting-rule evaluation. Upstream parses each one
// for every sample (NewTemplateExpander, then Expand); the functions see the same evaluation time
// and query function for all of them, so parsing each text once per evaluation expands the same.
class Expander {
 public:
  Expander(const std::string& rule_name, const EvalContext& ctx, int64_t ts_ms)
      : name_("__alert_" + rule_name) {
    tmpl::PrometheusContext pctx;
    pctx.timestamp_ms = ts_ms;
    pctx.external_url = ctx.external_url;
    pctx.query = [&ctx](std::string_view q,
                        int64_t t) -> util::Result<std::vector<tmpl::QuerySample>> {
      util::Result<promql::Vector> v = QueryForRule(ctx, q, t);
      if (!v.ok()) return v.status();
      std::vector<tmpl::QuerySample> out;
      out.reserve(v->size());
      for (promql::Sample& s : *v) out.push_back(tmpl::QuerySample{s.metric, tmpl::Value(s.f)});
      return out;
    };
    funcs_ = tmpl::PrometheusFuncs(std::move(pctx));
  }

  // `text` expanded with `data` (the sample's AlertTemplateData), or upstream's
  // "<error expanding template: ...>" when it does not parse or execute.
  std::string Expand(std::string_view text, const tmpl::Value& data) {
    // Without an action the template is its text (the definitions prepended print nothing).
    if (text.find("{{") == std::string_view::npos) return std::string(text);
    auto it = parsed_.find(text);
    if (it == parsed_.end()) {
      tmpl::Options opts;
      opts.missing_key = tmpl::MissingKey::kZero;
      Parsed p{tmpl::Template(name_, funcs_, opts), util::Status::Ok()};
      std::string full(tmpl::kAlertTemplateDefs);
      full += text;
      if (util::Status st = p.tmpl.Parse(full); !st.ok()) {
        p.error = util::Status::InvalidArgument(
            fmt::format("error parsing template {}: {}", name_, st.message()));
      }
      it = parsed_.emplace(std::string(text), std::move(p)).first;
    }
    const Parsed& p = it->second;
    util::Status st = p.error;
    std::string out;
    if (st.ok()) {
      st = p.tmpl.Execute(data, &out);
      if (!st.ok()) {
        st = util::Status::InvalidArgument(
            fmt::format("error executing template {}: {}", name_, st.message()));
      }
    }
    if (!st.ok()) return fmt::format("<error expanding template: {}>", st.message());
    return out;
  }

 private:
  struct Parsed {
    tmpl::Template tmpl;
    util::Status error;
  };
  std::string name_;
  tmpl::FuncMap funcs_;
  std::map<std::string, Parsed, std::less<>> parsed_;  // by template text
};

}  // namespace

std::string_view AlertStateName(AlertState s) {
  switch (s) {
    case AlertState::kInactive:
      return "inactive";
    case AlertState::kPending:
      return "pending";
    case AlertState::kFiring:
      return "firing";
  }
  return "unknown";
}

util::Result<promql::Vector> QueryForRule(const EvalContext& ctx, std::string_view query,
                                          int64_t ts_ms) {
  if (util::Status st = CheckEngineFeatures(ctx.engine->options(), query); !st.ok()) return st;
  promql::Result r = ctx.engine->InstantQuery(*ctx.queryable, query, ts_ms);
  if (!r.ok()) return util::Status::InvalidArgument(r.error);
  switch (r.value.kind) {
    case promql::ValueKind::kVector:
      return std::move(r.value.vector);
    case promql::ValueKind::kScalar: {
      promql::Vector v;
      v.push_back(promql::Sample{{}, r.value.scalar.t, r.value.scalar.v});
      return v;
    }
    default:
      return util::Status::InvalidArgument("rule result is not a vector or scalar");
  }
}

Rule::Rule(std::string name, promql::parser::ExprPtr expr, model::Labels labels)
    : name_(std::move(name)),
      expr_(std::move(expr)),
      query_(expr_->String()),
      labels_(std::move(labels)) {}

RecordingRule::RecordingRule(std::string name, promql::parser::ExprPtr expr, model::Labels labels)
    : Rule(std::move(name), std::move(expr), std::move(labels)) {}

util::Result<promql::Vector> RecordingRule::Eval(int64_t ts_ms, int64_t query_offset_ms,
                                                 const EvalContext& ctx, int64_t limit) {
  util::Result<promql::Vector> res = QueryForRule(ctx, query_, ts_ms - query_offset_ms);
  if (!res.ok()) return res.status();
  promql::Vector& vec = *res;
  model::LabelsBuilder b;
  for (promql::Sample& s : vec) {
    b.Reset(std::move(s.metric));
    b.Set(model::kMetricName, name_);
    for (const model::Label& l : labels_) b.Set(l.name, l.value);
    s.metric = b.Build();
  }
  // Checked after renaming all, as upstream's Vector.ContainsSameLabelset.
  std::unordered_set<std::string_view> seen;
  seen.reserve(vec.size());
  for (const promql::Sample& s : vec) {
    if (!seen.insert(s.metric.encoded()).second) {
      return util::Status::InvalidArgument(
          "vector contains metrics with the same labelset after applying rule labels");
    }
  }
  if (limit > 0 && static_cast<int64_t>(vec.size()) > limit) {
    return util::Status::InvalidArgument(
        fmt::format("exceeded limit of {} with {} series", limit, vec.size()));
  }
  return res;
}

AlertingRule::AlertingRule(std::string name, promql::parser::ExprPtr expr, int64_t hold_ms,
                           int64_t keep_firing_for_ms, model::Labels labels,
                           model::Labels annotations)
    : Rule(std::move(name), std::move(expr), std::move(labels)),
      hold_ms_(hold_ms),
      keep_firing_for_ms_(keep_firing_for_ms),
      annotations_(std::move(annotations)) {
  for (const model::Labels* set : {&labels_, &annotations_}) {
    for (const model::Label& l : *set) {
      templated_ = templated_ || l.value.find("{{") != std::string_view::npos;
    }
  }
}

std::vector<Alert> AlertingRule::ActiveAlerts() const {
  std::vector<Alert> out;
  for (const auto& [key, a] : active_) {
    if (!a.resolved_at_ms) out.push_back(a);
  }
  std::sort(out.begin(), out.end(),
            [](const Alert& a, const Alert& b) { return a.labels < b.labels; });
  return out;
}

util::Result<promql::Vector> AlertingRule::Eval(int64_t ts_ms, int64_t query_offset_ms,
                                                const EvalContext& ctx, int64_t limit) {
  util::Result<promql::Vector> res = QueryForRule(ctx, query_, ts_ms - query_offset_ms);
  if (!res.ok()) return res.status();

  // The alerts of this evaluation, by labels.
  ByLabels<Alert> current;
  model::LabelsBuilder lb;
  std::optional<Expander> expander;
  if (!res->empty()) expander.emplace(name_, ctx, ts_ms);
  for (const promql::Sample& s : *res) {
    const tmpl::Value data = templated_
                                 ? tmpl::AlertTemplateData(s.metric, ctx.external_labels,
                                                           ctx.external_url, tmpl::Value(s.f))
                                 : tmpl::Value();
    lb.Reset(s.metric);
    lb.Del(model::kMetricName);
    for (const model::Label& l : labels_) lb.Set(l.name, expander->Expand(l.value, data));
    lb.Set("alertname", name_);
    std::vector<std::pair<std::string, std::string>> annotations;
    annotations.reserve(annotations_.size());
    for (const model::Label& a : annotations_) {
      annotations.emplace_back(std::string(a.name), expander->Expand(a.value, data));
    }
    Alert a;
    a.labels = lb.Build();
    a.annotations = model::Labels::FromPairs(std::move(annotations));
    a.active_at_ms = ts_ms;
    a.state = AlertState::kPending;
    a.value = s.f;
    std::string key(a.labels.encoded());
    if (!current.emplace(std::move(key), std::move(a)).second) {
      return util::Status::InvalidArgument(
          "vector contains metrics with the same labelset after applying alert labels");
    }
  }

  // Known alerts keep their state (and active time) and take the new value and annotations;
  // new ones, and ones that had resolved, start pending.
  for (auto& [key, a] : current) {
    auto it = active_.find(key);
    if (it != active_.end() && it->second.state != AlertState::kInactive) {
      it->second.value = a.value;
      it->second.annotations = a.annotations;
      continue;
    }
    active_.insert_or_assign(key, a);
  }

  promql::Vector vec;
  int64_t num_active_pending = 0;
  const int64_t sample_ts = ts_ms - query_offset_ms;
  for (auto it = active_.begin(); it != active_.end();) {
    Alert& a = it->second;
    if (current.find(it->first) == current.end()) {
      // Gone from the result: resolve it, unless keep_firing_for still holds it firing.
      bool keep_firing = false;
      if (a.state == AlertState::kFiring && keep_firing_for_ms_ > 0) {
        if (!a.keep_firing_since_ms) a.keep_firing_since_ms = ts_ms;
        keep_firing = ts_ms - *a.keep_firing_since_ms < keep_firing_for_ms_;
      }
      // Pending alerts are forgotten at once; resolved ones after the retention.
      const bool forget = a.state == AlertState::kPending ||
                          (a.resolved_at_ms && ts_ms - *a.resolved_at_ms > kResolvedRetentionMs);
      if (!keep_firing) {
        if (a.state != AlertState::kInactive) {
          a.state = AlertState::kInactive;
          a.resolved_at_ms = ts_ms;
        }
        it = forget ? active_.erase(it) : std::next(it);
        continue;
      }
    } else {
      a.keep_firing_since_ms.reset();
    }
    ++num_active_pending;
    if (a.state == AlertState::kPending && ts_ms - a.active_at_ms >= hold_ms_) {
      a.state = AlertState::kFiring;
      a.fired_at_ms = ts_ms;
    }
    // A firing alert whose `for` grew (a reloaded rule) is pending again.
    if (a.state == AlertState::kFiring && ts_ms - a.active_at_ms < hold_ms_) {
      a.state = AlertState::kPending;
      a.fired_at_ms.reset();
      a.keep_firing_since_ms.reset();
    }
    if (restored_) {
      // Both start from the rule's unexpanded labels, as upstream's sample/forStateSample: a
      // rule label whose template expanded to "" keeps its template text here.
      model::LabelsBuilder sb(labels_);
      for (const model::Label& l : a.labels) sb.Set(l.name, l.value);
      sb.Set(model::kMetricName, "ALERTS");
      sb.Set("alertname", name_);
      sb.Set("alertstate", AlertStateName(a.state));
      vec.push_back(promql::Sample{sb.Build(), sample_ts, 1});
      model::LabelsBuilder fb(labels_);
      for (const model::Label& l : a.labels) fb.Set(l.name, l.value);
      fb.Set(model::kMetricName, "ALERTS_FOR_STATE");
      fb.Set("alertname", name_);
      vec.push_back(
          promql::Sample{fb.Build(), sample_ts, static_cast<double>(FloorSeconds(a.active_at_ms))});
    }
    ++it;
  }
  if (limit > 0 && num_active_pending > limit) {
    active_.clear();
    return util::Status::InvalidArgument(
        fmt::format("exceeded limit of {} with {} alerts", limit, num_active_pending));
  }
  return vec;
}

Group::Group(std::string name, std::string file, int64_t interval_ms,
             std::optional<int64_t> query_offset_ms, int64_t limit,
             std::vector<std::unique_ptr<Rule>> rules)
    : name_(std::move(name)),
      file_(std::move(file)),
      interval_ms_(interval_ms),
      query_offset_ms_(query_offset_ms),
      limit_(limit),
      rules_(std::move(rules)),
      previous_(rules_.size()) {}

void Group::Eval(int64_t ts_ms, const EvalContext& ctx, const AppendFunc& append) {
  const int64_t offset = query_offset_ms();
  for (size_t i = 0; i < rules_.size(); ++i) {
    Rule& rule = *rules_[i];
    util::Result<promql::Vector> vec = rule.Eval(ts_ms, offset, ctx, limit_);
    if (!vec.ok()) {
      rule.set_last_error(vec.status());
      continue;
    }
    rule.set_last_error(util::Status::Ok());
    ByLabels<model::Labels> returned;
    returned.reserve(vec->size());
    for (promql::Sample& s : *vec) {
      util::Status st = append(s.metric, s.t, s.f);
      if (!st.ok()) {
        rule.set_last_error(std::move(st));
        continue;
      }
      std::string key(s.metric.encoded());
      returned.emplace(std::move(key), std::move(s.metric));
    }
    for (const auto& [key, lset] : previous_[i]) {
      if (returned.find(key) == returned.end()) {
        // Rejections are expected here (another rule may append the series) and ignored.
        (void)append(lset, ts_ms - offset, StaleNaN());
      }
    }
    previous_[i] = std::move(returned);
  }
}

util::Result<std::vector<Group>> BuildGroups(const rulefmt::RuleGroups& groups,
                                             std::string_view file, int64_t default_interval_ms,
                                             const promql::parser::Options& parser_options) {
  std::vector<Group> out;
  out.reserve(groups.groups.size());
  for (const rulefmt::RuleGroup& g : groups.groups) {
    std::vector<std::unique_ptr<Rule>> rules;
    rules.reserve(g.rules.size());
    for (const rulefmt::Rule& r : g.rules) {
      util::Result<parser::ExprPtr> expr = parser::ParseExpr(r.expr, parser_options);
      if (!expr.ok()) {
        return util::Status::InvalidArgument(fmt::format("{}: {}", file, expr.status().message()));
      }
      // Group labels apply to every rule; a rule's own labels win (upstream FromMaps).
      rulefmt::StringMap labels = g.labels;
      for (const auto& [k, v] : r.labels) labels[k] = v;
      if (r.IsAlerting()) {
        rules.push_back(std::make_unique<AlertingRule>(r.alert, std::move(*expr), r.for_ms,
                                                       r.keep_firing_for_ms, FromMap(labels),
                                                       FromMap(r.annotations)));
      } else {
        rules.push_back(
            std::make_unique<RecordingRule>(r.record, std::move(*expr), FromMap(labels)));
      }
    }
    out.emplace_back(g.name, std::string(file),
                     g.interval_ms > 0 ? g.interval_ms : default_interval_ms, g.query_offset_ms,
                     g.limit, std::move(rules));
  }
  return out;
}

}  // namespace promkit::rules

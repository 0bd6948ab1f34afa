#pragma once
// Rule evaluation (upstream rules/): recording rules, alerting rules with their
// pending/firing/inactive state machine, and groups that evaluate their rules in order and
// append the results (and staleness markers for series that went away) to storage, so later
// rules of the group see earlier results at the same timestamp.
//
// Thread-safety: a Group and its rules are single-threaded (one evaluation at a time), as
// upstream runs a group from one goroutine.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/labels.h"
#include "promql/engine.h"
#include "promql/parser/ast.h"
#include "promql/value.h"
#include "rules/rulefmt/rulefmt.h"
#include "storage/interface.h"
#include "util/status.h"

namespace promkit::rules {

// Hashes std::string and std::string_view alike (heterogeneous lookup by encoded labels).
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using ByLabels = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

// Where rule results go, one sample at a time (upstream's Appender.Append). A rejected sample
// (out of order, a different value for a timestamp the series has) returns the storage's error;
// the group then records it as the rule's error and does not count the series as returned.
using AppendFunc = std::function<util::Status(const model::Labels& labels, int64_t t_ms, double v)>;

// What rules evaluate with (upstream ManagerOptions and the rule's own settings).
struct EvalContext {
  const promql::Engine* engine = nullptr;
  storage::Queryable* queryable = nullptr;
  // Alert templates' $externalLabels and $externalURL.
  model::Labels external_labels;
  std::string external_url;
};

// Runs an instant query for a rule (upstream EngineQueryFunc): a vector, or a scalar as a
// one-sample vector without labels; anything else fails with "rule result is not a vector or
// scalar". When the engine's options disable the @ modifier or negative offsets, expressions
// using them fail as upstream's engine makes them fail ("@ modifier is disabled").
util::Result<promql::Vector> QueryForRule(const EvalContext& ctx, std::string_view query,
                                          int64_t ts_ms);

enum class AlertState : uint8_t { kInactive, kPending, kFiring };
std::string_view AlertStateName(AlertState s);  // "inactive", "pending", "firing"

// One instance of an alerting rule: the alert of one label set.
struct Alert {
  model::Labels labels;  // the series' labels without __name__, rule labels (expanded), alertname
  model::Labels annotations;  // expanded
  AlertState state = AlertState::kPending;
  double value = 0;  // of the last evaluation that returned the series
  int64_t active_at_ms = 0;
  std::optional<int64_t> fired_at_ms;
  std::optional<int64_t> resolved_at_ms;
  std::optional<int64_t> keep_firing_since_ms;
};

class Rule {
 public:
  virtual ~Rule() = default;
  Rule(const Rule&) = delete;
  Rule& operator=(const Rule&) = delete;

  const std::string& name() const { return name_; }
  const promql::parser::Expr& expr() const { return *expr_; }
  // The expression as evaluated (upstream's rule.vector.String()).
  const std::string& query() const { return query_; }
  const model::Labels& labels() const { return labels_; }
  virtual bool IsAlerting() const = 0;

  // The error of the last evaluation (of the query, or of appending its results); OK when it
  // succeeded. Set by Group::Eval, as upstream's SetLastError.
  const util::Status& last_error() const { return last_error_; }
  void set_last_error(util::Status st) { last_error_ = std::move(st); }

  // Evaluates the rule at `ts_ms` (its query at ts - query_offset) and returns the samples to
  // append. `limit` > 0 caps the number of series (alerts), as the group's limit does.
  virtual util::Result<promql::Vector> Eval(int64_t ts_ms, int64_t query_offset_ms,
                                            const EvalContext& ctx, int64_t limit) = 0;

 protected:
  Rule(std::string name, promql::parser::ExprPtr expr, model::Labels labels);

  std::string name_;
  promql::parser::ExprPtr expr_;
  std::string query_;
  model::Labels labels_;
  util::Status last_error_;
};

class RecordingRule final : public Rule {
 public:
  RecordingRule(std::string name, promql::parser::ExprPtr expr, model::Labels labels);
  bool IsAlerting() const override { return false; }
  // The query's samples renamed to the rule and with its labels. Fails when two samples end up
  // with the same labels, or when there are more than `limit`.
  util::Result<promql::Vector> Eval(int64_t ts_ms, int64_t query_offset_ms, const EvalContext& ctx,
                                    int64_t limit) override;
};

class AlertingRule final : public Rule {
 public:
  AlertingRule(std::string name, promql::parser::ExprPtr expr, int64_t hold_ms,
               int64_t keep_firing_for_ms, model::Labels labels, model::Labels annotations);
  bool IsAlerting() const override { return true; }

  // Upstream AlertingRule.Eval: updates the alerts from the query's samples (new label sets
  // become pending, pending ones fire after `for`, vanished ones resolve unless
  // keep_firing_for holds them) and returns the ALERTS and ALERTS_FOR_STATE samples of the
  // pending and firing ones (stamped ts - query_offset). Labels and annotations are expanded as
  // templates with $labels, $value, $externalLabels and $externalURL; a template that fails
  // expands to "<error expanding template: ...>". More than `limit` alerts is an error and
  // forgets every alert.
  util::Result<promql::Vector> Eval(int64_t ts_ms, int64_t query_offset_ms, const EvalContext& ctx,
                                    int64_t limit) override;

  int64_t hold_ms() const { return hold_ms_; }
  int64_t keep_firing_for_ms() const { return keep_firing_for_ms_; }
  const model::Labels& annotations() const { return annotations_; }

  // Upstream's "restored": until the alert state was restored from storage after a restart,
  // Eval returns no ALERTS / ALERTS_FOR_STATE samples. True unless set otherwise (rule unit
  // tests and fresh managers evaluate restored rules).
  bool restored() const { return restored_; }
  void set_restored(bool restored) { restored_ = restored; }

  // Pending and firing alerts (including those kept firing by keep_firing_for), by labels.
  std::vector<Alert> ActiveAlerts() const;

 private:
  int64_t hold_ms_;
  int64_t keep_firing_for_ms_;
  model::Labels annotations_;
  bool templated_ = false;  // some label or annotation has a template action
  bool restored_ = true;
  // Pending, firing and recently resolved alerts, by encoded labels.
  ByLabels<Alert> active_;
};

class Group {
 public:
  Group(std::string name, std::string file, int64_t interval_ms,
        std::optional<int64_t> query_offset_ms, int64_t limit,
        std::vector<std::unique_ptr<Rule>> rules);

  const std::string& name() const { return name_; }
  const std::string& file() const { return file_; }
  int64_t interval_ms() const { return interval_ms_; }
  // The group's query_offset, else 0 (upstream: the manager's default, unset in promtool).
  int64_t query_offset_ms() const { return query_offset_ms_.value_or(0); }
  int64_t limit() const { return limit_; }
  const std::vector<std::unique_ptr<Rule>>& rules() const { return rules_; }

  // Upstream Group.Eval: every rule in order, each result appended with `append` before the next
  // rule runs, and a staleness marker (stamped ts - query_offset) for every series a rule
  // returned last time but not now. A rule that fails keeps its error (Rule::last_error), leaves
  // its previous series unmarked, and does not stop the others.
  void Eval(int64_t ts_ms, const EvalContext& ctx, const AppendFunc& append);

 private:
  std::string name_;
  std::string file_;
  int64_t interval_ms_;
  std::optional<int64_t> query_offset_ms_;
  int64_t limit_;
  std::vector<std::unique_ptr<Rule>> rules_;
  // Per rule: the series its last successful evaluation appended, by encoded labels.
  std::vector<ByLabels<model::Labels>> previous_;
};

// Upstream Manager.LoadGroups for one parsed rule file: the rules of every group, with the group's
// labels under each rule's own. `default_interval_ms` applies to groups without an interval.
// Expressions are parsed with `parser_options`; a failure reads "<file>: <parse error>".
util::Result<std::vector<Group>> BuildGroups(const rulefmt::RuleGroups& groups,
                                             std::string_view file, int64_t default_interval_ms,
                                             const promql::parser::Options& parser_options);

}  // namespace promkit::rules

#pragma once
// Alertmanager's routing tree (upstream dispatch/route.go): each config route becomes a node
// with its options resolved against its parent (receiver, group_by, timers, labels), its legacy
// match/match_re and `matchers` merged into one sorted matcher list, and upstream's matching
// (depth first; a matching child stops the search unless it has `continue`; a node none of
// whose children match is itself the result), route keys and IDs, and group keys.
// Thread-safety: immutable once built; share freely.

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "alertmanager/config.h"
#include "alertmanager/matchers.h"

namespace promkit::alertmanager {

struct RouteOpts {
  std::string receiver;
  std::set<std::string> group_by;  // label names (sorted)
  bool group_by_all = false;
  int64_t group_wait_ms = 30'000;
  int64_t group_interval_ms = 5 * 60'000;
  int64_t repeat_interval_ms = 4 * 3'600'000;
  std::vector<std::string> mute_time_intervals;    // this route's own (not inherited)
  std::vector<std::string> active_time_intervals;  // likewise
  LabelSet labels;                                 // inherited, the child's win
};

class RouteNode {
 public:
  // dispatch.NewRoute over the config's root route.
  static std::unique_ptr<RouteNode> Build(const Route& root);

  const RouteOpts& opts() const { return opts_; }
  const Matchers& matchers() const { return matchers_; }
  bool continue_matching() const { return continue_; }
  const std::vector<std::unique_ptr<RouteNode>>& routes() const { return routes_; }
  const RouteNode* parent() const { return parent_; }
  int idx() const { return idx_; }

  // Route.Match: the nodes an alert with `labels` is routed to, in tree order; empty when this
  // node's own matchers do not match.
  std::vector<const RouteNode*> Match(const LabelSet& labels) const;
  // Route.Key: the matchers of every node from the root, joined by '/'.
  std::string Key() const;
  // Route.ID: Key with each node's index among its siblings.
  std::string ID() const;
  // The labels of `alert` this node groups by (every label under group_by: [...]).
  LabelSet GroupLabels(const LabelSet& alert) const;
  // aggrGroup.GroupKey: "<route key>:<group labels>", labels as model.LabelSet.String() prints.
  std::string GroupKey(const LabelSet& alert) const;

 private:
  RouteOpts opts_;
  Matchers matchers_;
  bool continue_ = false;
  std::vector<std::unique_ptr<RouteNode>> routes_;
  const RouteNode* parent_ = nullptr;
  int idx_ = 0;

  static std::unique_ptr<RouteNode> BuildNode(const Route& cr, const RouteNode* parent,
                                              int* counter);
};

// model.LabelSet.String(): {a="1", b="2"} (sorted, values Go-quoted).
std::string LabelSetString(const LabelSet& ls);

}  // namespace promkit::alertmanager

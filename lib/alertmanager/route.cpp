#include "alertmanager/route.h"

#include <algorithm>

#include "util/check.h"
#include "util/strings.h"

namespace promkit::alertmanager {

std::unique_ptr<RouteNode> RouteNode::Build(const Route& root) {
  int counter = 0;
  return BuildNode(root, nullptr, &counter);
}

std::unique_ptr<RouteNode> RouteNode::BuildNode(const Route& cr, const RouteNode* parent,
                                                int* counter) {
  auto node = std::make_unique<RouteNode>();
  RouteOpts opts = parent != nullptr ? parent->opts_ : RouteOpts{};
  for (const auto& [k, v] : cr.labels) opts.labels[k] = v;
  if (!cr.receiver.empty()) opts.receiver = cr.receiver;
  // group_by as upstream keeps it: the names other than "..." (an explicit empty list counts as
  // set); a list of only "..." leaves the names unset and turns group_by_all on.
  bool has_names = false;
  std::set<std::string> names;
  if (cr.group_by) {
    for (const std::string& l : *cr.group_by) {
      if (l != "...") names.insert(l);
    }
    has_names = !names.empty() || cr.group_by->empty();
  }
  if (has_names) {
    opts.group_by = std::move(names);
    opts.group_by_all = false;
  } else if (cr.group_by_all) {
    opts.group_by_all = true;
  }
  if (cr.group_wait_ms) opts.group_wait_ms = *cr.group_wait_ms;
  if (cr.group_interval_ms) opts.group_interval_ms = *cr.group_interval_ms;
  if (cr.repeat_interval_ms) opts.repeat_interval_ms = *cr.repeat_interval_ms;
  opts.mute_time_intervals = cr.mute_time_intervals;
  opts.active_time_intervals = cr.active_time_intervals;

  Matchers ms;
  for (const auto& [k, v] : cr.match) {
    auto m = Matcher::Make(MatchType::kEqual, k, v);
    PROMKIT_CHECK(m.ok()) << "BUG: equality matcher failed";
    ms.push_back(std::move(*m));
  }
  for (const auto& [k, v] : cr.match_re) {
    // Upstream passes Regexp.String(), the anchored expression, which NewMatcher anchors once
    // more: printed tree and route keys show "^(?:<re>)$".
    auto m = Matcher::Make(MatchType::kRegexp, k, "^(?:" + v + ")$");
    PROMKIT_CHECK(m.ok()) << "BUG: match_re was validated when loading";
    ms.push_back(std::move(*m));
  }
  for (const Matcher& m : cr.matchers) ms.push_back(m);
  SortMatchers(ms);

  node->opts_ = std::move(opts);
  node->matchers_ = std::move(ms);
  node->continue_ = cr.continue_;
  node->parent_ = parent;
  for (const auto& child : cr.routes) {
    node->routes_.push_back(BuildNode(*child, node.get(), counter));
  }
  node->idx_ = (*counter)++;
  return node;
}

std::vector<const RouteNode*> RouteNode::Match(const LabelSet& labels) const {
  if (!MatchesAll(matchers_, labels)) return {};
  std::vector<const RouteNode*> all;
  for (const auto& child : routes_) {
    std::vector<const RouteNode*> m = child->Match(labels);
    all.insert(all.end(), m.begin(), m.end());
    if (!m.empty() && !child->continue_) break;
  }
  if (all.empty()) all.push_back(this);
  return all;
}

std::string RouteNode::Key() const {
  std::string out;
  if (parent_ != nullptr) out = parent_->Key() + "/";
  return out + MatchersString(matchers_);
}

std::string RouteNode::ID() const {
  std::string out;
  if (parent_ != nullptr) out = parent_->ID() + "/";
  out += MatchersString(matchers_);
  if (parent_ != nullptr) {
    for (size_t i = 0; i < parent_->routes_.size(); ++i) {
      if (parent_->routes_[i].get() == this) {
        out += "/" + std::to_string(i);
        break;
      }
    }
  }
  return out;
}

LabelSet RouteNode::GroupLabels(const LabelSet& alert) const {
  LabelSet out;
  for (const auto& [k, v] : alert) {
    if (opts_.group_by_all || opts_.group_by.count(k) != 0) out[k] = v;
  }
  return out;
}

std::string RouteNode::GroupKey(const LabelSet& alert) const {
  return Key() + ":" + LabelSetString(GroupLabels(alert));
}

std::string LabelSetString(const LabelSet& ls) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : ls) parts.push_back(k + "=" + util::GoQuote(v));
  std::sort(parts.begin(), parts.end());
  std::string out = "{";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += ", ";
    out += parts[i];
  }
  return out + "}";
}

}  // namespace promkit::alertmanager

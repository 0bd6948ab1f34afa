#include "alertmanager/inhibit.h"

#include "util/check.h"

namespace promkit::alertmanager {

namespace {

// The legacy maps and the new matchers of one side, as upstream merges them.
Matchers SideMatchers(const StringPairs& eq, const StringPairs& re, const Matchers& ms) {
  Matchers out;
  for (const auto& [k, v] : eq) {
    auto m = Matcher::Make(MatchType::kEqual, k, v);
    PROMKIT_CHECK(m.ok()) << "BUG: equality matcher failed";
    out.push_back(std::move(*m));
  }
  for (const auto& [k, v] : re) {
    // Regexp.String() is the anchored expression, which NewMatcher anchors once more.
    auto m = Matcher::Make(MatchType::kRegexp, k, "^(?:" + v + ")$");
    PROMKIT_CHECK(m.ok()) << "BUG: match_re was validated when loading";
    out.push_back(std::move(*m));
  }
  out.insert(out.end(), ms.begin(), ms.end());
  return out;
}

std::string Get(const LabelSet& ls, const std::string& k) {
  auto it = ls.find(k);
  return it == ls.end() ? "" : it->second;
}

}  // namespace

Inhibitor::Inhibitor(const std::vector<InhibitRule>& rules) {
  for (const InhibitRule& r : rules) {
    rules_.push_back({SideMatchers(r.source_match, r.source_match_re, r.source_matchers),
                      SideMatchers(r.target_match, r.target_match_re, r.target_matchers), r.equal});
  }
}

bool Inhibitor::Mutes(const LabelSet& alert, const std::vector<LabelSet>& firing,
                      size_t* rule_index) const {
  for (size_t i = 0; i < rules_.size(); ++i) {
    const Rule& r = rules_[i];
    if (!MatchesAll(r.target, alert)) continue;
    bool self_source = MatchesAll(r.source, alert);
    for (const LabelSet& src : firing) {
      if (self_source && src == alert) continue;
      if (!MatchesAll(r.source, src)) continue;
      bool equal = true;
      for (const std::string& l : r.equal) equal = equal && Get(src, l) == Get(alert, l);
      if (!equal) continue;
      if (rule_index != nullptr) *rule_index = i;
      return true;
    }
  }
  return false;
}

}  // namespace promkit::alertmanager

#include "rules/rulefmt/lint.h"

#include <algorithm>
#include <utility>

#include <fmt/core.h>

namespace promkit::rules::rulefmt {
namespace {

int Compare(const DuplicateRule& a, const DuplicateRule& b) {
  if (int c = a.metric.compare(b.metric); c != 0) return c < 0 ? -1 : 1;
  return model::Labels::Compare(a.labels, b.labels);
}

}  // namespace

std::vector<DuplicateRule> FindDuplicateRules(const RuleGroups& groups) {
  std::vector<DuplicateRule> all;
  for (const RuleGroup& g : groups.groups) {
    for (const Rule& r : g.rules) {
      // rules.FromMaps: the group's labels, then the rule's (which win).
      StringMap merged = g.labels;
      for (const auto& [k, v] : r.labels) merged[k] = v;
      all.push_back(
          DuplicateRule{r.Name(), model::Labels::FromPairs({merged.begin(), merged.end()})});
    }
  }
  std::vector<DuplicateRule> dups;
  if (all.size() < 2) return dups;
  std::sort(all.begin(), all.end(),
            [](const DuplicateRule& a, const DuplicateRule& b) { return Compare(a, b) < 0; });
  for (size_t i = 1; i < all.size(); ++i) {
    if (Compare(all[i - 1], all[i]) != 0) continue;
    if (!dups.empty() && Compare(dups.back(), all[i]) == 0) continue;  // reported once
    dups.push_back(all[i]);
  }
  return dups;
}

std::string DuplicateRulesReport(const std::vector<DuplicateRule>& dups) {
  std::string out = fmt::format("{} duplicate rule(s) found.\n", dups.size());
  for (const DuplicateRule& d : dups) {
    out += fmt::format("Metric: {}\nLabel(s):\n", d.metric);
    for (const model::Label& l : d.labels) out += fmt::format("\t{}: {}\n", l.name, l.value);
  }
  out += "Might cause inconsistency while recording expressions";
  return out;
}

}  // namespace promkit::rules::rulefmt

#pragma once
// promtool's duplicate-rules lint (cmd/promtool checkDuplicates): rules that would write the
// same series, i.e. share a name (alert or record) and the merged group and rule labels.
// Thread-safety: pure functions.

#include <string>
#include <vector>

#include "model/labels.h"
#include "rules/rulefmt/rulefmt.h"

namespace promkit::rules::rulefmt {

struct DuplicateRule {
  std::string metric;    // the alert or record name
  model::Labels labels;  // group labels overridden by rule labels
};

// Each duplicated (name, labels) once, ordered by name and then labels.
std::vector<DuplicateRule> FindDuplicateRules(const RuleGroups& groups);

// promtool's report of `dups` (non-empty), the text after its "lint error " prefix:
//   "2 duplicate rule(s) found.\nMetric: a\nLabel(s):\n\tseverity: page\n...Might cause
//   inconsistency while recording expressions"
std::string DuplicateRulesReport(const std::vector<DuplicateRule>& dups);

}  // namespace promkit::rules::rulefmt

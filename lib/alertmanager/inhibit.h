#pragma once
// Inhibition (upstream inhibit/inhibit.go): an alert is muted when a rule's target matchers
// match it and some other firing alert matches the rule's source matchers with equal values for
// every `equal` label (a label missing on both sides counts as equal). An alert matching both
// sides of a rule cannot inhibit itself.
// Thread-safety: immutable once built.

#include <string>
#include <vector>

#include "alertmanager/config.h"
#include "alertmanager/matchers.h"

namespace promkit::alertmanager {

class Inhibitor {
 public:
  explicit Inhibitor(const std::vector<InhibitRule>& rules);
  // Whether `alert` is inhibited by one of `firing` (which may contain `alert` itself). On a
  // match, *rule_index receives the index of the first rule that mutes it.
  bool Mutes(const LabelSet& alert, const std::vector<LabelSet>& firing,
             size_t* rule_index = nullptr) const;

 private:
  struct Rule {
    Matchers source, target;
    std::vector<std::string> equal;
  };
  std::vector<Rule> rules_;
};

}  // namespace promkit::alertmanager

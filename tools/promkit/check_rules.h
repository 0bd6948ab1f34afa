#pragma once
// `check rules` and the rule-file checking `check config` shares with it (check_rules.cpp):
// promtool's checkRules, its lint settings and its output.

#include <string>
#include <string_view>
#include <vector>

#include "app.h"

namespace promkit::cli {

// promtool's rulesLintConfig.
struct RulesLint {
  bool all = false;
  bool duplicate_rules = false;
  bool fatal = false;
  bool ignore_unknown_fields = false;

  bool LintDuplicateRules() const { return all || duplicate_rules; }
};

// promtool's newRulesLintConfig: `lint` is --lint's comma-separated list (all, duplicate-rules,
// none); an unknown option prints promtool's warning on stdout.
RulesLint ParseRulesLint(std::string_view lint, bool fatal, bool ignore_unknown_fields);

struct RulesCheckOutcome {
  bool failed = false;      // a file had errors or lint findings
  bool has_errors = false;  // ... errors, not only lint findings
};

// promtool's checkRules: "Checking <file>", then "  SUCCESS: N rules found" or "  FAILED:" and
// the errors (in promkit mode each followed by the source line and a caret).
RulesCheckOutcome CheckRuleFiles(const std::vector<std::string>& files, const RulesLint& lint,
                                 Mode mode);

void RegisterCheckRules(CLI::App& check, Mode mode, int* exit_code);

}  // namespace promkit::cli

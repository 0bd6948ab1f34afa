#pragma once
// go-yaml v3's decoding of a YAML tree into upstream rulefmt's structs, with its error texts.
// Upstream decodes every rule file twice (rulefmt.Parse): strictly into RuleGroups for the values,
// and again, never strictly, into a shadow type (ruleGroups / RuleGroupNode / RuleNode) whose
// record, alert and expr are yaml.Node, for positions. Both passes can fail, each with its own
// Go type names, and upstream reports both failures, so both are reproduced here.
//
// go-yaml v3 differs from the v2 decoder lib/config reproduces: duplicate keys are reported per
// mapping ("mapping key ... already defined at line N") before the mapping is decoded at all,
// only true/false are booleans, and merge keys (`<<`) are honoured.

#include "rules/rulefmt/rulefmt.h"
#include "util/status.h"
#include "util/yaml_tree.h"

namespace promkit::rules::rulefmt::internal {

enum class Pass {
  kValues,     // into rulefmt.RuleGroups: every field's value
  kPositions,  // into rulefmt.ruleGroups: the positions of groups and of record/alert/expr
};

// Decodes the document `root` into `out` for `pass`. Returns OK, the type errors as go-yaml
// returns them ("yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `x` into int"), or
// the first fatal error (e.g. an invalid duration), after which go-yaml stops.
// `known_fields`: unknown keys are errors ("line 8: field annotation not found in type
// rulefmt.Rule"); upstream's second pass never sets it. `manifest`: the groups come from a
// PrometheusRule, whose groups may also have partial_response_strategy.
util::Status Decode(const util::YamlNode& root, Pass pass, bool known_fields, bool manifest,
                    RuleGroups& out);

}  // namespace promkit::rules::rulefmt::internal

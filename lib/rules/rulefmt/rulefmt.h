#pragma once
// Rule files (upstream model/rulefmt): groups of recording and alerting rules, read from YAML
// strictly (unknown fields are errors) and validated with upstream's checks and words: group
// names, record names, label and annotation names and values, PromQL expressions, and the
// templates of alerting rules' labels and annotations.
//
// Upstream decodes a file twice with go-yaml v3: once into the rule structs (strict), once into
// a shadow of them whose record/alert/expr are YAML nodes, for line:column in messages. promkit
// reproduces both passes, so a file gives the same errors in the same order, e.g.
//   5:15: group "api", rule 3, "Slow": could not parse expression: 1:12: parse error: ...
// Go's maps iterate in random order; promkit reports label and annotation errors sorted by name.
//
// Beyond upstream, a prometheus-operator PrometheusRule manifest (`kind: PrometheusRule`, rule
// groups under `spec.groups`) is read as the rule file it wraps.
//
// Thread-safety: the functions are reentrant; results are plain values.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/validation.h"
#include "promql/parser/parser.h"

namespace promkit::rules::rulefmt {

// A label or annotation set (Go's map[string]string), ordered by name.
using StringMap = std::map<std::string, std::string, std::less<>>;

// A 1-based line and column in the file; 0:0 where upstream has no node (the key is absent).
struct Position {
  int line = 0;
  int col = 0;
};

struct Rule {
  std::string record;
  std::string alert;
  std::string expr;
  int64_t for_ms = 0;
  int64_t keep_firing_for_ms = 0;
  StringMap labels;
  StringMap annotations;
  Position pos;  // where the rule's mapping starts
  // Where the values of record, alert and expr are (upstream's RuleNode).
  Position record_pos;
  Position alert_pos;
  Position expr_pos;

  bool IsAlerting() const { return !alert.empty(); }
  // The alert name, else the record name (what upstream's errors and lints name a rule by).
  const std::string& Name() const { return alert.empty() ? record : alert; }
};

struct RuleGroup {
  std::string name;
  int64_t interval_ms = 0;  // 0: the global evaluation interval
  std::optional<int64_t> query_offset_ms;
  int64_t limit = 0;
  std::vector<Rule> rules;
  StringMap labels;
  // Thanos's partial_response_strategy, accepted in PrometheusRule manifests only (the
  // prometheus-operator's RuleGroup has it).
  std::string partial_response_strategy;
  // Where the group's mapping starts. (Upstream 3.x prints 0:0 in group errors: it reads the
  // group's position from a field named `node`, which files do not have. Messages keep that.)
  Position pos;
};

struct RuleGroups {
  std::vector<RuleGroup> groups;
};

struct ParseOptions {
  // Upstream's --ignore-unknown-fields: unknown keys are not errors.
  bool ignore_unknown_fields = false;
  model::ValidationScheme name_validation = model::ValidationScheme::kUtf8;
  promql::parser::Options parser;
};

// One error, with where promkit points at it when showing the source (upstream prints only the
// message).
struct Error {
  std::string message;  // upstream's text; ParseFile prefixes "<file>: "
  // Byte offset in the content of what the error is about (the YAML node, or the exact byte of a
  // PromQL parse error inside an expression when it can be mapped), or npos; and its length.
  size_t offset = std::string::npos;
  size_t length = 1;
};

struct ParseResult {
  RuleGroups groups;          // meaningful when errors is empty
  std::vector<Error> errors;  // in upstream's order
  // Upstream logs these: "Multiple document yaml rules files are not supported, only the first
  // document is processed".
  std::vector<std::string> warnings;
  bool operator_manifest = false;  // the content was a PrometheusRule manifest

  bool ok() const { return errors.empty(); }
  size_t RuleCount() const;
};

// Upstream's rulefmt.Parse: decodes and validates `content`.
ParseResult Parse(std::string_view content, const ParseOptions& options = {});

// Upstream's rulefmt.ParseFile: reads `path` (a read failure is the only error, e.g.
// "open x.yml: no such file or directory") and parses it; every error is prefixed "<path>: ".
// `content`, when given, receives the file's bytes (for showing errors in context).
ParseResult ParseFile(const std::string& path, const ParseOptions& options = {},
                      std::string* content = nullptr);

}  // namespace promkit::rules::rulefmt

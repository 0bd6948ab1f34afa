#include "rules/rulefmt/rulefmt.h"

#include <cstdio>
#include <functional>
#include <optional>
#include <set>
#include <utility>

#include <fmt/core.h>

#include "rules/rulefmt/internal/decode.h"
#include "template/prometheus.h"
#include "template/template.h"
#include "util/file.h"
#include "util/strings.h"
#include "util/yaml_tree.h"

namespace promkit::rules::rulefmt {
namespace {

using util::YamlNode;

constexpr std::string_view kMultiDocWarning =
    "Multiple document yaml rules files are not supported, only the first document is processed";

// ---------------------------------------------------------------------------------------------
// Positions

// Byte offsets of line:col positions in a text. The line starts are found once, on first use.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text) : text_(text) {}

  // The offset of 1-based line:col, or npos (0:0, or past the end).
  size_t OffsetOf(Position p) {
    if (p.line <= 0 || p.col <= 0) return std::string::npos;
    if (starts_.empty()) {
      starts_.push_back(0);
      for (size_t i = 0; i < text_.size(); ++i) {
        if (text_[i] == '\n') starts_.push_back(i + 1);
      }
    }
    if (static_cast<size_t>(p.line) > starts_.size()) return std::string::npos;
    size_t off = starts_[p.line - 1] + static_cast<size_t>(p.col - 1);
    return off <= text_.size() ? off : std::string::npos;
  }

 private:
  std::string_view text_;
  std::vector<size_t> starts_;
};

// The offset of the first "line N" a YAML error message names (its first non-blank byte).
size_t OffsetOfYamlError(std::string_view text, std::string_view msg) {
  size_t at = msg.find("line ");
  if (at == std::string_view::npos) return std::string::npos;
  int line = 0;
  if (std::sscanf(std::string(msg.substr(at + 5, 12)).c_str(), "%d", &line) != 1) {
    return std::string::npos;
  }
  size_t off = LineIndex(text).OffsetOf(Position{line, 1});
  if (off == std::string::npos) return off;
  while (off < text.size() && (text[off] == ' ' || text[off] == '\t')) ++off;
  return off;
}

// Where byte `pos` of the expression `expr`, whose YAML node starts at `node_off`, is in the
// file: exact for expressions written on one line (plain or quoted) and for literal blocks
// (`|`); npos when the text was folded or escaped beyond recognition.
size_t MapExprOffset(std::string_view text, size_t node_off, std::string_view expr, size_t pos) {
  if (node_off == std::string::npos || pos > expr.size()) return std::string::npos;
  if (expr.find('\n') == std::string_view::npos) {
    for (size_t skip : {0, 1}) {  // plain, or after the opening quote
      if (text.substr(node_off + skip, expr.size()) == expr) return node_off + skip + pos;
    }
    return std::string::npos;
  }
  // A literal block: expression line k is file line k+1 after the indicator's, indented.
  size_t line_idx = 0;
  size_t line_start = 0;
  for (size_t i = 0; i < pos; ++i) {
    if (expr[i] == '\n') ++line_idx, line_start = i + 1;
  }
  size_t line_end = expr.find('\n', line_start);
  std::string_view expr_line = expr.substr(line_start, line_end - line_start);
  size_t off = text.find('\n', node_off);
  for (size_t k = 0; k < line_idx && off != std::string_view::npos; ++k) {
    off = text.find('\n', off + 1);
  }
  if (off == std::string_view::npos) return std::string::npos;
  size_t file_line_start = off + 1;
  size_t file_line_end = text.find('\n', file_line_start);
  std::string_view file_line = text.substr(file_line_start, file_line_end - file_line_start);
  if (file_line.size() < expr_line.size() ||
      file_line.substr(file_line.size() - expr_line.size()) != expr_line) {
    return std::string::npos;
  }
  return file_line_start + (file_line.size() - expr_line.size()) + (pos - line_start);
}

// ---------------------------------------------------------------------------------------------
// Documents

bool IsMarker(std::string_view line, std::string_view marker) {
  return line.substr(0, 3) == marker &&
         (line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r');
}

// Where a second YAML document starts, or npos. Upstream decodes only the first document (and
// warns about more), so the rest is never parsed: neither its errors nor yaml-cpp's stalls on it
// can matter. Markers count at column 0 only, where YAML allows them.
size_t SecondDocumentStart(std::string_view text) {
  bool started = false;  // the first document has begun (a marker or content)
  bool ended = false;    // ... and a "..." closed it
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    if (IsMarker(line, "---")) {
      if (started) return pos;
      started = true;
    } else if (IsMarker(line, "...")) {
      if (started) ended = true;
    } else {
      size_t first = line.find_first_not_of(" \t\r");
      bool blank = first == std::string_view::npos || line[first] == '#';
      bool directive = !line.empty() && line[0] == '%' && !started;
      if (!blank && !directive) {
        if (ended) return pos;
        started = true;
      }
    }
    pos = eol + 1;
  }
  return std::string::npos;
}

// ---------------------------------------------------------------------------------------------
// PrometheusRule manifests

const YamlNode* MapValue(const YamlNode& map, std::string_view key) {
  for (size_t i = 0; i + 1 < map.items.size(); i += 2) {
    if (map.items[i].IsScalar() && map.items[i].value == key) return &map.items[i + 1];
  }
  return nullptr;
}

bool IsManifest(const YamlNode& root) {
  if (!root.IsMap()) return false;
  const YamlNode* kind = MapValue(root, "kind");
  return kind != nullptr && kind->IsScalar() && kind->value == "PrometheusRule";
}

// The manifest's rule groups as a rule file's root ({groups: spec.groups}); errors in the
// wrapper read as go-yaml's would for the operator's Go types.
util::Result<YamlNode> Unwrap(YamlNode root, bool strict) {
  std::vector<std::string> errors;
  auto check_fields = [&](const YamlNode& map, std::initializer_list<std::string_view> known,
                          std::string_view type) {
    for (size_t i = 0; strict && i + 1 < map.items.size(); i += 2) {
      const YamlNode& k = map.items[i];
      bool ok = false;
      for (std::string_view f : known) ok = ok || (k.IsScalar() && k.value == f);
      if (!ok) {
        errors.push_back(
            fmt::format("line {}: field {} not found in type {}", k.line, k.value, type));
      }
    }
  };
  check_fields(root, {"apiVersion", "kind", "metadata", "spec", "status"}, "v1.PrometheusRule");
  YamlNode wrapped;
  wrapped.kind = YamlNode::Kind::kMap;
  wrapped.tag = "!!map";
  wrapped.line = root.line;
  wrapped.col = root.col;
  for (size_t i = 0; i + 1 < root.items.size(); i += 2) {
    if (!root.items[i].IsScalar() || root.items[i].value != "spec") continue;
    YamlNode& spec = root.items[i + 1];
    if (spec.IsNull()) break;
    if (!spec.IsMap()) {
      errors.push_back(fmt::format("line {}: cannot unmarshal {} into v1.PrometheusRuleSpec",
                                   spec.line, spec.IsSeq() ? "!!seq" : spec.tag));
      break;
    }
    check_fields(spec, {"groups"}, "v1.PrometheusRuleSpec");
    for (size_t j = 0; j + 1 < spec.items.size(); j += 2) {
      if (!spec.items[j].IsScalar() || spec.items[j].value != "groups") continue;
      wrapped.items.push_back(std::move(spec.items[j]));
      wrapped.items.push_back(std::move(spec.items[j + 1]));
      break;
    }
    break;
  }
  if (!errors.empty()) {
    std::string msg = "yaml: unmarshal errors:";
    for (const std::string& e : errors) msg += "\n  " + e;
    return util::Status::InvalidArgument(std::move(msg));
  }
  return wrapped;
}

// ---------------------------------------------------------------------------------------------
// Validation (upstream RuleGroups.Validate and Rule.Validate)

// Upstream's WrappedError: a message and the YAML nodes it points at.
struct RuleError {
  std::string err;
  std::optional<Position> node;
  std::optional<Position> node_alt;
  size_t offset = std::string::npos;  // where promkit points
  size_t length = 1;
};

class Validator {
 public:
  Validator(std::string_view content, const ParseOptions& options)
      : content_(content), lines_(content), options_(options) {}

  void Run(const RuleGroups& groups, const RuleGroups& nodes, std::vector<Error>& out) {
    std::set<std::string_view> seen;
    for (size_t j = 0; j < groups.groups.size(); ++j) {
      const RuleGroup& g = groups.groups[j];
      // Upstream prints the position it read into RuleGroupNode (see RuleGroup::pos).
      Position up = j < nodes.groups.size() ? nodes.groups[j].pos : Position{};
      size_t where = lines_.OffsetOf(g.pos);
      if (g.name.empty()) {
        out.push_back(
            Error{fmt::format("{}:{}: Groupname must not be empty", up.line, up.col), where});
      }
      if (seen.contains(g.name)) {
        out.push_back(Error{fmt::format("{}:{}: groupname: \"{}\" is repeated in the same file",
                                        up.line, up.col, g.name),
                            where});
      }
      for (const auto& [k, v] : g.labels) {
        if (!model::IsValidLabelName(k, options_.name_validation) || k == "__name__") {
          out.push_back(Error{fmt::format("invalid label name: {}", k), where});
        }
        if (!model::IsValidLabelValue(v)) {
          out.push_back(Error{fmt::format("invalid label value: {}", v), where});
        }
      }
      seen.insert(g.name);
      for (size_t i = 0; i < g.rules.size(); ++i) {
        const Rule& r = g.rules[i];
        const Rule* node = j < nodes.groups.size() && i < nodes.groups[j].rules.size()
                               ? &nodes.groups[j].rules[i]
                               : nullptr;
        for (RuleError& e : ValidateRule(r, node != nullptr ? *node : Rule{})) {
          out.push_back(Error{Format(g.name, i + 1, r.Name(), e), e.offset, e.length});
        }
      }
    }
  }

 private:
  static std::string Format(std::string_view group, size_t index, std::string_view rule,
                            const RuleError& e) {
    std::string where;
    if (e.node) where = fmt::format("{}:{}: ", e.node->line, e.node->col);
    if (e.node && e.node_alt) where += fmt::format("{}:{}: ", e.node_alt->line, e.node_alt->col);
    return fmt::format("{}group {}, rule {}, {}: {}", where, util::GoQuote(group), index,
                       util::GoQuote(rule), e.err);
  }

  std::vector<RuleError> ValidateRule(const Rule& r, const Rule& node) {
    std::vector<RuleError> errs;
    const size_t rule_off = lines_.OffsetOf(r.pos);
    auto at = [&](Position p) {
      size_t off = lines_.OffsetOf(p);
      return off != std::string::npos ? off : rule_off;
    };
    if (!r.record.empty() && !r.alert.empty()) {
      errs.push_back({"only one of 'record' and 'alert' must be set", node.record_pos,
                      node.alert_pos, at(node.alert_pos)});
    }
    if (r.record.empty() && r.alert.empty()) {
      errs.push_back(
          {"one of 'record' or 'alert' must be set", node.record_pos, node.alert_pos, rule_off});
    }
    if (r.expr.empty()) {
      errs.push_back(
          {"field 'expr' must be set in rule", node.expr_pos, std::nullopt, at(node.expr_pos)});
    } else {
      promql::parser::ParseErrors perrs;
      auto expr = promql::parser::ParseExpr(r.expr, options_.parser, &perrs);
      if (!expr.ok()) {
        size_t off = at(node.expr_pos);
        size_t len = 1;
        if (!perrs.errors.empty()) {
          const auto& range = perrs.errors.front().range;
          size_t start = static_cast<size_t>(std::max(0, static_cast<int>(range.start)));
          size_t mapped = MapExprOffset(content_, lines_.OffsetOf(node.expr_pos), r.expr, start);
          if (mapped != std::string::npos) {
            off = mapped;
            if (range.end > range.start) len = static_cast<size_t>(range.end - range.start);
          }
        }
        errs.push_back({fmt::format("could not parse expression: {}", expr.status().message()),
                        node.expr_pos, std::nullopt, off, len});
      }
    }
    if (!r.record.empty()) {
      const size_t rec = at(node.record_pos);
      if (!r.annotations.empty()) {
        errs.push_back(
            {"invalid field 'annotations' in recording rule", node.record_pos, std::nullopt, rec});
      }
      if (r.for_ms != 0) {
        errs.push_back(
            {"invalid field 'for' in recording rule", node.record_pos, std::nullopt, rec});
      }
      if (r.keep_firing_for_ms != 0) {
        errs.push_back({"invalid field 'keep_firing_for' in recording rule", node.record_pos,
                        std::nullopt, rec});
      }
      if (!model::IsValidMetricName(r.record, options_.name_validation)) {
        errs.push_back({fmt::format("invalid recording rule name: {}", r.record), node.record_pos,
                        std::nullopt, rec});
      }
      // A PromQL selector pasted as the name is valid UTF-8, but surely a mistake.
      if (r.record.find_first_of("{}") != std::string::npos) {
        errs.push_back({fmt::format("braces present in the recording rule name; should it be in "
                                    "expr?: {}",
                                    r.record),
                        node.record_pos, std::nullopt, rec});
      }
    }
    for (const auto& [k, v] : r.labels) {
      if (!model::IsValidLabelName(k, options_.name_validation) || k == "__name__") {
        errs.push_back({fmt::format("invalid label name: {}", k), {}, {}, rule_off});
      }
      if (!model::IsValidLabelValue(v)) {
        errs.push_back({fmt::format("invalid label value: {}", v), {}, {}, rule_off});
      }
    }
    for (const auto& [k, v] : r.annotations) {
      if (!model::IsValidLabelName(k, options_.name_validation)) {
        errs.push_back({fmt::format("invalid annotation name: {}", k), {}, {}, rule_off});
      }
    }
    if (r.IsAlerting()) {
      for (const auto& [k, v] : r.labels) {
        if (auto st = ParseTemplate(r.alert, v); !st.ok()) {
          errs.push_back(
              {fmt::format("label {}: {}", util::GoQuote(k), st.message()), {}, {}, rule_off});
        }
      }
      for (const auto& [k, v] : r.annotations) {
        if (auto st = ParseTemplate(r.alert, v); !st.ok()) {
          errs.push_back(
              {fmt::format("annotation {}: {}", util::GoQuote(k), st.message()), {}, {}, rule_off});
        }
      }
    }
    return errs;
  }

  // Upstream's Expander.ParseTest on the text alerting rules expand: the variable definitions
  // they get, then the label or annotation, with Prometheus's functions.
  util::Status ParseTemplate(std::string_view alert, std::string_view text) {
    // Without a left delimiter the text adds one text node to the definitions, which parse.
    if (text.find("{{") == std::string_view::npos) return util::Status::Ok();
    // Whether a text parses depends on the text alone unless it defines templates (a definition
    // can clash with the rule's own template name), so a text that parsed once is not parsed
    // again: rule files repeat the same summary or runbook annotation across many alerts.
    const bool name_free = text.find("define") == std::string_view::npos &&
                           text.find("block") == std::string_view::npos;
    if (name_free && parsed_ok_.contains(text)) return util::Status::Ok();
    if (!funcs_) funcs_ = tmpl::PrometheusFuncs(tmpl::PrometheusContext{});
    tmpl::Options opts;
    opts.missing_key = tmpl::MissingKey::kZero;
    tmpl::Template t(fmt::format("__alert_{}", alert), *funcs_, opts);
    std::string src(tmpl::kAlertTemplateDefs);
    src += text;
    util::Status st = t.Parse(src);
    if (st.ok() && name_free) parsed_ok_.emplace(text);
    return st;
  }

  std::string_view content_;
  LineIndex lines_;
  const ParseOptions& options_;
  std::optional<tmpl::FuncMap> funcs_;            // built once, on the first alerting template
  std::set<std::string, std::less<>> parsed_ok_;  // template texts that parsed (see above)
};

}  // namespace

size_t ParseResult::RuleCount() const {
  size_t n = 0;
  for (const RuleGroup& g : groups.groups) n += g.rules.size();
  return n;
}

ParseResult Parse(std::string_view content, const ParseOptions& options) {
  ParseResult res;
  std::string_view first = content;
  if (size_t second = SecondDocumentStart(content); second != std::string::npos) {
    res.warnings.emplace_back(kMultiDocWarning);
    first = content.substr(0, second);
  }
  auto tree = util::ParseYaml(first);
  if (!tree.ok()) {
    // Both of upstream's decodes stop at the same syntax error, and both report it.
    std::string msg(tree.status().message());
    size_t off = OffsetOfYamlError(content, msg);
    res.errors.push_back(Error{msg, off});
    res.errors.push_back(Error{msg, off});
    return res;
  }
  YamlNode root = std::move(*tree);
  if (IsManifest(root)) {
    res.operator_manifest = true;
    auto unwrapped = Unwrap(std::move(root), !options.ignore_unknown_fields);
    if (!unwrapped.ok()) {
      std::string msg(unwrapped.status().message());
      res.errors.push_back(Error{msg, OffsetOfYamlError(content, msg)});
      return res;
    }
    root = std::move(*unwrapped);
  }
  // Upstream's two decodes: the values (strict), then the nodes for positions.
  RuleGroups values;
  RuleGroups nodes;
  for (auto [pass, known, out] :
       {std::tuple{internal::Pass::kValues, !options.ignore_unknown_fields, &values},
        std::tuple{internal::Pass::kPositions, false, &nodes}}) {
    util::Status st = internal::Decode(root, pass, known, res.operator_manifest, *out);
    if (!st.ok()) {
      std::string msg(st.message());
      res.errors.push_back(Error{msg, OffsetOfYamlError(content, msg)});
    }
  }
  if (!res.errors.empty()) return res;
  // The nodes decode is lenient where the values decode is strict, so both kept the same
  // groups and rules; positions come from the nodes.
  for (size_t j = 0; j < values.groups.size() && j < nodes.groups.size(); ++j) {
    auto& vr = values.groups[j].rules;
    const auto& nr = nodes.groups[j].rules;
    for (size_t i = 0; i < vr.size() && i < nr.size(); ++i) {
      vr[i].record_pos = nr[i].record_pos;
      vr[i].alert_pos = nr[i].alert_pos;
      vr[i].expr_pos = nr[i].expr_pos;
    }
  }
  Validator(content, options).Run(values, nodes, res.errors);
  res.groups = std::move(values);
  return res;
}

ParseResult ParseFile(const std::string& path, const ParseOptions& options, std::string* content) {
  auto text = util::ReadFile(path);
  if (!text.ok()) {
    ParseResult res;
    res.errors.push_back(Error{fmt::format("{}: {}", path, text.status().message())});
    return res;
  }
  ParseResult res = Parse(*text, options);
  for (Error& e : res.errors) e.message = fmt::format("{}: {}", path, e.message);
  if (content != nullptr) *content = std::move(*text);
  return res;
}

}  // namespace promkit::rules::rulefmt

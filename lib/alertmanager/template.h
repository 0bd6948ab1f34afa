#pragma once
// Alertmanager's notification templates (upstream template/template.go): its function set over
// lib/template's Go text/template engine, and loading template files as template.FromGlobs does
// (upstream's embedded defaults first, then every file each glob matches; a glob matching nothing
// is fine).
// Thread-safety: functions are stateless; a loaded template set is immutable.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "alertmanager/matchers.h"
#include "template/template.h"
#include "template/value.h"
#include "util/status.h"

namespace promkit::alertmanager {

// One alert as notification templates see it (upstream template.Alert).
struct TemplateAlert {
  std::string status;  // "firing" or "resolved"
  LabelSet labels;
  LabelSet annotations;
  int64_t starts_at_ns = 0;  // Unix nanoseconds (zero: Go's zero time)
  int64_t ends_at_ns = 0;
  bool starts_at_zero = true;
  bool ends_at_zero = true;
  std::string generator_url;
  std::string fingerprint;
};

// The data notification templates render (upstream template.Data).
struct TemplateData {
  std::string receiver;
  std::string status;
  std::vector<TemplateAlert> alerts;
  std::string notification_reason;
  LabelSet group_labels, common_labels, common_annotations, route_labels;
  std::string external_url;
};

// The data as a template value: a template.Data with template.Alerts (Firing, Resolved) and
// template.KV maps (SortedPairs, Names, Values, Remove, String; alertname sorts first).
tmpl::Value TemplateDataValue(const TemplateData& data);
// Decodes template.Data from JSON as Go's encoding/json does (field names as upstream's json
// tags, case-insensitively; unknown fields ignored; times in RFC 3339).
util::Result<TemplateData> ParseTemplateData(std::string_view json);
// amtool template render's built-in example: two alerts, one firing and one resolved, with
// times relative to `now_ns`.
TemplateData ExampleTemplateData(int64_t now_ns);

// Upstream's embedded default templates (default.tmpl): the __subject, __text_alert_list...
// building blocks and every integration's *.default.* template, written for promkit to render
// the same text.
std::string_view DefaultTemplates();

// A parsed template set (template.FromGlobs): the defaults, then every file the globs match.
class TemplateSet {
 public:
  static util::Result<TemplateSet> FromGlobs(const std::vector<std::string>& globs);
  // ExecuteTextString: parses `text` as a new anonymous template over the set (missingkey=zero)
  // and renders it with `data`. An empty text renders as "".
  util::Result<std::string> ExecuteText(std::string_view text, const tmpl::Value& data) const;

 private:
  // Parse order: the defaults (parse name ""), then each file under its base name.
  std::vector<std::pair<std::string, std::string>> sources_;
};

// toUpper, toLower, title, trimSpace, join, match, safeHtml, safeUrl, urlUnescape, reReplaceAll,
// stringSlice, routeLabels, date, tz, now, since, humanizeDuration, toDate, mustToDate, toJson,
// base64encode, base64decode, list, append, dict.
tmpl::FuncMap TemplateFuncs();

// Parses the template files `globs` match, each under its base name as Go's ParseGlob names
// them, as upstream's FromGlobs does when Alertmanager or amtool check-config loads a config.
// Errors in Go's words: "template: x.tmpl:3: unexpected \"}\" in operand".
util::Status CheckTemplateGlobs(const std::vector<std::string>& globs);

struct Config;

// A receiver template that fails to render (promkit's check-config finds these before a
// notification does).
struct TemplateProblem {
  std::string receiver;
  std::string integration;  // e.g. "slack_configs[0]"
  std::string field;        // e.g. "title"
  std::string error;
};

// Renders every templated setting (one containing "{{") of every receiver's integrations, as
// notifications would, with amtool's example alerts (at `now_ns`) and the set's templates.
std::vector<TemplateProblem> RenderReceiverTemplates(const Config& cfg, const TemplateSet& set,
                                                     int64_t now_ns);

}  // namespace promkit::alertmanager

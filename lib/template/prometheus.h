#pragma once
// Prometheus's template functions (upstream template/template.go, NewTemplateExpander) and the
// data its alerting rules expand annotations with. Outputs match upstream to the character:
// humanize* rounding and prefixes, durations, timestamps, links.
// Thread-safety: the FuncMap holds copies of the context; it may be used by concurrent
// executions when the QueryFunc is thread-safe.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "model/labels.h"
#include "template/template.h"
#include "template/value.h"
#include "util/strings.h"

namespace promkit::tmpl {

// One element of a `query` result: upstream's sample{Labels, Value}.
struct QuerySample {
  model::Labels labels;
  // The value as templates see it: a float64 for float samples; the embedding program may pass
  // a host object for histograms.
  Value value;
};

// Runs a PromQL instant query at `timestamp_ms` (upstream's QueryFunc). Errors reach the template
// as "error calling query: <message>".
using QueryFunc =
    std::function<Result<std::vector<QuerySample>>(std::string_view query, int64_t timestamp_ms)>;

struct PrometheusContext {
  int64_t timestamp_ms = 0;  // evaluation time: `now` and `query` use it
  QueryFunc query;           // empty: `query` fails with "no query function"
  std::string external_url;  // e.g. "http://prometheus:9090/prefix"
};

// query, first, label, value, strvalue, args, reReplaceAll, match, title, toUpper, toLower,
// safeHtml, stripPort, stripDomain, humanize, humanize1024, humanizeDuration,
// humanizePercentage, humanizeTimestamp, toTime, toDuration, now, pathPrefix, externalURL,
// parseDuration, urlQueryEscape, graphLink, tableLink, sortByLabel.
FuncMap PrometheusFuncs(PrometheusContext ctx);

// The sample host object ("*template.sample", fields Labels and Value).
Value MakeSample(const model::Labels& labels, Value value);
// A label set as templates see it: a map[string]string (missing names read as "" under
// missingkey=zero).
Value LabelsValue(const model::Labels& labels);

// The data alerting rules expand with (upstream AlertTemplateData): fields Labels,
// ExternalLabels, ExternalURL, Value.
Value AlertTemplateData(const model::Labels& labels, const model::Labels& external_labels,
                        std::string_view external_url, Value value);
// What upstream prepends to every alert label and annotation template.
inline constexpr std::string_view kAlertTemplateDefs =
    "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}"
    "{{$externalURL := .ExternalURL}}{{$value := .Value}}";

// Upstream's Expander.Expand: parses and executes `text` as template `name` with Prometheus's
// functions and missingkey=zero. Errors read "error parsing template <name>: ..." or
// "error executing template <name>: ...".
Result<std::string> ExpandPrometheus(std::string_view name, std::string_view text,
                                     const Value& data, const PrometheusContext& ctx,
                                     Options options = {});

// The Go-compatible helpers behind the functions, for reuse (Alertmanager has most of them).
// ConvertToFloat is common/helpers/templates.ConvertToFloat.
Result<double> ConvertToFloat(const Value& v);
Result<std::string> Humanize(const Value& v);
Result<std::string> Humanize1024(const Value& v);
Result<std::string> HumanizeDuration(const Value& v);
Result<std::string> HumanizePercentage(const Value& v);
Result<std::string> HumanizeTimestamp(const Value& v);
// regexp.ReplaceAllString(text, repl) with Go's $1/${name} expansion; Go's regexp error texts.
Result<std::string> ReReplaceAll(std::string_view pattern, std::string_view repl,
                                 std::string_view text);
Result<bool> MatchString(std::string_view pattern, std::string_view s);
// Go's net.SplitHostPort-based stripPort / stripDomain.
std::string StripPort(std::string_view host_port);
std::string StripDomain(std::string_view host_port);
// cases.Title(language.AmericanEnglish, cases.NoLower), strings.ToUpper, strings.ToLower.
std::string Title(std::string_view s);
using util::ToLower;  // strings.ToLower, shared with relabel's lowercase action
using util::ToUpper;  // strings.ToUpper, likewise

}  // namespace promkit::tmpl

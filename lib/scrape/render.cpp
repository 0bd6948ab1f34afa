#include "scrape/render.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "model/validation.h"
#include "util/numbers.h"

namespace promkit::scrape {
namespace {

// expfmt's escaper: \\, \n, and with quotes also \".
void AppendEscaped(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '"':
        out += "\\\"";
        break;
      default:
        out += c;
    }
  }
}

// expfmt's writeName: legacy-valid names bare, others quoted.
void AppendName(std::string& out, std::string_view name) {
  if (model::IsLegacyMetricName(name)) {
    out += name;
    return;
  }
  out += '"';
  AppendEscaped(out, name);
  out += '"';
}

// expfmt writeFloat.
std::string TextFloat(double v) {
  if (v == 0) return "0";  // -0 too
  return util::FormatFloat(v, 'g', -1);
}

// expfmt writeOpenMetricsFloat.
std::string OpenMetricsFloat(double v) {
  if (v == 0) return "0.0";
  if (std::isnan(v) || std::isinf(v)) return util::FormatFloat(v, 'g', -1);
  std::string s = util::FormatFloat(v, 'g', -1);
  if (s.find_first_of("e.") == std::string::npos) s += ".0";
  return s;
}

// Every sample of every target (exposed, then synthetic), grouped by metric name in order of
// first appearance so each family is contiguous as both text formats want.
std::vector<const Sample*> Grouped(const std::vector<RenderedTarget>& targets,
                                   const RenderOptions& o) {
  std::vector<const Sample*> all;
  for (const RenderedTarget& t : targets) {
    for (const Sample& s : t.result->samples) all.push_back(&s);
    if (!o.synthetic) continue;
    for (const Sample& s : t.result->report) all.push_back(&s);
  }
  std::map<std::string_view, size_t> first;
  for (const Sample* s : all) first.emplace(s->labels.MetricName(), first.size());
  std::stable_sort(all.begin(), all.end(), [&](const Sample* a, const Sample* b) {
    return first[a->labels.MetricName()] < first[b->labels.MetricName()];
  });
  return all;
}

std::string LabelsText(const model::Labels& labels, bool name_inside) {
  std::string out;
  char sep = '{';
  if (name_inside) {
    out += sep;
    AppendName(out, labels.MetricName());
    sep = ',';
  }
  for (const model::Label& l : labels) {
    if (l.name == model::kMetricName) continue;
    out += sep;
    sep = ',';
    AppendName(out, l.name);
    out += "=\"";
    AppendEscaped(out, l.value);
    out += '"';
  }
  if (sep == ',') out += '}';
  return out;
}

}  // namespace

util::Result<OutputFormat> ParseOutputFormat(std::string_view s) {
  if (s == "text") return OutputFormat::kText;
  if (s == "openmetrics") return OutputFormat::kOpenMetrics;
  if (s == "json") return OutputFormat::kJson;
  if (s == "table") return OutputFormat::kTable;
  return util::Status::InvalidArgument(
      fmt::format("unknown output format \"{}\" (want text, openmetrics, json or table)", s));
}

std::string SeriesText(const model::Labels& labels) {
  std::string_view name = labels.MetricName();
  bool inside = !model::IsLegacyMetricName(name);
  std::string out;
  if (!inside) out += name;
  out += LabelsText(labels, inside);
  return out;
}

std::string RenderText(const std::vector<RenderedTarget>& targets, const RenderOptions& o) {
  std::string out;
  for (const Sample* s : Grouped(targets, o)) {
    out += SeriesText(s->labels);
    out += ' ';
    out += TextFloat(s->value);
    if (s->timestamp_ms) out += fmt::format(" {}", *s->timestamp_ms);
    out += '\n';
  }
  return out;
}

std::string RenderOpenMetrics(const std::vector<RenderedTarget>& targets, const RenderOptions& o) {
  std::string out;
  for (const Sample* s : Grouped(targets, o)) {
    out += SeriesText(s->labels);
    out += ' ';
    out += OpenMetricsFloat(s->value);
    if (s->timestamp_ms) {
      out += ' ';
      out += OpenMetricsFloat(static_cast<double>(*s->timestamp_ms) / 1000);
    }
    out += '\n';
  }
  out += "# EOF\n";
  return out;
}

std::string RenderJson(const std::vector<RenderedTarget>& targets, const RenderOptions& o) {
  nlohmann::ordered_json doc;
  doc["targets"] = nlohmann::ordered_json::array();
  for (const RenderedTarget& t : targets) {
    const TargetResult& r = *t.result;
    nlohmann::ordered_json j;
    j["url"] = r.url;
    j["job"] = r.job;
    j["instance"] = r.instance;
    j["health"] = r.up ? "up" : "down";
    j["error"] = r.error.ok() ? "" : r.error.ToString();
    j["content_type"] = r.content_type;
    j["scrape_timestamp"] = r.scrape_time_ms;
    j["scrape_duration_seconds"] = r.duration_seconds;
    nlohmann::ordered_json samples = nlohmann::ordered_json::array();
    auto add = [&](const Sample& s) {
      nlohmann::ordered_json js;
      nlohmann::ordered_json labels = nlohmann::ordered_json::object();
      for (const model::Label& l : s.labels) labels[std::string(l.name)] = std::string(l.value);
      js["labels"] = std::move(labels);
      js["value"] = TextFloat(s.value);
      if (s.timestamp_ms) js["timestamp"] = *s.timestamp_ms;
      samples.push_back(std::move(js));
    };
    for (const Sample& s : r.samples) add(s);
    if (o.synthetic) {
      for (const Sample& s : r.report) add(s);
    }
    j["samples"] = std::move(samples);
    j["warnings"] = r.warnings;
    if (o.with_lint) j["lint"] = t.lint;
    doc["targets"].push_back(std::move(j));
  }
  // Invalid UTF-8 in exposed text must not make dump() throw: replace it.
  return doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string RenderTable(const std::vector<RenderedTarget>& targets, const RenderOptions& o) {
  std::vector<std::vector<std::string>> rows;
  bool any_ts = false;
  for (const Sample* s : Grouped(targets, o)) {
    any_ts = any_ts || s->timestamp_ms.has_value();
  }
  rows.push_back({"NAME", "VALUE"});
  if (any_ts) rows[0].push_back("TIMESTAMP");
  rows[0].push_back("LABELS");
  for (const Sample* s : Grouped(targets, o)) {
    std::vector<std::string> row;
    std::string name;
    AppendName(name, s->labels.MetricName());
    row.push_back(std::move(name));
    row.push_back(TextFloat(s->value));
    if (any_ts) row.push_back(s->timestamp_ms ? std::to_string(*s->timestamp_ms) : "");
    row.push_back(LabelsText(s->labels, false));
    rows.push_back(std::move(row));
  }
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line.append(width[i] - row[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  }
  return out;
}

std::string Render(OutputFormat f, const std::vector<RenderedTarget>& targets,
                   const RenderOptions& o) {
  switch (f) {
    case OutputFormat::kText:
      return RenderText(targets, o);
    case OutputFormat::kOpenMetrics:
      return RenderOpenMetrics(targets, o);
    case OutputFormat::kJson:
      return RenderJson(targets, o);
    case OutputFormat::kTable:
      return RenderTable(targets, o);
  }
  return RenderText(targets, o);
}

}  // namespace promkit::scrape

// Output of `query`: promtool's printers (prometheus/common model values printed with %v or
// encoded with encoding/json) and promkit's -o table.
#include "query_render.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "model/labels.h"
#include "promql/api.h"
#include "util/json_string.h"
#include "util/numbers.h"
#include "util/strings.h"
#include "util/timestamp.h"

namespace promkit::cli {

using promql::ApiResponse;
using promql::Value;
using promql::ValueKind;

// model.Time.String(): seconds, shortest 'f'.
std::string ModelTime(int64_t ms) {
  return util::FormatFloat(static_cast<double>(ms) / 1000, 'f', -1);
}

namespace {

// model.Metric.String(): `name{a="x", b="y"}`, `name`, or `{}`.
std::string ModelMetric(const model::Labels& ls) {
  std::string name;
  bool has_name = false;
  std::string rest;
  size_t others = 0;
  for (const model::Label& l : ls) {
    if (l.name == model::kMetricName) {
      name = std::string(l.value);
      has_name = true;
      continue;
    }
    rest += others++ > 0 ? ", " : "";
    rest += l.name;
    rest += '=';
    util::AppendGoQuote(rest, l.value);
  }
  if (others == 0) return has_name ? name : "{}";
  return name + "{" + rest + "}";
}

// model.LabelSet.String(): `{__name__="up", job="x"}`.
std::string ModelLabelSet(const model::Labels& ls) {
  std::string out = "{";
  bool first = true;
  for (const model::Label& l : ls) {
    if (!first) out += ", ";
    first = false;
    out += l.name;
    out += '=';
    util::AppendGoQuote(out, l.value);
  }
  return out + "}";
}

// model.LabelSet.Before: fewer labels first, then the first differing name or value in the
// sorted union of both sets' names.
bool ModelBefore(const model::Labels& a, const model::Labels& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  std::vector<std::string_view> names;
  for (const model::Label& l : a) names.push_back(l.name);
  for (const model::Label& l : b) names.push_back(l.name);
  std::sort(names.begin(), names.end());
  for (std::string_view n : names) {
    if (!a.Has(n)) return true;
    if (!b.Has(n)) return false;
    const std::string_view av = a.Get(n), bv = b.Get(n);
    if (av != bv) return av < bv;
  }
  return false;
}

// A sample line: `1.5 @[1700000000]`.
std::string ModelPair(int64_t t, double v) {
  return util::FormatFloat(v, 'f', -1) + " @[" + ModelTime(t) + "]";
}

std::string PromqlValue(const Value& v) {
  std::string out;
  switch (v.kind) {
    case ValueKind::kScalar:
      out = "scalar: " + ModelPair(v.scalar.t, v.scalar.v);
      break;
    case ValueKind::kString:
      out = v.string.v;
      break;
    case ValueKind::kVector:
      for (size_t i = 0; i < v.vector.size(); ++i) {
        if (i > 0) out += '\n';
        out += ModelMetric(v.vector[i].metric) + " => " + ModelPair(v.vector[i].t, v.vector[i].f);
      }
      break;
    case ValueKind::kMatrix: {
      std::vector<const promql::Series*> sorted;
      for (const promql::Series& s : v.matrix) sorted.push_back(&s);
      std::stable_sort(sorted.begin(), sorted.end(),
                       [](const promql::Series* a, const promql::Series* b) {
                         return ModelBefore(a->metric, b->metric);
                       });
      for (size_t i = 0; i < sorted.size(); ++i) {
        if (i > 0) out += '\n';
        out += ModelMetric(sorted[i]->metric) + " =>\n";
        for (size_t j = 0; j < sorted[i]->floats.size(); ++j) {
          if (j > 0) out += '\n';
          out += ModelPair(sorted[i]->floats[j].t, sorted[i]->floats[j].f);
        }
      }
      break;
    }
    case ValueKind::kNone:
      out = "<nil>";
      break;
  }
  return out + "\n";
}

}  // namespace

std::string PromqlOutput(QueryEndpoint ep, const ApiResponse& r) {
  std::string out;
  if (ep == QueryEndpoint::kSeries) {
    for (const model::Labels& ls : r.series) out += ModelLabelSet(ls) + "\n";
  } else if (ep == QueryEndpoint::kLabels) {
    for (const std::string& s : r.strings) out += s + "\n";
  } else {
    out = PromqlValue(r.value);
  }
  return out;
}

namespace {

// encoding/json of model values (json.Encoder: one line).
void GoJsonMetric(std::string& out, const model::Labels& ls) {
  out += '{';
  bool first = true;
  for (const model::Label& l : ls) {
    if (!first) out += ',';
    first = false;
    util::AppendJsonString(out, l.name, util::JsonDialect::kGoStd);
    out += ':';
    util::AppendJsonString(out, l.value, util::JsonDialect::kGoStd);
  }
  out += '}';
}

void GoJsonPair(std::string& out, int64_t t, double v) {
  out += '[' + ModelTime(t) + ",\"" + util::FormatFloat(v, 'f', -1) + "\"]";
}

}  // namespace

std::string JsonOutput(QueryEndpoint ep, const ApiResponse& r) {
  std::string out;
  if (ep == QueryEndpoint::kSeries) {
    out += '[';
    for (size_t i = 0; i < r.series.size(); ++i) {
      if (i > 0) out += ',';
      GoJsonMetric(out, r.series[i]);
    }
    out += ']';
  } else if (ep == QueryEndpoint::kLabels) {
    out += '[';
    for (size_t i = 0; i < r.strings.size(); ++i) {
      if (i > 0) out += ',';
      util::AppendJsonString(out, r.strings[i], util::JsonDialect::kGoStd);
    }
    out += ']';
  } else {
    const Value& v = r.value;
    switch (v.kind) {
      case ValueKind::kScalar:
        GoJsonPair(out, v.scalar.t, v.scalar.v);
        break;
      case ValueKind::kString:
        out += '[' + ModelTime(v.string.t) + ',';
        util::AppendJsonString(out, v.string.v, util::JsonDialect::kGoStd);
        out += ']';
        break;
      case ValueKind::kVector:
        out += '[';
        for (size_t i = 0; i < v.vector.size(); ++i) {
          if (i > 0) out += ',';
          out += "{\"metric\":";
          GoJsonMetric(out, v.vector[i].metric);
          out += ",\"value\":";
          GoJsonPair(out, v.vector[i].t, v.vector[i].f);
          out += '}';
        }
        out += ']';
        break;
      case ValueKind::kMatrix:
        out += '[';
        for (size_t i = 0; i < v.matrix.size(); ++i) {
          if (i > 0) out += ',';
          out += "{\"metric\":";
          GoJsonMetric(out, v.matrix[i].metric);
          out += ",\"values\":";
          if (v.matrix[i].floats.empty()) out += "null";
          for (size_t j = 0; j < v.matrix[i].floats.size(); ++j) {
            out += j == 0 ? "[" : ",";
            GoJsonPair(out, v.matrix[i].floats[j].t, v.matrix[i].floats[j].f);
          }
          if (!v.matrix[i].floats.empty()) out += ']';
          out += '}';
        }
        out += ']';
        break;
      case ValueKind::kNone:
        out += "null";
        break;
    }
  }
  return out + "\n";
}

namespace {

// ---------------------------------------------------------------------------------------------
// -o table: aligned columns for people.

// Columns as wide as their widest cell (in runes) plus two spaces; trailing blanks trimmed.
std::string Tabulate(const std::vector<std::vector<std::string>>& rows) {
  auto runes = [](std::string_view s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
  };
  std::vector<size_t> width;
  for (const auto& row : rows) {
    for (size_t i = 0; i + 1 < row.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], runes(row[i]));
    }
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line.append(width[i] - runes(row[i]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

// A cell for a raw string: as is when plain, Go-quoted when it is empty or holds spaces or
// unprintable characters.
std::string Cell(std::string_view s) {
  bool plain = !s.empty();
  for (unsigned char c : s) {
    if (c <= ' ' || c == '"' || c == 0x7f) plain = false;
  }
  return plain && util::IsValidUtf8(s) ? std::string(s) : util::GoQuote(s);
}

std::string TableFloat(double v) {
  std::string out;
  promql::AppendApiFloat(out, v);
  return out.substr(1, out.size() - 2);
}

}  // namespace

std::string TableOutput(QueryEndpoint ep, const ApiResponse& r) {
  std::vector<std::vector<std::string>> rows;
  if (ep == QueryEndpoint::kSeries) {
    std::vector<std::string> names;  // __name__ first, then the others sorted
    for (const model::Labels& ls : r.series) {
      for (const model::Label& l : ls) names.emplace_back(l.name);
    }
    std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
      if ((a == model::kMetricName) != (b == model::kMetricName)) return a == model::kMetricName;
      return a < b;
    });
    names.erase(std::unique(names.begin(), names.end()), names.end());
    rows.push_back(names);
    for (const model::Labels& ls : r.series) {
      std::vector<std::string> row;
      for (const std::string& n : names) row.push_back(ls.Has(n) ? Cell(ls.Get(n)) : "");
      rows.push_back(std::move(row));
    }
    return r.series.empty() ? "" : Tabulate(rows);
  }
  if (ep == QueryEndpoint::kLabels) {
    rows.push_back({"VALUE"});
    for (const std::string& s : r.strings) rows.push_back({Cell(s)});
    return r.strings.empty() ? "" : Tabulate(rows);
  }
  const Value& v = r.value;
  switch (v.kind) {
    case ValueKind::kScalar:
      rows = {{"VALUE", "TIME"}, {TableFloat(v.scalar.v), util::FormatRfc3339Nano(v.scalar.t)}};
      break;
    case ValueKind::kString:
      rows = {{"VALUE", "TIME"}, {Cell(v.string.v), util::FormatRfc3339Nano(v.string.t)}};
      break;
    case ValueKind::kVector:
      if (v.vector.empty()) return "";
      rows.push_back({"SERIES", "VALUE", "TIME"});
      for (const promql::Sample& s : v.vector) {
        rows.push_back({ModelMetric(s.metric), TableFloat(s.f), util::FormatRfc3339Nano(s.t)});
      }
      break;
    case ValueKind::kMatrix:
      if (v.matrix.empty()) return "";
      rows.push_back({"SERIES", "TIME", "VALUE"});
      for (const promql::Series& s : v.matrix) {
        for (size_t j = 0; j < s.floats.size(); ++j) {
          rows.push_back({j == 0 ? ModelMetric(s.metric) : "",
                          util::FormatRfc3339Nano(s.floats[j].t), TableFloat(s.floats[j].f)});
        }
      }
      break;
    case ValueKind::kNone:
      return "";
  }
  return Tabulate(rows);
}

}  // namespace promkit::cli

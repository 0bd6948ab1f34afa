#include "promql/api.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <utility>

#include <fmt/core.h>

#include "model/matchers.h"
#include "promql/parser/parser.h"
#include "storage/merge.h"
#include "util/json_string.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace promkit::promql {
namespace {

// Go's encoding/json float64 (for the timestamps of scalars and strings, which upstream
// marshals as float64(t)/1000): shortest 'f', or 'e' with a cleaned-up exponent.
void AppendGoJsonFloat(std::string& out, double v) {
  const double abs = std::fabs(v);
  if (abs != 0 && (abs < 1e-6 || abs >= 1e21)) {
    std::string e = util::FormatFloat(v, 'e', -1);
    const size_t n = e.size();
    if (n >= 4 && e[n - 4] == 'e' && e[n - 3] == '-' && e[n - 2] == '0') e.erase(n - 2, 1);
    out += e;
    return;
  }
  util::AppendFloat(out, v, 'f', -1);
}

// json-iterator's WriteFloat64 (stats timings): like AppendApiFloat, unquoted.
void AppendJsoniterFloat(std::string& out, double v) {
  const double abs = std::fabs(v);
  util::AppendFloat(out, v, abs != 0 && (abs < 1e-6 || abs >= 1e21) ? 'e' : 'f', -1);
}

constexpr size_t kMaxAnnotations = 10;  // per kind, as the API's respond()
constexpr int64_t kMaxPointsPerSeries = 11000;

ApiResponse Fail(std::string type, std::string msg) {
  ApiResponse r;
  r.error_type = std::move(type);
  r.error = std::move(msg);
  return r;
}

ApiResponse InvalidParam(std::string_view param, std::string_view msg) {
  return Fail("bad_data", fmt::format("invalid parameter {}: {}", util::GoQuote(param), msg));
}

// Upstream's Annotations.AsStrings(query, 10, 10).
void SplitAnnotations(const std::vector<Annotation>& annos, ApiResponse& r) {
  size_t warn_skipped = 0, info_skipped = 0;
  for (const Annotation& a : annos) {
    std::vector<std::string>& dst = a.info ? r.infos : r.warnings;
    if (dst.size() < kMaxAnnotations) {
      dst.push_back(a.text);
    } else {
      ++(a.info ? info_skipped : warn_skipped);
    }
  }
  if (warn_skipped > 0) {
    r.warnings.push_back(fmt::format("{} more warning annotations omitted", warn_skipped));
  }
  if (info_skipped > 0) {
    r.infos.push_back(fmt::format("{} more info annotations omitted", info_skipped));
  }
}

// The checks NewInstantQuery/NewRangeQuery make before evaluating, whose failures the API
// reports as a bad "query" parameter.
std::optional<ApiResponse> CheckQuery(const Engine& engine, std::string_view query, bool range) {
  util::Result<parser::ExprPtr> expr = parser::ParseExpr(query, engine.options().parser);
  if (!expr.ok()) return InvalidParam("query", expr.status().message());
  if (range) {
    const parser::ValueType t = (*expr)->Type();
    if (t != parser::ValueType::kScalar && t != parser::ValueType::kVector) {
      return InvalidParam(
          "query",
          fmt::format("invalid expression type \"{}\" for range query, must be Scalar or instant "
                      "Vector",
                      parser::DocumentedType(t)));
    }
  }
  return std::nullopt;
}

ApiResponse FromResult(Result res, bool stats, std::chrono::steady_clock::time_point t0) {
  ApiResponse r;
  if (!res.ok()) {
    r.error_type = std::string(ErrorTypeName(res.error_type));
    r.error = std::move(res.error);
  } else {
    r.kind = ApiDataKind::kQuery;
    r.value = std::move(res.value);
  }
  SplitAnnotations(res.annotations, r);
  if (stats && r.ok()) {
    const double total =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.stats_json = "{\"timings\":{\"evalTotalTime\":";
    AppendJsoniterFloat(r.stats_json, res.stats.exec_seconds);
    r.stats_json += ",\"execTotalTime\":";
    AppendJsoniterFloat(r.stats_json, total);
    r.stats_json += "}}";
  }
  return r;
}

// Each `match[]` parsed as a series selector; every set needs a matcher that does not match "".
util::Result<std::vector<std::vector<model::Matcher>>> ParseMatchers(
    std::span<const std::string> matches) {
  std::vector<std::vector<model::Matcher>> sets;
  for (const std::string& m : matches) {
    PROMKIT_ASSIGN_OR_RETURN(std::vector<model::Matcher> set, parser::ParseMetricSelector(m));
    sets.push_back(std::move(set));
  }
  for (const auto& set : sets) {
    bool non_empty = std::any_of(set.begin(), set.end(),
                                 [](const model::Matcher& m) { return !m.MatchesEmpty(); });
    if (!non_empty) {
      return util::Status::InvalidArgument("match[] must contain at least one non-empty matcher");
    }
  }
  return sets;
}

void AppendLabels(std::string& out, const model::Labels& ls) {
  out += '{';
  bool first = true;
  for (const model::Label& l : ls) {
    if (!first) out += ',';
    first = false;
    util::AppendJsonString(out, l.name, util::JsonDialect::kJsoniterRaw);
    out += ':';
    util::AppendJsonString(out, l.value, util::JsonDialect::kJsoniterRaw);
  }
  out += '}';
}

void AppendStrings(std::string& out, const std::vector<std::string>& v) {
  out += '[';
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += ',';
    util::AppendJsonString(out, v[i], util::JsonDialect::kJsoniterHtml);
  }
  out += ']';
}

void AppendValue(std::string& out, const Value& v) {
  switch (v.kind) {
    case ValueKind::kScalar:
      // promql.Scalar.MarshalJSON: 'f' formatting whatever the magnitude.
      out += '[';
      AppendGoJsonFloat(out, static_cast<double>(v.scalar.t) / 1000);
      out += ",\"";
      util::AppendFloat(out, v.scalar.v, 'f', -1);
      out += "\"]";
      return;
    case ValueKind::kString:
      out += '[';
      AppendGoJsonFloat(out, static_cast<double>(v.string.t) / 1000);
      out += ',';
      util::AppendJsonString(out, v.string.v, util::JsonDialect::kGoStd);
      out += ']';
      return;
    case ValueKind::kVector:
      out += '[';
      for (size_t i = 0; i < v.vector.size(); ++i) {
        const Sample& s = v.vector[i];
        if (i > 0) out += ',';
        out += "{\"metric\":";
        AppendLabels(out, s.metric);
        out += s.h != nullptr ? ",\"histogram\":[" : ",\"value\":[";
        AppendApiTimestamp(out, s.t);
        out += ',';
        if (s.h != nullptr) {
          AppendApiHistogram(out, *s.h);
        } else {
          AppendApiFloat(out, s.f);
        }
        out += "]}";
      }
      out += ']';
      return;
    case ValueKind::kMatrix:
      out += '[';
      for (size_t i = 0; i < v.matrix.size(); ++i) {
        const Series& s = v.matrix[i];
        if (i > 0) out += ',';
        out += "{\"metric\":";
        AppendLabels(out, s.metric);
        for (size_t j = 0; j < s.floats.size(); ++j) {
          out += j == 0 ? ",\"values\":[[" : ",[";
          AppendApiTimestamp(out, s.floats[j].t);
          out += ',';
          AppendApiFloat(out, s.floats[j].f);
          out += ']';
        }
        if (!s.floats.empty()) out += ']';
        for (size_t j = 0; j < s.histograms.size(); ++j) {
          out += j == 0 ? ",\"histograms\":[[" : ",[";
          AppendApiTimestamp(out, s.histograms[j].t);
          out += ',';
          AppendApiHistogram(out, *s.histograms[j].h);
          out += ']';
        }
        if (!s.histograms.empty()) out += ']';
        out += '}';
      }
      out += ']';
      return;
    case ValueKind::kNone:
      out += "null";
      return;
  }
}

}  // namespace

void AppendApiHistogram(std::string& out, const model::FloatHistogram& h) {
  out += "{\"count\":";
  AppendApiFloat(out, h.count);
  out += ",\"sum\":";
  AppendApiFloat(out, h.sum);
  bool found = false;
  model::AllBucketsIter it = h.AllBucketIterator();
  while (it.Next()) {
    const model::Bucket b = it.At();
    if (b.count == 0) continue;
    out += found ? ",[" : ",\"buckets\":[[";
    found = true;
    // Boundary rule: 0 (lower,upper], 1 [lower,upper), 2 (lower,upper), 3 [lower,upper].
    int rule = b.lower_inclusive ? (b.upper_inclusive ? 3 : 1) : (b.upper_inclusive ? 0 : 2);
    out += static_cast<char>('0' + rule);
    out += ',';
    AppendApiFloat(out, b.lower);
    out += ',';
    AppendApiFloat(out, b.upper);
    out += ',';
    AppendApiFloat(out, b.count);
    out += ']';
  }
  if (found) out += ']';
  out += '}';
}

void AppendApiFloat(std::string& out, double v) {
  out += '"';
  AppendJsoniterFloat(out, v);
  out += '"';
}

void AppendApiTimestamp(std::string& out, int64_t ms) {
  // Unsigned arithmetic so INT64_MIN negates without overflow, as Go's wrapping int64 would.
  uint64_t u = static_cast<uint64_t>(ms);
  if (ms < 0) {
    out += '-';
    u = ~u + 1;
  }
  out += std::to_string(u / 1000);
  if (const uint64_t frac = u % 1000; frac != 0) out += fmt::format(".{:03d}", frac);
}

ApiResponse ApiQuery(const Engine& engine, storage::Queryable& q, std::string_view query,
                     int64_t time_ms, bool stats) {
  const auto t0 = std::chrono::steady_clock::now();
  if (auto bad = CheckQuery(engine, query, false)) return *bad;
  return FromResult(engine.InstantQuery(q, query, time_ms), stats, t0);
}

ApiResponse ApiQueryRange(const Engine& engine, storage::Queryable& q, std::string_view query,
                          int64_t start_ms, int64_t end_ms, int64_t step_ms, bool stats) {
  const auto t0 = std::chrono::steady_clock::now();
  if (end_ms < start_ms) {
    return InvalidParam("end", "end timestamp must not be before start time");
  }
  if (step_ms <= 0) {
    return InvalidParam(
        "step",
        "zero or negative query resolution step widths are not accepted. Try a positive integer");
  }
  const uint64_t span = static_cast<uint64_t>(end_ms) - static_cast<uint64_t>(start_ms);
  if (span / static_cast<uint64_t>(step_ms) > static_cast<uint64_t>(kMaxPointsPerSeries)) {
    return Fail("bad_data",
                "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the "
                "query resolution (?step=XX)");
  }
  if (auto bad = CheckQuery(engine, query, true)) return *bad;
  return FromResult(engine.RangeQuery(q, query, start_ms, end_ms, step_ms), stats, t0);
}

ApiResponse ApiSeries(storage::Queryable& q, std::span<const std::string> matches, int64_t start_ms,
                      int64_t end_ms) {
  if (matches.empty()) return Fail("bad_data", "no match[] parameter provided");
  auto sets = ParseMatchers(matches);
  if (!sets.ok()) return InvalidParam("match[]", sets.status().message());
  auto querier = q.NewQuerier(start_ms, end_ms);
  if (!querier.ok()) return Fail("execution", std::string(querier.status().message()));
  storage::SelectHints hints;
  hints.start = start_ms;
  hints.end = end_ms;
  std::vector<std::unique_ptr<storage::SeriesSet>> selected;
  for (const auto& set : *sets) selected.push_back((*querier)->Select(true, &hints, set));
  std::unique_ptr<storage::SeriesSet> all = selected.size() == 1
                                                ? std::move(selected.front())
                                                : storage::MergeSeriesSets(std::move(selected));
  ApiResponse r;
  r.kind = ApiDataKind::kSeries;
  while (all->Next()) r.series.push_back(all->At().Labels());
  util::Status st = all->Err();
  r.warnings = all->Warnings();
  all.reset();
  (void)(*querier)->Close();
  if (!st.ok()) {
    r.kind = ApiDataKind::kNone;
    r.series.clear();
    r.error_type = "execution";
    r.error = std::string(st.message());
  }
  return r;
}

ApiResponse ApiLabelValues(storage::Queryable& q, std::string_view name,
                           std::span<const std::string> matches, int64_t start_ms, int64_t end_ms) {
  if (name.empty() || !util::IsValidUtf8(name)) {
    return Fail("bad_data", fmt::format("invalid label name: {}", util::GoQuote(name)));
  }
  auto sets = ParseMatchers(matches);
  if (!sets.ok()) return Fail("bad_data", std::string(sets.status().message()));
  auto querier = q.NewQuerier(start_ms, end_ms);
  if (!querier.ok()) return Fail("execution", std::string(querier.status().message()));
  ApiResponse r;
  r.kind = ApiDataKind::kStrings;
  util::Status st;
  if (sets->empty()) {
    auto vals = (*querier)->LabelValues(std::string(name), {});
    if (vals.ok()) {
      r.strings = std::move(*vals);
    } else {
      st = vals.status();
    }
  }
  for (const auto& set : *sets) {
    auto vals = (*querier)->LabelValues(std::string(name), set);
    if (!vals.ok()) {
      st = vals.status();
      break;
    }
    r.strings.insert(r.strings.end(), vals->begin(), vals->end());
  }
  (void)(*querier)->Close();
  if (!st.ok()) return Fail("execution", std::string(st.message()));
  std::sort(r.strings.begin(), r.strings.end());
  r.strings.erase(std::unique(r.strings.begin(), r.strings.end()), r.strings.end());
  return r;
}

std::string EncodeApiResponse(const ApiResponse& r) {
  std::string out = r.ok() ? "{\"status\":\"success\"" : "{\"status\":\"error\"";
  if (r.ok()) {
    out += ",\"data\":";
    switch (r.kind) {
      case ApiDataKind::kQuery:
        out += "{\"resultType\":";
        util::AppendJsonString(out, ValueKindName(r.value.kind), util::JsonDialect::kJsoniterHtml);
        out += ",\"result\":";
        AppendValue(out, r.value);
        if (!r.stats_json.empty()) out += ",\"stats\":" + r.stats_json;
        out += '}';
        break;
      case ApiDataKind::kSeries:
        out += '[';
        for (size_t i = 0; i < r.series.size(); ++i) {
          if (i > 0) out += ',';
          AppendLabels(out, r.series[i]);
        }
        out += ']';
        break;
      case ApiDataKind::kStrings:
        AppendStrings(out, r.strings);
        break;
      case ApiDataKind::kNone:
        out += "null";
        break;
    }
  } else {
    out += ",\"errorType\":";
    util::AppendJsonString(out, r.error_type, util::JsonDialect::kJsoniterHtml);
    out += ",\"error\":";
    util::AppendJsonString(out, r.error, util::JsonDialect::kJsoniterHtml);
  }
  if (!r.warnings.empty()) {
    out += ",\"warnings\":";
    AppendStrings(out, r.warnings);
  }
  if (!r.infos.empty()) {
    out += ",\"infos\":";
    AppendStrings(out, r.infos);
  }
  out += '}';
  return out;
}

}  // namespace promkit::promql

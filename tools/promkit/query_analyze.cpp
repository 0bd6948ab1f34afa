#include "query_analyze.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "util/numbers.h"
#include "util/strings.h"

namespace promkit::cli {
namespace {

using nlohmann::json;

constexpr std::string_view kHeader =
    "Bucket stats for each histogram series over time\n"
    "------------------------------------------------\n"
    "First the min, avg, and max number of populated buckets, followed by the total\n"
    "number of buckets (only if different from the max number of populated buckets\n"
    "which is typical for classic but not native histograms).";
constexpr std::string_view kFooter =
    "Aggregated bucket stats\n"
    "-----------------------\n"
    "Each line shows min/avg/max over the series above.";

using LabelMap = std::map<std::string, std::string>;

struct Point {
  int64_t t_ms = 0;  // as the API sent it, to the millisecond
  double v = 0;
};

// A series of the matrix: float points, or native histograms (each as its bucket bounds).
struct Stream {
  LabelMap metric;
  std::vector<Point> values;
  std::vector<std::vector<std::tuple<int64_t, double, double>>> histograms;
};

// Populated buckets of one series: min/avg/max over its samples, and the total number of
// buckets (classic: the series' `le` count; native: distinct bucket bounds seen).
struct Stats {
  int min_pop = INT_MAX, max_pop = 0, total = 0;
  double avg_pop = 0;
};

std::string StatsString(const Stats& s) {
  if (s.max_pop == s.total) return fmt::format("{}/{:.3f}/{}", s.min_pop, s.avg_pop, s.max_pop);
  return fmt::format("{}/{:.3f}/{}/{}", s.min_pop, s.avg_pop, s.max_pop, s.total);
}

// min/avg/max of a number over series, the average kept as a running mean the way upstream
// updates it (so the last digits agree).
struct Distribution {
  int min = INT_MAX, max = 0, count = 0;
  double avg = 0;
  void Update(int n) {
    min = std::min(min, n);
    max = std::max(max, n);
    ++count;
    avg += static_cast<double>(n) / count - avg / count;
  }
  bool operator==(const Distribution&) const = default;
};

std::string DistributionString(const Distribution& d) {
  return fmt::format("{}/{:.3f}/{}", d.min, d.avg, d.max);
}

struct MetaStats {
  Distribution min_pop, avg_pop, max_pop, total;
  void Update(const Stats& s) {
    min_pop.Update(s.min_pop);
    avg_pop.Update(static_cast<int>(s.avg_pop));
    max_pop.Update(s.max_pop);
    total.Update(s.total);
  }
  std::string String() const {
    std::string out = fmt::format(
        "histogram series ({} in total):\n- min populated: {}\n- avg populated: {}\n- max "
        "populated: {}",
        min_pop.count, DistributionString(min_pop), DistributionString(avg_pop),
        DistributionString(max_pop));
    if (!(max_pop == total)) out += "\n- total: " + DistributionString(total);
    return out;
  }
};

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += ", ";
    out += parts[i];
  }
  return out;
}

// Go's int(f) on amd64: truncation, and the minimum int for NaN and what does not fit.
int64_t GoInt(double f) {
  if (!(f > -9.2e18 && f < 9.2e18)) return INT64_MIN;
  return static_cast<int64_t>(f);
}

// model.Metric.String(): the name, then the other labels sorted as name="value" in braces.
std::string MetricString(const LabelMap& m) {
  auto name = m.find("__name__");
  std::vector<std::string> parts;
  for (const auto& [k, v] : m) {
    if (k != "__name__") parts.push_back(k + "=" + util::GoQuote(v));
  }
  if (parts.empty()) return name != m.end() ? name->second : "{}";
  return (name != m.end() ? name->second : "") + "{" + Join(parts) + "}";
}

// model.LabelSet.String(): every label sorted as name="value" in braces.
std::string LabelSetString(const LabelMap& m) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : m) parts.push_back(k + "=" + util::GoQuote(v));
  return "{" + Join(parts) + "}";
}

util::Result<double> ParseValue(const json& v) {
  if (!v.is_string()) return util::Status::InvalidArgument("sample value is not a string");
  return util::ParseFloat(v.get<std::string>());
}

util::Result<int64_t> ParseTimestampMs(const json& t) {
  if (!t.is_number()) return util::Status::InvalidArgument("sample time is not a number");
  return static_cast<int64_t>(std::llround(t.get<double>() * 1000));
}

util::Result<std::vector<Stream>> ParseMatrix(const std::string& raw) {
  const json data = json::parse(raw, nullptr, false);
  if (data.is_discarded() || !data.is_object()) {
    return util::Status::InvalidArgument("response data is not JSON");
  }
  if (data.value("resultType", "") != "matrix") {
    return util::Status::InvalidArgument("query of buckets resulted in non-Matrix");
  }
  const json& result = data["result"];
  if (!result.is_array()) return util::Status::InvalidArgument("matrix is not a list");
  std::vector<Stream> out;
  for (const json& s : result) {
    Stream st;
    if (s.contains("metric") && s["metric"].is_object()) {
      for (const auto& [k, v] : s["metric"].items()) {
        if (v.is_string()) st.metric[k] = v.get<std::string>();
      }
    }
    if (s.contains("values") && s["values"].is_array()) {
      for (const json& p : s["values"]) {
        if (!p.is_array() || p.size() != 2) return util::Status::InvalidArgument("bad sample");
        PROMKIT_ASSIGN_OR_RETURN(int64_t t, ParseTimestampMs(p[0]));
        PROMKIT_ASSIGN_OR_RETURN(double v, ParseValue(p[1]));
        st.values.push_back({t, v});
      }
    }
    if (s.contains("histograms") && s["histograms"].is_array()) {
      for (const json& p : s["histograms"]) {
        if (!p.is_array() || p.size() != 2 || !p[1].is_object()) {
          return util::Status::InvalidArgument("bad histogram sample");
        }
        std::vector<std::tuple<int64_t, double, double>> buckets;
        if (p[1].contains("buckets") && p[1]["buckets"].is_array()) {
          for (const json& b : p[1]["buckets"]) {
            if (!b.is_array() || b.size() != 4 || !b[0].is_number_integer()) {
              return util::Status::InvalidArgument("bad histogram bucket");
            }
            PROMKIT_ASSIGN_OR_RETURN(double lower, ParseValue(b[1]));
            PROMKIT_ASSIGN_OR_RETURN(double upper, ParseValue(b[2]));
            buckets.emplace_back(b[0].get<int64_t>(), upper, lower);
          }
        }
        st.histograms.push_back(std::move(buckets));
      }
    }
    out.push_back(std::move(st));
  }
  return out;
}

// nullopt: not enough data (fewer than two samples); the series is skipped.
util::Result<std::optional<Stats>> ClassicStats(std::vector<const Stream*> buckets) {
  Stats stats;
  stats.total = static_cast<int>(buckets.size());
  if (buckets.empty() || buckets[0]->values.size() < 2) return std::optional<Stats>();
  // Upstream counts the samples of the first series as the server listed them, before sorting.
  const size_t samples = buckets[0]->values.size();
  auto le = [](const Stream* s) {
    auto it = s->metric.find("le");
    util::Result<double> v = util::ParseFloat(it == s->metric.end() ? "" : it->second);
    return v.ok() ? *v : 0.0;
  };
  std::stable_sort(buckets.begin(), buckets.end(),
                   [&](const Stream* a, const Stream* b) { return le(a) < le(b); });
  int total_pop = 0;
  for (size_t i = 0; i < samples; ++i) {
    std::vector<int64_t> counts(buckets.size(), 0);
    // A bucket series that ends early leaves the rest of this time's counts zero.
    if (i < buckets[0]->values.size()) {
      counts[0] = GoInt(buckets[0]->values[i].v);
      for (size_t b = 1; b < buckets.size(); ++b) {
        if (i >= buckets[b]->values.size()) break;
        const Point& cur = buckets[b]->values[i];
        const Point& prev = buckets[b - 1]->values[i];
        if (cur.t_ms != prev.t_ms) {
          return util::Status::InvalidArgument("matrix result is not time aligned");
        }
        counts[b] = GoInt(cur.v - prev.v);
      }
    }
    const int pop = static_cast<int>(
        std::count_if(counts.begin(), counts.end(), [](int64_t c) { return c != 0; }));
    total_pop += pop;
    stats.min_pop = std::min(stats.min_pop, pop);
    stats.max_pop = std::max(stats.max_pop, pop);
  }
  stats.avg_pop = static_cast<double>(total_pop) / static_cast<double>(samples);
  return std::optional<Stats>(stats);
}

Stats NativeStats(const Stream& s) {
  Stats stats;
  std::set<std::tuple<int64_t, double, double>> overall;
  int total_pop = 0;
  for (const auto& h : s.histograms) {
    overall.insert(h.begin(), h.end());
    const int pop = static_cast<int>(h.size());
    total_pop += pop;
    stats.min_pop = std::min(stats.min_pop, pop);
    stats.max_pop = std::max(stats.max_pop, pop);
  }
  stats.avg_pop = static_cast<double>(total_pop) / static_cast<double>(s.histograms.size());
  stats.total = static_cast<int>(overall.size());
  return stats;
}

}  // namespace

util::Status AnalyzeHistograms(const AnalyzeQueryFn& query, std::span<const std::string> matchers,
                               const std::string& duration, std::string& out) {
  out += kHeader;
  out += "\n\n";
  MetaStats native, classic;
  for (const std::string& m : matchers) {
    PROMKIT_ASSIGN_OR_RETURN(std::string raw, query(m + "[" + duration + "]"));
    PROMKIT_ASSIGN_OR_RETURN(std::vector<Stream> matrix, ParseMatrix(raw));
    std::map<std::string, std::vector<const Stream*>> groups;
    for (const Stream& s : matrix) {
      if (s.values.empty()) {
        // Native histograms; a series with neither floats nor two histograms is skipped.
        if (s.histograms.size() < 2) continue;
        const Stats st = NativeStats(s);
        out += fmt::format("- {} (native): {}\n", MetricString(s.metric), StatsString(st));
        native.Update(st);
        continue;
      }
      if (s.metric.count("le") == 0) continue;
      auto name = s.metric.find("__name__");
      const std::string metric_name = name == s.metric.end() ? "" : name->second;
      if (!metric_name.ends_with("_bucket")) continue;
      LabelMap rest = s.metric;
      rest.erase("__name__");
      rest.erase("le");
      groups[metric_name + LabelSetString(rest)].push_back(&s);
    }
    for (auto& [key, buckets] : groups) {
      PROMKIT_ASSIGN_OR_RETURN(std::optional<Stats> st, ClassicStats(buckets));
      if (!st) continue;
      out += fmt::format("- {} (classic): {}\n", key, StatsString(*st));
      classic.Update(*st);
    }
  }
  out += "\n";
  out += kFooter;
  out += "\n";
  if (native.min_pop.count > 0) out += "\nNative " + native.String() + "\n";
  if (classic.min_pop.count > 0) out += "\nClassic " + classic.String() + "\n";
  return util::Status::Ok();
}

}  // namespace promkit::cli

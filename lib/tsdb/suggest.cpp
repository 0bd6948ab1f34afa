#include "tsdb/suggest.h"

#include <algorithm>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>

#include <arpa/inet.h>
#include <fmt/core.h>

#include "model/labels.h"

namespace promkit::tsdb {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool All(std::string_view s, bool (*pred)(char)) {
  return !s.empty() && std::all_of(s.begin(), s.end(), pred);
}

bool IsUuid(std::string_view v) {
  if (v.size() != 36) return false;
  for (size_t i = 0; i < v.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? v[i] != '-' : !IsHex(v[i])) return false;
  }
  return true;
}

bool IsIp(std::string_view v) {
  std::string host(v);
  if (!host.empty() && host[0] == '[') {  // [v6]:port
    size_t close = host.find(']');
    if (close == std::string::npos) return false;
    host = host.substr(1, close - 1);
  } else if (std::count(host.begin(), host.end(), ':') == 1) {  // v4:port
    std::string port = host.substr(host.find(':') + 1);
    if (!All(port, IsDigit)) return false;
    host.resize(host.find(':'));
  }
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

bool IsUrl(std::string_view v) {
  size_t sep = v.find("://");
  return sep != std::string_view::npos && sep > 0 && All(v.substr(0, sep), IsAlpha) &&
         v.size() > sep + 3;
}

bool IsTimestamp(std::string_view v) {
  if (All(v, IsDigit)) {
    // Seconds, milliseconds, microseconds or nanoseconds since 2001 (10 digits of seconds).
    return (v.size() == 10 || v.size() == 13 || v.size() == 16 || v.size() == 19) && v[0] != '0';
  }
  // A date with a time: YYYY-MM-DD[T ]hh:mm...
  if (v.size() < 16) return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15}) {
    if (!IsDigit(v[i])) return false;
  }
  return v[4] == '-' && v[7] == '-' && (v[10] == 'T' || v[10] == ' ') && v[13] == ':';
}

bool IsId(std::string_view v) {
  if (All(v, IsDigit)) return v.size() >= 5;
  if (All(v, IsHex)) return v.size() >= 12;
  // Tokens mixing letters and digits (base32/64 IDs, hashes, pod-name suffixes are shorter).
  if (v.size() < 16) return false;
  size_t digits = 0, letters = 0;
  for (char c : v) {
    if (IsDigit(c)) {
      ++digits;
    } else if (IsAlpha(c)) {
      ++letters;
    } else if (c != '-' && c != '_') {
      return false;
    }
  }
  return digits >= 3 && letters >= 3;
}

// RE2 syntax for the literal `s` (label and metric names may hold '.', '-' and more).
std::string QuoteMeta(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("\\.+*?()|[]{}^$").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// A YAML plain scalar when safe, else single-quoted.
std::string YamlScalar(const std::string& s) {
  const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return IsDigit(c) || IsAlpha(c) || c == '_' || c == '.';
  }) && !IsDigit(s[0]);
  if (plain) return s;
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

// Fills the series counts of `s`: one pass over the series, keeping the label sets left once
// s.drop is dropped and the time ranges of the series that end up sharing one.
util::Status MeasureDrop(const index::Reader& ix, const std::vector<index::SeriesRef>& refs,
                         LabelSuggestion& s) {
  std::unordered_map<std::string, std::vector<std::pair<int64_t, int64_t>>> merged;
  std::unordered_map<std::string, size_t> metrics;
  s.series = refs.size();
  std::string key;
  for (index::SeriesRef ref : refs) {
    PROMKIT_ASSIGN_OR_RETURN(index::SeriesEntry e, ix.Series(ref));
    key.clear();
    bool has = false;
    std::string_view metric;
    for (const auto& [name, value] : e.labels) {
      if (name == model::kMetricName) metric = value;
      if (std::find(s.drop.begin(), s.drop.end(), name) != s.drop.end()) {
        has = true;
        continue;
      }
      key.append(name);
      key += '\xff';
      key.append(value);
      key += '\xff';
    }
    if (has) {
      ++s.series_with_label;
      ++metrics[std::string(metric)];
    }
    auto& ranges = merged[key];
    if (!e.chunks.empty()) ranges.emplace_back(e.chunks.front().mint, e.chunks.back().maxt);
  }
  // Series without the labels keep distinct label sets of their own.
  s.series_after = merged.size() - (s.series - s.series_with_label);
  for (auto& [k, ranges] : merged) {
    if (ranges.size() < 2) continue;
    std::sort(ranges.begin(), ranges.end());
    int64_t end = ranges[0].second;
    for (size_t i = 1; i < ranges.size(); ++i) {
      if (ranges[i].first <= end) ++s.overlapping;
      end = std::max(end, ranges[i].second);
    }
  }
  std::vector<std::pair<std::string, size_t>> by_count(metrics.begin(), metrics.end());
  std::sort(by_count.begin(), by_count.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  for (auto& [m, n] : by_count) s.metrics.push_back(std::move(m));
  return util::Status::Ok();
}

}  // namespace

std::string_view ClassifyLabelValue(std::string_view v) {
  if (IsUuid(v)) return "UUID";
  if (IsIp(v)) return "IP address";
  if (IsUrl(v)) return "URL";
  if (v.size() > 1 && v[0] == '/') return "URL path";
  if (IsTimestamp(v)) return "timestamp";
  if (IsId(v)) return "ID";
  return "";
}

util::Result<std::vector<LabelSuggestion>> SuggestLabelDrops(
    const Block& block, std::span<const model::Matcher> matchers, size_t min_values) {
  const index::Reader& ix = block.index();
  std::vector<index::SeriesRef> refs;
  if (matchers.empty()) {
    PROMKIT_ASSIGN_OR_RETURN(refs, ix.AllPostings());
  } else {
    PROMKIT_ASSIGN_OR_RETURN(refs, PostingsForMatchers(ix, matchers));
  }
  // Distinct values per label name over the series analysed.
  std::map<std::string, std::map<std::string, size_t>, std::less<>> values;
  for (index::SeriesRef ref : refs) {
    PROMKIT_ASSIGN_OR_RETURN(index::SeriesEntry e, ix.Series(ref));
    for (const auto& [name, value] : e.labels) {
      if (name == model::kMetricName) continue;
      values[std::string(name)][std::string(value)]++;
    }
  }
  std::vector<LabelSuggestion> out;
  for (const auto& [name, vals] : values) {
    if (vals.size() < min_values) continue;
    std::map<std::string_view, size_t> kinds;
    for (const auto& [v, n] : vals) kinds[ClassifyLabelValue(v)]++;
    auto best = std::max_element(kinds.begin(), kinds.end(),
                                 [](const auto& a, const auto& b) { return a.second < b.second; });
    if (best->first.empty() || best->second * 10 < vals.size() * 9) continue;
    LabelSuggestion s;
    s.name = name;
    s.kind = std::string(best->first);
    s.values = vals.size();
    s.matching_values = best->second;
    for (const auto& [v, n] : vals) {
      if (s.examples.size() == 3) break;
      if (ClassifyLabelValue(v) == best->first) s.examples.push_back(v);
    }
    out.push_back(std::move(s));
  }
  if (out.empty()) return out;

  for (LabelSuggestion& s : out) {
    s.drop = {s.name};
    PROMKIT_RETURN_IF_ERROR(MeasureDrop(ix, refs, s));
  }
  std::sort(out.begin(), out.end(), [](const LabelSuggestion& a, const LabelSuggestion& b) {
    const size_t sa = a.series_with_label - a.series_after;
    const size_t sb = b.series_with_label - b.series_after;
    return sa != sb ? sa > sb : a.name < b.name;
  });
  if (out.size() > 1) {
    LabelSuggestion all;
    for (const LabelSuggestion& s : out) {
      all.name += (all.name.empty() ? "" : ", ") + s.name;
      all.drop.push_back(s.name);
    }
    PROMKIT_RETURN_IF_ERROR(MeasureDrop(ix, refs, all));
    out.push_back(std::move(all));
  }
  return out;
}

std::string RenderSuggestions(const std::vector<LabelSuggestion>& suggestions, size_t limit) {
  static const std::map<std::string_view, std::string_view> kPlural = {
      {"UUID", "UUIDs"},         {"IP address", "IP addresses"}, {"URL", "URLs"},
      {"URL path", "URL paths"}, {"timestamp", "timestamps"},    {"ID", "IDs"},
  };
  std::string out = "Label names that look like identifiers:\n";
  if (suggestions.empty()) return out + "none\n";
  size_t shown = 0;
  for (const LabelSuggestion& s : suggestions) {
    const bool combined = s.kind.empty();
    if (!combined && shown++ == limit) continue;
    std::string metrics;
    for (size_t m = 0; m < s.metrics.size() && m < 3; ++m) {
      metrics += (m == 0 ? "" : ", ") + s.metrics[m];
    }
    if (s.metrics.size() > 3) metrics += fmt::format(" and {} more", s.metrics.size() - 3);
    if (combined) {
      out += fmt::format("All of them ({}): on {} series of {}\n", s.name, s.series_with_label,
                         metrics);
    } else {
      std::string examples;
      for (const std::string& e : s.examples) {
        examples += fmt::format("{}\"{}\"", examples.empty() ? "" : ", ", e);
      }
      out += fmt::format("{}: {} values, {}% {} (e.g. {}), on {} series of {}\n", s.name, s.values,
                         s.matching_values * 100 / s.values, kPlural.at(s.kind), examples,
                         s.series_with_label, metrics);
    }
    const size_t fewer = s.series_with_label - s.series_after;
    if (fewer == 0) {
      out += fmt::format("  Dropping {} merges nothing: other labels keep these series apart.\n",
                         combined ? "them" : "it alone");
      continue;
    }
    out += fmt::format("  Dropping {} leaves {} of those series ({} fewer).\n",
                       combined ? "them" : "it", s.series_after, fewer);
    std::string regex;
    for (const std::string& n : s.drop) regex += (regex.empty() ? "" : "|") + QuoteMeta(n);
    out += "  metric_relabel_configs:\n";
    out += "    - action: labeldrop\n";
    out += fmt::format("      regex: {}\n", YamlScalar(regex));
    if (s.overlapping > 0) {
      std::string names;
      for (const std::string& m : s.metrics) names += (names.empty() ? "" : "|") + QuoteMeta(m);
      out += fmt::format(
          "  Warning: {} of them would then share their labels with another series at the same "
          "time, and Prometheus would reject those samples as duplicates. To drop {} instead:\n",
          s.overlapping, combined ? "those metrics" : "the series that carry " + s.name);
      if (combined) {
        out += "    - source_labels: [__name__]\n";
        out += fmt::format("      regex: {}\n", YamlScalar(names));
      } else {
        out += "    - source_labels: [__name__, " + YamlScalar(s.name) + "]\n";
        out += fmt::format("      regex: {}\n", YamlScalar("(" + names + ");.+"));
      }
      out += "      action: drop\n";
    }
  }
  return out;
}

}  // namespace promkit::tsdb

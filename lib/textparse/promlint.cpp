#include "textparse/promlint.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include <fmt/core.h>

#include "util/strings.h"

namespace promkit::textparse {
namespace {

struct UnitEntry {
  std::string_view unit;
  std::string_view base;
};

// Units promlint recognizes, each with the base unit it should be expressed in.
constexpr std::array<UnitEntry, 24> kUnits = {{
    {"amperes", "amperes"},    {"bytes", "bytes"},     {"celsius", "celsius"},
    {"grams", "grams"},        {"joules", "joules"},   {"kelvin", "kelvin"},
    {"meters", "meters"},      {"metres", "metres"},   {"seconds", "seconds"},
    {"volts", "volts"},        {"minutes", "seconds"}, {"hours", "seconds"},
    {"days", "seconds"},       {"weeks", "seconds"},   {"kelvins", "kelvin"},
    {"fahrenheit", "celsius"}, {"rankine", "celsius"}, {"inches", "meters"},
    {"yards", "meters"},       {"miles", "meters"},    {"bits", "bytes"},
    {"calories", "joules"},    {"pounds", "grams"},    {"ounces", "grams"},
}};

constexpr std::array<std::string_view, 18> kUnitPrefixes = {
    "pico", "nano", "micro", "milli", "centi", "deci", "deca", "hecto", "kilo",
    "kibi", "mega", "mibi",  "giga",  "gibi",  "tera", "tebi", "peta",  "pebi",
};

constexpr std::array<std::string_view, 14> kUnitAbbreviations = {
    "s", "ms", "us", "ns", "sec", "b", "kb", "mb", "gb", "tb", "pb", "m", "h", "d",
};

std::optional<std::string_view> BaseUnit(std::string_view unit) {
  for (const UnitEntry& e : kUnits) {
    if (e.unit == unit) return e.base;
  }
  return std::nullopt;
}

// The first piece of `name` (split on '_') that is a known unit, possibly with an SI/IEC
// prefix, and its base unit.
std::optional<std::pair<std::string_view, std::string_view>> MetricUnits(std::string_view name) {
  size_t start = 0;
  while (true) {
    size_t end = name.find('_', start);
    std::string_view piece =
        name.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (auto base = BaseUnit(piece)) return std::make_pair(piece, *base);
    for (std::string_view prefix : kUnitPrefixes) {
      if (piece.size() >= prefix.size() && piece.substr(0, prefix.size()) == prefix) {
        if (auto base = BaseUnit(piece.substr(prefix.size()))) return std::make_pair(piece, *base);
      }
    }
    if (end == std::string_view::npos) return std::nullopt;
    start = end + 1;
  }
}

bool HasSuffix(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Go's strings.ToLower for the ASCII names legacy validation admits; other bytes are kept.
std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Contains "_<word>_" or ends with "_<word>".
bool HasWordPart(std::string_view lower_name, std::string_view word) {
  std::string mid = fmt::format("_{}_", word);
  if (lower_name.find(mid) != std::string_view::npos) return true;
  return HasSuffix(lower_name, mid.substr(0, mid.size() - 1));
}

// The regular expression [a-z][A-Z] matches somewhere in s.
bool IsCamelCase(std::string_view s) {
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i - 1] >= 'a' && s[i - 1] <= 'z' && s[i] >= 'A' && s[i] <= 'Z') return true;
  }
  return false;
}

std::string_view LowerTypeName(FamilyType t) {
  switch (t) {
    case FamilyType::kCounter:
      return "counter";
    case FamilyType::kGauge:
      return "gauge";
    case FamilyType::kSummary:
      return "summary";
    case FamilyType::kUntyped:
      return "untyped";
    case FamilyType::kHistogram:
      return "histogram";
    case FamilyType::kGaugeHistogram:
      return "gauge_histogram";
  }
  return "untyped";
}

// How many metrics have an identical label list (same pairs, same order) further down the
// family: promlint reports "metric not unique" once for each.
size_t CountDuplicates(const ParsedFamilies& parsed, const MetricFamily& family) {
  if (family.metrics.size() < 2) return 0;
  std::unordered_map<std::string, uint32_t> seen;
  seen.reserve(family.metrics.size());
  std::string key;
  size_t dups = 0;
  for (uint32_t idx : family.metrics) {
    key.clear();
    // Names and values are valid UTF-8, which never contains 0xff: the key is unambiguous.
    for (const LabelPair& l : parsed.metric(idx).labels) {
      key += l.name;
      key += '\xff';
      key += l.value;
      key += '\xff';
    }
    if (seen[key]++ > 0) ++dups;
  }
  return dups;
}

}  // namespace

std::vector<Problem> LintFamily(const ParsedFamilies& parsed, const MetricFamily& family) {
  std::vector<Problem> problems;
  const std::string& name = family.name;
  auto add = [&](std::string text) { problems.push_back(Problem{name, std::move(text)}); };
  const FamilyType type = family.type();

  // Help text.
  if (!family.help) add("no help text");

  // Units.
  if (auto units = MetricUnits(name); units && units->first != units->second) {
    add(fmt::format("use base unit {} instead of {}", util::GoQuote(units->second),
                    util::GoQuote(units->first)));
  }

  // Counters and the _total suffix.
  const bool is_counter = type == FamilyType::kCounter;
  const bool is_untyped = type == FamilyType::kUntyped;
  const bool has_total = HasSuffix(name, "_total");
  if (is_counter && !has_total) {
    add("counter metrics should have \"_total\" suffix");
  } else if (!is_untyped && !is_counter && has_total) {
    add("non-counter metrics should not have \"_total\" suffix");
  }

  // Suffixes and labels reserved for histograms and summaries.
  if (!is_untyped) {
    const bool is_histogram = type == FamilyType::kHistogram;
    const bool is_summary = type == FamilyType::kSummary;
    if (!is_histogram && HasSuffix(name, "_bucket")) {
      add("non-histogram metrics should not have \"_bucket\" suffix");
    }
    if (!is_histogram && !is_summary && HasSuffix(name, "_count")) {
      add("non-histogram and non-summary metrics should not have \"_count\" suffix");
    }
    if (!is_histogram && !is_summary && HasSuffix(name, "_sum")) {
      add("non-histogram and non-summary metrics should not have \"_sum\" suffix");
    }
    for (uint32_t idx : family.metrics) {
      for (const LabelPair& l : parsed.metric(idx).labels) {
        if (!is_histogram && l.name == "le") {
          add("non-histogram metrics should not have \"le\" label");
        }
        if (!is_summary && l.name == "quantile") {
          add("non-summary metrics should not have \"quantile\" label");
        }
      }
    }
  }

  const std::string lower = AsciiLower(name);

  // The type's name inside the metric name.
  if (!is_untyped) {
    std::string_view type_name = LowerTypeName(type);
    if (HasWordPart(lower, type_name)) {
      add(fmt::format("metric name should not include type '{}'", type_name));
    }
  }

  // Reserved characters.
  if (name.find(':') != std::string::npos) add("metric names should not contain ':'");

  // camelCase in metric and label names.
  if (IsCamelCase(name)) add("metric names should be written in 'snake_case' not 'camelCase'");
  for (uint32_t idx : family.metrics) {
    for (const LabelPair& l : parsed.metric(idx).labels) {
      if (IsCamelCase(l.name)) {
        add("label names should be written in 'snake_case' not 'camelCase'");
      }
    }
  }

  // Abbreviated units.
  for (std::string_view abbreviation : kUnitAbbreviations) {
    if (HasWordPart(lower, abbreviation)) add("metric names should not contain abbreviated units");
  }

  // Duplicate series.
  for (size_t i = CountDuplicates(parsed, family); i > 0; --i) add("metric not unique");

  return problems;
}

std::vector<Problem> LintFamilies(const ParsedFamilies& parsed) {
  std::vector<Problem> problems;
  for (const MetricFamily& f : parsed.families) {
    std::vector<Problem> p = LintFamily(parsed, f);
    problems.insert(problems.end(), std::make_move_iterator(p.begin()),
                    std::make_move_iterator(p.end()));
  }
  std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
    if (a.metric != b.metric) return a.metric < b.metric;
    return a.text < b.text;
  });
  return problems;
}

util::Result<std::vector<Problem>> LintText(std::string_view text, TextParseErrorInfo* info) {
  PROMKIT_ASSIGN_OR_RETURN(ParsedFamilies parsed,
                           ParseTextFamilies(text, NameValidation::kLegacy, info));
  return LintFamilies(parsed);
}

}  // namespace promkit::textparse

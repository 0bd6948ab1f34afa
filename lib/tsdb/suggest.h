#pragma once
// promkit's `tsdb analyze --suggest`: label names whose values look like identifiers (UUIDs, IP
// addresses, URLs and paths, timestamps, long hex or numeric IDs), what dropping each would
// save, and a ready-to-paste metric_relabel_configs rule. Dropping a label merges the series
// that differ only in it; when two of those were written at the same time, Prometheus would
// reject one of their samples as a duplicate, so those cases are flagged with a rule that drops
// the affected series instead.
// Reads the block's index only (no chunks). Plain values; reentrant.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/matchers.h"
#include "tsdb/block.h"
#include "util/status.h"

namespace promkit::tsdb {

// What a label value looks like: "UUID", "IP address", "URL", "URL path", "timestamp", "ID",
// or "" when it looks like none of those.
std::string_view ClassifyLabelValue(std::string_view value);

struct LabelSuggestion {
  std::string name;               // the label; for the combined entry, the labels joined by ", "
  std::vector<std::string> drop;  // the labels the rule drops (one, or all for combined)
  std::string kind;               // as ClassifyLabelValue; "" for the combined entry
  size_t values = 0;              // distinct values
  size_t matching_values = 0;     // of which look like `kind`
  std::vector<std::string> examples;  // a few values, sorted
  std::vector<std::string> metrics;   // metric names of the series carrying it, most first
  size_t series = 0;                  // series analysed
  size_t series_with_label = 0;
  size_t series_after = 0;  // distinct series once the label is dropped
  // Series that would share their labels with another one over an overlapping time range.
  size_t overlapping = 0;
};

// Labels with at least `min_values` distinct values of which at least 90% look like one kind,
// most series saved first; when there are several, a last entry drops them all together.
util::Result<std::vector<LabelSuggestion>> SuggestLabelDrops(
    const Block& block, std::span<const model::Matcher> matchers, size_t min_values = 10);

// The report section, e.g.
//   Label names that look like identifiers:
//   request_id: 1523 values, 98% UUIDs (e.g. "0b1c...", ...), on 1600 series of http_requests_total
//     Dropping it leaves 102 of those series (1498 fewer).
//     metric_relabel_configs:
//       - action: labeldrop
//         regex: request_id
std::string RenderSuggestions(const std::vector<LabelSuggestion>& suggestions, size_t limit);

}  // namespace promkit::tsdb

#pragma once
// The OpenMetrics 1.0 text format parser (Content-Type application/openmetrics-text), behaving as
// upstream Prometheus 3.x's model/textparse OpenMetricsParser: same tokens, same accepted
// inputs, same error messages. Spec: https://prometheus.io/docs/specs/om/open_metrics_spec/
//
// What the format looks like, in short:
//   # HELP name text            # TYPE name counter|gauge|...     # UNIT name unit
//   name{label="value",...} 1.5 [timestamp-in-float-seconds] [# {ex="labels"} 2 [ts]]
//   {"utf-8.name",label="v"} 1
//   # EOF                       (mandatory, nothing may follow)
//
// Timestamps (of samples and exemplars) are float seconds and come out as int64 milliseconds,
// truncated toward zero. Counter, histogram and summary families may carry `_created` samples;
// CreatedTimestamp() finds the one that belongs to the current sample by scanning ahead within
// the family, as upstream does.
//
// Ownership: the input buffer belongs to the caller and must outlive the parser; the views the
// parser returns point into it (or into the parser's scratch) and stay valid until the next
// Next(). Thread-safety: none.

#include <memory>
#include <string_view>

#include "textparse/parser.h"

namespace promkit::textparse {

struct OpenMetricsOptions {
  // Do not return `<family>_created` samples of counters, histograms and summaries as series;
  // they then only feed CreatedTimestamp() (upstream's WithOMParserSTSeriesSkipped).
  bool skip_ct_series = false;
};

std::unique_ptr<Parser> NewOpenMetricsParser(std::string_view input,
                                             const OpenMetricsOptions& opts = {});

}  // namespace promkit::textparse

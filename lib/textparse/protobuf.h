#pragma once
// Parser for the Prometheus protobuf exposition format ("PrometheusProto", content type
// application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited),
// presented through the text-style Parser interface as upstream's textparse.ProtobufParser does.
//
// Input: MetricFamily messages (lib/textparse/metrics.proto), each preceded by its length as a
// varint. For every family with at least one metric the parser yields kHelp, kUnit (only when a
// unit is set), kType, then per metric:
//   counter, gauge, untyped   one kSeries named after the family;
//   summary                   <name>_count, <name>_sum, then <name>{quantile="q"} per quantile;
//   classic histogram         <name>_count, <name>_sum, <name>_bucket{le="b"} per bucket, and a
//                             final le="+Inf" bucket (valued _count) unless the input has one;
//   native histogram          one kHistogram named <name>; followed by the classic series above
//                             when parse_classic_histograms is set and classic buckets exist.
// A histogram counts as native when it has a span, a zero threshold or a zero count (upstream's
// rule; an empty native histogram must carry a zero-length span to be recognised).
// `le` and `quantile` values are formatted as OpenMetrics floats ("1.0", "0.25", "+Inf").
// A timestamp_ms or created timestamp of 0 counts as absent, as upstream.
//
// Errors: malformed wire data stops the parser with a message naming the message type, the
// problem and the byte offset (also in error_offset()); semantic problems (invalid names,
// unknown types, spans that do not match the buckets) use upstream's messages.
//
// The input is owned by the caller and must outlive the parser; string_views returned point
// into it or into the parser and are valid until the next Next(). Not thread-safe.

#include <memory>
#include <string_view>

#include "textparse/parser.h"

namespace promkit::textparse {

struct ProtobufOptions {
  // Also yield the classic series of histograms that have a native part.
  bool parse_classic_histograms = false;
  // Treat every histogram as classic, ignoring native parts (upstream's IgnoreNativeHistograms).
  bool ignore_native_histograms = false;
};

std::unique_ptr<Parser> NewProtobufParser(std::string_view input, const ProtobufOptions& opts = {});

}  // namespace promkit::textparse

#pragma once
// Content negotiation for scrapes, as upstream Prometheus 3.x does it: the scrape protocols a
// scrape config may list (config.ScrapeProtocol), the Accept header a scrape sends for them
// (scrape.acceptHeader), and the choice of parser from the Content-Type a target answers with
// (textparse.New), including the fallback protocol for targets that send none or a bad one.
// All functions are pure and thread-safe.

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "textparse/parser.h"
#include "util/status.h"

namespace promkit::textparse {

enum class ScrapeProtocol : uint8_t {
  kPrometheusProto,
  kOpenMetricsText1_0_0,
  kOpenMetricsText0_0_1,
  kPrometheusText1_0_0,
  kPrometheusText0_0_4,
};

// "PrometheusProto", "OpenMetricsText1.0.0", "OpenMetricsText0.0.1", "PrometheusText1.0.0",
// "PrometheusText0.0.4": the names scrape configs use.
std::string_view ScrapeProtocolName(ScrapeProtocol p);
// The exact, case-sensitive name; otherwise upstream's error
// "unknown scrape protocol <name>, supported: [<sorted names>]".
util::Result<ScrapeProtocol> ParseScrapeProtocol(std::string_view name);
// The full media type with parameters, e.g. "text/plain;version=0.0.4".
std::string_view ScrapeProtocolHeader(ScrapeProtocol p);
// The bare media type, e.g. "text/plain".
std::string_view ScrapeProtocolMediaType(ScrapeProtocol p);

// Proposed to targets in this order unless a config says otherwise.
inline constexpr ScrapeProtocol kDefaultScrapeProtocols[] = {
    ScrapeProtocol::kOpenMetricsText1_0_0,
    ScrapeProtocol::kOpenMetricsText0_0_1,
    ScrapeProtocol::kPrometheusText1_0_0,
    ScrapeProtocol::kPrometheusText0_0_4,
};
// The same preferring protobuf; used when native histograms are scraped.
inline constexpr ScrapeProtocol kDefaultProtoFirstScrapeProtocols[] = {
    ScrapeProtocol::kPrometheusProto,      ScrapeProtocol::kOpenMetricsText1_0_0,
    ScrapeProtocol::kOpenMetricsText0_0_1, ScrapeProtocol::kPrometheusText1_0_0,
    ScrapeProtocol::kPrometheusText0_0_4,
};

// The Accept header for `protocols` in order of preference: each protocol's header (the 1.0.0
// text formats with ";escaping=<escaping>"), then ";q=0.<w>" with w counting down from 6, and a
// final "*/*;q=0.<w>". `escaping` is the metric name escaping scheme ("allow-utf-8" under 3.x's
// default UTF-8 validation, or "underscores", "dots", "values").
std::string AcceptHeader(std::span<const ScrapeProtocol> protocols,
                         std::string_view escaping = "allow-utf-8");

// A media type as Go's mime.ParseMediaType reads it: the type lower-cased and trimmed, and the
// parameters with lower-cased names. Errors carry Go's messages ("mime: no media type", ...).
struct MediaType {
  std::string type;
  std::map<std::string, std::string> params;
};
util::Result<MediaType> ParseMediaType(std::string_view value);

struct NewParserOptions {
  // Used when the Content-Type is empty, unparsable or unsupported (upstream's
  // fallback_scrape_protocol); without it those cases fail.
  std::optional<ScrapeProtocol> fallback_protocol;
  // Protobuf: also yield the classic series of histograms that have a native part.
  bool parse_classic_histograms = false;
  // Protobuf: treat every histogram as classic.
  bool ignore_native_histograms = false;
  // OpenMetrics: do not yield `_created` series (they still feed CreatedTimestamp()).
  bool skip_openmetrics_ct_series = false;
  // Prometheus text: upstream's type-and-unit-labels feature.
  bool type_and_unit_labels = false;
};

// Chooses the parser for a scrape body by its Content-Type, as upstream's textparse.New:
// application/openmetrics-text -> OpenMetrics, application/vnd.google.protobuf -> protobuf,
// text/plain -> Prometheus text (parameters such as version are not consulted). When the
// fallback protocol had to be used, a parser is returned and *warning (if given) says why,
// e.g. `non-compliant scrape target sending blank Content-Type, using fallback_scrape_protocol
// "text/plain"`; without a fallback the same situations are errors. `body` must outlive the
// parser.
util::Result<std::unique_ptr<Parser>> NewParser(std::string_view content_type,
                                                std::string_view body, const NewParserOptions& opts,
                                                util::Status* warning = nullptr);

}  // namespace promkit::textparse

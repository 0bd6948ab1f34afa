#include "textparse/negotiate.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "textparse/metrics.pb.h"

namespace promkit::textparse {
namespace {

namespace pb = io::prometheus::client;

TEST(ScrapeProtocol, NamesHeadersAndParsing) {
  const std::tuple<ScrapeProtocol, std::string_view, std::string_view, std::string_view> cases[] = {
      {ScrapeProtocol::kPrometheusProto, "PrometheusProto",
       "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited",
       "application/vnd.google.protobuf"},
      {ScrapeProtocol::kOpenMetricsText1_0_0, "OpenMetricsText1.0.0",
       "application/openmetrics-text;version=1.0.0", "application/openmetrics-text"},
      {ScrapeProtocol::kOpenMetricsText0_0_1, "OpenMetricsText0.0.1",
       "application/openmetrics-text;version=0.0.1", "application/openmetrics-text"},
      {ScrapeProtocol::kPrometheusText1_0_0, "PrometheusText1.0.0", "text/plain;version=1.0.0",
       "text/plain"},
      {ScrapeProtocol::kPrometheusText0_0_4, "PrometheusText0.0.4", "text/plain;version=0.0.4",
       "text/plain"},
  };
  for (const auto& [p, name, header, media] : cases) {
    SCOPED_TRACE(name);
    EXPECT_EQ(ScrapeProtocolName(p), name);
    EXPECT_EQ(ScrapeProtocolHeader(p), header);
    EXPECT_EQ(ScrapeProtocolMediaType(p), media);
    auto parsed = ParseScrapeProtocol(name);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, p);
    // The header's media type is what ParseMediaType finds in it.
    auto mt = ParseMediaType(header);
    ASSERT_TRUE(mt.ok());
    EXPECT_EQ(mt->type, media);
  }
  for (std::string_view bad : {"prometheusproto", "OpenMetricsText2.0.0", ""}) {
    SCOPED_TRACE(bad);
    auto parsed = ParseScrapeProtocol(bad);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().ToString(),
              "unknown scrape protocol " + std::string(bad) +
                  ", supported: [OpenMetricsText0.0.1 OpenMetricsText1.0.0 PrometheusProto "
                  "PrometheusText0.0.4 PrometheusText1.0.0]");
  }
}

TEST(AcceptHeader, Table) {
  const ScrapeProtocol only_text[] = {ScrapeProtocol::kPrometheusText0_0_4};
  const ScrapeProtocol om_then_proto[] = {ScrapeProtocol::kOpenMetricsText1_0_0,
                                          ScrapeProtocol::kPrometheusProto};
  const std::tuple<std::string_view, std::span<const ScrapeProtocol>, std::string_view,
                   std::string_view>
      cases[] = {
          {"default", kDefaultScrapeProtocols, "allow-utf-8",
           "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,"
           "application/openmetrics-text;version=0.0.1;q=0.5,"
           "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,"
           "text/plain;version=0.0.4;q=0.3,*/*;q=0.2"},
          {"default, underscores", kDefaultScrapeProtocols, "underscores",
           "application/openmetrics-text;version=1.0.0;escaping=underscores;q=0.6,"
           "application/openmetrics-text;version=0.0.1;q=0.5,"
           "text/plain;version=1.0.0;escaping=underscores;q=0.4,"
           "text/plain;version=0.0.4;q=0.3,*/*;q=0.2"},
          {"proto first, dots", kDefaultProtoFirstScrapeProtocols, "dots",
           "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
           "encoding=delimited;q=0.6,"
           "application/openmetrics-text;version=1.0.0;escaping=dots;q=0.5,"
           "application/openmetrics-text;version=0.0.1;q=0.4,"
           "text/plain;version=1.0.0;escaping=dots;q=0.3,"
           "text/plain;version=0.0.4;q=0.2,*/*;q=0.1"},
          {"one", only_text, "allow-utf-8", "text/plain;version=0.0.4;q=0.6,*/*;q=0.5"},
          {"custom order", om_then_proto, "allow-utf-8",
           "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,"
           "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
           "encoding=delimited;q=0.5,*/*;q=0.4"},
          {"none", {}, "allow-utf-8", "*/*;q=0.6"},
      };
  for (const auto& [name, protocols, escaping, want] : cases) {
    SCOPED_TRACE(name);
    EXPECT_EQ(AcceptHeader(protocols, escaping), want);
  }
  EXPECT_EQ(AcceptHeader(kDefaultScrapeProtocols), std::get<3>(cases[0]));
}

TEST(ParseMediaType, Table) {
  struct Case {
    std::string_view in;
    std::string_view type;  // empty: error
    std::string_view err;
    std::vector<std::pair<std::string, std::string>> params;
  };
  const Case cases[] = {
      {"text/plain", "text/plain", "", {}},
      {" Text/Plain ; Version=0.0.4", "text/plain", "", {{"version", "0.0.4"}}},
      {"text", "text", "", {}},
      {"text/plain;", "text/plain", "", {}},
      {"text/plain; charset=\"utf\\\"8\"", "text/plain", "", {{"charset", "utf\"8"}}},
      {"application/openmetrics-text; version=1.0.0; charset=utf-8",
       "application/openmetrics-text",
       "",
       {{"charset", "utf-8"}, {"version", "1.0.0"}}},
      {"", "", "mime: no media type", {}},
      {"/", "", "mime: no media type", {}},
      {"invalid/", "", "mime: expected token after slash", {}},
      {"invalid/invalid/invalid", "", "mime: unexpected content after media subtype", {}},
      {"text plain", "", "mime: expected slash after first token", {}},
      {"text/plain; version", "", "mime: invalid media parameter", {}},
      {"text/plain; a=\"unterminated", "", "mime: invalid media parameter", {}},
      {"application/openmetrics-text; charset=UTF-8; charset=utf-8",
       "",
       "mime: duplicate parameter name",
       {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    auto got = ParseMediaType(c.in);
    if (c.type.empty()) {
      ASSERT_FALSE(got.ok());
      EXPECT_EQ(got.status().ToString(), c.err);
      continue;
    }
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->type, c.type);
    using Params = std::vector<std::pair<std::string, std::string>>;
    Params params(got->params.begin(), got->params.end());
    EXPECT_EQ(params, c.params);
  }
}

// Which parser NewParser chose, told apart by how each reads the same body: a Prometheus
// text sample without "# EOF" is fine as text, an error for OpenMetrics, and garbage as protobuf.
std::string Kind(Parser& p) {
  while (p.Next()) {
  }
  if (p.Err().ok()) return "promtext";
  if (p.Err().ToString().rfind("clientpb:", 0) == 0) return "protobuf";
  return "openmetrics";
}

TEST(NewParser, Table) {
  constexpr std::string_view kBody = "a 1\n";
  struct Case {
    std::string_view name;
    std::string_view content_type;
    std::optional<ScrapeProtocol> fallback;
    std::string_view want;  // parser kind, or "" when no parser is returned
    std::string_view err;   // error, or warning when a parser is returned
  };
  const Case cases[] = {
      {"blank", "", std::nullopt, "",
       "non-compliant scrape target sending blank Content-Type and no fallback_scrape_protocol "
       "specified for target"},
      {"blank, fallback", "", ScrapeProtocol::kPrometheusText0_0_4, "promtext",
       "non-compliant scrape target sending blank Content-Type, using fallback_scrape_protocol "
       "\"text/plain\""},
      {"unparsable", "invalid/", std::nullopt, "",
       "cannot parse Content-Type \"invalid/\" and no fallback_scrape_protocol for target\n"
       "mime: expected token after slash"},
      {"unparsable, fallback text", "invalid/", ScrapeProtocol::kPrometheusText0_0_4, "promtext",
       "could not parse received Content-Type \"invalid/\", using fallback_scrape_protocol "
       "\"text/plain\"\nmime: expected token after slash"},
      {"unparsable, fallback OpenMetrics", "invalid/", ScrapeProtocol::kOpenMetricsText0_0_1,
       "openmetrics",
       "could not parse received Content-Type \"invalid/\", using fallback_scrape_protocol "
       "\"application/openmetrics-text\"\nmime: expected token after slash"},
      {"unparsable, fallback protobuf", "invalid/", ScrapeProtocol::kPrometheusProto, "protobuf",
       "could not parse received Content-Type \"invalid/\", using fallback_scrape_protocol "
       "\"application/vnd.google.protobuf\"\nmime: expected token after slash"},
      {"three parts", "invalid/invalid/invalid", std::nullopt, "",
       "cannot parse Content-Type \"invalid/invalid/invalid\" and no fallback_scrape_protocol for "
       "target\nmime: unexpected content after media subtype"},
      {"no media type, fallback", "/", ScrapeProtocol::kPrometheusText1_0_0, "promtext",
       "could not parse received Content-Type \"/\", using fallback_scrape_protocol "
       "\"text/plain\"\nmime: no media type"},
      {"duplicate parameter", "application/openmetrics-text; charset=UTF-8; charset=utf-8",
       std::nullopt, "",
       "cannot parse Content-Type \"application/openmetrics-text; charset=UTF-8; charset=utf-8\" "
       "and no fallback_scrape_protocol for target\nmime: duplicate parameter name"},
      {"unsupported", "application/json", std::nullopt, "",
       "received unsupported Content-Type \"application/json\" and no fallback_scrape_protocol "
       "specified for target"},
      {"unsupported, fallback", "application/json", ScrapeProtocol::kOpenMetricsText1_0_0,
       "openmetrics",
       "received unsupported Content-Type \"application/json\", using fallback_scrape_protocol "
       "\"application/openmetrics-text\""},
      {"openmetrics", "application/openmetrics-text", std::nullopt, "openmetrics", ""},
      {"openmetrics with charset", "application/openmetrics-text; charset=utf-8", std::nullopt,
       "openmetrics", ""},
      {"openmetrics with version", "application/openmetrics-text; version=1.0.0; charset=utf-8",
       ScrapeProtocol::kPrometheusProto, "openmetrics", ""},
      {"text", "text/plain", std::nullopt, "promtext", ""},
      {"text with version", "text/plain; version=0.0.4", std::nullopt, "promtext", ""},
      {"text, upper case", "Text/Plain; Version=1.0.0", std::nullopt, "promtext", ""},
      {"protobuf", "application/vnd.google.protobuf", std::nullopt, "protobuf", ""},
      {"protobuf with parameters",
       "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; "
       "encoding=delimited",
       std::nullopt, "protobuf", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    NewParserOptions opts;
    opts.fallback_protocol = c.fallback;
    util::Status warning = util::Status::Internal("untouched");
    auto got = NewParser(c.content_type, kBody, opts, &warning);
    if (c.want.empty()) {
      ASSERT_FALSE(got.ok());
      EXPECT_EQ(got.status().ToString(), c.err);
      continue;
    }
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(Kind(**got), c.want);
    EXPECT_EQ(warning.ok() ? "" : warning.ToString(), c.err);
  }
}

TEST(NewParser, PassesOptionsToTheProtobufParser) {
  // One native histogram that also has a classic bucket: with parse_classic_histograms the
  // classic series follow the native one.
  pb::MetricFamily mf;
  mf.set_name("h");
  mf.set_type(pb::HISTOGRAM);
  pb::Histogram* h = mf.add_metric()->mutable_histogram();
  h->set_sample_count(1);
  pb::Bucket* b = h->add_bucket();
  b->set_cumulative_count(1);
  b->set_upper_bound(1);
  pb::BucketSpan* span = h->add_positive_span();
  span->set_length(1);
  h->add_positive_delta(1);
  std::string bytes = mf.SerializeAsString();
  std::string body(1, static_cast<char>(bytes.size()));
  body += bytes;
  auto count = [&](bool classic) {
    NewParserOptions opts;
    opts.parse_classic_histograms = classic;
    auto p = NewParser("application/vnd.google.protobuf", body, opts);
    EXPECT_TRUE(p.ok());
    int n = 0;
    while ((*p)->Next()) ++n;
    EXPECT_TRUE((*p)->Err().ok()) << (*p)->Err().ToString();
    return n;
  };
  EXPECT_EQ(count(false), 3);  // HELP, TYPE, histogram
  EXPECT_EQ(count(true), 7);   // + _count, _sum, le="1.0", le="+Inf"
}

}  // namespace
}  // namespace promkit::textparse

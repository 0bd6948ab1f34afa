#include "textparse/negotiate.h"

#include <algorithm>
#include <array>
#include <vector>

#include <fmt/core.h>

#include "textparse/openmetrics.h"
#include "textparse/promtext.h"
#include "textparse/protobuf.h"
#include "util/strings.h"

namespace promkit::textparse {
namespace {

struct ProtocolInfo {
  ScrapeProtocol protocol;
  std::string_view name;
  std::string_view header;
  std::string_view media_type;
  bool escaping;  // the header carries the escaping parameter (the 1.0.0 text formats)
};

constexpr std::array<ProtocolInfo, 5> kProtocols = {{
    {ScrapeProtocol::kPrometheusProto, "PrometheusProto",
     "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited",
     "application/vnd.google.protobuf", false},
    {ScrapeProtocol::kOpenMetricsText1_0_0, "OpenMetricsText1.0.0",
     "application/openmetrics-text;version=1.0.0", "application/openmetrics-text", true},
    {ScrapeProtocol::kOpenMetricsText0_0_1, "OpenMetricsText0.0.1",
     "application/openmetrics-text;version=0.0.1", "application/openmetrics-text", false},
    {ScrapeProtocol::kPrometheusText1_0_0, "PrometheusText1.0.0", "text/plain;version=1.0.0",
     "text/plain", true},
    {ScrapeProtocol::kPrometheusText0_0_4, "PrometheusText0.0.4", "text/plain;version=0.0.4",
     "text/plain", false},
}};

const ProtocolInfo& Info(ScrapeProtocol p) {
  for (const ProtocolInfo& i : kProtocols) {
    if (i.protocol == p) return i;
  }
  PROMKIT_CHECK(false) << "BUG: unknown ScrapeProtocol " << static_cast<int>(p);
  return kProtocols[0];
}

// RFC 1521 tokens as Go's mime package defines them.
bool IsTSpecial(char c) {
  return std::string_view(R"(()<>@,;:\"/[]?=)").find(c) != std::string_view::npos;
}
bool IsTokenChar(char c) {
  auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7f && !IsTSpecial(c);
}
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}
std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  return s;
}
std::string_view Trim(std::string_view s) {
  s = TrimLeft(s);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}
std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Splits the leading token off `v`; an empty token when `v` does not start with one.
std::string_view ConsumeToken(std::string_view* v) {
  size_t n = 0;
  while (n < v->size() && IsTokenChar((*v)[n])) ++n;
  std::string_view tok = v->substr(0, n);
  v->remove_prefix(n);
  return tok;
}

// A token or a quoted string (backslash escapes only before tspecials, as Go). False when
// there is none.
bool ConsumeValue(std::string_view* v, std::string* value) {
  value->clear();
  if (v->empty()) return false;
  if (v->front() != '"') {
    std::string_view tok = ConsumeToken(v);
    value->assign(tok);
    return !tok.empty();
  }
  for (size_t i = 1; i < v->size(); ++i) {
    char c = (*v)[i];
    if (c == '"') {
      v->remove_prefix(i + 1);
      return true;
    }
    if (c == '\\' && i + 1 < v->size() && IsTSpecial((*v)[i + 1])) {
      value->push_back((*v)[++i]);
      continue;
    }
    if (c == '\r' || c == '\n') return false;
    value->push_back(c);
  }
  return false;  // no closing quote
}

// "; name=value"; false (and `v` untouched) when `v` does not start with one.
bool ConsumeParam(std::string_view* v, std::string* name, std::string* value) {
  std::string_view rest = TrimLeft(*v);
  if (rest.empty() || rest.front() != ';') return false;
  rest = TrimLeft(rest.substr(1));
  std::string_view key = ConsumeToken(&rest);
  if (key.empty()) return false;
  rest = TrimLeft(rest);
  if (rest.empty() || rest.front() != '=') return false;
  rest = TrimLeft(rest.substr(1));
  if (!ConsumeValue(&rest, value)) return false;
  *name = Lower(key);
  *v = rest;
  return true;
}

util::Status MediaTypeError(std::string_view msg) {
  return util::Status::InvalidArgument(std::string(msg));
}

}  // namespace

std::string_view ScrapeProtocolName(ScrapeProtocol p) { return Info(p).name; }
std::string_view ScrapeProtocolHeader(ScrapeProtocol p) { return Info(p).header; }
std::string_view ScrapeProtocolMediaType(ScrapeProtocol p) { return Info(p).media_type; }

util::Result<ScrapeProtocol> ParseScrapeProtocol(std::string_view name) {
  for (const ProtocolInfo& i : kProtocols) {
    if (i.name == name) return i.protocol;
  }
  std::vector<std::string_view> names;
  for (const ProtocolInfo& i : kProtocols) names.push_back(i.name);
  std::sort(names.begin(), names.end());
  std::string list;
  for (std::string_view n : names) {
    if (!list.empty()) list += ' ';
    list += n;
  }
  return util::Status::InvalidArgument(
      fmt::format("unknown scrape protocol {}, supported: [{}]", name, list));
}

std::string AcceptHeader(std::span<const ScrapeProtocol> protocols, std::string_view escaping) {
  // Weights start one above the number of known protocols, so the best gets q=0.6.
  int weight = static_cast<int>(kProtocols.size()) + 1;
  std::string out;
  for (ScrapeProtocol p : protocols) {
    const ProtocolInfo& i = Info(p);
    out += i.header;
    if (i.escaping) out += fmt::format(";escaping={}", escaping);
    out += fmt::format(";q=0.{},", weight);
    --weight;
  }
  out += fmt::format("*/*;q=0.{}", weight);
  return out;
}

util::Result<MediaType> ParseMediaType(std::string_view value) {
  MediaType mt;
  std::string_view base = value.substr(0, value.find(';'));
  mt.type = Lower(Trim(base));
  std::string_view t = mt.type;
  if (ConsumeToken(&t).empty()) return MediaTypeError("mime: no media type");
  if (!t.empty()) {
    if (t.front() != '/') return MediaTypeError("mime: expected slash after first token");
    t.remove_prefix(1);
    if (ConsumeToken(&t).empty()) return MediaTypeError("mime: expected token after slash");
    if (!t.empty()) return MediaTypeError("mime: unexpected content after media subtype");
  }
  std::string_view rest = value.substr(base.size());
  std::string name, val;
  while (!rest.empty()) {
    rest = TrimLeft(rest);
    if (rest.empty()) break;
    if (!ConsumeParam(&rest, &name, &val)) {
      if (Trim(rest) == ";") break;  // a trailing semicolon is tolerated
      return MediaTypeError("mime: invalid media parameter");
    }
    if (!mt.params.emplace(name, val).second) {
      return MediaTypeError("mime: duplicate parameter name");
    }
  }
  return mt;
}

util::Result<std::unique_ptr<Parser>> NewParser(std::string_view content_type,
                                                std::string_view body, const NewParserOptions& opts,
                                                util::Status* warning) {
  // Upstream's extractMediaType: which media type to parse as, and what to warn about.
  std::string fallback;
  if (opts.fallback_protocol) fallback = ScrapeProtocolMediaType(*opts.fallback_protocol);
  std::string media_type;
  util::Status problem;
  if (content_type.empty()) {
    if (fallback.empty()) {
      return util::Status::InvalidArgument(
          "non-compliant scrape target sending blank Content-Type and no "
          "fallback_scrape_protocol specified for target");
    }
    media_type = fallback;
    problem = util::Status::InvalidArgument(
        fmt::format("non-compliant scrape target sending blank Content-Type, using "
                    "fallback_scrape_protocol {}",
                    util::GoQuote(fallback)));
  } else if (auto parsed = ParseMediaType(content_type); !parsed.ok()) {
    // Go's errors.Join: the two messages on separate lines.
    if (fallback.empty()) {
      return util::Status::InvalidArgument(
          fmt::format("cannot parse Content-Type {} and no fallback_scrape_protocol for target\n{}",
                      util::GoQuote(content_type), parsed.status().message()));
    }
    media_type = fallback;
    problem = util::Status::InvalidArgument(fmt::format(
        "could not parse received Content-Type {}, using fallback_scrape_protocol {}\n{}",
        util::GoQuote(content_type), util::GoQuote(fallback), parsed.status().message()));
  } else if (parsed->type == "application/openmetrics-text" ||
             parsed->type == "application/vnd.google.protobuf" || parsed->type == "text/plain") {
    media_type = parsed->type;
  } else if (fallback.empty()) {
    return util::Status::InvalidArgument(
        fmt::format("received unsupported Content-Type {} and no fallback_scrape_protocol "
                    "specified for target",
                    util::GoQuote(content_type)));
  } else {
    media_type = fallback;
    problem = util::Status::InvalidArgument(
        fmt::format("received unsupported Content-Type {}, using fallback_scrape_protocol {}",
                    util::GoQuote(content_type), util::GoQuote(fallback)));
  }
  if (warning != nullptr) *warning = problem;

  if (media_type == "application/openmetrics-text") {
    OpenMetricsOptions o;
    o.skip_ct_series = opts.skip_openmetrics_ct_series;
    return NewOpenMetricsParser(body, o);
  }
  if (media_type == "application/vnd.google.protobuf") {
    ProtobufOptions o;
    o.parse_classic_histograms = opts.parse_classic_histograms;
    o.ignore_native_histograms = opts.ignore_native_histograms;
    return NewProtobufParser(body, o);
  }
  PromTextOptions o;
  o.type_and_unit_labels = opts.type_and_unit_labels;
  return NewPromTextParser(body, o);
}

}  // namespace promkit::textparse

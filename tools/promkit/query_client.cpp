// The server form of `query`: requests as client_golang's v1 API client makes them (form POST
// with a GET fallback, url.Values encoding, path joining) and its reading of responses and
// errors, so promkit prints what promtool prints.
#include "query_client.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "model/labels.h"
#include "util/duration.h"
#include "util/file.h"
#include "util/numbers.h"
#include "util/strings.h"
#include "util/timestamp.h"

namespace promkit::cli {

using promql::ApiDataKind;
using promql::ApiResponse;
using promql::ValueKind;

namespace {}  // namespace

constexpr int64_t kNsPerSec = 1000000000;
constexpr int64_t kNsPerMilli = 1000000;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// promtool's parseTime (Unix seconds through strconv.ParseFloat split as time.Unix does, else
// RFC 3339), plus promkit's relative forms "now", "now-1h", "now+30m" (Prometheus durations).
util::Result<int64_t> ParseCliTime(std::string_view s, int64_t now_ns) {
  auto bad = [s] {
    return util::Status::InvalidArgument(
        fmt::format("cannot parse {} to a valid timestamp", util::GoQuote(s)));
  };
  if (util::Result<double> f = util::ParseFloat(s); f.ok()) {
    double whole = 0;
    const double frac = std::modf(*f, &whole);
    if (!std::isfinite(*f) || std::fabs(whole) >= 9.2e9) return bad();
    return static_cast<int64_t>(whole) * kNsPerSec + static_cast<int64_t>(frac * 1e9);
  }
  if (util::Result<int64_t> ms = util::ParseRfc3339(s); ms.ok()) {
    if (std::llabs(*ms) >= std::numeric_limits<int64_t>::max() / kNsPerMilli) return bad();
    return *ms * kNsPerMilli;
  }
  if (s.substr(0, 3) == "now") {
    std::string_view rest = s.substr(3);
    if (rest.empty()) return now_ns;
    if (rest[0] == '+' || rest[0] == '-') {
      util::Result<int64_t> d = util::ParseDuration(rest.substr(1));
      if (d.ok() && *d < std::numeric_limits<int64_t>::max() / kNsPerMilli) {
        return rest[0] == '+' ? now_ns + *d * kNsPerMilli : now_ns - *d * kNsPerMilli;
      }
    }
  }
  return bad();
}

// client_golang's formatTime: seconds with the nanoseconds as a fraction.
std::string FormatApiTime(int64_t ns) {
  int64_t sec = ns / kNsPerSec;
  int64_t nsec = ns % kNsPerSec;
  if (nsec < 0) {
    --sec;
    nsec += kNsPerSec;
  }
  return util::FormatFloat(static_cast<double>(sec) + static_cast<double>(nsec) / 1e9, 'f', -1);
}

// Go's Duration.Seconds() printed as client_golang sends a step.
std::string FormatApiStep(int64_t ns) {
  const double secs =
      static_cast<double>(ns / kNsPerSec) + static_cast<double>(ns % kNsPerSec) / 1e9;
  return util::FormatFloat(secs, 'f', -1);
}

// Go's url.PathEscape-like escaping of one path segment spliced into a path (url.URL's
// EscapedPath keeps '/' and sub-delimiters).
std::string PathEscape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) ||
        std::string_view("-_.~$&+,/:;=@").find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// The scheme of a URL as Go's url.Parse finds it ("" when there is none).
std::string UrlScheme(std::string_view u) {
  for (size_t i = 0; i < u.size(); ++i) {
    const char c = u[i];
    if (std::isalpha(static_cast<unsigned char>(c))) continue;
    if (i > 0 && (std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.'))
      continue;
    if (c == ':' && i > 0) return std::string(u.substr(0, i));
    return "";
  }
  return "";
}

// kingpin's URL flag value check (url.Parse's errors for what users mistype).
std::string CheckServerUrl(const std::string& u) {
  for (unsigned char c : u) {
    if (c < 0x20 || c == 0x7f) {
      return fmt::format("invalid URL: parse {}: net/url: invalid control character in URL",
                         util::GoQuote(u));
    }
  }
  if (!u.empty() && u[0] == ':') {
    return fmt::format("invalid URL: parse {}: missing protocol scheme", util::GoQuote(u));
  }
  if (UrlScheme(u).empty()) {
    const size_t colon = u.find(':');
    if (colon != std::string::npos && colon < u.find('/')) {
      return fmt::format("invalid URL: parse {}: first path segment in URL cannot contain colon",
                         util::GoQuote(u));
    }
  }
  return "";
}

std::string NormalizeServerUrl(std::string& url) {
  if (std::string err = CheckServerUrl(url); !err.empty()) return err;
  if (UrlScheme(url).empty()) url = "http://" + url;
  return "";
}

namespace {

// The endpoint's URL: the server URL's path joined with `path` (path.Join), its query kept.
std::string ApiUrl(const std::string& server, std::string_view path) {
  std::string base = server;
  std::string query;
  if (size_t hash = base.find('#'); hash != std::string::npos) base.resize(hash);
  if (size_t q = base.find('?'); q != std::string::npos) {
    query = base.substr(q);
    base.resize(q);
  }
  const size_t scheme_end = base.find("://");
  const size_t path_start =
      scheme_end == std::string::npos ? std::string::npos : base.find('/', scheme_end + 3);
  std::string prefix = path_start == std::string::npos ? base : base.substr(0, path_start);
  std::string p = path_start == std::string::npos ? "" : base.substr(path_start);
  while (!p.empty() && p.back() == '/') p.pop_back();
  return prefix + p + std::string(path) + query;
}

// Skips one JSON value starting at s[i] (valid JSON assumed); returns the index after it.
size_t SkipJsonValue(std::string_view s, size_t i) {
  int depth = 0;
  bool in_string = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
        if (depth == 0) return i + 1;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
      if (depth < 0) return i;
    } else if (depth == 0 && (c == ',' || c == ' ' || c == '\n' || c == '\t' || c == '\r')) {
      return i;
    }
  }
  return i;
}

// The raw bytes of the top-level member `key` of a JSON object (valid JSON assumed).
std::string RawMember(std::string_view s, std::string_view key) {
  size_t i = s.find('{');
  if (i == std::string_view::npos) return "";
  ++i;
  while (i < s.size()) {
    while (i < s.size() && s[i] != '"') {
      if (s[i] == '}') return "";
      ++i;
    }
    const size_t key_end = SkipJsonValue(s, i);
    const std::string_view k = s.substr(i, key_end - i);
    i = s.find(':', key_end);
    if (i == std::string_view::npos) return "";
    ++i;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r')) ++i;
    const size_t value_end = SkipJsonValue(s, i);
    if (nlohmann::json::parse(k, nullptr, false) == std::string(key)) {
      return std::string(s.substr(i, value_end - i));
    }
    i = value_end;
    while (i < s.size() && s[i] != ',' && s[i] != '}') ++i;
    if (i < s.size() && s[i] == '}') return "";
    ++i;
  }
  return "";
}

std::vector<std::string> StringList(const nlohmann::json& j) {
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& v : j) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

// client_golang's apiClientImpl.Do on one response.
void ReadApiResponse(const scrape::FetchResponse& resp, ServerReply& out) {
  const int code = resp.status_code;
  const bool api_error = code == 400 || code == 422;
  if (code / 100 != 2 && !api_error) {
    out.error_type = code / 100 == 4   ? "client_error"
                     : code / 100 == 5 ? "server_error"
                                       : "bad_response";
    out.error = code / 100 == 4   ? fmt::format("client error: {}", code)
                : code / 100 == 5 ? fmt::format("server error: {}", code)
                                  : fmt::format("bad response code {}", code);
    out.detail = resp.body;
    return;
  }
  if (code == 204) return;
  nlohmann::json body = nlohmann::json::parse(resp.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    out.error_type = "bad_response";
    out.error = "response body is not a JSON object";
    return;
  }
  const std::string status = body.value("status", "");
  if (api_error && status == "success") {
    out.error_type = "bad_response";
    out.error = "inconsistent body for response code";
  }
  if (status == "error") {
    out.error_type = body.value("errorType", "");
    out.error = body.value("error", "");
  }
  if (body.contains("warnings")) out.warnings = StringList(body["warnings"]);
  if (body.contains("infos")) out.infos = StringList(body["infos"]);
  out.data = RawMember(resp.body, "data");
  if (body.contains("data") && body["data"].is_object() && body["data"].contains("stats")) {
    nlohmann::ordered_json stats =
        nlohmann::ordered_json::parse(RawMember(out.data, "stats"), nullptr, false);
    if (!stats.is_discarded()) out.stats_json = stats.dump();
  }
}

}  // namespace

ServerReply CallServer(const scrape::FetchOptions& base, const std::string& server,
                       const ServerCall& call) {
  ServerReply out;
  const std::string scheme = UrlScheme(server);
  const std::string method = call.post_with_fallback ? "Post" : "Get";
  std::string url = ApiUrl(server, call.path);
  if (scheme != "http" && scheme != "https") {
    // Go's client refuses before connecting; an opaque URL ("host:port") prints as given.
    const bool opaque = server.compare(scheme.size(), 3, "://") != 0;
    out.transport = fmt::format("{} \"{}\": unsupported protocol scheme \"{}\"", method,
                                opaque ? server : url, scheme);
    return out;
  }
  const std::string encoded = util::UrlValuesEncode(call.params);
  scrape::FetchOptions o = base;
  o.any_status = true;
  o.scrape_timeout_header = false;
  o.accept = "application/json";
  if (call.post_with_fallback) {
    o.url = url;
    o.method = "POST";
    o.request_body = encoded;
    o.request_content_type = "application/x-www-form-urlencoded";
  } else {
    o.url = url + (url.find('?') == std::string::npos ? "?" : "&") + encoded;
  }
  util::Result<scrape::FetchResponse> resp = scrape::Fetch(o);
  if (resp.ok() && call.post_with_fallback &&
      (resp->status_code == 403 || resp->status_code == 405 || resp->status_code == 501)) {
    o.method = "GET";
    o.request_body.clear();
    o.request_content_type.clear();
    std::string get_url = url.substr(0, url.find('?'));
    o.url = get_url + "?" + encoded;
    resp = scrape::Fetch(o);
  }
  if (!resp.ok()) {
    out.transport = std::string(resp.status().message());
    return out;
  }
  ReadApiResponse(*resp, out);
  return out;
}

namespace {

// json-iterator's ReportError text for a decoder failing at the end of `buf`.
std::string JsoniterError(std::string_view op, std::string_view msg, std::string_view buf) {
  const size_t head = buf.size();
  const size_t peek = head >= 10 ? head - 10 : 0;
  const size_t ctx = head >= 50 ? head - 50 : 0;
  return fmt::format("{}: {}, error found in #{} byte of ...|{}|..., bigger context ...|{}|...", op,
                     msg, head - peek, buf.substr(peek), buf.substr(ctx));
}

util::Result<int64_t> JsonTimestamp(const nlohmann::json& j) {
  if (j.is_number_integer()) return j.get<int64_t>() * 1000;
  if (j.is_number()) return static_cast<int64_t>(std::llround(j.get<double>() * 1000));
  return util::Status::InvalidArgument("timestamp is not a number");
}

util::Result<double> JsonSampleValue(const nlohmann::json& j) {
  if (!j.is_string()) return util::Status::InvalidArgument("sample value must be a quoted string");
  return util::ParseFloat(j.get<std::string>());
}

util::Result<model::Labels> JsonLabels(const nlohmann::json& j) {
  if (!j.is_object()) return util::Status::InvalidArgument("label set is not an object");
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& [k, v] : j.items()) {
    if (!v.is_string()) return util::Status::InvalidArgument("label value is not a string");
    pairs.emplace_back(k, v.get<std::string>());
  }
  return model::Labels::FromPairs(std::move(pairs));
}

util::Result<std::pair<int64_t, double>> JsonPair(const nlohmann::json& j) {
  if (!j.is_array() || j.size() != 2) {
    return util::Status::InvalidArgument("sample is not a [time, value] pair");
  }
  PROMKIT_ASSIGN_OR_RETURN(int64_t t, JsonTimestamp(j[0]));
  PROMKIT_ASSIGN_OR_RETURN(double v, JsonSampleValue(j[1]));
  return std::make_pair(t, v);
}

util::Status NoHistograms(const nlohmann::json& j) {
  if (j.contains("histogram") || j.contains("histograms")) {
    return util::Status::InvalidArgument("native histogram samples are not supported yet");
  }
  return util::Status::Ok();
}

}  // namespace

// Reads the API's `data` for `ep` into `r`. In promtool mode a string result fails as
// client_golang fails on it.
util::Status DecodeData(QueryEndpoint ep, const std::string& raw, Mode mode, ApiResponse& r) {
  nlohmann::json data = nlohmann::json::parse(raw, nullptr, false);
  if (data.is_discarded()) return util::Status::InvalidArgument("response data is not JSON");
  if (ep == QueryEndpoint::kSeries) {
    r.kind = ApiDataKind::kSeries;
    if (!data.is_array()) return util::Status::InvalidArgument("series data is not a list");
    for (const auto& ls : data) {
      PROMKIT_ASSIGN_OR_RETURN(model::Labels labels, JsonLabels(ls));
      r.series.push_back(std::move(labels));
    }
    return util::Status::Ok();
  }
  if (ep == QueryEndpoint::kLabels) {
    r.kind = ApiDataKind::kStrings;
    if (!data.is_array()) return util::Status::InvalidArgument("label values are not a list");
    r.strings = StringList(data);
    return util::Status::Ok();
  }
  r.kind = ApiDataKind::kQuery;
  const std::string type = data.value("resultType", "");
  const nlohmann::json& result = data["result"];
  if (type == "scalar") {
    PROMKIT_ASSIGN_OR_RETURN(auto p, JsonPair(result));
    r.value.kind = ValueKind::kScalar;
    r.value.scalar = {p.first, p.second};
  } else if (type == "string" && mode == Mode::kPromkit) {
    if (!result.is_array() || result.size() != 2 || !result[1].is_string()) {
      return util::Status::InvalidArgument("string result is not a [time, value] pair");
    }
    PROMKIT_ASSIGN_OR_RETURN(int64_t t, JsonTimestamp(result[0]));
    r.value.kind = ValueKind::kString;
    r.value.string = {t, result[1].get<std::string>()};
  } else if (type == "vector") {
    r.value.kind = ValueKind::kVector;
    if (!result.is_array()) return util::Status::InvalidArgument("vector is not a list");
    for (const auto& s : result) {
      PROMKIT_RETURN_IF_ERROR(NoHistograms(s));
      PROMKIT_ASSIGN_OR_RETURN(model::Labels metric,
                               JsonLabels(s.value("metric", nlohmann::json::object())));
      PROMKIT_ASSIGN_OR_RETURN(auto p, JsonPair(s.value("value", nlohmann::json())));
      r.value.vector.push_back({std::move(metric), p.first, p.second});
    }
  } else if (type == "matrix") {
    r.value.kind = ValueKind::kMatrix;
    if (!result.is_array()) return util::Status::InvalidArgument("matrix is not a list");
    for (const auto& s : result) {
      PROMKIT_RETURN_IF_ERROR(NoHistograms(s));
      promql::Series series;
      PROMKIT_ASSIGN_OR_RETURN(series.metric,
                               JsonLabels(s.value("metric", nlohmann::json::object())));
      for (const auto& p : s.value("values", nlohmann::json::array())) {
        PROMKIT_ASSIGN_OR_RETURN(auto pair, JsonPair(p));
        series.floats.push_back({pair.first, pair.second});
      }
      r.value.matrix.push_back(std::move(series));
    }
  } else {
    // client_golang's queryResult decoder knows scalar, vector and matrix only.
    return util::Status::InvalidArgument(JsoniterError(
        "unmarshalerDecoder", fmt::format("unexpected value type {}", util::GoQuote(type)), raw));
  }
  return util::Status::Ok();
}

}  // namespace promkit::cli

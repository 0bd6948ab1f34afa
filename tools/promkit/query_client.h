#pragma once
// `query`'s HTTP client (query_client.cpp): Prometheus's /api/v1 endpoints asked the way
// promtool's client_golang asks them, answers read the way it reads them.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app.h"
#include "config/config.h"
#include "promql/api.h"
#include "query_render.h"
#include "scrape/fetch.h"
#include "util/status.h"

namespace promkit::cli {

// One request: the endpoint's path under the server URL and its parameters.
struct ServerCall {
  std::string path;  // "/api/v1/query"
  std::vector<std::pair<std::string, std::string>> params;
  bool post_with_fallback = true;  // DoGetFallback; plain GET otherwise
};

// An API reply as client_golang sees it. `transport` is set when no response came (Go's
// url.Error text); `error_type`/`error`/`detail` mirror its *v1.Error.
struct ServerReply {
  std::string transport;
  std::string error_type;
  std::string error;
  std::string detail;
  std::string data;  // the raw JSON of "data"
  std::vector<std::string> warnings;
  std::vector<std::string> infos;
  std::string stats_json;  // data.stats re-encoded, when present
};

// The current time in nanoseconds since the epoch.
int64_t NowNs();
// promtool's parseTime (Unix seconds through strconv.ParseFloat split as time.Unix does, else
// RFC 3339), plus promkit's relative forms "now", "now-1h", "now+30m" (Prometheus durations);
// nanoseconds. Fails with "cannot parse \"x\" to a valid timestamp".
util::Result<int64_t> ParseCliTime(std::string_view s, int64_t now_ns);

// client_golang's formatTime: seconds with the nanoseconds as a fraction ("1700000000.5").
std::string FormatApiTime(int64_t ns);
// Go's Duration.Seconds() of a step, as client_golang sends it ("15", "0.5").
std::string FormatApiStep(int64_t ns);

// A label name spliced into an endpoint's path, escaped as url.URL.EscapedPath does.
std::string PathEscape(std::string_view s);

// The scheme of a URL as Go's url.Parse finds it ("" when there is none).
std::string UrlScheme(std::string_view u);

// kingpin's check of a URL flag value: url.Parse's errors for what users mistype, e.g.
// `invalid URL: parse "127.0.0.1:9090": first path segment in URL cannot contain colon`;
// empty when the URL is fine.
std::string CheckServerUrl(const std::string& u);

// CheckServerUrl, then the scheme promtool assumes when there is none: "host:9090/x" is
// refused as Go's url.Parse refuses it, "localhost" becomes "http://localhost". Returns the
// error text, empty when `url` is usable.
std::string NormalizeServerUrl(std::string& url);

// One API request to `server` (an http or https URL, path prefix allowed) with `base`'s TLS,
// auth and headers.
ServerReply CallServer(const scrape::FetchOptions& base, const std::string& server,
                       const ServerCall& call);

// Reads the API's `data` (raw JSON) for `ep` into `r`. In promtool mode a string result fails
// as client_golang fails on it (json-iterator's error text).
util::Status DecodeData(QueryEndpoint ep, const std::string& raw, Mode mode,
                        promql::ApiResponse& r);

}  // namespace promkit::cli

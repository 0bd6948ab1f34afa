#pragma once
// One HTTP GET of a scrape target, made the way Prometheus's targetScraper makes it
// (scrape/scrape.go): Accept for the scrape protocols, Accept-Encoding gzip, a User-Agent, the
// X-Prometheus-Scrape-Timeout-Seconds header, a deadline for the whole request and a limit on the
// (decompressed) body. Errors read as upstream's Go errors do, one line each.
// Thread-safety: Fetch() may run concurrently from several threads (each call owns its handle).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "util/status.h"

namespace promkit::scrape {

struct TlsOptions {
  std::string ca_file;    // PEM bundle to verify the server with; empty: the system's
  std::string cert_file;  // client certificate (PEM); requires key_file
  std::string key_file;   // client key (PEM); requires cert_file
  // The same material inline (tls_config's ca, cert, key); each excludes its *_file.
  std::string ca_pem, cert_pem, key_pem;
  std::string server_name;  // name to send as SNI and to verify the certificate against
  bool insecure_skip_verify = false;
  // "TLS10", "TLS11", "TLS12", "TLS13"; empty min: TLS 1.2 (Go's client default), empty max:
  // the newest.
  std::string min_version, max_version;
};

struct ProxyOptions {
  std::string url;                // proxy_url: http(s)://[user:pass@]host:port; empty: none
  std::string no_proxy;           // comma-separated hosts, domains and CIDRs that bypass it
  bool from_environment = false;  // HTTP(S)_PROXY / NO_PROXY as Go's ProxyFromEnvironment
  std::vector<std::pair<std::string, std::string>> connect_headers;  // sent to the proxy
};

// OAuth 2.0 client credentials (common/config's oauth2 with the default grant type): a token
// from token_url, cached until it expires, sent as "Authorization: <type> <token>".
struct OAuth2Options {
  std::string client_id, client_secret, token_url;
  std::vector<std::string> scopes;
  std::vector<std::pair<std::string, std::string>> endpoint_params;
  TlsOptions tls;      // for the token request
  ProxyOptions proxy;  // for the token request
};

struct FetchOptions {
  std::string url;
  int64_t timeout_ns = 10'000'000'000;  // whole request; > 0
  // The Accept header; empty: the default scrape protocols' header (DefaultAcceptHeader()).
  std::string accept;
  bool enable_compression = true;  // Accept-Encoding: gzip (else identity)
  std::string user_agent;          // empty: "promkit/<version>"
  TlsOptions tls;
  ProxyOptions proxy;
  std::optional<OAuth2Options> oauth2;
  // At most one of basic auth and a bearer token (string or file).
  std::string basic_auth_user;
  std::string basic_auth_password;
  bool has_basic_auth = false;
  std::string bearer_token;
  std::string bearer_token_file;
  // Extra request headers, sent as given after the defaults; a name given here replaces a
  // default of that name, and a name given twice is sent twice.
  std::vector<std::pair<std::string, std::string>> headers;
  int64_t body_size_limit = 0;  // bytes of decompressed body; <= 0: none
  bool follow_redirects = true;

  // Beyond scraping (API clients such as `promkit query`):
  std::string method = "GET";        // "POST" (sending `request_body`) or "DELETE"
  std::string request_body;          // POST payload
  std::string request_content_type;  // its Content-Type
  // A scrape fails on any status but 200 without reading the body; with this set every
  // response is returned, body included, and status_code tells what happened.
  bool any_status = false;
  // Scrapes announce their timeout in X-Prometheus-Scrape-Timeout-Seconds; other requests don't.
  bool scrape_timeout_header = true;
};

struct FetchResponse {
  int status_code = 0;
  std::string status;        // "200 OK", as Go's http.Response.Status
  std::string content_type;  // the Content-Type header, verbatim
  std::string body;          // decompressed
  int64_t wire_bytes = 0;    // bytes received before decompression
  double duration_seconds = 0;
};

// The Accept header Prometheus 3.x sends with its default scrape protocols (OpenMetrics 1.0.0,
// 0.0.1, text 1.0.0, 0.0.4) and escaping scheme.
std::string DefaultAcceptHeader();

// "promkit/<version>".
std::string DefaultUserAgent();

// Checks the options that need no network (auth exclusivity, cert/key pairing, readable files).
util::Status ValidateFetchOptions(const FetchOptions& opts);

// Requests opts.url (GET unless opts.method says otherwise). A non-200 status (unless
// opts.any_status), a timeout, a body over the limit or a transport failure is
// an error whose message names the URL or the cause the way Prometheus reports it, e.g.
//   server returned HTTP status 404 Not Found
//   Get "http://127.0.0.1:1/metrics": dial tcp 127.0.0.1:1: connect: connection refused
//     ("Post ..." for POST requests, as Go's url.Error)
//   Get "http://h:9100/metrics": context deadline exceeded (timeout 1s)
//   body size limit exceeded (limit 1KiB)
// Never blocks past opts.timeout_ns (plus scheduling slack).
util::Result<FetchResponse> Fetch(const FetchOptions& opts);

}  // namespace promkit::scrape

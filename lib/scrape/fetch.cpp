#include "scrape/fetch.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>

#include <curl/curl.h>
#include <fmt/core.h>
#include <zlib.h>

#include "scrape/oauth2.h"
#include "scrape/units.h"
#include "textparse/negotiate.h"
#include "util/duration.h"

#ifndef PROMKIT_VERSION
#define PROMKIT_VERSION "0.0.0"
#endif

namespace promkit::scrape {
namespace {

// Go prints syscall errors in lower case ("connection refused"); glibc capitalises them.
std::string GoErrno(int err) {
  std::string s = std::strerror(err);
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z' && !(s.size() > 1 && s[1] >= 'A' && s[1] <= 'Z')) {
    s[0] = static_cast<char>(s[0] - 'A' + 'a');
  }
  return s;
}

// Reads a whole file; the error reads as Go's *PathError ("open x: no such file or directory").
util::Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return util::Status::IoError(fmt::format("open {}: {}", path, GoErrno(errno)));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return util::Status::IoError(fmt::format("read {}: {}", path, GoErrno(errno)));
  return ss.str();
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// net/http's StatusText for the codes a scrape target plausibly returns; used when the status
// line carries no reason phrase (HTTP/2).
std::string_view StatusText(long code) {
  switch (code) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "";
  }
}

// strconv.FormatFloat(v, 'f', -1, 64).
std::string FormatFixedShortest(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  return r.ec == std::errc() ? std::string(buf, r.ptr) : fmt::format("{}", v);
}

// The URL as Go's url.URL.Redacted() prints it: a password becomes "xxxxx".
std::string RedactUrl(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  size_t start = scheme + 3;
  size_t end = url.find_first_of("/?#", start);
  if (end == std::string::npos) end = url.size();
  size_t at = url.rfind('@', end);
  if (at == std::string::npos || at < start) return url;
  size_t colon = url.find(':', start);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "xxxxx" + url.substr(at);
}

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

void EnsureCurlGlobal() {
  static std::once_flag once;
  static std::unique_ptr<CurlGlobal> global;
  std::call_once(once, [] { global = std::make_unique<CurlGlobal>(); });
}

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct CurlStrDeleter {
  void operator()(char* s) const { curl_free(s); }
};
using CurlStr = std::unique_ptr<char, CurlStrDeleter>;

// Streaming gzip decoder (multi-member, as Go's gzip.Reader) with the body size limit enforced
// on its output.
class Gunzip {
 public:
  Gunzip() = default;
  Gunzip(const Gunzip&) = delete;
  Gunzip& operator=(const Gunzip&) = delete;
  ~Gunzip() {
    if (init_) inflateEnd(&zs_);
  }

  // Appends the decompressed bytes of `in` to `out`, stopping when out reaches `limit` (> 0).
  // Returns false on corrupt input (error() says why) or when the limit was reached.
  bool Write(std::string_view in, std::string* out, int64_t limit) {
    if (!init_) {
      std::memset(&zs_, 0, sizeof(zs_));
      if (inflateInit2(&zs_, 16 + MAX_WBITS) != Z_OK) {
        error_ = "gzip: cannot initialise zlib";
        return false;
      }
      init_ = true;
    }
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs_.avail_in = static_cast<uInt>(in.size());
    unsigned char buf[16384];
    while (zs_.avail_in > 0) {
      if (ended_) {
        // Another gzip member follows.
        inflateReset(&zs_);
        ended_ = false;
      }
      zs_.next_out = buf;
      zs_.avail_out = sizeof(buf);
      int rc = inflate(&zs_, Z_NO_FLUSH);
      size_t got = sizeof(buf) - zs_.avail_out;
      out->append(reinterpret_cast<const char*>(buf), got);
      produced_ = produced_ || got > 0;
      if (limit > 0 && static_cast<int64_t>(out->size()) >= limit) {
        out->resize(static_cast<size_t>(limit));
        limit_reached_ = true;
        return false;
      }
      if (rc == Z_STREAM_END) {
        ended_ = true;
        continue;
      }
      if (rc == Z_OK || (rc == Z_BUF_ERROR && got > 0)) continue;
      if (rc == Z_BUF_ERROR) break;  // needs more input
      std::string_view msg = zs_.msg ? zs_.msg : "";
      if (msg.find("header") != std::string_view::npos) {
        error_ = "gzip: invalid header";
      } else if (msg.find("data check") != std::string_view::npos ||
                 msg.find("length check") != std::string_view::npos) {
        error_ = "gzip: invalid checksum";
      } else {
        error_ = fmt::format("flate: corrupt input ({})", msg.empty() ? "zlib error" : msg);
      }
      return false;
    }
    return true;
  }

  // After the last Write: an error when the stream stopped mid-member.
  bool Finish() {
    if (!init_) {
      error_ = "EOF";  // an empty gzip body: gzip.NewReader fails with io.EOF
      return false;
    }
    if (!ended_) {
      error_ = "unexpected EOF";
      return false;
    }
    return true;
  }
  bool limit_reached() const { return limit_reached_; }
  const std::string& error() const { return error_; }

 private:
  z_stream zs_;
  bool init_ = false;
  bool ended_ = false;
  bool produced_ = false;
  bool limit_reached_ = false;
  std::string error_;
};

// State shared with libcurl's callbacks for one transfer.
struct Transfer {
  long status_code = 0;
  std::string status;
  std::string content_type;
  bool gzip = false;
  std::string body;
  int64_t wire_bytes = 0;
  int64_t limit = 0;
  bool limit_reached = false;
  bool bad_status = false;  // aborted because the status is not 200
  bool any_status = false;  // read the body whatever the status
  std::string decode_error;
  Gunzip gunzip;
};

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  if (line.size() >= 5 && line.substr(0, 5) == "HTTP/") {
    // A new response (first, or after a redirect / 100 Continue): forget the previous one.
    t->content_type.clear();
    t->gzip = false;
    std::string_view rest = Trim(line);
    size_t sp = rest.find(' ');
    rest = sp == std::string_view::npos ? std::string_view() : Trim(rest.substr(sp + 1));
    size_t sp2 = rest.find(' ');
    std::string_view code = rest.substr(0, sp2);
    std::string_view reason = sp2 == std::string_view::npos ? "" : Trim(rest.substr(sp2 + 1));
    long c = 0;
    std::from_chars(code.data(), code.data() + code.size(), c);
    t->status_code = c;
    if (reason.empty()) reason = StatusText(c);
    t->status = reason.empty() ? std::string(code) : fmt::format("{} {}", code, reason);
    return size * n;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string_view name = Trim(line.substr(0, colon));
    std::string_view value = Trim(line.substr(colon + 1));
    if (EqualsIgnoreCase(name, "Content-Type")) {
      t->content_type = std::string(value);
    } else if (EqualsIgnoreCase(name, "Content-Encoding")) {
      t->gzip = value == "gzip";
    }
  }
  return size * n;
}

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  if (t->status_code != 200 && !t->any_status) {
    // Prometheus never reads the body of a failed scrape.
    t->bad_status = true;
    return 0;
  }
  t->wire_bytes += static_cast<int64_t>(len);
  if (t->gzip) {
    if (!t->gunzip.Write(std::string_view(data, len), &t->body, t->limit)) {
      if (t->gunzip.limit_reached()) {
        t->limit_reached = true;
      } else {
        t->decode_error = t->gunzip.error();
      }
      return 0;
    }
    return len;
  }
  t->body.append(data, len);
  if (t->limit > 0 && static_cast<int64_t>(t->body.size()) >= t->limit) {
    t->body.resize(static_cast<size_t>(t->limit));
    t->limit_reached = true;
    return 0;
  }
  return len;
}

// Maps OpenSSL's X509_V_ERR_* (CURLINFO_SSL_VERIFYRESULT) to crypto/x509's wording.
std::string X509Problem(long verify, std::string_view curl_msg) {
  switch (verify) {
    case 2:   // X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT
    case 18:  // X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT
    case 19:  // X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN
    case 20:  // X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
    case 21:  // X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE
      return "x509: certificate signed by unknown authority";
    case 9:  // X509_V_ERR_CERT_NOT_YET_VALID
      return "x509: certificate has expired or is not yet valid: certificate is not yet valid";
    case 10:  // X509_V_ERR_CERT_HAS_EXPIRED
      return "x509: certificate has expired or is not yet valid: certificate has expired";
    case 62:  // X509_V_ERR_HOSTNAME_MISMATCH
    case 64:  // X509_V_ERR_IP_ADDRESS_MISMATCH
      return fmt::format("x509: certificate is not valid for the requested name ({})", curl_msg);
    default:
      break;
  }
  if (curl_msg.find("subject name") != std::string_view::npos ||
      curl_msg.find("does not match") != std::string_view::npos) {
    return fmt::format("x509: certificate is not valid for the requested name ({})", curl_msg);
  }
  return fmt::format("x509: {}", curl_msg);
}

struct UrlParts {
  std::string scheme;
  std::string host;      // as in the URL, IPv6 in brackets
  std::string port;      // as written; empty when absent
  std::string eff_port;  // port actually used
};

util::Result<UrlParts> SplitUrl(const std::string& url, std::string_view op) {
  std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
  if (!u) return util::Status::Internal("cannot allocate URL handle");
  CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0);
  if (rc != CURLUE_OK) {
    return util::Status::InvalidArgument(
        fmt::format("parse \"{}\": {}", url, curl_url_strerror(rc)));
  }
  UrlParts p;
  auto get = [&](CURLUPart part, unsigned flags, std::string* out) {
    char* s = nullptr;
    if (curl_url_get(u.get(), part, &s, flags) == CURLUE_OK && s != nullptr) {
      CurlStr holder(s);
      *out = s;
      return true;
    }
    return false;
  };
  get(CURLUPART_SCHEME, 0, &p.scheme);
  get(CURLUPART_HOST, 0, &p.host);
  get(CURLUPART_PORT, 0, &p.port);
  if (!get(CURLUPART_PORT, CURLU_DEFAULT_PORT, &p.eff_port)) p.eff_port = p.port;
  if (p.scheme != "http" && p.scheme != "https") {
    return util::Status::InvalidArgument(
        fmt::format("{} \"{}\": unsupported protocol scheme \"{}\"", op, RedactUrl(url), p.scheme));
  }
  if (p.host.empty()) {
    return util::Status::InvalidArgument(fmt::format("{} \"{}\": no Host in request URL", op, url));
  }
  return p;
}

}  // namespace

std::string DefaultAcceptHeader() {
  return textparse::AcceptHeader(textparse::kDefaultScrapeProtocols);
}

std::string DefaultUserAgent() { return std::string("promkit/") + PROMKIT_VERSION; }

namespace {

// "TLS10".."TLS13" -> 0..3; -1 when unknown.
int TlsVersion(std::string_view v) {
  static constexpr std::string_view kNames[] = {"TLS10", "TLS11", "TLS12", "TLS13"};
  for (int i = 0; i < 4; ++i) {
    if (v == kNames[i]) return i;
  }
  return -1;
}

// Go's ProxyFromEnvironment: the proxy for `scheme` from HTTPS_PROXY / HTTP_PROXY (either case),
// bypassed for NO_PROXY and, as Go does, always for localhost and loopback addresses.
void ProxyFromEnvironment(std::string_view scheme, std::string* url, std::string* no_proxy) {
  auto env = [](const char* upper, const char* lower) {
    const char* v = std::getenv(upper);
    if (v == nullptr || *v == '\0') v = std::getenv(lower);
    return std::string(v == nullptr ? "" : v);
  };
  *url = scheme == "https" ? env("HTTPS_PROXY", "https_proxy") : env("HTTP_PROXY", "http_proxy");
  std::string np = env("NO_PROXY", "no_proxy");
  *no_proxy = "localhost,127.0.0.0/8,::1" + (np.empty() ? std::string() : "," + np);
}

}  // namespace

util::Status ValidateFetchOptions(const FetchOptions& o) {
  if (o.timeout_ns <= 0) return util::Status::InvalidArgument("timeout must be positive");
  if (!o.bearer_token.empty() && !o.bearer_token_file.empty()) {
    return util::Status::InvalidArgument(
        "at most one of bearer_token & bearer_token_file must be configured");
  }
  if (o.has_basic_auth && (!o.bearer_token.empty() || !o.bearer_token_file.empty())) {
    return util::Status::InvalidArgument(
        "at most one of basic_auth, oauth2 & authorization must be configured");
  }
  const bool has_cert = !o.tls.cert_file.empty() || !o.tls.cert_pem.empty();
  const bool has_key = !o.tls.key_file.empty() || !o.tls.key_pem.empty();
  if (has_cert && !has_key) {
    return util::Status::InvalidArgument(
        "exactly one of key or key_file must be configured when a client certificate is "
        "configured");
  }
  if (!has_cert && has_key) {
    return util::Status::InvalidArgument(
        "exactly one of cert or cert_file must be configured when a client key is configured");
  }
  if (!o.tls.ca_pem.empty() &&
      o.tls.ca_pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    return util::Status::InvalidArgument("unable to use inline CA cert");
  }
  for (const std::string* v : {&o.tls.min_version, &o.tls.max_version}) {
    if (!v->empty() && TlsVersion(*v) < 0) {
      return util::Status::InvalidArgument(fmt::format("unknown TLS version: {}", *v));
    }
  }
  if (!o.tls.ca_file.empty()) {
    auto ca = ReadWholeFile(o.tls.ca_file);
    if (!ca.ok()) return ca.status().Wrap("unable to read CA cert");
    if (ca->find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
      return util::Status::InvalidArgument(
          fmt::format("unable to use specified CA cert {}", o.tls.ca_file));
    }
  }
  if (!o.tls.cert_file.empty()) {
    auto c = ReadWholeFile(o.tls.cert_file);
    if (!c.ok()) return c.status().Wrap("unable to read specified client cert");
    auto k = ReadWholeFile(o.tls.key_file);
    if (!k.ok()) return k.status().Wrap("unable to read specified client key");
  }
  if (!o.bearer_token_file.empty()) {
    auto t = ReadWholeFile(o.bearer_token_file);
    if (!t.ok()) {
      return util::Status::IoError(
          fmt::format("unable to read authorization credentials: unable to read file {}: {}",
                      o.bearer_token_file, t.status().message()));
    }
  }
  for (const auto& [name, value] : o.headers) {
    if (name.empty() || name.find_first_of(" \t\r\n:") != std::string::npos) {
      return util::Status::InvalidArgument(fmt::format("invalid header name \"{}\"", name));
    }
    if (value.find_first_of("\r\n") != std::string::npos) {
      return util::Status::InvalidArgument(
          fmt::format("invalid value for header \"{}\": contains a newline", name));
    }
  }
  return util::Status::Ok();
}

util::Result<FetchResponse> Fetch(const FetchOptions& o) {
  PROMKIT_RETURN_IF_ERROR(ValidateFetchOptions(o));
  // Go's url.Error names the operation as the method with only its first letter in upper case.
  std::string op = o.method.empty() ? std::string("Get") : o.method;
  for (size_t i = 1; i < op.size(); ++i) {
    if (op[i] >= 'A' && op[i] <= 'Z') op[i] = static_cast<char>(op[i] - 'A' + 'a');
  }
  PROMKIT_ASSIGN_OR_RETURN(UrlParts parts, SplitUrl(o.url, op));
  const std::string shown_url = RedactUrl(o.url);
  EnsureCurlGlobal();

  std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
  if (!easy) return util::Status::Internal("cannot create a libcurl handle");
  CURL* c = easy.get();
  char errbuf[CURL_ERROR_SIZE] = {0};

  // Request headers: defaults first, then --header entries replacing same-named defaults.
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Accept", o.accept.empty() ? DefaultAcceptHeader() : o.accept},
      {"Accept-Encoding", o.enable_compression ? "gzip" : "identity"},
      {"User-Agent", o.user_agent.empty() ? DefaultUserAgent() : o.user_agent},
  };
  if (o.scrape_timeout_header) {
    headers.emplace_back("X-Prometheus-Scrape-Timeout-Seconds",
                         FormatFixedShortest(static_cast<double>(o.timeout_ns) / 1e9));
  }
  if (!o.request_content_type.empty()) {
    headers.emplace_back("Content-Type", o.request_content_type);
  }
  if (o.oauth2) {
    // The token request fails the request as a transport error would (Go's url.Error).
    auto auth = OAuth2Authorization(
        *o.oauth2, o.user_agent.empty() ? DefaultUserAgent() : o.user_agent, o.timeout_ns);
    if (!auth.ok()) {
      return util::Status::IoError(
          fmt::format("{} \"{}\": {}", op, shown_url, auth.status().message()));
    }
    headers.emplace_back("Authorization", *auth);
  }
  if (!o.bearer_token.empty() || !o.bearer_token_file.empty()) {
    std::string token = o.bearer_token;
    if (!o.bearer_token_file.empty()) {
      PROMKIT_ASSIGN_OR_RETURN(std::string raw, ReadWholeFile(o.bearer_token_file));
      token = std::string(Trim(raw));
    }
    headers.emplace_back("Authorization", "Bearer " + token);
  }
  std::string url = o.url;
  if (!o.tls.server_name.empty() && parts.scheme == "https") {
    // Verify against (and send SNI for) server_name while connecting to the URL's host, as
    // tls.Config.ServerName does: address the server by that name and map it onto the real
    // host with CONNECT_TO; the Host header keeps the URL's authority.
    std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
    curl_url_set(u.get(), CURLUPART_URL, o.url.c_str(), 0);
    if (curl_url_set(u.get(), CURLUPART_HOST, o.tls.server_name.c_str(), 0) != CURLUE_OK) {
      return util::Status::InvalidArgument(
          fmt::format("invalid server name \"{}\"", o.tls.server_name));
    }
    char* s = nullptr;
    curl_url_get(u.get(), CURLUPART_URL, &s, 0);
    CurlStr holder(s);
    url = s;
    headers.emplace_back("Host", parts.port.empty() ? parts.host : parts.host + ":" + parts.port);
  }
  auto overridden = [&](const auto& h) {
    return std::any_of(o.headers.begin(), o.headers.end(),
                       [&](const auto& extra) { return EqualsIgnoreCase(h.first, extra.first); });
  };
  headers.erase(std::remove_if(headers.begin(), headers.end(), overridden), headers.end());
  headers.insert(headers.end(), o.headers.begin(), o.headers.end());
  std::unique_ptr<curl_slist, SlistDeleter> list;
  for (const auto& [name, value] : headers) {
    // "Name;" sends an empty header (curl drops "Name:" entirely).
    std::string line = value.empty() ? name + ";" : name + ": " + value;
    curl_slist* next = curl_slist_append(list.get(), line.c_str());
    if (next == nullptr) return util::Status::Internal("cannot build request headers");
    list.release();
    list.reset(next);
  }
  std::unique_ptr<curl_slist, SlistDeleter> connect_to;
  if (url != o.url) {
    std::string host = parts.host;
    std::string entry =
        fmt::format("{}:{}:{}:{}", o.tls.server_name, parts.eff_port, host, parts.eff_port);
    connect_to.reset(curl_slist_append(nullptr, entry.c_str()));
  }

  Transfer t;
  t.limit = o.body_size_limit;
  t.any_status = o.any_status;
  const long timeout_ms =
      static_cast<long>(std::max<int64_t>(1, (o.timeout_ns + 999'999) / 1'000'000));

  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, o.follow_redirects ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);  // as Go's http.Client
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list.get());
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  // No implicit proxy: only proxy_url or proxy_from_environment set one.
  std::string proxy_url = o.proxy.url, no_proxy = o.proxy.no_proxy;
  if (o.proxy.from_environment) ProxyFromEnvironment(parts.scheme, &proxy_url, &no_proxy);
  curl_easy_setopt(c, CURLOPT_PROXY, proxy_url.c_str());
  if (!no_proxy.empty()) curl_easy_setopt(c, CURLOPT_NOPROXY, no_proxy.c_str());
  std::unique_ptr<curl_slist, SlistDeleter> proxy_headers;
  for (const auto& [name, value] : o.proxy.connect_headers) {
    std::string line = name + ": " + value;
    curl_slist* next = curl_slist_append(proxy_headers.get(), line.c_str());
    if (next == nullptr) return util::Status::Internal("cannot build proxy headers");
    proxy_headers.release();
    proxy_headers.reset(next);
  }
  // Go sends them with CONNECT only: for https through the proxy, not for plain requests.
  if (proxy_headers && parts.scheme == "https") {
    curl_easy_setopt(c, CURLOPT_HEADEROPT, CURLHEADER_SEPARATE);
    curl_easy_setopt(c, CURLOPT_PROXYHEADER, proxy_headers.get());
  }
  if (connect_to) curl_easy_setopt(c, CURLOPT_CONNECT_TO, connect_to.get());
  if (o.method == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, o.request_body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(o.request_body.size()));
    // curl's default, as Go's client: 307/308 repeat the POST, 301-303 turn it into a GET.
  } else if (o.method == "DELETE") {
    // A body-less DELETE (the Alertmanager API's silence expiry).
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "DELETE");
  } else if (o.method != "GET" && !o.method.empty()) {
    return util::Status::InvalidArgument(fmt::format("unsupported method {}", o.method));
  }
  if (o.has_basic_auth) {
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(c, CURLOPT_USERNAME, o.basic_auth_user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, o.basic_auth_password.c_str());
  }
  if (!o.tls.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, o.tls.ca_file.c_str());
  if (!o.tls.cert_file.empty()) curl_easy_setopt(c, CURLOPT_SSLCERT, o.tls.cert_file.c_str());
  if (!o.tls.key_file.empty()) curl_easy_setopt(c, CURLOPT_SSLKEY, o.tls.key_file.c_str());
  // Inline PEM material; curl copies each blob.
  auto blob = [&](CURLoption opt, const std::string& pem) {
    if (pem.empty()) return;
    curl_blob b{const_cast<char*>(pem.data()), pem.size(), CURL_BLOB_COPY};
    curl_easy_setopt(c, opt, &b);
  };
  blob(CURLOPT_CAINFO_BLOB, o.tls.ca_pem);
  blob(CURLOPT_SSLCERT_BLOB, o.tls.cert_pem);
  blob(CURLOPT_SSLKEY_BLOB, o.tls.key_pem);
  if (!o.tls.cert_pem.empty()) curl_easy_setopt(c, CURLOPT_SSLCERTTYPE, "PEM");
  if (!o.tls.key_pem.empty()) curl_easy_setopt(c, CURLOPT_SSLKEYTYPE, "PEM");
  {
    static constexpr long kMin[] = {CURL_SSLVERSION_TLSv1_0, CURL_SSLVERSION_TLSv1_1,
                                    CURL_SSLVERSION_TLSv1_2, CURL_SSLVERSION_TLSv1_3};
    static constexpr long kMax[] = {CURL_SSLVERSION_MAX_TLSv1_0, CURL_SSLVERSION_MAX_TLSv1_1,
                                    CURL_SSLVERSION_MAX_TLSv1_2, CURL_SSLVERSION_MAX_TLSv1_3};
    long v = kMin[o.tls.min_version.empty() ? 2 : TlsVersion(o.tls.min_version)];
    if (!o.tls.max_version.empty()) v |= kMax[TlsVersion(o.tls.max_version)];
    curl_easy_setopt(c, CURLOPT_SSLVERSION, v);
  }
  if (o.tls.insecure_skip_verify) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }

  const auto start = std::chrono::steady_clock::now();
  CURLcode rc = curl_easy_perform(c);
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (t.bad_status || (rc == CURLE_OK && t.status_code != 200 && !o.any_status)) {
    return util::Status::IoError(fmt::format("server returned HTTP status {}", t.status));
  }
  if (t.limit_reached) {
    return util::Status::IoError(
        fmt::format("body size limit exceeded (limit {})", FormatBase2Bytes(o.body_size_limit)));
  }
  if (!t.decode_error.empty()) return util::Status::IoError(t.decode_error);
  if (rc != CURLE_OK) {
    std::string_view msg = errbuf[0] ? std::string_view(errbuf) : curl_easy_strerror(rc);
    auto get_err = [&](const std::string& why) {
      return util::Status::IoError(fmt::format("{} \"{}\": {}", op, shown_url, why));
    };
    // A TLS alert from the server (e.g. "tlsv13 alert certificate required"): Go says
    // "remote error: tls: certificate required".
    if (size_t alert = msg.find(" alert "); alert != std::string_view::npos) {
      std::string_view what = msg.substr(alert + 7);
      what = what.substr(0, what.find(','));
      return get_err(fmt::format("remote error: tls: {}", Trim(what)));
    }
    switch (rc) {
      case CURLE_OPERATION_TIMEDOUT:
        return get_err(fmt::format("context deadline exceeded (timeout {})",
                                   util::FormatGoDuration(o.timeout_ns)));
      case CURLE_COULDNT_RESOLVE_HOST:
        return get_err(fmt::format("dial tcp: lookup {}: no such host", parts.host));
      case CURLE_COULDNT_CONNECT: {
        long os_errno = 0;
        curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno);
        std::string addr = parts.host + ":" + parts.eff_port;
        char* ip = nullptr;
        if (curl_easy_getinfo(c, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip != nullptr &&
            *ip != '\0') {
          std::string_view ipv(ip);
          addr = ipv.find(':') != std::string_view::npos
                     ? fmt::format("[{}]:{}", ipv, parts.eff_port)
                     : fmt::format("{}:{}", ipv, parts.eff_port);
        }
        std::string why = os_errno != 0 ? GoErrno(static_cast<int>(os_errno)) : std::string(msg);
        return get_err(fmt::format("dial tcp {}: connect: {}", addr, why));
      }
      case CURLE_PEER_FAILED_VERIFICATION: {
        long verify = 0;
        curl_easy_getinfo(c, CURLINFO_SSL_VERIFYRESULT, &verify);
        return get_err(
            fmt::format("tls: failed to verify certificate: {}", X509Problem(verify, msg)));
      }
      case CURLE_SSL_CACERT_BADFILE:
        return util::Status::InvalidArgument(
            fmt::format("unable to use specified CA cert {}: {}", o.tls.ca_file, msg));
      case CURLE_SSL_CERTPROBLEM:
        return util::Status::InvalidArgument(
            fmt::format("unable to use specified client cert ({}) & key ({}): {}", o.tls.cert_file,
                        o.tls.key_file, msg));
      case CURLE_SSL_CONNECT_ERROR:
        return get_err(fmt::format("tls: handshake failure: {}", msg));
      case CURLE_GOT_NOTHING:
        return get_err("EOF");
      case CURLE_TOO_MANY_REDIRECTS:
        return get_err("stopped after 10 redirects");
      default:
        return get_err(std::string(msg));
    }
  }
  if (t.gzip && !t.gunzip.Finish()) return util::Status::IoError(t.gunzip.error());

  FetchResponse r;
  r.status_code = static_cast<int>(t.status_code);
  r.status = std::move(t.status);
  r.content_type = std::move(t.content_type);
  r.body = std::move(t.body);
  r.wire_bytes = t.wire_bytes;
  r.duration_seconds = elapsed;
  return r;
}

}  // namespace promkit::scrape

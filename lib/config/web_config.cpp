#include "config/web_config.h"

#include <fmt/core.h>

#include "config/internal/decode.h"
#include "config/internal/x509_keypair.h"
#include "config/internal/yaml_tree.h"
#include "util/duration.h"
#include "util/file.h"
#include "util/strings.h"

namespace promkit::config {
namespace {

using internal::Decoder;
using internal::Node;
using util::Result;
using util::Status;

// crypto/tls.CipherSuites(): the suites Go calls secure, the only names upstream accepts.
struct CipherSuite {
  std::string_view name;
  uint16_t id;
};
constexpr CipherSuite kCipherSuites[] = {
    {"TLS_RSA_WITH_AES_128_CBC_SHA", 0x002f},
    {"TLS_RSA_WITH_AES_256_CBC_SHA", 0x0035},
    {"TLS_RSA_WITH_AES_128_GCM_SHA256", 0x009c},
    {"TLS_RSA_WITH_AES_256_GCM_SHA384", 0x009d},
    {"TLS_AES_128_GCM_SHA256", 0x1301},
    {"TLS_AES_256_GCM_SHA384", 0x1302},
    {"TLS_CHACHA20_POLY1305_SHA256", 0x1303},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", 0xc009},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", 0xc00a},
    {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", 0xc013},
    {"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", 0xc014},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 0xc02b},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", 0xc02c},
    {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0xc02f},
    {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 0xc030},
    {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0xcca8},
    {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", 0xcca9},
};

constexpr std::pair<std::string_view, uint16_t> kCurves[] = {
    {"CurveP256", 23}, {"CurveP384", 24}, {"CurveP521", 25}, {"X25519", 29}};

constexpr std::pair<std::string_view, uint16_t> kTLSVersions[] = {
    {"TLS13", kTLS13}, {"TLS12", kTLS12}, {"TLS11", kTLS11}, {"TLS10", kTLS10}};

// The response headers a web config may set, and for some the only values allowed (upstream
// keeps this list private so the Prometheus ecosystem stays consistent).
struct AllowedHeader {
  std::string_view name;
  std::vector<std::string_view> values;  // empty: any value
};
const AllowedHeader kAllowedHeaders[] = {
    {"Strict-Transport-Security", {}},
    {"X-Content-Type-Options", {"nosniff"}},
    {"X-Frame-Options", {"deny", "sameorigin"}},
    {"X-XSS-Protection", {}},
    {"Content-Security-Policy", {}},
};

// Go's filepath.Dir.
std::string DirOf(std::string_view path) {
  size_t slash = path.rfind('/');
  return util::CleanPath(slash == std::string_view::npos ? "" : path.substr(0, slash + 1));
}

// common/config.JoinDir: relative non-empty paths are joined with `dir` (filepath.Join).
std::string JoinDir(std::string_view dir, const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  if (dir.empty()) return util::CleanPath(path);
  return util::CleanPath(std::string(dir) + "/" + path);
}

// A scalar decoded into a Go string by a custom UnmarshalYAML; false (with a type error
// recorded, or nothing for null) when there is none.
bool StringFor(Decoder& d, const Node& n, std::string& out) {
  if (n.IsNull()) return false;
  return d.Str(n, out);
}

// web.Cipher, web.Curve, web.TLSVersion: a name looked up in a table; null leaves zero.
template <typename Table, typename Lookup>
void DecodeNamed(Decoder& d, const Node& n, uint16_t& out, const Table& table,
                 std::string_view what, Lookup name_of) {
  out = 0;
  std::string s;
  if (!StringFor(d, n, s)) return;
  for (const auto& entry : table) {
    if (name_of(entry) == s) {
      out = entry.second;
      return;
    }
  }
  d.Fail(fmt::format("unknown {}: {}", what, s));
}

void DecodeNamedList(Decoder& d, const Node& n, std::vector<uint16_t>& out, std::string_view type,
                     const std::function<void(const Node&, uint16_t&)>& item) {
  out.clear();
  d.Seq(n, type, [&](const Node& it) {
    uint16_t v = 0;
    item(it, v);
    out.push_back(v);
  });
}

// config.Secret's UnmarshalYAML decodes into a local type named plain.
void DecodeSecret(Decoder& d, const Node& n, std::string& out) {
  out.clear();
  if (n.IsNull()) return;
  if (!n.IsScalar()) {
    d.TypeError(n, "config.plain");
    return;
  }
  out = n.value;
}

void DecodeTLS(Decoder& d, const Node& n, WebTLSConfig& t) {
  if (n.IsNull()) {
    t = WebTLSConfig{};  // go-yaml zeroes a struct for null, defaults included
    t.min_version = t.max_version = 0;
    t.prefer_server_cipher_suites = false;
    return;
  }
  auto cipher_name = [](const CipherSuite& c) { return c.name; };
  d.Struct(
      n, "web.TLSConfig",
      {
          {"cert", [&](const Node& v) { d.Str(v, t.cert); }},
          {"key", [&](const Node& v) { DecodeSecret(d, v, t.key); }},
          {"client_ca", [&](const Node& v) { d.Str(v, t.client_ca); }},
          {"cert_file", [&](const Node& v) { d.Str(v, t.cert_file); }},
          {"key_file", [&](const Node& v) { d.Str(v, t.key_file); }},
          {"client_auth_type", [&](const Node& v) { d.Str(v, t.client_auth_type); }},
          {"client_ca_file", [&](const Node& v) { d.Str(v, t.client_ca_file); }},
          {"cipher_suites",
           [&](const Node& v) {
             DecodeNamedList(d, v, t.cipher_suites, "[]web.Cipher",
                             [&](const Node& it, uint16_t& out) {
                               out = 0;
                               std::string s;
                               if (!StringFor(d, it, s)) return;
                               for (const CipherSuite& c : kCipherSuites) {
                                 if (cipher_name(c) == s) {
                                   out = c.id;
                                   return;
                                 }
                               }
                               d.Fail("unknown cipher: " + s);
                             });
           }},
          {"curve_preferences",
           [&](const Node& v) {
             DecodeNamedList(
                 d, v, t.curve_preferences, "[]web.Curve", [&](const Node& it, uint16_t& out) {
                   DecodeNamed(d, it, out, kCurves, "curve", [](const auto& e) { return e.first; });
                 });
           }},
          {"min_version",
           [&](const Node& v) {
             DecodeNamed(d, v, t.min_version, kTLSVersions, "TLS version",
                         [](const auto& e) { return e.first; });
           }},
          {"max_version",
           [&](const Node& v) {
             DecodeNamed(d, v, t.max_version, kTLSVersions, "TLS version",
                         [](const auto& e) { return e.first; });
           }},
          {"prefer_server_cipher_suites",
           [&](const Node& v) { d.Bool(v, t.prefer_server_cipher_suites); }},
          {"client_allowed_sans",
           [&](const Node& v) { t.client_allowed_sans_set = d.StrList(v, t.client_allowed_sans); }},
      });
}

void DecodeHTTP(Decoder& d, const Node& n, WebHTTPConfig& h) {
  if (n.IsNull()) {
    h = WebHTTPConfig{};
    h.http2 = false;
    return;
  }
  d.Struct(n, "web.HTTPConfig",
           {
               {"http2", [&](const Node& v) { d.Bool(v, h.http2); }},
               {"headers", [&](const Node& v) { d.StrMap(v, h.headers); }},
           });
}

// time.Duration as go-yaml v2 decodes it: an integer (nanoseconds), a whole float, or a string
// for time.ParseDuration.
void DecodeGoDuration(Decoder& d, const Node& n, int64_t& out) {
  out = 0;
  if (n.IsNull()) return;
  if (n.tag == "!!str") {
    auto ns = util::ParseGoDuration(n.value);
    if (ns.ok()) {
      out = *ns;
      return;
    }
    d.TypeError(n, "time.Duration");
    return;
  }
  d.Int(n, out, "time.Duration");
}

void DecodeRateLimit(Decoder& d, const Node& n, WebRateLimitConfig& r) {
  r = WebRateLimitConfig{};
  d.Struct(n, "web.RateLimiterConfig",
           {
               {"burst", [&](const Node& v) { d.Int(v, r.burst); }},
               {"interval", [&](const Node& v) { DecodeGoDuration(d, v, r.interval_ns); }},
           });
}

void DecodeUsers(Decoder& d, const Node& n, std::vector<std::pair<std::string, std::string>>& out) {
  out.clear();
  if (n.IsNull()) return;
  if (!n.IsMap()) {
    d.TypeError(n, "map[string]config.Secret");
    return;
  }
  for (size_t i = 0; i + 1 < n.items.size(); i += 2) {
    std::string user;
    d.Str(n.items[i], user);
    bool dup = false;
    for (const auto& [u, unused] : out) dup = dup || u == user;
    if (dup) {
      d.DuplicateKey(n.items[i]);
      continue;
    }
    std::string hash;
    DecodeSecret(d, n.items[i + 1], hash);
    out.emplace_back(std::move(user), std::move(hash));
  }
}

// Go's %q of a []string: ["a" "b"].
std::string GoQuoteList(const std::vector<std::string_view>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ' ';
    out += util::GoQuote(items[i]);
  }
  return out + "]";
}

Status ValidateHeaders(const std::vector<std::pair<std::string, std::string>>& headers) {
  for (const auto& [name, value] : headers) {
    const AllowedHeader* allowed = nullptr;
    for (const AllowedHeader& h : kAllowedHeaders) {
      if (h.name == name) allowed = &h;
    }
    if (allowed == nullptr) {
      return Status::InvalidArgument(
          fmt::format("HTTP header {} can not be configured", util::GoQuote(name)));
    }
    if (allowed->values.empty()) continue;
    bool ok = false;
    for (std::string_view v : allowed->values) ok = ok || v == value;
    if (!ok) {
      return Status::InvalidArgument(
          fmt::format("invalid value for {}. Expected one of: {}, but got: {}", name,
                      GoQuoteList(allowed->values), util::GoQuote(value)));
    }
  }
  return Status::Ok();
}

// Go's fmt %c of a byte: the rune with that value.
std::string ByteAsRune(uint8_t b) {
  std::string out;
  util::AppendRune(out, b);
  return out;
}

// strconv.Atoi of a short string: optional sign, then decimal digits only.
bool GoAtoi(std::string_view s, int* out) {
  std::string_view digits = s;
  bool neg = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    neg = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty()) return false;
  int v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = neg ? -v : v;
  return true;
}

// Upstream's ConfigToTLSConfig, as far as it can fail.
Status ValidateTLS(const WebTLSConfig& t) {
  if (t.cert_file.empty() && t.cert.empty()) {
    return Status::InvalidArgument("missing one of cert or cert_file");
  }
  if (t.key_file.empty() && t.key.empty()) {
    return Status::InvalidArgument("missing one of key or key_file");
  }
  std::string cert = t.cert;
  if (!t.cert_file.empty()) {
    auto data = util::ReadFile(t.cert_file);
    if (!data.ok()) {
      return Status::InvalidArgument(
          fmt::format("failed to read cert_file ({}): {}", t.cert_file, data.status().message()));
    }
    cert = std::move(*data);
  }
  std::string key = t.key;
  if (!t.key_file.empty()) {
    auto data = util::ReadFile(t.key_file);
    if (!data.ok()) {
      return Status::InvalidArgument(
          fmt::format("failed to read key_file ({}): {}", t.key_file, data.status().message()));
    }
    key = std::move(*data);
  }
  PROMKIT_RETURN_IF_ERROR(internal::CheckX509KeyPair(cert, key).Wrap("failed to load X509KeyPair"));
  if (!t.client_ca_file.empty()) {
    auto data = util::ReadFile(t.client_ca_file);
    if (!data.ok()) return data.status();
  }
  PROMKIT_ASSIGN_OR_RETURN(ClientAuth auth, ParseClientAuth(t.client_auth_type));
  if ((!t.client_ca_file.empty() || !t.client_ca.empty()) && auth == ClientAuth::kNoClientCert) {
    return Status::InvalidArgument("client CA's have been configured without a Client Auth Policy");
  }
  return Status::Ok();
}

}  // namespace

bool WebTLSConfig::Enabled() const {
  return !cert_file.empty() || !cert.empty() || !key_file.empty() || !key.empty() ||
         !client_ca_file.empty() || !client_ca.empty() || !client_auth_type.empty();
}

Result<WebConfig> ParseWebConfig(std::string_view text, std::string_view dir) {
  PROMKIT_ASSIGN_OR_RETURN(Node root, internal::ParseYaml(text));
  WebConfig cfg;
  Decoder d;
  d.Struct(
      root, "web.Config",
      {
          {"tls_server_config", [&](const Node& v) { DecodeTLS(d, v, cfg.tls_server_config); }},
          {"http_server_config", [&](const Node& v) { DecodeHTTP(d, v, cfg.http_server_config); }},
          {"rate_limit", [&](const Node& v) { DecodeRateLimit(d, v, cfg.rate_limit); }},
          {"basic_auth_users", [&](const Node& v) { DecodeUsers(d, v, cfg.basic_auth_users); }},
      });
  PROMKIT_RETURN_IF_ERROR(d.Finish());
  PROMKIT_RETURN_IF_ERROR(ValidateHeaders(cfg.http_server_config.headers));
  WebTLSConfig& t = cfg.tls_server_config;
  t.cert_file = JoinDir(dir, t.cert_file);
  t.key_file = JoinDir(dir, t.key_file);
  t.client_ca_file = JoinDir(dir, t.client_ca_file);
  return cfg;
}

Result<WebConfig> LoadWebConfigFile(const std::string& path) {
  PROMKIT_ASSIGN_OR_RETURN(std::string text, util::ReadFile(path));
  return ParseWebConfig(text, DirOf(path));
}

Status ValidateWebConfigFile(const std::string& path) {
  if (path.empty()) return Status::Ok();
  PROMKIT_ASSIGN_OR_RETURN(WebConfig cfg, LoadWebConfigFile(path));
  // Upstream walks a Go map, so with several bad hashes it reports any one; we take file order.
  for (const auto& [user, hash] : cfg.basic_auth_users) {
    auto cost = BcryptCost(hash);
    if (!cost.ok()) return cost.status();
  }
  if (!cfg.tls_server_config.Enabled()) return Status::Ok();
  return ValidateTLS(cfg.tls_server_config);
}

Result<int> BcryptCost(std::string_view hash) {
  // "$2y$10$" + 22 characters of salt + 31 of hash: bcrypt.Cost checks the length, the '$', the
  // major version, and a two-digit cost in range; the minor version letter is not checked.
  constexpr size_t kMinHashSize = 59;
  if (hash.size() < kMinHashSize) {
    return Status::InvalidArgument(
        "crypto/bcrypt: hashedSecret too short to be a bcrypted password");
  }
  const auto b = [&](size_t i) { return static_cast<uint8_t>(hash[i]); };
  if (b(0) != '$') {
    return Status::InvalidArgument(fmt::format(
        "crypto/bcrypt: bcrypt hashes must start with '$', but hashedSecret started with '{}'",
        ByteAsRune(b(0))));
  }
  if (b(1) > '2') {
    return Status::InvalidArgument(
        fmt::format("crypto/bcrypt: bcrypt algorithm version '{}' requested is newer than current "
                    "version '2'",
                    ByteAsRune(b(1))));
  }
  size_t n = b(2) != '$' ? 4 : 3;
  std::string_view digits = hash.substr(n, 2);
  int cost = 0;
  if (!GoAtoi(digits, &cost)) {
    return Status::InvalidArgument(
        fmt::format("strconv.Atoi: parsing {}: invalid syntax", util::GoQuote(digits)));
  }
  if (cost < 4 || cost > 31) {
    return Status::InvalidArgument(
        fmt::format("crypto/bcrypt: cost {} is outside allowed inclusive range 4..31", cost));
  }
  return cost;
}

Result<ClientAuth> ParseClientAuth(std::string_view value) {
  if (value.empty() || value == "NoClientCert") return ClientAuth::kNoClientCert;
  if (value == "RequestClientCert") return ClientAuth::kRequestClientCert;
  if (value == "RequireAnyClientCert" || value == "RequireClientCert") {
    return ClientAuth::kRequireAnyClientCert;
  }
  if (value == "VerifyClientCertIfGiven") return ClientAuth::kVerifyClientCertIfGiven;
  if (value == "RequireAndVerifyClientCert") return ClientAuth::kRequireAndVerifyClientCert;
  return Status::InvalidArgument(fmt::format("invalid ClientAuth: {}", value));
}

std::string_view CipherSuiteName(uint16_t id) {
  for (const CipherSuite& c : kCipherSuites) {
    if (c.id == id) return c.name;
  }
  return "";
}

}  // namespace promkit::config

#pragma once
// The web config file (--web.config.file; exporter-toolkit's web package as Prometheus 3.x vendors
// it): TLS for the server, HTTP server options, rate limiting and basic-auth users whose
// passwords are bcrypt hashes. Decoding is strict (go-yaml v2 UnmarshalStrict, its error texts);
// ValidateWebConfigFile() is what `check web-config` and the server run before serving: every
// check upstream makes, with upstream's messages.
// Thread-safety: the structs are plain values; the functions are reentrant.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.h"

namespace promkit::config {

// TLS protocol versions as Go's crypto/tls numbers them.
inline constexpr uint16_t kTLS10 = 0x0301;
inline constexpr uint16_t kTLS11 = 0x0302;
inline constexpr uint16_t kTLS12 = 0x0303;
inline constexpr uint16_t kTLS13 = 0x0304;

// Who must present a client certificate (Go's tls.ClientAuthType).
enum class ClientAuth {
  kNoClientCert,
  kRequestClientCert,
  kRequireAnyClientCert,
  kVerifyClientCertIfGiven,
  kRequireAndVerifyClientCert,
};

// tls_server_config. Paths are joined with the config file's directory once loaded.
struct WebTLSConfig {
  std::string cert;       // inline PEM certificate(s)
  std::string key;        // inline PEM private key (a secret)
  std::string client_ca;  // inline PEM client CAs
  std::string cert_file, key_file, client_ca_file;
  std::string client_auth_type;             // as written; ParseClientAuth() gives its meaning
  std::vector<uint16_t> cipher_suites;      // IANA ids, from Go's names
  std::vector<uint16_t> curve_preferences;  // Go's tls.CurveID values
  uint16_t min_version = kTLS12;
  uint16_t max_version = kTLS13;
  bool prefer_server_cipher_suites = true;
  std::vector<std::string> client_allowed_sans;
  bool client_allowed_sans_set = false;  // upstream checks SANs when the list is non-nil

  // Whether any field that turns TLS on is set (upstream's TLSConfig.IsEnabled).
  bool Enabled() const;
};

// http_server_config.
struct WebHTTPConfig {
  bool http2 = true;
  std::vector<std::pair<std::string, std::string>> headers;  // in file order
};

// rate_limit: a token bucket of `burst` requests refilled every `interval_ns`; 0 = no limit.
struct WebRateLimitConfig {
  int64_t burst = 0;
  int64_t interval_ns = 0;
};

struct WebConfig {
  WebTLSConfig tls_server_config;
  WebHTTPConfig http_server_config;
  WebRateLimitConfig rate_limit;
  // user -> bcrypt hash, in file order.
  std::vector<std::pair<std::string, std::string>> basic_auth_users;
};

// Decodes a web config strictly and checks the http_server_config headers; relative paths are
// joined with `dir` (Go's filepath.Join, so "./a/../b" becomes "b").
util::Result<WebConfig> ParseWebConfig(std::string_view text, std::string_view dir);

// Reads and parses the file at `path` (relative paths resolve against its directory).
util::Result<WebConfig> LoadWebConfigFile(const std::string& path);

// Upstream's web.Validate: loads the file, checks that every basic_auth_users value is a
// bcrypt hash, and builds the TLS setup when TLS is enabled: cert/key present, the files
// readable, the certificate and key a matching pair, the client CA file readable, a known
// client_auth_type, and no client CA without a client auth policy. OK when TLS is off.
util::Status ValidateWebConfigFile(const std::string& path);

// golang.org/x/crypto/bcrypt.Cost: the cost of a bcrypt hash such as "$2y$10$<53 chars>", or the
// error bcrypt gives for a malformed one. Only the format is checked, as upstream's check does;
// verifying a password needs the Blowfish-based hash itself.
util::Result<int> BcryptCost(std::string_view hash);

// client_auth_type: "" and "NoClientCert" are kNoClientCert; "RequireClientCert" is the old
// name of RequireAnyClientCert. Anything else: "invalid ClientAuth: <value>".
util::Result<ClientAuth> ParseClientAuth(std::string_view value);

// Go's name of a TLS cipher suite id (crypto/tls.CipherSuiteName for the suites upstream
// accepts), or "" when unknown.
std::string_view CipherSuiteName(uint16_t id);

}  // namespace promkit::config

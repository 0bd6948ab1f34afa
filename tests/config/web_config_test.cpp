// lib/config web config: strict decoding, defaults, header rules, bcrypt hash format, path
// joining, and the PEM/X.509 key-pair check (the fixture-wide comparison with promtool lives in
// web_config_agreement_test.cpp).
#include "config/web_config.h"

#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "config/internal/x509_keypair.h"
#include "testutil/subprocess.h"

namespace promkit::config {
namespace {

std::string Err(std::string_view yaml) {
  auto r = ParseWebConfig(yaml, ".");
  return r.ok() ? "OK" : std::string(r.status().message());
}

std::string WebFile(std::string_view name) {
  return testutil::ReadFileOrEmpty(std::string(PROMKIT_SOURCE_DIR) + "/testdata/config/web/" +
                                   std::string(name));
}

TEST(WebConfig, Defaults) {
  auto r = ParseWebConfig("", ".");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->tls_server_config.min_version, kTLS12);
  EXPECT_EQ(r->tls_server_config.max_version, kTLS13);
  EXPECT_TRUE(r->tls_server_config.prefer_server_cipher_suites);
  EXPECT_TRUE(r->http_server_config.http2);
  EXPECT_FALSE(r->tls_server_config.Enabled());
  EXPECT_TRUE(r->basic_auth_users.empty());
  EXPECT_EQ(r->rate_limit.interval_ns, 0);
}

TEST(WebConfig, NullSectionsZeroTheirDefaults) {
  // go-yaml sets a struct to its zero value for null, the defaults set before decoding included.
  auto r = ParseWebConfig("tls_server_config:\nhttp_server_config:\n", ".");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->tls_server_config.min_version, 0);
  EXPECT_FALSE(r->tls_server_config.prefer_server_cipher_suites);
  EXPECT_FALSE(r->http_server_config.http2);
}

TEST(WebConfig, AllFields) {
  auto r = ParseWebConfig(
      "tls_server_config:\n"
      "  cert_file: a/../server.crt\n"
      "  key_file: /abs/server.key\n"
      "  client_ca_file: ./ca.crt\n"
      "  client_auth_type: VerifyClientCertIfGiven\n"
      "  min_version: TLS10\n"
      "  max_version: TLS11\n"
      "  cipher_suites: [TLS_AES_256_GCM_SHA384, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256]\n"
      "  curve_preferences: [X25519, CurveP521]\n"
      "  prefer_server_cipher_suites: no\n"
      "  client_allowed_sans: []\n"
      "http_server_config:\n"
      "  http2: off\n"
      "  headers: {X-Frame-Options: deny, X-XSS-Protection: '0'}\n"
      "rate_limit: {burst: 5, interval: 1.5s}\n"
      "basic_auth_users:\n"
      "  u1: h1\n"
      "  2: 3\n",
      "conf/dir");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const WebTLSConfig& t = r->tls_server_config;
  EXPECT_EQ(t.cert_file, "conf/dir/server.crt");
  EXPECT_EQ(t.key_file, "/abs/server.key");
  EXPECT_EQ(t.client_ca_file, "conf/dir/ca.crt");
  EXPECT_EQ(*ParseClientAuth(t.client_auth_type), ClientAuth::kVerifyClientCertIfGiven);
  EXPECT_EQ(t.min_version, kTLS10);
  EXPECT_EQ(t.max_version, kTLS11);
  ASSERT_EQ(t.cipher_suites.size(), 2u);
  EXPECT_EQ(t.cipher_suites[0], 0x1302);
  EXPECT_EQ(CipherSuiteName(t.cipher_suites[1]), "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
  EXPECT_EQ(t.curve_preferences, (std::vector<uint16_t>{29, 25}));
  EXPECT_FALSE(t.prefer_server_cipher_suites);
  EXPECT_TRUE(t.client_allowed_sans_set);
  EXPECT_TRUE(t.client_allowed_sans.empty());
  EXPECT_FALSE(r->http_server_config.http2);
  ASSERT_EQ(r->http_server_config.headers.size(), 2u);
  EXPECT_EQ(r->http_server_config.headers[1].second, "0");
  EXPECT_EQ(r->rate_limit.burst, 5);
  EXPECT_EQ(r->rate_limit.interval_ns, 1'500'000'000);
  ASSERT_EQ(r->basic_auth_users.size(), 2u);
  EXPECT_EQ(r->basic_auth_users[1], (std::pair<std::string, std::string>{"2", "3"}));
}

TEST(WebConfig, ConfigDirectoryOfAPlainFileName) {
  // filepath.Join(".", "x") is "x": no "./" prefix in messages.
  auto r = ParseWebConfig("tls_server_config: {cert_file: x.crt, key_file: ../y.key}", ".");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->tls_server_config.cert_file, "x.crt");
  EXPECT_EQ(r->tls_server_config.key_file, "../y.key");
}

TEST(WebConfig, StrictErrors) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"foo: 1\ntls_server_config:\n  bar: 2\n",
       "yaml: unmarshal errors:\n  line 1: field foo not found in type web.Config\n"
       "  line 3: field bar not found in type web.TLSConfig"},
      {"tls_server_config: 1",
       "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!int `1` "
       "into web.TLSConfig"},
      {"http_server_config: {http2: 2}",
       "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!int `2` into bool"},
      {"http_server_config: {headers: [a]}",
       "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into map[string]string"},
      {"rate_limit: {burst: x}",
       "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `x` "
       "into int"},
      {"rate_limit: {interval: 5x}",
       "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `5x` into time.Duration"},
      {"rate_limit: {interval: true}",
       "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!bool `true` into time.Duration"},
      {"rate_limit: {interval: 1000}", "OK"},
      {"basic_auth_users: {a: {b: c}}",
       "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!map into config.plain"},
      {"basic_auth_users: [a]",
       "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into map[string]config.Secret"},
      {"tls_server_config: {key: [a]}",
       "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into config.plain"},
      {"tls_server_config: {cipher_suites: x}",
       "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `x` into []web.Cipher"},
      {"tls_server_config: {curve_preferences: {a: b}}",
       "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!map into []web.Curve"},
      {"tls_server_config: {client_allowed_sans: a}",
       "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `a` into []string"},
      // A custom unmarshaler's own error replaces the type errors collected so far.
      {"tls_server_config:\n  cert: [x]\n  min_version: TLS1\n", "unknown TLS version: TLS1"},
      {"tls_server_config: {cipher_suites: [~, TLS_AES_128_GCM_SHA256]}", "OK"},
      {"tls_server_config: {cipher_suites: [1]}", "unknown cipher: 1"},
      {"tls_server_config: {curve_preferences: [CurveP224]}", "unknown curve: CurveP224"},
      {"tls_server_config: {max_version: tls13}", "unknown TLS version: tls13"},
      {"tls_server_config: {min_version: }", "OK"},
      {"tls_server_config:\n  cert_file: a\n  cert_file: b\n",
       "yaml: unmarshal errors:\n  line 3: field cert_file already set in type web.TLSConfig"},
  };
  for (const auto& [yaml, want] : cases) {
    SCOPED_TRACE(yaml);
    EXPECT_EQ(Err(yaml), want);
  }
}

TEST(WebConfig, Headers) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"http_server_config: {headers: {Strict-Transport-Security: max-age=1}}", "OK"},
      {"http_server_config: {headers: {Content-Security-Policy: x, X-XSS-Protection: y}}", "OK"},
      {"http_server_config: {headers: {X-Content-Type-Options: nosniff}}", "OK"},
      {"http_server_config: {headers: {X-Content-Type-Options: sniff}}",
       "invalid value for X-Content-Type-Options. Expected one of: [\"nosniff\"], but got: "
       "\"sniff\""},
      {"http_server_config: {headers: {X-Frame-Options: DENY}}",
       "invalid value for X-Frame-Options. Expected one of: [\"deny\" \"sameorigin\"], but got: "
       "\"DENY\""},
      {"http_server_config: {headers: {Set-Cookie: a}}",
       "HTTP header \"Set-Cookie\" can not be configured"},
      {"http_server_config: {headers: {\"X\\tY\": a}}",
       "HTTP header \"X\\tY\" can not be configured"},
  };
  for (const auto& [yaml, want] : cases) {
    SCOPED_TRACE(yaml);
    EXPECT_EQ(Err(yaml), want);
  }
}

TEST(BcryptCost, Table) {
  const std::string tail53 = "0123456789012345678901ABCDEFGHIJKLMNOPQRSTUVWXYZ01234";
  ASSERT_EQ(tail53.size(), 53u);
  const std::pair<std::string, std::string> cases[] = {
      {"$2y$10$" + tail53, "10"},
      {"$2a$04$" + tail53, "4"},
      {"$2b$31$" + tail53, "31"},
      {"$2$10$" + tail53 + "x", "10"},       // no minor version
      {"$2x$10$" + tail53, "10"},            // the minor letter is not checked
      {"$1$10$" + tail53 + "x", "10"},       // any major version up to '2'
      {"$2y$+5$" + tail53, "5"},             // strconv.Atoi takes a sign
      {"$2y$10$" + tail53.substr(1), "10"},  // 59 bytes: the shortest bcrypt.Cost accepts
      {"$2y$10$" + tail53.substr(2),
       "crypto/bcrypt: hashedSecret too short to be a bcrypted password"},
      {"", "crypto/bcrypt: hashedSecret too short to be a bcrypted password"},
      {"#2y$10$" + tail53,
       "crypto/bcrypt: bcrypt hashes must start with '$', but hashedSecret started with '#'"},
      {"\xe9"
       "2y$10$" +
           tail53,
       "crypto/bcrypt: bcrypt hashes must start with '$', but hashedSecret started with "
       "'\xc3\xa9'"},
      {"$3y$10$" + tail53,
       "crypto/bcrypt: bcrypt algorithm version '3' requested is newer than current version '2'"},
      {"$2y$03$" + tail53, "crypto/bcrypt: cost 3 is outside allowed inclusive range 4..31"},
      {"$2y$32$" + tail53, "crypto/bcrypt: cost 32 is outside allowed inclusive range 4..31"},
      {"$2y$-1$" + tail53, "crypto/bcrypt: cost -1 is outside allowed inclusive range 4..31"},
      {"$2y$1a$" + tail53, "strconv.Atoi: parsing \"1a\": invalid syntax"},
      {"$2y$ 9$" + tail53, "strconv.Atoi: parsing \" 9\": invalid syntax"},
      {"$2y$--$" + tail53, "strconv.Atoi: parsing \"--\": invalid syntax"},
  };
  for (const auto& [hash, want] : cases) {
    SCOPED_TRACE(hash);
    auto r = BcryptCost(hash);
    EXPECT_EQ(r.ok() ? std::to_string(*r) : std::string(r.status().message()), want);
  }
}

TEST(ClientAuth, Values) {
  EXPECT_EQ(*ParseClientAuth(""), ClientAuth::kNoClientCert);
  EXPECT_EQ(*ParseClientAuth("NoClientCert"), ClientAuth::kNoClientCert);
  EXPECT_EQ(*ParseClientAuth("RequestClientCert"), ClientAuth::kRequestClientCert);
  EXPECT_EQ(*ParseClientAuth("RequireAnyClientCert"), ClientAuth::kRequireAnyClientCert);
  EXPECT_EQ(*ParseClientAuth("RequireClientCert"), ClientAuth::kRequireAnyClientCert);
  EXPECT_EQ(*ParseClientAuth("RequireAndVerifyClientCert"),
            ClientAuth::kRequireAndVerifyClientCert);
  EXPECT_EQ(ParseClientAuth("requireandverifyclientcert").status().message(),
            "invalid ClientAuth: requireandverifyclientcert");
}

TEST(Pem, DecodeLikeGo) {
  std::string_view in =
      "junk\n-----BEGIN A-----\nQUJD\n-----END A-----\n"
      "-----BEGIN B-----\nProc-Type: 4,ENCRYPTED\n\nREVG\n-----END B-----  \ntrailer";
  auto a = internal::DecodePem(&in);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->type, "A");
  EXPECT_EQ(a->bytes, "ABC");
  auto b = internal::DecodePem(&in);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->type, "B");
  EXPECT_EQ(b->bytes, "DEF");
  EXPECT_EQ(in, "trailer");
  EXPECT_FALSE(internal::DecodePem(&in).has_value());
  EXPECT_EQ(in, "trailer");

  // A block that does not close (wrong END type, bad base64) is skipped for the next one.
  std::string_view skip =
      "-----BEGIN X-----\nQUJD\n-----END Y-----\n-----BEGIN Z-----\nQU=D\n-----END Z-----\n"
      "-----BEGIN W-----\r\nQU\r\n JD\r\n-----END W-----\r\n";
  auto w = internal::DecodePem(&skip);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->type, "W");
  EXPECT_EQ(w->bytes, "ABC");
  EXPECT_TRUE(skip.empty());

  std::string_view empty_block = "-----BEGIN E-----\n-----END E-----\n";
  auto e = internal::DecodePem(&empty_block);
  ASSERT_TRUE(e.has_value());
  EXPECT_TRUE(e->bytes.empty());
}

TEST(X509KeyPair, Fixtures) {
  const std::string rsa_crt = WebFile("server.crt");
  const std::string ec_crt = WebFile("ec.crt");
  const std::string ed_crt = WebFile("ed25519.crt");
  ASSERT_FALSE(rsa_crt.empty());
  const std::tuple<std::string, std::string, std::string_view> cases[] = {
      {rsa_crt, WebFile("server.key"), "OK"},
      {rsa_crt, WebFile("server_pkcs1.key"), "OK"},
      {ec_crt, WebFile("ec.key"), "OK"},
      {ec_crt, WebFile("ec_pkcs8.key"), "OK"},
      {ed_crt, WebFile("ed25519.key"), "OK"},
      {rsa_crt + WebFile("client_ca.crt"), WebFile("server.key"), "OK"},  // chain: leaf first
      {WebFile("client_ca.crt") + rsa_crt, WebFile("server.key"),
       "tls: private key does not match public key"},
      {rsa_crt, WebFile("other.key"), "tls: private key does not match public key"},
      {ec_crt, WebFile("ec_other.key"), "tls: private key does not match public key"},
      {ec_crt, WebFile("server.key"), "tls: private key type does not match public key type"},
      {rsa_crt, WebFile("ed25519.key"), "tls: private key type does not match public key type"},
      {"", WebFile("server.key"), "tls: failed to find any PEM data in certificate input"},
      {WebFile("server.key"), rsa_crt,
       "tls: failed to find certificate PEM data in certificate input, but did find a private "
       "key; PEM inputs may have been switched"},
      {"-----BEGIN X-----\n-----END X-----\n-----BEGIN Y-----\n-----END Y-----\n", "",
       "tls: failed to find \"CERTIFICATE\" PEM block in certificate input after skipping PEM "
       "blocks of the following types: [X Y]"},
      {rsa_crt, "", "tls: failed to find any PEM data in key input"},
      {rsa_crt, rsa_crt,
       "tls: found a certificate rather than a key in the PEM for the private key"},
      {rsa_crt, "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n" + rsa_crt,
       "tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key input after "
       "skipping PEM blocks of the following types: [PUBLIC KEY CERTIFICATE]"},
      {rsa_crt, "-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n",
       "tls: failed to parse private key"},
      {"-----BEGIN CERTIFICATE-----\nAAA=\n-----END CERTIFICATE-----\n", WebFile("server.key"),
       "x509: malformed certificate"},
      {"-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----\n", WebFile("server.key"),
       "x509: malformed tbs certificate"},
  };
  for (const auto& [cert, key, want] : cases) {
    SCOPED_TRACE(want);
    util::Status st = internal::CheckX509KeyPair(cert, key);
    EXPECT_EQ(st.ok() ? "OK" : std::string(st.message()), want);
  }
}

TEST(X509KeyPair, TruncatedCertificatesNeverPass) {
  // Cutting the DER anywhere must give an x509 error, never OK or a crash.
  const std::string pem = WebFile("server.crt");
  std::string_view rest = pem;
  auto block = internal::DecodePem(&rest);
  ASSERT_TRUE(block.has_value());
  const std::string key = WebFile("server.key");
  for (size_t n = 0; n < block->bytes.size(); n += 7) {
    std::string der = block->bytes.substr(0, n);
    // Re-encode as PEM through base64 of the prefix.
    static constexpr char kB64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string b64;
    for (size_t i = 0; i < der.size(); i += 3) {
      uint32_t v = static_cast<uint8_t>(der[i]) << 16;
      if (i + 1 < der.size()) v |= static_cast<uint8_t>(der[i + 1]) << 8;
      if (i + 2 < der.size()) v |= static_cast<uint8_t>(der[i + 2]);
      b64 += kB64[(v >> 18) & 63];
      b64 += kB64[(v >> 12) & 63];
      b64 += i + 1 < der.size() ? kB64[(v >> 6) & 63] : '=';
      b64 += i + 2 < der.size() ? kB64[v & 63] : '=';
    }
    std::string cert = "-----BEGIN CERTIFICATE-----\n" + b64 + "\n-----END CERTIFICATE-----\n";
    util::Status st = internal::CheckX509KeyPair(cert, key);
    SCOPED_TRACE(n);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.message().rfind("x509: ", 0), 0u) << st.message();
  }
}

}  // namespace
}  // namespace promkit::config

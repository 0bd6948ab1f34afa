// common/config HTTPClientConfig, TLSConfig, BasicAuth, Authorization, OAuth2, ProxyConfig.
#include <algorithm>
#include <cctype>

#include <fmt/core.h>

#include "config/config.h"
#include "config/http_decode.h"
#include "config/internal/sections.h"
#include "util/strings.h"

namespace promkit::config {

using internal::Decoder;
using internal::Node;
using util::Status;

namespace {

int NonZero(std::initializer_list<bool> v) {
  return static_cast<int>(std::count(v.begin(), v.end(), true));
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Status ValidateTLS(const TLSConfig& c) {
  if (NonZero({!c.ca.empty(), !c.ca_file.empty(), !c.ca_ref.empty()}) > 1) {
    return Status::InvalidArgument("at most one of ca, ca_file & ca_ref must be configured");
  }
  if (NonZero({!c.cert.empty(), !c.cert_file.empty(), !c.cert_ref.empty()}) > 1) {
    return Status::InvalidArgument("at most one of cert, cert_file & cert_ref must be configured");
  }
  if (NonZero({!c.key.empty(), !c.key_file.empty(), !c.key_ref.empty()}) > 1) {
    return Status::InvalidArgument("at most one of key and key_file must be configured");
  }
  bool cert = !c.cert.empty() || !c.cert_file.empty() || !c.cert_ref.empty();
  bool key = !c.key.empty() || !c.key_file.empty() || !c.key_ref.empty();
  if (cert && !key) {
    return Status::InvalidArgument(
        "exactly one of key or key_file must be configured when a client certificate is "
        "configured");
  }
  if (key && !cert) {
    return Status::InvalidArgument(
        "exactly one of cert or cert_file must be configured when a client key is configured");
  }
  return Status::Ok();
}

void DecodeTLSVersion(Decoder& d, const Node& n, std::string& out) {
  if (!d.Str(n, out)) return;
  static constexpr std::string_view kVersions[] = {"TLS13", "TLS12", "TLS11", "TLS10"};
  if (std::find(std::begin(kVersions), std::end(kVersions), out) == std::end(kVersions)) {
    d.Fail(fmt::format("unknown TLS version: {}", out));
  }
}

std::vector<Decoder::Field> ProxyFields(Decoder& d, ProxyConfig& c) {
  return {
      {"proxy_url",
       [&](const Node& n) {
         if (d.Str(n, c.proxy_url)) {
           // url.Parse rarely fails; control characters are the common case.
           for (char ch : c.proxy_url) {
             if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) {
               d.Fail(fmt::format("parse {}: net/url: invalid control character in URL",
                                  util::GoQuote(c.proxy_url)));
               return;
             }
           }
         }
       }},
      {"no_proxy", [&](const Node& n) { d.Str(n, c.no_proxy); }},
      {"proxy_from_environment", [&](const Node& n) { d.Bool(n, c.proxy_from_environment); }},
      {"proxy_connect_header",
       [&](const Node& n) {
         // map[string][]Secret
         if (n.IsNull()) return;
         if (!n.IsMap()) {
           d.TypeError(n, "config.ProxyHeader");
           return;
         }
         for (size_t i = 0; i + 1 < n.items.size(); i += 2) {
           std::string k;
           std::vector<std::string> v;
           d.Str(n.items[i], k);
           d.StrList(n.items[i + 1], v, "[]config.Secret");
           c.proxy_connect_header.emplace_back(k, v.empty() ? "" : v[0]);
         }
       }},
  };
}

Status ValidateProxy(const ProxyConfig& c) {
  if (!c.proxy_connect_header.empty() && c.proxy_url.empty() && !c.proxy_from_environment) {
    return Status::InvalidArgument(
        "if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be "
        "configured");
  }
  if (c.proxy_from_environment && !c.proxy_url.empty()) {
    return Status::InvalidArgument(
        "if proxy_from_environment is configured, proxy_url must not be configured");
  }
  if (c.proxy_from_environment && !c.no_proxy.empty()) {
    return Status::InvalidArgument(
        "if proxy_from_environment is configured, no_proxy must not be configured");
  }
  if (c.proxy_url.empty() && !c.no_proxy.empty()) {
    return Status::InvalidArgument("if no_proxy is configured, proxy_url must also be configured");
  }
  return Status::Ok();
}

}  // namespace

namespace internal {

void DecodeTLS(Decoder& d, const Node& n, TLSConfig& c) {
  size_t mark = d.mark();
  d.Struct(n, "config.plain",
           {
               {"ca", [&](const Node& v) { d.Str(v, c.ca); }},
               {"cert", [&](const Node& v) { d.Str(v, c.cert); }},
               {"key", [&](const Node& v) { d.Str(v, c.key); }},
               {"ca_file", [&](const Node& v) { d.Str(v, c.ca_file); }},
               {"cert_file", [&](const Node& v) { d.Str(v, c.cert_file); }},
               {"key_file", [&](const Node& v) { d.Str(v, c.key_file); }},
               {"ca_ref", [&](const Node& v) { d.Str(v, c.ca_ref); }},
               {"cert_ref", [&](const Node& v) { d.Str(v, c.cert_ref); }},
               {"key_ref", [&](const Node& v) { d.Str(v, c.key_ref); }},
               {"server_name", [&](const Node& v) { d.Str(v, c.server_name); }},
               {"insecure_skip_verify", [&](const Node& v) { d.Bool(v, c.insecure_skip_verify); }},
               {"min_version", [&](const Node& v) { DecodeTLSVersion(d, v, c.min_version); }},
               {"max_version", [&](const Node& v) { DecodeTLSVersion(d, v, c.max_version); }},
           });
  if (n.IsNull() || d.mark() != mark || d.failed()) return;
  d.Fail(ValidateTLS(c));
}

std::vector<Decoder::Field> HttpClientFields(Decoder& d, HTTPClientConfig& c) {
  std::vector<Decoder::Field> fields = {
      {"basic_auth",
       [&](const Node& n) {
         if (n.IsNull()) return;
         BasicAuth& b = c.basic_auth.emplace();
         d.Struct(n, "config.plain",
                  {
                      {"username", [&](const Node& v) { d.Str(v, b.username); }},
                      {"username_file", [&](const Node& v) { d.Str(v, b.username_file); }},
                      {"username_ref", [&](const Node& v) { d.Str(v, b.username_ref); }},
                      {"password", [&](const Node& v) { d.Str(v, b.password); }},
                      {"password_file", [&](const Node& v) { d.Str(v, b.password_file); }},
                      {"password_ref", [&](const Node& v) { d.Str(v, b.password_ref); }},
                  });
       }},
      {"authorization",
       [&](const Node& n) {
         if (n.IsNull()) return;
         Authorization& a = c.authorization.emplace();
         d.Struct(n, "config.Authorization",
                  {
                      {"type", [&](const Node& v) { d.Str(v, a.type); }},
                      {"credentials", [&](const Node& v) { d.Str(v, a.credentials); }},
                      {"credentials_file", [&](const Node& v) { d.Str(v, a.credentials_file); }},
                      {"credentials_ref", [&](const Node& v) { d.Str(v, a.credentials_ref); }},
                  });
       }},
      {"oauth2",
       [&](const Node& n) {
         if (n.IsNull()) return;
         OAuth2& o = c.oauth2.emplace();
         std::vector<Decoder::Field> f = {
             {"client_id", [&](const Node& v) { d.Str(v, o.client_id); }},
             {"client_secret", [&](const Node& v) { d.Str(v, o.client_secret); }},
             {"client_secret_file", [&](const Node& v) { d.Str(v, o.client_secret_file); }},
             {"client_secret_ref", [&](const Node& v) { d.Str(v, o.client_secret_ref); }},
             {"client_certificate_key_id",
              [&](const Node& v) { d.Str(v, o.client_certificate_key_id); }},
             {"client_certificate_key", [&](const Node& v) { d.Str(v, o.client_certificate_key); }},
             {"client_certificate_key_file",
              [&](const Node& v) { d.Str(v, o.client_certificate_key_file); }},
             {"client_certificate_key_ref",
              [&](const Node& v) { d.Str(v, o.client_certificate_key_ref); }},
             {"grant_type", [&](const Node& v) { d.Str(v, o.grant_type); }},
             {"signature_algorithm", [&](const Node& v) { d.Str(v, o.signature_algorithm); }},
             {"iss", [&](const Node& v) { d.Str(v, o.iss); }},
             {"audience", [&](const Node& v) { d.Str(v, o.audience); }},
             {"claims",
              [&](const Node& v) {
                if (!v.IsNull() && !v.IsMap()) d.TypeError(v, "map[string]interface {}");
              }},
             {"scopes", [&](const Node& v) { d.StrList(v, o.scopes); }},
             {"token_url", [&](const Node& v) { d.Str(v, o.token_url); }},
             {"endpoint_params", [&](const Node& v) { d.StrMap(v, o.endpoint_params); }},
             {"tls_config", [&](const Node& v) { DecodeTLS(d, v, o.tls_config); }},
         };
         size_t mark = d.mark();
         d.Struct(n, "config.plain", Concat(std::move(f), ProxyFields(d, o.proxy)));
         if (d.mark() == mark && !d.failed()) d.Fail(ValidateProxy(o.proxy));
       }},
      {"bearer_token", [&](const Node& n) { d.Str(n, c.bearer_token); }},
      {"bearer_token_file", [&](const Node& n) { d.Str(n, c.bearer_token_file); }},
      {"tls_config", [&](const Node& n) { DecodeTLS(d, n, c.tls_config); }},
      {"follow_redirects", [&](const Node& n) { d.Bool(n, c.follow_redirects); }},
      {"enable_http2", [&](const Node& n) { d.Bool(n, c.enable_http2); }},
      {"http_headers",
       [&](const Node& n) {
         if (n.IsNull()) return;
         c.has_http_headers = true;
         if (!n.IsMap()) {
           d.TypeError(n, "config.Headers");
           return;
         }
         for (size_t i = 0; i + 1 < n.items.size(); i += 2) {
           const Node& h = n.items[i + 1];
           HTTPClientConfig::Header header;
           header.name = n.items[i].value;
           d.Struct(h, "config.Header",
                    {
                        {"values", [&](const Node& v) { d.StrList(v, header.values); }},
                        {"secrets",
                         [&](const Node& v) { d.StrList(v, header.secrets, "[]config.Secret"); }},
                        {"files", [&](const Node& v) { d.StrList(v, header.files); }},
                    });
           c.http_headers.push_back(std::move(header));
           std::string name = Lower(n.items[i].value);
           static constexpr std::string_view kReserved[] = {"authorization",
                                                            "host",
                                                            "content-encoding",
                                                            "content-length",
                                                            "content-type",
                                                            "user-agent",
                                                            "connection",
                                                            "keep-alive",
                                                            "proxy-authenticate",
                                                            "proxy-authorization",
                                                            "www-authenticate",
                                                            "accept-encoding",
                                                            "x-prometheus-remote-write-version",
                                                            "x-prometheus-remote-read-version",
                                                            "x-prometheus-scrape-timeout-seconds",
                                                            "x-amz-date",
                                                            "x-amz-security-token",
                                                            "x-amz-content-sha256",
                                                            "upgrade",
                                                            "te",
                                                            "trailer",
                                                            "transfer-encoding"};
           if (!d.failed() &&
               std::find(std::begin(kReserved), std::end(kReserved), name) != std::end(kReserved)) {
             d.Fail(
                 fmt::format("setting header {} is not allowed", util::GoQuote(n.items[i].value)));
           }
         }
       }},
  };
  return Concat(std::move(fields), ProxyFields(d, c.proxy));
}

}  // namespace internal

Status HTTPClientConfig::Validate() {
  HTTPClientConfig& c = *this;
  if (!c.bearer_token.empty() && !c.bearer_token_file.empty()) {
    return Status::InvalidArgument(
        "at most one of bearer_token & bearer_token_file must be configured");
  }
  if ((c.basic_auth || c.oauth2) && (!c.bearer_token.empty() || !c.bearer_token_file.empty())) {
    return Status::InvalidArgument(
        "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured");
  }
  if (c.basic_auth &&
      NonZero({!c.basic_auth->username.empty(), !c.basic_auth->username_file.empty(),
               !c.basic_auth->username_ref.empty()}) > 1) {
    return Status::InvalidArgument(
        "at most one of basic_auth username, username_file & username_ref must be configured");
  }
  if (c.basic_auth &&
      NonZero({!c.basic_auth->password.empty(), !c.basic_auth->password_file.empty(),
               !c.basic_auth->password_ref.empty()}) > 1) {
    return Status::InvalidArgument(
        "at most one of basic_auth password, password_file & password_ref must be configured");
  }
  if (c.authorization) {
    Authorization& a = *c.authorization;
    if (!c.bearer_token.empty() || !c.bearer_token_file.empty()) {
      return Status::InvalidArgument(
          "authorization is not compatible with bearer_token & bearer_token_file");
    }
    if (NonZero({!a.credentials.empty(), !a.credentials_file.empty(), !a.credentials_ref.empty()}) >
        1) {
      return Status::InvalidArgument(
          "at most one of authorization credentials & credentials_file must be configured");
    }
    std::string_view t = util::TrimSpace(a.type);
    a.type = t.empty() ? "Bearer" : std::string(t);
    if (Lower(a.type) == "basic") {
      return Status::InvalidArgument(
          "authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
    }
    if (c.basic_auth || c.oauth2) {
      return Status::InvalidArgument(
          "at most one of basic_auth, oauth2 & authorization must be configured");
    }
  } else if (!c.bearer_token.empty()) {
    c.authorization = Authorization{"Bearer", c.bearer_token, "", ""};
    c.bearer_token.clear();
  } else if (!c.bearer_token_file.empty()) {
    c.authorization = Authorization{"Bearer", "", c.bearer_token_file, ""};
    c.bearer_token_file.clear();
  }
  if (c.oauth2) {
    const OAuth2& o = *c.oauth2;
    if (c.basic_auth) {
      return Status::InvalidArgument(
          "at most one of basic_auth, oauth2 & authorization must be configured");
    }
    if (o.client_id.empty()) return Status::InvalidArgument("oauth2 client_id must be configured");
    if (o.token_url.empty()) return Status::InvalidArgument("oauth2 token_url must be configured");
    if (o.grant_type == "urn:ietf:params:oauth:grant-type:jwt-bearer") {
      if (NonZero({!o.client_certificate_key.empty(), !o.client_certificate_key_file.empty(),
                   !o.client_certificate_key_ref.empty()}) > 1) {
        return Status::InvalidArgument(
            "at most one of oauth2 client_certificate_key, client_certificate_key_file & "
            "client_certificate_key_ref must be configured using "
            "grant-type=urn:ietf:params:oauth:grant-type:jwt-bearer");
      }
      if (!o.signature_algorithm.empty() && o.signature_algorithm != "RS256" &&
          o.signature_algorithm != "RS384" && o.signature_algorithm != "RS512") {
        return Status::InvalidArgument("valid signature algorithms are RS256, RS384 and RS512");
      }
    } else if (NonZero({!o.client_secret.empty(), !o.client_secret_file.empty(),
                        !o.client_secret_ref.empty()}) > 1) {
      return Status::InvalidArgument(
          "at most one of oauth2 client_secret, client_secret_file & client_secret_ref must be "
          "configured using grant-type=client_credentials");
    }
  }
  return ValidateProxy(c.proxy);
}

void DecodeHTTPClientConfig(util::YamlDecoder& d, const util::YamlNode& n, HTTPClientConfig& c) {
  c = HTTPClientConfig{};
  size_t mark = d.mark();
  d.Struct(n, "config.plain", internal::HttpClientFields(d, c));
  if (n.IsNull() || d.mark() != mark || d.failed()) return;
  d.Fail(c.Validate());
}

void DecodeTLSConfig(util::YamlDecoder& d, const util::YamlNode& n, TLSConfig& c) {
  internal::DecodeTLS(d, n, c);
}

void DecodeHeaders(util::YamlDecoder& d, const util::YamlNode& n) {
  // The same decoding as an inlined `http_headers` field.
  HTTPClientConfig scratch;
  for (const Decoder::Field& f : internal::HttpClientFields(d, scratch)) {
    if (f.name == "http_headers") f.decode(n);
  }
}

}  // namespace promkit::config

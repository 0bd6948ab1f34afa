#include "scrape/http_config.h"

#include <string>
#include <string_view>

#include <fmt/core.h>

#include "util/file.h"
#include "util/strings.h"

namespace promkit::scrape {
namespace {

util::Status Unsupported(std::string_view what) {
  return util::Status::InvalidArgument(
      fmt::format("{} is not supported by promkit's HTTP client yet", what));
}

// A secret given inline or as a file (read now, surrounding space trimmed, as common/config).
util::Result<std::string> Secret(const std::string& inline_value, const std::string& file) {
  if (file.empty()) return inline_value;
  util::Result<std::string> s = util::ReadFile(file);
  if (!s.ok()) return s.status().Wrap(fmt::format("unable to read file {}", file));
  return std::string(util::TrimSpace(*s));
}

util::Status ApplyTls(const config::TLSConfig& t, TlsOptions& o) {
  if (!t.ca_ref.empty() || !t.cert_ref.empty() || !t.key_ref.empty()) {
    return Unsupported("secret references");
  }
  o.ca_file = t.ca_file;
  o.cert_file = t.cert_file;
  o.key_file = t.key_file;
  o.ca_pem = t.ca;
  o.cert_pem = t.cert;
  o.key_pem = t.key;
  o.server_name = t.server_name;
  o.insecure_skip_verify = t.insecure_skip_verify;
  o.min_version = t.min_version;
  o.max_version = t.max_version;
  return util::Status::Ok();
}

void ApplyProxy(const config::ProxyConfig& p, ProxyOptions& o) {
  o.url = p.proxy_url;
  o.no_proxy = p.no_proxy;
  o.from_environment = p.proxy_from_environment;
  o.connect_headers.assign(p.proxy_connect_header.begin(), p.proxy_connect_header.end());
}

}  // namespace

util::Status ApplyHttpClientConfig(const config::HTTPClientConfig& c, FetchOptions& o) {
  PROMKIT_RETURN_IF_ERROR(ApplyTls(c.tls_config, o.tls));
  ApplyProxy(c.proxy, o.proxy);
  o.follow_redirects = c.follow_redirects;
  if (c.oauth2) {
    const config::OAuth2& a = *c.oauth2;
    if (!a.grant_type.empty() && a.grant_type != "client_credentials") {
      return Unsupported(fmt::format("oauth2 grant_type {}", a.grant_type));
    }
    if (!a.client_secret_ref.empty()) return Unsupported("secret references");
    OAuth2Options& oa = o.oauth2.emplace();
    oa.client_id = a.client_id;
    PROMKIT_ASSIGN_OR_RETURN(oa.client_secret, Secret(a.client_secret, a.client_secret_file));
    oa.token_url = a.token_url;
    oa.scopes = a.scopes;
    oa.endpoint_params.assign(a.endpoint_params.begin(), a.endpoint_params.end());
    PROMKIT_RETURN_IF_ERROR(ApplyTls(a.tls_config, oa.tls));
    ApplyProxy(a.proxy, oa.proxy);
  }
  if (c.basic_auth) {
    const config::BasicAuth& b = *c.basic_auth;
    if (!b.username_ref.empty() || !b.password_ref.empty()) return Unsupported("secret references");
    o.has_basic_auth = true;
    PROMKIT_ASSIGN_OR_RETURN(o.basic_auth_user, Secret(b.username, b.username_file));
    PROMKIT_ASSIGN_OR_RETURN(o.basic_auth_password, Secret(b.password, b.password_file));
  }
  if (c.authorization) {
    const config::Authorization& a = *c.authorization;
    if (!a.credentials_ref.empty()) return Unsupported("secret references");
    PROMKIT_ASSIGN_OR_RETURN(std::string cred, Secret(a.credentials, a.credentials_file));
    o.headers.emplace_back("Authorization", (a.type.empty() ? "Bearer" : a.type) + " " + cred);
  }
  o.bearer_token = c.bearer_token;
  o.bearer_token_file = c.bearer_token_file;
  for (const config::HTTPClientConfig::Header& h : c.http_headers) {
    for (const std::string& v : h.values) o.headers.emplace_back(h.name, v);
    for (const std::string& v : h.secrets) o.headers.emplace_back(h.name, v);
    for (const std::string& f : h.files) {
      PROMKIT_ASSIGN_OR_RETURN(std::string v, Secret("", f));
      o.headers.emplace_back(h.name, std::move(v));
    }
  }
  return util::Status::Ok();
}

}  // namespace promkit::scrape

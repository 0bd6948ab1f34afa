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

}  // namespace

util::Status ApplyHttpClientConfig(const config::HTTPClientConfig& c, FetchOptions& o) {
  if (c.oauth2) return Unsupported("oauth2");
  const config::TLSConfig& t = c.tls_config;
  if (!t.ca_ref.empty() || !t.cert_ref.empty() || !t.key_ref.empty()) {
    return Unsupported("secret references");
  }
  o.tls.ca_file = t.ca_file;
  o.tls.cert_file = t.cert_file;
  o.tls.key_file = t.key_file;
  o.tls.ca_pem = t.ca;
  o.tls.cert_pem = t.cert;
  o.tls.key_pem = t.key;
  o.tls.server_name = t.server_name;
  o.tls.insecure_skip_verify = t.insecure_skip_verify;
  o.tls.min_version = t.min_version;
  o.tls.max_version = t.max_version;
  o.follow_redirects = c.follow_redirects;
  o.proxy.url = c.proxy.proxy_url;
  o.proxy.no_proxy = c.proxy.no_proxy;
  o.proxy.from_environment = c.proxy.proxy_from_environment;
  o.proxy.connect_headers.assign(c.proxy.proxy_connect_header.begin(),
                                 c.proxy.proxy_connect_header.end());
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

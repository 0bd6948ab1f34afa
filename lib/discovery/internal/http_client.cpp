#include "discovery/internal/http_client.h"

#include <string>

#include <fmt/core.h>

#include "util/file.h"
#include "util/strings.h"

namespace promkit::discovery::internal {

namespace {

util::Result<std::string> Secret(const std::string& inline_value, const std::string& file) {
  if (file.empty()) return inline_value;
  auto text = util::ReadFile(file);
  if (!text.ok()) return text.status().Wrap(fmt::format("unable to read file {}", file));
  return std::string(util::TrimSpace(*text));
}

util::Status Unsupported(std::string_view what) {
  return util::Status::InvalidArgument(
      fmt::format("{} is not supported by promkit's service discovery client yet", what));
}

}  // namespace

util::Result<scrape::FetchOptions> FetchOptionsFor(const config::HTTPClientConfig& http) {
  scrape::FetchOptions o;
  o.follow_redirects = http.follow_redirects;
  if (http.oauth2) return Unsupported("oauth2");
  if (!http.proxy.proxy_url.empty() || http.proxy.proxy_from_environment) {
    return Unsupported("a proxy");
  }
  const config::TLSConfig& t = http.tls_config;
  if (!t.ca.empty() || !t.cert.empty() || !t.key.empty()) return Unsupported("inline TLS material");
  o.tls.ca_file = t.ca_file;
  o.tls.cert_file = t.cert_file;
  o.tls.key_file = t.key_file;
  o.tls.server_name = t.server_name;
  o.tls.insecure_skip_verify = t.insecure_skip_verify;
  if (http.basic_auth) {
    o.has_basic_auth = true;
    PROMKIT_ASSIGN_OR_RETURN(o.basic_auth_user,
                             Secret(http.basic_auth->username, http.basic_auth->username_file));
    PROMKIT_ASSIGN_OR_RETURN(o.basic_auth_password,
                             Secret(http.basic_auth->password, http.basic_auth->password_file));
  }
  if (http.authorization) {
    PROMKIT_ASSIGN_OR_RETURN(std::string cred, Secret(http.authorization->credentials,
                                                      http.authorization->credentials_file));
    std::string type = http.authorization->type.empty() ? "Bearer" : http.authorization->type;
    o.headers.emplace_back("Authorization", type + " " + cred);
  }
  o.bearer_token = http.bearer_token;
  o.bearer_token_file = http.bearer_token_file;
  return o;
}

}  // namespace promkit::discovery::internal

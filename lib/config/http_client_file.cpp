#include "config/http_client_file.h"

#include "config/internal/decode.h"
#include "config/internal/sections.h"
#include "config/internal/yaml_tree.h"
#include "util/file.h"

namespace promkit::config {
util::Result<HTTPClientConfig> LoadHTTPClientConfigFile(const std::string& filename) {
  PROMKIT_ASSIGN_OR_RETURN(std::string text, util::ReadFile(filename));
  PROMKIT_ASSIGN_OR_RETURN(internal::Node root, internal::ParseYaml(text));
  HTTPClientConfig c;
  internal::Decoder d;
  size_t mark = d.mark();
  d.Struct(root, "config.plain", internal::HttpClientFields(d, c));
  if (d.mark() == mark && !d.failed()) d.Fail(c.Validate());
  PROMKIT_RETURN_IF_ERROR(d.Finish());

  const size_t slash = filename.rfind('/');
  const std::string dir = slash == std::string::npos ? "" : filename.substr(0, slash + 1);
  auto join = [&dir](std::string& p) {
    if (!p.empty() && p[0] != '/') p = dir + p;
  };
  if (c.authorization) join(c.authorization->credentials_file);
  join(c.bearer_token_file);
  join(c.tls_config.ca_file);
  join(c.tls_config.cert_file);
  join(c.tls_config.key_file);
  if (c.basic_auth) {
    join(c.basic_auth->password_file);
    join(c.basic_auth->username_file);
  }
  if (c.oauth2) join(c.oauth2->client_secret_file);
  return c;
}

}  // namespace promkit::config

#pragma once
// The client side of OAuth 2.0 client credentials as Prometheus's HTTP client does it
// (golang.org/x/oauth2/clientcredentials under common/config): POST grant_type=
// client_credentials (scope, endpoint_params) to the token URL, client credentials first in a
// basic-auth header and, when that fails, in the form; the token is cached until 10s before it
// expires. Errors read as x/oauth2's ("oauth2: cannot fetch token: 401 Unauthorized\nResponse:
// ...", "oauth2: \"invalid_client\" \"bad secret\"", "oauth2: server response missing
// access_token").
// Thread-safety: OAuth2Authorization may be called from several threads (the cache is locked).

#include <string>

#include "scrape/fetch.h"
#include "util/status.h"

namespace promkit::scrape {

// The Authorization header value ("Bearer <token>") for `o`; the token request uses
// `user_agent` and `timeout_ns` of the request it serves.
util::Result<std::string> OAuth2Authorization(const OAuth2Options& o, const std::string& user_agent,
                                              int64_t timeout_ns);

}  // namespace promkit::scrape

#pragma once
// Request options for a common/config HTTP client config (scrape configs, SD configs, API
// clients' --http.config.file): basic auth and authorization (inline or from files), bearer
// tokens, TLS (files or inline PEM, server name, versions), proxies, http_headers, redirects.
// What the fetcher cannot honour yet (OAuth 2.0, secret references) fails instead of being
// ignored.
// Thread-safety: reentrant.

#include "config/config.h"
#include "scrape/fetch.h"
#include "util/status.h"

namespace promkit::scrape {

// Sets `o`'s TLS, auth, proxy, header and redirect options from `c`, reading credential and
// header files now.
util::Status ApplyHttpClientConfig(const config::HTTPClientConfig& c, FetchOptions& o);

}  // namespace promkit::scrape

#pragma once
// The request options lib/scrape's fetcher needs for a common/config HTTP client config:
// basic auth (inline or from files), authorization / bearer tokens, TLS files, redirects.
// Settings the fetcher has no way to honour (inline TLS material, proxies, OAuth 2.0) fail
// instead of being ignored.

#include "config/config.h"
#include "scrape/fetch.h"
#include "util/status.h"

namespace promkit::discovery::internal {

util::Result<scrape::FetchOptions> FetchOptionsFor(const config::HTTPClientConfig& http);

}  // namespace promkit::discovery::internal

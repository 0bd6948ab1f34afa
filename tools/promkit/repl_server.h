#pragma once
// `promkit repl --url SERVER`: a repl backend that asks a Prometheus-compatible HTTP API
// (/api/v1/query, /query_range, /series, /labels, /label/NAME/values) through `query`'s client,
// with the same --http.config.file and --header options.

#include <memory>
#include <string>

#include "repl/backend.h"
#include "scrape/fetch.h"

namespace promkit::cli {

// `server` is an http(s) URL (a path prefix is kept); `base` carries TLS, auth and headers.
std::shared_ptr<repl::Backend> NewServerBackend(scrape::FetchOptions base, std::string server);

}  // namespace promkit::cli

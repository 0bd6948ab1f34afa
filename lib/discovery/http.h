#pragma once
// http_sd_configs (upstream discovery/http): GET the URL with Accept: application/json and
// X-Prometheus-Refresh-Interval-Seconds; a 200 response whose Content-Type is application/json
// (optionally with charset utf-8) holds a JSON list of target groups. Each group gets
// __meta_url and the source "<url>:<index>"; when the list shrinks, the lost sources come back
// as empty groups. Requests use the config's HTTP client settings (auth, TLS, redirects).
// Thread-safety: single-threaded.

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"
#include "discovery/target_group.h"
#include "util/status.h"

namespace promkit::discovery {

inline constexpr std::string_view kUrlLabel = "__meta_url";

class HttpDiscovery {
 public:
  explicit HttpDiscovery(config::HTTPSDConfig cfg) : cfg_(std::move(cfg)) {}

  // One request, bounded by min(refresh_interval, timeout_ms) as upstream bounds it by the
  // refresh interval. Errors read as upstream's: "server returned HTTP status 404 Not Found",
  // `unsupported content type "text/plain"`, the JSON decoder's, "nil target group item found".
  util::Result<std::vector<TargetGroup>> Refresh(int64_t timeout_ms);

 private:
  config::HTTPSDConfig cfg_;
  size_t last_length_ = 0;
};

// True for the Content-Type values http_sd accepts (after trimming white space):
// application/json, optionally followed by ;charset=utf-8 (or "utf-8"), case-insensitively.
bool IsJsonContentType(std::string_view content_type);

}  // namespace promkit::discovery

#pragma once
// Running a scrape config's service discovery once, as `check service-discovery` and one-shot
// scrapes need it: every static, file, http and dns config of the job, concurrently, each
// delivering its first set of target groups. Upstream runs each discoverer until a deadline
// and keeps what arrived; here each stops after its first refresh, bounded by the timeout.
// SD types without a discoverer yet are reported as errors and contribute no targets.
// Thread-safety: DiscoverOnce is reentrant.

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"
#include "discovery/dns.h"
#include "discovery/target_group.h"

namespace promkit::discovery {

struct DiscoverOptions {
  int64_t timeout_ms = 30'000;
  DnsOptions dns;
};

// One discoverer's output.
struct ProviderResult {
  std::string provider;  // "static", "file_sd_configs[0]", "http_sd_configs[1]", ...
  std::vector<TargetGroup> groups;
  // What upstream logs without failing: unreadable files, failed requests or lookups,
  // unsupported SD types. One line each.
  std::vector<std::string> errors;
};

std::vector<ProviderResult> DiscoverOnce(const config::ScrapeConfig& cfg,
                                         const DiscoverOptions& opts);

}  // namespace promkit::discovery

#include "discovery/discovery.h"

#include <functional>
#include <thread>

#include <fmt/core.h>

#include "discovery/file.h"
#include "discovery/http.h"

namespace promkit::discovery {

std::vector<ProviderResult> DiscoverOnce(const config::ScrapeConfig& cfg,
                                         const DiscoverOptions& opts) {
  std::vector<ProviderResult> results;
  std::vector<std::function<void(ProviderResult&)>> jobs;
  for (size_t i = 0; i < cfg.sd.file_sd_configs.size(); ++i) {
    results.push_back(ProviderResult{fmt::format("file_sd_configs[{}]", i), {}, {}});
    jobs.push_back([&cfg, i](ProviderResult& r) {
      FileDiscovery d(cfg.sd.file_sd_configs[i]);
      std::vector<std::string> errors;
      r.groups = d.Refresh(errors);
      for (const std::string& e : errors) r.errors.push_back("Error reading file: " + e);
    });
  }
  for (size_t i = 0; i < cfg.sd.http_sd_configs.size(); ++i) {
    results.push_back(ProviderResult{fmt::format("http_sd_configs[{}]", i), {}, {}});
    jobs.push_back([&cfg, &opts, i](ProviderResult& r) {
      HttpDiscovery d(cfg.sd.http_sd_configs[i]);
      auto groups = d.Refresh(opts.timeout_ms);
      if (groups.ok()) {
        r.groups = std::move(*groups);
      } else {
        r.errors.push_back("Unable to refresh target groups: " + groups.status().ToString());
      }
    });
  }
  for (size_t i = 0; i < cfg.sd.dns_sd_configs.size(); ++i) {
    results.push_back(ProviderResult{fmt::format("dns_sd_configs[{}]", i), {}, {}});
    jobs.push_back([&cfg, &opts, i](ProviderResult& r) {
      DnsDiscovery d(cfg.sd.dns_sd_configs[i], opts.dns);
      std::vector<std::string> errors;
      r.groups = d.Refresh(opts.timeout_ms, errors);
      for (const std::string& e : errors) r.errors.push_back("Error refreshing DNS targets: " + e);
    });
  }
  for (const config::OtherSDConfig& other : cfg.sd.others) {
    if (other.key == "http_sd_configs" || other.key == "dns_sd_configs") continue;
    results.push_back(ProviderResult{
        other.key,
        {},
        {fmt::format("{} discovery is not implemented in promkit yet; its targets are missing",
                     other.key)}});
    jobs.emplace_back();
  }
  // Upstream coalesces all static_configs into one discoverer, listed after the others.
  if (!cfg.sd.static_configs.empty()) {
    ProviderResult r{"static", {}, {}};
    for (size_t i = 0; i < cfg.sd.static_configs.size(); ++i) {
      r.groups.push_back(FromConfig(cfg.sd.static_configs[i], std::to_string(i)));
    }
    results.push_back(std::move(r));
    jobs.emplace_back();
  }
  {
    std::vector<std::jthread> threads;
    for (size_t i = 0; i < jobs.size(); ++i) {
      if (jobs[i]) threads.emplace_back([&jobs, &results, i] { jobs[i](results[i]); });
    }
  }
  return results;
}

}  // namespace promkit::discovery

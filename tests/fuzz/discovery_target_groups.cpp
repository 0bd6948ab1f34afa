// Fuzzes the target group decoders of file_sd and http_sd (JSON as encoding/json, YAML as
// go-yaml's strict mode) and the target labels built from what they accept: arbitrary input
// never crashes them.
#include <cstdint>
#include <string_view>

#include "discovery/target_group.h"
#include "discovery/targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  promkit::config::ScrapeConfig cfg;
  cfg.job_name = "fuzz";
  cfg.scrape_interval_ms = 60000;
  cfg.scrape_timeout_ms = 10000;
  for (auto groups : {promkit::discovery::ParseTargetGroupsJson(in),
                      promkit::discovery::ParseTargetGroupsYaml(in)}) {
    if (!groups.ok()) continue;
    for (const auto& g : *groups) {
      for (const auto& t : g.targets) (void)promkit::discovery::PopulateLabels(cfg, t, g.labels);
    }
  }
  return 0;
}

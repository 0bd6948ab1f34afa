// Fuzzes the prometheus.yml loader: arbitrary YAML never crashes it, and what loads can be
// relabeled.
#include <cstdint>
#include <string_view>

#include "config/config.h"
#include "model/labels.h"
#include "relabel/relabel.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto cfg = promkit::config::Load(in);
  if (!cfg.ok()) return 0;
  const auto target = promkit::model::Labels::FromStrings(
      {"__address__", "localhost:9090", "job", "x", "__meta_a", "A-b"});
  for (const auto& sc : cfg->scrape_configs) {
    (void)promkit::relabel::Process(target, sc.relabel_configs);
    (void)promkit::relabel::Process(target, sc.metric_relabel_configs);
  }
  return 0;
}

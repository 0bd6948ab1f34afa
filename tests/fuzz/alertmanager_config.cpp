// Fuzzes the alertmanager.yml loader: arbitrary YAML never crashes it, and what loads can have
// its matchers printed and evaluated.
#include <cstdint>
#include <string_view>

#include "alertmanager/config.h"

namespace {

void Walk(const promkit::alertmanager::Route& r) {
  (void)promkit::alertmanager::MatchersString(r.matchers);
  (void)promkit::alertmanager::MatchesAll(r.matchers, {{"alertname", "x"}});
  for (const auto& child : r.routes) Walk(*child);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto cfg = promkit::alertmanager::Load(in);
  if (!cfg.ok()) return 0;
  Walk(*cfg->route);
  return 0;
}

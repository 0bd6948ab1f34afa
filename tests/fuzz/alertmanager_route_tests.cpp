// Fuzzes the routing test file parser (`am config routes test --file`) and runs what parses
// against a small fixed config.
#include <cstdint>
#include <string_view>

#include "alertmanager/config.h"
#include "alertmanager/route_tests.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace promkit::alertmanager;
  static const Config* cfg = [] {
    auto c = Load(
        "route:\n  receiver: a\n  routes:\n  - matchers: [x=~\"y.*\"]\n    receiver: b\n"
        "    continue: true\n    mute_time_intervals: [w]\nreceivers: [{name: a}, {name: b}]\n"
        "time_intervals:\n- name: w\n  time_intervals:\n  - weekdays: [saturday]\n"
        "inhibit_rules:\n- source_matchers: [s=c]\n  target_matchers: [s=w]\n  equal: [n]\n");
    return new Config(std::move(*c));  // NOLINT: lives for the process
  }();
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto f = ParseRouteTests(in);
  if (f.ok()) (void)RunRouteTests(*cfg, *f);
  return 0;
}

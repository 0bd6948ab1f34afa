#pragma once
// What `check service-discovery` reports (upstream cmd/promtool/sd.go): for every target of
// every group, its labels before relabeling ("discoveredLabels") and after ("labels", empty
// when dropped or invalid), with an "error" member for invalid targets. Results are grouped by
// group source (first seen first); identical results within a source are listed once.
// Pure functions; thread-safe.

#include <string>
#include <vector>

#include "config/config.h"
#include "discovery/discovery.h"
#include "discovery/targets.h"

namespace promkit::discovery {

struct SdCheckResult {
  std::string source;
  TargetLabels target;
};

std::vector<SdCheckResult> CheckResults(const config::ScrapeConfig& cfg,
                                        const std::vector<ProviderResult>& providers,
                                        bool trace = false);

// promtool's json.MarshalIndent(results, "", "  "): "[]" when empty, no final newline. An
// error marshals as "{}" (Go's errors have no exported fields).
std::string RenderSdCheckJson(const std::vector<SdCheckResult>& results);

// promkit's --trace: for each result, the discovered labels, every relabel rule applied (index,
// action, and how it changed the labels: "- name=value" for a label before, "+ name=value" for
// one after, or "unchanged" / "dropped") and the outcome. Ends in a newline.
std::string RenderSdCheckTrace(const std::vector<SdCheckResult>& results);

}  // namespace promkit::discovery

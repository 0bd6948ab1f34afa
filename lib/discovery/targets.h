#pragma once
// From a discovered target to the labels of a scrape target (upstream scrape/target.go
// PopulateDiscoveredLabels and PopulateLabels): the target's labels, then the group's labels
// it lacks, then the job's defaults where unset (job, __scrape_interval__, __scrape_timeout__,
// __metrics_path__, __scheme__, the three native-histogram switches, __param_<name> for the
// first value of each param), then relabel_configs; a kept target must have an __address__
// without '/', a parseable non-zero interval and timeout with timeout <= interval, and valid
// label values; __meta_* labels are removed and instance defaults to __address__.
// Prometheus 3.x adds no default port to __address__ (2.x did).
// Pure functions; thread-safe.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "discovery/target_group.h"
#include "model/labels.h"
#include "relabel/relabel.h"
#include "util/status.h"

namespace promkit::discovery {

// One relabel rule applied to one target, for tracing.
struct RelabelStep {
  size_t index = 0;  // into relabel_configs
  relabel::Action action = relabel::Action::kReplace;
  model::Labels before;
  model::Labels after;  // empty when the rule dropped the target
  bool dropped = false;
};

struct TargetLabels {
  model::Labels discovered;        // before relabeling, defaults applied
  model::Labels labels;            // the scrape target's labels; empty when dropped or on error
  util::Status error;              // why the target is invalid (e.g. "no address")
  std::vector<RelabelStep> trace;  // filled when asked for; stops at a drop
  bool dropped() const { return error.ok() && labels.empty(); }
};

// PopulateDiscoveredLabels.
model::Labels DiscoveredLabels(const config::ScrapeConfig& cfg, const LabelSet& target,
                               const LabelSet& group);

// PopulateLabels; `trace` records every relabel step.
TargetLabels PopulateLabels(const config::ScrapeConfig& cfg, const LabelSet& target,
                            const LabelSet& group, bool trace = false);

// {name="value", ...} (values quoted as JSON strings), for traces and test reports.
std::string FormatLabels(const model::Labels& labels);

// How a relabel step changed a label set, one line per label in name order, each prefixed by
// `indent`: "- name=value" for a label as it was, "+ name=value" as it became (both for a
// changed value). Empty when nothing changed.
std::string FormatLabelDiff(const model::Labels& before, const model::Labels& after,
                            std::string_view indent);

}  // namespace promkit::discovery

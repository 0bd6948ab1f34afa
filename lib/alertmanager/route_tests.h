#pragma once
// Routing test files (promkit's `am config routes test --file`): many routing cases checked
// against one alertmanager.yml in a single run, for CI. The YAML format:
//
//   config_file: alertmanager.yml   # relative to this file; RouteTestOptions can override it
//   tests:
//   - name: database alerts page the DB team      # optional; "test <n>" otherwise
//     labels: {service: database, owner: team-X}  # the alert
//     receivers: [team-X-pager, team-DB-pager]    # expected, in routing order
//     group_by: {team-X-pager: [alertname]}       # optional: per receiver, the labels its
//                                                 # alert group is keyed by (alert's labels
//                                                 # among the route's group_by)
//     at: 2024-01-06T23:00:00Z                    # optional: the time for `notify`
//     notify: [team-DB-pager]                     # optional: receivers not muted at `at`
//     firing: [{severity: critical, alertname: X}] # optional: other alerts firing
//     inhibited: true                              # optional: muted by inhibit_rules
//
// Decoding is strict (unknown fields and wrong types are errors with their line).
// Thread-safety: reentrant.

#include <string>
#include <vector>

#include "alertmanager/matchers.h"
#include "util/status.h"

namespace promkit::alertmanager {

struct RouteTestOptions {
  std::string config_file;  // overrides the file's config_file when set
  MatcherMode matcher_mode = MatcherMode::kFallback;
};

struct RouteTestResult {
  std::string name;
  std::vector<std::string> failures;  // empty when the case passed
};

struct RouteTestReport {
  std::string config_file;  // the config tested
  std::vector<RouteTestResult> results;
};

// Loads the test file and its config and runs every case. Errors: the test file's or the
// config's loading errors (prefixed with the config's path for the latter).
util::Result<RouteTestReport> RunRouteTestFile(const std::string& path,
                                               const RouteTestOptions& opts);

}  // namespace promkit::alertmanager

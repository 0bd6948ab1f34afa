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

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "alertmanager/config.h"
#include "alertmanager/matchers.h"
#include "util/status.h"

namespace promkit::alertmanager {

struct RouteTestCase {
  std::string name;
  int line = 0;
  LabelSet labels;
  std::optional<std::vector<std::string>> receivers, notify;
  std::optional<std::vector<std::pair<std::string, std::vector<std::string>>>> group_by;
  std::optional<int64_t> at_ms;
  std::vector<LabelSet> firing;
  std::optional<bool> inhibited;
};

struct RouteTestFile {
  std::string config_file;  // as written
  std::vector<RouteTestCase> tests;
};

// Decodes and checks a test file's text (every case expects something; notify needs at).
util::Result<RouteTestFile> ParseRouteTests(std::string_view text);

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

// Runs every case against a loaded config.
RouteTestReport RunRouteTests(const Config& cfg, const RouteTestFile& file);

// Loads the test file and its config and runs every case. Errors: the test file's or the
// config's loading errors (prefixed with the config's path for the latter).
util::Result<RouteTestReport> RunRouteTestFile(const std::string& path,
                                               const RouteTestOptions& opts);

}  // namespace promkit::alertmanager

#pragma once
// `promkit test relabel`: unit tests for relabeling, in a YAML format of promkit's own. A test
// file holds defaults and a list of tests; each test relabels one input and compares the outcome:
//
//   config_file: prometheus.yml   # default for the tests; relative to the test file
//   job: web                      # default job
//   tests:
//     - name: databases are not scraped      # optional (default "#<index>")
//       target: {__address__: db-1:5432}    # a discovered target's labels ...
//       expect: dropped                      # ... dropped by the job's relabel_configs
//     - name: web targets get a host label
//       target: {__address__: web-1:9100, env: prod}
//       expect: {host: web-1, instance: web-1:9100, job: web, env: prod}
//     - series: {__name__: go_gc_duration_seconds, quantile: "0.5"}  # a scraped series ...
//       expect: dropped                      # ... through metric_relabel_configs
//     - relabel_configs:                     # inline rules instead of a config file's
//         - {source_labels: [a], target_label: b}
//       target: {a: x}
//       expect: {a: x, b: x}
//     - target: {}                           # a target that building rejects
//       expect_error: no address             # (a substring of the error)
//
// A `target` with a job goes through the job's whole target building (check
// service-discovery's "labels": job defaults, relabel_configs or the test's inline rules, the
// address and interval checks, instance); without a job (inline rules only) the rules are applied
// to the labels as given. A `series` goes through the job's metric_relabel_configs, or the
// test's inline metric_relabel_configs (or relabel_configs). `expect` lists the labels wanted:
// every label not starting with "__" (and __name__) must match exactly, other "__" labels only
// when listed. A failure names the test, shows got and want and every relabel step that changed
// the labels, with the step that dropped the input.
// Thread-safety: reentrant.

#include <string>
#include <vector>

#include "util/status.h"

namespace promkit::discovery {

struct RelabelTestResult {
  std::string name;
  std::vector<std::string> failures;  // empty when the test passed; multi-line texts
};

struct RelabelTestFileResult {
  util::Status error;  // the file (or a config it names) could not be loaded; no tests ran
  std::vector<RelabelTestResult> tests;
  bool ok() const;
};

RelabelTestFileResult RunRelabelTestFile(const std::string& path);

}  // namespace promkit::discovery

#pragma once
// One scrape of one target, end to end, as one iteration of Prometheus's scrape loop
// (scrape/scrape.go scrapeAndReport + append + report) would do it without storage: fetch,
// parse through the textparse factory, attach the target labels (job, instance) with
// honor_labels conflict handling, and compute the synthetic report series (up,
// scrape_duration_seconds, scrape_samples_scraped, scrape_samples_post_metric_relabeling,
// scrape_series_added).
// Thread-safety: ScrapeOnce() may run concurrently for distinct targets.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "model/labels.h"
#include "model/validation.h"
#include "relabel/relabel.h"
#include "scrape/fetch.h"
#include "textparse/negotiate.h"
#include "util/status.h"

namespace promkit::scrape {

struct ScrapeOptions {
  FetchOptions fetch;
  std::string job = "scrape";
  // honor_labels: false (the default) renames exposed labels that clash with target labels to
  // exported_<name>; true keeps the exposed value and drops the target label.
  bool honor_labels = false;
  // honor_timestamps: keep timestamps the target exposes (default true, as upstream).
  bool honor_timestamps = true;
  // scrape_protocols, in order of preference (empty: textparse::kDefaultScrapeProtocols); they
  // make the Accept header unless fetch.accept is set.
  std::vector<textparse::ScrapeProtocol> protocols;
  // fallback_scrape_protocol: how to parse a body with a missing or unsupported Content-Type.
  std::optional<textparse::ScrapeProtocol> fallback_protocol;

  // What a scrape config adds (see OptionsForTarget):
  // The target's public labels, attached to every sample. Empty: {instance=<host[:port] of the
  // URL>, job=<job>}.
  model::Labels target_labels;
  // Applied to each sample's labels after the target labels; a drop removes the sample.
  std::vector<relabel::Config> metric_relabel_configs;
  model::ValidationScheme validation = model::ValidationScheme::kUtf8;
  // The escaping= parameter of the Accept header's 1.0.0 text formats.
  std::string escaping = "allow-utf-8";
  // More samples after relabeling fail the scrape ("sample limit exceeded"); 0: no limit.
  uint64_t sample_limit = 0;
  // Label limits per sample, failing the scrape as upstream's verifyLabelLimits; 0: none.
  uint64_t label_limit = 0, label_name_length_limit = 0, label_value_length_limit = 0;
  // extra_scrape_metrics: also report scrape_timeout_seconds, scrape_sample_limit and
  // scrape_body_size_bytes.
  bool extra_metrics = false;
  // Set: the target is not scraped and is down with this error (target_limit exceeded).
  util::Status forced_error;
};

// The options for scraping one target of `cfg`, whose labels after relabeling are
// `target_labels` (as discovery::PopulateLabels returns them, __ labels included): the URL from
// __scheme__, __address__, __metrics_path__ and the params with __param_<name> overrides, the
// timeout from __scrape_timeout__, the job's HTTP client settings, protocols, limits,
// honor_labels/honor_timestamps and metric_relabel_configs.
util::Result<ScrapeOptions> OptionsForTarget(const config::ScrapeConfig& cfg,
                                             const model::Labels& target_labels);

struct Sample {
  model::Labels labels;
  double value = 0;
  std::optional<int64_t> timestamp_ms;  // as exposed; none means "at scrape time"
};

struct TargetResult {
  std::string url;
  std::string job;
  std::string instance;  // host[:port] of the URL, as written (3.x adds no default port)
  bool up = false;
  util::Status error;  // why the target is down; OK when up
  // When the error is about the body (a parse error): the byte offset in `body` it points at.
  std::optional<size_t> error_offset;
  std::string content_type;
  std::string body;            // decompressed exposition (empty when the fetch failed)
  int64_t scrape_time_ms = 0;  // wall clock at the start of the scrape
  double duration_seconds = 0;
  // The exposed samples with target labels attached, in exposition order. Empty when down.
  std::vector<Sample> samples;
  // The synthetic series, in upstream's order, with the target labels (at scrape_time_ms,
  // which they do not repeat).
  std::vector<Sample> report;
  int64_t body_bytes = 0;  // decompressed body length; -1 when over the body size limit
  int samples_scraped = 0;
  int samples_post_relabel = 0;
  int series_added = 0;
  // Things upstream logs without failing the scrape (duplicate samples dropped, ...).
  std::vector<std::string> warnings;
};

// The instance label for `url`: "host:port" or "host" as written, IPv6 hosts in brackets.
util::Result<std::string> InstanceFromUrl(const std::string& url);

// Applies honor_labels semantics to an exposed label set: target labels (job, instance) are
// set; with honor=false an exposed label of the same name moves to exported_<name> (then
// exported_exported_<name> while taken, shortest names first), with honor=true the exposed
// value wins. Upstream's mutateSampleLabels without relabel rules.
model::Labels AttachTargetLabels(const model::Labels& exposed, const model::Labels& target,
                                 bool honor);

// Scrapes once. Never fails as a call: a failed target is a result with up=false and `error`.
TargetResult ScrapeOnce(const ScrapeOptions& opts);

// Scrapes every target concurrently (at most 8 at a time); results in the order of `targets`.
std::vector<TargetResult> ScrapeAll(const std::vector<ScrapeOptions>& targets);

// promlint's problems ("<metric> <text>", promtool check metrics' lines) for the body a target
// returned. Fails when the body does not parse as the text format promlint reads.
util::Result<std::vector<std::string>> LintTarget(const TargetResult& r);

}  // namespace promkit::scrape

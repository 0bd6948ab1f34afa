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

#include "model/labels.h"
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
};

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
  // The synthetic series, in upstream's order, with job/instance (at scrape_time_ms, which
  // they do not repeat).
  std::vector<Sample> report;
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

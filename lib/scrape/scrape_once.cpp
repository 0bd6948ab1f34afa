#include "scrape/scrape_once.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

#include <curl/curl.h>
#include <fmt/core.h>

#include "model/validation.h"
#include "textparse/parser.h"
#include "textparse/promlint.h"

namespace promkit::scrape {
namespace {

constexpr std::string_view kExportedPrefix = "exported_";

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Upstream's report series, in the order scrapeLoop.report appends them.
void AddReport(TargetResult& r, const model::Labels& target) {
  const std::pair<std::string_view, double> series[] = {
      {"up", r.up ? 1.0 : 0.0},
      {"scrape_duration_seconds", r.duration_seconds},
      {"scrape_samples_scraped", static_cast<double>(r.samples_scraped)},
      {"scrape_samples_post_metric_relabeling", static_cast<double>(r.samples_post_relabel)},
      {"scrape_series_added", static_cast<double>(r.series_added)},
  };
  for (const auto& [name, value] : series) {
    // mutateReportSampleLabels: the name alone, then the target labels (their exported_
    // counterparts stay empty, hence absent).
    model::LabelsBuilder b;
    b.Set(model::kMetricName, name);
    for (const model::Label& l : target) b.Set(l.name, l.value);
    r.report.push_back(Sample{b.Build(), value, std::nullopt});
  }
}

// Walks the exposition as scrapeLoopAppender.append does, filling r.samples and the counters.
// Returns the error that fails the scrape (parse error, invalid labels), with r.error_offset set
// for parse errors.
util::Status AppendBody(TargetResult& r, const model::Labels& target, const ScrapeOptions& opts) {
  if (r.body.empty()) return util::Status::Ok();  // an empty scrape is not an error
  textparse::NewParserOptions popts;
  popts.fallback_protocol = opts.fallback_protocol;
  popts.ignore_native_histograms = true;  // scrape_native_histograms defaults to false
  util::Status fallback_warning;
  PROMKIT_ASSIGN_OR_RETURN(std::unique_ptr<textparse::Parser> p,
                           textparse::NewParser(r.content_type, r.body, popts, &fallback_warning));
  if (!fallback_warning.ok()) r.warnings.push_back(fallback_warning.ToString());
  std::unordered_set<std::string> seen_series;  // series bytes scraped so far
  std::unordered_set<std::string> seen_labels;  // final label sets appended without timestamp
  int duplicates = 0;
  int native_histograms = 0;
  while (p->Next()) {
    textparse::Entry e = p->entry();
    if (e != textparse::Entry::kSeries && e != textparse::Entry::kHistogram) continue;
    ++r.samples_scraped;
    if (e == textparse::Entry::kHistogram) {
      // Native histograms are only ingested with scrape_native_histograms; a one-shot listing
      // has no exposition line for them either.
      ++native_histograms;
      continue;
    }
    std::optional<int64_t> ts = opts.honor_timestamps ? p->Timestamp() : std::nullopt;
    std::string met(p->SeriesBytes());
    bool already = !seen_series.insert(met).second;
    model::Labels lset = AttachTargetLabels(p->Labels(), target, opts.honor_labels);
    if (!lset.Has(model::kMetricName)) {
      return util::Status::InvalidArgument("missing metric name (__name__ label)");
    }
    if (!lset.IsValid(model::ValidationScheme::kUtf8)) {
      return util::Status::InvalidArgument(
          fmt::format("invalid metric name or label names: {}", lset.ToString()));
    }
    ++r.samples_post_relabel;  // upstream counts duplicates here too
    if (!ts.has_value()) {
      bool dup_labels = !seen_labels.insert(std::string(lset.encoded())).second;
      if (already || dup_labels) {
        ++duplicates;  // storage.ErrDuplicateSampleForTimestamp: dropped, scrape goes on
        continue;
      }
    }
    if (!already) ++r.series_added;
    r.samples.push_back(Sample{std::move(lset), p->Value(), ts});
  }
  if (!p->Err().ok()) {
    r.error_offset = p->error_offset();
    return p->Err();
  }
  if (duplicates > 0) {
    r.warnings.push_back(fmt::format(
        "Error on ingesting samples with different value but same timestamp: num_dropped={}",
        duplicates));
  }
  if (native_histograms > 0) {
    r.warnings.push_back(
        fmt::format("{} native histogram samples not shown (scrape_native_histograms is off)",
                    native_histograms));
  }
  return util::Status::Ok();
}

}  // namespace

util::Result<std::string> InstanceFromUrl(const std::string& url) {
  std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
  if (!u) return util::Status::Internal("cannot allocate URL handle");
  CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0);
  if (rc != CURLUE_OK) {
    return util::Status::InvalidArgument(
        fmt::format("parse \"{}\": {}", url, curl_url_strerror(rc)));
  }
  std::string out;
  char* s = nullptr;
  if (curl_url_get(u.get(), CURLUPART_HOST, &s, 0) == CURLUE_OK && s != nullptr) {
    out = s;
    curl_free(s);
  }
  s = nullptr;
  if (curl_url_get(u.get(), CURLUPART_PORT, &s, 0) == CURLUE_OK && s != nullptr) {
    out += ":";
    out += s;
    curl_free(s);
  }
  if (out.empty()) return util::Status::InvalidArgument(fmt::format("no host in URL \"{}\"", url));
  return out;
}

model::Labels AttachTargetLabels(const model::Labels& exposed, const model::Labels& target,
                                 bool honor) {
  model::LabelsBuilder b(exposed);
  if (honor) {
    for (const model::Label& l : target) {
      if (!exposed.Has(l.name)) b.Set(l.name, l.value);
    }
    return b.Build();
  }
  std::vector<std::pair<std::string, std::string>> conflicts;
  for (const model::Label& l : target) {
    std::string_view existing = exposed.Get(l.name);
    if (!existing.empty()) conflicts.emplace_back(std::string(l.name), std::string(existing));
    b.Set(l.name, l.value);
  }
  // resolveConflictingExposedLabels: shortest names first (stable), each moved to the first
  // free exported_...exported_<name>.
  std::stable_sort(conflicts.begin(), conflicts.end(),
                   [](const auto& a, const auto& c) { return a.first.size() < c.first.size(); });
  for (const auto& [name, value] : conflicts) {
    std::string new_name = name;
    while (true) {
      new_name = std::string(kExportedPrefix) + new_name;
      if (b.Get(new_name).empty()) {
        b.Set(new_name, value);
        break;
      }
    }
  }
  return b.Build();
}

TargetResult ScrapeOnce(const ScrapeOptions& opts) {
  TargetResult r;
  r.url = opts.fetch.url;
  r.job = opts.job;
  r.scrape_time_ms = NowMs();
  auto instance = InstanceFromUrl(opts.fetch.url);
  r.instance = instance.ok() ? *instance : opts.fetch.url;
  const model::Labels target = model::Labels::FromList({{"instance", r.instance}, {"job", r.job}});

  FetchOptions fetch = opts.fetch;
  if (fetch.accept.empty()) {
    fetch.accept = opts.protocols.empty()
                       ? textparse::AcceptHeader(textparse::kDefaultScrapeProtocols)
                       : textparse::AcceptHeader(opts.protocols);
  }
  const auto start = std::chrono::steady_clock::now();
  auto resp = Fetch(fetch);
  r.duration_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  util::Status err;
  if (!resp.ok()) {
    err = resp.status();
  } else {
    r.content_type = std::move(resp->content_type);
    r.body = std::move(resp->body);
    err = AppendBody(r, target, opts);
    if (!err.ok()) {
      // The append is rolled back: nothing exposed is kept, but the counters of the failed
      // append are still reported (as upstream's report() receives them).
      r.samples.clear();
      r.warnings.clear();
    }
  }
  r.up = err.ok();
  r.error = std::move(err);
  AddReport(r, target);
  return r;
}

std::vector<TargetResult> ScrapeAll(const std::vector<ScrapeOptions>& targets) {
  constexpr size_t kParallel = 8;
  std::vector<TargetResult> results(targets.size());
  for (size_t begin = 0; begin < targets.size(); begin += kParallel) {
    size_t end = std::min(targets.size(), begin + kParallel);
    std::vector<std::jthread> workers;
    for (size_t i = begin; i < end; ++i) {
      workers.emplace_back([&, i] { results[i] = ScrapeOnce(targets[i]); });
    }
  }  // jthreads join as they go out of scope
  return results;
}

util::Result<std::vector<std::string>> LintTarget(const TargetResult& r) {
  PROMKIT_ASSIGN_OR_RETURN(std::vector<textparse::Problem> problems, textparse::LintText(r.body));
  std::vector<std::string> out;
  out.reserve(problems.size());
  for (const textparse::Problem& p : problems) out.push_back(p.metric + " " + p.text);
  return out;
}

}  // namespace promkit::scrape

#include "scrape/scrape_once.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
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
#include "scrape/http_config.h"
#include "textparse/parser.h"
#include "textparse/promlint.h"
#include "util/duration.h"
#include "util/strings.h"

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
void AddReport(TargetResult& r, const model::Labels& target, const ScrapeOptions& opts) {
  std::vector<std::pair<std::string_view, double>> series = {
      {"up", r.up ? 1.0 : 0.0},
      {"scrape_duration_seconds", r.duration_seconds},
      {"scrape_samples_scraped", static_cast<double>(r.samples_scraped)},
      {"scrape_samples_post_metric_relabeling", static_cast<double>(r.samples_post_relabel)},
      {"scrape_series_added", static_cast<double>(r.series_added)},
  };
  if (opts.extra_metrics) {
    series.emplace_back("scrape_timeout_seconds", static_cast<double>(opts.fetch.timeout_ns) / 1e9);
    series.emplace_back("scrape_sample_limit", static_cast<double>(opts.sample_limit));
    series.emplace_back("scrape_body_size_bytes", static_cast<double>(r.body_bytes));
  }
  for (const auto& [name, value] : series) {
    // mutateReportSampleLabels: the name alone, then the target labels (their exported_
    // counterparts stay empty, hence absent).
    model::LabelsBuilder b;
    b.Set(model::kMetricName, name);
    for (const model::Label& l : target) b.Set(l.name, l.value);
    r.report.push_back(Sample{b.Build(), value, std::nullopt});
  }
}

// Go's `%.50s`: the first 50 runes (fmt counts precision in runes).
std::string Prec50(std::string_view s) {
  size_t runes = 0, i = 0;
  while (i < s.size() && runes < 50) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    i += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    ++runes;
  }
  return std::string(s.substr(0, std::min(i, s.size())));
}

// Upstream's verifyLabelLimits.
util::Status VerifyLabelLimits(const model::Labels& lset, const ScrapeOptions& o) {
  const std::string met = Prec50(lset.Get(model::kMetricName));
  if (o.label_limit > 0 && lset.size() > o.label_limit) {
    return util::Status::InvalidArgument(
        fmt::format("label_limit exceeded (metric: {}, number of labels: {}, limit: {})", met,
                    lset.size(), o.label_limit));
  }
  if (o.label_name_length_limit == 0 && o.label_value_length_limit == 0) {
    return util::Status::Ok();
  }
  for (const model::Label& l : lset) {
    if (o.label_name_length_limit > 0 && l.name.size() > o.label_name_length_limit) {
      return util::Status::InvalidArgument(fmt::format(
          "label_name_length_limit exceeded (metric: {}, label name: {}, length: {}, limit: {})",
          met, Prec50(l.name), l.name.size(), o.label_name_length_limit));
    }
    if (o.label_value_length_limit > 0 && l.value.size() > o.label_value_length_limit) {
      return util::Status::InvalidArgument(
          fmt::format("label_value_length_limit exceeded (metric: {}, label name: {}, value: {}, "
                      "length: {}, limit: {})",
                      met, Prec50(l.name), util::GoQuote(Prec50(l.value)), l.value.size(),
                      o.label_value_length_limit));
    }
  }
  return util::Status::Ok();
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
  uint64_t appended = 0;
  bool sample_limit_hit = false;
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
    if (!opts.metric_relabel_configs.empty()) {
      std::optional<model::Labels> kept = relabel::Process(lset, opts.metric_relabel_configs);
      if (!kept.has_value() || kept->empty()) continue;  // dropped: not counted as added
      lset = std::move(*kept);
    }
    if (!lset.Has(model::kMetricName)) {
      return util::Status::InvalidArgument("missing metric name (__name__ label)");
    }
    if (!lset.IsValid(opts.validation)) {
      return util::Status::InvalidArgument(
          fmt::format("invalid metric name or label names: {}", lset.ToString()));
    }
    PROMKIT_RETURN_IF_ERROR(VerifyLabelLimits(lset, opts));
    ++r.samples_post_relabel;  // upstream counts duplicates and samples over the limit too
    if (!ts.has_value()) {
      bool dup_labels = !seen_labels.insert(std::string(lset.encoded())).second;
      if (already || dup_labels) {
        ++duplicates;  // storage.ErrDuplicateSampleForTimestamp: dropped, scrape goes on
        continue;
      }
    }
    // limitAppender: every append counts; past the limit the sample is refused and the scrape
    // fails once the body has been read to the end.
    if (opts.sample_limit > 0 && ++appended > opts.sample_limit) {
      sample_limit_hit = true;
      continue;
    }
    if (!already && !sample_limit_hit) ++r.series_added;
    r.samples.push_back(Sample{std::move(lset), p->Value(), ts});
  }
  if (!p->Err().ok()) {
    r.error_offset = p->error_offset();
    return p->Err();
  }
  if (sample_limit_hit) return util::Status::InvalidArgument("sample limit exceeded");
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
  model::Labels target = opts.target_labels;
  if (target.empty()) {
    auto instance = InstanceFromUrl(opts.fetch.url);
    r.instance = instance.ok() ? *instance : opts.fetch.url;
    target = model::Labels::FromList({{"instance", r.instance}, {"job", r.job}});
  } else {
    r.job = target.Get("job");
    r.instance = target.Get("instance");
  }
  if (!opts.forced_error.ok()) {
    r.error = opts.forced_error;
    AddReport(r, target, opts);
    return r;
  }

  FetchOptions fetch = opts.fetch;
  if (fetch.accept.empty()) {
    fetch.accept = opts.protocols.empty()
                       ? textparse::AcceptHeader(textparse::kDefaultScrapeProtocols, opts.escaping)
                       : textparse::AcceptHeader(opts.protocols, opts.escaping);
  }
  const auto start = std::chrono::steady_clock::now();
  auto resp = Fetch(fetch);
  r.duration_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  util::Status err;
  if (!resp.ok()) {
    err = resp.status();
    if (err.message().starts_with("body size limit exceeded")) r.body_bytes = -1;
  } else {
    r.content_type = std::move(resp->content_type);
    r.body = std::move(resp->body);
    r.body_bytes = static_cast<int64_t>(r.body.size());
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
  AddReport(r, target, opts);
  return r;
}

namespace {

// Go's url.URL.EscapedPath for a URL built from a Path alone.
std::string EscapePath(std::string_view s) {
  std::string out;
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || std::string_view("-_.~$&+,/:;=@").find(ch) != std::string_view::npos) {
      out += ch;
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace

util::Result<ScrapeOptions> OptionsForTarget(const config::ScrapeConfig& cfg,
                                             const model::Labels& labels) {
  ScrapeOptions o;
  // Target.URL: the config's params, the first value of each replaced by __param_<name>.
  std::map<std::string, std::vector<std::string>> params;
  for (const auto& [k, v] : cfg.params) params[k] = v;
  constexpr std::string_view kParam = "__param_";
  for (const model::Label& l : labels) {
    if (!l.name.starts_with(kParam)) continue;
    std::vector<std::string>& vs = params[std::string(l.name.substr(kParam.size()))];
    if (vs.empty()) {
      vs.emplace_back(l.value);
    } else {
      vs[0] = std::string(l.value);
    }
  }
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& [k, vs] : params) {
    for (const std::string& v : vs) pairs.emplace_back(k, v);
  }
  const std::string query = util::UrlValuesEncode(std::move(pairs));
  std::string path = EscapePath(labels.Get("__metrics_path__"));
  if (!path.empty() && path[0] != '/') path.insert(path.begin(), '/');
  o.fetch.url = fmt::format("{}://{}{}{}{}", labels.Get("__scheme__"), labels.Get("__address__"),
                            path, query.empty() ? "" : "?", query);

  int64_t timeout_ms = cfg.scrape_timeout_ms;
  if (std::string_view t = labels.Get("__scrape_timeout__"); !t.empty()) {
    PROMKIT_ASSIGN_OR_RETURN(timeout_ms, util::ParseDuration(t));
  }
  o.fetch.timeout_ns = std::max<int64_t>(timeout_ms, 1) * 1'000'000;
  PROMKIT_RETURN_IF_ERROR(ApplyHttpClientConfig(cfg.http, o.fetch));
  o.fetch.enable_compression = cfg.enable_compression;
  o.fetch.body_size_limit = cfg.body_size_limit;
  for (const std::string& p : cfg.scrape_protocols) {
    PROMKIT_ASSIGN_OR_RETURN(textparse::ScrapeProtocol sp, textparse::ParseScrapeProtocol(p));
    o.protocols.push_back(sp);
  }
  if (!cfg.fallback_scrape_protocol.empty()) {
    PROMKIT_ASSIGN_OR_RETURN(o.fallback_protocol,
                             textparse::ParseScrapeProtocol(cfg.fallback_scrape_protocol));
  }
  o.job = cfg.job_name;
  o.honor_labels = cfg.honor_labels;
  o.honor_timestamps = cfg.honor_timestamps;
  model::LabelsBuilder pub;
  for (const model::Label& l : labels) {
    if (!l.name.starts_with("__")) pub.Set(l.name, l.value);
  }
  o.target_labels = pub.Build();
  o.metric_relabel_configs = cfg.metric_relabel_configs;
  o.validation = cfg.metric_name_validation_scheme.value_or(model::ValidationScheme::kUtf8);
  o.escaping = !cfg.metric_name_escaping_scheme.empty()         ? cfg.metric_name_escaping_scheme
               : o.validation == model::ValidationScheme::kUtf8 ? "allow-utf-8"
                                                                : "underscores";
  o.sample_limit = cfg.sample_limit;
  o.label_limit = cfg.label_limit;
  o.label_name_length_limit = cfg.label_name_length_limit;
  o.label_value_length_limit = cfg.label_value_length_limit;
  o.extra_metrics = cfg.extra_scrape_metrics.value_or(false);
  return o;
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

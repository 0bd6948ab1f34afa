// The 'scrape' command: one scrape of each URL, or of every target a prometheus.yml's jobs
// discover, as Prometheus's scraper would make it, and what the targets expose. Glue only:
// flags (or config + discovery + relabeling) -> scrape::ScrapeOptions -> scrape::ScrapeAll ->
// render, and with --output-dir a block of the samples.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "app.h"
#include "config/config.h"
#include "discovery/discovery.h"
#include "discovery/sd_check.h"
#include "scrape/render.h"
#include "scrape/scrape_once.h"
#include "scrape/units.h"
#include "textparse/negotiate.h"
#include "tsdb/block_writer.h"
#include "util/duration.h"
#include "util/file.h"
#include "util/source_error.h"
#include "util/strings.h"

namespace promkit::cli {
namespace {

struct ScrapeFlags {
  std::vector<std::string> urls;
  std::string timeout = "10s";
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  bool insecure_skip_verify = false;
  std::string server_name;
  std::string basic_auth;
  std::string bearer_token;
  std::string bearer_token_file;
  std::vector<std::string> headers;
  std::string body_size_limit = "0";
  std::vector<std::string> jobs;  // URL mode: the job label (one); config mode: jobs to scrape
  std::string config_file;
  std::string discovery_timeout = "30s";
  std::string output_dir;
  std::string format = "text";
  std::vector<std::string> protocols;
  std::string fallback_protocol;
  bool honor_labels = false;
  bool lint = false;
  bool exposed_only = false;
};

constexpr std::string_view kScrapeHelp =
    "Scrape each URL once, as Prometheus would, and print what it exposes together with the "
    "synthetic series (up, scrape_duration_seconds, scrape_samples_scraped, "
    "scrape_samples_post_metric_relabeling, scrape_series_added) under job and instance labels. "
    "Given a Prometheus config (--config.file) instead, scrape every target its jobs discover "
    "(static, file, "
    "http and dns service discovery), with each job's relabel_configs, "
    "metric_relabel_configs, honor_labels, honor_timestamps, limits and HTTP client settings. "
    "Exits 1 when a target is down (the reason on stderr), 3 when --lint finds problems.";

// "Name: value" -> {Name, value}.
std::string SplitHeader(const std::string& h, std::pair<std::string, std::string>* out) {
  size_t colon = h.find(':');
  if (colon == std::string::npos || colon == 0) return "want 'Name: value'";
  out->first = std::string(util::TrimSpace(std::string_view(h).substr(0, colon)));
  out->second = std::string(util::TrimSpace(std::string_view(h).substr(colon + 1)));
  if (out->first.empty()) return "want 'Name: value'";
  return "";
}

// Checks a flag value with a lib parser; CLI11 reports the message as "--flag: message".
template <typename F>
CLI::Validator Checked(std::string name, F parse) {
  return CLI::Validator(
      [parse](std::string& v) -> std::string {
        auto r = parse(v);
        return r.ok() ? std::string() : r.status().ToString();
      },
      "", std::move(name));
}

util::Result<scrape::ScrapeOptions> ToOptions(const ScrapeFlags& f) {
  scrape::ScrapeOptions o;
  PROMKIT_ASSIGN_OR_RETURN(o.fetch.timeout_ns, util::ParseGoDuration(f.timeout));
  o.fetch.tls.ca_file = f.ca_file;
  o.fetch.tls.cert_file = f.cert_file;
  o.fetch.tls.key_file = f.key_file;
  o.fetch.tls.insecure_skip_verify = f.insecure_skip_verify;
  o.fetch.tls.server_name = f.server_name;
  if (!f.basic_auth.empty()) {
    size_t colon = f.basic_auth.find(':');
    o.fetch.has_basic_auth = true;
    o.fetch.basic_auth_user = f.basic_auth.substr(0, colon);
    if (colon != std::string::npos) o.fetch.basic_auth_password = f.basic_auth.substr(colon + 1);
  }
  o.fetch.bearer_token = f.bearer_token;
  o.fetch.bearer_token_file = f.bearer_token_file;
  for (const std::string& h : f.headers) {
    std::pair<std::string, std::string> kv;
    std::string err = SplitHeader(h, &kv);
    if (!err.empty()) {
      return util::Status::InvalidArgument(fmt::format("--header \"{}\": {}", h, err));
    }
    o.fetch.headers.push_back(std::move(kv));
  }
  PROMKIT_ASSIGN_OR_RETURN(o.fetch.body_size_limit, scrape::ParseBase2Bytes(f.body_size_limit));
  if (f.jobs.size() > 1) {
    return util::Status::InvalidArgument("--job: only one job label without --config.file");
  }
  o.job = f.jobs.empty() ? "scrape" : f.jobs[0];
  o.honor_labels = f.honor_labels;
  for (const std::string& p : f.protocols) {
    PROMKIT_ASSIGN_OR_RETURN(textparse::ScrapeProtocol sp, textparse::ParseScrapeProtocol(p));
    o.protocols.push_back(sp);
  }
  if (!f.fallback_protocol.empty()) {
    PROMKIT_ASSIGN_OR_RETURN(o.fallback_protocol,
                             textparse::ParseScrapeProtocol(f.fallback_protocol));
  }
  PROMKIT_RETURN_IF_ERROR(scrape::ValidateFetchOptions(o.fetch));
  return o;
}

util::Result<std::vector<scrape::ScrapeOptions>> TargetsFromUrls(const ScrapeFlags& f) {
  PROMKIT_ASSIGN_OR_RETURN(scrape::ScrapeOptions base, ToOptions(f));
  std::vector<scrape::ScrapeOptions> targets;
  for (const std::string& url : f.urls) {
    scrape::ScrapeOptions o = base;
    o.fetch.url = url;
    targets.push_back(std::move(o));
  }
  return targets;
}

// The targets of the chosen jobs (all when none is named), found as Prometheus finds them:
// discovery once, relabel_configs, duplicates merged, target_limit. Discovery problems and
// invalid targets are warnings in `diag`.
util::Result<std::vector<scrape::ScrapeOptions>> TargetsFromConfig(const ScrapeFlags& f,
                                                                   std::string& diag) {
  PROMKIT_ASSIGN_OR_RETURN(int64_t sd_timeout_ns, util::ParseGoDuration(f.discovery_timeout));
  auto cfg = config::LoadFile(f.config_file, /*agent_mode=*/false);
  if (!cfg.ok()) return cfg.status().Wrap(fmt::format("loading {}", f.config_file));
  auto scfgs = config::GetScrapeConfigs(*cfg);
  if (!scfgs.ok()) return scfgs.status().Wrap("loading scrape configs");
  std::vector<const config::ScrapeConfig*> jobs;
  for (const std::string& name : f.jobs) {
    auto it = std::find_if(scfgs->begin(), scfgs->end(),
                           [&](const config::ScrapeConfig& sc) { return sc.job_name == name; });
    if (it == scfgs->end()) {
      std::string names;
      for (const config::ScrapeConfig& sc : *scfgs)
        names += (names.empty() ? "" : ", ") + sc.job_name;
      return util::Status::NotFound(fmt::format("job {} not found in {} (jobs: {})",
                                                util::GoQuote(name), f.config_file,
                                                names.empty() ? "none" : names));
    }
    jobs.push_back(&*it);
  }
  if (f.jobs.empty()) {
    for (const config::ScrapeConfig& sc : *scfgs) jobs.push_back(&sc);
  }
  discovery::DiscoverOptions dopts;
  dopts.timeout_ms = std::max<int64_t>(sd_timeout_ns / 1'000'000, 0);
  std::vector<scrape::ScrapeOptions> targets;
  for (const config::ScrapeConfig* job : jobs) {
    std::vector<discovery::ProviderResult> providers = discovery::DiscoverOnce(*job, dopts);
    for (const discovery::ProviderResult& p : providers) {
      for (const std::string& e : p.errors) {
        diag += fmt::format("warning: job {}: {}: {}\n", job->job_name, p.provider, e);
      }
    }
    std::vector<std::string> seen;  // final label sets, as the scrape pool merges duplicates
    std::vector<scrape::ScrapeOptions> kept;
    for (const discovery::SdCheckResult& r : discovery::CheckResults(*job, providers)) {
      const discovery::TargetLabels& t = r.target;
      if (!t.error.ok()) {
        diag += fmt::format("warning: job {}: target {} dropped: {}\n", job->job_name,
                            discovery::FormatLabels(t.discovered), t.error.ToString());
        continue;
      }
      if (t.dropped()) continue;
      std::string key(t.labels.encoded());
      if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
      seen.push_back(std::move(key));
      auto o = scrape::OptionsForTarget(*job, t.labels);
      if (!o.ok()) return o.status().Wrap(fmt::format("job {}", util::GoQuote(job->job_name)));
      kept.push_back(std::move(*o));
    }
    if (job->target_limit > 0 && kept.size() > job->target_limit) {
      util::Status err = util::Status::InvalidArgument(
          fmt::format("target_limit exceeded (number of targets: {}, limit: {})", kept.size(),
                      job->target_limit));
      for (scrape::ScrapeOptions& o : kept) o.forced_error = err;
    }
    if (kept.empty()) diag += fmt::format("warning: job {}: no targets\n", job->job_name);
    for (scrape::ScrapeOptions& o : kept) targets.push_back(std::move(o));
  }
  return targets;
}

// --output-dir: every sample (at its own timestamp or the scrape's) into blocks of 2h-aligned
// ranges, written atomically. Samples a block cannot take (a repeated series and timestamp with
// another value) are warnings.
util::Status WriteBlocks(const std::vector<scrape::TargetResult>& results, bool synthetic,
                         const std::string& dir, std::string& diag) {
  constexpr int64_t kRange = 2 * 3600 * 1000;
  struct Point {
    const model::Labels* labels;
    int64_t t;
    double v;
  };
  std::vector<Point> points;
  for (const scrape::TargetResult& r : results) {
    for (const scrape::Sample& smp : r.samples) {
      points.push_back({&smp.labels, smp.timestamp_ms.value_or(r.scrape_time_ms), smp.value});
    }
    if (!synthetic) continue;
    for (const scrape::Sample& smp : r.report) {
      points.push_back({&smp.labels, r.scrape_time_ms, smp.value});
    }
  }
  std::stable_sort(points.begin(), points.end(),
                   [](const Point& a, const Point& b) { return a.t < b.t; });
  PROMKIT_RETURN_IF_ERROR(util::MkdirAll(dir));
  size_t i = 0;
  while (i < points.size()) {
    // Floor division, so negative timestamps land in the range that holds them.
    const int64_t start = points[i].t - ((points[i].t % kRange) + kRange) % kRange;
    tsdb::BlockBuilder builder(kRange);
    for (; i < points.size() && points[i].t < start + kRange; ++i) {
      util::Status st = builder.Append(*points[i].labels, points[i].t, points[i].v);
      if (!st.ok()) {
        diag += fmt::format("warning: {} not written: {}\n", points[i].labels->ToString(),
                            st.ToString());
      }
    }
    PROMKIT_ASSIGN_OR_RETURN(tsdb::BlockMeta meta, builder.Flush(dir));
    if (!meta.ulid.empty()) {
      diag += fmt::format("wrote block {}/{} ({} series, {} samples)\n", dir, meta.ulid,
                          meta.stats.num_series, meta.stats.num_samples);
    }
  }
  return util::Status::Ok();
}

int RunScrape(const ScrapeFlags& f, Mode mode) {
  const std::string prog(ProgramName(mode));
  auto fail = [&](const util::Status& st) {
    std::fprintf(stderr, "%s: error: %s\n", prog.c_str(), st.ToString().c_str());
    return kExitFailure;
  };
  auto format = scrape::ParseOutputFormat(f.format);
  if (!format.ok()) return fail(format.status());
  if (f.config_file.empty() == f.urls.empty()) {
    std::fputs(UsageError(mode, "scrape: give target URLs or --config.file (not both)").c_str(),
               stderr);
    return kExitFailure;
  }
  std::string diag;  // stderr, in target order
  auto targets = f.config_file.empty() ? TargetsFromUrls(f) : TargetsFromConfig(f, diag);
  if (!targets.ok()) {
    std::fputs(diag.c_str(), stderr);
    return fail(targets.status());
  }
  std::vector<scrape::TargetResult> results = scrape::ScrapeAll(*targets);

  int code = kExitOk;
  bool lint_problems = false;
  std::vector<scrape::RenderedTarget> rendered;
  for (const scrape::TargetResult& r : results) {
    scrape::RenderedTarget t{&r, {}};
    if (!r.up) {
      code = kExitFailure;
      if (r.error_offset) {
        diag += util::RenderSourceError(r.url, r.body, std::min(*r.error_offset, r.body.size()), 1,
                                        r.error.ToString());
      } else {
        diag += fmt::format("{}: {}\n", r.url, r.error.ToString());
      }
    }
    for (const std::string& w : r.warnings) diag += fmt::format("{}: warning: {}\n", r.url, w);
    if (f.lint && r.up) {
      auto problems = scrape::LintTarget(r);
      if (!problems.ok()) {
        t.lint.push_back("error while linting: " + problems.status().ToString());
        lint_problems = true;
      } else {
        t.lint = std::move(*problems);
        lint_problems = lint_problems || !t.lint.empty();
      }
      for (const std::string& p : t.lint) diag += fmt::format("{}: {}\n", r.url, p);
    }
    rendered.push_back(std::move(t));
  }
  scrape::RenderOptions ro;
  ro.synthetic = !f.exposed_only;
  ro.with_lint = f.lint;
  if (!f.output_dir.empty()) {
    if (util::Status st = WriteBlocks(results, ro.synthetic, f.output_dir, diag); !st.ok()) {
      std::fputs(diag.c_str(), stderr);
      return fail(st.Wrap("writing blocks"));
    }
  }
  std::string out = scrape::Render(*format, rendered, ro);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  std::fputs(diag.c_str(), stderr);
  if (code == kExitOk && lint_problems) code = kExitLint;
  return code;
}

}  // namespace

void RegisterScrape(CLI::App& root, Mode mode, int* exit_code) {
  auto f = std::make_shared<ScrapeFlags>();
  CLI::App* cmd = root.add_subcommand("scrape", std::string(kScrapeHelp));
  cmd->add_option("url", f->urls,
                  "Target URLs (http or https), e.g. http://localhost:9100/metrics.")
      ->expected(1, -1);
  CLI::Option* config_file =
      cmd->add_option("--config.file", f->config_file,
                      "Prometheus configuration file whose jobs' targets to scrape (instead of "
                      "URLs).")
          ->check(CLI::ExistingFile);
  cmd->add_option("--discovery-timeout", f->discovery_timeout,
                  "With --config.file: how long service discovery may take (Go duration).")
      ->default_str("30s")
      ->needs(config_file)
      ->check(Checked("DURATION", [](const std::string& v) { return util::ParseGoDuration(v); }));
  cmd->add_option("--output-dir", f->output_dir,
                  "Also write the samples (with the synthetic series unless --exposed-only) "
                  "into TSDB blocks in this directory, created if missing.");
  cmd->add_option("--timeout", f->timeout, "Timeout for each scrape (Go duration).")
      ->default_str("10s")
      ->check(Checked("DURATION", [](const std::string& v) { return util::ParseGoDuration(v); }));
  cmd->add_option("--ca-file", f->ca_file, "CA certificate file (PEM) to verify the target with.");
  cmd->add_option("--cert-file", f->cert_file, "Client certificate file (PEM) for TLS.");
  cmd->add_option("--key-file", f->key_file, "Client key file (PEM) for TLS.");
  cmd->add_flag("--insecure-skip-verify", f->insecure_skip_verify,
                "Do not verify the target's certificate.");
  cmd->add_option("--server-name", f->server_name,
                  "Server name to send (SNI) and to verify the certificate against.");
  cmd->add_option("--basic-auth", f->basic_auth, "Basic authentication as user:password.");
  cmd->add_option("--bearer-token", f->bearer_token, "Bearer token for the Authorization header.");
  cmd->add_option("--bearer-token-file", f->bearer_token_file, "File holding a bearer token.");
  cmd->add_option("--header", f->headers, "Extra request header 'Name: value' (repeatable).")
      ->take_last()
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--body-size-limit", f->body_size_limit,
                  "Maximum uncompressed body size, e.g. 10MB, 1GiB; 0 means no limit.")
      ->default_str("0")
      ->check(Checked("SIZE", [](const std::string& v) { return scrape::ParseBase2Bytes(v); }));
  cmd->add_option("--job", f->jobs,
                  "Value of the job label (default \"scrape\"); with --config.file, a job to "
                  "scrape (repeatable; default: every job).")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--format", f->format, "Output format: text, openmetrics, json or table.")
      ->default_str("text")
      ->check(CLI::IsMember({"text", "openmetrics", "json", "table"}));
  cmd->add_option("--scrape-protocol", f->protocols,
                  "Protocol to ask for, in order of preference (repeatable): PrometheusProto, "
                  "OpenMetricsText1.0.0, OpenMetricsText0.0.1, PrometheusText1.0.0, "
                  "PrometheusText0.0.4.")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->check(Checked("PROTOCOL",
                      [](const std::string& v) { return textparse::ParseScrapeProtocol(v); }));
  cmd->add_option("--fallback-scrape-protocol", f->fallback_protocol,
                  "Protocol to parse a body with a missing or unsupported Content-Type as.")
      ->check(Checked("PROTOCOL",
                      [](const std::string& v) { return textparse::ParseScrapeProtocol(v); }));
  cmd->add_flag("--honor-labels", f->honor_labels,
                "Keep exposed job/instance labels instead of renaming them to exported_*.");
  cmd->add_flag("--exposed-only", f->exposed_only,
                "Print only the exposed samples, without the synthetic series.");
  cmd->add_flag("--lint", f->lint,
                "Also apply the 'check metrics' lint rules to each scraped body (exit 3 on "
                "problems).");
  // A config's jobs bring their own client settings.
  for (const char* name :
       {"--timeout", "--ca-file", "--cert-file", "--key-file", "--insecure-skip-verify",
        "--server-name", "--basic-auth", "--bearer-token", "--bearer-token-file", "--header",
        "--body-size-limit", "--scrape-protocol", "--fallback-scrape-protocol", "--honor-labels"}) {
    cmd->get_option(name)->excludes(config_file);
  }
  cmd->callback([f, mode, exit_code] { *exit_code = RunScrape(*f, mode); });
}

}  // namespace promkit::cli

// The 'scrape' command: one scrape of each URL, as Prometheus's scraper would make it, and what
// the targets expose. Glue only: flags -> scrape::ScrapeOptions -> scrape::ScrapeAll -> render.
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "app.h"
#include "scrape/render.h"
#include "scrape/scrape_once.h"
#include "scrape/units.h"
#include "textparse/negotiate.h"
#include "util/duration.h"
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
  std::string job = "scrape";
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
  o.job = f.job;
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

int RunScrape(const ScrapeFlags& f, Mode mode) {
  auto format = scrape::ParseOutputFormat(f.format);
  auto base = ToOptions(f);
  if (!base.ok() || !format.ok()) {
    const util::Status& st = base.ok() ? format.status() : base.status();
    std::fprintf(stderr, "%s: error: %s\n", std::string(ProgramName(mode)).c_str(),
                 st.ToString().c_str());
    return kExitFailure;
  }
  std::vector<scrape::ScrapeOptions> targets;
  for (const std::string& url : f.urls) {
    scrape::ScrapeOptions o = *base;
    o.fetch.url = url;
    targets.push_back(std::move(o));
  }
  std::vector<scrape::TargetResult> results = scrape::ScrapeAll(targets);

  int code = kExitOk;
  bool lint_problems = false;
  std::string diag;  // stderr, in target order
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
      ->required()
      ->expected(1, -1);
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
  cmd->add_option("--job", f->job, "Value of the job label.")->default_str("scrape");
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
  cmd->callback([f, mode, exit_code] { *exit_code = RunScrape(*f, mode); });
}

}  // namespace promkit::cli

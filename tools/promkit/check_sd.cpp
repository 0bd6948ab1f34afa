// `check service-discovery CONFIG JOB`: runs the job's service discovery and relabeling once and
// prints promtool's JSON of each target's labels before and after relabeling (lib/discovery);
// promkit's --trace adds every relabel step on stderr.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "app.h"
#include "config/config.h"
#include "discovery/discovery.h"
#include "discovery/sd_check.h"
#include "util/duration.h"
#include "util/strings.h"

namespace promkit::cli {
namespace {

struct CheckSdFlags {
  std::string config_file;
  std::string job;
  std::string timeout = "30s";
  bool trace = false;
};

int RunCheckSd(const CheckSdFlags& flags, Mode mode) {
  const std::string prog(ProgramName(mode));
  if (std::string err = ExistingFilesError({flags.config_file}); !err.empty()) {
    std::fprintf(stderr, "%s: error: %s, try --help\n", prog.c_str(), err.c_str());
    return kExitFailure;
  }
  auto timeout_ns = util::ParseGoDuration(flags.timeout);
  if (!timeout_ns.ok()) {
    std::fprintf(stderr, "%s: error: %s, try --help\n", prog.c_str(),
                 timeout_ns.status().ToString().c_str());
    return kExitFailure;
  }
  auto cfg = config::LoadFile(flags.config_file, /*agent_mode=*/false);
  if (!cfg.ok()) {
    std::fprintf(stderr, "Cannot load config %s\n", cfg.status().ToString().c_str());
    return kExitFailure;
  }
  auto scfgs = config::GetScrapeConfigs(*cfg);
  if (!scfgs.ok()) {
    std::fprintf(stderr, "Cannot load scrape configs %s\n", scfgs.status().ToString().c_str());
    return kExitFailure;
  }
  // As promtool: the jobs listed are those before (and including) a match, so all of them when
  // there is none.
  const config::ScrapeConfig* job = nullptr;
  std::vector<std::string> jobs;
  for (const config::ScrapeConfig& sc : *scfgs) {
    jobs.push_back(sc.job_name);
    if (sc.job_name == flags.job) {
      job = &sc;
      break;
    }
  }
  if (job == nullptr) {
    std::string msg = fmt::format("Job {} not found. Select one of:\n", flags.job);
    for (const std::string& j : jobs) msg += fmt::format("\t{}\n", j);
    std::fputs(msg.c_str(), stderr);
    return kExitFailure;
  }
  discovery::DiscoverOptions opts;
  opts.timeout_ms = std::max<int64_t>(*timeout_ns / 1'000'000, 0);
  std::vector<discovery::ProviderResult> providers = discovery::DiscoverOnce(*job, opts);
  for (const discovery::ProviderResult& p : providers) {
    for (const std::string& e : p.errors) {
      std::fprintf(stderr, "level=ERROR component=discovery provider=%s msg=%s\n",
                   p.provider.c_str(), util::GoQuote(e).c_str());
    }
  }
  std::vector<discovery::SdCheckResult> results =
      discovery::CheckResults(*job, providers, flags.trace);
  if (flags.trace) std::fputs(discovery::RenderSdCheckTrace(results).c_str(), stderr);
  std::fputs(discovery::RenderSdCheckJson(results).c_str(), stdout);
  return kExitOk;
}

}  // namespace

void RegisterCheckServiceDiscovery(CLI::App& check, Mode mode, int* exit_code) {
  auto flags = std::make_shared<CheckSdFlags>();
  CLI::App* cmd = check.add_subcommand(
      "service-discovery",
      "Perform service discovery for the given job name and report the results, including "
      "relabeling.");
  cmd->add_option("config-file", flags->config_file, "The prometheus config file.")->required();
  cmd->add_option("job", flags->job, "The job to run service discovery for.")->required();
  cmd->add_option("--timeout", flags->timeout, "The time to wait for discovery results.")
      ->default_str("30s");
  if (mode == Mode::kPromkit) {
    cmd->add_flag("--trace", flags->trace,
                  "Also print, on stderr, every relabel step of every target: the rule's index "
                  "and action, the labels before and after it, and the outcome.");
  }
  cmd->callback([flags, mode, exit_code] { *exit_code = RunCheckSd(*flags, mode); });
}

}  // namespace promkit::cli

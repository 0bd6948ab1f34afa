// The 'check' command family. One Register/Run pair per subcommand; the checks themselves live
// in lib/ (textparse for metrics).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <glob.h>

#include "app.h"
#include "check_rules.h"
#include "config/config.h"
#include "textparse/families.h"
#include "textparse/promlint.h"
#include "util/duration.h"
#include "util/source_error.h"
#include "util/strings.h"

namespace promkit::cli {
namespace {

constexpr std::string_view kLintAll = "all";  // any value but "none" lints, as in promtool
constexpr std::string_view kLintNone = "none";

// ---------------------------------------------------------------------------------------------
// check metrics

struct CheckMetricsFlags {
  bool extended = false;
  std::string lint = std::string(kLintAll);
};

constexpr std::string_view kCheckMetricsUsage =
    "Pass Prometheus metrics over stdin to lint them for consistency and correctness, and "
    "optionally perform cardinality analysis.\n"
    "\n"
    "examples:\n"
    "\n"
    "$ cat metrics.prom | promtool check metrics\n"
    "\n"
    "$ curl -s http://localhost:9090/metrics | promtool check metrics --extended\n"
    "\n"
    "$ curl -s http://localhost:9100/metrics | promtool check metrics --extended --lint=none";

constexpr std::string_view kExtendedHelp =
    "Print extended information related to the cardinality of the metrics.";
constexpr std::string_view kLintHelp =
    "Linting checks to apply for metrics. Available options are: all, none. Use --lint=none to "
    "disable metrics linting.";

std::string ReadAllStdin() {
  std::string data;
  struct stat st;
  if (fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    data.reserve(static_cast<size_t>(st.st_size) + 1);
  }
  char buf[1 << 16];
  while (true) {
    ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    if (n > 0) {
      data.append(buf, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;  // a read error ends the input like EOF, as Go's reader does for the parser
    }
  }
  return data;
}

// Prints promtool's one-line error, then (promkit's addition) the offending line and a caret.
void PrintParseError(std::string_view prefix, const util::Status& st, std::string_view text,
                     const textparse::TextParseErrorInfo& info) {
  std::string out = fmt::format("{}{}\n", prefix, st.message());
  out += util::RenderCaret(text, std::min(info.offset, text.size()));
  std::fputs(out.c_str(), stderr);
}

struct MetricStat {
  std::string_view name;
  size_t cardinality = 0;
};

// Series per family as promtool counts them: histograms and summaries count their buckets or
// quantiles (taken from the first metric) plus _sum and _count.
std::vector<MetricStat> CardinalityStats(const textparse::ParsedFamilies& parsed) {
  std::vector<MetricStat> stats;
  stats.reserve(parsed.families.size());
  for (const textparse::MetricFamily& f : parsed.families) {
    size_t n = f.metrics.size();
    size_t card = n;
    const textparse::Metric& first = parsed.metric(f.metrics.front());
    if (f.type() == textparse::FamilyType::kHistogram) {
      card = n * (2 + (first.histogram ? first.histogram->buckets.size() : 0));
    } else if (f.type() == textparse::FamilyType::kSummary) {
      card = n * (2 + (first.summary ? first.summary->quantiles.size() : 0));
    }
    stats.push_back(MetricStat{f.name, card});
  }
  std::stable_sort(stats.begin(), stats.end(), [](const MetricStat& a, const MetricStat& b) {
    return a.cardinality > b.cardinality;
  });
  return stats;
}

size_t RuneCount(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Go's text/tabwriter with minwidth 4, tabwidth 4, padding 4, padchar ' ' for rows whose cells
// all end in a tab: every column is as wide as its widest cell plus the padding.
std::string TabWrite(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], RuneCount(row[i]));
  }
  for (size_t& w : widths) w = std::max<size_t>(w + 4, 4);
  std::string out;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      out += row[i];
      out.append(widths[i] - RuneCount(row[i]), ' ');
    }
    out += '\n';
  }
  return out;
}

std::string RenderExtended(const textparse::ParsedFamilies& parsed) {
  std::vector<MetricStat> stats = CardinalityStats(parsed);
  size_t total = 0;
  for (const MetricStat& s : stats) total += s.cardinality;
  std::vector<std::vector<std::string>> rows;
  rows.reserve(stats.size() + 2);
  rows.push_back({"Metric", "Cardinality", "Percentage"});
  for (const MetricStat& s : stats) {
    double pct = static_cast<double>(s.cardinality) / static_cast<double>(total) * 100;
    rows.push_back(
        {std::string(s.name), fmt::format("{}", s.cardinality), fmt::format("{:.2f}%", pct)});
  }
  rows.push_back({"Total", fmt::format("{}", total), "100%"});
  return TabWrite(rows);
}

int RunCheckMetrics(const CheckMetricsFlags& flags) {
  const bool lint = flags.lint != kLintNone;
  if (!flags.extended && !lint) {
    std::fputs(
        "error: at least one of --extended or linting must be enabled\n"
        "Use --extended for cardinality analysis, or remove --lint=none to enable linting\n",
        stderr);
    return kExitFailure;
  }
  const std::string input = ReadAllStdin();
  bool has_problems = false;
  if (lint) {
    textparse::TextParseErrorInfo info;
    auto problems = textparse::LintText(input, &info);
    if (!problems.ok()) {
      PrintParseError("error while linting: ", problems.status(), input, info);
      return kExitFailure;
    }
    std::string out;
    for (const textparse::Problem& p : *problems) {
      out += p.metric;
      out += ' ';
      out += p.text;
      out += '\n';
    }
    std::fputs(out.c_str(), stderr);
    has_problems = !problems->empty();
  }
  if (flags.extended) {
    textparse::TextParseErrorInfo info;
    auto parsed = textparse::ParseTextFamilies(input, textparse::NameValidation::kUtf8, &info);
    if (!parsed.ok()) {
      PrintParseError("error while parsing text to metric families: ", parsed.status(), input,
                      info);
      return kExitFailure;
    }
    std::string table = RenderExtended(*parsed);
    std::fwrite(table.data(), 1, table.size(), stdout);
  }
  return has_problems ? kExitLint : kExitOk;
}

void RegisterCheckMetrics(CLI::App& check, Mode mode, int* exit_code) {
  auto flags = std::make_shared<CheckMetricsFlags>();
  CLI::App* cmd = check.add_subcommand("metrics", std::string(kCheckMetricsUsage));
  cmd->add_flag("--extended", flags->extended, std::string(kExtendedHelp));
  cmd->add_option("--lint", flags->lint, std::string(kLintHelp))->default_str("all");
  cmd->callback([flags, exit_code] { *exit_code = RunCheckMetrics(*flags); });
}

// ---------------------------------------------------------------------------------------------
// check config

struct CheckConfigFlags {
  std::vector<std::string> files;
  bool syntax_only = false;
  std::string lint = "duplicate-rules";
  bool lint_fatal = false;
  bool ignore_unknown_fields = false;
  bool agent = false;
};

constexpr int64_t kDefaultLookbackDeltaMs = 5 * 60 * 1000;

// Go's filepath.Glob: matches, or the pattern itself is not returned when nothing matches.
std::vector<std::string> Glob(const std::string& pattern) {
  std::vector<std::string> out;
  glob_t g{};
  if (::glob(pattern.c_str(), 0, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  }
  globfree(&g);
  return out;
}

// "" when `path` is empty or exists, else Go's os.Stat error text.
std::string StatError(const std::string& path) {
  struct stat st {};
  if (path.empty() || ::stat(path.c_str(), &st) == 0) return "";
  return fmt::format("stat {}: {}", path,
                     errno == ENOENT ? "no such file or directory" : std::strerror(errno));
}

// Upstream's checkConfig: returns the rule files found and the scrape configs, or the error.
util::Result<std::pair<std::vector<std::string>, std::vector<config::ScrapeConfig>>> CheckOneConfig(
    const CheckConfigFlags& flags, const std::string& filename) {
  std::printf("Checking %s\n", filename.c_str());
  std::fflush(stdout);
  PROMKIT_ASSIGN_OR_RETURN(config::Config cfg, config::LoadFile(filename, flags.agent));
  std::vector<std::string> rule_files;
  if (!flags.syntax_only) {
    for (const std::string& rf : cfg.rule_files) {
      std::vector<std::string> found = Glob(rf);
      if (rf.find('*') == std::string::npos) {
        if (found.empty()) {
          return util::Status::NotFound(
              fmt::format("{} does not point to an existing file", util::GoQuote(rf)));
        }
      }
      rule_files.insert(rule_files.end(), found.begin(), found.end());
    }
  }
  std::vector<config::ScrapeConfig> scrape_configs;
  if (flags.syntax_only) {
    scrape_configs = cfg.scrape_configs;
  } else {
    auto all = config::GetScrapeConfigs(cfg);
    if (!all.ok()) return all.status().Wrap("error loading scrape configs");
    scrape_configs = std::move(*all);
  }
  auto check_tls = [&](const config::TLSConfig& tls) -> util::Status {
    if (!tls.cert_file.empty() && tls.key_file.empty()) {
      return util::Status::InvalidArgument(fmt::format(
          "client cert file {} specified without client key file", util::GoQuote(tls.cert_file)));
    }
    if (!tls.key_file.empty() && tls.cert_file.empty()) {
      return util::Status::InvalidArgument(fmt::format(
          "client key file {} specified without client cert file", util::GoQuote(tls.key_file)));
    }
    if (flags.syntax_only) return util::Status::Ok();
    if (std::string e = StatError(tls.cert_file); !e.empty()) {
      return util::Status::NotFound(
          fmt::format("error checking client cert file {}: {}", util::GoQuote(tls.cert_file), e));
    }
    if (std::string e = StatError(tls.key_file); !e.empty()) {
      return util::Status::NotFound(
          fmt::format("error checking client key file {}: {}", util::GoQuote(tls.key_file), e));
    }
    return util::Status::Ok();
  };
  auto check_file_sd = [&](const std::vector<config::FileSDConfig>& sds,
                           const std::string& job) -> util::Status {
    if (flags.syntax_only) return util::Status::Ok();
    for (const config::FileSDConfig& sd : sds) {
      for (const std::string& pattern : sd.files) {
        std::vector<std::string> files = Glob(pattern);
        if (files.empty()) {
          std::printf("  WARNING: file %s for file_sd in scrape job %s does not exist\n",
                      util::GoQuote(pattern).c_str(), util::GoQuote(job).c_str());
          continue;
        }
        for (const std::string& f : files) {
          auto groups = config::ReadTargetGroupsFile(f);
          if (!groups.ok())
            return groups.status().Wrap(fmt::format("checking SD file {}", util::GoQuote(pattern)));
        }
      }
    }
    return util::Status::Ok();
  };
  for (const config::ScrapeConfig& sc : scrape_configs) {
    if (!flags.syntax_only && sc.http.authorization) {
      const std::string& cf = sc.http.authorization->credentials_file;
      if (std::string e = StatError(cf); !e.empty()) {
        return util::Status::NotFound(
            fmt::format("error checking authorization credentials or bearer token file {}: {}",
                        util::GoQuote(cf), e));
      }
    }
    PROMKIT_RETURN_IF_ERROR(check_tls(sc.http.tls_config));
    for (const config::OtherSDConfig& other : sc.sd.others) {
      if (other.key == "kubernetes_sd_configs")
        PROMKIT_RETURN_IF_ERROR(check_tls(other.http.tls_config));
    }
    PROMKIT_RETURN_IF_ERROR(check_file_sd(sc.sd.file_sd_configs, sc.job_name));
  }
  for (const config::AlertmanagerConfig& am : cfg.alerting.alertmanagers) {
    PROMKIT_RETURN_IF_ERROR(check_file_sd(am.sd.file_sd_configs, ""));
  }
  return std::make_pair(std::move(rule_files), std::move(scrape_configs));
}

int RunCheckConfig(const CheckConfigFlags& flags, Mode mode) {
  // promtool's newConfigLintConfig: the scrape-interval lint here, the rest for the rule files.
  int64_t lookback = 0;
  bool lint_none = false;
  std::string rules_options;
  for (std::string_view opt : util::SplitString(flags.lint, ",")) {
    if (opt == kLintAll || opt == "too-long-scrape-interval") lookback = kDefaultLookbackDeltaMs;
    if (opt == kLintNone) lint_none = true;
    if (opt != kLintNone && opt != "too-long-scrape-interval") {
      if (!rules_options.empty()) rules_options += ',';
      rules_options += opt;
    }
  }
  if (lint_none) {
    lookback = 0;
    rules_options.clear();
  }
  const RulesLint rules_lint =
      ParseRulesLint(rules_options, flags.lint_fatal, flags.ignore_unknown_fields);
  bool failed = false;
  bool has_errors = false;
  for (const std::string& f : flags.files) {
    auto result = CheckOneConfig(flags, f);
    if (!result.ok()) {
      std::fflush(stdout);
      std::fprintf(stderr, "  FAILED: %s\n", result.status().ToString().c_str());
      has_errors = failed = true;
    } else {
      if (!result->first.empty())
        std::printf("  SUCCESS: %zu rule files found\n", result->first.size());
      std::printf(" SUCCESS: %s is valid prometheus config file syntax\n", f.c_str());
    }
    std::printf("\n");
    std::fflush(stdout);
    if (!flags.syntax_only && result.ok()) {
      for (const config::ScrapeConfig& sc : result->second) {
        if (lookback > 0 && sc.scrape_interval_ms >= lookback) {
          std::fprintf(stderr,
                       "  FAILED: too long scrape interval found, data point will be marked as "
                       "stale - job: %s, interval: %s\n",
                       sc.job_name.c_str(), util::FormatDuration(sc.scrape_interval_ms).c_str());
          failed = true;
          break;
        }
      }
      RulesCheckOutcome rules = CheckRuleFiles(result->first, rules_lint, mode);
      failed = failed || rules.failed;
      has_errors = has_errors || rules.has_errors;
    }
  }
  if (failed && has_errors) return kExitFailure;
  if (failed && flags.lint_fatal) return kExitLint;
  return kExitOk;
}

void RegisterCheckConfig(CLI::App& check, Mode mode, int* exit_code) {
  auto flags = std::make_shared<CheckConfigFlags>();
  CLI::App* cmd = check.add_subcommand("config", "Check if the config files are valid or not.");
  cmd->add_option("config-files", flags->files, "The config files to check.")->required();
  cmd->add_flag(
      "--syntax-only", flags->syntax_only,
      "Only check the config file syntax, ignoring file and content validation referenced "
      "in the config");
  cmd->add_option(
         "--lint", flags->lint,
         "Linting checks to apply to the rules/scrape configs specified in the config. "
         "Available options are: all, duplicate-rules, none, too-long-scrape-interval. Use "
         "--lint=none to disable linting")
      ->default_str("duplicate-rules");
  cmd->add_flag("--lint-fatal", flags->lint_fatal, "Make lint errors exit with exit code 3.");
  cmd->add_flag("--ignore-unknown-fields", flags->ignore_unknown_fields,
                "Ignore unknown fields in the rule groups read by the config files. This is "
                "useful when you want to extend rule files with custom metadata. Ensure that "
                "those fields are removed before loading them into the Prometheus server as it "
                "performs strict checks by default.");
  cmd->add_flag("--agent", flags->agent, "Check config file for Prometheus in Agent mode.");
  cmd->callback([flags, mode, exit_code] { *exit_code = RunCheckConfig(*flags, mode); });
}

}  // namespace

void RegisterCheck(CLI::App& root, Mode mode, int* exit_code) {
  CLI::App* check = root.add_subcommand("check", "Check the resources for validity.");
  check->require_subcommand(1);
  RegisterCheckServiceDiscovery(*check, mode, exit_code);
  RegisterCheckConfig(*check, mode, exit_code);
  RegisterCheckWebConfig(*check, mode, exit_code);
  RegisterCheckRules(*check, mode, exit_code);
  RegisterCheckMetrics(*check, mode, exit_code);
}

}  // namespace promkit::cli

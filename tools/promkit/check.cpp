// The 'check' command family. One Register/Run pair per subcommand; the checks themselves live
// in lib/ (textparse for metrics).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "app.h"
#include "textparse/families.h"
#include "textparse/promlint.h"
#include "util/source_error.h"

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

}  // namespace

void RegisterCheck(CLI::App& root, Mode mode, int* exit_code) {
  CLI::App* check = root.add_subcommand("check", "Check the resources for validity.");
  check->require_subcommand(1);
  RegisterCheckMetrics(*check, mode, exit_code);
}

}  // namespace promkit::cli

// The `am` family: amtool's offline commands over lib/alertmanager. Registered under `am` in
// promkit's tree and at the root when the binary is invoked as amtool (with amtool's global
// flags). Output, error texts and exit codes are amtool's (current upstream); kingpin.Fatalf
// errors read "amtool: error: <message>\n" (plus a blank line where upstream's format ends in
// "\n").
#include "am.h"

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "alertmanager/config.h"
#include "alertmanager/route.h"
#include "alertmanager/route_tests.h"
#include "alertmanager/template.h"
#include "app.h"
#include "config/http_client_file.h"
#include "query_client.h"
#include "scrape/fetch.h"
#include "scrape/http_config.h"
#include "util/duration.h"
#include "util/file.h"
#include "util/strings.h"

namespace promkit::cli {
namespace {

namespace am = promkit::alertmanager;

struct RoutesFlags {
  std::string config_file;
  std::string verify_receivers;
  bool tree = false;
  std::vector<std::string> labels;
  std::string tests_file;
};

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// kingpin.Fatalf: "<prog>: error: <formatted>\n".
void Fatal(Mode mode, const std::string& formatted) {
  std::fprintf(stderr, "%s: error: %s\n", std::string(ProgramName(mode)).c_str(),
               formatted.c_str());
}

// kingpin's ExistingFile(s) check: "" when every path exists and is not a directory.
std::string ExistingFileError(const std::string& f) {
  struct stat st {};
  if (::stat(f.c_str(), &st) != 0) {
    if (errno == ENOENT) return fmt::format("path '{}' does not exist", f);
    return "";
  }
  if (S_ISDIR(st.st_mode)) {
    std::string base = f;
    while (base.size() > 1 && base.back() == '/') base.pop_back();
    if (size_t slash = base.rfind('/'); slash != std::string::npos && base.size() > 1) {
      base = base.substr(slash + 1);
    }
    return fmt::format("'{}' is a directory", base);
  }
  return "";
}

// --enable-feature: the matcher parser it selects, or an error in featurecontrol's words.
util::Result<am::MatcherMode> MatcherModeFromFeatures(const std::string& features) {
  if (features.empty()) return am::MatcherMode::kFallback;
  bool classic = false, utf8 = false;
  for (std::string_view f : util::SplitString(features, ",")) {
    if (f == "classic-mode") {
      classic = true;
    } else if (f == "utf8-strict-mode") {
      utf8 = true;
    } else if (f != "alert-names-in-metrics" && f != "receiver-name-in-metrics" &&
               f != "group-key-in-metrics" && f != "auto-gomemlimit" && f != "event-recorder") {
      return util::Status::InvalidArgument(
          fmt::format("unknown option '{}' for --enable-feature", f));
    }
  }
  if (classic && utf8) {
    return util::Status::InvalidArgument("cannot have both classic and UTF-8 modes enabled");
  }
  return classic ? am::MatcherMode::kClassic
         : utf8  ? am::MatcherMode::kUtf8Strict
                 : am::MatcherMode::kFallback;
}

// initMatchersCompat: runs before every command.
bool ResolveMatcherMode(const AmFlags& g, Mode mode, am::MatcherMode* out) {
  auto m = MatcherModeFromFeatures(g.enable_feature);
  if (!m.ok()) {
    Fatal(mode, fmt::format("error parsing the feature flag list: {}\n", m.status().message()));
    return false;
  }
  *out = *m;
  return true;
}

// ---------------------------------------------------------------------------------------------
// check-config

int RunCheckConfig(const AmFlags& g, std::vector<std::string> files, Mode mode) {
  am::MatcherMode mm;
  if (!ResolveMatcherMode(g, mode, &mm)) return kExitFailure;
  for (const std::string& f : files) {
    if (std::string err = ExistingFileError(f); !err.empty()) {
      Fatal(mode, err + "\n");
      return kExitFailure;
    }
  }
  if (files.empty()) {
    struct stat st {};
    if (::fstat(0, &st) != 0) {
      Fatal(mode, fmt::format("Failed to stat standard input: {}", std::strerror(errno)));
      return kExitFailure;
    }
    if (S_ISCHR(st.st_mode)) {
      Fatal(mode, "Failed to read from standard input");
      return kExitFailure;
    }
    files.push_back("/dev/stdin");
  }
  int failed = 0;
  am::LoadOptions opts;
  opts.matcher_mode = mm;
  for (const std::string& f : files) {
    std::string out = fmt::format("Checking '{}'", f);
    auto cfg = am::LoadFile(f, opts);
    if (!cfg.ok()) {
      out += fmt::format("  FAILED: {}\n", cfg.status().message());
      ++failed;
    } else {
      out += "  SUCCESS\n";
      out += "Found:\n";
      if (cfg->has_global) out += " - global config\n";
      out += " - route\n";
      out += fmt::format(" - {} inhibit rules\n", cfg->inhibit_rules.size());
      out += fmt::format(" - {} receivers\n", cfg->receivers.size());
      out += fmt::format(" - {} templates\n", cfg->templates.size());
      bool templates_ok = true;
      if (!cfg->templates.empty()) {
        util::Status st = am::CheckTemplateGlobs(cfg->templates);
        if (!st.ok()) {
          out += fmt::format("  FAILED: {}\n", st.message());
          ++failed;
          templates_ok = false;
        } else {
          out += "  SUCCESS\n";
        }
      }
      // promkit renders what notifications would render, to find errors upstream only meets
      // when it sends (amtool's output stays as it is).
      if (mode != Mode::kAmtool && templates_ok) {
        auto set = am::TemplateSet::FromGlobs(cfg->templates);
        std::vector<am::TemplateProblem> problems;
        if (set.ok()) problems = am::RenderReceiverTemplates(*cfg, *set, NowNanos());
        out += " - receiver templates rendered with example alerts\n";
        if (problems.empty()) {
          out += "  SUCCESS\n";
        } else {
          for (const am::TemplateProblem& p : problems) {
            out += fmt::format("  FAILED: receiver {}, {}: {}: {}\n", util::GoQuote(p.receiver),
                               p.integration, p.field, p.error);
          }
          ++failed;
        }
      }
    }
    out += "\n";
    std::fputs(out.c_str(), stdout);
  }
  if (failed > 0) {
    Fatal(mode, fmt::format("failed to validate {} file(s)\n", failed));
    return kExitFailure;
  }
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------
// config routes

// loadAlertmanagerConfig: the file when given, else the running Alertmanager's (GET
// /api/v2/status, its config.original). Failures are reported here; nullopt then.
std::optional<am::Config> LoadRoutingConfig(const AmFlags& g, const std::string& config_file,
                                            Mode mode, am::MatcherMode mm, bool fatal_newline) {
  if (!g.alertmanager_url.empty() && !config_file.empty()) {
    std::fputs("Warning: --config.file flag overrides the --alertmanager.url.\n", stderr);
  }
  if (g.alertmanager_url.empty() && config_file.empty()) {
    Fatal(mode, "You have to specify one of --config.file or --alertmanager.url flags.");
    return std::nullopt;
  }
  am::LoadOptions opts;
  opts.matcher_mode = mm;
  auto fail = [&](std::string_view msg) {
    Fatal(mode, std::string(msg) + (fatal_newline ? "\n" : ""));
    return std::nullopt;
  };
  if (!config_file.empty()) {
    auto cfg = am::LoadFile(config_file, opts);
    if (!cfg.ok()) return fail(cfg.status().message());
    return std::move(*cfg);
  }
  scrape::FetchOptions fo;
  auto timeout = util::ParseGoDuration(g.timeout);
  fo.timeout_ns = timeout.ok() && *timeout > 0 ? *timeout : 30'000'000'000;
  fo.accept = "application/json";
  fo.scrape_timeout_header = false;
  fo.any_status = true;
  if (!g.http_config_file.empty()) {
    auto hc = config::LoadHTTPClientConfigFile(g.http_config_file);
    util::Status st = hc.ok() ? scrape::ApplyHttpClientConfig(*hc, fo) : hc.status();
    if (!st.ok()) return fail(st.message());
  }
  std::string base = g.alertmanager_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  fo.url = base + "/api/v2/status";
  auto resp = scrape::Fetch(fo);
  // scrape::Fetch words transport errors as Go's client does: Get "<url>": <cause>.
  if (!resp.ok()) return fail(resp.status().message());
  if (resp->status_code != 200) {
    return fail(fmt::format("[GET /status][{}] getStatus", resp->status_code));
  }
  std::string original;
  try {
    nlohmann::json j = nlohmann::json::parse(resp->body);
    original = j.at("config").at("original").get<std::string>();
  } catch (const std::exception& e) {
    return fail(fmt::format("cannot decode the Alertmanager status: {}", e.what()));
  }
  auto cfg = am::Load(original, opts);
  if (!cfg.ok()) return fail(cfg.status().message());
  return std::move(*cfg);
}

// xlab/treeprint's rendering: "." then one line per node, edges "├── "/"└── ", and for each
// ancestor level "│" plus two no-break spaces and a space, or four spaces below a last child.
struct TreeNode {
  std::string value;
  std::vector<TreeNode> children;
};

void RenderTree(const TreeNode& n, const std::string& prefix, std::string& out) {
  for (size_t i = 0; i < n.children.size(); ++i) {
    bool last = i + 1 == n.children.size();
    out += prefix + (last ? "└── " : "├── ") + n.children[i].value + "\n";
    RenderTree(n.children[i], prefix + (last ? "    " : "│\u00a0\u00a0 "), out);
  }
}

std::string TreeString(const TreeNode& root) {
  std::string out = ".\n";
  RenderTree(root, "", out);
  return out;
}

std::string RouteSlug(const am::RouteNode& r, bool show_continue, bool show_receiver) {
  std::string s = r.matchers().empty() ? "default-route" : am::MatchersString(r.matchers());
  if (r.continue_matching() && show_continue) s += "  continue: true";
  if (show_receiver) s += "  receiver: " + r.opts().receiver;
  return s;
}

void FullTree(const am::RouteNode& r, TreeNode& parent) {
  parent.children.push_back({RouteSlug(r, true, true), {}});
  TreeNode& branch = parent.children.back();
  for (const auto& child : r.routes()) FullTree(*child, branch);
}

void MatchingTree(const am::RouteNode& r, TreeNode& parent, const am::LabelSet& ls) {
  parent.children.push_back({RouteSlug(r, false, false), {}});
  TreeNode& branch = parent.children.back();
  bool final = true;
  for (const auto& child : r.routes()) {
    if (am::MatchesAll(child->matchers(), ls)) {
      MatchingTree(*child, branch, ls);
      final = false;
      if (!child->continue_matching()) break;
    }
  }
  if (final) branch.value = RouteSlug(r, false, true);
}

int RunRoutesShow(const AmFlags& g, const RoutesFlags& f, Mode mode) {
  am::MatcherMode mm;
  if (!ResolveMatcherMode(g, mode, &mm)) return kExitFailure;
  // routingShowAction reports load errors with Fatalf("%s"): a single newline.
  std::optional<am::Config> cfg = LoadRoutingConfig(g, f.config_file, mode, mm, false);
  if (!cfg) return kExitFailure;
  std::unique_ptr<am::RouteNode> root = am::RouteNode::Build(*cfg->route);
  TreeNode tree;
  FullTree(*root, tree);
  std::string out = "Routing tree:\n" + TreeString(tree) + "\n";
  std::fputs(out.c_str(), stdout);
  return kExitOk;
}

int RunRoutesTestFile(const AmFlags& g, const RoutesFlags& f, Mode mode, am::MatcherMode mm);

int RunRoutesTest(const AmFlags& g, const RoutesFlags& f, Mode mode) {
  am::MatcherMode mm;
  if (!ResolveMatcherMode(g, mode, &mm)) return kExitFailure;
  if (!f.tests_file.empty()) return RunRoutesTestFile(g, f, mode, mm);
  std::optional<am::Config> cfg = LoadRoutingConfig(g, f.config_file, mode, mm, true);
  if (!cfg) return kExitFailure;
  std::unique_ptr<am::RouteNode> root = am::RouteNode::Build(*cfg->route);
  am::LabelSet ls;
  for (const std::string& l : f.labels) {
    auto m = am::ParseMatcher(l, mm);
    if (!m.ok()) {
      Fatal(mode, fmt::format("Failed to parse labels: {}\n", m.status().message()));
      return kExitFailure;
    }
    if (m->type() != am::MatchType::kEqual) {
      Fatal(mode, "Labels must be specified as key=value pairs\n");
      return kExitFailure;
    }
    ls[m->name()] = m->value();
  }
  std::string out;
  if (f.tree) {
    TreeNode tree;
    MatchingTree(*root, tree, ls);
    out += "Matching routes:\n" + TreeString(tree) + "\n\n";
  }
  std::string slug;
  for (const am::RouteNode* r : root->Match(ls)) {
    slug += (slug.empty() ? "" : ",") + r->opts().receiver;
  }
  out += slug + "\n";
  if (!f.verify_receivers.empty() && f.verify_receivers != slug) {
    out += "WARNING: Expected receivers did not match resolved receivers.\n";
    std::fputs(out.c_str(), stdout);
    return kExitFailure;
  }
  std::fputs(out.c_str(), stdout);
  return kExitOk;
}

// promkit's `config routes test --file`: every case of a routing test file in one run.
int RunRoutesTestFile(const AmFlags& g, const RoutesFlags& f, Mode mode, am::MatcherMode mm) {
  if (std::string err = ExistingFileError(f.tests_file); !err.empty()) {
    Fatal(mode, err);
    return kExitFailure;
  }
  am::RouteTestOptions opts;
  opts.config_file = f.config_file;
  opts.matcher_mode = mm;
  (void)g;
  auto report = am::RunRouteTestFile(f.tests_file, opts);
  if (!report.ok()) {
    std::fprintf(stderr, "%s: FAILED: %s\n", f.tests_file.c_str(),
                 std::string(report.status().message()).c_str());
    return kExitFailure;
  }
  std::string out =
      fmt::format("Testing routes in '{}' against '{}'\n", f.tests_file, report->config_file);
  size_t failed = 0;
  for (const am::RouteTestResult& r : report->results) {
    if (r.failures.empty()) {
      out += fmt::format("  PASS  {}\n", r.name);
      continue;
    }
    ++failed;
    out += fmt::format("  FAIL  {}\n", r.name);
    for (const std::string& why : r.failures) out += fmt::format("          {}\n", why);
  }
  out += fmt::format("{} tests, {} passed, {} failed\n", report->results.size(),
                     report->results.size() - failed, failed);
  std::fputs(out.c_str(), stdout);
  return failed == 0 ? kExitOk : kExitFailure;
}

// --config.file is an ExistingFile flag: kingpin rejects a missing path while parsing.
bool CheckConfigFileFlag(const RoutesFlags& f, Mode mode) {
  if (f.config_file.empty()) return true;
  std::string err = ExistingFileError(f.config_file);
  if (err.empty()) return true;
  Fatal(mode, err + "\n");
  return false;
}

// ---------------------------------------------------------------------------------------------
// template render

struct TemplateRenderFlags {
  std::vector<std::string> globs;
  std::string text;
  std::string data_file;
};

int RunTemplateRender(const AmFlags& g, const TemplateRenderFlags& f, Mode mode) {
  am::MatcherMode mm;
  if (!ResolveMatcherMode(g, mode, &mm)) return kExitFailure;
  // --template.data is a kingpin File flag: opened while parsing.
  std::string data_text;
  if (!f.data_file.empty()) {
    auto text = util::ReadFile(f.data_file);
    if (!text.ok()) {
      Fatal(mode, std::string(text.status().message()) + "\n");
      return kExitFailure;
    }
    data_text = std::move(*text);
  }
  auto set = am::TemplateSet::FromGlobs(f.globs);
  if (!set.ok()) {
    Fatal(mode, std::string(set.status().message()) + "\n");
    return kExitFailure;
  }
  am::TemplateData data;
  if (f.data_file.empty()) {
    data = am::ExampleTemplateData(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count());
  } else {
    auto parsed = am::ParseTemplateData(data_text);
    if (!parsed.ok()) {
      Fatal(mode, std::string(parsed.status().message()) + "\n");
      return kExitFailure;
    }
    data = std::move(*parsed);
  }
  auto out = set->ExecuteText(f.text, am::TemplateDataValue(data));
  if (!out.ok()) {
    Fatal(mode, std::string(out.status().message()) + "\n");
    return kExitFailure;
  }
  std::fputs(out->c_str(), stdout);
  return kExitOk;
}

constexpr std::string_view kConfigHelp =
    "View current config.\n\nThe amount of output is controlled by the output selection flag:\n"
    "\t- Simple: Print just the running config\n\t- Extended: Print the running config as well "
    "as uptime and all version info\n\t- Json: Print entire config object as json";

constexpr std::string_view kCheckConfigHelp =
    "Validate alertmanager config files\n\nWill validate the syntax and schema for alertmanager "
    "config file and associated templates. Non existing templates will not trigger errors.";

constexpr std::string_view kRoutingHelp =
    "Prints alert routing tree\n\nWill print whole routing tree in form of ASCII tree view.\n\n"
    "Routing is loaded from a local configuration file or a running Alertmanager configuration. "
    "Specifying --config.file takes precedence over --alertmanager.url.\n\nExample:\n\n"
    "./amtool config routes [show] --config.file=doc/examples/simple.yml";

constexpr std::string_view kRoutingTestHelp =
    "Test alert routing\n\nWill return receiver names which the alert with given labels "
    "resolves to. If the labelset resolves to multiple receivers, they are printed out in order "
    "as defined in the routing tree.\n\nRouting is loaded from a local configuration file or a "
    "running Alertmanager configuration. Specifying --config.file takes precedence over "
    "--alertmanager.url.\n\nExample:\n\n./amtool config routes test "
    "--config.file=doc/examples/simple.yml --verify.receivers=team-DB-pager service=database";

constexpr std::string_view kRoutingTestFileHelp =
    "\n\nWith --file (promkit), runs every case of a routing test file instead, for CI. The file "
    "is YAML: `config_file` (the alertmanager.yml to test, relative to the test file; "
    "--config.file overrides it) and `tests`, a list of cases, each with `name` (optional), "
    "`labels` (the alert's labels, a map), `receivers` (the receivers it must reach, in "
    "routing order), and optionally `group_by` (a map from receiver to the labels the alert's "
    "group is keyed by there), `at` "
    "(an RFC 3339 time: `notify` then lists the receivers that would be notified at that time, "
    "after mute_time_intervals and active_time_intervals), `notify`, `firing` (other alerts "
    "firing at the same time, as label maps) and `inhibited` (whether the inhibit rules mute "
    "the alert given those). Each case prints PASS or FAIL with what differed; the exit code is "
    "1 when any case fails.";

}  // namespace

void RegisterAm(CLI::App& root, Mode mode, int* exit_code) {
  auto g = std::make_shared<AmFlags>();
  CLI::App* base = &root;
  if (mode != Mode::kAmtool) {
    base = root.add_subcommand(
        "am",
        "Alertmanager's tools (amtool's command tree): query and add alerts and silences on a "
        "running Alertmanager, show its configuration and cluster, validate alertmanager.yml, "
        "test and show routing. Invoked as 'amtool', promkit answers these commands at the "
        "root.");
    base->require_subcommand(1);
  }
  base->add_option("--date.format", g->date_format, "Format of date output")
      ->default_str(g->date_format);
  if (mode == Mode::kAmtool) {
    base->add_flag("-v,--verbose", g->verbose, "Verbose running information");
  }
  base->add_option("--alertmanager.url", g->alertmanager_url, "Alertmanager to talk to")
      ->option_text("ALERTMANAGER.URL");
  base->add_option("-o,--output", g->output, "Output formatter (simple, extended, json)")
      ->default_str("simple")
      ->option_text("simple")
      // Checked with kingpin's message once parsed (OnParsed), after the configuration file may
      // have set it; the validator only names the values for help and completions.
      ->check(CLI::Validator([](std::string&) { return std::string(); }, "{simple,extended,json}"));
  base->add_option("--timeout", g->timeout, "Timeout for the executed command")->default_str("30s");
  base->add_option("--http.config.file", g->http_config_file,
                   "HTTP client configuration file for amtool to connect to Alertmanager.")
      ->option_text("<filename>");
  if (mode == Mode::kAmtool) {
    base->add_flag("--version-check", g->version_check,
                   "Check alertmanager version. Use --no-version-check to disable.");
  }
  base->add_option("--enable-feature", g->enable_feature,
                   "Experimental features to enable, comma separated. Valid options: "
                   "alert-names-in-metrics, receiver-name-in-metrics, group-key-in-metrics, "
                   "classic-mode, utf8-strict-mode, auto-gomemlimit, event-recorder")
      ->default_str("");

  RegisterAmAlert(*base, g, mode, exit_code);
  RegisterAmSilence(*base, g, mode, exit_code);

  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App* check = base->add_subcommand(
      "check-config",
      std::string(kCheckConfigHelp) +
          (mode == Mode::kAmtool
               ? ""
               : "\n\npromkit also renders every templated receiver setting with example alerts "
                 "and reports the templates that would fail when a notification is sent."));
  check->add_option("check-files", *files, "Files to be validated");
  OnParsed(*base, *check, g, mode, exit_code,
           [g, files, mode] { return RunCheckConfig(*g, *files, mode); });

  auto rf = std::make_shared<RoutesFlags>();
  RegisterAmCluster(*base, g, mode, exit_code);
  CLI::App* config = base->add_subcommand("config", std::string(kConfigHelp));
  config->require_subcommand(1);
  RegisterAmConfigShow(*config, g, mode, exit_code);
  CLI::App* routes = config->add_subcommand("routes", std::string(kRoutingHelp));
  routes->add_option("--config.file", rf->config_file, "Config file to be tested.");
  CLI::App* show = routes->add_subcommand("show", std::string(kRoutingHelp));
  OnParsed(*base, *show, g, mode, exit_code, [g, rf, mode] {
    return CheckConfigFileFlag(*rf, mode) ? RunRoutesShow(*g, *rf, mode) : kExitFailure;
  });
  SetDefaultSubcommand(*routes, *show);
  CLI::App* test = routes->add_subcommand(
      "test", std::string(kRoutingTestHelp) +
                  std::string(mode == Mode::kAmtool ? "" : kRoutingTestFileHelp));
  test->add_option("--verify.receivers", rf->verify_receivers,
                   "Checks if specified receivers matches resolved receivers. The command fails "
                   "if the labelset does not route to the specified receivers.");
  test->add_flag("--tree", rf->tree, "Prints out matching routes tree.");
  if (mode != Mode::kAmtool) {
    test->add_option("--file", rf->tests_file,
                     "A routing test file: run all its cases (see above) instead of testing "
                     "<labels>.")
        ->option_text("TESTS.YML");
  }
  test->add_option("labels", rf->labels,
                   "List of labels to be tested against the configured routes.");
  auto tf = std::make_shared<TemplateRenderFlags>();
  CLI::App* tmpl = base->add_subcommand("template", "Render template files.");
  tmpl->require_subcommand(1);
  CLI::App* render = tmpl->add_subcommand(
      "render", "Render a given definition in a template file to standard output.");
  render
      ->add_option("--template.glob", tf->globs,
                   "Glob of paths that will be expanded and used for rendering.")
      ->required()
      ->option_text("TEMPLATE.GLOB")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  render->add_option("--template.text", tf->text, "The template that will be rendered.")
      ->required()
      ->option_text("TEMPLATE.TEXT");
  render->add_option(
      "--template.data", tf->data_file,
      "Full path to a file which contains the data of the alert(-s) with which the "
      "--template.text will be rendered. Must be in JSON. File must be formatted according to "
      "the following layout: https://pkg.go.dev/github.com/prometheus/alertmanager/"
      "template#Data. If none has been specified then a predefined, simple alert will be used "
      "for rendering.");
  OnParsed(*base, *render, g, mode, exit_code,
           [g, tf, mode] { return RunTemplateRender(*g, *tf, mode); });

  OnParsed(*base, *test, g, mode, exit_code, [g, rf, mode] {
    return CheckConfigFileFlag(*rf, mode) ? RunRoutesTest(*g, *rf, mode) : kExitFailure;
  });
}

}  // namespace promkit::cli

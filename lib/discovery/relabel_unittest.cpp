#include "discovery/relabel_unittest.h"

#include <map>
#include <optional>
#include <span>

#include <fmt/core.h>

#include "config/config.h"
#include "discovery/targets.h"
#include "relabel/relabel.h"
#include "util/file.h"
#include "util/json_string.h"
#include "util/strings.h"
#include "util/yaml_decode.h"
#include "util/yaml_tree.h"

namespace promkit::discovery {

namespace {

using util::YamlDecoder;
using util::YamlNode;

struct TestCase {
  std::string name;
  std::string config_file;
  std::string job;
  std::optional<std::vector<relabel::Config>> relabel_configs, metric_relabel_configs;
  std::optional<LabelSet> target, series;
  bool expect_dropped = false;
  std::optional<LabelSet> expect;
  std::string expect_error;
  int line = 0;
};

std::string Dir(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string Resolve(const std::string& dir, const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  return util::CleanPath(dir + "/" + path);
}

void DecodeLabels(YamlDecoder& d, const YamlNode& n, std::optional<LabelSet>& out) {
  std::vector<std::pair<std::string, std::string>> pairs;
  d.StrMap(n, pairs, "map[string]string");
  out.emplace();
  for (auto& [k, v] : pairs) (*out)[k] = v;
}

void DecodeRules(YamlDecoder& d, const YamlNode& n,
                 std::optional<std::vector<relabel::Config>>& out) {
  auto rules = config::ParseRelabelConfigs(n);
  if (!rules.ok()) {
    d.Fail(rules.status().Wrap(fmt::format("line {}", n.line)));
    return;
  }
  out = std::move(*rules);
}

model::Labels ToLabels(const LabelSet& set) {
  std::vector<std::pair<std::string, std::string>> pairs(set.begin(), set.end());
  return model::Labels::FromPairs(std::move(pairs));
}

bool Internal(std::string_view name) { return name.rfind("__", 0) == 0 && name != "__name__"; }

// The labels of `got` that the comparison looks at: public ones plus the internal ones `want`
// lists.
model::Labels Compared(const model::Labels& got, const LabelSet& want) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& l : got) {
    if (!Internal(l.name) || want.count(l.name)) pairs.emplace_back(l.name, l.value);
  }
  return model::Labels::FromPairs(std::move(pairs));
}

// Relabels `in` one rule at a time, recording the steps.
TargetLabels TraceRules(const model::Labels& in, std::span<const relabel::Config> rules) {
  TargetLabels out;
  out.discovered = in;
  relabel::Builder lb(in);
  bool keep = true;
  for (size_t i = 0; i < rules.size() && keep; ++i) {
    RelabelStep step;
    step.index = i;
    step.action = rules[i].action;
    step.before = lb.Build();
    keep = relabel::ProcessBuilder(lb, rules.subspan(i, 1));
    step.dropped = !keep;
    if (keep) step.after = lb.Build();
    out.trace.push_back(std::move(step));
  }
  if (keep) out.labels = lb.Build();
  return out;
}

std::string RenderSteps(const TargetLabels& t, std::string_view rules_name) {
  std::string out;
  for (const RelabelStep& s : t.trace) {
    if (!s.dropped && s.before == s.after) continue;
    std::string_view action = relabel::ActionName(s.action);
    if (s.dropped) {
      out += fmt::format("        {}[{}] {}: dropped\n", rules_name, s.index, action);
      continue;
    }
    out += fmt::format("        {}[{}] {}:\n", rules_name, s.index, action);
    out += FormatLabelDiff(s.before, s.after, "          ");
  }
  if (out.empty()) out = "        (no rule changed the labels)\n";
  return out;
}

struct Loaded {
  std::map<std::string, config::Config> configs;
};

util::Result<const config::ScrapeConfig*> FindJob(Loaded& cache, const std::string& file,
                                                  const std::string& job) {
  auto it = cache.configs.find(file);
  if (it == cache.configs.end()) {
    PROMKIT_ASSIGN_OR_RETURN(config::Config cfg, config::LoadFile(file, false));
    it = cache.configs.emplace(file, std::move(cfg)).first;
    // scrape_config_files are merged in, so their jobs can be named too.
    auto all = config::GetScrapeConfigs(it->second);
    if (!all.ok()) return all.status().Wrap(file);
    it->second.scrape_configs = std::move(*all);
  }
  for (const config::ScrapeConfig& sc : it->second.scrape_configs) {
    if (sc.job_name == job) return &sc;
  }
  return util::Status::NotFound(fmt::format("job {} not found in {}", util::GoQuote(job), file));
}

std::vector<std::string> RunOne(const TestCase& tc, Loaded& cache) {
  std::vector<std::string> failures;
  const config::ScrapeConfig* job = nullptr;
  if (!tc.job.empty()) {
    if (tc.config_file.empty()) return {"a job needs a config_file"};
    auto found = FindJob(cache, tc.config_file, tc.job);
    if (!found.ok()) return {found.status().ToString()};
    job = *found;
  }
  TargetLabels t;
  std::string rules_name;
  if (tc.target) {
    rules_name = "relabel_configs";
    if (job != nullptr) {
      config::ScrapeConfig cfg = *job;
      if (tc.relabel_configs) cfg.relabel_configs = *tc.relabel_configs;
      t = PopulateLabels(cfg, *tc.target, {}, /*trace=*/true);
    } else if (tc.relabel_configs) {
      t = TraceRules(ToLabels(*tc.target), *tc.relabel_configs);
    } else {
      return {"a target test needs a job or relabel_configs"};
    }
  } else {
    rules_name = "metric_relabel_configs";
    const std::vector<relabel::Config>* rules = nullptr;
    if (tc.metric_relabel_configs) {
      rules = &*tc.metric_relabel_configs;
    } else if (tc.relabel_configs) {
      rules = &*tc.relabel_configs;
      rules_name = "relabel_configs";
    } else if (job != nullptr) {
      rules = &job->metric_relabel_configs;
    } else {
      return {"a series test needs a job, metric_relabel_configs or relabel_configs"};
    }
    t = TraceRules(ToLabels(*tc.series), *rules);
  }

  const std::string input = FormatLabels(t.discovered);
  std::string got;
  bool ok = true;
  if (!t.error.ok()) {
    got = fmt::format("invalid target: {}", t.error.message());
    ok = !tc.expect_error.empty() && t.error.message().find(tc.expect_error) != std::string::npos;
  } else if (t.labels.empty()) {
    got = "dropped";
    ok = tc.expect_dropped;
  } else {
    got = FormatLabels(tc.expect ? Compared(t.labels, *tc.expect) : t.labels);
    ok = tc.expect && Compared(t.labels, *tc.expect) == ToLabels(*tc.expect);
  }
  if (ok) return failures;
  std::string want = tc.expect_dropped ? "dropped"
                     : !tc.expect_error.empty()
                         ? fmt::format("an error containing {}", util::GoQuote(tc.expect_error))
                     : tc.expect ? FormatLabels(ToLabels(*tc.expect))
                                 : "(nothing expected)";
  failures.push_back(
      fmt::format("    input: {}\n    got:   {}\n    want:  {}\n    relabel steps:\n{}", input, got,
                  want, RenderSteps(t, rules_name)));
  return failures;
}

}  // namespace

bool RelabelTestFileResult::ok() const {
  if (!error.ok()) return false;
  for (const RelabelTestResult& t : tests) {
    if (!t.failures.empty()) return false;
  }
  return true;
}

RelabelTestFileResult RunRelabelTestFile(const std::string& path) {
  RelabelTestFileResult result;
  auto text = util::ReadFile(path);
  if (!text.ok()) {
    result.error = text.status();
    return result;
  }
  auto root = util::ParseYaml(*text);
  if (!root.ok()) {
    result.error = root.status();
    return result;
  }
  const std::string dir = Dir(path);
  std::string default_config, default_job;
  std::vector<TestCase> cases;
  YamlDecoder d;
  d.Struct(
      *root, "relabel test file",
      {
          {"config_file", [&](const YamlNode& v) { d.Str(v, default_config); }},
          {"job", [&](const YamlNode& v) { d.Str(v, default_job); }},
          {"tests",
           [&](const YamlNode& v) {
             d.Seq(v, "[]test", [&](const YamlNode& item) {
               TestCase tc;
               tc.line = item.line;
               bool has_config = false, has_job = false;
               std::string expect_str;
               d.Struct(
                   item, "relabel test",
                   {
                       {"name", [&](const YamlNode& n) { d.Str(n, tc.name); }},
                       {"config_file",
                        [&](const YamlNode& n) { has_config = d.Str(n, tc.config_file); }},
                       {"job", [&](const YamlNode& n) { has_job = d.Str(n, tc.job); }},
                       {"relabel_configs",
                        [&](const YamlNode& n) { DecodeRules(d, n, tc.relabel_configs); }},
                       {"metric_relabel_configs",
                        [&](const YamlNode& n) { DecodeRules(d, n, tc.metric_relabel_configs); }},
                       {"target", [&](const YamlNode& n) { DecodeLabels(d, n, tc.target); }},
                       {"series", [&](const YamlNode& n) { DecodeLabels(d, n, tc.series); }},
                       {"expect",
                        [&](const YamlNode& n) {
                          if (n.IsScalar()) {
                            d.Str(n, expect_str);
                            if (expect_str == "dropped") {
                              tc.expect_dropped = true;
                            } else {
                              d.Fail(
                                  fmt::format("line {}: expect must be a map of labels or "
                                              "\"dropped\", not {}",
                                              n.line, util::GoQuote(expect_str)));
                            }
                          } else {
                            DecodeLabels(d, n, tc.expect);
                          }
                        }},
                       {"expect_error", [&](const YamlNode& n) { d.Str(n, tc.expect_error); }},
                   });
               if (!has_config) tc.config_file = default_config;
               if (!has_job && !tc.relabel_configs && !tc.metric_relabel_configs) {
                 tc.job = default_job;
               }
               if (!tc.config_file.empty()) tc.config_file = Resolve(dir, tc.config_file);
               if (tc.name.empty()) tc.name = fmt::format("#{}", cases.size() + 1);
               const int expectations = (tc.expect_dropped ? 1 : 0) + (tc.expect ? 1 : 0) +
                                        (tc.expect_error.empty() ? 0 : 1);
               if (!d.failed() && (tc.target.has_value() == tc.series.has_value())) {
                 d.Fail(fmt::format("line {}: test {} needs exactly one of target and series",
                                    tc.line, util::GoQuote(tc.name)));
               }
               if (!d.failed() && expectations != 1) {
                 d.Fail(fmt::format("line {}: test {} needs exactly one of expect and expect_error",
                                    tc.line, util::GoQuote(tc.name)));
               }
               cases.push_back(std::move(tc));
             });
           }},
      });
  if (util::Status st = d.Finish(); !st.ok()) {
    result.error = std::move(st);
    return result;
  }
  Loaded cache;
  for (const TestCase& tc : cases) {
    result.tests.push_back(RelabelTestResult{tc.name, RunOne(tc, cache)});
  }
  return result;
}

}  // namespace promkit::discovery

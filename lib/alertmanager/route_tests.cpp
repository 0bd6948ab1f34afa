#include "alertmanager/route_tests.h"

#include <optional>

#include <fmt/core.h>

#include "alertmanager/config.h"
#include "alertmanager/inhibit.h"
#include "alertmanager/internal/decode.h"
#include "alertmanager/route.h"
#include "util/file.h"
#include "util/strings.h"
#include "util/timestamp.h"

namespace promkit::alertmanager {

using internal::Decoder;
using internal::Node;
using util::Result;
using util::Status;

namespace {

using Case = RouteTestCase;

void DecodeLabelSet(Decoder& d, const Node& n, LabelSet& out) {
  StringPairs pairs;
  d.StrMap(n, pairs, "map[string]string");
  for (auto& [k, v] : pairs) out[k] = v;
}

void DecodeOptList(Decoder& d, const Node& n, std::optional<std::vector<std::string>>& out) {
  std::vector<std::string> v;
  if (d.StrList(n, v)) out = std::move(v);
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ",") + s;
  return out.empty() ? "(none)" : out;
}

bool IntervalsContain(const Config& cfg, const std::vector<std::string>& names, int64_t secs) {
  for (const std::string& n : names) {
    const NamedTimeInterval* ti = cfg.FindTimeInterval(n);
    if (ti == nullptr) continue;
    for (const TimeInterval& t : ti->time_intervals) {
      if (t.ContainsTime(secs)) return true;
    }
  }
  return false;
}

}  // namespace

Result<RouteTestFile> ParseRouteTests(std::string_view text) {
  PROMKIT_ASSIGN_OR_RETURN(Node root, internal::ParseYaml(text));
  RouteTestFile file;
  std::string& config_file = file.config_file;
  std::vector<Case>& cases = file.tests;
  Decoder d;
  d.Struct(
      root, "routetest.File",
      {
          {"config_file", [&](const Node& v) { d.Str(v, config_file); }},
          {"tests",
           [&](const Node& v) {
             d.Seq(v, "[]routetest.Case", [&](const Node& item) {
               Case c;
               c.line = item.line;
               d.Struct(
                   item, "routetest.Case",
                   {
                       {"name", [&](const Node& x) { d.Str(x, c.name); }},
                       {"labels", [&](const Node& x) { DecodeLabelSet(d, x, c.labels); }},
                       {"receivers", [&](const Node& x) { DecodeOptList(d, x, c.receivers); }},
                       {"group_by",
                        [&](const Node& x) {
                          if (x.IsNull()) return;
                          if (!x.IsMap()) {
                            d.TypeError(x, "map[string][]string");
                            return;
                          }
                          c.group_by.emplace();
                          for (size_t k = 0; k + 1 < x.items.size(); k += 2) {
                            std::string rcv;
                            std::vector<std::string> names;
                            d.Str(x.items[k], rcv);
                            d.StrList(x.items[k + 1], names);
                            c.group_by->emplace_back(std::move(rcv), std::move(names));
                          }
                        }},
                       {"notify", [&](const Node& x) { DecodeOptList(d, x, c.notify); }},
                       {"at",
                        [&](const Node& x) {
                          std::string s;
                          if (!d.Str(x, s)) return;
                          auto t = util::ParseRfc3339(s);
                          if (!t.ok()) {
                            d.Fail(fmt::format("line {}: at: {}", x.line, t.status().message()));
                            return;
                          }
                          c.at_ms = *t;
                        }},
                       {"firing",
                        [&](const Node& x) {
                          d.Seq(x, "[]map[string]string", [&](const Node& a) {
                            c.firing.emplace_back();
                            DecodeLabelSet(d, a, c.firing.back());
                          });
                        }},
                       {"inhibited",
                        [&](const Node& x) {
                          bool b = false;
                          if (d.Bool(x, b)) c.inhibited = b;
                        }},
                   });
               cases.push_back(std::move(c));
             });
           }},
      });
  PROMKIT_RETURN_IF_ERROR(d.Finish());
  for (const Case& c : cases) {
    if (!c.receivers && !c.group_by && !c.notify && !c.inhibited) {
      return Status::InvalidArgument(fmt::format(
          "line {}: a test needs at least one of receivers, group_by, notify or inhibited",
          c.line));
    }
    if (c.notify && !c.at_ms) {
      return Status::InvalidArgument(fmt::format("line {}: notify needs at", c.line));
    }
  }
  return file;
}

Result<RouteTestReport> RunRouteTestFile(const std::string& path, const RouteTestOptions& opts) {
  PROMKIT_ASSIGN_OR_RETURN(std::string text, util::ReadFile(path));
  PROMKIT_ASSIGN_OR_RETURN(RouteTestFile file, ParseRouteTests(text));
  const std::string& config_file = file.config_file;

  RouteTestReport report;
  report.config_file = opts.config_file;
  if (report.config_file.empty()) {
    if (config_file.empty()) {
      return Status::InvalidArgument("no config_file in the test file and no --config.file");
    }
    size_t slash = path.rfind('/');
    report.config_file = config_file[0] == '/' || slash == std::string::npos
                             ? config_file
                             : path.substr(0, slash + 1) + config_file;
  }
  LoadOptions lo;
  lo.matcher_mode = opts.matcher_mode;
  auto cfg = LoadFile(report.config_file, lo);
  if (!cfg.ok()) return cfg.status().Wrap(report.config_file);
  RouteTestReport run = RunRouteTests(*cfg, file);
  report.results = std::move(run.results);
  return report;
}

RouteTestReport RunRouteTests(const Config& config, const RouteTestFile& file) {
  const Config* cfg = &config;
  const std::vector<Case>& cases = file.tests;
  RouteTestReport report;
  std::unique_ptr<RouteNode> tree = RouteNode::Build(*cfg->route);
  Inhibitor inhibitor(cfg->inhibit_rules);

  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    RouteTestResult r;
    r.name = c.name.empty() ? fmt::format("test {} (line {})", i + 1, c.line) : c.name;
    std::vector<const RouteNode*> routes = tree->Match(c.labels);
    std::vector<std::string> got;
    for (const RouteNode* n : routes) got.push_back(n->opts().receiver);
    if (c.receivers && *c.receivers != got) {
      r.failures.push_back(
          fmt::format("receivers: got {}, want {}", Join(got), Join(*c.receivers)));
    }
    if (c.group_by) {
      for (const auto& [rcv, want_names] : *c.group_by) {
        const RouteNode* node = nullptr;
        for (const RouteNode* n : routes) {
          if (n->opts().receiver == rcv && node == nullptr) node = n;
        }
        if (node == nullptr) {
          r.failures.push_back(fmt::format("group_by: receiver {} is not reached", rcv));
          continue;
        }
        std::vector<std::string> names;
        for (const auto& [k, v] : node->GroupLabels(c.labels)) names.push_back(k);
        std::vector<std::string> want = want_names;
        std::sort(want.begin(), want.end());
        if (names != want) {
          r.failures.push_back(
              fmt::format("group_by ({}): got {}, want {}", rcv, Join(names), Join(want)));
        }
      }
    }
    if (c.notify) {
      int64_t secs = *c.at_ms / 1000;
      std::vector<std::string> notified;
      for (const RouteNode* n : routes) {
        if (IntervalsContain(*cfg, n->opts().mute_time_intervals, secs)) continue;
        if (!n->opts().active_time_intervals.empty() &&
            !IntervalsContain(*cfg, n->opts().active_time_intervals, secs)) {
          continue;
        }
        notified.push_back(n->opts().receiver);
      }
      if (notified != *c.notify) {
        r.failures.push_back(fmt::format("notify at {}: got {}, want {}",
                                         util::FormatRfc3339(*c.at_ms), Join(notified),
                                         Join(*c.notify)));
      }
    }
    if (c.inhibited) {
      size_t rule = 0;
      bool muted = inhibitor.Mutes(c.labels, c.firing, &rule);
      if (muted != *c.inhibited) {
        r.failures.push_back(
            muted ? fmt::format("inhibited: got true (inhibit rule {}), want false", rule + 1)
                  : "inhibited: got false, want true");
      }
    }
    report.results.push_back(std::move(r));
  }
  return report;
}

}  // namespace promkit::alertmanager

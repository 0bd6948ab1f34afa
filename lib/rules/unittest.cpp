#include "rules/unittest.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

#include <fmt/core.h>
#include <glob.h>
#include <re2/re2.h>

#include "model/go_regexp.h"
#include "model/labels.h"
#include "promql/engine.h"
#include "promql/parser/metric.h"
#include "promql/parser/parser.h"
#include "rules/rulefmt/rulefmt.h"
#include "rules/rules.h"
#include "storage/memory.h"
#include "util/duration.h"
#include "util/file.h"
#include "util/json_string.h"
#include "util/numbers.h"
#include "util/strings.h"
#include "util/timestamp.h"
#include "util/yaml_decode.h"
#include "util/yaml_tree.h"

namespace promkit::rules::unittest {
namespace {

using util::Status;
using util::YamlDecoder;
using util::YamlNode;
using Pairs = std::vector<std::pair<std::string, std::string>>;

constexpr int64_t kMsPerMinute = 60 * 1000;
constexpr int64_t kNsPerMs = 1000 * 1000;

// ---------------------------------------------------------------------------------------------
// The test file, as upstream's structs (main.unitTestFile and friends) decode it.

struct InputSeries {
  std::string series;
  std::string values;
};

struct ExpAlert {
  Pairs labels;
  Pairs annotations;
};

struct AlertTest {
  int64_t eval_time_ms = 0;
  std::string alertname;
  std::vector<ExpAlert> exp_alerts;
};

struct ExpSample {
  std::string labels;
  double value = 0;
  std::string histogram;
};

struct PromqlTest {
  std::string expr;
  int64_t eval_time_ms = 0;
  std::vector<ExpSample> exp_samples;
};

struct TestGroup {
  int64_t interval_ms = 0;
  std::vector<InputSeries> input_series;
  std::vector<AlertTest> alert_tests;
  std::vector<PromqlTest> promql_tests;
  Pairs external_labels;
  std::string external_url;
  std::string name;
  std::optional<int64_t> start_ms;  // start_timestamp; unset when absent or Go's zero time
};

struct TestFile {
  std::vector<std::string> rule_files;
  int64_t evaluation_interval_ms = 0;
  std::vector<std::string> group_eval_order;
  std::vector<TestGroup> tests;
  bool fuzzy_compare = false;
};

// Go's time.Time{} in Unix milliseconds: a start_timestamp equal to it counts as absent.
constexpr int64_t kGoZeroTimeMs = -62135596800000;

// promtool's parseTime: Unix seconds (strconv.ParseFloat, split as time.Unix does), else RFC 3339.
util::Result<int64_t> ParseStartTime(std::string_view s) {
  if (util::Result<double> f = util::ParseFloat(s); f.ok()) {
    double whole = 0;
    const double frac = std::modf(*f, &whole);
    if (std::isfinite(*f) && std::fabs(whole) < 9.2e15) {
      const int64_t ns = static_cast<int64_t>(frac * 1e9);
      // time.Unix(sec, nsec) then UnixMilli: floor to milliseconds.
      int64_t ms = static_cast<int64_t>(whole) * 1000;
      ms += ns >= 0 ? ns / kNsPerMs : -((-ns + kNsPerMs - 1) / kNsPerMs);
      return ms;
    }
  }
  if (util::Result<int64_t> ms = util::ParseRfc3339(s); ms.ok()) return *ms;
  return Status::InvalidArgument(
      fmt::format("cannot parse {} to a valid timestamp", util::GoQuote(s)));
}

void DecodeTestGroup(YamlDecoder& d, const YamlNode& n, TestGroup& g) {
  d.Struct(
      n, "main.testGroup",
      {
          {"interval", [&](const YamlNode& v) { d.Duration(v, g.interval_ms); }},
          {"input_series",
           [&](const YamlNode& v) {
             d.Seq(v, "[]main.series", [&](const YamlNode& item) {
               InputSeries s;
               d.Struct(item, "main.series",
                        {{"series", [&](const YamlNode& x) { d.Str(x, s.series); }},
                         {"values", [&](const YamlNode& x) { d.Str(x, s.values); }}});
               g.input_series.push_back(std::move(s));
             });
           }},
          {"alert_rule_test",
           [&](const YamlNode& v) {
             d.Seq(v, "[]main.alertTestCase", [&](const YamlNode& item) {
               AlertTest t;
               d.Struct(item, "main.alertTestCase",
                        {{"eval_time", [&](const YamlNode& x) { d.Duration(x, t.eval_time_ms); }},
                         {"alertname", [&](const YamlNode& x) { d.Str(x, t.alertname); }},
                         {"exp_alerts", [&](const YamlNode& x) {
                            d.Seq(x, "[]main.alert", [&](const YamlNode& a) {
                              ExpAlert e;
                              d.Struct(a, "main.alert",
                                       {{"exp_labels",
                                         [&](const YamlNode& y) { d.StrMap(y, e.labels); }},
                                        {"exp_annotations",
                                         [&](const YamlNode& y) { d.StrMap(y, e.annotations); }}});
                              t.exp_alerts.push_back(std::move(e));
                            });
                          }}});
               g.alert_tests.push_back(std::move(t));
             });
           }},
          {"promql_expr_test",
           [&](const YamlNode& v) {
             d.Seq(v, "[]main.promqlTestCase", [&](const YamlNode& item) {
               PromqlTest t;
               d.Struct(item, "main.promqlTestCase",
                        {{"expr", [&](const YamlNode& x) { d.Str(x, t.expr); }},
                         {"eval_time", [&](const YamlNode& x) { d.Duration(x, t.eval_time_ms); }},
                         {"exp_samples", [&](const YamlNode& x) {
                            d.Seq(x, "[]main.sample", [&](const YamlNode& s) {
                              ExpSample e;
                              d.Struct(s, "main.sample",
                                       {{"labels", [&](const YamlNode& y) { d.Str(y, e.labels); }},
                                        {"value", [&](const YamlNode& y) { d.Float(y, e.value); }},
                                        {"histogram",
                                         [&](const YamlNode& y) { d.Str(y, e.histogram); }}});
                              t.exp_samples.push_back(std::move(e));
                            });
                          }}});
               g.promql_tests.push_back(std::move(t));
             });
           }},
          // labels.Labels decodes through a map[string]string.
          {"external_labels", [&](const YamlNode& v) { d.StrMap(v, g.external_labels); }},
          {"external_url", [&](const YamlNode& v) { d.Str(v, g.external_url); }},
          {"name", [&](const YamlNode& v) { d.Str(v, g.name); }},
          {"start_timestamp",
           [&](const YamlNode& v) {
             std::string s;
             if (!d.Str(v, s)) return;
             util::Result<int64_t> ms = ParseStartTime(s);
             if (!ms.ok()) {
               d.Fail(ms.status());
               return;
             }
             if (*ms != kGoZeroTimeMs) g.start_ms = *ms;
           }},
      });
}

// yaml.UnmarshalStrict into main.unitTestFile.
util::Result<TestFile> DecodeTestFile(std::string_view content) {
  util::Result<YamlNode> root = util::ParseYaml(content);
  if (!root.ok()) return root.status();
  TestFile f;
  YamlDecoder d;
  d.Struct(*root, "main.unitTestFile",
           {
               {"rule_files", [&](const YamlNode& v) { d.StrList(v, f.rule_files); }},
               {"evaluation_interval",
                [&](const YamlNode& v) { d.Duration(v, f.evaluation_interval_ms); }},
               {"group_eval_order", [&](const YamlNode& v) { d.StrList(v, f.group_eval_order); }},
               {"tests",
                [&](const YamlNode& v) {
                  d.Seq(v, "[]main.testGroup", [&](const YamlNode& item) {
                    TestGroup g;
                    DecodeTestGroup(d, item, g);
                    f.tests.push_back(std::move(g));
                  });
                }},
               {"fuzzy_compare", [&](const YamlNode& v) { d.Bool(v, f.fuzzy_compare); }},
           });
  if (Status st = d.Finish(); !st.ok()) return st;
  return f;
}

// ---------------------------------------------------------------------------------------------
// Paths as Go's path/filepath handles them.

// filepath.Dir.
std::string DirOf(std::string_view p) {
  size_t slash = p.rfind('/');
  return util::CleanPath(slash == std::string_view::npos ? "" : p.substr(0, slash + 1));
}

// filepath.Glob: the matching paths in order, or none (a pattern without wildcards matches the
// path if it exists). Wildcards match leading dots, as Go's do.
std::vector<std::string> GlobPaths(const std::string& pattern) {
  std::vector<std::string> out;
  if (pattern.find_first_of("*?[\\") == std::string::npos) {
    struct stat st {};
    if (::lstat(pattern.c_str(), &st) == 0) out.push_back(pattern);
    return out;
  }
  glob_t g{};
  if (::glob(pattern.c_str(), GLOB_PERIOD, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  }
  globfree(&g);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Times and values as upstream prints them.

// time.Duration.String of a millisecond span; Go's Time.Sub saturates where nanoseconds overflow.
std::string GoDurationOfMs(int64_t ms) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  if (ms > kMax / kNsPerMs) return util::FormatGoDuration(kMax);
  if (ms < kMin / kNsPerMs) return util::FormatGoDuration(kMin);
  return util::FormatGoDuration(ms * kNsPerMs);
}

// Go's strings.Split-and-prefix: every line but the first gets `indent`.
std::string IndentLines(std::string_view lines, std::string_view indent) {
  std::string out;
  std::vector<std::string_view> parts = util::SplitString(lines, "\n");
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += indent;
    out += parts[i];
    if (i + 1 != parts.size()) out += '\n';
  }
  return out;
}

struct LabelsAndAnnotations {
  model::Labels labels;
  model::Labels annotations;
};

bool operator<(const LabelsAndAnnotations& a, const LabelsAndAnnotations& b) {
  int c = model::Labels::Compare(a.labels, b.labels);
  if (c != 0) return c < 0;
  return model::Labels::Compare(a.annotations, b.annotations) < 0;
}

// Upstream's labelsAndAnnotations.String().
std::string AlertsString(const std::vector<LabelsAndAnnotations>& la) {
  if (la.empty()) return "[]";
  auto one = [](const LabelsAndAnnotations& a) {
    return "Labels:" + a.labels.ToString() + "\nAnnotations:" + a.annotations.ToString();
  };
  std::string s = "[\n0:" + IndentLines("\n" + one(la[0]), "  ");
  for (size_t i = 1; i < la.size(); ++i) {
    s += ",\n" + std::to_string(i) + ":" + IndentLines("\n" + one(la[i]), "  ");
  }
  s += "\n]";
  return s;
}

struct ParsedSample {
  model::Labels labels;
  double value = 0;
};

// Upstream's parsedSamplesString.
std::string SamplesString(const std::vector<ParsedSample>& ss) {
  if (ss.empty()) return "nil";
  std::string s;
  for (size_t i = 0; i < ss.size(); ++i) {
    if (i > 0) s += ", ";
    s += ss[i].labels.ToString() + " " + util::FormatFloat(ss[i].value, 'E', -1);
  }
  return s;
}

// Equal, or (fuzzy_compare) one ULP apart. NaN equals nothing, as with go-cmp.
bool FloatsEqual(double x, double y, bool fuzzy) {
  if (x == y) return true;
  if (!fuzzy) return false;
  return std::nextafter(x, -INFINITY) == y || std::nextafter(x, INFINITY) == y;
}

// ---------------------------------------------------------------------------------------------
// promkit's --diff: what differs between the expected and the firing alerts, label by label.

int SharedLabels(const model::Labels& a, const model::Labels& b) {
  int n = 0;
  for (const model::Label& l : a) {
    if (l.name != "alertname" && b.Has(l.name) && b.Get(l.name) == l.value) ++n;
  }
  return n;
}

// "- label x=\"1\"" / "+ label x=\"2\"" lines for the entries of `exp` and `got` that differ.
void DiffSet(std::string_view what, const model::Labels& exp, const model::Labels& got,
             std::vector<std::string>& out) {
  std::set<std::string_view> names;
  for (const model::Label& l : exp) names.insert(l.name);
  for (const model::Label& l : got) names.insert(l.name);
  for (std::string_view name : names) {
    const bool in_exp = exp.Has(name);
    const bool in_got = got.Has(name);
    if (in_exp && in_got && exp.Get(name) == got.Get(name)) continue;
    const std::string shown = model::Labels::FromList({{name, ""}}).ToString();
    // `{name=""}` -> `name`, quoted as Labels.String quotes names.
    const std::string_view quoted_name =
        std::string_view(shown).substr(1, shown.size() - 1 - std::string_view("=\"\"}").size());
    if (in_exp) {
      out.push_back(fmt::format("- {} {}={}", what, quoted_name, util::GoQuote(exp.Get(name))));
    }
    if (in_got) {
      out.push_back(fmt::format("+ {} {}={}", what, quoted_name, util::GoQuote(got.Get(name))));
    }
  }
}

std::string AlertsDiff(const std::vector<LabelsAndAnnotations>& exp,
                       const std::vector<LabelsAndAnnotations>& got) {
  std::vector<std::string> lines = {"(- expected, + got)"};
  std::vector<int> match(exp.size(), -1);
  std::vector<bool> used(got.size(), false);
  // Same labels first, then the most similar remaining alert.
  for (size_t i = 0; i < exp.size(); ++i) {
    for (size_t j = 0; j < got.size(); ++j) {
      if (!used[j] && exp[i].labels == got[j].labels) {
        match[i] = static_cast<int>(j);
        used[j] = true;
        break;
      }
    }
  }
  for (size_t i = 0; i < exp.size(); ++i) {
    if (match[i] >= 0) continue;
    int best = -1;
    int best_shared = 0;
    for (size_t j = 0; j < got.size(); ++j) {
      if (used[j]) continue;
      int shared = SharedLabels(exp[i].labels, got[j].labels);
      if (shared > best_shared) {
        best = static_cast<int>(j);
        best_shared = shared;
      }
    }
    if (best >= 0) {
      match[i] = best;
      used[static_cast<size_t>(best)] = true;
    }
  }
  auto whole = [](const LabelsAndAnnotations& a) {
    return a.labels.ToString() + " annotations " + a.annotations.ToString();
  };
  for (size_t i = 0; i < exp.size(); ++i) {
    if (match[i] < 0) {
      lines.push_back("- alert not firing: " + whole(exp[i]));
      continue;
    }
    const LabelsAndAnnotations& g = got[static_cast<size_t>(match[i])];
    if (exp[i].labels == g.labels && exp[i].annotations == g.annotations) continue;
    // Name the alert by the labels both sides agree on.
    Pairs common;
    for (const model::Label& l : exp[i].labels) {
      if (g.labels.Has(l.name) && g.labels.Get(l.name) == l.value) {
        common.emplace_back(std::string(l.name), std::string(l.value));
      }
    }
    lines.push_back("alert " + model::Labels::FromPairs(std::move(common)).ToString() + ":");
    std::vector<std::string> diffs;
    DiffSet("label", exp[i].labels, g.labels, diffs);
    DiffSet("annotation", exp[i].annotations, g.annotations, diffs);
    for (std::string& d : diffs) lines.push_back("  " + std::move(d));
  }
  for (size_t j = 0; j < got.size(); ++j) {
    if (!used[j]) lines.push_back("+ alert firing, not expected: " + whole(got[j]));
  }
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += '\n';
    out += lines[i];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Storage with the acceptance rules of upstream's test TSDB head.

class TestStorage {
 public:
  storage::MemoryStorage& queryable() { return mem_; }

  // Starts an appender: samples more than half a block (12h) older than the newest sample
  // committed so far are out of bounds for it (upstream's appendableMinValidTime).
  void BeginBatch() {
    min_valid_ = head_max_ == std::numeric_limits<int64_t>::min()
                     ? std::numeric_limits<int64_t>::min()
                     : head_max_ - kHalfBlockMs;
  }

  Status Append(const model::Labels& raw, int64_t t, double v) {
    if (t < min_valid_) return Status::InvalidArgument("out of bounds");
    // Labels with empty values do not exist (the head drops them).
    model::Labels stripped;
    const bool has_empty =
        std::any_of(raw.begin(), raw.end(), [](const model::Label& l) { return l.value.empty(); });
    if (has_empty) stripped = raw.WithoutEmpty();
    const model::Labels& lset = has_empty ? stripped : raw;
    auto it = last_.find(lset.encoded());
    if (it == last_.end()) {
      if (lset.empty()) return Status::InvalidArgument("empty labelset: invalid sample");
      if (std::string_view dup = lset.FirstDuplicateName(); !dup.empty()) {
        return Status::InvalidArgument(
            fmt::format("label name \"{}\" is not unique: invalid sample", dup));
      }
      last_.emplace(std::string(lset.encoded()), Last{t, v});
    } else {
      Last& last = it->second;
      if (t < last.t) return Status::InvalidArgument("out of order sample");
      if (t == last.t) {
        uint64_t a;
        uint64_t b;
        std::memcpy(&a, &last.v, sizeof a);
        std::memcpy(&b, &v, sizeof b);
        if (a != b) {
          return Status::InvalidArgument(fmt::format(
              "duplicate sample for timestamp {}; overrides not allowed: existing {}, new value {}",
              t, GoPercentG(last.v), GoPercentG(v)));
        }
        return Status::Ok();  // the very same sample again is accepted and changes nothing
      }
      last = Last{t, v};
    }
    mem_.Append(lset, t, v);
    head_max_ = std::max(head_max_, t);
    return Status::Ok();
  }

 private:
  static constexpr int64_t kHalfBlockMs = 12 * 60 * kMsPerMinute;
  struct Last {
    int64_t t;
    double v;
  };
  // Hashes std::string and std::string_view alike, so lookups need no copy of the key.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // fmt's %g of a float64, which is strconv's shortest 'g'.
  static std::string GoPercentG(double v) { return util::FormatFloat(v, 'g', -1); }

  storage::MemoryStorage mem_;
  std::unordered_map<std::string, Last, KeyHash, std::equal_to<>> last_;
  int64_t head_max_ = std::numeric_limits<int64_t>::min();
  int64_t min_valid_ = std::numeric_limits<int64_t>::min();
};

// promqltest's LazyLoader for one `load` command: the input series, appended up to each
// evaluation time as the test advances.
class LazyLoader {
 public:
  // Parses the input series as upstream's loader parses the text it builds from them; errors
  // read "<line>:<col>: parse error: ..." with line 1 being the `load` line.
  static util::Result<LazyLoader> Parse(const std::vector<InputSeries>& input, int64_t step_ms,
                                        int64_t start_ms) {
    std::string text = "load " + util::FormatDuration(step_ms) + "\n";
    for (const InputSeries& s : input) text += "  " + s.series + " " + s.values + "\n";
    std::vector<std::string_view> lines = util::SplitString(text, "\n");
    LazyLoader ll;
    std::unordered_map<std::string, size_t> index;
    for (size_t i = 1; i < lines.size(); ++i) {
      std::string_view line = util::TrimSpace(lines[i]);
      if (line.empty() || line[0] == '#') break;  // a blank (or comment) line ends `load`
      promql::parser::ParseErrors errs;
      util::Result<promql::parser::SeriesDesc> desc = promql::parser::ParseSeriesDesc(line, &errs);
      if (!desc.ok()) {
        if (errs.errors.empty()) return desc.status();
        const promql::parser::ParseErr& e = errs.errors.front();
        std::string where = e.range.start < 0 || e.range.start > static_cast<int>(line.size())
                                ? "invalid position"
                                : fmt::format("{}:{}", i + 1, e.range.start + 1);
        return Status::InvalidArgument(fmt::format("{}: parse error: {}", where, e.msg));
      }
      Series s;
      s.labels = std::move(desc->labels);
      int64_t t = start_ms;
      for (const promql::parser::SequenceValue& v : desc->values) {
        if (v.histogram != nullptr) {
          return Status::InvalidArgument(fmt::format(
              "{}: native histogram input series are not supported yet", util::GoQuote(line)));
        }
        if (!v.omitted) s.samples.emplace_back(t, v.value);
        t += step_ms;
      }
      // A series given twice keeps its last definition.
      auto [it, added] = index.try_emplace(std::string(s.labels.encoded()), ll.series_.size());
      if (added) {
        ll.series_.push_back(std::move(s));
      } else {
        ll.series_[it->second] = std::move(s);
      }
    }
    return ll;
  }

  // Appends every sample up to `ts_ms` not appended yet.
  Status AppendTill(int64_t ts_ms, TestStorage& storage) {
    storage.BeginBatch();
    for (Series& s : series_) {
      while (s.next < s.samples.size() && s.samples[s.next].first <= ts_ms) {
        const auto& [t, v] = s.samples[s.next++];
        if (Status st = storage.Append(s.labels, t, v); !st.ok()) return st;
      }
    }
    return Status::Ok();
  }

 private:
  struct Series {
    model::Labels labels;
    std::vector<std::pair<int64_t, double>> samples;
    size_t next = 0;
  };
  std::vector<Series> series_;
};

// ---------------------------------------------------------------------------------------------
// One test group.

// Rule files parsed once per test file (upstream reads them again for every test group; the
// result is the same).
using RuleFileCache = std::map<std::string, rulefmt::ParseResult>;

struct GroupRun {
  const Options& opts;
  const TestFile& file;
  const TestGroup& tg;
  const std::string& testname;
  const std::map<std::string, int>& group_order;
  RuleFileCache& rule_cache;
  std::vector<std::string> errs;

  void Log(const std::string& s) const {
    if (opts.log) opts.log(s);
  }

  int64_t MaxEvalTime() const {
    int64_t m = 0;
    for (const AlertTest& a : tg.alert_tests) m = std::max(m, a.eval_time_ms);
    for (const PromqlTest& p : tg.promql_tests) m = std::max(m, p.eval_time_ms);
    return m;
  }

  // Upstream Manager.LoadGroups over the rule files, then orderedGroups.
  util::Result<std::vector<Group>> LoadGroups(std::vector<std::string>* load_errs) {
    rulefmt::ParseOptions popts;
    popts.ignore_unknown_fields = opts.ignore_unknown_fields;
    popts.name_validation = model::ValidationScheme::kUtf8;
    popts.parser = opts.parser;
    std::vector<Group> groups;
    std::map<std::string, size_t> by_key;  // "<file>;<group>" as upstream's GroupKey
    for (const std::string& fn : file.rule_files) {
      auto it = rule_cache.find(fn);
      if (it == rule_cache.end()) it = rule_cache.emplace(fn, rulefmt::ParseFile(fn, popts)).first;
      const rulefmt::ParseResult& parsed = it->second;
      if (!parsed.ok()) {
        for (const rulefmt::Error& e : parsed.errors) load_errs->push_back(e.message);
        return Status::InvalidArgument("rule files");
      }
      util::Result<std::vector<Group>> built =
          BuildGroups(parsed.groups, fn, tg.interval_ms, opts.parser);
      if (!built.ok()) {
        load_errs->push_back(std::string(built.status().message()));
        return built.status();
      }
      for (Group& g : *built) {
        std::string key = fn + ";" + g.name();
        auto [kit, added] = by_key.try_emplace(std::move(key), groups.size());
        if (added) {
          groups.push_back(std::move(g));
        } else {
          groups[kit->second] = std::move(g);
        }
      }
    }
    // Groups named in group_eval_order run in that order; the others count as its first
    // position (upstream sorts a map's random order, so their place among those is arbitrary;
    // here they keep the order of the files).
    auto order = [this](const Group& g) {
      auto it = group_order.find(g.name());
      return it == group_order.end() ? 0 : it->second;
    };
    std::stable_sort(groups.begin(), groups.end(),
                     [&](const Group& a, const Group& b) { return order(a) < order(b); });
    return groups;
  }

  void Run() {
    // The loader, the engine and the rules of this test group, as NewLazyLoader and LoadGroups
    // make them.
    const int64_t start = tg.start_ms.value_or(0);
    util::Result<LazyLoader> loader = LazyLoader::Parse(tg.input_series, tg.interval_ms, start);
    if (!loader.ok()) {
      errs.push_back(std::string(loader.status().message()));
      return;
    }
    promql::EngineOptions eopts;
    eopts.lookback_delta_ms = 5 * kMsPerMinute;
    eopts.max_samples = 10000;
    eopts.timeout = std::chrono::milliseconds(100 * 1000);
    eopts.no_step_subquery_interval_ms = file.evaluation_interval_ms;
    eopts.enable_at_modifier = opts.enable_at_modifier;
    eopts.enable_negative_offset = opts.enable_negative_offset;
    eopts.parser = opts.parser;
    const promql::Engine engine(eopts);
    TestStorage storage;

    std::vector<std::string> load_errs;
    util::Result<std::vector<Group>> loaded = LoadGroups(&load_errs);
    if (!loaded.ok()) {
      errs = std::move(load_errs);
      return;
    }
    std::vector<Group>& groups = *loaded;

    EvalContext ctx;
    ctx.engine = &engine;
    ctx.queryable = &storage.queryable();
    ctx.external_labels = model::Labels::FromPairs(tg.external_labels);
    ctx.external_url = tg.external_url;

    const int64_t mint = start;
    const int64_t maxt = mint + MaxEvalTime();
    const int64_t eval_interval = file.evaluation_interval_ms;

    // The alert tests by eval_time, each time's alert names.
    std::map<int64_t, std::vector<const AlertTest*>> alert_tests;
    std::map<int64_t, std::set<std::string>> alerts_in_test;
    for (const AlertTest& a : tg.alert_tests) {
      if (a.alertname.empty()) {
        std::string group_log;
        if (!tg.name.empty()) group_log = fmt::format(" (in TestGroup {})", tg.name);
        errs.push_back(fmt::format(
            "an item under alert_rule_test misses required attribute alertname at eval_time {}{}",
            util::FormatDuration(a.eval_time_ms), group_log));
        return;
      }
      alert_tests[a.eval_time_ms].push_back(&a);
      alerts_in_test[a.eval_time_ms].insert(a.alertname);
    }
    auto next_alert_time = alert_tests.begin();

    const AppendFunc append = [&storage](const model::Labels& l, int64_t t, double v) {
      return storage.Append(l, t, v);
    };

    for (int64_t ts = mint; ts <= maxt; ts += eval_interval) {
      std::vector<std::string> eval_errs;
      if (Status st = loader->AppendTill(ts, storage); !st.ok()) {
        errs.push_back(std::string(st.message()));
      } else {
        for (Group& g : groups) {
          storage.BeginBatch();
          g.Eval(ts, ctx, append);
          for (const std::unique_ptr<Rule>& r : g.rules()) {
            if (!r->last_error().ok()) {
              eval_errs.push_back(fmt::format("    rule: {}, time: {}, err: {}", r->name(),
                                              GoDurationOfMs(ts), r->last_error().message()));
            }
          }
        }
      }
      if (!eval_errs.empty()) {
        errs.insert(errs.end(), eval_errs.begin(), eval_errs.end());
        return;
      }

      // The alert tests whose eval_time falls in [ts, ts + interval) compare with this state.
      while (next_alert_time != alert_tests.end() && ts - mint <= next_alert_time->first &&
             next_alert_time->first < ts + eval_interval - mint) {
        CheckAlerts(next_alert_time->second, alerts_in_test[next_alert_time->first], groups);
        ++next_alert_time;
      }
      if (ts > std::numeric_limits<int64_t>::max() - eval_interval) break;
    }

    CheckExpressions(engine, storage, mint);
    if (opts.debug) Dump(engine, storage, mint);
  }

  void CheckAlerts(const std::vector<const AlertTest*>& tests, const std::set<std::string>& names,
                   const std::vector<Group>& groups) {
    // An alert name may be in several groups: all of their firing alerts count.
    std::map<std::string, std::vector<LabelsAndAnnotations>> got;
    for (const Group& g : groups) {
      for (const std::unique_ptr<Rule>& r : g.rules()) {
        if (!r->IsAlerting() || names.count(r->name()) == 0) continue;
        std::vector<LabelsAndAnnotations>& dst = got[r->name()];
        for (const Alert& a : static_cast<const AlertingRule&>(*r).ActiveAlerts()) {
          if (a.state == AlertState::kFiring) dst.push_back({a.labels, a.annotations});
        }
      }
    }
    for (const AlertTest* t : tests) {
      std::vector<LabelsAndAnnotations> got_alerts = got[t->alertname];
      std::vector<LabelsAndAnnotations> exp_alerts;
      for (const ExpAlert& e : t->exp_alerts) {
        // Users give the rule's labels; Prometheus adds alertname.
        Pairs labels;
        for (const auto& [k, v] : e.labels) {
          if (k != "alertname") labels.emplace_back(k, v);
        }
        labels.emplace_back("alertname", t->alertname);
        exp_alerts.push_back(
            {model::Labels::FromPairs(std::move(labels)), model::Labels::FromPairs(e.annotations)});
      }
      std::sort(got_alerts.begin(), got_alerts.end());
      std::sort(exp_alerts.begin(), exp_alerts.end());
      bool equal = got_alerts.size() == exp_alerts.size();
      for (size_t i = 0; equal && i < got_alerts.size(); ++i) {
        equal = got_alerts[i].labels == exp_alerts[i].labels &&
                got_alerts[i].annotations == exp_alerts[i].annotations;
      }
      if (equal) continue;
      std::string test_name;
      if (!tg.name.empty()) test_name = fmt::format("    name: {},\n", tg.name);
      if (opts.diff) {
        errs.push_back(
            fmt::format("{}    alertname: {}, time: {}, \n        diff: {}", test_name,
                        t->alertname, util::FormatDuration(t->eval_time_ms),
                        IndentLines(AlertsDiff(exp_alerts, got_alerts), "            ")));
      } else {
        errs.push_back(
            fmt::format("{}    alertname: {}, time: {}, \n        exp:{}, \n        got:{}",
                        test_name, t->alertname, util::FormatDuration(t->eval_time_ms),
                        IndentLines(AlertsString(exp_alerts), "            "),
                        IndentLines(AlertsString(got_alerts), "            ")));
      }
    }
  }

  void CheckExpressions(const promql::Engine& engine, TestStorage& storage, int64_t mint) {
    EvalContext ctx;
    ctx.engine = &engine;
    ctx.queryable = &storage.queryable();
    for (const PromqlTest& t : tg.promql_tests) {
      const std::string where = fmt::format("    expr: {}, time: {}", util::GoQuote(t.expr),
                                            util::FormatDuration(t.eval_time_ms));
      util::Result<promql::Vector> got = QueryForRule(ctx, t.expr, mint + t.eval_time_ms);
      if (!got.ok()) {
        errs.push_back(fmt::format("{}, err: {}", where, got.status().message()));
        continue;
      }
      std::vector<ParsedSample> got_samples;
      got_samples.reserve(got->size());
      for (promql::Sample& s : *got) got_samples.push_back({std::move(s.metric), s.f});

      std::vector<ParsedSample> exp_samples;
      bool failed = false;
      for (const ExpSample& s : t.exp_samples) {
        util::Result<model::Labels> lb = promql::parser::ParseMetric(s.labels);
        Status st = lb.ok() ? Status::Ok() : lb.status();
        if (st.ok() && !s.histogram.empty()) {
          // promkit's parser rejects native histogram values with its own error; what else
          // parses is wrong as upstream finds it wrong.
          util::Result<promql::parser::SeriesDesc> h =
              promql::parser::ParseSeriesDesc("{} " + s.histogram);
          if (!h.ok()) {
            st = h.status();
          } else if (h->values.size() != 1) {
            st = Status::InvalidArgument(fmt::format("expected 1 value, got {}", h->values.size()));
          } else if (h->values[0].histogram != nullptr) {
            st = Status::InvalidArgument("native histogram expected samples are not supported yet");
          } else {
            // SequenceValue's String(): "_" or the float as %f.
            st = Status::InvalidArgument(fmt::format(
                "expected histogram, got {}", h->values[0].omitted
                                                  ? std::string("_")
                                                  : util::FormatFloat(h->values[0].value, 'f', 6)));
          }
        }
        if (!st.ok()) {
          errs.push_back(
              fmt::format("{}, err: labels {}: {}", where, util::GoQuote(s.labels), st.message()));
          failed = true;
          break;
        }
        exp_samples.push_back({std::move(*lb), s.value});
      }
      if (failed) continue;

      auto by_labels = [](const ParsedSample& a, const ParsedSample& b) {
        return a.labels < b.labels;
      };
      std::stable_sort(exp_samples.begin(), exp_samples.end(), by_labels);
      std::stable_sort(got_samples.begin(), got_samples.end(), by_labels);
      bool equal = exp_samples.size() == got_samples.size();
      for (size_t i = 0; equal && i < exp_samples.size(); ++i) {
        equal = exp_samples[i].labels == got_samples[i].labels &&
                FloatsEqual(exp_samples[i].value, got_samples[i].value, file.fuzzy_compare);
      }
      if (!equal) {
        errs.push_back(fmt::format("{},\n        exp: {}\n        got: {}", where,
                                   SamplesString(exp_samples), SamplesString(got_samples)));
      }
    }
  }

  // --debug: every series (input and rule results) over the whole test.
  void Dump(const promql::Engine& engine, TestStorage& storage, int64_t mint) {
    // Eval times may have fractional seconds, which a range cannot: round up to a second.
    const int64_t span = (MaxEvalTime() + 1000) / 1000 * 1000;
    const std::string span_text = GoDurationOfMs(span);
    const std::string expr = fmt::format("{{__name__=~\".+\"}}[{}]", span_text);
    promql::Result res = engine.InstantQuery(storage.queryable(), expr, mint + span);
    if (!res.ok()) {
      Log(fmt::format("DEBUG: Failed query exec, expr: {}, err: {}\n", util::GoQuote(expr),
                      res.error));
      return;
    }
    if (res.value.kind != promql::ValueKind::kMatrix) {
      Log(fmt::format("DEBUG: Got unexpected type {}\n", promql::ValueKindName(res.value.kind)));
      return;
    }
    promql::Matrix& m = res.value.matrix;
    std::sort(m.begin(), m.end(),
              [](const promql::Series& a, const promql::Series& b) { return a.metric < b.metric; });
    std::string out =
        fmt::format("DEBUG: Dump of all data (input_series and rules) at {}:\n", span_text);
    for (size_t i = 0; i < m.size(); ++i) {
      if (i > 0) out += '\n';
      out += m[i].metric.ToString() + " =>";
      for (const promql::FPoint& p : m[i].floats) {
        out += '\n' + util::FormatFloat(p.f, 'f', -1) + " @[" + std::to_string(p.t) + "]";
      }
    }
    out += '\n';
    Log(out);
  }
};

// Go's encoding/xml EscapeString.
void AppendXmlEscaped(std::string& out, std::string_view s) {
  while (!s.empty()) {
    util::DecodedRune r = util::DecodeRune(s);
    std::string_view raw = s.substr(0, static_cast<size_t>(r.width));
    s.remove_prefix(static_cast<size_t>(r.width));
    switch (r.rune) {
      case '"':
        out += "&#34;";
        continue;
      case '\'':
        out += "&#39;";
        continue;
      case '&':
        out += "&amp;";
        continue;
      case '<':
        out += "&lt;";
        continue;
      case '>':
        out += "&gt;";
        continue;
      case '\t':
        out += "&#x9;";
        continue;
      case '\n':
        out += "&#xA;";
        continue;
      case '\r':
        out += "&#xD;";
        continue;
      default:
        break;
    }
    const char32_t c = r.rune;
    const bool in_range = c == 0x09 || c == 0x0A || c == 0x0D || (c >= 0x20 && c <= 0xD7FF) ||
                          (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
    if (!in_range || (c == util::kRuneError && r.width == 1)) {
      out += "\xEF\xBF\xBD";
    } else {
      out += raw;
    }
  }
}

std::string LocalTimestamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

}  // namespace

std::string RenderJUnitXml(const std::vector<JUnitSuite>& suites) {
  std::string out = "<testsuites>";
  for (const JUnitSuite& s : suites) {
    out += "<testsuite name=\"";
    AppendXmlEscaped(out, s.name);
    out += fmt::format(R"(" tests="{}" failures="{}" errors="{}" skipped="{}" timestamp=")",
                       s.tests, s.failures, s.errors, s.skipped);
    AppendXmlEscaped(out, s.timestamp);
    out += "\">";
    for (const JUnitCase& c : s.cases) {
      out += "<testcase name=\"";
      AppendXmlEscaped(out, c.name);
      out += "\">";
      for (const std::string& f : c.failures) {
        out += "<failure>";
        AppendXmlEscaped(out, f);
        out += "</failure>";
      }
      if (!c.error.empty()) {
        out += "<error>";
        AppendXmlEscaped(out, c.error);
        out += "</error>";
      }
      out += "</testcase>";
    }
    out += "</testsuite>";
  }
  out += "</testsuites>";
  return out;
}

Tester::Tester(Options options) : opts_(std::move(options)) {}
Tester::~Tester() = default;

util::Result<std::unique_ptr<Tester>> Tester::Create(Options options) {
  std::unique_ptr<Tester> t(new Tester(std::move(options)));
  if (!t->opts_.run.empty()) {
    std::string pattern;
    for (size_t i = 0; i < t->opts_.run.size(); ++i) {
      if (i > 0) pattern += '|';
      pattern += t->opts_.run[i];
    }
    RE2::Options ro;
    ro.set_log_errors(false);
    auto re = std::make_unique<RE2>(pattern, ro);
    if (!re->ok()) {
      return Status::InvalidArgument(fmt::format("error parsing regexp: {}: `{}`",
                                                 model::GoRegexpErrorText(re->error_code()),
                                                 re->error_arg()));
    }
    t->run_ = std::move(re);
  }
  return t;
}

bool Tester::Selected(const std::string& name) const {
  return run_ == nullptr || RE2::PartialMatch(name, *run_);
}

namespace {

// Adds the rules of f's (resolved) rule files to `coverage` (each file once) and marks what f's
// selected test groups cover.
void RecordCoverage(const unittest::TestFile& f, const Options& opts_,
                    const std::function<bool(const std::string&)>& selected,
                    std::vector<RuleCoverage>& coverage_) {
  // What the selected test groups name: alerts, and metrics their expressions select.
  std::set<std::string> alerts, metrics;
  for (const TestGroup& tg : f.tests) {
    if (!selected(tg.name)) continue;
    for (const AlertTest& a : tg.alert_tests) alerts.insert(a.alertname);
    for (const PromqlTest& p : tg.promql_tests) {
      util::Result<promql::parser::ExprPtr> e = promql::parser::ParseExpr(p.expr, opts_.parser);
      if (!e.ok()) continue;
      promql::parser::ForEachVectorSelector(
          e->get(), [&](const promql::parser::VectorSelector& vs) {
            for (const model::Matcher& m : vs.matchers) {
              if (m.name() == "__name__" && m.type() == model::MatchType::kEqual) {
                metrics.insert(m.value());
              }
            }
          });
    }
  }
  rulefmt::ParseOptions popts;
  popts.ignore_unknown_fields = opts_.ignore_unknown_fields;
  popts.parser = opts_.parser;
  for (const std::string& file : f.rule_files) {
    auto known = [&](const RuleCoverage& c) { return c.file == file; };
    if (std::none_of(coverage_.begin(), coverage_.end(), known)) {
      rulefmt::ParseResult parsed = rulefmt::ParseFile(file, popts);
      if (!parsed.ok()) continue;  // the test run reports it
      for (const rulefmt::RuleGroup& g : parsed.groups.groups) {
        for (const rulefmt::Rule& r : g.rules) {
          coverage_.push_back(RuleCoverage{file, g.name, r.Name(), r.IsAlerting(), false});
        }
      }
    }
    for (RuleCoverage& c : coverage_) {
      if (c.file != file) continue;
      if (c.alerting ? alerts.count(c.name) > 0 : metrics.count(c.name) > 0) c.covered = true;
    }
  }
}

}  // namespace

std::string RenderCoverage(const std::vector<RuleCoverage>& rules, bool json) {
  std::vector<std::string> files;
  for (const RuleCoverage& c : rules) {
    if (std::find(files.begin(), files.end(), c.file) == files.end()) files.push_back(c.file);
  }
  std::string out = json ? "{\"files\":[" : "Rule coverage:\n";
  for (size_t i = 0; i < files.size(); ++i) {
    int total = 0, covered = 0;
    std::vector<const RuleCoverage*> missing;
    for (const RuleCoverage& c : rules) {
      if (c.file != files[i]) continue;
      ++total;
      if (c.covered) {
        ++covered;
      } else {
        missing.push_back(&c);
      }
    }
    if (json) {
      out += fmt::format("{}{{\"file\":{},\"rules\":{},\"covered\":{},\"uncovered\":[",
                         i > 0 ? "," : "", util::JsonString(files[i], util::JsonDialect::kGoStd),
                         total, covered);
      for (size_t j = 0; j < missing.size(); ++j) {
        out += fmt::format("{}{{\"group\":{},\"name\":{},\"type\":\"{}\"}}", j > 0 ? "," : "",
                           util::JsonString(missing[j]->group, util::JsonDialect::kGoStd),
                           util::JsonString(missing[j]->name, util::JsonDialect::kGoStd),
                           missing[j]->alerting ? "alerting" : "recording");
      }
      out += "]}";
      continue;
    }
    out += fmt::format("  {}: {}/{} rules covered\n", files[i], covered, total);
    for (const RuleCoverage* c : missing) {
      out += fmt::format("    not covered: {} {} (group {})\n",
                         c->alerting ? "alert" : "recording rule", util::GoQuote(c->name),
                         util::GoQuote(c->group));
    }
  }
  if (json) out += "]}\n";
  return out;
}

std::vector<std::string> Tester::TestFile(const std::string& path) {
  suites_.push_back(JUnitSuite{});
  JUnitSuite& suite = suites_.back();
  suite.name = path;
  auto last_case = [&suite]() -> JUnitCase& {
    if (suite.cases.empty()) {
      suite.cases.push_back(JUnitCase{"unknown", {}, {}});
      ++suite.tests;
    }
    return suite.cases.back();
  };
  auto abort = [&](std::string err) {
    ++suite.errors;
    last_case().error = err;
    return std::vector<std::string>{std::move(err)};
  };

  util::Result<std::string> content = util::ReadFile(path);
  if (!content.ok()) return abort(std::string(content.status().message()));
  util::Result<unittest::TestFile> decoded = DecodeTestFile(*content);
  if (!decoded.ok()) return abort(std::string(decoded.status().message()));
  unittest::TestFile& f = *decoded;

  // Rule files relative to the test file, globs expanded.
  const std::string base = DirOf(path);
  std::vector<std::string> rule_files;
  for (const std::string& rf : f.rule_files) {
    const std::string pattern = !rf.empty() && rf[0] != '/' ? util::CleanPath(base + "/" + rf) : rf;
    std::vector<std::string> m = GlobPaths(pattern);
    if (m.empty() && opts_.log) opts_.log("  WARNING: no file match pattern " + pattern + "\n");
    rule_files.insert(rule_files.end(), m.begin(), m.end());
  }
  f.rule_files = std::move(rule_files);

  if (f.evaluation_interval_ms == 0) f.evaluation_interval_ms = kMsPerMinute;
  suite.timestamp = LocalTimestamp();

  std::map<std::string, int> group_order;
  for (size_t i = 0; i < f.group_eval_order.size(); ++i) {
    if (!group_order.emplace(f.group_eval_order[i], static_cast<int>(i)).second) {
      return abort("group name repeated in evaluation order: " + f.group_eval_order[i]);
    }
  }

  RuleFileCache rule_cache;
  RecordCoverage(
      f, opts_, [this](const std::string& name) { return Selected(name); }, coverage_);
  std::vector<std::string> errs;
  for (size_t i = 0; i < f.tests.size(); ++i) {
    TestGroup& tg = f.tests[i];
    if (!Selected(tg.name)) continue;
    const std::string testname = tg.name.empty() ? fmt::format("unnamed#{}", i) : tg.name;
    suite.cases.push_back(JUnitCase{testname, {}, {}});
    ++suite.tests;
    if (tg.interval_ms == 0) tg.interval_ms = f.evaluation_interval_ms;

    const auto started = std::chrono::steady_clock::now();
    if (opts_.debug && opts_.log) opts_.log(fmt::format("DEBUG: Starting test {}\n", testname));
    GroupRun run{opts_, f, tg, testname, group_order, rule_cache, {}};
    run.Run();
    if (opts_.debug && opts_.log) {
      const auto took = std::chrono::steady_clock::now() - started;
      opts_.log(
          fmt::format("DEBUG: Test {} finished, took {}\n", testname,
                      util::FormatGoDuration(
                          std::chrono::duration_cast<std::chrono::nanoseconds>(took).count())));
    }
    for (std::string& e : run.errs) {
      ++suite.failures;
      suite.cases.back().failures.push_back(e);
      errs.push_back(std::move(e));
    }
  }
  return errs;
}

}  // namespace promkit::rules::unittest

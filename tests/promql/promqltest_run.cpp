// The executing half of promqltest.h: runs parsed scripts through promql::Engine over a
// storage::MemoryStorage.
#include <exception>
#include <fstream>
#include <sstream>
#include <utility>

#include <fmt/core.h>
#include <re2/re2.h>

#include "promqltest.h"
#include "storage/memory.h"

namespace promkit::promql::promqltest {
namespace {

constexpr int64_t kMinute = 60 * 1000;

// Queries whose value depends on the query's own range (upstream skips their range rerun).
const RE2& QueryContextFuncsRe() {
  static const RE2 re(R"((start|end|range|step)\(\))");
  return re;
}

std::string QueryError(const Result& r) {
  return fmt::format("{} error: {}", ErrorTypeName(r.error_type), r.error);
}

// Checks one query result against `ev`. Sets *done when nothing further (the range rerun) should
// run: the query failed as expected.
std::string CheckQueryResult(const EvalCmd& ev, const Result& r, bool* done) {
  if (!r.ok()) {
    *done = true;
    // Failing for lack of a feature is not the failure a script expects.
    if (ev.IsFail() && r.error.find("not supported") != std::string::npos) {
      return "expected failure, but failed for an unsupported feature: " + QueryError(r);
    }
    if (ev.IsFail()) return CheckExpectedFailure(ev, r.error);
    return "unexpected " + QueryError(r);
  }
  if (ev.IsFail()) return "expected the query to fail, but it succeeded";
  std::vector<std::string> warnings, infos;
  for (const Annotation& a : r.annotations) (a.info ? infos : warnings).push_back(a.text);
  if (std::string e = CheckAnnotations(ev, warnings, infos); !e.empty()) return e;
  return CompareResult(ev, r.value);
}

// Upstream reruns a successful instant eval as a range query from t-1m to t+1m at step 1m and
// compares the points at t with the same expectations.
std::string CheckRangeMode(const Engine& engine, storage::MemoryStorage& st, const EvalCmd& ev,
                           const Result& instant) {
  if (ev.exclude_from_range_query || RE2::PartialMatch(ev.expr, QueryContextFuncsRe())) return {};
  const int64_t t = ev.eval_ms;
  Result rr = engine.RangeQuery(st, ev.expr, t - kMinute, t + kMinute, kMinute);
  if (!rr.ok()) return QueryError(rr);
  if (ev.IsOrdered()) return {};  // range results are always sorted by labels
  if (rr.value.kind != ValueKind::kMatrix) return "the range query did not return a matrix";
  if (std::string e = CheckMatrixSorted(rr.value.matrix); !e.empty()) return e;
  Value at_t;
  at_t.kind = ValueKind::kVector;
  for (const Series& s : rr.value.matrix) {
    for (const FPoint& p : s.floats) {
      if (p.t == t) {
        at_t.vector.push_back(Sample{s.metric, p.t, p.f});
        break;
      }
    }
    for (const HPoint& p : s.histograms) {
      if (p.t == t) {
        at_t.vector.push_back(Sample{s.metric, p.t, 0, p.h});
        break;
      }
    }
  }
  if (instant.value.kind == ValueKind::kScalar) {
    if (at_t.vector.empty()) return fmt::format("no point at t={} for the scalar", t);
    Value sc;
    sc.kind = ValueKind::kScalar;
    sc.scalar = Scalar{t, at_t.vector[0].f};
    return CompareResult(ev, sc);
  }
  return CompareResult(ev, at_t);
}

std::string RunEval(const Engine& engine, storage::MemoryStorage& st, const EvalCmd& ev) {
  if (!ev.parse_error.empty()) return "the expression does not parse: " + ev.parse_error;
  if (!ev.histogram_lines.empty()) {
    return fmt::format("expects native histogram values (line {}), which the runner cannot read",
                       ev.histogram_lines.front());
  }
  bool done = false;
  if (ev.is_range) {
    Result r = engine.RangeQuery(st, ev.expr, ev.start_ms, ev.end_ms, ev.step_ms);
    std::string e = CheckQueryResult(ev, r, &done);
    return e.empty() ? e : fmt::format("range query: {}", e);
  }
  Result r = engine.InstantQuery(st, ev.expr, ev.eval_ms);
  if (std::string e = CheckQueryResult(ev, r, &done); !e.empty()) {
    return fmt::format("instant query at {}ms: {}", ev.eval_ms, e);
  }
  if (done) return {};
  if (std::string e = CheckRangeMode(engine, st, ev, r); !e.empty()) {
    return fmt::format("range mode (from {}ms to {}ms step 1m): {}", ev.eval_ms - kMinute,
                       ev.eval_ms + kMinute, e);
  }
  return {};
}

}  // namespace

EngineOptions UpstreamTestEngineOptions() {
  EngineOptions o;
  o.lookback_delta_ms = 5 * kMinute;
  o.max_samples = 10000;
  o.timeout = std::chrono::seconds(100);
  o.no_step_subquery_interval_ms = kMinute;
  o.enable_at_modifier = true;
  o.enable_negative_offset = true;
  o.parser.experimental_functions = true;
  o.parser.duration_expr = true;
  o.parser.extended_range_selectors = true;
  o.parser.binop_fill_modifiers = true;
  o.native_histogram_results = true;
  return o;
}

FileReport RunScript(const Script& script, std::string_view file, const EngineOptions& opts,
                     const SkipFn& skip) {
  FileReport rep;
  rep.file = std::string(file);
  Engine engine(opts);
  storage::MemoryStorage st;
  for (const Command& cmd : script.cmds) {
    if (const auto* load = std::get_if<LoadCmd>(&cmd)) {
      for (const LoadedSeries& s : load->series) {
        for (const auto& [t, v] : s.samples) st.Append(s.labels, t, v);
        for (const HPoint& p : s.histograms) st.AppendHistogram(s.labels, p.t, *p.h);
      }
      rep.histogram_series_dropped += static_cast<int>(load->histogram_lines.size());
      continue;
    }
    if (std::holds_alternative<ClearCmd>(cmd)) {
      st.Clear();
      continue;
    }
    const EvalCmd& ev = std::get<EvalCmd>(cmd);
    EvalReport er{ev.line, ev.expr, Outcome::kPassed, {}};
    if (skip) er.reason = skip(ev);
    if (!er.reason.empty()) {
      er.outcome = Outcome::kSkipped;
      ++rep.skipped;
      ++rep.skipped_by_reason[er.reason];
    } else {
      try {
        er.reason = RunEval(engine, st, ev);
      } catch (const std::exception& e) {
        er.reason = fmt::format("the engine threw: {}", e.what());
      }
      er.outcome = er.reason.empty() ? Outcome::kPassed : Outcome::kFailed;
      ++(er.reason.empty() ? rep.passed : rep.failed);
    }
    rep.evals.push_back(std::move(er));
  }
  return rep;
}

FileReport RunTestFile(const std::string& path, const EngineOptions& opts, const SkipFn& skip) {
  std::string name = path.substr(path.find_last_of('/') + 1);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    FileReport rep;
    rep.file = name;
    rep.error = "cannot open " + path;
    return rep;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  auto script = ParseScript(buf.str());
  if (!script.ok()) {
    FileReport rep;
    rep.file = name;
    rep.error = std::string(script.status().message());
    return rep;
  }
  return RunScript(*script, name, opts, skip);
}

}  // namespace promkit::promql::promqltest

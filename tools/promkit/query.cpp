// promtool's `query instant|range|series|labels` against a Prometheus server (upstream
// cmd/promtool/query.go: client_golang's request shapes, promtool's printers and messages), and
// promkit's local form, `--tsdb.path DIR`, which answers the same requests over a data
// directory through lib/promql's HTTP API semantics. Glue only: flags -> times and options ->
// one API call (HTTP: query_client.cpp, local: lib/promql/api) -> render (query_render.cpp).
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "app.h"
#include "config/http_client_file.h"
#include "promql/api.h"
#include "promql/engine.h"
#include "promql/parser/parser.h"
#include "query_analyze.h"
#include "query_client.h"
#include "query_render.h"
#include "scrape/fetch.h"
#include "scrape/http_config.h"
#include "tsdb/db_readonly.h"
#include "util/duration.h"
#include "util/numbers.h"
#include "util/source_error.h"
#include "util/strings.h"
#include "util/timestamp.h"

namespace promkit::cli {
namespace {

using promql::ApiDataKind;
using promql::ApiResponse;
using promql::Value;
using promql::ValueKind;

constexpr int64_t kNsPerSecond = 1'000'000'000;
constexpr int64_t kNsPerMs = 1'000'000;
constexpr int64_t kClientTimeoutNs = 120 * kNsPerSecond;  // promtool's 2-minute context
constexpr std::string_view kHttpConfigHelp =
    "HTTP client configuration file, see details at "
    "https://prometheus.io/docs/prometheus/latest/configuration/promtool";

struct QueryFlags {
  std::string format = "promql";
  std::string http_config_file;
  std::string tsdb_path;
  std::string server;
  std::string expr;  // the expression, or the label name for `labels`
  std::string time, start, end, step;
  std::vector<std::string> headers;
  std::vector<std::string> match;
  std::string lookback_delta = "5m";
  int64_t max_samples = 50000000;
  std::string query_timeout = "2m";
  std::string subquery_step = "1m";
  bool stats = false;
  std::string analyze_type;
  std::string analyze_duration = "1h";
  // The running subcommand's engine flags, to tell whether they were given (local-only ones
  // are refused with a server; the others are sent only when given).
  CLI::Option* lookback_opt = nullptr;
  CLI::Option* max_samples_opt = nullptr;
  CLI::Option* timeout_opt = nullptr;
  CLI::Option* subquery_step_opt = nullptr;
};

struct EngineFlagOptions {
  CLI::Option* lookback = nullptr;
  CLI::Option* max_samples = nullptr;
  CLI::Option* timeout = nullptr;
  CLI::Option* subquery_step = nullptr;
};

// ---------------------------------------------------------------------------------------------
// Times. promtool keeps them as Go time.Time (nanoseconds) and sends seconds with a fraction;
// the server rounds to milliseconds. The local form goes through the same two steps so both
// forms evaluate at the same millisecond.

// The millisecond the API resolves a time sent by FormatApiTime to.
int64_t ApiMs(int64_t ns) { return util::ParseApiTime(FormatApiTime(ns)).value_or(ns / kNsPerMs); }

// ---------------------------------------------------------------------------------------------
// The local form.

// When a local query found nothing and the data cannot overlap [window_start, window_end], a
// hint on stderr saying where the data is.
void HintIfOutside(tsdb::DbReadOnly& db, const std::string& dir, int64_t window_start,
                   int64_t window_end, std::string_view flag) {
  int64_t newest = std::numeric_limits<int64_t>::min();
  int64_t oldest = std::numeric_limits<int64_t>::max();
  for (const auto& b : db.blocks()) {
    oldest = std::min(oldest, b->meta().min_time);
    newest = std::max(newest, b->meta().max_time - 1);
  }
  if (auto head = db.Head();
      head.ok() && (*head)->MaxTime() != std::numeric_limits<int64_t>::min()) {
    oldest = std::min(oldest, (*head)->MinTime());
    newest = std::max(newest, (*head)->MaxTime());
  }
  if (newest == std::numeric_limits<int64_t>::min()) {
    std::fprintf(stderr, "hint: %s holds no samples\n", dir.c_str());
    return;
  }
  if (newest < window_start) {
    std::fprintf(stderr,
                 "hint: the newest sample in %s is at %s (%s), %s before the queried window; "
                 "try %s=%s\n",
                 dir.c_str(), util::FormatRfc3339Nano(newest).c_str(), ModelTime(newest).c_str(),
                 util::FormatDuration(window_start - newest).c_str(), std::string(flag).c_str(),
                 ModelTime(newest).c_str());
  } else if (oldest > window_end) {
    std::fprintf(stderr,
                 "hint: the oldest sample in %s is at %s (%s), %s after the queried window\n",
                 dir.c_str(), util::FormatRfc3339Nano(oldest).c_str(), ModelTime(oldest).c_str(),
                 util::FormatDuration(oldest - window_end).c_str());
  }
}

bool EmptyResult(const ApiResponse& r) {
  switch (r.kind) {
    case ApiDataKind::kQuery:
      return (r.value.kind == ValueKind::kVector && r.value.vector.empty()) ||
             (r.value.kind == ValueKind::kMatrix && r.value.matrix.empty());
    case ApiDataKind::kSeries:
      return r.series.empty();
    case ApiDataKind::kStrings:
      return r.strings.empty();
    case ApiDataKind::kNone:
      return false;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Running a command.

// The request, resolved from the flags.
struct Request {
  QueryEndpoint ep;
  std::string expr;
  int64_t time_ns = 0, start_ns = 0, end_ns = 0, step_ns = 0;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Resolves the flags into a request the way promtool's Query* functions do; on failure the
// message promtool prints (the exit code is 1).
util::Result<Request> ResolveRequest(QueryEndpoint ep, const QueryFlags& f) {
  Request req;
  req.ep = ep;
  req.expr = f.expr;
  const int64_t now = NowNs();
  auto parse = [now](const std::string& s, std::string_view what) -> util::Result<int64_t> {
    util::Result<int64_t> t = ParseCliTime(s, now);
    if (!t.ok()) return t.status().Wrap(fmt::format("error parsing {}", what));
    return t;
  };
  switch (ep) {
    case QueryEndpoint::kInstant:
      req.time_ns = now;
      if (!f.time.empty()) {
        PROMKIT_ASSIGN_OR_RETURN(req.time_ns, parse(f.time, "evaluation time"));
      }
      break;
    case QueryEndpoint::kRange: {
      req.end_ns = now;
      if (!f.end.empty()) {
        PROMKIT_ASSIGN_OR_RETURN(req.end_ns, parse(f.end, "end time"));
      }
      req.start_ns = req.end_ns - 5 * 60 * kNsPerSecond;
      if (!f.start.empty()) {
        PROMKIT_ASSIGN_OR_RETURN(req.start_ns, parse(f.start, "start time"));
      }
      if (req.start_ns >= req.end_ns) {
        return util::Status::InvalidArgument("start time is not before end time");
      }
      if (!f.step.empty()) {
        PROMKIT_ASSIGN_OR_RETURN(req.step_ns, util::ParseGoDuration(f.step));
      }
      if (req.step_ns == 0) {
        const int64_t d = req.end_ns - req.start_ns;
        const double secs =
            static_cast<double>(d / kNsPerSecond) + static_cast<double>(d % kNsPerSecond) / 1e9;
        req.step_ns = static_cast<int64_t>(std::max(std::floor(secs / 250), 1.0)) * kNsPerSecond;
      }
      break;
    }
    case QueryEndpoint::kSeries:
    case QueryEndpoint::kLabels: {
      // promtool's window when --start/--end are not given: 9999 hours either side of now.
      constexpr int64_t kWide = 9999LL * 3600 * kNsPerSecond;
      req.start_ns = now - kWide;
      req.end_ns = now + kWide;
      if (!f.start.empty()) {
        PROMKIT_ASSIGN_OR_RETURN(req.start_ns, parse(f.start, "start time"));
      }
      if (!f.end.empty()) {
        PROMKIT_ASSIGN_OR_RETURN(req.end_ns, parse(f.end, "end time"));
      }
      break;
    }
  }
  for (const std::string& h : f.headers) {
    const size_t eq = h.find('=');
    req.headers.emplace_back(h.substr(0, eq), h.substr(eq + 1));
  }
  return req;
}

// Prints the outcome of a request in the chosen format; returns the exit code. `detail` is
// client_golang's Error.Detail (server replies only).
int Emit(const QueryFlags& f, Mode mode, QueryEndpoint ep, const ApiResponse& r,
         std::string_view detail) {
  const bool api_json = mode == Mode::kPromkit && f.format == "json";
  if (api_json) {
    std::string doc = promql::EncodeApiResponse(r) + "\n";
    std::fwrite(doc.data(), 1, doc.size(), stdout);
    return r.ok() ? kExitOk : kExitFailure;
  }
  if (mode == Mode::kPromkit) {
    for (const std::string& w : r.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
    for (const std::string& i : r.infos) std::fprintf(stderr, "info: %s\n", i.c_str());
  } else if (ep == QueryEndpoint::kLabels) {
    for (const std::string& w : r.warnings) std::fprintf(stderr, "query warning: %s\n", w.c_str());
  }
  if (!r.ok()) {
    std::string msg = fmt::format("query error: {}: {}", r.error_type, r.error);
    if (!detail.empty()) msg += fmt::format(" (detail: {})", util::TrimSpace(detail));
    std::fprintf(stderr, "%s\n", msg.c_str());
    // promkit: show where a bad expression went wrong.
    constexpr std::string_view kBadQuery = "invalid parameter \"query\": ";
    if (mode == Mode::kPromkit && r.error.compare(0, kBadQuery.size(), kBadQuery) == 0) {
      promql::parser::ParseErrors errs;
      if (!promql::parser::ParseExpr(f.expr, PromtoolParserOptions(), &errs).ok() &&
          !errs.errors.empty()) {
        const auto& e = errs.errors.front();
        const size_t start = static_cast<size_t>(std::max(0, e.range.start));
        const size_t len =
            e.range.end > e.range.start ? static_cast<size_t>(e.range.end - e.range.start) : 1;
        std::string rendered =
            util::RenderSourceError("", f.expr, start, len, "parse error: " + e.msg);
        // The first line repeats the message printed above: keep the excerpt only.
        if (size_t nl = rendered.find('\n'); nl != std::string::npos) {
          std::fputs(rendered.substr(nl + 1).c_str(), stderr);
        }
      }
    }
    return kExitFailure;
  }
  std::string out = f.format == "json"    ? JsonOutput(ep, r)
                    : f.format == "table" ? TableOutput(ep, r)
                                          : PromqlOutput(ep, r);
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (mode == Mode::kPromkit && !r.stats_json.empty()) {
    std::fprintf(stderr, "stats: %s\n", r.stats_json.c_str());
  }
  return kExitOk;
}

int RunServer(const QueryFlags& f, Mode mode, const Request& req,
              const scrape::FetchOptions& base) {
  ServerCall call;
  auto add_range = [&](bool with_step) {
    call.params.emplace_back("start", FormatApiTime(req.start_ns));
    call.params.emplace_back("end", FormatApiTime(req.end_ns));
    if (with_step) call.params.emplace_back("step", FormatApiStep(req.step_ns));
  };
  auto add_query_opts = [&] {
    if (mode != Mode::kPromkit) return;
    if (f.stats) call.params.emplace_back("stats", "all");
    if (f.lookback_opt != nullptr && f.lookback_opt->count() > 0) {
      call.params.emplace_back("lookback_delta", f.lookback_delta);
    }
    if (f.timeout_opt != nullptr && f.timeout_opt->count() > 0) {
      call.params.emplace_back("timeout", f.query_timeout);
    }
  };
  switch (req.ep) {
    case QueryEndpoint::kInstant:
      call.path = "/api/v1/query";
      call.params.emplace_back("query", req.expr);
      call.params.emplace_back("time", FormatApiTime(req.time_ns));
      add_query_opts();
      break;
    case QueryEndpoint::kRange:
      call.path = "/api/v1/query_range";
      call.params.emplace_back("query", req.expr);
      add_range(true);
      add_query_opts();
      break;
    case QueryEndpoint::kSeries:
      call.path = "/api/v1/series";
      for (const std::string& m : f.match) call.params.emplace_back("match[]", m);
      add_range(false);
      break;
    case QueryEndpoint::kLabels:
      call.path = "/api/v1/label/" + PathEscape(req.expr) + "/values";
      call.post_with_fallback = false;
      for (const std::string& m : f.match) call.params.emplace_back("match[]", m);
      add_range(false);
      break;
  }
  scrape::FetchOptions o = base;
  for (const auto& h : req.headers) o.headers.push_back(h);
  const ServerReply reply = CallServer(o, f.server, call);
  if (!reply.transport.empty()) {
    std::fprintf(stderr, "query error: %s\n", reply.transport.c_str());
    return kExitFailure;
  }
  ApiResponse r;
  r.error_type = reply.error_type;
  r.error = reply.error;
  r.warnings = reply.warnings;
  r.infos = reply.infos;
  r.stats_json = reply.stats_json;
  if (r.ok()) {
    util::Status st = DecodeData(req.ep, reply.data, mode, r);
    if (!st.ok()) {
      std::fprintf(stderr, "query error: %s\n", st.ToString().c_str());
      return kExitFailure;
    }
  }
  return Emit(f, mode, req.ep, r, reply.detail);
}

int RunLocal(const QueryFlags& f, Mode mode, const Request& req) {
  promql::EngineOptions opts;
  // The duration flags were checked while parsing.
  opts.lookback_delta_ms = util::ParseDuration(f.lookback_delta).value_or(opts.lookback_delta_ms);
  opts.max_samples = f.max_samples;
  opts.timeout = std::chrono::milliseconds(
      util::ParseDuration(f.query_timeout).value_or(opts.timeout.count()));
  opts.no_step_subquery_interval_ms =
      util::ParseDuration(f.subquery_step).value_or(opts.no_step_subquery_interval_ms);
  opts.parser = PromtoolParserOptions();  // --enable-feature

  util::Result<std::unique_ptr<tsdb::DbReadOnly>> db = tsdb::DbReadOnly::Open(f.tsdb_path);
  if (!db.ok()) {
    std::fprintf(stderr, "query error: %s\n", db.status().ToString().c_str());
    return kExitFailure;
  }
  tsdb::DbReadOnly& q = **db;
  promql::Engine engine(opts);
  ApiResponse r;
  int64_t window_start = 0, window_end = 0;
  std::string_view hint_flag = "--time";
  switch (req.ep) {
    case QueryEndpoint::kInstant: {
      const int64_t t = ApiMs(req.time_ns);
      r = promql::ApiQuery(engine, q, req.expr, t, f.stats);
      window_start = t - opts.lookback_delta_ms;
      window_end = t;
      break;
    }
    case QueryEndpoint::kRange: {
      const int64_t start = ApiMs(req.start_ns), end = ApiMs(req.end_ns);
      util::Result<double> step_secs = util::ParseFloat(FormatApiStep(req.step_ns));
      const int64_t step_ms = static_cast<int64_t>(step_secs.value_or(0) * 1e9) / kNsPerMs;
      r = promql::ApiQueryRange(engine, q, req.expr, start, end, step_ms, f.stats);
      window_start = start - opts.lookback_delta_ms;
      window_end = end;
      hint_flag = "--end";
      break;
    }
    case QueryEndpoint::kSeries:
      window_start = ApiMs(req.start_ns);
      window_end = ApiMs(req.end_ns);
      r = promql::ApiSeries(q, f.match, window_start, window_end);
      hint_flag = "--start";
      break;
    case QueryEndpoint::kLabels:
      window_start = ApiMs(req.start_ns);
      window_end = ApiMs(req.end_ns);
      r = promql::ApiLabelValues(q, req.expr, f.match, window_start, window_end);
      hint_flag = "--start";
      break;
  }
  for (const std::string& w : (*db)->warnings()) {
    std::fprintf(stderr, "%s: warning: %s\n", std::string(ProgramName(mode)).c_str(), w.c_str());
  }
  if (r.ok() && EmptyResult(r)) {
    HintIfOutside(**db, f.tsdb_path, window_start, window_end, hint_flag);
  }
  return Emit(f, mode, req.ep, r, "");
}

// kingpin's ExistingFile check of --http.config.file; false (after printing) when it fails.
bool CheckHttpConfigFlag(const QueryFlags& f, Mode mode) {
  if (f.http_config_file.empty()) return true;
  struct stat st {};
  if (::stat(f.http_config_file.c_str(), &st) != 0) {
    std::fputs(
        UsageError(mode, fmt::format("path '{}' does not exist", f.http_config_file)).c_str(),
        stderr);
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    std::fputs(UsageError(mode, fmt::format("'{}' is a directory", f.http_config_file)).c_str(),
               stderr);
    return false;
  }
  return true;
}

// The client options for f.server: promtool's timeout and --http.config.file. False (after
// printing promtool's error) when the file cannot be used.
bool ClientOptions(const QueryFlags& f, Mode mode, scrape::FetchOptions& base) {
  base.timeout_ns = kClientTimeoutNs;
  if (f.http_config_file.empty()) return true;
  const size_t at = f.server.find('@');
  const size_t authority = f.server.find("://");
  if (at != std::string::npos && authority != std::string::npos && at > authority &&
      at < f.server.find('/', authority + 3)) {
    std::fprintf(stderr,
                 "%s: error: Cannot set base auth in the server URL and use a http.config.file "
                 "at the same time\n",
                 std::string(ProgramName(mode)).c_str());
    return false;
  }
  util::Result<config::HTTPClientConfig> hc = config::LoadHTTPClientConfigFile(f.http_config_file);
  util::Status st = hc.ok() ? scrape::ApplyHttpClientConfig(*hc, base) : hc.status();
  if (!st.ok()) {
    std::fprintf(stderr, "%s: error: Failed to load HTTP config file: %s\n",
                 std::string(ProgramName(mode)).c_str(), st.ToString().c_str());
    return false;
  }
  return true;
}

// `query analyze`: promtool 3.x's histogram bucket statistics (query_analyze.cpp).
int RunAnalyze(QueryFlags f, Mode mode) {
  if (!CheckHttpConfigFlag(f, mode)) return kExitFailure;
  const bool local = !f.tsdb_path.empty();
  if (mode == Mode::kPromkit && local == !f.server.empty()) {
    std::fputs(UsageError(mode, "give either --server or --tsdb.path").c_str(), stderr);
    return kExitFailure;
  }
  if (!local) {
    if (std::string err = NormalizeServerUrl(f.server); !err.empty()) {
      std::fputs(UsageError(mode, err).c_str(), stderr);
      return kExitFailure;
    }
  }
  util::Result<int64_t> duration_ns = util::ParseGoDuration(f.analyze_duration);
  if (!duration_ns.ok()) {
    std::fputs(UsageError(mode, duration_ns.status().ToString()).c_str(), stderr);
    return kExitFailure;
  }
  scrape::FetchOptions base;
  if (!ClientOptions(f, mode, base)) return kExitFailure;
  if (f.analyze_type != "histogram") {
    std::fprintf(stderr, "analyze type is %s, must be 'histogram'\n", f.analyze_type.c_str());
    return kExitFailure;
  }
  int64_t end_ns = NowNs();
  if (!f.time.empty()) {
    util::Result<int64_t> t = ParseCliTime(f.time, end_ns);
    if (!t.ok()) {
      std::fprintf(stderr, "error parsing time '%s': %s\n", f.time.c_str(),
                   std::string(t.status().message()).c_str());
      return kExitFailure;
    }
    end_ns = *t;
  }
  std::unique_ptr<tsdb::DbReadOnly> db;
  if (local) {
    util::Result<std::unique_ptr<tsdb::DbReadOnly>> opened = tsdb::DbReadOnly::Open(f.tsdb_path);
    if (!opened.ok()) {
      std::fprintf(stderr, "%s\n", opened.status().ToString().c_str());
      return kExitFailure;
    }
    db = std::move(*opened);
  }
  const int64_t end_ms = util::ParseApiTime(FormatApiTime(end_ns)).value_or(end_ns / kNsPerMs);
  auto query = [&](const std::string& q) -> util::Result<std::string> {
    if (local) {
      promql::EngineOptions opts;
      opts.parser = PromtoolParserOptions();
      const ApiResponse r = promql::ApiQuery(promql::Engine(opts), *db, q, end_ms, /*stats=*/false);
      if (!r.ok())
        return util::Status::InvalidArgument(fmt::format("{}: {}", r.error_type, r.error));
      // The body's `data`, as a server would send it.
      nlohmann::json body = nlohmann::json::parse(promql::EncodeApiResponse(r), nullptr, false);
      return body.is_object() ? body["data"].dump() : std::string();
    }
    ServerCall call;
    call.path = "/api/v1/query";
    call.params.emplace_back("query", q);
    call.params.emplace_back("time", FormatApiTime(end_ns));
    const ServerReply reply = CallServer(base, f.server, call);
    if (!reply.transport.empty()) return util::Status::IoError(reply.transport);
    if (!reply.error_type.empty()) {
      return util::Status::InvalidArgument(fmt::format("{}: {}", reply.error_type, reply.error));
    }
    return reply.data;
  };
  std::string out;
  util::Status st = AnalyzeHistograms(query, f.match, util::FormatGoDuration(*duration_ns), out);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", std::string(st.message()).c_str());
    return kExitFailure;
  }
  return kExitOk;
}

int RunQuery(QueryEndpoint ep, QueryFlags f, Mode mode) {
  // Flag checks kingpin would make while parsing.
  if (f.format != "promql" && f.format != "json" &&
      !(mode == Mode::kPromkit && f.format == "table")) {
    std::fputs(
        UsageError(mode, fmt::format("enum value must be one of {}, got '{}'",
                                     mode == Mode::kPromkit ? "promql,json,table" : "promql,json",
                                     f.format))
            .c_str(),
        stderr);
    return kExitFailure;
  }
  for (const std::string& h : f.headers) {
    if (h.find('=') == std::string::npos) {
      std::fputs(UsageError(mode, fmt::format("expected KEY=VALUE got '{}'", h)).c_str(), stderr);
      return kExitFailure;
    }
  }
  if (!f.step.empty()) {
    if (util::Result<int64_t> d = util::ParseGoDuration(f.step); !d.ok()) {
      std::fputs(UsageError(mode, d.status().ToString()).c_str(), stderr);
      return kExitFailure;
    }
  }
  if (!CheckHttpConfigFlag(f, mode)) return kExitFailure;
  const bool local = !f.tsdb_path.empty();
  if (mode == Mode::kPromkit) {
    // `[<server>] <expr>`: with one argument CLI11 filled the required one.
    if (local && !f.server.empty()) {
      std::fputs(UsageError(mode, "give either a <server> URL or --tsdb.path, not both").c_str(),
                 stderr);
      return kExitFailure;
    }
    if (!local && f.server.empty()) {
      std::fputs(UsageError(mode, "a <server> URL or --tsdb.path is required").c_str(), stderr);
      return kExitFailure;
    }
    if (!local) {
      for (CLI::Option* opt : {f.max_samples_opt, f.subquery_step_opt}) {
        if (opt != nullptr && opt->count() > 0) {
          std::fputs(
              UsageError(mode, fmt::format("{} applies only with --tsdb.path", opt->get_name()))
                  .c_str(),
              stderr);
          return kExitFailure;
        }
      }
    } else {
      for (std::string_view flag : {"--header", "--http.config.file"}) {
        const bool given = flag == "--header" ? !f.headers.empty() : !f.http_config_file.empty();
        if (given) {
          std::fputs(UsageError(mode, fmt::format("{} applies only to a <server>", flag)).c_str(),
                     stderr);
          return kExitFailure;
        }
      }
    }
  }
  if (!local) {
    if (std::string err = NormalizeServerUrl(f.server); !err.empty()) {
      std::fputs(UsageError(mode, err).c_str(), stderr);
      return kExitFailure;
    }
  }

  scrape::FetchOptions base;
  if (!ClientOptions(f, mode, base)) return kExitFailure;

  util::Result<Request> req = ResolveRequest(ep, f);
  if (!req.ok()) {
    std::fprintf(stderr, "%s\n", req.status().ToString().c_str());
    return kExitFailure;
  }
  return local ? RunLocal(f, mode, *req) : RunServer(f, mode, *req, base);
}

// A flag value checked by a lib parser; CLI11 reports "--flag: message".
template <typename F>
CLI::Validator Checked(std::string name, F parse) {
  return CLI::Validator(
      [parse](std::string& v) -> std::string {
        auto r = parse(v);
        return r.ok() ? std::string() : r.status().ToString();
      },
      "", std::move(name));
}

// Lists the allowed values for help, man pages and completions; RunQuery checks the value so
// the error reads as kingpin's.
CLI::Validator EnumDoc(const std::vector<std::string>& values) {
  std::string desc = "{";
  for (size_t i = 0; i < values.size(); ++i) desc += (i > 0 ? "," : "") + values[i];
  return CLI::Validator([](std::string&) { return std::string(); }, desc + "}");
}

}  // namespace

void RegisterQuery(CLI::App& root, Mode mode, int* exit_code) {
  const bool pk = mode == Mode::kPromkit;
  auto f = std::make_shared<QueryFlags>();
  CLI::App* query = root.add_subcommand(
      "query", pk ? "Run queries against a Prometheus server, or locally over a data directory "
                    "with --tsdb.path."
                  : "Run query against a Prometheus server.");
  query->require_subcommand(1);
  query
      ->add_option("-o,--format", f->format,
                   pk ? "Output format of the query: promql (promtool's), json (the Prometheus "
                        "HTTP API's response body) or table."
                      : "Output format of the query.")
      ->default_str("promql")
      ->check(EnumDoc(pk ? std::vector<std::string>{"promql", "json", "table"}
                         : std::vector<std::string>{"promql", "json"}));
  query->add_option("--http.config.file", f->http_config_file, std::string(kHttpConfigHelp))
      ->option_text("<filename>");
  if (pk) {
    query
        ->add_option("--tsdb.path", f->tsdb_path,
                     "Answer locally from this data directory (blocks and WAL, opened "
                     "read-only) instead of asking a server.")
        ->option_text("DIR");
  }

  const std::string server_help =
      pk ? "Prometheus server to query (omit with --tsdb.path)." : "Prometheus server to query.";
  const std::string time_forms =
      pk ? "RFC3339, Unix timestamp, or relative to now: now, now-1h, now+5m"
         : "RFC3339 or Unix timestamp";
  auto add_server = [&](CLI::App* cmd) {
    CLI::Option* o = cmd->add_option("server", f->server, server_help);
    if (!pk) o->required();
    // `[<server>] <expr>`: one argument goes to the required positional (app.cpp's walk
    // checks arguments the same way).
    cmd->positionals_at_end();
  };
  // Engine and API options of instant and range queries (promkit only).
  auto add_engine_flags = [&](CLI::App* cmd) {
    EngineFlagOptions o;
    if (!pk) return o;
    o.lookback =
        cmd->add_option("--query.lookback-delta", f->lookback_delta,
                        "How far back to look for a sample of an instant vector selector (sent "
                        "as lookback_delta to a server).")
            ->default_str("5m")
            ->check(
                Checked("DURATION", [](const std::string& v) { return util::ParseDuration(v); }));
    o.max_samples = cmd->add_option("--query.max-samples", f->max_samples,
                                    "Maximum number of samples a query may hold in memory "
                                    "(--tsdb.path only).")
                        ->default_str("50000000");
    o.timeout = cmd->add_option("--query.timeout", f->query_timeout,
                                "Maximum time a query may take (sent as timeout to a server).")
                    ->default_str("2m")
                    ->check(Checked("DURATION",
                                    [](const std::string& v) { return util::ParseDuration(v); }));
    o.subquery_step =
        cmd->add_option("--query.subquery-step", f->subquery_step,
                        "Step of subqueries written without one, e.g. x[1h:] (Prometheus uses "
                        "its evaluation_interval; --tsdb.path only).")
            ->default_str("1m")
            ->check(
                Checked("DURATION", [](const std::string& v) { return util::ParseDuration(v); }));
    cmd->add_flag("--stats", f->stats,
                  "Add the query's statistics (stats=all): to the JSON document with -o json, "
                  "else on stderr. Locally only the timings evalTotalTime and execTotalTime are "
                  "measured.");
    return o;
  };
  auto run = [f, mode, exit_code](QueryEndpoint ep, const EngineFlagOptions& o) {
    QueryFlags g = *f;
    g.lookback_opt = o.lookback;
    g.max_samples_opt = o.max_samples;
    g.timeout_opt = o.timeout;
    g.subquery_step_opt = o.subquery_step;
    *exit_code = RunQuery(ep, std::move(g), mode);
  };
  auto add_header = [&](CLI::App* cmd) {
    cmd->add_option("--header", f->headers, "Extra headers to send to server.")
        ->option_text("HEADER")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  };

  CLI::App* instant = query->add_subcommand("instant", "Run instant query.");
  add_server(instant);
  instant->add_option("expr", f->expr, "PromQL query expression.")->required();
  instant->add_option("--time", f->time,
                      pk ? "Query evaluation time (" + time_forms + "); default now."
                         : "Query evaluation time (" + time_forms + ").");
  add_header(instant);
  const EngineFlagOptions instant_opts = add_engine_flags(instant);
  instant->callback([run, instant_opts] { run(QueryEndpoint::kInstant, instant_opts); });

  CLI::App* range = query->add_subcommand("range", "Run range query.");
  add_server(range);
  range->add_option("expr", f->expr, "PromQL query expression.")->required();
  add_header(range);
  range->add_option("--start", f->start,
                    pk ? "Query range start time (" + time_forms + "); default end-5m."
                       : "Query range start time (" + time_forms + ").");
  range->add_option("--end", f->end,
                    pk ? "Query range end time (" + time_forms + "); default now."
                       : "Query range end time (" + time_forms + ").");
  range->add_option("--step", f->step,
                    pk ? "Query step size (duration); default (end-start)/250, at least 1s."
                       : "Query step size (duration).");
  const EngineFlagOptions range_opts = add_engine_flags(range);
  range->callback([run, range_opts] { run(QueryEndpoint::kRange, range_opts); });

  CLI::App* series = query->add_subcommand("series", "Run series query.");
  add_server(series);
  series->add_option("--match", f->match, "Series selector. Can be specified multiple times.")
      ->required()
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  series->add_option("--start", f->start,
                     pk ? "Start time (" + time_forms + "); default now-9999h."
                        : "Start time (" + time_forms + ").");
  series->add_option(
      "--end", f->end,
      pk ? "End time (" + time_forms + "); default now+9999h." : "End time (" + time_forms + ").");
  series->callback([run] { run(QueryEndpoint::kSeries, {}); });

  CLI::App* labels = query->add_subcommand("labels", "Run labels query.");
  add_server(labels);
  labels->add_option("name", f->expr, "Label name to provide label values for.")->required();
  labels->add_option("--start", f->start,
                     pk ? "Start time (" + time_forms + "); default now-9999h."
                        : "Start time (" + time_forms + ").");
  labels->add_option(
      "--end", f->end,
      pk ? "End time (" + time_forms + "); default now+9999h." : "End time (" + time_forms + ").");
  labels->add_option("--match", f->match, "Series selector. Can be specified multiple times.")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  labels->callback([run] { run(QueryEndpoint::kLabels, {}); });

  CLI::App* analyze = query->add_subcommand(
      "analyze",
      "Run queries against your Prometheus to analyze the usage pattern of certain metrics.");
  CLI::Option* analyze_server = analyze->add_option(
      "--server", f->server,
      pk ? "Prometheus server to query (or --tsdb.path)." : "Prometheus server to query.");
  if (!pk) analyze_server->required();
  analyze->add_option("--type", f->analyze_type, "Type of metric: histogram.")->required();
  analyze->add_option("--duration", f->analyze_duration, "Time frame to analyze.")
      ->default_str("1h");
  analyze->add_option("--time", f->time, "Query time (" + time_forms + "), defaults to now.");
  analyze->add_option("--match", f->match, "Series selector. Can be specified multiple times.")
      ->required()
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  analyze->callback([f, mode, exit_code] { *exit_code = RunAnalyze(*f, mode); });
}

}  // namespace promkit::cli

#include "repl/session.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>

#include <fmt/core.h>

#include "model/matchers.h"
#include "promql/api.h"
#include "promql/parser/parser.h"
#include "repl/input.h"
#include "repl/render.h"
#include "util/duration.h"
#include "util/source_error.h"
#include "util/strings.h"
#include "util/timestamp.h"

namespace promkit::cli::repl {
namespace {

namespace p = promql::parser;

constexpr int64_t kMinTime = std::numeric_limits<int64_t>::min();
constexpr int64_t kMaxTime = std::numeric_limits<int64_t>::max();
constexpr std::string_view kDim = "\x1b[2m";
constexpr std::string_view kRed = "\x1b[31m";
constexpr std::string_view kYellow = "\x1b[33m";
constexpr std::string_view kReset = "\x1b[0m";

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string FormatElapsed(double seconds) {
  if (seconds < 1e-3) return fmt::format("{:.0f}µs", seconds * 1e6);
  if (seconds < 1) return fmt::format("{:.1f}ms", seconds * 1e3);
  return fmt::format("{:.2f}s", seconds);
}

// The first word of `s` and the rest, trimmed.
std::pair<std::string_view, std::string_view> SplitWord(std::string_view s) {
  s = util::TrimSpace(s);
  size_t i = 0;
  while (i < s.size() && !util::IsSpace(static_cast<unsigned char>(s[i]))) ++i;
  return {s.substr(0, i), util::TrimSpace(s.substr(i))};
}

std::vector<std::string_view> Words(std::string_view s) {
  std::vector<std::string_view> out;
  while (true) {
    auto [w, rest] = SplitWord(s);
    if (w.empty()) return out;
    out.push_back(w);
    s = rest;
  }
}

// ---------------------------------------------------------------------------------------------
// .explain: which samples each selector of an expression reads, found by walking the tree with
// the evaluation window as the engine shifts it (offset, @, ranges, subqueries).

struct SelectorUse {
  std::string text;  // the selector as written back (String()), with its range if any
  const std::vector<model::Matcher>* matchers = nullptr;
  bool known = true;           // false when a duration expression could not be evaluated
  int64_t mint = 0, maxt = 0;  // inclusive
};

struct ExplainCtx {
  int64_t query_start = 0, query_end = 0, step = 0, lookback = 0;
};

std::optional<double> DurationSeconds(const p::Expr* e, const ExplainCtx& c) {
  if (e == nullptr) return std::nullopt;
  switch (e->kind()) {
    case p::ExprKind::kNumberLiteral:
      return static_cast<const p::NumberLiteral*>(e)->val;
    case p::ExprKind::kParen:
      return DurationSeconds(static_cast<const p::ParenExpr*>(e)->expr.get(), c);
    case p::ExprKind::kUnary: {
      const auto* u = static_cast<const p::UnaryExpr*>(e);
      auto v = DurationSeconds(u->expr.get(), c);
      if (!v) return v;
      return u->op == p::ItemType::kSub ? -*v : *v;
    }
    case p::ExprKind::kDuration:
      break;
    default:
      return std::nullopt;
  }
  const auto* d = static_cast<const p::DurationExpr*>(e);
  switch (d->op) {
    case p::ItemType::kStep:
      return static_cast<double>(c.step) / 1000;
    case p::ItemType::kRange:
      return static_cast<double>(c.query_end - c.query_start) / 1000;
    default:
      break;
  }
  auto rhs = DurationSeconds(d->rhs.get(), c);
  if (!rhs) return rhs;
  if (d->lhs == nullptr) return d->op == p::ItemType::kSub ? -*rhs : *rhs;
  auto lhs = DurationSeconds(d->lhs.get(), c);
  if (!lhs) return lhs;
  switch (d->op) {
    case p::ItemType::kAdd:
      return *lhs + *rhs;
    case p::ItemType::kSub:
      return *lhs - *rhs;
    case p::ItemType::kMul:
      return *lhs * *rhs;
    case p::ItemType::kDiv:
      return *lhs / *rhs;
    case p::ItemType::kMod:
      return std::fmod(*lhs, *rhs);
    case p::ItemType::kPow:
      return std::pow(*lhs, *rhs);
    case p::ItemType::kMaxOf:
      return std::max(*lhs, *rhs);
    case p::ItemType::kMinOf:
      return std::min(*lhs, *rhs);
    default:
      return std::nullopt;
  }
}

std::optional<int64_t> DurationMs(int64_t ns, const p::DurationExpr* expr, const ExplainCtx& c) {
  if (expr == nullptr) return ns / 1000000;
  auto s = DurationSeconds(expr, c);
  if (!s || !std::isfinite(*s)) return std::nullopt;
  return static_cast<int64_t>(*s * 1000);
}

// Applies @ and offset to the evaluation window [start, end].
bool ApplyModifiers(const p::Modifiers& m, const ExplainCtx& c, int64_t& start, int64_t& end) {
  if (m.timestamp_ms) {
    start = end = *m.timestamp_ms;
  } else if (m.start_or_end == p::ItemType::kStart) {
    start = end = c.query_start;
  } else if (m.start_or_end == p::ItemType::kEnd) {
    start = end = c.query_start == c.query_end ? c.query_start : c.query_end;
  }
  auto off = DurationMs(m.original_offset_ns, m.original_offset_expr.get(), c);
  if (!off) return false;
  start -= *off;
  end -= *off;
  return true;
}

void CollectSelectors(const p::Expr* e, int64_t start, int64_t end, const ExplainCtx& c,
                      std::vector<SelectorUse>& out) {
  if (e == nullptr) return;
  switch (e->kind()) {
    case p::ExprKind::kVectorSelector: {
      const auto* vs = static_cast<const p::VectorSelector*>(e);
      SelectorUse u{vs->String(), &vs->matchers};
      u.known = ApplyModifiers(vs->mods, c, start, end);
      u.mint = start - c.lookback + 1;
      u.maxt = end;
      out.push_back(std::move(u));
      return;
    }
    case p::ExprKind::kMatrixSelector: {
      const auto* ms = static_cast<const p::MatrixSelector*>(e);
      const auto* vs = static_cast<const p::VectorSelector*>(ms->vector_selector.get());
      SelectorUse u{ms->String(), &vs->matchers};
      u.known = ApplyModifiers(vs->mods, c, start, end);
      auto range = DurationMs(ms->range_ns, ms->range_expr.get(), c);
      if (!range) u.known = false;
      u.mint = start - range.value_or(0) + 1;
      u.maxt = end;
      out.push_back(std::move(u));
      return;
    }
    case p::ExprKind::kSubquery: {
      const auto* sq = static_cast<const p::SubqueryExpr*>(e);
      bool known = ApplyModifiers(sq->mods, c, start, end);
      auto range = DurationMs(sq->range_ns, sq->range_expr.get(), c);
      const size_t first = out.size();
      CollectSelectors(sq->expr.get(), start - range.value_or(0), end, c, out);
      if (!known || !range) {
        for (size_t i = first; i < out.size(); ++i) out[i].known = false;
      }
      return;
    }
    case p::ExprKind::kAggregate: {
      const auto* a = static_cast<const p::AggregateExpr*>(e);
      CollectSelectors(a->param.get(), start, end, c, out);
      CollectSelectors(a->expr.get(), start, end, c, out);
      return;
    }
    case p::ExprKind::kBinary: {
      const auto* b = static_cast<const p::BinaryExpr*>(e);
      CollectSelectors(b->lhs.get(), start, end, c, out);
      CollectSelectors(b->rhs.get(), start, end, c, out);
      return;
    }
    case p::ExprKind::kCall:
      for (const p::ExprPtr& arg : static_cast<const p::Call*>(e)->args) {
        CollectSelectors(arg.get(), start, end, c, out);
      }
      return;
    case p::ExprKind::kParen:
      CollectSelectors(static_cast<const p::ParenExpr*>(e)->expr.get(), start, end, c, out);
      return;
    case p::ExprKind::kUnary:
      CollectSelectors(static_cast<const p::UnaryExpr*>(e)->expr.get(), start, end, c, out);
      return;
    case p::ExprKind::kNumberLiteral:
    case p::ExprKind::kStringLiteral:
    case p::ExprKind::kDuration:
      return;
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------

std::string_view FormatName(Format f) {
  switch (f) {
    case Format::kAuto:
      return "auto";
    case Format::kTable:
      return "table";
    case Format::kJson:
      return "json";
    case Format::kGraph:
      return "graph";
    case Format::kCsv:
      return "csv";
  }
  return "auto";
}

util::Result<Format> ParseFormat(std::string_view s) {
  for (Format f : {Format::kAuto, Format::kTable, Format::kJson, Format::kGraph, Format::kCsv}) {
    if (FormatName(f) == s) return f;
  }
  return util::Status::InvalidArgument(
      fmt::format("unknown format {} (want table, json, graph, csv or auto)", util::GoQuote(s)));
}

bool InlineRunner::Run(std::function<void(const std::atomic<bool>& cancel)> work) {
  const std::atomic<bool> never{false};
  work(never);
  return true;
}

// ---------------------------------------------------------------------------------------------

Session::Session(std::shared_ptr<Backend> backend, SessionOptions opts, Terminal term,
                 Runner* runner)
    : backend_(std::move(backend)),
      opts_(std::move(opts)),
      term_(std::move(term)),
      runner_(runner) {
  at_.text = "latest";
}

Session::~Session() = default;

std::string Session::Banner() const { return backend_->Banner(); }

void Session::PrintError(std::string_view msg) {
  std::string text(msg);
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (term_.color_err) {
    fmt::print(term_.err, "{}{}{}\n", kRed, text, kReset);
  } else {
    fmt::print(term_.err, "{}\n", text);
  }
  std::fflush(term_.err);
}

void Session::PrintNote(std::string_view msg) {
  if (term_.color_err) {
    fmt::print(term_.err, "{}{}{}\n", kDim, msg, kReset);
  } else {
    fmt::print(term_.err, "{}\n", msg);
  }
  std::fflush(term_.err);
}

void Session::PrintStrings(const std::vector<std::string>& values) {
  if (opts_.format == Format::kJson) {  // the API's body for a list of strings
    promql::ApiResponse api;
    api.kind = promql::ApiDataKind::kStrings;
    api.strings = values;
    std::fputs((promql::EncodeApiResponse(api) + "\n").c_str(), term_.out);
    std::fflush(term_.out);
    return;
  }
  std::string out;
  for (const std::string& v : values) {
    out += v;
    out += '\n';
  }
  std::fputs(out.c_str(), term_.out);
  std::fflush(term_.out);
}

int64_t Session::Latest() {
  if (latest_) return *latest_;
  std::vector<std::string> warnings;
  std::optional<int64_t> newest = backend_->Newest(warnings);
  for (const std::string& w : warnings) PrintError("warning: " + w);
  if (!newest) {
    newest = NowMs();
    PrintError(fmt::format("warning: {} holds no samples; \"latest\" is the current time",
                           backend_->Name()));
  }
  latest_ = newest;
  return *newest;
}

util::Result<Session::Window> Session::CurrentWindow() {
  const TimeAnchors anchors{NowMs(), Latest()};
  Window w;
  if (!start_) {
    w.start = w.end = at_.Resolve(anchors);
    return w;
  }
  w.range = true;
  w.start = start_->Resolve(anchors);
  w.end = end_->Resolve(anchors);
  if (w.end < w.start) {
    return util::Status::InvalidArgument(fmt::format("range end {} is before its start {}",
                                                     util::FormatRfc3339Nano(w.end),
                                                     util::FormatRfc3339Nano(w.start)));
  }
  if (step_) {
    w.step = *step_;
  } else {
    // About one point per braille dot column of the graph, in whole seconds.
    const int64_t dots = std::max(20, 2 * (GraphWidth() - 10));
    w.step = std::max<int64_t>(1000, (w.end - w.start) / dots / 1000 * 1000);
  }
  return w;
}

int Session::GraphWidth() const { return std::max(20, term_.size().first); }

std::string Session::Describe(const Window& w) const {
  if (!w.range) return "at " + util::FormatRfc3339Nano(w.start);
  return fmt::format("from {} to {}, step {}", util::FormatRfc3339Nano(w.start),
                     util::FormatRfc3339Nano(w.end), util::FormatDuration(w.step));
}

p::ExprPtr Session::ParseOrReport(std::string_view text) {
  p::ParseErrors errs;
  util::Result<p::ExprPtr> expr = p::ParseExpr(text, opts_.engine.parser, &errs);
  if (expr.ok()) return std::move(*expr);
  if (opts_.format == Format::kJson) {
    std::fputs(RenderJsonError("bad_data", fmt::format("invalid parameter \"query\": {}",
                                                       expr.status().message()))
                   .c_str(),
               term_.out);
    std::fflush(term_.out);
    return nullptr;
  }
  if (errs.errors.empty()) {
    PrintError(expr.status().message());
    return nullptr;
  }
  const p::ParseErr& e = errs.errors.front();
  const size_t start = static_cast<size_t>(std::max(0, e.range.start));
  const size_t len =
      e.range.end > e.range.start ? static_cast<size_t>(e.range.end - e.range.start) : 1;
  PrintError(util::RenderSourceError("", text, start, len, "parse error: " + e.msg));
  return nullptr;
}

Session::Outcome Session::Execute(std::string_view statement) {
  std::string_view s = util::TrimSpace(statement);
  if (s.empty()) return Outcome::kOk;
  if (s[0] != '.') return Query(s);
  auto [cmd, args] = SplitWord(s);
  if (cmd == ".quit" || cmd == ".exit") return Outcome::kQuit;
  if (cmd == ".help") return Help();
  if (cmd == ".at") return SetAt(args);
  if (cmd == ".range") return SetRange(args);
  if (cmd == ".lookback") return SetLookback(args);
  if (cmd == ".format") return SetFormat(args);
  if (cmd == ".stats") return SetStats(args);
  if (cmd == ".explain") return Explain(args);
  if (cmd == ".series") return Series(args);
  if (cmd == ".labels") return Labels(args);
  if (cmd == ".metrics") return Metrics(args);
  PrintError(fmt::format("unknown command {}; .help lists the commands", cmd));
  return Outcome::kFailed;
}

Session::Outcome Session::Help() {
  std::string out =
      "Statements are PromQL expressions, evaluated at the newest sample of the data by default,\n"
      "or dot-commands. Unbalanced brackets or quotes continue a statement on the next line.\n"
      "Times: RFC 3339, Unix seconds, now, now-DUR, latest, latest-DUR. Durations: 5m, 1h30m.\n\n";
  std::vector<std::vector<std::string>> rows;
  size_t width = 0;
  for (const DotCommand& c : DotCommands()) {
    std::string head = std::string(c.name);
    if (!c.args.empty()) head += " " + std::string(c.args);
    width = std::max(width, head.size());
    rows.push_back({head, std::string(c.help)});
  }
  for (const auto& r : rows) out += fmt::format("  {:<{}}  {}\n", r[0], width, r[1]);
  std::fputs(out.c_str(), term_.out);
  std::fflush(term_.out);
  return Outcome::kOk;
}

Session::Outcome Session::SetAt(std::string_view args) {
  if (args.empty()) {
    const int64_t t = at_.Resolve(TimeAnchors{NowMs(), Latest()});
    fmt::print(term_.out, "instant queries at {} ({}){}\n", at_.text, util::FormatRfc3339Nano(t),
               start_ ? "; range queries are on (.range)" : "");
    std::fflush(term_.out);
    return Outcome::kOk;
  }
  util::Result<TimeSpec> spec = ParseTimeSpec(args);
  if (!spec.ok()) {
    PrintError(spec.status().message());
    return Outcome::kFailed;
  }
  at_ = std::move(*spec);
  start_.reset();
  end_.reset();
  step_.reset();
  if (opts_.verbose) {
    const int64_t t = at_.Resolve(TimeAnchors{NowMs(), Latest()});
    PrintNote(fmt::format("instant queries at {} ({})", at_.text, util::FormatRfc3339Nano(t)));
  }
  return Outcome::kOk;
}

Session::Outcome Session::SetRange(std::string_view args) {
  std::vector<std::string_view> words = Words(args);
  if (words.empty()) {
    if (!start_) {
      fmt::print(term_.out, "range queries are off; instant queries at {} (.at)\n", at_.text);
    } else {
      util::Result<Window> w = CurrentWindow();
      fmt::print(term_.out, "range queries from {} to {}, step {}{}\n", start_->text, end_->text,
                 step_ ? util::FormatDuration(*step_) : "auto",
                 w.ok() ? " (" + Describe(*w) + ")" : "");
    }
    std::fflush(term_.out);
    return Outcome::kOk;
  }
  if (words.size() < 2 || words.size() > 3) {
    PrintError("usage: .range START END [STEP]");
    return Outcome::kFailed;
  }
  util::Result<TimeSpec> start = ParseTimeSpec(words[0]);
  util::Result<TimeSpec> end = ParseTimeSpec(words[1]);
  std::optional<int64_t> step;
  for (const auto* r : {&start, &end}) {
    if (!r->ok()) {
      PrintError(r->status().message());
      return Outcome::kFailed;
    }
  }
  if (words.size() == 3) {
    util::Result<int64_t> s = ParseStep(words[2]);
    if (!s.ok()) {
      PrintError(s.status().message());
      return Outcome::kFailed;
    }
    step = *s;
  }
  const TimeAnchors anchors{NowMs(), Latest()};
  if (end->Resolve(anchors) < start->Resolve(anchors)) {
    PrintError("usage: .range START END [STEP]: END is before START");
    return Outcome::kFailed;
  }
  start_ = std::move(*start);
  end_ = std::move(*end);
  step_ = step;
  if (opts_.verbose) {
    util::Result<Window> w = CurrentWindow();
    if (w.ok()) PrintNote("range queries " + Describe(*w));
  }
  return Outcome::kOk;
}

Session::Outcome Session::SetLookback(std::string_view args) {
  if (args.empty()) {
    fmt::print(term_.out, "lookback delta {}\n",
               util::FormatDuration(opts_.engine.lookback_delta_ms));
    std::fflush(term_.out);
    return Outcome::kOk;
  }
  util::Result<int64_t> d = ParseStep(args);
  if (!d.ok()) {
    PrintError(d.status().message());
    return Outcome::kFailed;
  }
  opts_.engine.lookback_delta_ms = *d;
  opts_.lookback_explicit = true;
  if (opts_.verbose) PrintNote("lookback delta " + util::FormatDuration(*d));
  return Outcome::kOk;
}

Session::Outcome Session::SetFormat(std::string_view args) {
  if (args.empty()) {
    fmt::print(term_.out, "format {}\n", FormatName(opts_.format));
    std::fflush(term_.out);
    return Outcome::kOk;
  }
  util::Result<Format> f = ParseFormat(args);
  if (!f.ok()) {
    PrintError(f.status().message());
    return Outcome::kFailed;
  }
  opts_.format = *f;
  if (opts_.verbose) PrintNote(fmt::format("format {}", FormatName(*f)));
  return Outcome::kOk;
}

Session::Outcome Session::SetStats(std::string_view args) {
  if (args.empty()) {
    fmt::print(term_.out, "stats {}\n", opts_.stats ? "on" : "off");
    std::fflush(term_.out);
    return Outcome::kOk;
  }
  if (args != "on" && args != "off") {
    PrintError("usage: .stats [on|off]");
    return Outcome::kFailed;
  }
  opts_.stats = args == "on";
  return Outcome::kOk;
}

Session::Outcome Session::Query(std::string_view text) {
  p::ExprPtr expr = ParseOrReport(text);
  if (expr == nullptr) return Outcome::kFailed;
  util::Result<Window> win = CurrentWindow();
  if (!win.ok()) {
    PrintError(win.status().message());
    return Outcome::kFailed;
  }
  const Window w = *win;
  auto result = std::make_shared<promql::Result>();
  EvalRequest req;
  req.query = std::string(text);
  req.range = w.range;
  req.start = w.start;
  req.end = w.end;
  req.step = w.step;
  req.engine = opts_.engine;
  req.lookback_explicit = opts_.lookback_explicit;
  const bool done =
      runner_->Run([result, backend = backend_, req](const std::atomic<bool>& cancel) {
        try {
          *result = backend->Evaluate(req, cancel);
        } catch (const std::exception& e) {  // e.g. bad_alloc: fail the query, not the shell
          result->value = promql::Value{};
          result->error_type = promql::ErrorType::kInternal;
          result->error = e.what();
        }
      });
  if (!done) {
    PrintError("query canceled");
    return Outcome::kFailed;
  }
  const promql::Result& r = *result;
  if (opts_.format == Format::kJson) {
    std::fputs(RenderJson(r).c_str(), term_.out);
    std::fflush(term_.out);
    return r.ok() ? Outcome::kOk : Outcome::kFailed;
  }
  if (!r.ok()) {
    PrintError(fmt::format("error ({}): {}", promql::ErrorTypeName(r.error_type), r.error));
    return Outcome::kFailed;
  }
  for (const promql::Annotation& a : r.annotations) {
    const std::string line = fmt::format("{}: {}", a.info ? "info" : "warning", a.text);
    if (term_.color_err) {
      fmt::print(term_.err, "{}{}{}\n", kYellow, line, kReset);
    } else {
      fmt::print(term_.err, "{}\n", line);
    }
  }
  std::fflush(term_.err);

  const auto [cols, rows] = term_.size();
  RenderOptions ro;
  ro.color = term_.color_out;
  ro.width = std::max(20, cols);
  ro.height = std::clamp(rows / 2, 8, 20);
  const bool matrix = r.value.kind == promql::ValueKind::kMatrix;
  std::string out;
  Format f = opts_.format;
  if (f == Format::kAuto) f = w.range ? Format::kGraph : Format::kTable;
  if (f == Format::kGraph && !matrix) f = Format::kTable;
  switch (f) {
    case Format::kCsv:
      out = RenderCsv(r.value);
      break;
    case Format::kGraph:
      if (w.range) {
        out = RenderGraph(r.value.matrix, w.start, w.end, w.step, ro);
      } else {
        // A range selector's points: plot what it returned, points joined whatever their gaps.
        int64_t lo = kMaxTime, hi = kMinTime;
        for (const promql::Series& s : r.value.matrix) {
          for (const promql::FPoint& pt : s.floats) {
            lo = std::min(lo, pt.t);
            hi = std::max(hi, pt.t);
          }
        }
        if (lo > hi) lo = hi = w.start;
        out = RenderGraph(r.value.matrix, lo, hi, 0, ro);
      }
      break;
    default:
      out = RenderTable(r.value, ro);
      break;
  }
  std::fputs(out.c_str(), term_.out);
  std::fflush(term_.out);
  if (opts_.stats) {
    size_t series = 1;
    if (r.value.kind == promql::ValueKind::kVector) series = r.value.vector.size();
    if (matrix) series = r.value.matrix.size();
    PrintNote(fmt::format("{} series, {} samples read, {}, {}", series, r.stats.total_samples,
                          FormatElapsed(r.stats.exec_seconds), Describe(w)));
  }
  return Outcome::kOk;
}

Session::Outcome Session::Explain(std::string_view text) {
  if (util::TrimSpace(text).empty()) {
    PrintError("usage: .explain EXPR");
    return Outcome::kFailed;
  }
  // Errors print with a caret; keep them off the JSON path.
  const Format saved = opts_.format;
  opts_.format = Format::kTable;
  p::ExprPtr expr = ParseOrReport(text);
  opts_.format = saved;
  if (expr == nullptr) return Outcome::kFailed;
  util::Result<Window> win = CurrentWindow();
  if (!win.ok()) {
    PrintError(win.status().message());
    return Outcome::kFailed;
  }
  const Window w = *win;
  ExplainCtx ctx{w.start, w.end, w.step, opts_.engine.lookback_delta_ms};
  auto uses = std::make_shared<std::vector<SelectorUse>>();
  CollectSelectors(expr.get(), w.start, w.end, ctx, *uses);
  // The matchers live in the tree: the work shares its ownership.
  auto tree = std::make_shared<p::ExprPtr>(std::move(expr));
  auto counts = std::make_shared<std::vector<SelectorCount>>(uses->size());
  const bool done =
      runner_->Run([uses, tree, counts, backend = backend_](const std::atomic<bool>& cancel) {
        for (size_t i = 0; i < uses->size(); ++i) {
          const SelectorUse& u = (*uses)[i];
          if (!u.known) continue;
          try {
            (*counts)[i] = backend->Count(*u.matchers, u.mint, u.maxt, cancel);
          } catch (const std::exception& e) {
            (*counts)[i].status = util::Status::Internal(e.what());
          }
        }
      });
  std::string out = (*tree)->Pretty(0) + "\n";
  if (!done) {
    std::fputs(out.c_str(), term_.out);
    std::fflush(term_.out);
    PrintError("query canceled");
    return Outcome::kFailed;
  }
  if (uses->empty()) {
    out += "\n(no selectors: nothing is read)\n";
  } else {
    std::vector<std::vector<std::string>> rows = {{"selector", "series", "samples", "reads"}};
    for (size_t i = 0; i < uses->size(); ++i) {
      const SelectorUse& u = (*uses)[i];
      const SelectorCount& c = (*counts)[i];
      if (!u.known) {
        rows.push_back({u.text, "?", "?", "(a duration expression this cannot evaluate)"});
      } else if (!c.status.ok()) {
        rows.push_back({u.text, "?", "?", std::string(c.status.message())});
      } else {
        rows.push_back(
            {u.text, std::to_string(c.series), std::to_string(c.samples),
             util::FormatRfc3339Nano(u.mint) + " .. " + util::FormatRfc3339Nano(u.maxt)});
      }
    }
    out += '\n';
    std::vector<size_t> width(4, 0);
    for (const auto& r : rows) {
      for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], DisplayWidth(r[i]));
    }
    for (const auto& r : rows) {
      std::string line = fmt::format("{:<{}}  {:>{}}  {:>{}}  {}", r[0], width[0], r[1], width[1],
                                     r[2], width[2], r[3]);
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
  }
  std::fputs(out.c_str(), term_.out);
  std::fflush(term_.out);
  if (opts_.stats) PrintNote("evaluated " + Describe(w));
  return Outcome::kOk;
}

Session::Outcome Session::Series(std::string_view text) {
  text = util::TrimSpace(text);
  if (text.empty()) {
    PrintError("usage: .series SELECTOR");
    return Outcome::kFailed;
  }
  p::ParseErrors errs;
  util::Result<std::vector<model::Matcher>> matchers = p::ParseMetricSelector(text, &errs);
  if (!matchers.ok()) {
    if (errs.errors.empty()) {
      PrintError(matchers.status().message());
    } else {
      const p::ParseErr& e = errs.errors.front();
      const size_t start = static_cast<size_t>(std::max(0, e.range.start));
      const size_t len =
          e.range.end > e.range.start ? static_cast<size_t>(e.range.end - e.range.start) : 1;
      PrintError(util::RenderSourceError("", text, start, len, "parse error: " + e.msg));
    }
    return Outcome::kFailed;
  }
  auto found = std::make_shared<std::vector<model::Labels>>();
  auto status = std::make_shared<util::Status>();
  auto ms = std::make_shared<std::vector<model::Matcher>>(std::move(*matchers));
  const auto t0 = std::chrono::steady_clock::now();
  const std::string selector(text);
  const bool done = runner_->Run(
      [found, status, ms, selector, backend = backend_](const std::atomic<bool>& cancel) {
        try {
          *status = backend->SelectSeries(selector, *ms, *found, cancel);
        } catch (const std::exception& e) {
          *status = util::Status::Internal(e.what());
        }
        if (!status->ok()) found->clear();
      });
  if (!done) {
    PrintError("query canceled");
    return Outcome::kFailed;
  }
  if (!status->ok()) {
    PrintError(fmt::format("error: {}", status->message()));
    return Outcome::kFailed;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const size_t n = found->size();
  if (opts_.format == Format::kJson) {
    promql::ApiResponse api;
    api.kind = promql::ApiDataKind::kSeries;
    api.series = std::move(*found);
    std::fputs((promql::EncodeApiResponse(api) + "\n").c_str(), term_.out);
  } else {
    std::fputs(RenderSeriesList(std::move(*found), term_.color_out).c_str(), term_.out);
  }
  std::fflush(term_.out);
  if (opts_.stats) PrintNote(fmt::format("{} series, {}", n, FormatElapsed(secs)));
  return Outcome::kOk;
}

Session::Outcome Session::Labels(std::string_view args) {
  std::vector<std::string_view> words = Words(args);
  if (words.size() > 1) {
    PrintError("usage: .labels [NAME]");
    return Outcome::kFailed;
  }
  std::vector<std::string> values =
      words.empty() ? backend_->completion().LabelNames({})
                    : backend_->completion().LabelValues(std::string(words[0]), "");
  if (!backend_->completion_error().ok()) {
    PrintError(fmt::format("error: {}", backend_->completion_error().message()));
    return Outcome::kFailed;
  }
  PrintStrings(values);
  return Outcome::kOk;
}

Session::Outcome Session::Metrics(std::string_view args) {
  args = util::TrimSpace(args);
  std::optional<model::Matcher> filter;
  if (!args.empty()) {
    // Unanchored, as a search: the pattern may match anywhere in the name.
    util::Result<model::Matcher> m = model::Matcher::Make(model::MatchType::kRegexMatch, "__name__",
                                                          ".*(?:" + std::string(args) + ").*");
    if (!m.ok()) {
      PrintError(m.status().message());
      return Outcome::kFailed;
    }
    filter = std::move(*m);
  }
  const std::vector<std::string>& names = backend_->completion().MetricNames();
  if (!backend_->completion_error().ok()) {
    PrintError(fmt::format("error: {}", backend_->completion_error().message()));
    return Outcome::kFailed;
  }
  std::vector<std::string> out;
  for (const std::string& n : names) {
    if (!filter || filter->Matches(n)) out.push_back(n);
  }
  PrintStrings(out);
  return Outcome::kOk;
}

StatementCompletion Session::CompleteAt(std::string_view text) {
  CompletionOptions co;
  co.experimental_functions = opts_.engine.parser.experimental_functions;
  return CompleteStatement(text, backend_->completion(), co);
}

}  // namespace promkit::cli::repl

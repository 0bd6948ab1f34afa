// The PromQL evaluator (upstream promql/engine.go). Every node is evaluated over the whole step
// grid of its evaluator at once and yields an EvalMatrix (series with one point per step where
// they have a value); instant queries are one-step range evaluations. Selectors decode each
// series once and walk the step grid with a moving cursor; range-vector functions slide a window
// over one series at a time.

#include "promql/engine.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <deque>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <unordered_set>

#include <fmt/core.h>

#include "model/labels.h"
#include "model/validation.h"
#include "promql/internal/eval.h"
#include "promql/internal/go_atan.h"
#include "relabel/relabel.h"
#include "util/numbers.h"
#include "util/strings.h"
#include "util/timestamp.h"

namespace promkit::promql {

std::string_view ValueKindName(ValueKind k) {
  switch (k) {
    case ValueKind::kScalar:
      return "scalar";
    case ValueKind::kString:
      return "string";
    case ValueKind::kVector:
      return "vector";
    case ValueKind::kMatrix:
      return "matrix";
    case ValueKind::kNone:
      break;
  }
  return "none";
}

std::string_view ErrorTypeName(ErrorType t) {
  switch (t) {
    case ErrorType::kNone:
      return "";
    case ErrorType::kBadData:
      return "bad_data";
    case ErrorType::kExecution:
      return "execution";
    case ErrorType::kTimeout:
      return "timeout";
    case ErrorType::kCanceled:
      return "canceled";
    case ErrorType::kInternal:
      return "internal";
  }
  return "";
}

namespace internal {

void Fail(std::string msg, ErrorType type) { throw EvalError{type, std::move(msg)}; }

std::string PosString(std::string_view query, parser::PositionRange pos) {
  if (query.empty()) return "unknown position";
  if (pos.start < 0 || static_cast<size_t>(pos.start) > query.size()) return "invalid position";
  int line = 1;
  int last_break = -1;
  for (int i = 0; i < pos.start; ++i) {
    if (query[static_cast<size_t>(i)] == '\n') {
      last_break = i;
      line++;
    }
  }
  return fmt::format("{}:{}", line, pos.start - last_break);
}

void Annotations::Add(bool info, std::string msg, parser::PositionRange pos) {
  std::string text = msg + " (" + PosString(query_, pos) + ")";
  for (const auto& [a, order] : items_) {
    if (a.text == text && a.info == info) return;
  }
  items_.push_back({Annotation{info, std::move(text)}, next_order_++});
}

void Annotations::ForcedMonotonicity(parser::PositionRange pos, int64_t ts, double min_bucket,
                                     double max_bucket, double max_diff) {
  if (!mono_) {
    mono_ = Monotonicity{pos, ts, ts, min_bucket, max_bucket, max_diff, 0, next_order_++};
    return;
  }
  Monotonicity& m = *mono_;
  m.min_ts = std::min(m.min_ts, ts);
  m.max_ts = std::max(m.max_ts, ts);
  m.min_bucket = std::min(m.min_bucket, min_bucket);
  m.max_bucket = std::max(m.max_bucket, max_bucket);
  m.max_diff = std::max(m.max_diff, max_diff);
  m.count++;
}

std::vector<Annotation> Annotations::Finish() const {
  std::vector<std::pair<Annotation, size_t>> all = items_;
  if (mono_) {
    const Monotonicity& m = *mono_;
    auto secs = [](int64_t ms) { return util::FormatRfc3339((ms / 1000) * 1000); };
    std::string text = fmt::format(
        "PromQL info: input to histogram_quantile needed to be fixed for monotonicity (see "
        "https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile), "
        "from buckets {} to {}, with a max diff of {}, over {} samples from {} to {} ({})",
        util::FormatFloat(m.min_bucket, 'g', -1), util::FormatFloat(m.max_bucket, 'g', -1),
        util::FormatFloat(m.max_diff, 'g', 2), m.count + 1, secs(m.min_ts), secs(m.max_ts),
        PosString(query_, m.pos));
    all.push_back({Annotation{true, std::move(text)}, m.order});
  }
  std::sort(all.begin(), all.end(),
            [](const auto& a, const auto& b) { return a.second < b.second; });
  std::vector<Annotation> out;
  out.reserve(all.size());
  for (auto& [a, order] : all) out.push_back(std::move(a));
  return out;
}

}  // namespace internal

namespace {

using internal::Annotations;
using internal::EvalError;
using internal::EvalMatrix;
using internal::EvalSeries;
using internal::Fail;
using parser::ExprKind;
using parser::ItemType;

constexpr int64_t kMinInt64 = std::numeric_limits<int64_t>::min();
constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();

bool IsStaleNaN(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits == parser::kStaleNaNBits;
}

const parser::Expr* Unparen(const parser::Expr* e) {
  while (e != nullptr && e->kind() == ExprKind::kParen) {
    e = static_cast<const parser::ParenExpr*>(e)->expr.get();
  }
  return e;
}

// State shared by every evaluator of one query.
struct QueryCtx {
  const EngineOptions* opts = nullptr;
  storage::Querier* querier = nullptr;
  Annotations* annos = nullptr;
  std::string_view query;
  int64_t query_start = 0;  // for @ start() / @ end()
  int64_t query_end = 0;
  int64_t query_step = 0;
  int64_t current_samples = 0;
  int64_t peak_samples = 0;
  int64_t total_samples = 0;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  int64_t checks = 0;

  void CheckDeadline() {
    if ((++checks & 63) != 0) return;
    if (std::chrono::steady_clock::now() > deadline) {
      Fail("query timed out in expression evaluation", ErrorType::kTimeout);
    }
  }
  void AddSamples(int64_t n) {
    current_samples += n;
    total_samples += n;
    if (current_samples > peak_samples) peak_samples = current_samples;
    if (current_samples > opts->max_samples) {
      Fail("query processing would load too many samples into memory in query execution");
    }
  }
};

int64_t DurationMs(int64_t ns) { return ns / 1000000; }

// What histogram points count for against the sample limit (upstream HPoint.size()).
int64_t HistogramSamples(const std::vector<HPoint>& hs) {
  int64_t n = 0;
  for (const HPoint& p : hs) n += (p.h->Size() + 8) / 16;
  return n;
}

// A Go-heap over indices with a "less" (container/heap's up/down).
template <typename Less>
void HeapUp(std::vector<Sample>& h, size_t j, Less less) {
  while (j > 0) {
    size_t i = (j - 1) / 2;
    if (i == j || !less(h[j], h[i])) break;
    std::swap(h[i], h[j]);
    j = i;
  }
}
template <typename Less>
bool HeapDown(std::vector<Sample>& h, size_t i0, size_t n, Less less) {
  size_t i = i0;
  for (;;) {
    size_t j1 = 2 * i + 1;
    if (j1 >= n) break;
    size_t j = j1;
    if (size_t j2 = j1 + 1; j2 < n && less(h[j2], h[j1])) j = j2;
    if (!less(h[j], h[i])) break;
    std::swap(h[i], h[j]);
    i = j;
  }
  return i > i0;
}

bool ByValueLess(const Sample& a, const Sample& b) {
  if (std::isnan(a.f)) return true;
  return a.f < b.f;
}
bool ByReverseValueLess(const Sample& a, const Sample& b) {
  if (std::isnan(a.f)) return true;
  return a.f > b.f;
}

struct Acc;

// Thrown through EvalRangeFunction when a streamed aggregation meets input it does not fold
// (AggregateStreaming then evaluates the collected way, from the start).
struct AbandonStreaming {};

class Evaluator {
 public:
  Evaluator(QueryCtx* ctx, int64_t start, int64_t end, int64_t interval)
      : ctx_(ctx), start_(start), end_(end), interval_(interval) {}

  EvalMatrix Eval(const parser::Expr* e);

  int64_t start() const { return start_; }
  int64_t end() const { return end_; }
  int64_t interval() const { return interval_; }
  size_t NumSteps() const { return static_cast<size_t>((end_ - start_) / interval_) + 1; }

 private:
  // Callback of RangeEval: the argument vectors at one step (with the series index of each
  // sample) produce the output vector.
  struct StepArgs {
    std::vector<Vector> vecs;
    std::vector<std::vector<int>> sigs;    // per argument, the signature ordinal of each sample
    std::vector<std::vector<int>> series;  // per argument, the input series of each sample
  };
  // Evaluates `exprs` and calls fn step by step. Histogram samples reach fn only with hist_ok;
  // otherwise they fail the query ("... not supported yet in <what>").
  template <typename F>
  EvalMatrix RangeEval(const std::vector<const parser::Expr*>& exprs,
                       const parser::VectorMatching* matching, std::string_view what, bool hist_ok,
                       F&& fn);
  EvalMatrix CollectSteps(std::vector<std::pair<int64_t, Vector>>& steps);

  EvalMatrix EvalVectorSelector(const parser::VectorSelector& vs);
  void SelectMixed(const std::vector<FPoint>& pts, const std::vector<HPoint>& hpts,
                   std::optional<int64_t> at, int64_t offset, int64_t lookback,
                   EvalSeries& s) const;
  // Fails with a "not supported" error when `m` holds histogram samples (for the operations
  // that do not handle them yet, so they never give a wrong answer).
  static void RejectHistograms(const EvalMatrix& m, std::string_view what);
  EvalMatrix EvalMatrixSelector(const parser::MatrixSelector& ms);
  EvalMatrix EvalSubquery(const parser::SubqueryExpr& sq);
  EvalMatrix EvalCall(const parser::Call& c);
  // With `sink`, each output series is handed to it as soon as it is complete, in output
  // order, instead of being collected: the returned matrix is then empty, and the series the
  // sink gets is a scratch value reused for the next one. A series the sink's consumer cannot
  // take makes it throw AbandonStreaming.
  EvalMatrix EvalRangeFunction(const parser::Call& c, size_t matrix_arg,
                               const std::function<void(EvalSeries&)>* sink = nullptr);
  EvalMatrix EvalTimestampOfSelector(const parser::Call& c, const parser::VectorSelector& vs);
  EvalMatrix EvalLabelReplace(const parser::Call& c);
  EvalMatrix EvalLabelJoin(const parser::Call& c);
  EvalMatrix EvalAggregate(const parser::AggregateExpr& a);
  EvalMatrix EvalCountValues(const parser::AggregateExpr& a, std::vector<std::string> grouping);
  EvalMatrix AggregateSeriesMajor(const parser::AggregateExpr& a, const EvalMatrix& input,
                                  const std::vector<size_t>& series_group, EvalMatrix result);
  // sum(rate(x[5m])) and the like without holding the range function's output: nullopt when
  // the aggregation or its argument does not qualify (see the definition).
  std::optional<EvalMatrix> AggregateStreaming(const parser::AggregateExpr& a,
                                               const std::vector<std::string>& grouping);
  // The finished series of groups folded by AggregateSeriesMajor or AggregateStreaming: one
  // point per step some input series had a sample at.
  EvalMatrix FinishGroups(ItemType op, std::span<Acc* const> rows, EvalMatrix result);
  EvalMatrix EvalAggregateK(const parser::AggregateExpr& a, const std::vector<double>& params,
                            const EvalMatrix& input, const std::vector<size_t>& groups,
                            size_t num_groups);
  EvalMatrix EvalBinary(const parser::BinaryExpr& b);
  // Result labels of (lhs series, rhs series) pairs, kept across the steps of one operator.
  using MetricCache = std::unordered_map<uint64_t, model::Labels>;
  Vector VectorBinop(const parser::BinaryExpr& b, Vector& lhs, Vector& rhs, std::vector<int>& lsig,
                     std::vector<int>& rsig, std::vector<int>& lser, std::vector<int>& rser,
                     MetricCache& cache);

  // The selector's offset (ms) and @ time, if any.
  int64_t OffsetMs(const parser::Modifiers& m) const;
  std::optional<int64_t> AtMs(const parser::Modifiers& m) const;
  double EvalDuration(const parser::DurationExpr& d) const;
  int64_t DurationExprMs(const parser::DurationExpr& d, bool allow_negative) const;

  // Calls fn(labels, float points, histogram points) for every series `vs` selects, with its
  // samples in [mint, maxt] (staleness markers included).
  template <typename F>
  void ForEachSeries(const parser::VectorSelector& vs, int64_t mint, int64_t maxt, F&& fn);

  // Scalar arguments evaluated over the grid: values[step].
  std::vector<double> ScalarPerStep(const parser::Expr* e);

  EvalMatrix MergeSameLabelsets(EvalMatrix m);

  QueryCtx* ctx_;
  int64_t start_, end_, interval_;
};

double EvalDurationIn(const QueryCtx* ctx, const parser::DurationExpr& d);
int64_t DurationExprMsIn(const QueryCtx* ctx, const parser::DurationExpr& d, bool allow_negative);

double Evaluator::EvalDuration(const parser::DurationExpr& d) const {
  return EvalDurationIn(ctx_, d);
}
int64_t Evaluator::DurationExprMs(const parser::DurationExpr& d, bool allow_negative) const {
  return DurationExprMsIn(ctx_, d, allow_negative);
}

int64_t Evaluator::OffsetMs(const parser::Modifiers& m) const {
  if (m.original_offset_expr) {
    return DurationExprMs(*m.original_offset_expr, true);
  }
  return DurationMs(m.original_offset_ns);
}

std::optional<int64_t> Evaluator::AtMs(const parser::Modifiers& m) const {
  if (m.timestamp_ms) return m.timestamp_ms;
  if (m.start_or_end == ItemType::kStart) return ctx_->query_start;
  if (m.start_or_end == ItemType::kEnd) return ctx_->query_end;
  return std::nullopt;
}

// Duration expressions (promql-duration-expr), in seconds (upstream durations.go).
double EvalDurationIn(const QueryCtx* ctx_, const parser::DurationExpr& d) {
  auto side = [ctx_](const parser::ExprPtr& e) -> double {
    const parser::Expr* x = e.get();
    if (x == nullptr) return 0;
    if (x->kind() == ExprKind::kNumberLiteral) {
      return static_cast<const parser::NumberLiteral*>(x)->val;
    }
    if (x->kind() == ExprKind::kDuration) {
      return EvalDurationIn(ctx_, *static_cast<const parser::DurationExpr*>(x));
    }
    Fail("unexpected duration expression type", ErrorType::kBadData);
  };
  const double lhs = side(d.lhs), rhs = side(d.rhs);
  auto pos_err = [&](std::string_view what) {
    const parser::PositionRange r = d.Range();
    Fail(fmt::format("{}:{}: {}", r.start, r.end, what), ErrorType::kBadData);
  };
  switch (d.op) {
    case ItemType::kStep:
      return ctx_->query_start == ctx_->query_end ? 0
                                                  : static_cast<double>(ctx_->query_step) / 1000;
    case ItemType::kRange:
      return static_cast<double>(ctx_->query_end - ctx_->query_start) / 1000;
    case ItemType::kMinOf:
      return std::isnan(lhs) || std::isnan(rhs) ? std::numeric_limits<double>::quiet_NaN()
                                                : std::min(lhs, rhs);
    case ItemType::kMaxOf:
      return std::isnan(lhs) || std::isnan(rhs) ? std::numeric_limits<double>::quiet_NaN()
                                                : std::max(lhs, rhs);
    case ItemType::kAdd:
      return d.lhs ? lhs + rhs : rhs;
    case ItemType::kSub:
      return d.lhs ? lhs - rhs : -rhs;
    case ItemType::kMul:
      return lhs * rhs;
    case ItemType::kDiv:
      if (rhs == 0) pos_err("division by zero");
      return lhs / rhs;
    case ItemType::kMod:
      if (rhs == 0) pos_err("modulo by zero");
      return std::fmod(lhs, rhs);
    case ItemType::kPow:
      return std::pow(lhs, rhs);
    default:
      break;
  }
  Fail(fmt::format("unexpected duration expression operator \"{}\"", parser::ItemTypeString(d.op)),
       ErrorType::kBadData);
}

// A duration expression as milliseconds, checked as upstream's calculateDuration.
int64_t DurationExprMsIn(const QueryCtx* ctx, const parser::DurationExpr& d, bool allow_negative) {
  const double v = EvalDurationIn(ctx, d);
  const parser::PositionRange r = d.Range();
  if (std::isnan(v) || std::isinf(v)) {
    Fail(fmt::format("{}:{}: duration is NaN or infinite", r.start, r.end), ErrorType::kBadData);
  }
  if (v <= 0 && !allow_negative) {
    Fail(fmt::format("{}:{}: duration must be greater than 0", r.start, r.end),
         ErrorType::kBadData);
  }
  if (v > 9223372036.854775807 || v < -9223372036.854775808) {
    Fail(fmt::format("{}:{}: duration is out of range", r.start, r.end), ErrorType::kBadData);
  }
  return static_cast<int64_t>(v * 1000);
}

template <typename F>
void Evaluator::ForEachSeries(const parser::VectorSelector& vs, int64_t mint, int64_t maxt,
                              F&& fn) {
  storage::SelectHints hints{mint, maxt};
  std::unique_ptr<storage::SeriesSet> set = ctx_->querier->Select(true, &hints, vs.matchers);
  std::vector<FPoint> pts;
  std::vector<HPoint> hpts;
  while (set->Next()) {
    ctx_->CheckDeadline();
    const storage::Series& s = set->At();
    std::unique_ptr<storage::SampleIterator> it = s.Iterator();
    pts.clear();
    hpts.clear();
    storage::ValueType vt = it->Seek(mint);
    while (vt != storage::ValueType::kNone && it->AtT() <= maxt) {
      if (vt != storage::ValueType::kFloat) {
        auto h = std::make_shared<model::FloatHistogram>();
        it->AtFloatHistogram(h.get());
        hpts.push_back(HPoint{it->AtT(), std::move(h)});
        vt = it->Next();
        continue;
      }
      vt = it->AppendFloats(maxt, pts);
    }
    if (util::Status st = it->Err(); !st.ok())
      Fail(std::string(st.message()), ErrorType::kInternal);
    fn(s.Labels(), pts, hpts);
  }
  if (util::Status st = set->Err(); !st.ok()) {
    Fail("expanding series: " + std::string(st.message()), ErrorType::kInternal);
  }
  for (const std::string& w : set->Warnings()) ctx_->annos->Warn(w, vs.Range());
}

EvalMatrix Evaluator::Eval(const parser::Expr* e) {
  ctx_->CheckDeadline();
  if (end_ < start_) return {};
  switch (e->kind()) {
    case ExprKind::kParen:
      return Eval(static_cast<const parser::ParenExpr*>(e)->expr.get());
    case ExprKind::kNumberLiteral: {
      const double v = static_cast<const parser::NumberLiteral*>(e)->val;
      EvalSeries s;
      s.floats.reserve(NumSteps());
      for (int64_t ts = start_; ts <= end_; ts += interval_) s.floats.push_back({ts, v});
      ctx_->AddSamples(static_cast<int64_t>(s.floats.size()));
      EvalMatrix m;
      m.push_back(std::move(s));
      return m;
    }
    case ExprKind::kDuration: {
      const double v = EvalDuration(*static_cast<const parser::DurationExpr*>(e));
      EvalSeries s;
      for (int64_t ts = start_; ts <= end_; ts += interval_) s.floats.push_back({ts, v});
      EvalMatrix m;
      m.push_back(std::move(s));
      return m;
    }
    case ExprKind::kStringLiteral:
      Fail("BUG: string literal evaluated as a vector", ErrorType::kInternal);
    case ExprKind::kVectorSelector:
      return EvalVectorSelector(*static_cast<const parser::VectorSelector*>(e));
    case ExprKind::kMatrixSelector:
      if (start_ != end_)
        Fail("cannot do range evaluation of matrix selector", ErrorType::kBadData);
      return EvalMatrixSelector(*static_cast<const parser::MatrixSelector*>(e));
    case ExprKind::kSubquery:
      return EvalSubquery(*static_cast<const parser::SubqueryExpr*>(e));
    case ExprKind::kUnary: {
      const auto& u = *static_cast<const parser::UnaryExpr*>(e);
      EvalMatrix m = Eval(u.expr.get());
      if (u.op == ItemType::kSub) {
        RejectHistograms(m, "unary minus");
        for (EvalSeries& s : m) {
          s.metric = internal::DropMetadata(s.metric);
          for (FPoint& p : s.floats) p.f = -p.f;
        }
        m = MergeSameLabelsets(std::move(m));
      }
      return m;
    }
    case ExprKind::kBinary:
      return EvalBinary(*static_cast<const parser::BinaryExpr*>(e));
    case ExprKind::kCall:
      return EvalCall(*static_cast<const parser::Call*>(e));
    case ExprKind::kAggregate:
      return EvalAggregate(*static_cast<const parser::AggregateExpr*>(e));
  }
  Fail("BUG: unhandled expression", ErrorType::kInternal);
}

EvalMatrix Evaluator::MergeSameLabelsets(EvalMatrix m) {
  if (m.size() <= 1) return m;
  std::unordered_map<std::string_view, size_t> first;
  bool dup = false;
  for (size_t i = 0; i < m.size(); ++i) {
    if (!first.emplace(m[i].metric.encoded(), i).second) {
      dup = true;
      break;
    }
  }
  if (!dup) return m;
  std::unordered_map<std::string, size_t> index;
  EvalMatrix out;
  for (EvalSeries& s : m) {
    auto [it, inserted] = index.emplace(std::string(s.metric.encoded()), out.size());
    if (inserted) {
      out.push_back(std::move(s));
      continue;
    }
    EvalSeries& base = out[it->second];
    base.floats.insert(base.floats.end(), s.floats.begin(), s.floats.end());
    base.histograms.insert(base.histograms.end(), s.histograms.begin(), s.histograms.end());
  }
  for (EvalSeries& s : out) {
    std::sort(s.floats.begin(), s.floats.end(),
              [](const FPoint& a, const FPoint& b) { return a.t < b.t; });
    for (size_t i = 1; i < s.floats.size(); ++i) {
      if (s.floats[i].t == s.floats[i - 1].t) {
        Fail("vector cannot contain metrics with the same labelset");
      }
    }
    if (s.histograms.empty()) continue;
    std::sort(s.histograms.begin(), s.histograms.end(),
              [](const HPoint& a, const HPoint& b) { return a.t < b.t; });
    std::vector<int64_t> ts;
    for (const FPoint& p : s.floats) ts.push_back(p.t);
    for (const HPoint& p : s.histograms) ts.push_back(p.t);
    std::sort(ts.begin(), ts.end());
    if (std::adjacent_find(ts.begin(), ts.end()) != ts.end()) {
      Fail("vector cannot contain metrics with the same labelset");
    }
  }
  return out;
}

// Instant-vector selection over a series with histogram samples: at each step the latest sample
// (float or histogram) within the lookback, unless it is a staleness marker.
void Evaluator::SelectMixed(const std::vector<FPoint>& pts, const std::vector<HPoint>& hpts,
                            std::optional<int64_t> at, int64_t offset, int64_t lookback,
                            EvalSeries& s) const {
  size_t fi = 0, hi = 0;
  for (int64_t ts = start_; ts <= end_; ts += interval_) {
    const int64_t ref = (at ? *at : ts) - offset;
    while (fi < pts.size() && pts[fi].t <= ref) ++fi;
    while (hi < hpts.size() && hpts[hi].t <= ref) ++hi;
    const FPoint* f = fi > 0 ? &pts[fi - 1] : nullptr;
    const HPoint* h = hi > 0 ? &hpts[hi - 1] : nullptr;
    if (f != nullptr && h != nullptr) {
      if (f->t > h->t) {
        h = nullptr;
      } else {
        f = nullptr;
      }
    }
    if (f != nullptr) {
      if (f->t > ref - lookback && !IsStaleNaN(f->f)) s.floats.push_back({ts, f->f});
    } else if (h != nullptr) {
      if (h->t > ref - lookback && !IsStaleNaN(h->h->sum)) s.histograms.push_back({ts, h->h});
    }
  }
}

EvalMatrix Evaluator::EvalVectorSelector(const parser::VectorSelector& vs) {
  const int64_t offset = OffsetMs(vs.mods);
  const std::optional<int64_t> at = AtMs(vs.mods);
  const int64_t lookback = ctx_->opts->lookback_delta_ms;
  const int64_t first_ref = (at ? *at : start_) - offset;
  const int64_t last_ref = (at ? *at : end_) - offset;
  EvalMatrix out;
  ForEachSeries(
      vs, first_ref - lookback + 1, last_ref,
      [&](const model::Labels& labels, const std::vector<FPoint>& pts,
          const std::vector<HPoint>& hpts) {
        EvalSeries s;
        if (!hpts.empty()) {
          SelectMixed(pts, hpts, at, offset, lookback, s);
        } else {
          size_t idx = 0;  // number of points with t <= ref
          for (int64_t ts = start_; ts <= end_; ts += interval_) {
            const int64_t ref = (at ? *at : ts) - offset;
            while (idx < pts.size() && pts[idx].t <= ref) ++idx;
            if (idx == 0) continue;
            const FPoint& p = pts[idx - 1];
            if (p.t <= ref - lookback || IsStaleNaN(p.f)) continue;
            s.floats.push_back({ts, p.f});
          }
        }
        if (!s.floats.empty() || !s.histograms.empty()) {
          ctx_->AddSamples(static_cast<int64_t>(s.floats.size()) + HistogramSamples(s.histograms));
          s.metric = labels;
          out.push_back(std::move(s));
        }
      });
  return out;
}

EvalMatrix Evaluator::EvalMatrixSelector(const parser::MatrixSelector& ms) {
  const auto& vs = *static_cast<const parser::VectorSelector*>(ms.vector_selector.get());
  const int64_t range =
      ms.range_expr ? DurationExprMs(*ms.range_expr, false) : DurationMs(ms.range_ns);
  const std::optional<int64_t> at = AtMs(vs.mods);
  const int64_t maxt = (at ? *at : start_) - OffsetMs(vs.mods);
  const int64_t mint = maxt - range;
  EvalMatrix out;
  ForEachSeries(
      vs, mint + 1, maxt,
      [&](const model::Labels& labels, const std::vector<FPoint>& pts,
          const std::vector<HPoint>& hpts) {
        EvalSeries s;
        for (const FPoint& p : pts) {
          if (p.t > mint && !IsStaleNaN(p.f)) s.floats.push_back(p);
        }
        for (const HPoint& p : hpts) {
          if (p.t > mint && !IsStaleNaN(p.h->sum)) s.histograms.push_back(p);
        }
        if (!s.floats.empty() || !s.histograms.empty()) {
          ctx_->AddSamples(static_cast<int64_t>(s.floats.size()) + HistogramSamples(s.histograms));
          s.metric = labels;
          out.push_back(std::move(s));
        }
      });
  return out;
}

// The child evaluator of a subquery (upstream subqueryTimeRange), with its @ applied.
Evaluator SubqueryEvaluator(QueryCtx* ctx, const Evaluator& parent, int64_t offset,
                            std::optional<int64_t> at, int64_t range, int64_t step) {
  int64_t parent_start = parent.start();
  int64_t parent_end =
      parent.start() + ((parent.end() - parent.start()) / parent.interval()) * parent.interval();
  if (at) parent_start = parent_end = *at;
  const int64_t end = parent_end - offset;
  int64_t start = step * ((parent_start - offset - range) / step);
  if (start <= parent_start - offset - range) start += step;
  return Evaluator(ctx, start, end, step);
}

// The subquery's step in ms; -1 when it is a duration expression the caller must evaluate.
int64_t SubqueryStep(const QueryCtx& ctx, const parser::SubqueryExpr& sq) {
  if (sq.step_expr) return -1;
  if (sq.step_ns != 0) return DurationMs(sq.step_ns);
  return ctx.opts->no_step_subquery_interval_ms;
}

EvalMatrix Evaluator::EvalSubquery(const parser::SubqueryExpr& sq) {
  int64_t step = SubqueryStep(*ctx_, sq);
  if (step < 0) step = DurationExprMs(*sq.step_expr, false);
  const int64_t range =
      sq.range_expr ? DurationExprMs(*sq.range_expr, false) : DurationMs(sq.range_ns);
  if (step <= 0) Fail("zero or negative subquery step", ErrorType::kBadData);
  Evaluator child = SubqueryEvaluator(ctx_, *this, OffsetMs(sq.mods), AtMs(sq.mods), range, step);
  return child.Eval(sq.expr.get());
}

std::vector<double> Evaluator::ScalarPerStep(const parser::Expr* e) {
  std::vector<double> out(NumSteps(), 0.0);
  EvalMatrix m = Eval(e);
  if (m.empty()) return out;
  for (const FPoint& p : m[0].floats) {
    out[static_cast<size_t>((p.t - start_) / interval_)] = p.f;
  }
  return out;
}

void Evaluator::RejectHistograms(const EvalMatrix& m, std::string_view what) {
  for (const EvalSeries& s : m) {
    if (!s.histograms.empty()) {
      Fail(fmt::format("native histogram samples are not supported yet in {}", what));
    }
  }
}

template <typename F>
EvalMatrix Evaluator::RangeEval(const std::vector<const parser::Expr*>& exprs,
                                const parser::VectorMatching* matching, std::string_view what,
                                bool hist_ok, F&& fn) {
  std::vector<EvalMatrix> mats(exprs.size());
  for (size_t i = 0; i < exprs.size(); ++i) {
    if (exprs[i] == nullptr || exprs[i]->Type() == parser::ValueType::kString) continue;
    mats[i] = Eval(exprs[i]);
    if (!hist_ok) RejectHistograms(mats[i], what);
  }
  // Join signatures, as ordinals shared by all arguments.
  std::vector<std::vector<int>> series_sig(exprs.size());
  if (matching != nullptr) {
    std::unordered_map<std::string, int> ordinals;
    for (size_t i = 0; i < exprs.size(); ++i) {
      series_sig[i].reserve(mats[i].size());
      for (const EvalSeries& s : mats[i]) {
        model::Labels sig = s.metric.MatchLabels(matching->on, matching->matching_labels);
        auto [it, inserted] =
            ordinals.emplace(std::string(sig.encoded()), static_cast<int>(ordinals.size()));
        series_sig[i].push_back(it->second);
      }
    }
  }
  std::vector<std::vector<size_t>> cursors(exprs.size()), hcursors(exprs.size());
  for (size_t i = 0; i < exprs.size(); ++i) {
    cursors[i].assign(mats[i].size(), 0);
    if (hist_ok) hcursors[i].assign(mats[i].size(), 0);
  }

  StepArgs args;
  args.vecs.resize(exprs.size());
  args.sigs.resize(exprs.size());
  args.series.resize(exprs.size());
  std::vector<std::pair<int64_t, Vector>> steps;
  const bool instant = start_ == end_;
  for (int64_t ts = start_; ts <= end_; ts += interval_) {
    ctx_->CheckDeadline();
    for (size_t i = 0; i < exprs.size(); ++i) {
      Vector& v = args.vecs[i];
      v.clear();
      args.sigs[i].clear();
      args.series[i].clear();
      for (size_t si = 0; si < mats[i].size(); ++si) {
        const EvalSeries& s = mats[i][si];
        size_t& c = cursors[i][si];
        if (c < s.floats.size() && s.floats[c].t == ts) {
          v.push_back(Sample{s.metric, ts, s.floats[c].f});
          if (matching != nullptr) {
            args.sigs[i].push_back(series_sig[i][si]);
            args.series[i].push_back(static_cast<int>(si));
          }
          ++c;
        } else if (!s.histograms.empty()) {
          // Histogram points are only read by callers that asked for them (hist_ok).
          size_t& hc = hcursors[i][si];
          if (hc < s.histograms.size() && s.histograms[hc].t == ts) {
            v.push_back(Sample{s.metric, ts, 0, s.histograms[hc].h});
            if (matching != nullptr) {
              args.sigs[i].push_back(series_sig[i][si]);
              args.series[i].push_back(static_cast<int>(si));
            }
            ++hc;
          }
        }
      }
    }
    Vector out;
    fn(args, ts, out);
    if (instant) {
      std::unordered_map<std::string_view, int> seen;
      for (const Sample& s : out) {
        if (!seen.emplace(s.metric.encoded(), 0).second) {
          Fail("vector cannot contain metrics with the same labelset");
        }
      }
    }
    steps.emplace_back(ts, std::move(out));
  }
  return CollectSteps(steps);
}

// A string-keyed hash map that can be probed with a string_view (no allocation per lookup).
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using StringIndex = std::unordered_map<std::string, size_t, StringHash, std::equal_to<>>;

EvalMatrix Evaluator::CollectSteps(std::vector<std::pair<int64_t, Vector>>& steps) {
  EvalMatrix result;
  StringIndex index;
  for (auto& [ts, vec] : steps) {
    for (Sample& s : vec) {
      auto it = index.find(s.metric.encoded());
      bool inserted = false;
      if (it == index.end()) {
        it = index.emplace(std::string(s.metric.encoded()), result.size()).first;
        inserted = true;
      }
      if (inserted) {
        EvalSeries es;
        es.metric = std::move(s.metric);
        result.push_back(std::move(es));
      }
      EvalSeries& es = result[it->second];
      if ((!es.floats.empty() && es.floats.back().t == ts) ||
          (!es.histograms.empty() && es.histograms.back().t == ts)) {
        Fail("vector cannot contain metrics with the same labelset");
      }
      if (s.h != nullptr) {
        es.histograms.push_back({ts, std::move(s.h)});
      } else {
        es.floats.push_back({ts, s.f});
      }
    }
  }
  return result;
}

// ---- Functions ----

EvalMatrix Evaluator::EvalCall(const parser::Call& c) {
  const std::string_view name = c.func->name;
  if (name == "timestamp") {
    const parser::Expr* arg = Unparen(c.args[0].get());
    if (arg->kind() == ExprKind::kVectorSelector) {
      return EvalTimestampOfSelector(c, *static_cast<const parser::VectorSelector*>(arg));
    }
  }
  if (name == "start" || name == "end" || name == "range" || name == "step") {
    double v = 0;
    if (name == "start") v = static_cast<double>(ctx_->query_start) / 1000;
    if (name == "end") v = static_cast<double>(ctx_->query_end) / 1000;
    if (name == "range") v = static_cast<double>(ctx_->query_end - ctx_->query_start) / 1000;
    if (name == "step" && ctx_->query_start != ctx_->query_end) {
      v = static_cast<double>(ctx_->query_step) / 1000;
    }
    EvalSeries s;
    for (int64_t ts = start_; ts <= end_; ts += interval_) s.floats.push_back({ts, v});
    EvalMatrix m;
    m.push_back(std::move(s));
    return m;
  }
  for (size_t i = 0; i < c.args.size(); ++i) {
    const parser::Expr* a = Unparen(c.args[i].get());
    if (a->kind() == ExprKind::kMatrixSelector || a->kind() == ExprKind::kSubquery) {
      return EvalRangeFunction(c, i);
    }
  }
  if (name == "label_replace") return EvalLabelReplace(c);
  if (name == "label_join") return EvalLabelJoin(c);
  internal::InstantFunc fn = internal::FindInstantFunc(name);
  if (fn == nullptr) Fail(fmt::format("function {} is not supported", name), ErrorType::kBadData);
  std::vector<const parser::Expr*> exprs;
  for (const parser::ExprPtr& a : c.args) exprs.push_back(a.get());
  internal::InstantCall ic{&c, 0, start_ != end_, ctx_->annos};
  const std::string what = fmt::format("{}()", name);
  return RangeEval(exprs, nullptr, what, internal::InstantFuncTakesHistograms(name),
                   [&](StepArgs& args, int64_t ts, Vector& out) {
                     ic.ts = ts;
                     fn(args.vecs, ic, out);
                   });
}

EvalMatrix Evaluator::EvalTimestampOfSelector(const parser::Call& c,
                                              const parser::VectorSelector& vs) {
  (void)c;
  const int64_t offset = OffsetMs(vs.mods);
  const std::optional<int64_t> at = AtMs(vs.mods);
  const int64_t lookback = ctx_->opts->lookback_delta_ms;
  const int64_t first_ref = (at ? *at : start_) - offset;
  const int64_t last_ref = (at ? *at : end_) - offset;
  std::vector<std::pair<int64_t, Vector>> steps;
  for (int64_t ts = start_; ts <= end_; ts += interval_) steps.emplace_back(ts, Vector{});
  ForEachSeries(
      vs, first_ref - lookback + 1, last_ref,
      [&](const model::Labels& labels, const std::vector<FPoint>& pts,
          const std::vector<HPoint>& hpts) {
        size_t idx = 0, hidx = 0;
        size_t step = 0;
        const model::Labels out_labels = internal::DropMetadata(labels);
        for (int64_t ts = start_; ts <= end_; ts += interval_, ++step) {
          const int64_t ref = (at ? *at : ts) - offset;
          while (idx < pts.size() && pts[idx].t <= ref) ++idx;
          while (hidx < hpts.size() && hpts[hidx].t <= ref) ++hidx;
          const FPoint* f = idx > 0 ? &pts[idx - 1] : nullptr;
          const HPoint* h = hidx > 0 ? &hpts[hidx - 1] : nullptr;
          int64_t t = 0;
          if (f != nullptr && (h == nullptr || f->t > h->t)) {
            if (IsStaleNaN(f->f)) continue;
            t = f->t;
          } else if (h != nullptr) {
            if (IsStaleNaN(h->h->sum)) continue;
            t = h->t;
          } else {
            continue;
          }
          if (t <= ref - lookback) continue;
          steps[step].second.push_back(Sample{out_labels, ts, static_cast<double>(t) / 1000});
        }
      });
  if (start_ == end_) {
    std::unordered_map<std::string_view, int> seen;
    for (const Sample& s : steps[0].second) {
      if (!seen.emplace(s.metric.encoded(), 0).second) {
        Fail("vector cannot contain metrics with the same labelset");
      }
    }
  }
  return CollectSteps(steps);
}

EvalMatrix Evaluator::EvalRangeFunction(const parser::Call& c, size_t matrix_arg,
                                        const std::function<void(EvalSeries&)>* sink) {
  const std::string_view name = c.func->name;
  internal::RangeFunc fn = internal::FindRangeFunc(name);
  if (fn == nullptr) Fail(fmt::format("function {} is not supported", name), ErrorType::kBadData);
  const size_t steps = NumSteps();
  // Scalar arguments, per step.
  std::vector<std::vector<double>> scalar_vals;
  for (size_t i = 0; i < c.args.size(); ++i) {
    if (i == matrix_arg) continue;
    scalar_vals.push_back(ScalarPerStep(c.args[i].get()));
  }
  const parser::Expr* arg = Unparen(c.args[matrix_arg].get());
  int64_t range = 0, offset = 0;
  std::optional<int64_t> at;
  const parser::VectorSelector* vs = nullptr;
  const parser::SubqueryExpr* sq = nullptr;
  if (arg->kind() == ExprKind::kMatrixSelector) {
    const auto& ms = *static_cast<const parser::MatrixSelector*>(arg);
    vs = static_cast<const parser::VectorSelector*>(ms.vector_selector.get());
    if (vs->anchored || vs->smoothed) {
      Fail("the anchored and smoothed modifiers are not supported yet", ErrorType::kBadData);
    }
    range = ms.range_expr ? DurationExprMs(*ms.range_expr, false) : DurationMs(ms.range_ns);
    offset = OffsetMs(vs->mods);
    at = AtMs(vs->mods);
  } else {
    sq = static_cast<const parser::SubqueryExpr*>(arg);
    range = sq->range_expr ? DurationExprMs(*sq->range_expr, false) : DurationMs(sq->range_ns);
    offset = OffsetMs(sq->mods);
    at = AtMs(sq->mods);
  }
  const bool drop_name = name != "last_over_time" && name != "first_over_time";
  const bool counter_check = name == "rate" || name == "increase";
  // max_over_time and min_over_time keep a monotonic queue of the window's candidates instead of
  // rescanning each window: O(points) per series rather than O(points x window). The result is
  // the same: the first of the largest (smallest) non-NaN values, NaN when there are none.
  const int sliding = name == "max_over_time" ? 1 : name == "min_over_time" ? -1 : 0;
  std::deque<size_t> candidates;
  std::vector<double> scalars(scalar_vals.size());
  internal::RangeCall rc;
  rc.call = &c;
  rc.range_ms = range;
  rc.annos = ctx_->annos;

  EvalMatrix out;
  // For rate() and increase(): resets[i] counts the counter resets among the first i points,
  // so a window without any skips the reset scan.
  std::vector<uint32_t> resets;
  EvalSeries scratch;
  std::unordered_set<std::string> sunk;  // labels of the series given to `sink`
  auto process = [&](const model::Labels& labels, std::span<const FPoint> pts) {
    EvalSeries local;
    EvalSeries& s = sink != nullptr ? scratch : local;
    s.floats.clear();
    s.floats.reserve(steps);
    if (counter_check) {
      resets.assign(pts.size() + 1, 0);
      for (size_t i = 1; i < pts.size(); ++i) {
        resets[i + 1] = resets[i] + (pts[i].f < pts[i - 1].f ? 1 : 0);
      }
    }
    rc.metric = &labels;
    size_t lo = 0, hi = 0, queued = 0;
    candidates.clear();
    size_t step = 0;
    for (int64_t ts = start_; ts <= end_; ts += interval_, ++step) {
      const int64_t ref = (at ? *at : ts) - offset;
      const int64_t mint = ref - range;
      while (hi < pts.size() && pts[hi].t <= ref) ++hi;
      while (lo < hi && pts[lo].t <= mint) ++lo;
      if (lo > hi) lo = hi;
      if (hi == lo) continue;
      if (sliding != 0) {
        for (; queued < hi; ++queued) {
          const double f = pts[queued].f;
          if (std::isnan(f)) continue;
          while (!candidates.empty() &&
                 (sliding > 0 ? pts[candidates.back()].f < f : pts[candidates.back()].f > f)) {
            candidates.pop_back();
          }
          candidates.push_back(queued);
        }
        while (!candidates.empty() && candidates.front() < lo) candidates.pop_front();
        s.floats.push_back({ts, candidates.empty() ? std::numeric_limits<double>::quiet_NaN()
                                                   : pts[candidates.front()].f});
        continue;
      }
      for (size_t k = 0; k < scalar_vals.size(); ++k) scalars[k] = scalar_vals[k][step];
      rc.ts = ts;
      rc.window_has_resets = resets.empty() || resets[hi] - resets[lo + 1] > 0;
      rc.range_start = mint;
      rc.range_end = ref;
      rc.scalars = scalars;
      std::optional<double> v = fn(pts.subspan(lo, hi - lo), rc);
      if (v) s.floats.push_back({ts, *v});
    }
    if (s.floats.empty()) return;
    ctx_->AddSamples(static_cast<int64_t>(s.floats.size()));
    s.metric = drop_name ? internal::DropMetadata(labels) : labels;
    if (counter_check) {
      const std::string_view metric = labels.MetricName();
      auto ends = [&](std::string_view suf) {
        return metric.size() >= suf.size() && metric.substr(metric.size() - suf.size()) == suf;
      };
      if (!metric.empty() && !ends("_total") && !ends("_sum") && !ends("_count") &&
          !ends("_bucket")) {
        ctx_->annos->Info(
            "PromQL info: metric might not be a counter, name does not end in "
            "_total/_sum/_count/_bucket: " +
                util::GoQuote(metric),
            c.args[matrix_arg]->Range());
      }
    }
    if (sink == nullptr) {
      out.push_back(std::move(s));
      return;
    }
    if (!sunk.emplace(s.metric.encoded()).second) {
      Fail("vector cannot contain metrics with the same labelset");
    }
    (*sink)(s);
  };

  // A series with histogram samples: only the functions that read no values (or return the
  // last one) handle them so far; the others fail rather than give a wrong answer.
  auto process_hist = [&](const model::Labels& labels, std::span<const FPoint> pts,
                          std::span<const HPoint> hpts) {
    // Streamed aggregations fold floats only: they start over the collected way, which
    // handles (or refuses) histograms.
    if (sink != nullptr) throw AbandonStreaming{};
    const bool count = name == "count_over_time", present = name == "present_over_time",
               last = name == "last_over_time";
    if (!count && !present && !last) {
      Fail(fmt::format("native histogram samples are not supported yet in {}()", name));
    }
    EvalSeries s;
    size_t flo = 0, fhi = 0, hlo = 0, hhi = 0;
    for (int64_t ts = start_; ts <= end_; ts += interval_) {
      const int64_t ref = (at ? *at : ts) - offset;
      const int64_t mint = ref - range;
      while (fhi < pts.size() && pts[fhi].t <= ref) ++fhi;
      while (flo < fhi && pts[flo].t <= mint) ++flo;
      while (hhi < hpts.size() && hpts[hhi].t <= ref) ++hhi;
      while (hlo < hhi && hpts[hlo].t <= mint) ++hlo;
      const size_t n = (fhi - flo) + (hhi - hlo);
      if (n == 0) continue;
      if (count) {
        s.floats.push_back({ts, static_cast<double>(n)});
      } else if (present) {
        s.floats.push_back({ts, 1});
      } else if (hhi > hlo && (fhi == flo || hpts[hhi - 1].t > pts[fhi - 1].t)) {
        s.histograms.push_back({ts, hpts[hhi - 1].h});
      } else {
        s.floats.push_back({ts, pts[fhi - 1].f});
      }
    }
    if (s.floats.empty() && s.histograms.empty()) return;
    ctx_->AddSamples(static_cast<int64_t>(s.floats.size()) + HistogramSamples(s.histograms));
    s.metric = drop_name ? internal::DropMetadata(labels) : labels;
    out.push_back(std::move(s));
  };

  if (vs != nullptr) {
    const int64_t first_ref = (at ? *at : start_) - offset;
    const int64_t last_ref = (at ? *at : end_) - offset;
    std::vector<FPoint> clean;
    std::vector<HPoint> hclean;
    ForEachSeries(*vs, first_ref - range + 1, last_ref,
                  [&](const model::Labels& labels, const std::vector<FPoint>& pts,
                      const std::vector<HPoint>& hpts) {
                    clean.resize(pts.size());
                    auto kept = std::copy_if(pts.begin(), pts.end(), clean.begin(),
                                             [](const FPoint& p) { return !IsStaleNaN(p.f); });
                    clean.resize(static_cast<size_t>(kept - clean.begin()));
                    if (!hpts.empty()) {
                      hclean.clear();
                      for (const HPoint& p : hpts) {
                        if (!IsStaleNaN(p.h->sum)) hclean.push_back(p);
                      }
                      process_hist(labels, clean, hclean);
                      return;
                    }
                    process(labels, clean);
                  });
  } else {
    int64_t step = SubqueryStep(*ctx_, *sq);
    if (step < 0) step = DurationExprMs(*sq->step_expr, false);
    if (step <= 0) Fail("zero or negative subquery step", ErrorType::kBadData);
    Evaluator child = SubqueryEvaluator(ctx_, *this, offset, at, range, step);
    EvalMatrix inner = child.Eval(sq->expr.get());
    for (EvalSeries& s : inner) {
      if (!s.histograms.empty()) {
        process_hist(s.metric, s.floats, s.histograms);
      } else {
        process(s.metric, s.floats);
      }
    }
    int64_t inner_samples = 0;
    for (const EvalSeries& s : inner) {
      inner_samples += static_cast<int64_t>(s.floats.size()) + HistogramSamples(s.histograms);
    }
    ctx_->current_samples -= inner_samples;
  }

  if (name == "absent_over_time") {
    std::vector<bool> found(steps, false);
    size_t found_count = 0;
    for (const EvalSeries& s : out) {
      if (s.floats.size() == steps) return {};
      for (const FPoint& p : s.floats) {
        const size_t i = static_cast<size_t>((p.t - start_) / interval_);
        if (!found[i]) {
          found[i] = true;
          found_count++;
        }
      }
    }
    if (found_count == steps) return {};
    EvalSeries s;
    s.metric = internal::AbsentLabels(c.args[0].get());
    size_t i = 0;
    for (int64_t ts = start_; ts <= end_; ts += interval_, ++i) {
      if (!found[i]) s.floats.push_back({ts, 1});
    }
    EvalMatrix m;
    m.push_back(std::move(s));
    return m;
  }
  std::unordered_map<std::string_view, int> seen;
  for (const EvalSeries& s : out) {
    if (!seen.emplace(s.metric.encoded(), 0).second) {
      Fail("vector cannot contain metrics with the same labelset");
    }
  }
  return out;
}

EvalMatrix Evaluator::EvalLabelReplace(const parser::Call& c) {
  const std::string& dst = internal::StringArg(c, 1);
  const std::string& repl = internal::StringArg(c, 2);
  const std::string& src = internal::StringArg(c, 3);
  const std::string& regex_str = internal::StringArg(c, 4);
  util::Result<relabel::Regexp> re = relabel::Regexp::Compile(regex_str);
  if (!re.ok()) Fail("invalid regular expression in label_replace(): " + regex_str);
  if (!model::IsValidLabelName(dst)) {
    Fail("invalid destination label name in label_replace(): " + dst);
  }
  EvalMatrix m = Eval(c.args[0].get());
  std::string scratch;
  for (EvalSeries& s : m) {
    scratch.clear();
    const std::string src_val(s.metric.Get(src));
    if (re->MatchExpand(src_val, repl, scratch)) {
      model::LabelsBuilder b(s.metric);
      if (scratch.empty()) {
        b.Del(dst);
      } else {
        b.Set(dst, scratch);
      }
      s.metric = b.Build();
    }
  }
  return MergeSameLabelsets(std::move(m));
}

EvalMatrix Evaluator::EvalLabelJoin(const parser::Call& c) {
  const std::string& dst = internal::StringArg(c, 1);
  const std::string& sep = internal::StringArg(c, 2);
  std::vector<std::string> srcs;
  for (size_t i = 3; i < c.args.size(); ++i) {
    const std::string& src = internal::StringArg(c, i);
    if (!model::IsValidLabelName(src)) {
      Fail("invalid source label name in label_join(): " + src);
    }
    srcs.push_back(src);
  }
  if (!model::IsValidLabelName(dst)) {
    Fail("invalid destination label name in label_join(): " + dst);
  }
  EvalMatrix m = Eval(c.args[0].get());
  for (EvalSeries& s : m) {
    std::string joined;
    for (size_t i = 0; i < srcs.size(); ++i) {
      if (i > 0) joined += sep;
      joined += s.metric.Get(srcs[i]);
    }
    model::LabelsBuilder b(s.metric);
    if (joined.empty()) {
      b.Del(dst);
    } else {
      b.Set(dst, joined);
    }
    s.metric = b.Build();
  }
  return MergeSameLabelsets(std::move(m));
}

// ---- Aggregations ----

model::Labels GroupingLabels(const model::Labels& metric, const std::vector<std::string>& grouping,
                             bool without) {
  if (without) {
    model::LabelsBuilder b(metric);
    for (const std::string& g : grouping) b.Del(g);
    b.Del("__name__");
    return b.Build();
  }
  if (grouping.empty()) return {};
  model::LabelsBuilder b(metric);
  b.Keep(grouping);
  return b.Build();
}

EvalMatrix Evaluator::EvalCountValues(const parser::AggregateExpr& a,
                                      std::vector<std::string> grouping) {
  const auto* lit = static_cast<const parser::StringLiteral*>(Unparen(a.param.get()));
  const std::string& label = lit->val;
  if (!model::IsValidLabelName(label)) Fail("invalid label name " + util::GoQuote(label));
  if (!a.without) {
    grouping.push_back(label);
    std::sort(grouping.begin(), grouping.end());
  }
  return RangeEval({a.expr.get()}, nullptr, "count_values()", false,
                   [&](StepArgs& args, int64_t ts, Vector& out) {
                     std::unordered_map<std::string, size_t> index;
                     std::vector<std::pair<model::Labels, int>> groups;
                     for (const Sample& s : args.vecs[0]) {
                       model::LabelsBuilder b(s.metric);
                       b.Set(label, util::FormatFloat(s.f, 'f', -1));
                       model::Labels metric = b.Build();
                       model::Labels g = GroupingLabels(metric, grouping, a.without);
                       auto [it, inserted] = index.emplace(std::string(g.encoded()), groups.size());
                       if (inserted) {
                         groups.emplace_back(std::move(g), 1);
                       } else {
                         groups[it->second].second++;
                       }
                     }
                     for (auto& [l, n] : groups)
                       out.push_back(Sample{std::move(l), ts, static_cast<double>(n)});
                   });
}

// The most accumulators (groups x steps) the series-at-a-time aggregations may allocate; above
// it the step-by-step path is taken.
constexpr size_t kMaxSeriesMajorAccumulators = size_t{1} << 22;

struct Group {
  bool seen = false;
  double value = 0, mean = 0, kahan = 0, count = 0;
  bool incremental_mean = false;
  std::vector<double> values;  // quantile
  std::vector<Sample> heap;    // topk/bottomk/limitk
  bool complete = false;
};

// Upstream's aggregation.accumulate for sum, avg, count, min, max, group, stddev and stdvar:
// FoldFirst starts a group with its first sample, FoldNext adds a later one. `G` is any
// accumulator with value, mean, kahan, count and incremental_mean (Group, Acc).
template <typename G>
void FoldFirst(ItemType op, G& g, double f) {
  g.seen = true;
  g.value = f;
  g.mean = f;
  g.count = 1;
  if (op == ItemType::kStdvar || op == ItemType::kStddev) {
    g.value = (std::isnan(f) || std::isinf(f)) ? std::numeric_limits<double>::quiet_NaN() : 0;
  } else if (op == ItemType::kGroup) {
    g.value = 1;
  }
}

// False for the operators it does not fold (quantile, the k-operators, count_values...).
template <typename G>
bool FoldNext(ItemType op, G& g, double f) {
  switch (op) {
    case ItemType::kSum:
      internal::KahanInc(f, g.value, g.kahan);
      return true;
    case ItemType::kAvg: {
      g.count++;
      if (!g.incremental_mean) {
        double nv = g.value, nc = g.kahan;
        internal::KahanInc(f, nv, nc);
        if (!std::isinf(nv)) {
          g.value = nv;
          g.kahan = nc;
          return true;
        }
        g.incremental_mean = true;
        g.mean = g.value / (g.count - 1);
        g.kahan /= g.count - 1;
      }
      const double q = (g.count - 1) / g.count;
      double m = q * g.mean, kc = q * g.kahan;
      internal::KahanInc(f / g.count, m, kc);
      g.mean = m;
      g.kahan = kc;
      return true;
    }
    case ItemType::kGroup:
      return true;
    case ItemType::kMax:
      if (g.value < f || std::isnan(g.value)) g.value = f;
      return true;
    case ItemType::kMin:
      if (g.value > f || std::isnan(g.value)) g.value = f;
      return true;
    case ItemType::kCount:
      g.count++;
      return true;
    case ItemType::kStdvar:
    case ItemType::kStddev: {
      g.count++;
      const double delta = f - g.mean;
      g.mean += delta / g.count;
      g.value += delta * (f - g.mean);
      return true;
    }
    default:
      return false;
  }
}

EvalMatrix Evaluator::EvalAggregate(const parser::AggregateExpr& a) {
  std::vector<std::string> grouping = a.grouping;
  std::sort(grouping.begin(), grouping.end());
  if (a.op == ItemType::kCountValues) return EvalCountValues(a, std::move(grouping));

  std::vector<double> params;
  bool const_param = false;
  double pmin = std::numeric_limits<double>::max(), pmax = -std::numeric_limits<double>::max();
  bool pnan = false;
  if (a.param) {
    const parser::Expr* p = Unparen(a.param.get());
    const_param = p->kind() == ExprKind::kNumberLiteral;
    EvalMatrix pm = Eval(p);
    params.assign(NumSteps(), 0.0);
    if (!pm.empty()) {
      for (const FPoint& pt : pm[0].floats) {
        params[static_cast<size_t>((pt.t - start_) / interval_)] = pt.f;
        pmax = std::fmax(pmax, pt.f);
        pmin = std::fmin(pmin, pt.f);
        if (std::isnan(pt.f)) pnan = true;
      }
      if (const_param) {
        pmin = pmax = pm[0].floats[0].f;
        pnan = std::isnan(pmin);
      }
      // Go's math.Max/Min propagate NaN.
      if (pnan) pmin = pmax = std::numeric_limits<double>::quiet_NaN();
    }
  }
  if (!a.param) {
    if (std::optional<EvalMatrix> m = AggregateStreaming(a, grouping)) return std::move(*m);
  }
  EvalMatrix input = Eval(a.expr.get());
  RejectHistograms(input, fmt::format("{}()", parser::ItemTypeString(a.op)));

  // Series -> group.
  std::unordered_map<std::string, size_t> group_index;
  std::vector<size_t> series_group(input.size());
  EvalMatrix result;
  const bool k_op =
      a.op == ItemType::kTopk || a.op == ItemType::kBottomk || a.op == ItemType::kLimitk;
  for (size_t si = 0; si < input.size(); ++si) {
    model::Labels g = GroupingLabels(input[si].metric, grouping, a.without);
    auto [it, inserted] = group_index.emplace(std::string(g.encoded()), group_index.size());
    if (inserted && !k_op) {
      EvalSeries s;
      s.metric = std::move(g);
      result.push_back(std::move(s));
    }
    series_group[si] = it->second;
  }
  const size_t num_groups = group_index.size();

  if (a.op == ItemType::kLimitRatio) {
    if (params.empty() || (pmax == 0 && pmin == 0)) return {};
    if (pnan) Fail("Ratio value is NaN");
    const parser::PositionRange pr = a.param->Range();
    if (pmax > 1.0) {
      ctx_->annos->Warn(
          fmt::format(
              "PromQL warning: ratio value should be between -1 and 1, got {}, capping to 1",
              util::FormatFloat(pmax, 'g', -1)),
          pr);
    }
    if (pmin < -1.0) {
      ctx_->annos->Warn(fmt::format("PromQL warning: ratio value should be between -1 and 1, got "
                                    "{}, capping to -1",
                                    util::FormatFloat(pmin, 'g', -1)),
                        pr);
    }
    return EvalAggregateK(a, params, input, series_group, num_groups);
  }
  if (k_op) {
    if (params.empty() || pmax < 1) return {};
    if (pnan) Fail("Parameter value is NaN");
    if (pmin <= -9223372036854775808.0) {
      Fail("Scalar value " + util::FormatFloat(pmin, 'g', -1) + " underflows int64");
    }
    if (pmax >= 9223372036854775808.0) {
      Fail("Scalar value " + util::FormatFloat(pmax, 'g', -1) + " overflows int64");
    }
    return EvalAggregateK(a, params, input, series_group, num_groups);
  }
  if (a.op == ItemType::kQuantile) {
    const parser::PositionRange pr = a.param->Range();
    auto warn = [&](double q) {
      ctx_->annos->Warn("PromQL warning: quantile value should be between 0 and 1, got " +
                            util::FormatFloat(q, 'g', -1),
                        pr);
    };
    if (pnan) warn(std::numeric_limits<double>::quiet_NaN());
    if (pmax > 1) warn(pmax);
    if (pmin < 0) warn(pmin);
  }

  const size_t steps = NumSteps();
  if (a.op != ItemType::kQuantile && num_groups * steps <= kMaxSeriesMajorAccumulators) {
    return AggregateSeriesMajor(a, input, series_group, std::move(result));
  }
  std::vector<Group> groups(num_groups);
  std::vector<size_t> cursors(input.size(), 0);
  size_t step = 0;
  for (int64_t ts = start_; ts <= end_; ts += interval_, ++step) {
    ctx_->CheckDeadline();
    for (Group& g : groups) g.seen = false;
    for (size_t si = 0; si < input.size(); ++si) {
      const EvalSeries& s = input[si];
      size_t& c = cursors[si];
      if (c >= s.floats.size() || s.floats[c].t != ts) continue;
      const double f = s.floats[c++].f;
      Group& g = groups[series_group[si]];
      if (!g.seen) {
        g = Group{};
        FoldFirst(a.op, g, f);
        if (a.op == ItemType::kQuantile) g.values.push_back(f);
        continue;
      }
      if (a.op == ItemType::kQuantile) {
        g.values.push_back(f);
      } else if (!FoldNext(a.op, g, f)) {
        Fail("BUG: unexpected aggregation", ErrorType::kInternal);
      }
    }
    for (size_t gi = 0; gi < num_groups; ++gi) {
      Group& g = groups[gi];
      if (!g.seen) continue;
      double v = g.value;
      switch (a.op) {
        case ItemType::kAvg:
          v = g.incremental_mean ? g.mean + g.kahan : g.value / g.count + g.kahan / g.count;
          break;
        case ItemType::kCount:
          v = g.count;
          break;
        case ItemType::kStdvar:
          v = g.value / g.count;
          break;
        case ItemType::kStddev:
          v = std::sqrt(g.value / g.count);
          break;
        case ItemType::kQuantile:
          v = internal::Quantile(params[step], g.values);
          break;
        case ItemType::kSum:
          v = g.value + g.kahan;
          break;
        default:
          break;
      }
      result[gi].floats.push_back({ts, v});
    }
  }
  EvalMatrix out;
  for (EvalSeries& s : result) {
    if (!s.floats.empty()) out.push_back(std::move(s));
  }
  return out;
}

// The accumulator of one group at one step.
struct Acc {
  double value = 0, mean = 0, kahan = 0, count = 0;
  bool seen = false, incremental_mean = false;
};

// Folds one input series into its group's row of accumulators (one per step).
void FoldSeries(ItemType op, Acc* row, std::span<const FPoint> pts, int64_t start,
                int64_t interval) {
  for (const FPoint& p : pts) {
    Acc& g = row[static_cast<size_t>((p.t - start) / interval)];
    if (!g.seen) {
      FoldFirst(op, g, p.f);
      continue;
    }
    FoldNext(op, g, p.f);
  }
}

// sum, avg, count, min, max, group, stddev and stdvar, one input series at a time: each
// series' points are visited in order and folded into their group's accumulator of that step.
// Series are visited in input order, so each (group, step) sees its samples in the order the
// step-by-step evaluation would, and the floating-point results are identical.
EvalMatrix Evaluator::AggregateSeriesMajor(const parser::AggregateExpr& a, const EvalMatrix& input,
                                           const std::vector<size_t>& series_group,
                                           EvalMatrix result) {
  const size_t steps = NumSteps();
  std::vector<Acc> accs(result.size() * steps);
  for (size_t si = 0; si < input.size(); ++si) {
    ctx_->CheckDeadline();
    FoldSeries(a.op, &accs[series_group[si] * steps], input[si].floats, start_, interval_);
  }
  std::vector<Acc*> rows(result.size());
  for (size_t gi = 0; gi < rows.size(); ++gi) rows[gi] = &accs[gi * steps];
  return FinishGroups(a.op, rows, std::move(result));
}

EvalMatrix Evaluator::FinishGroups(ItemType op, std::span<Acc* const> rows, EvalMatrix result) {
  const size_t steps = NumSteps();
  EvalMatrix out;
  for (size_t gi = 0; gi < result.size(); ++gi) {
    EvalSeries& s = result[gi];
    const Acc* row = rows[gi];
    for (size_t step = 0; step < steps; ++step) {
      const Acc& g = row[step];
      if (!g.seen) continue;
      double v = g.value;
      switch (op) {
        case ItemType::kAvg:
          v = g.incremental_mean ? g.mean + g.kahan : g.value / g.count + g.kahan / g.count;
          break;
        case ItemType::kCount:
          v = g.count;
          break;
        case ItemType::kStdvar:
          v = g.value / g.count;
          break;
        case ItemType::kStddev:
          v = std::sqrt(g.value / g.count);
          break;
        case ItemType::kSum:
          v = g.value + g.kahan;
          break;
        default:
          break;
      }
      s.floats.push_back({start_ + static_cast<int64_t>(step) * interval_, v});
    }
    if (!s.floats.empty()) out.push_back(std::move(s));
  }
  return out;
}

// The common dashboard query sum by (...) (rate(x[5m])) spends much of its time writing and
// re-reading the range function's whole output, one point per series and step. When the
// aggregation folds series by series (no parameter) and its argument is a range function over
// a plain matrix selector, each series the function produces is folded into its group as soon
// as it is complete instead. The series arrive in the order the collected output would list
// them, so every (group, step) folds its samples in the same order and the results are
// identical. The groups are counted first from the selected series' labels (no samples are
// read), and the collected path is kept when their accumulators would take more memory than
// AggregateSeriesMajor allows.
std::optional<EvalMatrix> Evaluator::AggregateStreaming(const parser::AggregateExpr& a,
                                                        const std::vector<std::string>& grouping) {
  switch (a.op) {
    case ItemType::kSum:
    case ItemType::kAvg:
    case ItemType::kCount:
    case ItemType::kMin:
    case ItemType::kMax:
    case ItemType::kGroup:
    case ItemType::kStddev:
    case ItemType::kStdvar:
      break;
    default:
      return std::nullopt;
  }
  const parser::Expr* e = Unparen(a.expr.get());
  if (e->kind() != ExprKind::kCall) return std::nullopt;
  const auto& c = *static_cast<const parser::Call*>(e);
  const std::string_view name = c.func->name;
  if (name == "absent_over_time" || internal::FindRangeFunc(name) == nullptr) return std::nullopt;
  size_t matrix_arg = c.args.size();
  for (size_t i = 0; i < c.args.size(); ++i) {
    if (Unparen(c.args[i].get())->kind() == ExprKind::kMatrixSelector) matrix_arg = i;
  }
  if (matrix_arg == c.args.size()) return std::nullopt;
  const auto& ms = *static_cast<const parser::MatrixSelector*>(Unparen(c.args[matrix_arg].get()));
  const auto& vs = *static_cast<const parser::VectorSelector*>(ms.vector_selector.get());
  const size_t steps = NumSteps();
  {
    const bool drop_name = name != "last_over_time" && name != "first_over_time";
    const int64_t range =
        ms.range_expr ? DurationExprMs(*ms.range_expr, false) : DurationMs(ms.range_ns);
    const int64_t offset = OffsetMs(vs.mods);
    const std::optional<int64_t> at = AtMs(vs.mods);
    storage::SelectHints hints{(at ? *at : start_) - offset - range + 1,
                               (at ? *at : end_) - offset};
    std::unique_ptr<storage::SeriesSet> set = ctx_->querier->Select(false, &hints, vs.matchers);
    std::unordered_set<std::string> groups;
    while (set->Next()) {
      const model::Labels& l = set->At().Labels();
      model::Labels g =
          GroupingLabels(drop_name ? internal::DropMetadata(l) : l, grouping, a.without);
      groups.emplace(g.encoded());
      if (groups.size() * steps > kMaxSeriesMajorAccumulators) return std::nullopt;
    }
    if (!set->Err().ok()) return std::nullopt;  // the collected path reports it
  }
  std::unordered_map<std::string, size_t> group_index;
  EvalMatrix result;
  std::vector<std::unique_ptr<Acc[]>> owned;
  std::vector<Acc*> rows;
  const std::function<void(EvalSeries&)> sink = [&](EvalSeries& s) {
    model::Labels g = GroupingLabels(s.metric, grouping, a.without);
    auto [it, inserted] = group_index.emplace(std::string(g.encoded()), rows.size());
    if (inserted) {
      EvalSeries gs;
      gs.metric = std::move(g);
      result.push_back(std::move(gs));
      owned.push_back(std::make_unique<Acc[]>(steps));
      rows.push_back(owned.back().get());
    }
    FoldSeries(a.op, rows[it->second], s.floats, start_, interval_);
  };
  const int64_t current = ctx_->current_samples, total = ctx_->total_samples,
                peak = ctx_->peak_samples;
  try {
    EvalRangeFunction(c, matrix_arg, &sink);
  } catch (const AbandonStreaming&) {
    // Annotations met so far are met again in the same order, and deduplicated.
    ctx_->current_samples = current;
    ctx_->total_samples = total;
    ctx_->peak_samples = peak;
    return std::nullopt;
  }
  return FinishGroups(a.op, rows, std::move(result));
}

EvalMatrix Evaluator::EvalAggregateK(const parser::AggregateExpr& a,
                                     const std::vector<double>& params, const EvalMatrix& input,
                                     const std::vector<size_t>& series_group, size_t num_groups) {
  std::vector<Group> groups(num_groups);
  std::vector<size_t> cursors(input.size(), 0);
  std::vector<std::pair<int64_t, Vector>> steps;
  const auto less = a.op == ItemType::kBottomk ? ByReverseValueLess : ByValueLess;
  size_t step = 0;
  for (int64_t ts = start_; ts <= end_; ts += interval_, ++step) {
    ctx_->CheckDeadline();
    for (Group& g : groups) g.seen = false;
    const bool ratio_op = a.op == ItemType::kLimitRatio;
    const double ratio = std::clamp(params[step], -1.0, 1.0);
    const int64_t k =
        ratio_op ? (params[step] == 0 ? 0 : 1)
                 : std::min(static_cast<int64_t>(params[step]), static_cast<int64_t>(input.size()));
    // limit_ratio keeps a series when its hash, mapped onto [0, 1], falls into the ratio.
    auto sampled = [ratio](const model::Labels& l) {
      const double offset = static_cast<double>(l.GoHash()) / 18446744073709551615.0;
      return (ratio >= 0 && offset < ratio) || (ratio < 0 && offset >= 1.0 + ratio);
    };
    Vector out;
    size_t remaining = num_groups;
    bool stop = false;
    for (size_t si = 0; si < input.size(); ++si) {
      const EvalSeries& s = input[si];
      size_t& c = cursors[si];
      if (c >= s.floats.size() || s.floats[c].t != ts) continue;
      const double f = s.floats[c++].f;
      if (stop) continue;
      if (k < 1) {
        stop = true;
        continue;
      }
      Sample smp{s.metric, ts, f};
      Group& g = groups[series_group[si]];
      if (ratio_op) {
        if (!g.seen) {
          g = Group{};
          g.seen = true;
        }
        if (sampled(smp.metric)) {
          g.heap.push_back(std::move(smp));
          HeapUp(g.heap, g.heap.size() - 1, ByValueLess);
        }
        continue;
      }
      if (!g.seen) {
        g = Group{};
        g.seen = true;
        g.heap.push_back(std::move(smp));
        if (a.op == ItemType::kLimitk && k == 1) {
          g.complete = true;
          if (--remaining == 0) stop = true;
        }
        continue;
      }
      switch (a.op) {
        case ItemType::kTopk:
        case ItemType::kBottomk: {
          const bool top = a.op == ItemType::kTopk;
          if (static_cast<int64_t>(g.heap.size()) < k) {
            g.heap.push_back(std::move(smp));
            HeapUp(g.heap, g.heap.size() - 1, less);
          } else if ((top ? g.heap[0].f < f : g.heap[0].f > f) ||
                     (std::isnan(g.heap[0].f) && !std::isnan(f))) {
            g.heap[0] = std::move(smp);
            if (k > 1 && !HeapDown(g.heap, 0, g.heap.size(), less)) {
              HeapUp(g.heap, 0, less);
            }
          }
          break;
        }
        case ItemType::kLimitk:
          if (static_cast<int64_t>(g.heap.size()) < k) {
            g.heap.push_back(std::move(smp));
            HeapUp(g.heap, g.heap.size() - 1, ByValueLess);
          }
          if (!g.complete && static_cast<int64_t>(g.heap.size()) == k) {
            g.complete = true;
            if (--remaining == 0) stop = true;
          }
          break;
        default:
          break;
      }
    }
    if (k >= 1) {
      for (Group& g : groups) {
        if (!g.seen) continue;
        if (a.op != ItemType::kLimitk && !ratio_op && g.heap.size() > 1) {
          // sort.Sort(sort.Reverse(heap)): insertion sort for small inputs, hence stable.
          std::stable_sort(g.heap.begin(), g.heap.end(),
                           [&](const Sample& x, const Sample& y) { return less(y, x); });
        }
        for (Sample& smp : g.heap) out.push_back(std::move(smp));
      }
    }
    steps.emplace_back(ts, std::move(out));
  }
  if (start_ == end_) {
    EvalMatrix m;
    for (Sample& s : steps[0].second) {
      EvalSeries es;
      es.metric = std::move(s.metric);
      es.floats.push_back({steps[0].first, s.f});
      m.push_back(std::move(es));
    }
    return m;
  }
  return CollectSteps(steps);
}

// ---- Binary operators ----

bool IsComparison(ItemType op) {
  return op == ItemType::kEqlc || op == ItemType::kNeq || op == ItemType::kGtr ||
         op == ItemType::kLss || op == ItemType::kGte || op == ItemType::kLte;
}
bool ChangesMetricSchema(ItemType op) {
  return op == ItemType::kAdd || op == ItemType::kSub || op == ItemType::kDiv ||
         op == ItemType::kMul || op == ItemType::kPow || op == ItemType::kMod ||
         op == ItemType::kAtan2;
}

// Go's math.Mod and math.Pow agree with C's fmod and pow on every special case PromQL meets;
// math.Atan2 also rounds differently, hence GoAtan2.
double Arith(ItemType op, double l, double r, bool& keep) {
  keep = true;
  switch (op) {
    case ItemType::kAdd:
      return l + r;
    case ItemType::kSub:
      return l - r;
    case ItemType::kMul:
      return l * r;
    case ItemType::kDiv:
      return l / r;
    case ItemType::kPow:
      return std::pow(l, r);
    case ItemType::kMod:
      return std::fmod(l, r);
    case ItemType::kAtan2:
      return internal::GoAtan2(l, r);
    case ItemType::kEqlc:
      keep = l == r;
      return l;
    case ItemType::kNeq:
      keep = l != r;
      return l;
    case ItemType::kGtr:
      keep = l > r;
      return l;
    case ItemType::kLss:
      keep = l < r;
      return l;
    case ItemType::kGte:
      keep = l >= r;
      return l;
    case ItemType::kLte:
      keep = l <= r;
      return l;
    default:
      break;
  }
  Fail(fmt::format("operator \"{}\" not allowed for operations between vectors",
                   parser::ItemTypeString(op)));
}

double ScalarBinop(ItemType op, double l, double r) {
  bool keep;
  double v = Arith(op, l, r, keep);
  if (IsComparison(op)) return keep ? 1 : 0;
  return v;
}

model::Labels ResultMetric(const model::Labels& lhs, const model::Labels& rhs, ItemType op,
                           const parser::VectorMatching& m, bool drop_name) {
  model::LabelsBuilder b(lhs);
  if (drop_name || ChangesMetricSchema(op)) {
    b.Del("__name__");
    b.Del("__type__");
    b.Del("__unit__");
  }
  if (m.card == parser::Cardinality::kOneToOne) {
    if (m.on) {
      b.Keep(m.matching_labels);
    } else {
      for (const std::string& n : m.matching_labels) b.Del(n);
    }
  }
  for (const std::string& ln : m.include) {
    const std::string_view v = rhs.Get(ln);
    if (!v.empty()) {
      b.Set(ln, v);
    } else {
      b.Del(ln);
    }
  }
  return b.Build();
}

Vector Evaluator::VectorBinop(const parser::BinaryExpr& e, Vector& lhs_in, Vector& rhs_in,
                              std::vector<int>& lsig_in, std::vector<int>& rsig_in,
                              std::vector<int>& lser_in, std::vector<int>& rser_in,
                              MetricCache& cache) {
  const parser::VectorMatching& m = *e.matching;
  Vector out;
  if ((lhs_in.empty() && rhs_in.empty()) ||
      ((lhs_in.empty() || rhs_in.empty()) && !m.fill_lhs && !m.fill_rhs)) {
    return out;
  }
  const bool swap = m.card == parser::Cardinality::kOneToMany;
  Vector& lhs = swap ? rhs_in : lhs_in;
  Vector& rhs = swap ? lhs_in : rhs_in;
  std::vector<int>& lsig = swap ? rsig_in : lsig_in;
  std::vector<int>& rsig = swap ? lsig_in : rsig_in;
  std::vector<int>& lser = swap ? rser_in : lser_in;
  std::vector<int>& rser = swap ? lser_in : rser_in;

  std::unordered_map<int, size_t> right;  // signature -> rhs index
  for (size_t i = 0; i < rhs.size(); ++i) {
    auto [it, inserted] = right.emplace(rsig[i], i);
    if (!inserted) {
      const Sample& dup = rhs[it->second];
      const std::string one_side = swap ? "left" : "right";
      model::Labels matched = rhs[i].metric.MatchLabels(m.on, m.matching_labels);
      std::string d1 = rhs[i].metric.ToString(), d2 = dup.metric.ToString();
      if (d1 > d2) std::swap(d1, d2);
      Fail(
          fmt::format("found duplicate series for the match group {} on the {} hand-side of the "
                      "operation: [{}, {}];many-to-many matching not allowed: matching labels "
                      "must be unique on one side",
                      matched.ToString(), one_side, d1, d2));
    }
  }
  std::unordered_map<int, bool> matched_one;  // one-to-one: signature used
  // many-to-one: result labels already produced per signature (views of `cache` entries or of
  // `fill_metrics`, both stable while this step runs).
  std::unordered_map<int, std::unordered_map<std::string_view, bool>> matched_many;
  std::deque<model::Labels> fill_metrics;
  // l and r: the input series of the two samples, or -1 for a fill value.
  auto do_op = [&](const Sample& ls, const Sample& rs, int sig, int l, int r) {
    double fl = ls.f, fr = rs.f;
    if (swap) std::swap(fl, fr);
    bool keep;
    double v = Arith(e.op, fl, fr, keep);
    if (e.return_bool) v = keep ? 1.0 : 0.0;
    const model::Labels* metric;
    if (l >= 0 && r >= 0) {
      const uint64_t key = static_cast<uint64_t>(l) << 32 | static_cast<uint32_t>(r);
      auto it = cache.find(key);
      if (it == cache.end()) {
        it = cache.emplace(key, ResultMetric(ls.metric, rs.metric, e.op, m, e.return_bool)).first;
      }
      metric = &it->second;
    } else {
      fill_metrics.push_back(ResultMetric(ls.metric, rs.metric, e.op, m, e.return_bool));
      metric = &fill_metrics.back();
    }
    if (m.card == parser::Cardinality::kOneToOne) {
      if (matched_one[sig]) {
        Fail(
            "multiple matches for labels: many-to-one matching must be explicit "
            "(group_left/group_right)");
      }
      matched_one[sig] = true;
    } else {
      auto& ins = matched_many[sig];
      if (!ins.emplace(metric->encoded(), true).second) {
        Fail("multiple matches for labels: grouping labels must ensure unique matches");
      }
    }
    if (!keep && !e.return_bool) return;
    out.push_back(Sample{*metric, ls.t, v});
  };
  for (size_t i = 0; i < lhs.size(); ++i) {
    const int sig = lsig[i];
    auto it = right.find(sig);
    if (it != right.end()) {
      do_op(lhs[i], rhs[it->second], sig, lser[i], rser[it->second]);
    } else if (m.fill_rhs) {
      Sample fill{lhs[i].metric.MatchLabels(m.on, m.matching_labels), lhs[i].t, *m.fill_rhs};
      do_op(lhs[i], fill, sig, lser[i], -1);
    }
  }
  if (m.fill_lhs) {
    for (size_t i = 0; i < rhs.size(); ++i) {
      const int sig = rsig[i];
      const bool done =
          m.card == parser::Cardinality::kOneToOne ? matched_one[sig] : !matched_many[sig].empty();
      if (done) continue;
      Sample fill{rhs[i].metric.MatchLabels(m.on, m.matching_labels), rhs[i].t, *m.fill_lhs};
      do_op(fill, rhs[i], sig, -1, rser[i]);
    }
  }
  return out;
}

EvalMatrix Evaluator::EvalBinary(const parser::BinaryExpr& e) {
  const parser::ValueType lt = e.lhs->Type(), rt = e.rhs->Type();
  using VT = parser::ValueType;
  if (lt == VT::kScalar && rt == VT::kScalar) {
    return RangeEval(
        {e.lhs.get(), e.rhs.get()}, nullptr, "binary operators", false,
        [&](StepArgs& a, int64_t ts, Vector& out) {
          out.push_back(Sample{{}, ts, ScalarBinop(e.op, a.vecs[0][0].f, a.vecs[1][0].f)});
        });
  }
  if (lt == VT::kVector && rt == VT::kVector) {
    const parser::VectorMatching& m = *e.matching;
    switch (e.op) {
      case ItemType::kLand:
        return RangeEval({e.lhs.get(), e.rhs.get()}, &m, "set operators", true,
                         [&](StepArgs& a, int64_t, Vector& out) {
                           if (a.vecs[0].empty() || a.vecs[1].empty()) return;
                           std::unordered_map<int, bool> present;
                           for (int s : a.sigs[1]) present[s] = true;
                           for (size_t i = 0; i < a.vecs[0].size(); ++i) {
                             if (present.count(a.sigs[0][i])) out.push_back(a.vecs[0][i]);
                           }
                         });
      case ItemType::kLor:
        return RangeEval({e.lhs.get(), e.rhs.get()}, &m, "set operators", true,
                         [&](StepArgs& a, int64_t, Vector& out) {
                           std::unordered_map<int, bool> present;
                           for (size_t i = 0; i < a.vecs[0].size(); ++i) {
                             present[a.sigs[0][i]] = true;
                             out.push_back(a.vecs[0][i]);
                           }
                           for (size_t i = 0; i < a.vecs[1].size(); ++i) {
                             if (!present.count(a.sigs[1][i])) out.push_back(a.vecs[1][i]);
                           }
                         });
      case ItemType::kLunless:
        return RangeEval({e.lhs.get(), e.rhs.get()}, &m, "set operators", true,
                         [&](StepArgs& a, int64_t, Vector& out) {
                           std::unordered_map<int, bool> present;
                           for (int s : a.sigs[1]) present[s] = true;
                           for (size_t i = 0; i < a.vecs[0].size(); ++i) {
                             if (!present.count(a.sigs[0][i])) out.push_back(a.vecs[0][i]);
                           }
                         });
      default: {
        MetricCache cache;
        return RangeEval({e.lhs.get(), e.rhs.get()}, &m, "binary operators", false,
                         [&](StepArgs& a, int64_t, Vector& out) {
                           out = VectorBinop(e, a.vecs[0], a.vecs[1], a.sigs[0], a.sigs[1],
                                             a.series[0], a.series[1], cache);
                         });
      }
    }
  }
  const bool scalar_left = lt == VT::kScalar;
  return RangeEval({e.lhs.get(), e.rhs.get()}, nullptr, "binary operators", false,
                   [&](StepArgs& a, int64_t, Vector& out) {
                     Vector& vec = scalar_left ? a.vecs[1] : a.vecs[0];
                     const double scalar = scalar_left ? a.vecs[0][0].f : a.vecs[1][0].f;
                     for (Sample& s : vec) {
                       double l = s.f, r = scalar;
                       if (scalar_left) std::swap(l, r);
                       bool keep;
                       double v = Arith(e.op, l, r, keep);
                       if (IsComparison(e.op) && scalar_left) v = r;
                       if (e.return_bool) {
                         v = keep ? 1.0 : 0.0;
                         keep = true;
                       }
                       if (!keep) continue;
                       model::Labels metric = (ChangesMetricSchema(e.op) || e.return_bool)
                                                  ? internal::DropMetadata(s.metric)
                                                  : s.metric;
                       out.push_back(Sample{std::move(metric), s.t, v});
                     }
                   });
}

// Statements whose tree needs features this engine does not evaluate yet.
std::optional<std::string> Unsupported(const parser::Expr* e) {
  if (e == nullptr) return std::nullopt;
  switch (e->kind()) {
    case ExprKind::kParen:
      return Unsupported(static_cast<const parser::ParenExpr*>(e)->expr.get());
    case ExprKind::kUnary:
      return Unsupported(static_cast<const parser::UnaryExpr*>(e)->expr.get());
    case ExprKind::kBinary: {
      const auto* b = static_cast<const parser::BinaryExpr*>(e);
      if (auto r = Unsupported(b->lhs.get())) return r;
      return Unsupported(b->rhs.get());
    }
    case ExprKind::kAggregate: {
      const auto* a = static_cast<const parser::AggregateExpr*>(e);
      if (auto r = Unsupported(a->param.get())) return r;
      return Unsupported(a->expr.get());
    }
    case ExprKind::kCall: {
      const auto* c = static_cast<const parser::Call*>(e);
      if (c->func->name == "info") return "the info() function is not supported yet";
      if (c->func->name == "histogram_quantiles") {
        return "the histogram_quantiles() function is not supported yet";
      }
      for (const auto& a : c->args) {
        if (auto r = Unsupported(a.get())) return r;
      }
      return std::nullopt;
    }
    case ExprKind::kSubquery:
      return Unsupported(static_cast<const parser::SubqueryExpr*>(e)->expr.get());
    case ExprKind::kMatrixSelector:
      return Unsupported(static_cast<const parser::MatrixSelector*>(e)->vector_selector.get());
    case ExprKind::kVectorSelector: {
      const auto* vs = static_cast<const parser::VectorSelector*>(e);
      if (vs->anchored || vs->smoothed) {
        return "the anchored and smoothed modifiers are not supported yet";
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

// The time range the statement reads (upstream FindMinMaxTime), for the querier.
void MinMaxTime(const QueryCtx* ctx, const parser::Expr* e, const EngineOptions& opts,
                int64_t start, int64_t end, int64_t sub_offset, int64_t sub_range,
                std::optional<int64_t> sub_at, int64_t eval_range, int64_t& mint, int64_t& maxt) {
  if (e == nullptr) return;
  auto recurse = [&](const parser::Expr* x) {
    MinMaxTime(ctx, x, opts, start, end, sub_offset, sub_range, sub_at, 0, mint, maxt);
  };
  switch (e->kind()) {
    case ExprKind::kParen:
      return recurse(static_cast<const parser::ParenExpr*>(e)->expr.get());
    case ExprKind::kUnary:
      return recurse(static_cast<const parser::UnaryExpr*>(e)->expr.get());
    case ExprKind::kBinary: {
      const auto* b = static_cast<const parser::BinaryExpr*>(e);
      recurse(b->lhs.get());
      return recurse(b->rhs.get());
    }
    case ExprKind::kAggregate: {
      const auto* a = static_cast<const parser::AggregateExpr*>(e);
      recurse(a->param.get());
      return recurse(a->expr.get());
    }
    case ExprKind::kCall:
      for (const auto& a : static_cast<const parser::Call*>(e)->args) recurse(a.get());
      return;
    case ExprKind::kMatrixSelector: {
      const auto* ms = static_cast<const parser::MatrixSelector*>(e);
      const int64_t r =
          ms->range_expr ? DurationExprMsIn(ctx, *ms->range_expr, false) : DurationMs(ms->range_ns);
      return MinMaxTime(ctx, ms->vector_selector.get(), opts, start, end, sub_offset, sub_range,
                        sub_at, r, mint, maxt);
    }
    case ExprKind::kSubquery: {
      const auto* sq = static_cast<const parser::SubqueryExpr*>(e);
      const int64_t off = sq->mods.original_offset_expr
                              ? DurationExprMsIn(ctx, *sq->mods.original_offset_expr, true)
                              : DurationMs(sq->mods.original_offset_ns);
      const int64_t r =
          sq->range_expr ? DurationExprMsIn(ctx, *sq->range_expr, false) : DurationMs(sq->range_ns);
      if (sq->mods.HasAt()) {
        std::optional<int64_t> at = sq->mods.timestamp_ms;
        if (sq->mods.start_or_end == ItemType::kStart) at = start;
        if (sq->mods.start_or_end == ItemType::kEnd) at = end;
        return MinMaxTime(ctx, sq->expr.get(), opts, start, end, off, r, at, 0, mint, maxt);
      }
      return MinMaxTime(ctx, sq->expr.get(), opts, start, end, sub_offset + off, sub_range + r,
                        sub_at, 0, mint, maxt);
    }
    case ExprKind::kVectorSelector: {
      const auto* vs = static_cast<const parser::VectorSelector*>(e);
      int64_t s = start, en = end;
      if (sub_at) s = en = *sub_at;
      std::optional<int64_t> at = vs->mods.timestamp_ms;
      if (vs->mods.start_or_end == ItemType::kStart) at = start;
      if (vs->mods.start_or_end == ItemType::kEnd) at = end;
      if (at) {
        s = en = *at;
      } else {
        s = s - sub_offset - sub_range;
        en -= sub_offset;
      }
      if (eval_range == 0) {
        s -= opts.lookback_delta_ms - 1;
      } else {
        s -= eval_range - 1;
      }
      const int64_t off = vs->mods.original_offset_expr
                              ? DurationExprMsIn(ctx, *vs->mods.original_offset_expr, true)
                              : DurationMs(vs->mods.original_offset_ns);
      s -= off;
      en -= off;
      mint = std::min(mint, s);
      maxt = std::max(maxt, en);
      return;
    }
    default:
      return;
  }
}

}  // namespace

Engine::Engine(EngineOptions opts) : opts_(std::move(opts)) {}

Result Engine::InstantQuery(storage::Queryable& q, std::string_view query, int64_t ts_ms) const {
  return Exec(q, query, ts_ms, ts_ms, 0, false);
}

Result Engine::RangeQuery(storage::Queryable& q, std::string_view query, int64_t start_ms,
                          int64_t end_ms, int64_t step_ms) const {
  return Exec(q, query, start_ms, end_ms, step_ms, true);
}

Result Engine::Exec(storage::Queryable& q, std::string_view query, int64_t start_ms, int64_t end_ms,
                    int64_t step_ms, bool range) const {
  Result res;
  const auto t0 = std::chrono::steady_clock::now();
  util::Result<parser::ExprPtr> parsed = parser::ParseExpr(query, opts_.parser);
  if (!parsed.ok()) {
    res.error_type = ErrorType::kBadData;
    res.error = std::string(parsed.status().message());
    return res;
  }
  const parser::Expr* expr = parsed->get();
  if (range) {
    const parser::ValueType t = expr->Type();
    if (t != parser::ValueType::kScalar && t != parser::ValueType::kVector) {
      res.error_type = ErrorType::kBadData;
      res.error = fmt::format(
          "invalid expression type \"{}\" for range query, must be Scalar or instant Vector",
          parser::DocumentedType(t));
      return res;
    }
  }
  if (auto why = Unsupported(expr)) {
    res.error_type = ErrorType::kBadData;
    res.error = *why;
    return res;
  }

  Annotations annos(query);
  QueryCtx ctx;
  ctx.opts = &opts_;
  ctx.annos = &annos;
  ctx.query = query;
  ctx.query_start = start_ms;
  ctx.query_end = end_ms;
  ctx.query_step = step_ms;
  if (opts_.timeout.count() > 0) ctx.deadline = t0 + opts_.timeout;

  int64_t mint = kMaxInt64, maxt = kMinInt64;
  try {
    MinMaxTime(&ctx, expr, opts_, start_ms, end_ms, 0, 0, std::nullopt, 0, mint, maxt);
  } catch (const EvalError& err) {
    res.error_type = err.type;
    res.error = err.msg;
    return res;
  }
  if (maxt == kMinInt64) mint = maxt = 0;
  util::Result<std::unique_ptr<storage::Querier>> querier = q.NewQuerier(mint, maxt);
  if (!querier.ok()) {
    res.error_type = ErrorType::kInternal;
    res.error = std::string(querier.status().message());
    return res;
  }
  ctx.querier = querier->get();

  try {
    const parser::Expr* top = Unparen(expr);
    if (top->kind() == ExprKind::kStringLiteral) {
      res.value.kind = ValueKind::kString;
      res.value.string = String{start_ms, static_cast<const parser::StringLiteral*>(top)->val};
    } else {
      Evaluator ev(&ctx, start_ms, end_ms, range ? step_ms : 1);
      if (range && step_ms <= 0)
        Fail(
            "zero or negative query resolution step widths are not accepted. Try a positive "
            "integer",
            ErrorType::kBadData);
      EvalMatrix m = ev.Eval(expr);
      if (!opts_.native_histogram_results) {
        for (const EvalSeries& s : m) {
          if (!s.histograms.empty()) {
            Fail("native histogram results are not supported by this caller yet (series " +
                 s.metric.ToString() + ")");
          }
        }
      }
      const parser::ValueType type = expr->Type();
      if (!range && type == parser::ValueType::kVector) {
        res.value.kind = ValueKind::kVector;
        res.value.vector.reserve(m.size());
        for (EvalSeries& s : m) {
          if (s.floats.empty()) {
            res.value.vector.push_back(
                Sample{std::move(s.metric), start_ms, 0, std::move(s.histograms[0].h)});
          } else {
            res.value.vector.push_back(Sample{std::move(s.metric), start_ms, s.floats[0].f});
          }
        }
      } else if (!range && type == parser::ValueType::kScalar) {
        res.value.kind = ValueKind::kScalar;
        res.value.scalar = Scalar{start_ms, m.empty() ? 0 : m[0].floats[0].f};
      } else {
        res.value.kind = ValueKind::kMatrix;
        res.value.matrix.reserve(m.size());
        for (EvalSeries& s : m) {
          res.value.matrix.push_back(
              Series{std::move(s.metric), std::move(s.floats), std::move(s.histograms)});
        }
        std::sort(res.value.matrix.begin(), res.value.matrix.end(),
                  [](const Series& a, const Series& b) {
                    return model::Labels::Compare(a.metric, b.metric) < 0;
                  });
      }
    }
  } catch (const EvalError& err) {
    res.value = Value{};
    res.error_type = err.type;
    res.error = err.msg;
  }
  (void)(*querier)->Close();
  res.annotations = annos.Finish();
  res.stats.total_samples = ctx.total_samples;
  res.stats.peak_samples = ctx.peak_samples;
  res.stats.exec_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace promkit::promql

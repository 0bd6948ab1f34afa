// PromQL's functions over float samples (upstream promql/functions.go and quantile.go):
// range-vector functions are called per series and window, instant-vector functions per step.
// Native-histogram inputs never reach these (the engine rejects them), so functions that act
// only on histograms (histogram_count, ...) return nothing for float input, as upstream does.

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "model/internal/go_math.h"
#include "model/labels.h"
#include "promql/internal/eval.h"
#include "promql/internal/go_atan.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace promkit::promql::internal {
namespace {

using parser::Call;
using parser::ExprKind;

const parser::Expr* Unparen(const parser::Expr* e) {
  while (e != nullptr && e->kind() == ExprKind::kParen) {
    e = static_cast<const parser::ParenExpr*>(e)->expr.get();
  }
  return e;
}

// ---- Range-vector functions -------------------------------------------------------------

std::optional<double> ExtrapolatedRate(std::span<const FPoint> s, const RangeCall& c,
                                       bool is_counter, bool is_rate) {
  if (s.size() < 2) return std::nullopt;
  double result = s.back().f - s.front().f;
  if (is_counter && c.window_has_resets) {
    for (size_t i = 1; i < s.size(); ++i) {
      if (s[i].f < s[i - 1].f) result += s[i - 1].f;
    }
  }
  const int64_t first_t = s.front().t;
  const int64_t last_t = s.back().t;
  double duration_to_start = static_cast<double>(first_t - c.range_start) / 1000;
  double duration_to_end = static_cast<double>(c.range_end - last_t) / 1000;
  const double sampled_interval = static_cast<double>(last_t - first_t) / 1000;
  const double avg_between = sampled_interval / static_cast<double>(s.size() - 1);
  const double threshold = avg_between * 1.1;
  if (duration_to_start >= threshold) duration_to_start = avg_between / 2;
  if (is_counter) {
    double duration_to_zero = duration_to_start;
    if (result > 0 && s.front().f >= 0)
      duration_to_zero = sampled_interval * (s.front().f / result);
    if (duration_to_zero < duration_to_start) duration_to_start = duration_to_zero;
  }
  if (duration_to_end >= threshold) duration_to_end = avg_between / 2;
  double factor = 1.0;
  if (sampled_interval != 0) {
    factor = (sampled_interval + duration_to_start + duration_to_end) / sampled_interval;
  }
  if (is_rate) factor /= static_cast<double>(c.range_ms) / 1000;
  return result * factor;
}

std::optional<double> FnRate(std::span<const FPoint> s, const RangeCall& c) {
  return ExtrapolatedRate(s, c, true, true);
}
std::optional<double> FnIncrease(std::span<const FPoint> s, const RangeCall& c) {
  return ExtrapolatedRate(s, c, true, false);
}
std::optional<double> FnDelta(std::span<const FPoint> s, const RangeCall& c) {
  return ExtrapolatedRate(s, c, false, false);
}

std::optional<double> InstantValue(std::span<const FPoint> s, bool is_rate) {
  if (s.size() < 2) return std::nullopt;
  const FPoint& a = s[s.size() - 2];
  const FPoint& b = s[s.size() - 1];
  const int64_t interval = b.t - a.t;
  if (interval == 0) return std::nullopt;
  double result = b.f;
  if (!is_rate || !(b.f < a.f)) result = b.f - a.f;
  if (is_rate) result /= static_cast<double>(interval) / 1000;
  return result;
}
std::optional<double> FnIrate(std::span<const FPoint> s, const RangeCall&) {
  return InstantValue(s, true);
}
std::optional<double> FnIdelta(std::span<const FPoint> s, const RangeCall&) {
  return InstantValue(s, false);
}

std::optional<double> FnAvgOverTime(std::span<const FPoint> s, const RangeCall&) {
  if (s.empty()) return std::nullopt;
  double sum = s[0].f, count = 1, mean = 0, c = 0;
  bool incremental = false;
  for (size_t i = 1; i < s.size(); ++i) {
    count = static_cast<double>(i + 1);
    const double f = s[i].f;
    if (!incremental) {
      double new_sum = sum, new_c = c;
      KahanInc(f, new_sum, new_c);
      if (!std::isinf(new_sum)) {
        sum = new_sum;
        c = new_c;
        continue;
      }
      incremental = true;
      mean = sum / (count - 1);
      c /= (count - 1);
    }
    const double q = (count - 1) / count;
    double m = q * mean;
    double cc = q * c;
    KahanInc(f / count, m, cc);
    mean = m;
    c = cc;
  }
  if (incremental) return mean + c;
  return sum / count + c / count;
}

std::optional<double> FnSumOverTime(std::span<const FPoint> s, const RangeCall&) {
  if (s.empty()) return std::nullopt;
  double sum = 0, c = 0;
  for (const FPoint& p : s) KahanInc(p.f, sum, c);
  if (std::isinf(sum)) return sum;
  return sum + c;
}

std::optional<double> FnCountOverTime(std::span<const FPoint> s, const RangeCall&) {
  if (s.empty()) return std::nullopt;
  return static_cast<double>(s.size());
}

std::optional<double> CompareOverTime(std::span<const FPoint> s, bool want_max, bool want_ts) {
  if (s.empty()) return std::nullopt;
  double best = s[0].f;
  int64_t best_t = s[0].t;
  for (const FPoint& p : s) {
    const bool better =
        want_max ? (p.f > best || std::isnan(best)) : (p.f < best || std::isnan(best));
    if (better) {
      best = p.f;
      best_t = p.t;
    }
  }
  return want_ts ? static_cast<double>(best_t) / 1000 : best;
}
std::optional<double> FnMaxOverTime(std::span<const FPoint> s, const RangeCall&) {
  return CompareOverTime(s, true, false);
}
std::optional<double> FnMinOverTime(std::span<const FPoint> s, const RangeCall&) {
  return CompareOverTime(s, false, false);
}
std::optional<double> FnTsOfMaxOverTime(std::span<const FPoint> s, const RangeCall&) {
  return CompareOverTime(s, true, true);
}
std::optional<double> FnTsOfMinOverTime(std::span<const FPoint> s, const RangeCall&) {
  return CompareOverTime(s, false, true);
}
std::optional<double> FnLastOverTime(std::span<const FPoint> s, const RangeCall&) {
  if (s.empty()) return std::nullopt;
  return s.back().f;
}
std::optional<double> FnFirstOverTime(std::span<const FPoint> s, const RangeCall&) {
  if (s.empty()) return std::nullopt;
  return s.front().f;
}
std::optional<double> FnTsOfLastOverTime(std::span<const FPoint> s, const RangeCall&) {
  if (s.empty()) return std::nullopt;
  return static_cast<double>(s.back().t) / 1000;
}
std::optional<double> FnTsOfFirstOverTime(std::span<const FPoint> s, const RangeCall&) {
  if (s.empty()) return std::nullopt;
  return static_cast<double>(s.front().t) / 1000;
}
std::optional<double> FnPresentOverTime(std::span<const FPoint> s, const RangeCall&) {
  if (s.empty()) return std::nullopt;
  return 1.0;
}
std::optional<double> FnAbsentOverTime(std::span<const FPoint>, const RangeCall&) {
  return 1.0;  // the engine turns the per-series results into absent_over_time's one series
}

std::string FormatG(double v) { return util::FormatFloat(v, 'g', -1); }

void CheckQuantileParam(double q, const RangeCall& c) {
  if (std::isnan(q) || q < 0 || q > 1) {
    c.annos->Warn("PromQL warning: quantile value should be between 0 and 1, got " + FormatG(q),
                  c.call->args[0]->Range());
  }
}

std::optional<double> FnQuantileOverTime(std::span<const FPoint> s, const RangeCall& c) {
  if (s.empty() || c.scalars.empty()) return std::nullopt;
  const double q = c.scalars[0];
  CheckQuantileParam(q, c);
  std::vector<double> values;
  values.reserve(s.size());
  for (const FPoint& p : s) values.push_back(p.f);
  return Quantile(q, values);
}

std::optional<double> FnMadOverTime(std::span<const FPoint> s, const RangeCall&) {
  if (s.empty()) return std::nullopt;
  std::vector<double> values;
  values.reserve(s.size());
  for (const FPoint& p : s) {
    if (std::isnan(p.f)) return std::numeric_limits<double>::quiet_NaN();
    values.push_back(p.f);
  }
  const double median = Quantile(0.5, values);
  for (double& v : values) v = std::fabs(v - median);
  return Quantile(0.5, values);
}

std::optional<double> Variance(std::span<const FPoint> s, bool sqrt_result) {
  if (s.empty()) return std::nullopt;
  double count = 0, mean = 0, c_mean = 0, aux = 0, c_aux = 0;
  for (const FPoint& p : s) {
    count++;
    const double delta = p.f - (mean + c_mean);
    KahanInc(delta / count, mean, c_mean);
    KahanInc(delta * (p.f - (mean + c_mean)), aux, c_aux);
  }
  const double variance = (aux + c_aux) / count;
  return sqrt_result ? std::sqrt(variance) : variance;
}
std::optional<double> FnStddevOverTime(std::span<const FPoint> s, const RangeCall&) {
  return Variance(s, true);
}
std::optional<double> FnStdvarOverTime(std::span<const FPoint> s, const RangeCall&) {
  return Variance(s, false);
}

std::optional<double> FnResets(std::span<const FPoint> s, const RangeCall&) {
  if (s.empty()) return std::nullopt;
  int resets = 0;
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i].f < s[i - 1].f) resets++;
  }
  return static_cast<double>(resets);
}

std::optional<double> FnChanges(std::span<const FPoint> s, const RangeCall&) {
  if (s.empty()) return std::nullopt;
  int changes = 0;
  for (size_t i = 1; i < s.size(); ++i) {
    const double cur = s[i].f, prev = s[i - 1].f;
    if (cur != prev && !(std::isnan(cur) && std::isnan(prev))) changes++;
  }
  return static_cast<double>(changes);
}

void LinearRegression(std::span<const FPoint> s, int64_t intercept_time, double& slope,
                      double& intercept) {
  double n = 0, sum_x = 0, c_x = 0, sum_y = 0, c_y = 0, sum_xy = 0, c_xy = 0, sum_x2 = 0, c_x2 = 0;
  const double init_y = s[0].f;
  bool const_y = true;
  for (size_t i = 0; i < s.size(); ++i) {
    if (const_y && i > 0 && s[i].f != init_y) const_y = false;
    n += 1.0;
    const double x = static_cast<double>(s[i].t - intercept_time) / 1e3;
    KahanInc(x, sum_x, c_x);
    KahanInc(s[i].f, sum_y, c_y);
    KahanInc(x * s[i].f, sum_xy, c_xy);
    KahanInc(x * x, sum_x2, c_x2);
  }
  if (const_y) {
    if (std::isinf(init_y)) {
      slope = intercept = std::numeric_limits<double>::quiet_NaN();
      return;
    }
    slope = 0;
    intercept = init_y;
    return;
  }
  sum_x += c_x;
  sum_y += c_y;
  sum_xy += c_xy;
  sum_x2 += c_x2;
  const double cov_xy = sum_xy - sum_x * sum_y / n;
  const double var_x = sum_x2 - sum_x * sum_x / n;
  slope = cov_xy / var_x;
  intercept = sum_y / n - slope * sum_x / n;
}

std::optional<double> FnDeriv(std::span<const FPoint> s, const RangeCall&) {
  if (s.size() < 2) return std::nullopt;
  double slope, intercept;
  LinearRegression(s, s[0].t, slope, intercept);
  return slope;
}

std::optional<double> FnPredictLinear(std::span<const FPoint> s, const RangeCall& c) {
  if (s.size() < 2 || c.scalars.empty()) return std::nullopt;
  double slope, intercept;
  LinearRegression(s, c.ts, slope, intercept);
  return slope * c.scalars[0] + intercept;
}

double CalcTrendValue(int i, double tf, double s0, double s1, double b) {
  if (i == 0) return b;
  const double x = tf * (s1 - s0);
  const double y = (1 - tf) * b;
  return x + y;
}

std::optional<double> FnDoubleExponentialSmoothing(std::span<const FPoint> s, const RangeCall& c) {
  const double sf = c.scalars[0];
  const double tf = c.scalars[1];
  if (sf <= 0 || sf >= 1) {
    Fail("invalid smoothing factor. Expected: 0 < sf < 1, got: " + FormatG(sf));
  }
  if (tf <= 0 || tf >= 1) {
    Fail("invalid trend factor. Expected: 0 < tf < 1, got: " + FormatG(tf));
  }
  const size_t l = s.size();
  if (l < 2) return std::nullopt;
  double s0 = 0, s1 = s[0].f, b = s[1].f - s[0].f;
  for (size_t i = 1; i < l; ++i) {
    const double x = sf * s[i].f;
    b = CalcTrendValue(static_cast<int>(i) - 1, tf, s0, s1, b);
    const double y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
}

struct RangeEntry {
  std::string_view name;
  RangeFunc fn;
};
constexpr RangeEntry kRangeFuncs[] = {
    {"absent_over_time", FnAbsentOverTime},
    {"avg_over_time", FnAvgOverTime},
    {"changes", FnChanges},
    {"count_over_time", FnCountOverTime},
    {"delta", FnDelta},
    {"deriv", FnDeriv},
    {"double_exponential_smoothing", FnDoubleExponentialSmoothing},
    {"first_over_time", FnFirstOverTime},
    {"idelta", FnIdelta},
    {"increase", FnIncrease},
    {"irate", FnIrate},
    {"last_over_time", FnLastOverTime},
    {"mad_over_time", FnMadOverTime},
    {"max_over_time", FnMaxOverTime},
    {"min_over_time", FnMinOverTime},
    {"predict_linear", FnPredictLinear},
    {"present_over_time", FnPresentOverTime},
    {"quantile_over_time", FnQuantileOverTime},
    {"rate", FnRate},
    {"resets", FnResets},
    {"stddev_over_time", FnStddevOverTime},
    {"stdvar_over_time", FnStdvarOverTime},
    {"sum_over_time", FnSumOverTime},
    {"ts_of_first_over_time", FnTsOfFirstOverTime},
    {"ts_of_last_over_time", FnTsOfLastOverTime},
    {"ts_of_max_over_time", FnTsOfMaxOverTime},
    {"ts_of_min_over_time", FnTsOfMinOverTime},
};

// ---- Instant-vector functions -----------------------------------------------------------

template <typename F>
void SimpleFloat(std::vector<Vector>& args, Vector& out, F f) {
  for (Sample& s : args[0]) {
    out.push_back(Sample{DropMetadata(s.metric), s.t, f(s.f)});
  }
}

#define PROMKIT_SIMPLE(NAME, EXPR)                                        \
  void NAME(std::vector<Vector>& args, const InstantCall&, Vector& out) { \
    SimpleFloat(args, out, [](double v) { return EXPR; });                \
  }
PROMKIT_SIMPLE(FnAbs, std::fabs(v))
PROMKIT_SIMPLE(FnCeil, std::ceil(v))
PROMKIT_SIMPLE(FnFloor, std::floor(v))
PROMKIT_SIMPLE(FnExp, std::exp(v))
PROMKIT_SIMPLE(FnSqrt, std::sqrt(v))
PROMKIT_SIMPLE(FnLn, model::internal::GoLog(v))
PROMKIT_SIMPLE(FnLog2, model::internal::GoLog2(v))
PROMKIT_SIMPLE(FnLog10, model::internal::GoLog10(v))
PROMKIT_SIMPLE(FnSin, std::sin(v))
PROMKIT_SIMPLE(FnCos, std::cos(v))
PROMKIT_SIMPLE(FnTan, std::tan(v))
PROMKIT_SIMPLE(FnAsin, std::asin(v))
PROMKIT_SIMPLE(FnAcos, std::acos(v))
PROMKIT_SIMPLE(FnAtan, internal::GoAtan(v))
PROMKIT_SIMPLE(FnSinh, std::sinh(v))
PROMKIT_SIMPLE(FnCosh, std::cosh(v))
PROMKIT_SIMPLE(FnTanh, std::tanh(v))
PROMKIT_SIMPLE(FnAsinh, std::asinh(v))
PROMKIT_SIMPLE(FnAcosh, std::acosh(v))
PROMKIT_SIMPLE(FnAtanh, std::atanh(v))
PROMKIT_SIMPLE(FnRad, v* M_PI / 180)
PROMKIT_SIMPLE(FnDeg, v * 180 / M_PI)
PROMKIT_SIMPLE(FnSgn, v < 0 ? -1.0 : (v > 0 ? 1.0 : v))
#undef PROMKIT_SIMPLE

void FnPi(std::vector<Vector>&, const InstantCall&, Vector& out) {
  out.push_back(Sample{{}, 0, M_PI});
}

void FnTime(std::vector<Vector>&, const InstantCall& c, Vector& out) {
  out.push_back(Sample{{}, 0, static_cast<double>(c.ts) / 1000});
}

void FnRound(std::vector<Vector>& args, const InstantCall&, Vector& out) {
  double to_nearest = 1;
  if (args.size() >= 2) to_nearest = args[1][0].f;
  const double inv = 1.0 / to_nearest;
  SimpleFloat(args, out, [inv](double v) { return std::floor(v * inv + 0.5) / inv; });
}

// Go's math.Max/Min propagate NaN; fmax/fmin do not.
double GoMax(double a, double b) {
  if (std::isinf(a) && a > 0) return a;
  if (std::isinf(b) && b > 0) return b;
  if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<double>::quiet_NaN();
  if (a == 0 && a == b) return std::signbit(a) ? b : a;
  return a > b ? a : b;
}
double GoMin(double a, double b) {
  if (std::isinf(a) && a < 0) return a;
  if (std::isinf(b) && b < 0) return b;
  if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<double>::quiet_NaN();
  if (a == 0 && a == b) return std::signbit(a) ? a : b;
  return a < b ? a : b;
}
void ClampGo(Vector& vec, double lo, double hi, Vector& out) {
  if (hi < lo) return;
  for (Sample& s : vec) {
    out.push_back(Sample{DropMetadata(s.metric), s.t, GoMax(lo, GoMin(hi, s.f))});
  }
}
void FnClamp(std::vector<Vector>& args, const InstantCall&, Vector& out) {
  ClampGo(args[0], args[1][0].f, args[2][0].f, out);
}
void FnClampMax(std::vector<Vector>& args, const InstantCall&, Vector& out) {
  ClampGo(args[0], -std::numeric_limits<double>::infinity(), args[1][0].f, out);
}
void FnClampMin(std::vector<Vector>& args, const InstantCall&, Vector& out) {
  ClampGo(args[0], args[1][0].f, std::numeric_limits<double>::infinity(), out);
}

void FnMaxOf(std::vector<Vector>& args, const InstantCall&, Vector& out) {
  out.push_back(Sample{{}, 0, GoMax(args[0][0].f, args[1][0].f)});
}
void FnMinOf(std::vector<Vector>& args, const InstantCall&, Vector& out) {
  out.push_back(Sample{{}, 0, GoMin(args[0][0].f, args[1][0].f)});
}

void FnScalar(std::vector<Vector>& args, const InstantCall&, Vector& out) {
  const Vector& v = args[0];
  out.push_back(Sample{{}, 0, v.size() == 1 ? v[0].f : std::numeric_limits<double>::quiet_NaN()});
}

void FnVector(std::vector<Vector>& args, const InstantCall&, Vector& out) {
  out.push_back(Sample{{}, 0, args[0][0].f});
}

void FnTimestamp(std::vector<Vector>& args, const InstantCall&, Vector& out) {
  for (Sample& s : args[0]) {
    out.push_back(Sample{DropMetadata(s.metric), s.t, static_cast<double>(s.t) / 1000});
  }
}

void FnAbsent(std::vector<Vector>& args, const InstantCall& c, Vector& out) {
  if (!args[0].empty()) return;
  out.push_back(Sample{AbsentLabels(c.call->args[0].get()), 0, 1});
}

// Go's sort.Sort over a heap-ordered "less" where NaN sorts first; stable for small inputs.
void SortByValue(Vector& v, bool desc) {
  // sort: Reverse(vectorByReverseValueHeap): a before b when b.Less(a) under reverse-less
  // (NaN true, a > b), i.e. ascending with NaNs last. sort_desc: descending with NaNs last.
  std::stable_sort(v.begin(), v.end(), [desc](const Sample& a, const Sample& b) {
    // Reverse(less)(i, j) == less(j, i).
    const double vj = b.f, vi = a.f;
    if (std::isnan(vj)) return true;
    return desc ? vj < vi : vj > vi;
  });
}

void WarnSort(const InstantCall& c) {
  if (c.range_query) {
    c.annos->Warn(
        "PromQL warning: sort is ineffective for range queries since results are always ordered "
        "by labels",
        c.call->Range());
  }
}

void FnSort(std::vector<Vector>& args, const InstantCall& c, Vector& out) {
  WarnSort(c);
  SortByValue(args[0], false);
  out = std::move(args[0]);
}
void FnSortDesc(std::vector<Vector>& args, const InstantCall& c, Vector& out) {
  WarnSort(c);
  SortByValue(args[0], true);
  out = std::move(args[0]);
}

// github.com/facette/natsort's Compare: chunks of digits compare numerically.
bool NatLess(std::string_view a, std::string_view b) {
  auto chunks = [](std::string_view s) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < s.size()) {
      const bool digit = s[i] >= '0' && s[i] <= '9';
      size_t j = i;
      while (j < s.size() && ((s[j] >= '0' && s[j] <= '9') == digit)) ++j;
      out.push_back(s.substr(i, j - i));
      i = j;
    }
    return out;
  };
  auto ca = chunks(a), cb = chunks(b);
  for (size_t i = 0; i < ca.size() && i < cb.size(); ++i) {
    if (ca[i] == cb[i]) continue;
    const bool da = !ca[i].empty() && ca[i][0] >= '0' && ca[i][0] <= '9';
    const bool db = !cb[i].empty() && cb[i][0] >= '0' && cb[i][0] <= '9';
    if (da && db) {
      auto na = util::ParseFloat(ca[i]);
      auto nb = util::ParseFloat(cb[i]);
      if (na.ok() && nb.ok() && *na != *nb) return *na < *nb;
      return ca[i] < cb[i];
    }
    return ca[i] < cb[i];
  }
  return ca.size() < cb.size();
}

void SortByLabel(std::vector<Vector>& args, const InstantCall& c, Vector& out, bool desc) {
  WarnSort(c);
  std::vector<std::string> names;
  for (size_t i = 1; i < c.call->args.size(); ++i) names.push_back(StringArg(*c.call, i));
  std::stable_sort(args[0].begin(), args[0].end(), [&](const Sample& a, const Sample& b) {
    for (const std::string& n : names) {
      const std::string_view va = a.metric.Get(n), vb = b.metric.Get(n);
      if (va == vb) continue;
      return desc ? NatLess(vb, va) : NatLess(va, vb);
    }
    const int cmp = model::Labels::Compare(a.metric, b.metric);
    return desc ? cmp > 0 : cmp < 0;
  });
  out = std::move(args[0]);
}
void FnSortByLabel(std::vector<Vector>& args, const InstantCall& c, Vector& out) {
  SortByLabel(args, c, out, false);
}
void FnSortByLabelDesc(std::vector<Vector>& args, const InstantCall& c, Vector& out) {
  SortByLabel(args, c, out, true);
}

// Civil date of a Unix time (UTC), Go's time.Unix(sec, 0).UTC().
struct Civil {
  int64_t year;
  int month, day, hour, minute, weekday, yday;
};
Civil ToCivil(int64_t sec) {
  int64_t days = sec / 86400;
  int64_t rem = sec % 86400;
  if (rem < 0) {
    rem += 86400;
    days--;
  }
  Civil c{};
  c.hour = static_cast<int>(rem / 3600);
  c.minute = static_cast<int>(rem % 3600 / 60);
  c.weekday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
  // Howard Hinnant's civil_from_days.
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = yoe + era * 400 + (c.month <= 2 ? 1 : 0);
  static constexpr int kCum[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  const bool leap = (c.year % 4 == 0 && c.year % 100 != 0) || c.year % 400 == 0;
  c.yday = kCum[c.month - 1] + c.day + (leap && c.month > 2 ? 1 : 0);
  return c;
}

int DaysIn(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// Go's int64(float64) on amd64: out-of-range and NaN give math.MinInt64.
int64_t GoInt64(double v) {
  if (std::isnan(v) || v >= 9223372036854775808.0 || v < -9223372036854775808.0) {
    return std::numeric_limits<int64_t>::min();
  }
  return static_cast<int64_t>(v);
}

template <typename F>
void DateFunc(std::vector<Vector>& args, const InstantCall& c, Vector& out, F f) {
  if (args.empty()) {
    out.push_back(Sample{{}, 0, f(ToCivil(c.ts / 1000))});
    return;
  }
  for (Sample& s : args[0]) {
    out.push_back(Sample{DropMetadata(s.metric), s.t, f(ToCivil(GoInt64(s.f)))});
  }
}
#define PROMKIT_DATE(NAME, EXPR)                                                      \
  void NAME(std::vector<Vector>& args, const InstantCall& c, Vector& out) {           \
    DateFunc(args, c, out, [](const Civil& t) { return static_cast<double>(EXPR); }); \
  }
PROMKIT_DATE(FnDaysInMonth, DaysIn(t.year, t.month))
PROMKIT_DATE(FnDayOfMonth, t.day)
PROMKIT_DATE(FnDayOfWeek, t.weekday)
PROMKIT_DATE(FnDayOfYear, t.yday)
PROMKIT_DATE(FnHour, t.hour)
PROMKIT_DATE(FnMinute, t.minute)
PROMKIT_DATE(FnMonth, t.month)
PROMKIT_DATE(FnYear, t.year)
#undef PROMKIT_DATE

// ---- Classic histograms ----

struct Bucket {
  double upper;
  double count;
};

void SortAndCoalesce(std::vector<Bucket>& b) {
  std::stable_sort(b.begin(), b.end(),
                   [](const Bucket& x, const Bucket& y) { return x.upper < y.upper; });
}

std::vector<Bucket> Coalesce(std::vector<Bucket> buckets) {
  Bucket last = buckets[0];
  size_t i = 0;
  for (size_t k = 1; k < buckets.size(); ++k) {
    if (buckets[k].upper == last.upper) {
      last.count += buckets[k].count;
    } else {
      buckets[i++] = last;
      last = buckets[k];
    }
  }
  buckets[i] = last;
  buckets.resize(i + 1);
  return buckets;
}

bool AlmostEqual(double a, double b, double eps) {
  if (std::isnan(a) && std::isnan(b)) return true;
  if (a == b) return true;
  constexpr double kMinNormal = 2.2250738585072014e-308;
  const double abs_sum = std::fabs(a) + std::fabs(b);
  const double diff = std::fabs(a - b);
  if (a == 0 || b == 0 || abs_sum < kMinNormal) return diff < eps * kMinNormal;
  return diff / std::fmin(abs_sum, std::numeric_limits<double>::max()) < eps;
}

struct QuantileResult {
  double value;
  bool forced;
  double min_bucket, max_bucket, max_diff;
};

QuantileResult BucketQuantile(double q, std::vector<Bucket> buckets) {
  QuantileResult r{0, false, std::numeric_limits<double>::infinity(),
                   -std::numeric_limits<double>::infinity(), 0};
  if (std::isnan(q)) return {std::numeric_limits<double>::quiet_NaN(), false, 0, 0, 0};
  if (q < 0) return {-std::numeric_limits<double>::infinity(), false, 0, 0, 0};
  if (q > 1) return {std::numeric_limits<double>::infinity(), false, 0, 0, 0};
  SortAndCoalesce(buckets);
  if (!(std::isinf(buckets.back().upper) && buckets.back().upper > 0)) {
    return {std::numeric_limits<double>::quiet_NaN(), false, 0, 0, 0};
  }
  buckets = Coalesce(std::move(buckets));
  // ensureMonotonicAndIgnoreSmallDeltas
  double prev = buckets[0].count;
  for (size_t i = 1; i < buckets.size(); ++i) {
    const double curr = buckets[i].count;
    if (curr == prev) continue;
    if (AlmostEqual(prev, curr, 1e-12)) {
      buckets[i].count = prev;
      continue;
    }
    if (curr < prev) {
      buckets[i].count = prev;
      r.forced = true;
      r.min_bucket = std::min(r.min_bucket, buckets[i].upper);
      r.max_bucket = std::max(r.max_bucket, buckets[i].upper);
      r.max_diff = std::max(r.max_diff, prev - curr);
      continue;
    }
    prev = curr;
  }
  if (buckets.size() < 2) {
    r.value = std::numeric_limits<double>::quiet_NaN();
    return r;
  }
  const double observations = buckets.back().count;
  if (observations == 0) {
    r.value = std::numeric_limits<double>::quiet_NaN();
    return r;
  }
  double rank = q * observations;
  size_t b = 0;
  {
    size_t lo = 0, hi = buckets.size() - 1;
    while (lo < hi) {
      const size_t mid = (lo + hi) / 2;
      if (!(buckets[mid].count >= rank)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    b = lo;
  }
  if (b == buckets.size() - 1) {
    r.value = buckets[buckets.size() - 2].upper;
  } else if (b == 0 && buckets[0].upper <= 0) {
    r.value = buckets[0].upper;
  } else {
    double start = 0;
    const double end = buckets[b].upper;
    double count = buckets[b].count;
    if (b > 0) {
      start = buckets[b - 1].upper;
      count -= buckets[b - 1].count;
      rank -= buckets[b - 1].count;
    }
    r.value = start + (end - start) * (rank / count);
  }
  return r;
}

double BucketFraction(double lower, double upper, std::vector<Bucket> buckets) {
  SortAndCoalesce(buckets);
  if (!(std::isinf(buckets.back().upper) && buckets.back().upper > 0)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  buckets = Coalesce(std::move(buckets));
  const double count = buckets.back().count;
  if (count == 0 || std::isnan(lower) || std::isnan(upper)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (lower >= upper) return 0;
  double rank = 0, lower_rank = 0, upper_rank = 0;
  bool lower_set = false, upper_set = false;
  double lower_bound = buckets[0].upper <= 0 ? -std::numeric_limits<double>::infinity() : 0.0;
  for (size_t i = 0; i < buckets.size(); ++i) {
    if (i > 0) lower_bound = buckets[i - 1].upper;
    const double upper_bound = buckets[i].upper;
    const double bcount = buckets[i].count;
    auto interp = [&](double v) {
      if (std::isinf(lower_bound) && lower_bound < 0) return bcount;
      return rank + (bcount - rank) * (v - lower_bound) / (upper_bound - lower_bound);
    };
    if (!lower_set && lower_bound >= lower) {
      lower_rank = rank;
      lower_set = true;
    }
    if (!upper_set && lower_bound >= upper) {
      upper_rank = rank;
      upper_set = true;
    }
    if (lower_set && upper_set) break;
    if (!lower_set && lower_bound < lower && upper_bound > lower) {
      lower_rank = interp(lower);
      lower_set = true;
    }
    if (!upper_set && lower_bound < upper && upper_bound > upper) {
      upper_rank = interp(upper);
      upper_set = true;
    }
    if (lower_set && upper_set) break;
    rank = bcount;
  }
  if (!lower_set || lower_rank > count) lower_rank = count;
  if (!upper_set || upper_rank > count) upper_rank = count;
  return (upper_rank - lower_rank) / count;
}

// Groups a vector's classic-bucket samples by their labels without `le`, in first-seen order.
struct BucketGroup {
  model::Labels metric;  // without le
  std::vector<Bucket> buckets;
};
std::vector<BucketGroup> GroupBuckets(const Vector& in, const parser::Expr* arg,
                                      Annotations* annos) {
  std::vector<BucketGroup> groups;
  std::unordered_map<std::string, size_t> index;
  for (const Sample& s : in) {
    const std::string_view le = s.metric.Get("le");
    auto ub = util::ParseFloat(le);
    if (!ub.ok()) {
      annos->Warn("PromQL warning: bucket label \"le\" is missing or has a malformed value of " +
                      util::GoQuote(le),
                  arg->Range());
      continue;
    }
    model::LabelsBuilder b(s.metric);
    b.Del("le");
    model::Labels without = b.Build();
    auto [it, inserted] = index.emplace(std::string(without.encoded()), groups.size());
    if (inserted) groups.push_back(BucketGroup{std::move(without), {}});
    groups[it->second].buckets.push_back(Bucket{*ub, s.f});
  }
  return groups;
}

void FnHistogramQuantile(std::vector<Vector>& args, const InstantCall& c, Vector& out) {
  if (args.size() < 2 || args[0].empty()) return;
  const double q = args[0][0].f;
  if (std::isnan(q) || q < 0 || q > 1) {
    c.annos->Warn("PromQL warning: quantile value should be between 0 and 1, got " + FormatG(q),
                  c.call->args[0]->Range());
  }
  for (BucketGroup& g : GroupBuckets(args[1], c.call->args[1].get(), c.annos)) {
    if (g.buckets.empty()) continue;
    QuantileResult r = BucketQuantile(q, std::move(g.buckets));
    if (r.forced) {
      c.annos->ForcedMonotonicity(c.call->args[1]->Range(), c.ts, r.min_bucket, r.max_bucket,
                                  r.max_diff);
    }
    out.push_back(Sample{DropMetadata(g.metric), 0, r.value});
  }
}

void FnHistogramFraction(std::vector<Vector>& args, const InstantCall& c, Vector& out) {
  if (args.size() < 3 || args[0].empty() || args[1].empty()) return;
  const double lower = args[0][0].f, upper = args[1][0].f;
  for (BucketGroup& g : GroupBuckets(args[2], c.call->args[2].get(), c.annos)) {
    if (g.buckets.empty()) continue;
    out.push_back(Sample{DropMetadata(g.metric), 0, BucketFraction(lower, upper, g.buckets)});
  }
}

// Functions of one native histogram giving a float (upstream simpleHistogramFunc): float
// samples are ignored; the metric name is dropped.
template <double (*F)(const model::FloatHistogram&)>
void FnSimpleHistogram(std::vector<Vector>& args, const InstantCall&, Vector& out) {
  for (Sample& s : args[0]) {
    if (s.h == nullptr) continue;
    const double v = F(*s.h);
    model::Labels metric = s.metric;
    if (!metric.MetricName().empty()) {
      model::LabelsBuilder b(std::move(metric));
      b.Del("__name__");
      metric = b.Build();
    }
    out.push_back(Sample{std::move(metric), s.t, v});
  }
}

double HistCount(const model::FloatHistogram& h) { return h.count; }
double HistSum(const model::FloatHistogram& h) { return h.sum; }
double HistAvg(const model::FloatHistogram& h) { return h.sum / h.count; }

// Upstream histogramVariance: the observations are estimated at each bucket's arithmetic
// (custom buckets, zero bucket) or geometric mean.
double HistVariance(const model::FloatHistogram& h) {
  const double mean = h.sum / h.count;
  double variance = 0, c = 0;
  model::AllBucketsIter it = h.AllBucketIterator();
  while (it.Next()) {
    const model::Bucket b = it.At();
    if (b.count == 0) continue;
    double val = 0;
    if (h.UsesCustomBuckets()) {
      val = (b.upper + b.lower) / 2.0;
    } else if (b.lower <= 0 && b.upper >= 0) {
      val = 0;
    } else {
      val = std::sqrt(b.upper * b.lower);
      if (b.upper < 0) val = -val;
    }
    const double delta = val - mean;
    KahanInc(b.count * delta * delta, variance, c);
  }
  variance += c;
  return variance / h.count;
}
double HistStddev(const model::FloatHistogram& h) { return std::sqrt(HistVariance(h)); }

struct InstantEntry {
  std::string_view name;
  InstantFunc fn;
};
constexpr InstantEntry kInstantFuncs[] = {
    {"abs", FnAbs},
    {"absent", FnAbsent},
    {"acos", FnAcos},
    {"acosh", FnAcosh},
    {"asin", FnAsin},
    {"asinh", FnAsinh},
    {"atan", FnAtan},
    {"atanh", FnAtanh},
    {"ceil", FnCeil},
    {"clamp", FnClamp},
    {"clamp_max", FnClampMax},
    {"clamp_min", FnClampMin},
    {"cos", FnCos},
    {"cosh", FnCosh},
    {"day_of_month", FnDayOfMonth},
    {"day_of_week", FnDayOfWeek},
    {"day_of_year", FnDayOfYear},
    {"days_in_month", FnDaysInMonth},
    {"deg", FnDeg},
    {"exp", FnExp},
    {"floor", FnFloor},
    {"histogram_avg", FnSimpleHistogram<HistAvg>},
    {"histogram_count", FnSimpleHistogram<HistCount>},
    {"histogram_fraction", FnHistogramFraction},
    {"histogram_quantile", FnHistogramQuantile},
    {"histogram_stddev", FnSimpleHistogram<HistStddev>},
    {"histogram_stdvar", FnSimpleHistogram<HistVariance>},
    {"histogram_sum", FnSimpleHistogram<HistSum>},
    {"hour", FnHour},
    {"ln", FnLn},
    {"log10", FnLog10},
    {"log2", FnLog2},
    {"max_of", FnMaxOf},
    {"min_of", FnMinOf},
    {"minute", FnMinute},
    {"month", FnMonth},
    {"pi", FnPi},
    {"rad", FnRad},
    {"round", FnRound},
    {"scalar", FnScalar},
    {"sgn", FnSgn},
    {"sin", FnSin},
    {"sinh", FnSinh},
    {"sort", FnSort},
    {"sort_by_label", FnSortByLabel},
    {"sort_by_label_desc", FnSortByLabelDesc},
    {"sort_desc", FnSortDesc},
    {"sqrt", FnSqrt},
    {"tan", FnTan},
    {"tanh", FnTanh},
    {"time", FnTime},
    {"timestamp", FnTimestamp},
    {"vector", FnVector},
    {"year", FnYear},
};

}  // namespace

RangeFunc FindRangeFunc(std::string_view name) {
  for (const RangeEntry& e : kRangeFuncs) {
    if (e.name == name) return e.fn;
  }
  return nullptr;
}

bool InstantFuncTakesHistograms(std::string_view name) {
  return name == "histogram_avg" || name == "histogram_count" || name == "histogram_stddev" ||
         name == "histogram_stdvar" || name == "histogram_sum";
}

InstantFunc FindInstantFunc(std::string_view name) {
  for (const InstantEntry& e : kInstantFuncs) {
    if (e.name == name) return e.fn;
  }
  return nullptr;
}

double Quantile(double q, std::vector<double>& values) {
  if (values.empty() || std::isnan(q)) return std::numeric_limits<double>::quiet_NaN();
  if (q < 0) return -std::numeric_limits<double>::infinity();
  if (q > 1) return std::numeric_limits<double>::infinity();
  // vectorByValueHeap order: NaN first, then ascending.
  std::stable_sort(values.begin(), values.end(), [](double a, double b) {
    if (std::isnan(a)) return !std::isnan(b);
    return a < b;
  });
  const double n = static_cast<double>(values.size());
  const double rank = q * (n - 1);
  const double lower = std::fmax(0, std::floor(rank));
  const double upper = std::fmin(n - 1, lower + 1);
  const double weight = rank - std::floor(rank);
  return values[static_cast<size_t>(lower)] * (1 - weight) +
         values[static_cast<size_t>(upper)] * weight;
}

const std::string& StringArg(const parser::Call& c, size_t i) {
  const parser::Expr* e = Unparen(c.args[i].get());
  return static_cast<const parser::StringLiteral*>(e)->val;
}

model::Labels AbsentLabels(const parser::Expr* arg) {
  arg = Unparen(arg);
  const parser::VectorSelector* vs = nullptr;
  if (arg->kind() == ExprKind::kVectorSelector) {
    vs = static_cast<const parser::VectorSelector*>(arg);
  } else if (arg->kind() == ExprKind::kMatrixSelector) {
    vs = static_cast<const parser::VectorSelector*>(
        static_cast<const parser::MatrixSelector*>(arg)->vector_selector.get());
  } else {
    return {};
  }
  model::LabelsBuilder b;
  std::vector<std::string> has;
  for (const model::Matcher& m : vs->matchers) {
    if (m.name() == "__name__") continue;
    const bool seen = std::find(has.begin(), has.end(), m.name()) != has.end();
    if (m.type() == model::MatchType::kEqual && !seen) {
      b.Set(m.name(), m.value());
      has.push_back(m.name());
    } else {
      b.Del(m.name());
    }
  }
  return b.Build();
}

model::Labels DropMetadata(const model::Labels& l) {
  if (!l.Has("__name__") && !l.Has("__type__") && !l.Has("__unit__")) return l;
  model::LabelsBuilder b(l);
  b.Del("__name__");
  b.Del("__type__");
  b.Del("__unit__");
  return b.Build();
}

}  // namespace promkit::promql::internal

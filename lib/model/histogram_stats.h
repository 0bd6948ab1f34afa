#pragma once
// Statistics of native histograms that PromQL functions compute: histogram_quantile,
// histogram_fraction, histogram_stddev/stdvar and histogram_avg, with upstream's exact math
// (promql/quantile.go HistogramQuantile/HistogramFraction, promql/functions.go
// histogramVariance). Annotation-worthy conditions come back as flags; the engine turns them
// into its info annotations. Pure functions; thread-safe.

#include "model/histogram.h"

namespace promkit::model {

struct HistogramQuantileResult {
  double value = 0;
  // The rank lies beyond all buckets because of NaN observations (the result is NaN):
  // upstream's NativeHistogramQuantileNaNResultInfo.
  bool nan_result = false;
  // The histogram holds NaN observations (sum NaN, count above the bucket total), which skew
  // the result: upstream's NativeHistogramQuantileNaNSkewInfo.
  bool nan_skew = false;
};

// The q-quantile of h: -Inf for q < 0, +Inf for q > 1, NaN for NaN q or an empty histogram.
// Interpolates linearly in custom buckets and in the zero bucket (whose lower/upper bound is
// taken as 0 when the histogram has only positive/only negative buckets), and on a log2 scale
// in exponential buckets. Custom buckets: the first bucket's -Inf lower bound counts as 0 (or
// its upper bound is returned when <= 0); in the +Inf bucket the lower bound is returned.
// Scans from below for q < 0.5 or a NaN sum, from above otherwise.
HistogramQuantileResult HistogramQuantile(double q, const FloatHistogram& h);

struct HistogramFractionResult {
  double value = 0;
  // Sum is NaN and the buckets hold fewer observations than count (NaN observations are in no
  // bucket): upstream's NativeHistogramFractionNaNsInfo.
  bool nan_observations = false;
};

// The estimated fraction of observations in [lower, upper]: NaN for an empty histogram or a NaN
// bound, 0 when lower >= upper. Interpolation as HistogramQuantile; no interpolation inside
// buckets with an infinite bound.
HistogramFractionResult HistogramFraction(double lower, double upper, const FloatHistogram& h);

// The estimated variance of the observations: each populated bucket counts at its midpoint
// (arithmetic for custom buckets, 0 for the zero bucket, geometric for exponential buckets),
// deviations from sum/count summed with Kahan compensation, divided by count.
double HistogramStdVar(const FloatHistogram& h);
// sqrt(HistogramStdVar(h)).
double HistogramStdDev(const FloatHistogram& h);
// sum / count.
inline double HistogramAvg(const FloatHistogram& h) { return h.sum / h.count; }

}  // namespace promkit::model

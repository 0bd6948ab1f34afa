#pragma once
// Native histograms as upstream's Histogram.String() / FloatHistogram.String() print them, which
// is what `promtool tsdb dump` shows:
//   {count:<count>, sum:<sum>, <negative buckets, highest first>, <zero bucket>, <positive>}
// listing only non-empty buckets, each as "(lower,upper]:count" with brackets marking inclusive
// bounds (positive buckets "(a,b]", negative ones "[a,b)", the zero bucket "[-z,z]", custom
// buckets "(a,b]" with the first one "[-Inf,b]"). Numbers print as Go's %g ("+Inf" included).
// Lives in tsdb rather than model only because model's histogram files are another change's.
// Pure functions; thread-safe.

#include <cstdint>
#include <string>

#include "model/histogram.h"

namespace promkit::tsdb {

std::string HistogramString(const model::Histogram& h);
std::string FloatHistogramString(const model::FloatHistogram& h);

// The upper bound of bucket `idx` (the lower bound of idx+1) in `schema`, as upstream getBound:
// 2^(idx·2^-schema) for exponential schemas (math.MaxFloat64 for the last finite bucket), the
// custom bound (or ±Inf past either end) for schema -53.
double BucketBound(int32_t idx, int32_t schema, const std::vector<double>& custom_values);

}  // namespace promkit::tsdb

#pragma once
// Lowering a native histogram's schema (upstream Histogram.ReduceResolution): Prometheus 3.x
// reads histograms with schemas 9..52 (from newer writers) as schema 8, merging each run of
// 2^(from-to) buckets into one. Bucket i of schema `from` goes to ((i-1) >> (from-to)) + 1.
// Lives in tsdb only because model's histogram files are another change's. Pure functions.

#include <cstdint>

#include "model/histogram.h"
#include "util/status.h"

namespace promkit::tsdb::chunkenc {

// REQUIRES: to <= h->schema, both exponential. Fails, leaving *h unchanged, when spans and
// buckets disagree or a span after the first has a negative offset.
util::Status ReduceResolution(model::Histogram* h, int32_t to);
util::Status ReduceResolution(model::FloatHistogram* h, int32_t to);

}  // namespace promkit::tsdb::chunkenc

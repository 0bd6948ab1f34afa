#pragma once
// The values a PromQL evaluation produces (upstream promql/value.go): scalars, strings, instant
// vectors (one sample per series) and matrices (many points per series). A sample is a float or
// a native histogram (upstream's Sample.F / Sample.H); histograms are immutable once made and
// shared by pointer, so copying a sample stays cheap.
// Thread-safety: plain values.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/histogram.h"
#include "model/labels.h"
#include "storage/interface.h"

namespace promkit::promql {

// One float point of a series.
using FPoint = storage::FloatPoint;

// A native histogram value; never mutated once shared.
using HistogramPtr = std::shared_ptr<const model::FloatHistogram>;

// One histogram point of a series.
struct HPoint {
  int64_t t = 0;
  HistogramPtr h = nullptr;
};

// One element of an instant vector: a float (h null) or a native histogram (f unused).
struct Sample {
  model::Labels metric;
  int64_t t = 0;
  double f = 0;
  HistogramPtr h = nullptr;
};
using Vector = std::vector<Sample>;

// One series of a matrix; float and histogram points each in increasing time order (a series
// may have both, at different timestamps).
struct Series {
  model::Labels metric;
  std::vector<FPoint> floats;
  std::vector<HPoint> histograms = {};
};
using Matrix = std::vector<Series>;

struct Scalar {
  int64_t t = 0;
  double v = 0;
};

struct String {
  int64_t t = 0;
  std::string v;
};

enum class ValueKind : uint8_t { kNone, kScalar, kString, kVector, kMatrix };

// A query result: exactly one of the members is meaningful, as `kind` says.
struct Value {
  ValueKind kind = ValueKind::kNone;
  Scalar scalar;
  String string;
  Vector vector;
  Matrix matrix;
};

// "scalar", "string", "vector", "matrix" (the API's resultType); "none" for kNone.
std::string_view ValueKindName(ValueKind k);

}  // namespace promkit::promql

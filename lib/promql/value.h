#pragma once
// The values a PromQL evaluation produces (upstream promql/value.go): scalars, strings, instant
// vectors (one sample per series) and matrices (many points per series). Float samples only:
// native histograms are rejected with a "not supported" error before they reach these types.
// Thread-safety: plain values.

#include <cstdint>
#include <string>
#include <vector>

#include "model/labels.h"
#include "storage/interface.h"

namespace promkit::promql {

// One float point of a series.
using FPoint = storage::FloatPoint;

// One element of an instant vector.
struct Sample {
  model::Labels metric;
  int64_t t = 0;
  double f = 0;
};
using Vector = std::vector<Sample>;

// One series of a matrix; points in increasing time order.
struct Series {
  model::Labels metric;
  std::vector<FPoint> floats;
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

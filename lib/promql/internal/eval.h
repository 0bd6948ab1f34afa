#pragma once
// What the evaluator (engine.cpp) and the function implementations (functions.cpp) share:
// the per-node matrix representation, evaluation errors and annotations.
// Internal to lib/promql.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "promql/engine.h"
#include "promql/parser/ast.h"
#include "promql/value.h"

namespace promkit::promql::internal {

// Thrown inside the evaluator only (upstream panics and recovers the same way); Engine::Exec
// catches it and turns it into Result::error. Never crosses the module boundary.
struct EvalError {
  ErrorType type = ErrorType::kExecution;
  std::string msg;
};

[[noreturn]] void Fail(std::string msg, ErrorType type = ErrorType::kExecution);

// Annotations of one query, deduplicated by text (upstream keys its map by the error string).
class Annotations {
 public:
  explicit Annotations(std::string_view query) : query_(query) {}
  void Warn(std::string msg, parser::PositionRange pos) { Add(false, std::move(msg), pos); }
  void Info(std::string msg, parser::PositionRange pos) { Add(true, std::move(msg), pos); }
  // histogram_quantile's monotonicity info, merged across steps as upstream merges it.
  void ForcedMonotonicity(parser::PositionRange pos, int64_t ts, double min_bucket,
                          double max_bucket, double max_diff);
  std::vector<Annotation> Finish() const;

 private:
  void Add(bool info, std::string msg, parser::PositionRange pos);
  struct Monotonicity {
    parser::PositionRange pos;
    int64_t min_ts = 0, max_ts = 0;
    double min_bucket = 0, max_bucket = 0, max_diff = 0;
    int count = 0;
    size_t order = 0;
  };
  std::string_view query_;
  std::vector<std::pair<Annotation, size_t>> items_;
  std::optional<Monotonicity> mono_;
  size_t next_order_ = 0;
};

// "1:5" for the start of `pos` in `query` (upstream's StartPosInput).
std::string PosString(std::string_view query, parser::PositionRange pos);

// One series of an intermediate result: float and histogram points, each in time order (at
// distinct timestamps).
struct EvalSeries {
  model::Labels metric;
  std::vector<FPoint> floats;
  std::vector<HPoint> histograms = {};
};
using EvalMatrix = std::vector<EvalSeries>;

// The labels without __name__, __type__ and __unit__ (upstream DropReserved(IsMetadataLabel)).
model::Labels DropMetadata(const model::Labels& l);

// The context a range-vector function is called with for one series at one step.
struct RangeCall {
  const parser::Call* call = nullptr;
  int64_t ts = 0;           // the step's evaluation time
  int64_t range_start = 0;  // window (range_start, range_end], offset and @ applied
  int64_t range_end = 0;
  int64_t range_ms = 0;
  std::span<const double> scalars;  // the call's other (scalar) arguments at this step
  bool window_has_resets = true;    // false when no point in the window is below its predecessor
  const model::Labels* metric = nullptr;  // the input series
  Annotations* annos = nullptr;
};

// A range-vector function: the value for one window, or nothing.
using RangeFunc = std::optional<double> (*)(std::span<const FPoint> pts, const RangeCall& c);
// The implementation of a function over a range vector, or nullptr when `name` takes none.
RangeFunc FindRangeFunc(std::string_view name);

// The context an instant-vector function is called with at one step.
struct InstantCall {
  const parser::Call* call = nullptr;
  int64_t ts = 0;
  bool range_query = false;  // start != end (sort warns)
  Annotations* annos = nullptr;
};

// An instant-vector/scalar function: args[i] holds argument i at this step (scalars as a
// one-element vector, strings as empty vectors; read strings from the call's AST).
using InstantFunc = void (*)(std::vector<Vector>& args, const InstantCall& c, Vector& out);
InstantFunc FindInstantFunc(std::string_view name);
// Whether the instant function reads histogram samples (Sample::h); the others never see them.
bool InstantFuncTakesHistograms(std::string_view name);

// Helpers shared with aggregations.
double Quantile(double q, std::vector<double>& values);  // upstream quantile(); sorts values
// Upstream kahansum.Inc.
inline void KahanInc(double inc, double& sum, double& c) {
  double t = sum + inc;
  if (__builtin_isinf(t)) {
    c = 0;
  } else if (__builtin_fabs(sum) >= __builtin_fabs(inc)) {
    c += (sum - t) + inc;
  } else {
    c += (inc - t) + sum;
  }
  sum = t;
}

// The string argument i of a call (a StringLiteral, possibly in parentheses).
const std::string& StringArg(const parser::Call& c, size_t i);

// The labels absent()/absent_over_time() return for their argument.
model::Labels AbsentLabels(const parser::Expr* arg);

}  // namespace promkit::promql::internal

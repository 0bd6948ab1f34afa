#pragma once
// The PromQL engine (upstream promql/engine.go): evaluates a parsed expression over a
// storage::Queryable at one instant or over a range of steps. Range queries are evaluated
// step-grid-at-a-time per node, and range-vector functions series-at-a-time, so each series'
// samples are decoded once per query, not once per step.
// Thread-safety: an Engine is immutable and may run queries from several threads at once.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "promql/parser/parser.h"
#include "promql/value.h"
#include "storage/interface.h"

namespace promkit::promql {

struct EngineOptions {
  int64_t lookback_delta_ms = 5 * 60 * 1000;         // --query.lookback-delta
  int64_t max_samples = 50000000;                    // --query.max-samples
  std::chrono::milliseconds timeout{2 * 60 * 1000};  // --query.timeout; 0 = none
  // Step of subqueries written without one (`x[5m:]`): the global evaluation interval.
  int64_t no_step_subquery_interval_ms = 60 * 1000;
  bool enable_at_modifier = true;      // always on in Prometheus 3.x
  bool enable_negative_offset = true;  // always on in Prometheus 3.x
  parser::Options parser;              // feature flags for parsing
  // Whether results may hold native histogram samples (Sample::h, Series::histograms). Callers
  // that read only floats leave it off: a query whose result holds a histogram then fails with
  // a "not supported" error instead of the histogram being read as a float.
  bool native_histogram_results = false;
};

// Why a query failed, as the HTTP API classifies it ("errorType").
enum class ErrorType : uint8_t {
  kNone,
  kBadData,    // parse errors, bad parameters
  kExecution,  // evaluation errors (many-to-many matching, too many samples, ...)
  kTimeout,
  kCanceled,
  kInternal,  // storage failures
};
std::string_view ErrorTypeName(ErrorType t);  // "bad_data", "execution", ...

// One annotation (upstream util/annotations): "PromQL warning: ... (1:5)".
struct Annotation {
  bool info = false;  // PromQL info rather than a warning
  std::string text;
};

struct QueryStats {
  int64_t total_samples = 0;  // samples loaded from storage (and produced by subqueries)
  int64_t peak_samples = 0;   // most samples held at once
  double exec_seconds = 0;    // wall time of evaluation
};

struct Result {
  Value value;
  ErrorType error_type = ErrorType::kNone;
  std::string error;                    // upstream's error text when error_type != kNone
  std::vector<Annotation> annotations;  // deduplicated, in the order met
  QueryStats stats;

  bool ok() const { return error_type == ErrorType::kNone; }
};

class Engine {
 public:
  explicit Engine(EngineOptions opts = {});

  // Parses and evaluates `query` at `ts_ms`. The result is a scalar, string or vector, or a
  // matrix when the expression is a range vector.
  Result InstantQuery(storage::Queryable& q, std::string_view query, int64_t ts_ms) const;
  // Parses and evaluates `query` at start, start+step, ... <= end. The result is a matrix;
  // expressions that are not scalars or instant vectors fail (bad_data), as upstream.
  Result RangeQuery(storage::Queryable& q, std::string_view query, int64_t start_ms, int64_t end_ms,
                    int64_t step_ms) const;

  const EngineOptions& options() const { return opts_; }

 private:
  Result Exec(storage::Queryable& q, std::string_view query, int64_t start_ms, int64_t end_ms,
              int64_t step_ms, bool range) const;

  EngineOptions opts_;
};

}  // namespace promkit::promql

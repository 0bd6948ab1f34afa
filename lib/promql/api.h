#pragma once
// The query endpoints of Prometheus's HTTP API v1 (upstream web/api/v1/api.go) over a
// storage::Queryable: /api/v1/query, /query_range, /series and /label/<name>/values, with
// upstream's parameter checks, error types and messages, and the response body byte for byte as
// Prometheus encodes it (json-iterator with its custom sample encoders). `promkit query
// --tsdb.path` answers through these; the daemon's API is meant to serve them too.
// Times here are already parsed (int64 ms): parsing request strings is the caller's business.
// Thread-safety: free functions, reentrant; an ApiResponse is a plain value.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/labels.h"
#include "promql/engine.h"
#include "promql/value.h"
#include "storage/interface.h"

namespace promkit::promql {

enum class ApiDataKind : uint8_t {
  kNone,     // failures
  kQuery,    // {"resultType": ..., "result": ...}
  kSeries,   // [{labels}, ...]
  kStrings,  // ["value", ...]
};

struct ApiResponse {
  std::string error_type;  // empty on success, else "bad_data", "execution", "timeout", ...
  std::string error;
  ApiDataKind kind = ApiDataKind::kNone;
  Value value;                        // kQuery
  std::vector<model::Labels> series;  // kSeries
  std::vector<std::string> strings;   // kStrings
  std::vector<std::string> warnings;  // at most 10, then "N more warning annotations omitted"
  std::vector<std::string> infos;     // likewise
  // The `stats` object as JSON, empty when not asked for. Local queries report what promkit
  // measures truthfully, the timings evalTotalTime (parsing, selecting, evaluating) and
  // execTotalTime (the whole call); the engine's sample counters count differently from
  // upstream's totalQueryableSamples and peakSamples, so those are left out.
  std::string stats_json;

  bool ok() const { return error_type.empty(); }
};

// GET /api/v1/query?query=...&time=... A query that does not parse fails as upstream:
// bad_data, `invalid parameter "query": 1:5: parse error: ...`.
ApiResponse ApiQuery(const Engine& engine, storage::Queryable& q, std::string_view query,
                     int64_t time_ms, bool stats);

// GET /api/v1/query_range. Upstream's checks first: end before start, step <= 0, more than
// 11,000 points per series.
ApiResponse ApiQueryRange(const Engine& engine, storage::Queryable& q, std::string_view query,
                          int64_t start_ms, int64_t end_ms, int64_t step_ms, bool stats);

// GET /api/v1/series?match[]=...: the label sets of the series matching any selector with
// samples in [start, end], sorted and unique. Needs at least one selector, each with a matcher
// that does not match the empty string.
ApiResponse ApiSeries(storage::Queryable& q, std::span<const std::string> matches, int64_t start_ms,
                      int64_t end_ms);

// GET /api/v1/label/<name>/values: sorted distinct values of `name` among the series matching
// any selector (all series without one) in [start, end].
ApiResponse ApiLabelValues(storage::Queryable& q, std::string_view name,
                           std::span<const std::string> matches, int64_t start_ms, int64_t end_ms);

// The response body exactly as Prometheus writes it (no trailing newline):
//   {"status":"success","data":{"resultType":"vector","result":[...]},"warnings":[...]}
//   {"status":"error","errorType":"bad_data","error":"..."}
std::string EncodeApiResponse(const ApiResponse& r);

// The API's encodings of single values, for other renderers of API-shaped output:
// a sample value as json-iterator writes it (quoted; 'e' below 1e-6 and from 1e21), and a
// timestamp as seconds with exactly three decimals when not whole ("1700000000.500").
void AppendApiFloat(std::string& out, double v);
// A native histogram as the API prints it (upstream jsonutil.MarshalHistogram): {"count":"..",
// "sum":"..","buckets":[[boundary rule,"lower","upper","count"],...]}, empty buckets omitted.
void AppendApiHistogram(std::string& out, const model::FloatHistogram& h);
void AppendApiTimestamp(std::string& out, int64_t ms);

}  // namespace promkit::promql

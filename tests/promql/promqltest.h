#pragma once
// A runner for upstream's promqltest `.test` scripts (promql/promqltest in Prometheus; format in
// testdata/conformance/README.md, "promqltest .test format"): `load`, `clear`, `eval instant` /
// `eval range` with their expectations, and upstream's comparison rules (relative 1e-6, NaN equals
// NaN, a stale marker equals only a stale marker, matrices sorted by labels, instant evals rerun
// as a range query around the eval time). Upstream's optional rerun of instant evals with `@`
// pinned on every selector is not done.
//
// Two halves: ParseScript and the Check*/Compare* functions need no engine (promkit_promqltest);
// RunScript/RunTestFile evaluate through promql::Engine over a storage::MemoryStorage
// (promkit_promqltest_run, built once lib/promql has the engine).
// Thread-safety: plain functions and values.

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "model/labels.h"
#include "promql/engine.h"
#include "promql/parser/parser.h"
#include "promql/value.h"
#include "util/status.h"

namespace promkit::promql::promqltest {

// One `expect <kind> [msg: <text> | regex: <re>]` (without either, any text matches).
struct Expectation {
  bool is_regex = false;
  std::string text;  // the exact message, or an RE2 pattern matched anywhere (Go's MatchString)

  bool Matches(std::string_view s) const;
  // "message \"...\"" or "pattern \"...\"" for failure messages.
  std::string Describe() const;
};

enum class ExpectKind : uint8_t { kOrdered, kFail, kWarn, kNoWarn, kInfo, kNoInfo };
inline constexpr size_t kNumExpectKinds = 6;

// One expected series line: labels and its values (one for instant vectors; for matrices value i
// is at start + i*step).
struct ExpectedSeries {
  model::Labels labels;
  std::vector<parser::SequenceValue> values;
  int pos = 0;   // upstream's position for `ordered` (1-based among the result lines)
  int line = 0;  // 1-based line in the script
};

struct LoadedSeries {
  model::Labels labels;
  std::vector<std::pair<int64_t, double>> samples;  // (ms, value), increasing time
  std::vector<HPoint> histograms = {};              // native histogram samples, increasing time
  int line = 0;
};

struct LoadCmd {
  int line = 0;
  int64_t step_ms = 0;
  bool with_nhcb = false;  // load_with_nhcb: the native-histogram merge is not done
  // Distinct series in order of first definition; a later line for the same labels replaces an
  // earlier one, as upstream's map does.
  std::vector<LoadedSeries> series;
  // Lines whose values are native histograms ({{...}}), which the series notation parser does
  // not support: those series are not loaded.
  std::vector<int> histogram_lines;
};

struct ClearCmd {
  int line = 0;
};

struct EvalCmd {
  int line = 0;  // 1-based line of the `eval` line
  std::string expr;
  // Set when `expr` does not parse (upstream rejects the whole script; we fail only this eval).
  std::string parse_error;

  bool is_range = false;
  int64_t eval_ms = 0;                    // instant: the evaluation time
  int64_t start_ms = 0, end_ms = 0;       // range, or `expect range vector`
  int64_t step_ms = 0;                    // range, or `expect range vector`
  bool expect_range_vector = false;       // an instant eval expecting a matrix
  bool exclude_from_range_query = false;  // `expect range vector` / `expect string`

  // The eval_fail / eval_warn / eval_info / eval_ordered spellings.
  bool fail = false, warn = false, info = false, ordered = false;
  std::string expected_fail_message;                // expected_fail_message <text>
  std::optional<std::string> expected_fail_regexp;  // expected_fail_regexp <re>
  std::array<std::vector<Expectation>, kNumExpectKinds> expects;

  bool expect_scalar = false;
  parser::SequenceValue scalar;
  std::vector<ExpectedSeries> series;  // distinct labels; a repeated line replaces the earlier
  std::string expected_string;         // `expect string "..."`
  // Lines with native-histogram expected values ({{...}}), which cannot be parsed here.
  std::vector<int> histogram_lines;

  bool IsOrdered() const { return ordered || !Expects(ExpectKind::kOrdered).empty(); }
  bool IsFail() const { return fail || !Expects(ExpectKind::kFail).empty(); }
  const std::vector<Expectation>& Expects(ExpectKind k) const {
    return expects[static_cast<size_t>(k)];
  }
  const ExpectedSeries* FindSeries(const model::Labels& l) const;
};

using Command = std::variant<LoadCmd, ClearCmd, EvalCmd>;

struct Script {
  std::vector<Command> cmds;
};

// Parses a whole script. Fails with "line N: <what>" on the first malformed command, as
// upstream refuses a script it cannot read (except for unparseable PromQL, see EvalCmd).
util::Result<Script> ParseScript(std::string_view text);

// --- Comparison (no engine needed). Each returns an empty string on a match, otherwise what
// differed, naming the series and the expected and actual values.

// upstream util/almost.Equal: NaN equals NaN, StaleNaN equals only StaleNaN, otherwise relative
// difference below `epsilon` (absolute below epsilon*minNormal near zero).
bool AlmostEqual(double a, double b, double epsilon = 1e-6);

std::string CompareResult(const EvalCmd& ev, const Value& v);
// `warnings` and `infos` are the annotation texts of the result.
std::string CheckAnnotations(const EvalCmd& ev, const std::vector<std::string>& warnings,
                             const std::vector<std::string>& infos);
// For an eval expecting failure: whether `error` is the failure expected.
std::string CheckExpectedFailure(const EvalCmd& ev, std::string_view error);
// upstream's assertMatrixSorted.
std::string CheckMatrixSorted(const Matrix& m);

// upstream's compareNativeHistogram: both compacted, schema, zero threshold and spans exact,
// counts, sum and buckets within AlmostEqual, custom bounds for custom-bucket schemas, and the
// counter reset hint only when the expectation gave it (`hint_set`).
bool HistogramsMatch(const model::FloatHistogram& want, const model::FloatHistogram& got,
                     bool hint_set);

// Go's strconv.ParseInt(s, 0, 64) falling back to strconv.ParseFloat (upstream's parseNumber).
util::Result<double> ParseNumber(std::string_view s);
// Go's strconv.Unquote ("...", `...`, or a one-character '...').
util::Result<std::string> GoUnquote(std::string_view s);

// --- Running (needs promkit::promql).

enum class Outcome : uint8_t { kPassed, kFailed, kSkipped };

struct EvalReport {
  int line = 0;
  std::string expr;
  Outcome outcome = Outcome::kPassed;
  std::string reason;  // why it failed (the diff), or why it was skipped
};

struct FileReport {
  std::string file;   // as given (for messages)
  std::string error;  // the script could not be read or parsed: nothing ran
  std::vector<EvalReport> evals;
  int passed = 0, failed = 0, skipped = 0;
  std::map<std::string, int> skipped_by_reason;
  int histogram_series_dropped = 0;  // load lines with {{...}} values not loaded

  bool ok() const { return error.empty() && failed == 0; }
  // "file:line: query: reason" for every failed eval (and the file error), one per line.
  std::string FailureText() const;
};

// The options upstream's NewTestEngine uses: lookback 5m, at most 10000 samples, 100s timeout,
// subquery step 1m, @ and negative offsets, every parser feature flag on.
EngineOptions UpstreamTestEngineOptions();

// Returns the reason to skip an eval, or an empty string to run it.
using SkipFn = std::function<std::string(const EvalCmd&)>;

FileReport RunScript(const Script& script, std::string_view file, const EngineOptions& opts,
                     const SkipFn& skip = {});
// Reads, parses and runs the script at `path`; FileReport::file is the path's last component.
FileReport RunTestFile(const std::string& path, const EngineOptions& opts, const SkipFn& skip = {});

}  // namespace promkit::promql::promqltest

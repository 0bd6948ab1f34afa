#pragma once
// Backfilling rules into blocks: promtool's `tsdb create-blocks-from rules` (upstream
// cmd/promtool/rules.go) as one library call over a range-query function, which asks a server
// (promtool) or evaluates locally (promkit's --tsdb.path).
//
// What upstream does, and so what happens here: every rule of every group (recording rules,
// and also alerting rules, whose expression output is written under the alert's name, as
// upstream's importer does) is evaluated as range queries, one per block window: windows of the
// block duration (2h, or as --max-block-duration picks it) from the start rounded down to a
// multiple of it, each query starting at the group's first evaluation time in the window (the
// group's hash-based offset, as Prometheus schedules it) and stepping by the group's interval.
// Each window's result becomes one block (one block per rule per window), its series named by
// the rule and carrying the rule's labels over the query's. Times are whole seconds: the start
// and end are truncated as upstream's time.Unix() does. A rule that fails does not stop the
// others; its error is reported and the run fails at the end.
// Thread-safety: the call is self-contained; callbacks run on the calling thread.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "promql/value.h"
#include "rules/rules.h"
#include "tsdb/meta.h"
#include "util/file.h"
#include "util/status.h"

namespace promkit::rules {

// A range query of `expr` from `start_ns` to `end_ns` every `step_ns` (nanoseconds, as upstream
// passes times to its API client), returning the matrix; warnings go to `warnings`.
using RangeQueryFn = std::function<util::Result<promql::Matrix>(
    const std::string& expr, int64_t start_ns, int64_t end_ns, int64_t step_ns,
    std::vector<std::string>& warnings)>;

struct RuleBackfillOptions {
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  int64_t max_block_duration_ms = 0;  // up to 2h: 2h
  std::string output_dir;
  util::Env* env = util::Env::Default();
  // Progress, in upstream's log words: a message ("processing group", "processing rule", query
  // warnings) and its attributes as key=value text.
  std::function<void(const std::string& msg, const std::string& attrs)> log;
  // Each block written.
  std::function<void(const tsdb::BlockMeta& meta)> on_block;
};

// Upstream Group.EvalTimestamp: the group's evaluation time at or before `t_ns`, offset from the
// interval grid by the hash of the group's name and file.
int64_t GroupEvalTimestampNs(const Group& g, int64_t t_ns);

// Backfills every rule of `groups` in order. Returns one error per failed rule, in upstream's
// words ("query range: ...", "add: ...", "flush and commit: ..."); empty when all went well.
std::vector<util::Status> BackfillRules(const std::vector<Group>& groups, const RangeQueryFn& query,
                                        const RuleBackfillOptions& opts);

}  // namespace promkit::rules

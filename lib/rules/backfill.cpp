#include "rules/backfill.h"

#include <algorithm>

#include <fmt/core.h>

#include "model/labels.h"
#include "tsdb/backfill.h"
#include "tsdb/block_writer.h"
#include "util/strings.h"

namespace promkit::rules {
namespace {

constexpr int64_t kNsPerSec = 1'000'000'000;
constexpr int64_t kMsPerSec = 1000;

// Go's time.Unix() of a time given in nanoseconds: whole seconds, rounded down.
int64_t UnixSeconds(int64_t ns) {
  int64_t s = ns / kNsPerSec;
  if (ns % kNsPerSec < 0) --s;
  return s;
}

void Log(const RuleBackfillOptions& opts, const std::string& msg, const std::string& attrs) {
  if (opts.log) opts.log(msg, attrs);
}

// One rule over every block window.
util::Status BackfillRule(const Group& g, const Rule& r, const RangeQueryFn& query,
                          const RuleBackfillOptions& opts) {
  const int64_t block = tsdb::CompatibleBlockDuration(opts.max_block_duration_ms);
  const int64_t start_s = UnixSeconds(opts.start_ns);
  const int64_t end_s = UnixSeconds(opts.end_ns);
  const int64_t interval_ns = g.interval_ms() * 1'000'000;
  const int64_t start_ms = start_s * kMsPerSec;
  const int64_t end_ms = end_s * kMsPerSec;
  for (int64_t block_start = block * (start_ms / block); block_start <= end_ms;
       block_start += block) {
    const int64_t block_end = block_start + block - 1;
    const int64_t window_start = std::max(block_start / kMsPerSec, start_s);
    int64_t first = GroupEvalTimestampNs(g, window_start * kNsPerSec);
    while (UnixSeconds(first) < window_start) first += interval_ns;
    const int64_t window_end_ns = std::min(block_end / kMsPerSec, end_s) * kNsPerSec;
    if (window_end_ns < first) break;

    std::vector<std::string> warnings;
    util::Result<promql::Matrix> matrix =
        query(r.query(), first, window_end_ns, interval_ns, warnings);
    if (!matrix.ok()) return matrix.status().Wrap("query range");
    if (!warnings.empty()) {
      std::string joined;
      for (const std::string& w : warnings) joined += (joined.empty() ? "" : ", ") + w;
      Log(opts, "Range query returned warnings.", "warnings=" + util::GoQuote(joined));
    }

    // Twice the block: upstream's writer appends throughout the window without compacting.
    tsdb::BlockBuilder builder(2 * block);
    for (const promql::Series& s : *matrix) {
      model::LabelsBuilder lb(s.metric);
      for (const model::Label& l : r.labels()) lb.Set(l.name, l.value);
      lb.Set("__name__", r.name());
      const model::Labels labels = lb.Build();
      const tsdb::BlockBuilder::SeriesRef ref = builder.GetOrCreate(labels);
      for (const promql::FPoint& p : s.floats) {
        if (util::Status st = builder.Append(ref, p.t, p.f); !st.ok()) {
          return st.Wrap("multiappender append").Wrap("add");
        }
      }
    }
    util::Result<tsdb::BlockMeta> meta = builder.Flush(opts.output_dir, opts.env);
    if (!meta.ok()) return meta.status().Wrap("multiappender flush").Wrap("flush and commit");
    if (!meta->ulid.empty() && opts.on_block) opts.on_block(*meta);
  }
  return util::Status::Ok();
}

}  // namespace

int64_t GroupEvalTimestampNs(const Group& g, int64_t t_ns) {
  const uint64_t interval = static_cast<uint64_t>(g.interval_ms()) * 1'000'000;
  if (interval == 0) return t_ns;
  const model::Labels key = model::Labels::FromList({{"name", g.name()}, {"file", g.file()}});
  const auto offset = static_cast<int64_t>(key.GoHash() % interval);
  const int64_t adjusted = t_ns - offset;
  const int64_t base = adjusted - adjusted % static_cast<int64_t>(interval);
  return base + offset;
}

std::vector<util::Status> BackfillRules(const std::vector<Group>& groups, const RangeQueryFn& query,
                                        const RuleBackfillOptions& opts) {
  std::vector<util::Status> errors;
  for (const Group& g : groups) {
    // Upstream logs the group by its key in the manager: "<file>;<name>".
    Log(opts, "processing group", "name=" + util::GoQuote(g.file() + ";" + g.name()));
    for (size_t i = 0; i < g.rules().size(); ++i) {
      const Rule& r = *g.rules()[i];
      Log(opts, "processing rule", fmt::format("id={} name={}", i, util::GoQuote(r.name())));
      if (util::Status st = BackfillRule(g, r, query, opts); !st.ok()) {
        errors.push_back(std::move(st));
      }
    }
  }
  return errors;
}

}  // namespace promkit::rules

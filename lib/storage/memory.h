#pragma once
// MemoryStorage: an in-memory series store (float samples and float native histograms) behind the
// Queryable interface, for tests, promtool's `test rules` and backfilling from rules (the role
// upstream's util/teststorage plays there). Samples of a series are kept sorted by timestamp;
// appending a timestamp a series already has replaces that sample's value (upstream's storage
// rejects a different value for a duplicate timestamp; the promqltest scripts never load one, and
// rule backfill wants the last value to win). An inverted index (label name -> value -> series)
// keeps selection cheap for tens of thousands of series.
//
// Thread-safety: every method may be called from several threads at once. Queriers copy the
// samples they select (only those inside the querier's range and the Select hints), so a querier
// and what it returned stay valid and unchanged while other threads append or Clear().

#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/labels.h"
#include "storage/interface.h"

namespace promkit::storage {

class MemoryStorage final : public Queryable {
 public:
  MemoryStorage();
  ~MemoryStorage() override;
  MemoryStorage(const MemoryStorage&) = delete;
  MemoryStorage& operator=(const MemoryStorage&) = delete;

  // Adds sample (t_ms, v) to the series `labels`, creating the series if needed. Any float is
  // stored bit for bit, the StaleNaN staleness marker included.
  // REQUIRES: `labels` is not empty.
  void Append(const model::Labels& labels, int64_t t_ms, double v);
  // Adds a native histogram sample (t_ms, h), as Append does for floats; iterators return it as
  // ValueType::kFloatHistogram. A float and a histogram at the same timestamp: the last wins.
  // REQUIRES: `labels` is not empty.
  void AppendHistogram(const model::Labels& labels, int64_t t_ms, model::FloatHistogram h);
  // Drops every series.
  void Clear();

  size_t NumSeries() const;
  size_t NumSamples() const;

  // A querier over [mint, maxt] (inclusive). Series without samples in that range are not
  // selected, as a TSDB querier would not return them.
  // REQUIRES: the storage outlives the querier.
  util::Result<std::unique_ptr<Querier>> NewQuerier(int64_t mint, int64_t maxt) override;

  struct Point {
    int64_t t;
    double v;
    std::shared_ptr<const model::FloatHistogram> h;  // set for a histogram sample (v unused)
  };

 private:
  friend class MemoryQuerier;

  struct SeriesData {
    model::Labels labels;
    std::vector<Point> points;  // strictly increasing t
  };

  // Ids (indexes into series_) of the series matching all `matchers`, ascending.
  // REQUIRES: mu_ held (shared is enough).
  std::vector<uint32_t> MatchingIds(std::span<const model::Matcher> matchers) const;
  // Ids of the series having `name` with a value `m` accepts (all values when `m` is null).
  // REQUIRES: mu_ held.
  std::vector<uint32_t> IdsWithLabel(const std::string& name, const model::Matcher* m) const;
  void AppendPoint(const model::Labels& labels, Point p);

  mutable std::shared_mutex mu_;
  std::vector<SeriesData> series_;                       // GUARDED_BY(mu_)
  std::unordered_map<std::string, uint32_t> by_labels_;  // encoded labels -> id; GUARDED_BY(mu_)
  // name -> value -> ascending ids of the series with that label. GUARDED_BY(mu_)
  std::unordered_map<std::string, std::unordered_map<std::string, std::vector<uint32_t>>> postings_;
  size_t num_samples_ = 0;  // GUARDED_BY(mu_)
};

}  // namespace promkit::storage

#include "storage/memory.h"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <utility>

#include "util/check.h"

namespace promkit::storage {
namespace {

using Point = MemoryStorage::Point;
using Points = std::vector<Point>;

// Iterates a snapshot of one series' points.
class PointsIterator final : public SampleIterator {
 public:
  explicit PointsIterator(std::shared_ptr<const Points> points) : points_(std::move(points)) {}

  ValueType Next() override {
    if (!started_) {
      started_ = true;
    } else if (pos_ < points_->size()) {
      ++pos_;
    }
    return Current();
  }

  ValueType Seek(int64_t t) override {
    started_ = true;
    if (pos_ >= points_->size()) return ValueType::kNone;
    if ((*points_)[pos_].t >= t) return Current();
    auto it = std::lower_bound(points_->begin() + static_cast<std::ptrdiff_t>(pos_), points_->end(),
                               t, [](const Point& p, int64_t ts) { return p.t < ts; });
    pos_ = static_cast<size_t>(it - points_->begin());
    return Current();
  }

  int64_t AtT() const override { return (*points_)[pos_].t; }
  double AtFloat() const override { return (*points_)[pos_].v; }
  void AtFloatHistogram(model::FloatHistogram* out) const override {
    const Point& p = (*points_)[pos_];
    if (p.h != nullptr) {
      *out = *p.h;
    } else {
      *out = model::FloatHistogram{};
    }
  }
  util::Status Err() const override { return util::Status::Ok(); }

 private:
  ValueType Current() const {
    if (pos_ >= points_->size()) return ValueType::kNone;
    return (*points_)[pos_].h != nullptr ? ValueType::kFloatHistogram : ValueType::kFloat;
  }

  std::shared_ptr<const Points> points_;
  size_t pos_ = 0;
  bool started_ = false;
};

class SnapshotSeries final : public Series {
 public:
  SnapshotSeries(model::Labels labels, std::shared_ptr<const Points> points)
      : labels_(std::move(labels)), points_(std::move(points)) {}
  const model::Labels& Labels() const override { return labels_; }
  std::unique_ptr<SampleIterator> Iterator() const override {
    return std::make_unique<PointsIterator>(points_);
  }

 private:
  model::Labels labels_;
  std::shared_ptr<const Points> points_;
};

class ListSeriesSet final : public SeriesSet {
 public:
  explicit ListSeriesSet(std::vector<SnapshotSeries> series) : series_(std::move(series)) {}
  bool Next() override {
    if (started_ && pos_ < series_.size()) ++pos_;
    started_ = true;
    return pos_ < series_.size();
  }
  const Series& At() const override {
    PROMKIT_CHECK(started_ && pos_ < series_.size()) << "BUG: At() outside a SeriesSet";
    return series_[pos_];
  }
  util::Status Err() const override { return util::Status::Ok(); }

 private:
  std::vector<SnapshotSeries> series_;
  size_t pos_ = 0;
  bool started_ = false;
};

// The points of `pts` with mint <= t <= maxt.
std::pair<Points::const_iterator, Points::const_iterator> InRange(const Points& pts, int64_t mint,
                                                                  int64_t maxt) {
  auto lo = std::lower_bound(pts.begin(), pts.end(), mint,
                             [](const Point& p, int64_t t) { return p.t < t; });
  auto hi =
      std::upper_bound(lo, pts.end(), maxt, [](int64_t t, const Point& p) { return t < p.t; });
  return {lo, hi};
}

bool HasPointsIn(const Points& pts, int64_t mint, int64_t maxt) {
  if (mint > maxt) return false;
  auto [lo, hi] = InRange(pts, mint, maxt);
  return lo != hi;
}

std::vector<uint32_t> Intersect(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  std::vector<uint32_t> out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

}  // namespace

class MemoryQuerier final : public Querier {
 public:
  MemoryQuerier(const MemoryStorage* s, int64_t mint, int64_t maxt)
      : s_(s), mint_(mint), maxt_(maxt) {}

  std::unique_ptr<SeriesSet> Select(bool sorted, const SelectHints* hints,
                                    std::span<const model::Matcher> matchers) override {
    int64_t lo = mint_, hi = maxt_;
    if (hints != nullptr) {
      lo = std::max(lo, hints->start);
      hi = std::min(hi, hints->end);
    }
    std::vector<SnapshotSeries> out;
    {
      std::shared_lock lock(s_->mu_);
      for (uint32_t id : s_->MatchingIds(matchers)) {
        const MemoryStorage::SeriesData& sd = s_->series_[id];
        if (lo > hi) break;
        auto [first, last] = InRange(sd.points, lo, hi);
        if (first == last) continue;
        out.emplace_back(sd.labels, std::make_shared<const Points>(first, last));
      }
    }
    if (sorted) {
      std::sort(out.begin(), out.end(), [](const SnapshotSeries& a, const SnapshotSeries& b) {
        return model::Labels::Compare(a.Labels(), b.Labels()) < 0;
      });
    }
    return std::make_unique<ListSeriesSet>(std::move(out));
  }

  util::Result<std::vector<std::string>> LabelValues(
      const std::string& name, std::span<const model::Matcher> matchers) override {
    std::vector<std::string> values;
    std::shared_lock lock(s_->mu_);
    if (matchers.empty()) {
      auto it = s_->postings_.find(name);
      if (it == s_->postings_.end()) return values;
      for (const auto& [value, ids] : it->second) {
        for (uint32_t id : ids) {
          if (HasPointsIn(s_->series_[id].points, mint_, maxt_)) {
            values.push_back(value);
            break;
          }
        }
      }
    } else {
      for (uint32_t id : s_->MatchingIds(matchers)) {
        const MemoryStorage::SeriesData& sd = s_->series_[id];
        std::string_view v = sd.labels.Get(name);
        if (!v.empty() && HasPointsIn(sd.points, mint_, maxt_)) values.emplace_back(v);
      }
    }
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    return values;
  }

  util::Result<std::vector<std::string>> LabelNames(
      std::span<const model::Matcher> matchers) override {
    std::vector<std::string> names;
    std::shared_lock lock(s_->mu_);
    if (matchers.empty()) {
      for (const auto& [name, by_value] : s_->postings_) {
        bool found = false;
        for (const auto& [value, ids] : by_value) {
          for (uint32_t id : ids) {
            if (HasPointsIn(s_->series_[id].points, mint_, maxt_)) {
              found = true;
              break;
            }
          }
          if (found) break;
        }
        if (found) names.push_back(name);
      }
    } else {
      for (uint32_t id : s_->MatchingIds(matchers)) {
        const MemoryStorage::SeriesData& sd = s_->series_[id];
        if (!HasPointsIn(sd.points, mint_, maxt_)) continue;
        for (const model::Label& l : sd.labels) names.emplace_back(l.name);
      }
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
  }

  util::Status Close() override { return util::Status::Ok(); }

 private:
  const MemoryStorage* s_;
  int64_t mint_;
  int64_t maxt_;
};

MemoryStorage::MemoryStorage() = default;
MemoryStorage::~MemoryStorage() = default;

void MemoryStorage::Append(const model::Labels& labels, int64_t t_ms, double v) {
  AppendPoint(labels, Point{t_ms, v, nullptr});
}

void MemoryStorage::AppendHistogram(const model::Labels& labels, int64_t t_ms,
                                    model::FloatHistogram h) {
  AppendPoint(labels, Point{t_ms, 0, std::make_shared<const model::FloatHistogram>(std::move(h))});
}

void MemoryStorage::AppendPoint(const model::Labels& labels, Point p) {
  const int64_t t_ms = p.t;
  PROMKIT_CHECK(!labels.empty()) << "BUG: MemoryStorage::Append of a series without labels";
  std::unique_lock lock(mu_);
  auto [it, inserted] =
      by_labels_.try_emplace(std::string(labels.encoded()), static_cast<uint32_t>(series_.size()));
  if (inserted) {
    uint32_t id = it->second;
    series_.push_back(SeriesData{labels, {}});
    for (const model::Label& l : labels) {
      postings_[std::string(l.name)][std::string(l.value)].push_back(id);
    }
  }
  Points& pts = series_[it->second].points;
  if (pts.empty() || pts.back().t < t_ms) {
    pts.push_back(std::move(p));
    ++num_samples_;
    return;
  }
  auto pos = std::lower_bound(pts.begin(), pts.end(), t_ms,
                              [](const Point& p, int64_t t) { return p.t < t; });
  if (pos->t == t_ms) {
    *pos = std::move(p);  // a duplicate timestamp replaces
    return;
  }
  pts.insert(pos, std::move(p));
  ++num_samples_;
}

void MemoryStorage::Clear() {
  std::unique_lock lock(mu_);
  series_.clear();
  by_labels_.clear();
  postings_.clear();
  num_samples_ = 0;
}

size_t MemoryStorage::NumSeries() const {
  std::shared_lock lock(mu_);
  return series_.size();
}

size_t MemoryStorage::NumSamples() const {
  std::shared_lock lock(mu_);
  return num_samples_;
}

util::Result<std::unique_ptr<Querier>> MemoryStorage::NewQuerier(int64_t mint, int64_t maxt) {
  return std::unique_ptr<Querier>(std::make_unique<MemoryQuerier>(this, mint, maxt));
}

std::vector<uint32_t> MemoryStorage::IdsWithLabel(const std::string& name,
                                                  const model::Matcher* m) const {
  auto it = postings_.find(name);
  if (it == postings_.end()) return {};
  const auto& by_value = it->second;
  if (m != nullptr && m->type() == model::MatchType::kEqual) {
    auto v = by_value.find(m->value());
    return v == by_value.end() ? std::vector<uint32_t>{} : v->second;
  }
  std::vector<const std::vector<uint32_t>*> lists;
  if (m != nullptr && m->type() == model::MatchType::kRegexMatch && !m->SetMatches().empty()) {
    for (const std::string& s : m->SetMatches()) {
      auto v = by_value.find(s);
      if (v != by_value.end()) lists.push_back(&v->second);
    }
  } else {
    for (const auto& [value, ids] : by_value) {
      if (m == nullptr || m->Matches(value)) lists.push_back(&ids);
    }
  }
  if (lists.size() == 1) return *lists[0];
  std::vector<uint32_t> out;
  for (const auto* l : lists) out.insert(out.end(), l->begin(), l->end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<uint32_t> MemoryStorage::MatchingIds(std::span<const model::Matcher> matchers) const {
  if (matchers.empty()) return {};
  // Matchers that reject a missing label narrow the candidates through the index; the others
  // (`x=""`, `x!="v"`, `x=~".*"`, ...) are checked against each candidate's labels.
  std::vector<uint32_t> ids;
  bool narrowed = false;
  std::vector<const model::Matcher*> filters;
  for (const model::Matcher& m : matchers) {
    if (m.MatchesEmpty()) {
      filters.push_back(&m);
      continue;
    }
    std::vector<uint32_t> with = IdsWithLabel(m.name(), &m);
    ids = narrowed ? Intersect(ids, with) : std::move(with);
    narrowed = true;
    if (ids.empty()) return ids;
  }
  if (!narrowed) {
    ids.resize(series_.size());
    for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<uint32_t>(i);
  }
  if (filters.empty()) return ids;
  std::vector<uint32_t> out;
  out.reserve(ids.size());
  for (uint32_t id : ids) {
    const model::Labels& ls = series_[id].labels;
    bool ok = std::all_of(filters.begin(), filters.end(),
                          [&](const model::Matcher* m) { return m->Matches(ls.Get(m->name())); });
    if (ok) out.push_back(id);
  }
  return out;
}

}  // namespace promkit::storage

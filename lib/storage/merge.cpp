#include "storage/merge.h"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>

namespace promkit::storage {
namespace {

class EmptySet final : public SeriesSet {
 public:
  explicit EmptySet(util::Status err) : err_(std::move(err)) {}
  bool Next() override { return false; }
  const Series& At() const override {
    PROMKIT_CHECK(false) << "BUG: At() on an empty SeriesSet";
    __builtin_unreachable();
  }
  util::Status Err() const override { return err_; }

 private:
  util::Status err_;
};

// Union of several iterators by timestamp; on equal timestamps the earliest input wins.
class ChainIterator final : public SampleIterator {
 public:
  explicit ChainIterator(std::vector<std::unique_ptr<SampleIterator>> its)
      : its_(std::move(its)), types_(its_.size(), ValueType::kNone) {}

  ValueType Next() override {
    if (started_ && cur_ != kNoCurrent && its_[cur_]->AtT() < bound_) {
      // No other input holds the current timestamp: advance only the current one, and keep it
      // while it stays ahead of every other input (the common case of blocks that do not
      // overlap).
      types_[cur_] = its_[cur_]->Next();
      if (types_[cur_] != ValueType::kNone && its_[cur_]->AtT() < bound_) return types_[cur_];
      return Pick();
    }
    if (!started_) {
      started_ = true;
      for (size_t i = 0; i < its_.size(); ++i) types_[i] = its_[i]->Next();
    } else if (cur_ != kNoCurrent) {
      int64_t t = its_[cur_]->AtT();
      // Drop the current sample from every input holding that timestamp.
      for (size_t i = 0; i < its_.size(); ++i) {
        if (types_[i] != ValueType::kNone && its_[i]->AtT() == t) types_[i] = its_[i]->Next();
      }
    }
    return Pick();
  }

  ValueType Seek(int64_t t) override {
    if (cur_ != kNoCurrent && its_[cur_]->AtT() >= t) return types_[cur_];
    for (size_t i = 0; i < its_.size(); ++i) {
      if (!started_ || types_[i] != ValueType::kNone) types_[i] = its_[i]->Seek(t);
    }
    started_ = true;
    return Pick();
  }

  // Runs of the current input below every other input's next timestamp go through that
  // input's batch path; samples at a timestamp another input shares go through Next(), which
  // keeps the first input's and drops the others'.
  ValueType AppendFloats(int64_t maxt, std::vector<FloatPoint>& out) override {
    while (cur_ != kNoCurrent && types_[cur_] == ValueType::kFloat) {
      SampleIterator& it = *its_[cur_];
      const int64_t t = it.AtT();
      if (t > maxt) return ValueType::kFloat;
      if (t < bound_) {
        types_[cur_] = it.AppendFloats(std::min(maxt, bound_ - 1), out);
        if (types_[cur_] != ValueType::kNone && it.AtT() < bound_) return types_[cur_];
        Pick();
        continue;
      }
      out.push_back(FloatPoint{t, it.AtFloat()});
      Next();
    }
    return cur_ == kNoCurrent ? ValueType::kNone : types_[cur_];
  }

  int64_t AtT() const override { return its_[cur_]->AtT(); }
  double AtFloat() const override { return its_[cur_]->AtFloat(); }
  void AtHistogram(model::Histogram* out) const override { its_[cur_]->AtHistogram(out); }
  void AtFloatHistogram(model::FloatHistogram* out) const override {
    its_[cur_]->AtFloatHistogram(out);
  }
  util::Status Err() const override { return err_; }

 private:
  static constexpr size_t kNoCurrent = static_cast<size_t>(-1);

  ValueType Pick() {
    cur_ = kNoCurrent;
    for (size_t i = 0; i < its_.size(); ++i) {
      if (types_[i] != ValueType::kNone) continue;
      if (util::Status st = its_[i]->Err(); !st.ok()) {
        err_ = std::move(st);
        return ValueType::kNone;
      }
    }
    for (size_t i = 0; i < its_.size(); ++i) {
      if (types_[i] == ValueType::kNone) continue;
      if (cur_ == kNoCurrent || its_[i]->AtT() < its_[cur_]->AtT()) cur_ = i;
    }
    // The earliest timestamp of the other inputs: the current one may advance alone below it.
    bound_ = std::numeric_limits<int64_t>::max();
    for (size_t i = 0; i < its_.size(); ++i) {
      if (i == cur_ || types_[i] == ValueType::kNone) continue;
      bound_ = std::min(bound_, its_[i]->AtT());
    }
    return cur_ == kNoCurrent ? ValueType::kNone : types_[cur_];
  }

  std::vector<std::unique_ptr<SampleIterator>> its_;
  std::vector<ValueType> types_;
  size_t cur_ = kNoCurrent;
  int64_t bound_ = std::numeric_limits<int64_t>::max();
  bool started_ = false;
  util::Status err_;
};

// A series made of the same-labelled series of several sets. Holds the member Series only
// while the merged set has not moved on (as SeriesSet::At() promises).
class ChainSeries final : public Series {
 public:
  const model::Labels& Labels() const override { return members_.front()->Labels(); }
  std::unique_ptr<SampleIterator> Iterator() const override {
    if (members_.size() == 1) return members_.front()->Iterator();
    std::vector<std::unique_ptr<SampleIterator>> its;
    its.reserve(members_.size());
    for (const Series* s : members_) its.push_back(s->Iterator());
    return std::make_unique<ChainIterator>(std::move(its));
  }
  std::vector<const Series*> members_;
};

class MergedSet final : public SeriesSet {
 public:
  explicit MergedSet(std::vector<std::unique_ptr<SeriesSet>> sets)
      : sets_(std::move(sets)), live_(sets_.size(), false) {}

  bool Next() override {
    if (!err_.ok()) return false;
    if (!started_) {
      started_ = true;
      for (size_t i = 0; i < sets_.size(); ++i) {
        if (!Advance(i)) return false;
      }
    } else {
      for (size_t i : current_) {
        if (!Advance(i)) return false;
      }
    }
    current_.clear();
    series_.members_.clear();
    for (size_t i = 0; i < sets_.size(); ++i) {
      if (!live_[i]) continue;
      if (current_.empty()) {
        current_.push_back(i);
        continue;
      }
      int c = model::Labels::Compare(sets_[i]->At().Labels(), sets_[current_[0]]->At().Labels());
      if (c < 0) current_.clear();
      if (c <= 0) current_.push_back(i);
    }
    for (size_t i : current_) series_.members_.push_back(&sets_[i]->At());
    return !current_.empty();
  }

  const Series& At() const override { return series_; }
  util::Status Err() const override { return err_; }
  std::vector<std::string> Warnings() const override {
    std::vector<std::string> out;
    for (const auto& s : sets_) {
      for (std::string& w : s->Warnings()) out.push_back(std::move(w));
    }
    return out;
  }

 private:
  bool Advance(size_t i) {
    live_[i] = sets_[i]->Next();
    if (!live_[i]) {
      if (util::Status st = sets_[i]->Err(); !st.ok()) {
        err_ = std::move(st);
        return false;
      }
    }
    return true;
  }

  std::vector<std::unique_ptr<SeriesSet>> sets_;
  std::vector<bool> live_;
  std::vector<size_t> current_;
  ChainSeries series_;
  bool started_ = false;
  util::Status err_;
};

void MergeSorted(std::vector<std::string>& into, std::vector<std::string> more) {
  std::vector<std::string> out;
  out.reserve(into.size() + more.size());
  std::merge(std::make_move_iterator(into.begin()), std::make_move_iterator(into.end()),
             std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()),
             std::back_inserter(out));
  out.erase(std::unique(out.begin(), out.end()), out.end());
  into = std::move(out);
}

class MergedQuerier final : public Querier {
 public:
  explicit MergedQuerier(std::vector<std::unique_ptr<Querier>> qs) : qs_(std::move(qs)) {}

  std::unique_ptr<SeriesSet> Select(bool sorted, const SelectHints* hints,
                                    std::span<const model::Matcher> matchers) override {
    if (qs_.size() == 1) return qs_[0]->Select(sorted, hints, matchers);
    std::vector<std::unique_ptr<SeriesSet>> sets;
    for (auto& q : qs_) sets.push_back(q->Select(true, hints, matchers));
    return MergeSeriesSets(std::move(sets));
  }

  util::Result<std::vector<std::string>> LabelValues(
      const std::string& name, std::span<const model::Matcher> matchers) override {
    std::vector<std::string> out;
    for (auto& q : qs_) {
      PROMKIT_ASSIGN_OR_RETURN(std::vector<std::string> v, q->LabelValues(name, matchers));
      MergeSorted(out, std::move(v));
    }
    return out;
  }

  util::Result<std::vector<std::string>> LabelNames(
      std::span<const model::Matcher> matchers) override {
    std::vector<std::string> out;
    for (auto& q : qs_) {
      PROMKIT_ASSIGN_OR_RETURN(std::vector<std::string> v, q->LabelNames(matchers));
      MergeSorted(out, std::move(v));
    }
    return out;
  }

  util::Status Close() override {
    util::Status first;
    for (auto& q : qs_) {
      util::Status st = q->Close();
      if (first.ok() && !st.ok()) first = std::move(st);
    }
    return first;
  }

 private:
  std::vector<std::unique_ptr<Querier>> qs_;
};

}  // namespace

std::string_view ValueTypeName(ValueType t) {
  switch (t) {
    case ValueType::kNone:
      return "none";
    case ValueType::kFloat:
      return "float";
    case ValueType::kHistogram:
      return "histogram";
    case ValueType::kFloatHistogram:
      return "floathistogram";
  }
  return "unknown";
}

std::unique_ptr<SeriesSet> EmptySeriesSet(util::Status err) {
  return std::make_unique<EmptySet>(std::move(err));
}

std::unique_ptr<SeriesSet> MergeSeriesSets(std::vector<std::unique_ptr<SeriesSet>> sets) {
  if (sets.empty()) return EmptySeriesSet();
  if (sets.size() == 1) return std::move(sets.front());
  return std::make_unique<MergedSet>(std::move(sets));
}

std::unique_ptr<Querier> MergeQueriers(std::vector<std::unique_ptr<Querier>> queriers) {
  return std::make_unique<MergedQuerier>(std::move(queriers));
}

}  // namespace promkit::storage

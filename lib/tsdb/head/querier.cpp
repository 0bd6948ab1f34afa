// The head's Querier: the semantics of a block querier (tsdb/block.cpp) over the in-memory
// series, as upstream queries the head through the same blockQuerier.
#include <algorithm>
#include <iterator>
#include <numeric>

#include <fmt/core.h>

#include "tsdb/head/head.h"

namespace promkit::tsdb::head {
namespace {

using internal::MemChunk;
using internal::MemSeries;

// Sorts and dedups a concatenation of postings lists.
void Normalize(std::vector<uint32_t>& ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}

bool Deleted(const tombstones::Intervals& ivs, int64_t t) {
  return std::any_of(ivs.begin(), ivs.end(), [t](const auto& iv) { return iv.Contains(t); });
}

// Samples of one head series: its decodable chunks in order, limited to [mint, maxt], deleted
// ones skipped. Holds the head, so it outlives the SeriesSet that made it.
class HeadSeriesIterator final : public storage::SampleIterator {
 public:
  HeadSeriesIterator(std::shared_ptr<const Head> head, std::vector<const MemChunk*> chunks,
                     const tombstones::Intervals* deleted, int64_t mint, int64_t maxt)
      : head_(std::move(head)),
        chunks_(std::move(chunks)),
        deleted_(deleted),
        mint_(mint),
        maxt_(maxt) {}

  storage::ValueType Next() override {
    type_ = storage::ValueType::kNone;
    while (err_.ok()) {
      if (cur_ == nullptr) {
        if (next_ >= chunks_.size()) return storage::ValueType::kNone;
        const MemChunk* c = chunks_[next_++];
        cur_ = chunkenc::NewIterator(c->encoding, c->data());
        fresh_ = true;
      }
      storage::ValueType t = fresh_ ? cur_->Seek(mint_) : cur_->Next();
      fresh_ = false;
      if (t == storage::ValueType::kNone) {
        if (util::Status st = cur_->Err(); !st.ok()) {
          const MemChunk* c = chunks_[next_ - 1];
          err_ =
              c->from_file
                  ? std::move(st).Wrap(fmt::format("{}: chunk at offset {}", *c->file, c->offset))
                  : std::move(st).Wrap("head chunk replayed from the WAL");
          return storage::ValueType::kNone;
        }
        cur_.reset();
        continue;
      }
      if (cur_->AtT() > maxt_) {  // chunks are in time order: nothing further is in range
        cur_.reset();
        next_ = chunks_.size();
        return storage::ValueType::kNone;
      }
      if (Deleted(*deleted_, cur_->AtT())) continue;
      type_ = t;
      return t;
    }
    return storage::ValueType::kNone;
  }

  storage::ValueType Seek(int64_t t) override {
    if (type_ != storage::ValueType::kNone && cur_->AtT() >= t) return type_;
    storage::ValueType vt;
    do {
      vt = Next();
    } while (vt != storage::ValueType::kNone && cur_->AtT() < t);
    return vt;
  }

  int64_t AtT() const override { return cur_->AtT(); }
  double AtFloat() const override { return cur_->AtFloat(); }
  void AtHistogram(model::Histogram* out) const override { cur_->AtHistogram(out); }
  void AtFloatHistogram(model::FloatHistogram* out) const override { cur_->AtFloatHistogram(out); }
  util::Status Err() const override { return err_; }

 private:
  std::shared_ptr<const Head> head_;
  std::vector<const MemChunk*> chunks_;
  const tombstones::Intervals* deleted_;
  int64_t mint_, maxt_;
  size_t next_ = 0;
  std::unique_ptr<storage::SampleIterator> cur_;
  bool fresh_ = false;
  storage::ValueType type_ = storage::ValueType::kNone;
  util::Status err_;
};

class HeadSeries final : public storage::Series {
 public:
  const model::Labels& Labels() const override { return series_->labels; }
  std::unique_ptr<storage::SampleIterator> Iterator() const override {
    std::vector<const MemChunk*> decodable;
    for (const MemChunk* c : chunks_) {
      if (c->decodable()) decodable.push_back(c);
    }
    return std::make_unique<HeadSeriesIterator>(head_, std::move(decodable), &series_->deleted,
                                                mint_, maxt_);
  }

  std::shared_ptr<const Head> head_;
  const MemSeries* series_ = nullptr;
  std::vector<const MemChunk*> chunks_;
  int64_t mint_ = 0, maxt_ = 0;
};

class HeadSeriesSet final : public storage::SeriesSet {
 public:
  HeadSeriesSet(std::shared_ptr<const Head> head, std::vector<uint32_t> ids, int64_t mint,
                int64_t maxt)
      : ids_(std::move(ids)) {
    // Chunks are listed from the head's min time on (upstream's head index reader), samples
    // from the querier's.
    index_mint_ = std::max(mint, head->MinTime());
    series_.head_ = std::move(head);
    series_.mint_ = mint;
    series_.maxt_ = maxt;
  }

  bool Next() override {
    while (pos_ < ids_.size()) {
      const MemSeries& s = series_.head_->series(ids_[pos_++]);
      series_.chunks_.clear();
      for (size_t i = 0; i < s.chunks.size(); ++i) {
        const MemChunk& c = s.chunks[i];
        if (c.maxt < index_mint_ || c.mint > series_.maxt_) continue;
        // The open head chunk counts as reaching to the end of time, as upstream lists it.
        const bool head_chunk = s.has_head_chunk && i + 1 == s.chunks.size();
        const int64_t meta_maxt = head_chunk ? std::numeric_limits<int64_t>::max() : c.maxt;
        bool all_deleted = std::any_of(s.deleted.begin(), s.deleted.end(), [&](const auto& iv) {
          return iv.Contains(c.mint) && iv.Contains(meta_maxt);
        });
        if (!all_deleted) series_.chunks_.push_back(&c);
      }
      if (series_.chunks_.empty()) continue;
      series_.series_ = &s;
      return true;
    }
    return false;
  }

  const storage::Series& At() const override { return series_; }
  util::Status Err() const override { return util::Status::Ok(); }

 private:
  std::vector<uint32_t> ids_;
  size_t pos_ = 0;
  int64_t index_mint_ = 0;
  HeadSeries series_;
};

class HeadQuerier final : public storage::Querier {
 public:
  HeadQuerier(std::shared_ptr<const Head> head, int64_t mint, int64_t maxt)
      : head_(std::move(head)), mint_(mint), maxt_(maxt) {}

  std::unique_ptr<storage::SeriesSet> Select(bool sorted, const storage::SelectHints* hints,
                                             std::span<const model::Matcher> matchers) override {
    if (head_ == nullptr) {
      return storage::EmptySeriesSet(util::Status::Internal("querier is closed"));
    }
    int64_t mint = mint_, maxt = maxt_;
    if (hints != nullptr) {
      mint = std::max(mint, hints->start);
      maxt = std::min(maxt, hints->end);
    }
    std::vector<uint32_t> ids = head_->Postings(matchers);
    if (sorted) {
      std::sort(ids.begin(), ids.end(), [this](uint32_t a, uint32_t b) {
        return head_->LabelsRank(a) < head_->LabelsRank(b);
      });
    }
    return std::make_unique<HeadSeriesSet>(head_, std::move(ids), mint, maxt);
  }

  util::Result<std::vector<std::string>> LabelValues(
      const std::string& name, std::span<const model::Matcher> matchers) override {
    if (head_ == nullptr) return util::Status::Internal("querier is closed");
    if (matchers.empty()) return head_->LabelValues(name);
    std::vector<std::string> out;
    for (uint32_t id : head_->Postings(matchers)) {
      if (std::string_view v = head_->series(id).labels.Get(name); !v.empty()) out.emplace_back(v);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  util::Result<std::vector<std::string>> LabelNames(
      std::span<const model::Matcher> matchers) override {
    if (head_ == nullptr) return util::Status::Internal("querier is closed");
    if (matchers.empty()) return head_->LabelNames();
    std::vector<std::string> out;
    for (uint32_t id : head_->Postings(matchers)) {
      for (const model::Label& l : head_->series(id).labels) out.emplace_back(l.name);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  util::Status Close() override {
    head_.reset();
    return util::Status::Ok();
  }

 private:
  std::shared_ptr<const Head> head_;
  int64_t mint_, maxt_;
};

}  // namespace

// As a block's postings lookup: a matcher that accepts the empty value also selects series
// without its label, so it can only remove series (those whose value it rejects); the others
// select the union of the postings of the values they accept. With only the former, start from
// all series. No matchers select nothing.
std::vector<uint32_t> Head::Postings(std::span<const model::Matcher> matchers) const {
  if (matchers.empty()) return {};
  std::vector<uint32_t> result;
  bool have_positive = false;
  std::vector<uint32_t> removed;
  for (const model::Matcher& m : matchers) {
    std::vector<uint32_t> acc;
    const bool empty_ok = m.MatchesEmpty();
    if (auto names = postings_.find(m.name()); names != postings_.end()) {
      for (const auto& [value, ids] : names->second) {
        if (m.Matches(value) == empty_ok) continue;  // empty_ok: collect rejected values
        acc.insert(acc.end(), ids.begin(), ids.end());
      }
    }
    Normalize(acc);
    if (empty_ok) {
      removed.insert(removed.end(), acc.begin(), acc.end());
      Normalize(removed);
    } else if (!have_positive) {
      result = std::move(acc);
      have_positive = true;
    } else {
      std::vector<uint32_t> both;
      std::set_intersection(result.begin(), result.end(), acc.begin(), acc.end(),
                            std::back_inserter(both));
      result = std::move(both);
    }
  }
  if (!have_positive) {
    result.resize(series_.size());
    std::iota(result.begin(), result.end(), 0u);
  }
  std::vector<uint32_t> out;
  std::set_difference(result.begin(), result.end(), removed.begin(), removed.end(),
                      std::back_inserter(out));
  return out;
}

std::unique_ptr<storage::Querier> Head::NewQuerier(int64_t mint, int64_t maxt) const {
  return std::make_unique<HeadQuerier>(shared_from_this(), mint, maxt);
}

}  // namespace promkit::tsdb::head

#include "tsdb/block.h"

#include <algorithm>
#include <utility>
#include <vector>

#include <fmt/core.h>

#include "model/labels.h"

namespace promkit::tsdb {
namespace {

using index::SeriesRef;

std::vector<SeriesRef> Intersect(const std::vector<SeriesRef>& a, const std::vector<SeriesRef>& b) {
  std::vector<SeriesRef> out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

std::vector<SeriesRef> Union(const std::vector<SeriesRef>& a, const std::vector<SeriesRef>& b) {
  std::vector<SeriesRef> out;
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

std::vector<SeriesRef> Subtract(const std::vector<SeriesRef>& a, const std::vector<SeriesRef>& b) {
  std::vector<SeriesRef> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

bool Deleted(const tombstones::Intervals& ivs, int64_t t) {
  for (const tombstones::Interval& iv : ivs) {
    if (iv.Contains(t)) return true;
  }
  return false;
}

// Samples of one series in one block, chunk after chunk, limited to [mint, maxt] and without
// deleted ones. Holds the block, so it outlives the SeriesSet that made it.
class BlockSeriesIterator final : public storage::SampleIterator {
 public:
  BlockSeriesIterator(std::shared_ptr<const Block> block, std::vector<index::ChunkMeta> chunks,
                      tombstones::Intervals deleted, int64_t mint, int64_t maxt)
      : block_(std::move(block)),
        chunks_(std::move(chunks)),
        deleted_(std::move(deleted)),
        mint_(mint),
        maxt_(maxt) {}

  storage::ValueType Next() override {
    type_ = storage::ValueType::kNone;
    while (err_.ok()) {
      if (cur_ == nullptr) {
        if (next_ >= chunks_.size()) return storage::ValueType::kNone;
        util::Result<chunks::ChunkView> v = block_->chunks().Chunk(chunks_[next_++].ref);
        if (!v.ok()) {
          err_ = v.status();
          return storage::ValueType::kNone;
        }
        view_ = *v;
        cur_ = chunkenc::NewIterator(view_.encoding, view_.data);
        fresh_ = true;
      }
      storage::ValueType t = fresh_ ? cur_->Seek(mint_) : cur_->Next();
      fresh_ = false;
      if (t == storage::ValueType::kNone) {
        if (util::Status st = cur_->Err(); !st.ok()) {
          err_ =
              std::move(st).Wrap(fmt::format("{}: chunk at offset {}", *view_.file, view_.offset));
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
      if (Deleted(deleted_, cur_->AtT())) continue;
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

  // Whole chunks at a time through the chunk iterator's own batch loop; Next() moves between
  // chunks. With tombstones, sample by sample.
  storage::ValueType AppendFloats(int64_t maxt, std::vector<storage::FloatPoint>& out) override {
    if (!deleted_.empty()) return SampleIterator::AppendFloats(maxt, out);
    const int64_t limit = std::min(maxt, maxt_);
    while (type_ == storage::ValueType::kFloat) {
      const storage::ValueType t = cur_->AppendFloats(limit, out);
      if (t == storage::ValueType::kNone) {  // the chunk is done (or failed): on to the next
        Next();
        continue;
      }
      if (t == storage::ValueType::kFloat && cur_->AtT() > maxt_) {  // past the block's range
        cur_.reset();
        next_ = chunks_.size();
        type_ = storage::ValueType::kNone;
        break;
      }
      type_ = t;
      break;
    }
    return type_;
  }

  int64_t AtT() const override { return cur_->AtT(); }
  double AtFloat() const override { return cur_->AtFloat(); }
  void AtHistogram(model::Histogram* out) const override { cur_->AtHistogram(out); }
  void AtFloatHistogram(model::FloatHistogram* out) const override { cur_->AtFloatHistogram(out); }
  util::Status Err() const override { return err_; }

 private:
  std::shared_ptr<const Block> block_;
  std::vector<index::ChunkMeta> chunks_;
  tombstones::Intervals deleted_;
  int64_t mint_, maxt_;
  size_t next_ = 0;
  chunks::ChunkView view_;
  std::unique_ptr<storage::SampleIterator> cur_;
  bool fresh_ = false;  // cur_ not yet positioned
  storage::ValueType type_ = storage::ValueType::kNone;
  util::Status err_;
};

class BlockSeries final : public storage::Series {
 public:
  const model::Labels& Labels() const override { return labels_; }
  std::unique_ptr<storage::SampleIterator> Iterator() const override {
    return std::make_unique<BlockSeriesIterator>(block_, chunks_, deleted_, mint_, maxt_);
  }

  std::shared_ptr<const Block> block_;
  model::Labels labels_;
  std::vector<index::ChunkMeta> chunks_;
  tombstones::Intervals deleted_;
  int64_t mint_ = 0, maxt_ = 0;
};

class BlockSeriesSet final : public storage::SeriesSet {
 public:
  BlockSeriesSet(std::shared_ptr<const Block> block, std::vector<SeriesRef> refs, int64_t mint,
                 int64_t maxt)
      : refs_(std::move(refs)) {
    series_.block_ = std::move(block);
    series_.mint_ = mint;
    series_.maxt_ = maxt;
  }

  bool Next() override {
    const Block& b = *series_.block_;
    while (err_.ok() && pos_ < refs_.size()) {
      SeriesRef ref = refs_[pos_++];
      util::Result<index::SeriesEntry> e = b.index().Series(ref);
      if (!e.ok()) {
        err_ = e.status();
        return false;
      }
      const tombstones::Intervals& deleted = b.tombstones().Get(static_cast<uint64_t>(ref));
      series_.chunks_.clear();
      for (const index::ChunkMeta& c : e->chunks) {
        if (c.maxt < series_.mint_ || c.mint > series_.maxt_) continue;
        bool all_deleted = std::any_of(deleted.begin(), deleted.end(), [&](const auto& iv) {
          return iv.Contains(c.mint) && iv.Contains(c.maxt);
        });
        if (!all_deleted) series_.chunks_.push_back(c);
      }
      if (series_.chunks_.empty()) continue;
      labels_.clear();
      for (const auto& [n, v] : e->labels) labels_.push_back(model::Label{n, v});
      series_.labels_ = model::Labels::FromSorted(labels_);
      series_.deleted_ = deleted;
      return true;
    }
    return false;
  }

  const storage::Series& At() const override { return series_; }
  util::Status Err() const override { return err_; }

 private:
  std::vector<SeriesRef> refs_;
  size_t pos_ = 0;
  BlockSeries series_;
  std::vector<model::Label> labels_;
  util::Status err_;
};

class BlockQuerier final : public storage::Querier {
 public:
  BlockQuerier(std::shared_ptr<const Block> block, int64_t mint, int64_t maxt)
      : block_(std::move(block)), mint_(mint), maxt_(maxt) {}

  std::unique_ptr<storage::SeriesSet> Select(bool /*sorted: always*/,
                                             const storage::SelectHints* hints,
                                             std::span<const model::Matcher> matchers) override {
    if (block_ == nullptr) {
      return storage::EmptySeriesSet(util::Status::Internal("querier is closed"));
    }
    int64_t mint = mint_, maxt = maxt_;
    if (hints != nullptr) {
      mint = std::max(mint, hints->start);
      maxt = std::min(maxt, hints->end);
    }
    util::Result<std::vector<SeriesRef>> refs = PostingsForMatchers(block_->index(), matchers);
    if (!refs.ok()) return storage::EmptySeriesSet(refs.status());
    return std::make_unique<BlockSeriesSet>(block_, std::move(*refs), mint, maxt);
  }

  util::Result<std::vector<std::string>> LabelValues(
      const std::string& name, std::span<const model::Matcher> matchers) override {
    std::vector<std::string> out;
    if (matchers.empty()) {
      for (std::string_view v : block_->index().LabelValues(name)) out.emplace_back(v);
      return out;
    }
    PROMKIT_ASSIGN_OR_RETURN(std::vector<SeriesRef> refs,
                             PostingsForMatchers(block_->index(), matchers));
    for (SeriesRef r : refs) {
      PROMKIT_ASSIGN_OR_RETURN(index::SeriesEntry e, block_->index().Series(r));
      for (const auto& [n, v] : e.labels) {
        if (n == name) out.emplace_back(v);
      }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  util::Result<std::vector<std::string>> LabelNames(
      std::span<const model::Matcher> matchers) override {
    std::vector<std::string> out;
    if (matchers.empty()) {
      for (std::string_view n : block_->index().LabelNames()) out.emplace_back(n);
      return out;
    }
    PROMKIT_ASSIGN_OR_RETURN(std::vector<SeriesRef> refs,
                             PostingsForMatchers(block_->index(), matchers));
    for (SeriesRef r : refs) {
      PROMKIT_ASSIGN_OR_RETURN(index::SeriesEntry e, block_->index().Series(r));
      for (const auto& [n, v] : e.labels) out.emplace_back(n);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  util::Status Close() override {
    block_.reset();
    return util::Status::Ok();
  }

 private:
  std::shared_ptr<const Block> block_;
  int64_t mint_, maxt_;
};

}  // namespace

// A matcher that matches the empty string also selects series without its label, so it can
// only remove series (those whose value it rejects); the others select the union of the
// postings of the values they accept. With only the former, start from all series.
util::Result<std::vector<SeriesRef>> PostingsForMatchers(const index::Reader& ix,
                                                         std::span<const model::Matcher> matchers) {
  if (matchers.empty()) return std::vector<SeriesRef>{};
  std::vector<SeriesRef> result;
  bool have_positive = false;
  std::vector<SeriesRef> removed;
  for (const model::Matcher& m : matchers) {
    std::vector<SeriesRef> acc;
    bool empty_ok = m.MatchesEmpty();
    for (std::string_view v : ix.LabelValues(m.name())) {
      if (m.Matches(v) == empty_ok) continue;  // empty_ok: collect rejected values
      PROMKIT_ASSIGN_OR_RETURN(std::vector<SeriesRef> p, ix.Postings(m.name(), v));
      acc = Union(acc, p);
    }
    if (empty_ok) {
      removed = Union(removed, acc);
    } else if (!have_positive) {
      result = std::move(acc);
      have_positive = true;
    } else {
      result = Intersect(result, acc);
    }
  }
  if (!have_positive) {
    PROMKIT_ASSIGN_OR_RETURN(result, ix.AllPostings());
  }
  return Subtract(result, removed);
}

util::Result<std::shared_ptr<Block>> Block::Open(const std::string& dir) {
  auto b = std::make_shared<Block>(Key{});
  b->dir_ = dir;
  PROMKIT_ASSIGN_OR_RETURN(MetaFile meta, ReadMeta(dir));
  b->meta_ = std::move(meta.meta);
  b->meta_size_ = meta.size;
  PROMKIT_ASSIGN_OR_RETURN(b->chunks_, chunks::Reader::Open(dir + "/chunks"));
  PROMKIT_ASSIGN_OR_RETURN(b->index_, index::Reader::Open(dir + "/index"));
  PROMKIT_ASSIGN_OR_RETURN(tombstones::ReadResult t, tombstones::ReadTombstones(dir));
  b->tombstones_ = std::move(t.tombstones);
  b->tombstones_size_ = t.size;
  return b;
}

uint64_t Block::size() const {
  return chunks_->size() + index_->size() + tombstones_size_ + meta_size_;
}

std::unique_ptr<storage::Querier> Block::NewQuerier(int64_t mint, int64_t maxt) const {
  return std::make_unique<BlockQuerier>(shared_from_this(), mint, maxt);
}

}  // namespace promkit::tsdb

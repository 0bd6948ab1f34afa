#include "tsdb/compact.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <utility>

#include <fmt/core.h>

#include "tsdb/block_writer.h"
#include "tsdb/chunkenc/histogram.h"
#include "tsdb/chunkenc/xor.h"
#include "tsdb/chunks/writer.h"
#include "tsdb/index/writer.h"

namespace promkit::tsdb {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kTmpForCreation = ".tmp-for-creation";
constexpr std::string_view kTmpForDeletion = ".tmp-for-deletion";
constexpr std::string_view kHintOutOfOrder = "from-out-of-order";
constexpr std::string_view kHintStaleSeries = "from-stale-series";
constexpr std::string_view kHintSelectedSeries = "from-selected-series";
// Samples per chunk when the compactor re-encodes (upstream seriesToChunkEncoder).
constexpr uint16_t kSamplesPerMergedChunk = 120;

bool HasHint(const BlockMeta& m, std::string_view hint) {
  return std::find(m.compaction_hints.begin(), m.compaction_hints.end(), hint) !=
         m.compaction_hints.end();
}

void SetHint(BlockMeta& m, std::string_view hint) {
  if (!HasHint(m, hint)) m.compaction_hints.emplace_back(hint);
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// ---------------------------------------------------------------------------------------------
// Planning (upstream compact.go: splitByRange, selectDirs, selectOverlappingDirs, planClass).

using Group = std::vector<const PlanInput*>;

// Groups of consecutive blocks (sorted by min time) that fit in one aligned range of width
// `tr`; blocks wider than their aligned range are skipped.
std::vector<Group> SplitByRange(const std::vector<const PlanInput*>& ds, int64_t tr) {
  std::vector<Group> out;
  for (size_t i = 0; i < ds.size();) {
    const BlockMeta& m = ds[i]->meta;
    const int64_t t0 = m.min_time >= 0 ? tr * (m.min_time / tr) : tr * ((m.min_time - tr + 1) / tr);
    if (m.max_time > t0 + tr) {
      ++i;
      continue;
    }
    Group g;
    for (; i < ds.size() && ds[i]->meta.max_time <= t0 + tr; ++i) g.push_back(ds[i]);
    if (!g.empty()) out.push_back(std::move(g));
  }
  return out;
}

Group SelectDirs(const std::vector<const PlanInput*>& ds, const std::vector<int64_t>& ranges) {
  if (ranges.size() < 2 || ds.empty()) return {};
  const int64_t high = ds.back()->meta.min_time;
  for (size_t r = 1; r < ranges.size(); ++r) {
    for (const Group& p : SplitByRange(ds, ranges[r])) {
      if (std::any_of(p.begin(), p.end(),
                      [](const PlanInput* d) { return d->meta.compaction_failed; })) {
        continue;
      }
      const int64_t mint = p.front()->meta.min_time;
      const int64_t maxt = p.back()->meta.max_time;
      if ((maxt - mint == ranges[r] || maxt <= high) && p.size() > 1) return p;
    }
  }
  return {};
}

Group SelectOverlapping(const std::vector<const PlanInput*>& ds) {
  Group out;
  if (ds.size() < 2) return out;
  int64_t global_maxt = ds[0]->meta.max_time;
  for (size_t i = 1; i < ds.size(); ++i) {
    const BlockMeta& m = ds[i]->meta;
    if (m.min_time < global_maxt) {
      if (out.empty()) out.push_back(ds[i - 1]);
      out.push_back(ds[i]);
    } else if (!out.empty()) {
      break;
    }
    global_maxt = std::max(global_maxt, m.max_time);
  }
  return out;
}

std::vector<std::string> Names(const Group& g) {
  std::vector<std::string> out;
  for (const PlanInput* d : g) out.push_back(d->name);
  return out;
}

std::vector<std::string> PlanClass(std::vector<const PlanInput*> ds,
                                   const std::vector<int64_t>& ranges) {
  if (ds.empty()) return {};
  std::stable_sort(ds.begin(), ds.end(), [](const PlanInput* a, const PlanInput* b) {
    return a->meta.min_time < b->meta.min_time;
  });
  if (Group g = SelectOverlapping(ds); !g.empty()) return Names(g);
  // The newest block is left out: upstream keeps a block's worth of time for backups of the
  // block the head just cut.
  ds.pop_back();
  if (Group g = SelectDirs(ds, ranges); !g.empty()) return Names(g);
  for (auto it = ds.rbegin(); it != ds.rend(); ++it) {
    const BlockMeta& m = (*it)->meta;
    if (m.max_time - m.min_time < ranges[ranges.size() / 2]) {
      // A block deleted entirely is worth rewriting whatever its size.
      if (m.stats.num_tombstones > 0 && m.stats.num_tombstones >= m.stats.num_series) {
        return {(*it)->name};
      }
      break;
    }
    if (static_cast<double>(m.stats.num_tombstones) / static_cast<double>(m.stats.num_series + 1) >
        0.05) {
      return {(*it)->name};
    }
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// Merging.

// upstream labels.Compare over index label pairs.
int CompareLabels(const std::vector<std::pair<std::string_view, std::string_view>>& a,
                  const std::vector<std::pair<std::string_view, std::string_view>>& b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (int c = a[i].first.compare(b[i].first); c != 0) return c;
    if (int c = a[i].second.compare(b[i].second); c != 0) return c;
  }
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

// The series of one block in index (labels) order.
struct Cursor {
  const Block* block = nullptr;
  size_t order = 0;  // position in the blocks given: earlier wins equal timestamps
  std::vector<index::SeriesRef> refs;
  size_t pos = 0;
  index::SeriesRef ref{};
  index::SeriesEntry cur;
  bool valid = false;

  util::Status Advance() {
    valid = false;
    if (pos >= refs.size()) return util::Status::Ok();
    ref = refs[pos++];
    PROMKIT_ASSIGN_OR_RETURN(cur, block->index().Series(ref));
    valid = true;
    return util::Status::Ok();
  }
};

std::string LabelsString(const std::vector<std::pair<std::string_view, std::string_view>>& ls) {
  std::vector<model::Label> v;
  for (const auto& p : ls) v.push_back(model::Label{p.first, p.second});
  return model::Labels::FromSorted(v).ToString();
}

struct SourceChunk {
  const Block* block;
  size_t order;
  index::ChunkMeta meta;
  const tombstones::Intervals* deleted;
};

bool Deleted(const tombstones::Intervals& ivs, int64_t t) {
  return std::any_of(ivs.begin(), ivs.end(), [t](const auto& iv) { return iv.Contains(t); });
}

bool Touches(const tombstones::Intervals& ivs, int64_t mint, int64_t maxt) {
  return std::any_of(ivs.begin(), ivs.end(),
                     [&](const auto& iv) { return iv.mint <= maxt && mint <= iv.maxt; });
}

// One sample of a series being rewritten: a float, or a native histogram (shared: merged
// samples are only moved around).
struct Sample {
  int64_t t;
  double v;
  size_t order;
  storage::ValueType type = storage::ValueType::kFloat;
  std::shared_ptr<const model::Histogram> h;
  std::shared_ptr<const model::FloatHistogram> fh;
};

// Appends the samples of `c` not deleted to `out`.
util::Status Decode(const SourceChunk& c, const chunks::ChunkView& view, std::vector<Sample>& out) {
  std::unique_ptr<storage::SampleIterator> it = chunkenc::NewIterator(view.encoding, view.data);
  for (storage::ValueType t = it->Next(); t != storage::ValueType::kNone; t = it->Next()) {
    if (Deleted(*c.deleted, it->AtT())) continue;
    Sample s{it->AtT(), 0, c.order, t, nullptr, nullptr};
    if (t == storage::ValueType::kHistogram) {
      auto h = std::make_shared<model::Histogram>();
      it->AtHistogram(h.get());
      s.h = std::move(h);
    } else if (t == storage::ValueType::kFloatHistogram) {
      auto fh = std::make_shared<model::FloatHistogram>();
      it->AtFloatHistogram(fh.get());
      s.fh = std::move(fh);
    } else {
      s.v = it->AtFloat();
    }
    out.push_back(std::move(s));
  }
  if (util::Status st = it->Err(); !st.ok()) {
    return std::move(st).Wrap(fmt::format("{}: chunk at offset {}", *view.file, view.offset));
  }
  return util::Status::Ok();
}

uint16_t ChunkSamples(std::string_view data) {
  if (data.size() < 2) return 0;
  return static_cast<uint16_t>(static_cast<uint8_t>(data[0]) << 8 | static_cast<uint8_t>(data[1]));
}

class MergeWriter {
 public:
  MergeWriter(chunks::Writer* w, BlockMeta* meta, WriteStats* stats)
      : w_(w), meta_(meta), stats_(stats) {}

  util::Status Copy(const chunks::ChunkView& view, const index::ChunkMeta& m,
                    std::vector<index::ChunkMeta>& out) {
    PROMKIT_ASSIGN_OR_RETURN(chunks::ChunkRef ref, w_->Write(view.encoding, view.data));
    out.push_back(index::ChunkMeta{m.mint, m.maxt, ref});
    const uint16_t n = ChunkSamples(view.data);
    meta_->stats.num_samples += n;
    if (chunkenc::ValueTypeOf(view.encoding) == storage::ValueType::kFloat) {
      meta_->stats.num_float_samples += n;
    } else {
      meta_->stats.num_histogram_samples += n;
    }
    meta_->stats.num_chunks++;
    stats_->chunks_copied++;
    return util::Status::Ok();
  }

  // `samples` sorted by time, without repeats. As upstream's seriesToChunkEncoder: a chunk per
  // run of one sample type, at most 120 samples (histogram appenders may cut or recode sooner).
  util::Status Encode(const std::vector<Sample>& samples, std::vector<index::ChunkMeta>& out) {
    struct Open {
      chunkenc::Encoding enc = chunkenc::Encoding::kXor;
      std::unique_ptr<chunkenc::XorEncoder> x;
      std::unique_ptr<chunkenc::HistogramAppender> h;
      std::unique_ptr<chunkenc::FloatHistogramAppender> fh;
      int64_t mint = 0, maxt = 0;
      size_t n = 0;  // samples since the chunk was cut by this loop
      std::string_view bytes() const {
        return x ? x->bytes() : h ? h->bytes() : fh ? fh->bytes() : std::string_view();
      }
      uint16_t samples() const {
        return x ? x->num_samples() : h ? h->num_samples() : fh ? fh->num_samples() : 0;
      }
    } cur;
    auto flush = [&]() -> util::Status {
      if (cur.samples() == 0) return util::Status::Ok();
      PROMKIT_ASSIGN_OR_RETURN(chunks::ChunkRef ref, w_->Write(cur.enc, cur.bytes()));
      out.push_back(index::ChunkMeta{cur.mint, cur.maxt, ref});
      meta_->stats.num_samples += cur.samples();
      if (cur.enc == chunkenc::Encoding::kXor) {
        meta_->stats.num_float_samples += cur.samples();
      } else {
        meta_->stats.num_histogram_samples += cur.samples();
      }
      meta_->stats.num_chunks++;
      stats_->chunks_encoded++;
      return util::Status::Ok();
    };
    storage::ValueType last = storage::ValueType::kNone;
    for (const Sample& s : samples) {
      if (s.type != last || cur.n >= kSamplesPerMergedChunk) {
        PROMKIT_RETURN_IF_ERROR(flush());
        cur = Open{};
        if (s.type == storage::ValueType::kHistogram) {
          cur.enc = chunkenc::Encoding::kHistogram;
          cur.h = std::make_unique<chunkenc::HistogramAppender>();
        } else if (s.type == storage::ValueType::kFloatHistogram) {
          cur.enc = chunkenc::Encoding::kFloatHistogram;
          cur.fh = std::make_unique<chunkenc::FloatHistogramAppender>();
        } else {
          cur.x = std::make_unique<chunkenc::XorEncoder>();
        }
        cur.mint = s.t;
      }
      last = s.type;
      bool recoded = false;
      if (cur.x) {
        cur.x->Append(s.t, s.v);
      } else if (cur.h) {
        if (auto next = cur.h->Append(nullptr, s.t, *s.h, &recoded)) {
          if (!recoded) {
            PROMKIT_RETURN_IF_ERROR(flush());
            cur.mint = s.t;
            cur.n = 0;
          }
          cur.h = std::move(next);
        }
      } else {
        if (auto next = cur.fh->Append(nullptr, s.t, *s.fh, &recoded)) {
          if (!recoded) {
            PROMKIT_RETURN_IF_ERROR(flush());
            cur.mint = s.t;
            cur.n = 0;
          }
          cur.fh = std::move(next);
        }
      }
      cur.maxt = s.t;
      cur.n++;
    }
    return flush();
  }

 private:
  chunks::Writer* w_;
  BlockMeta* meta_;
  WriteStats* stats_;
};

// The chunks of one output series, written.
util::Status MergeSeries(std::vector<SourceChunk> src, MergeWriter& mw,
                         std::vector<index::ChunkMeta>& out) {
  std::stable_sort(src.begin(), src.end(), [](const SourceChunk& a, const SourceChunk& b) {
    return a.meta.mint < b.meta.mint;
  });
  bool overlap = false;
  for (size_t i = 1; i < src.size() && !overlap; ++i) {
    overlap = src[i].meta.mint <= src[i - 1].meta.maxt;
  }
  std::vector<Sample> samples;
  if (!overlap) {
    for (const SourceChunk& c : src) {
      PROMKIT_ASSIGN_OR_RETURN(chunks::ChunkView view, c.block->chunks().Chunk(c.meta.ref));
      if (!Touches(*c.deleted, c.meta.mint, c.meta.maxt)) {
        PROMKIT_RETURN_IF_ERROR(mw.Copy(view, c.meta, out));
        continue;
      }
      samples.clear();
      PROMKIT_RETURN_IF_ERROR(Decode(c, view, samples));
      PROMKIT_RETURN_IF_ERROR(mw.Encode(samples, out));
    }
    return util::Status::Ok();
  }
  // Vertical merge: every sample, in time order, one per timestamp (the earliest block's).
  for (const SourceChunk& c : src) {
    PROMKIT_ASSIGN_OR_RETURN(chunks::ChunkView view, c.block->chunks().Chunk(c.meta.ref));
    PROMKIT_RETURN_IF_ERROR(Decode(c, view, samples));
  }
  std::stable_sort(samples.begin(), samples.end(), [](const Sample& a, const Sample& b) {
    return a.t != b.t ? a.t < b.t : a.order < b.order;
  });
  samples.erase(std::unique(samples.begin(), samples.end(),
                            [](const Sample& a, const Sample& b) { return a.t == b.t; }),
                samples.end());
  return mw.Encode(samples, out);
}

util::Status WriteSyncedFile(util::Env* env, const std::string& path, std::string_view data) {
  PROMKIT_ASSIGN_OR_RETURN(std::unique_ptr<util::WritableFile> f, env->NewExclusiveFile(path));
  PROMKIT_RETURN_IF_ERROR(f->Append(data));
  PROMKIT_RETURN_IF_ERROR(f->Sync());
  return f->Close();
}

// ---------------------------------------------------------------------------------------------
// The directory.

// ULID-named block directories of `dir`, sorted.
util::Result<std::vector<std::string>> BlockDirNames(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    std::error_code ec2;
    if (IsUlid(name) && it->is_directory(ec2)) out.push_back(std::move(name));
  }
  if (ec) return util::Status::IoError(fmt::format("read dir {}: {}", dir, ec.message()));
  std::sort(out.begin(), out.end());
  return out;
}

// Removes block `<dir>/<name>` as upstream does: renamed aside first, so a crash never leaves a
// half-deleted block under its ULID.
util::Status RemoveBlock(const std::string& dir, const std::string& name, util::Env* env) {
  const std::string from = dir + "/" + name;
  const std::string aside = from + std::string(kTmpForDeletion);
  PROMKIT_RETURN_IF_ERROR(env->RenameFile(from, aside));
  std::error_code ec;
  fs::remove_all(aside, ec);
  if (ec) return util::Status::IoError(fmt::format("remove {}: {}", aside, ec.message()));
  return env->SyncDir(dir);
}

struct OpenedBlocks {
  std::vector<std::string> names;
  std::vector<BlockMeta> metas;
};

util::Result<OpenedBlocks> ReadMetas(const std::string& dir) {
  OpenedBlocks out;
  PROMKIT_ASSIGN_OR_RETURN(std::vector<std::string> names, BlockDirNames(dir));
  for (const std::string& n : names) {
    PROMKIT_ASSIGN_OR_RETURN(MetaFile m, ReadMeta(dir + "/" + n));
    out.names.push_back(n);
    out.metas.push_back(std::move(m.meta));
  }
  return out;
}

// Fails unless `dir` is an existing directory, in Go's words.
util::Status CheckDbDir(const std::string& dir) {
  std::error_code ec;
  fs::file_status st = fs::status(dir, ec);
  if (!fs::exists(st)) {
    return util::Status::NotFound(
        fmt::format("open DB directory: stat {}: no such file or directory", dir));
  }
  if (!fs::is_directory(st)) {
    return util::Status::InvalidArgument(
        fmt::format("open DB directory: {} is not a directory", dir));
  }
  return util::Status::Ok();
}

std::string Range(const BlockMeta& m) { return fmt::format("[{}, {})", m.min_time, m.max_time); }

}  // namespace

std::vector<int64_t> ExponentialBlockRanges(int64_t min_size, int steps, int step_size) {
  std::vector<int64_t> out;
  int64_t cur = min_size;
  for (int i = 0; i < steps; ++i) {
    out.push_back(cur);
    cur *= step_size;
  }
  return out;
}

std::vector<int64_t> CompactionRanges(int64_t max_block_duration) {
  std::vector<int64_t> r = ExponentialBlockRanges(kDefaultBlockDuration, 10, 3);
  max_block_duration = std::max(max_block_duration, kDefaultBlockDuration);
  for (size_t i = 0; i < r.size(); ++i) {
    if (r[i] > max_block_duration) {
      r.resize(i);
      break;
    }
  }
  return r;
}

std::vector<std::string> PlanCompaction(std::vector<PlanInput> blocks,
                                        const std::vector<int64_t>& ranges) {
  std::vector<const PlanInput*> stale, selected, plain;
  for (const PlanInput& b : blocks) {
    if (HasHint(b.meta, kHintStaleSeries)) {
      stale.push_back(&b);
    } else if (HasHint(b.meta, kHintSelectedSeries)) {
      selected.push_back(&b);
    } else {
      plain.push_back(&b);
    }
  }
  for (const auto* cls : {&plain, &stale, &selected}) {
    if (std::vector<std::string> r = PlanClass(*cls, ranges); !r.empty()) return r;
  }
  return {};
}

BlockMeta CompactBlockMetas(const std::string& ulid, std::span<const BlockMeta* const> metas) {
  BlockMeta res;
  res.ulid = ulid;
  res.version = 1;
  if (metas.empty()) return res;
  res.min_time = metas[0]->min_time;
  res.max_time = metas[0]->max_time;
  std::set<std::string> sources;
  bool all_ooo = true;
  for (const BlockMeta* b : metas) {
    res.min_time = std::min(res.min_time, b->min_time);
    res.max_time = std::max(res.max_time, b->max_time);
    res.compaction_level = std::max(res.compaction_level, b->compaction_level);
    sources.insert(b->compaction_sources.begin(), b->compaction_sources.end());
    if (HasHint(*b, kHintStaleSeries)) SetHint(res, kHintStaleSeries);
    if (HasHint(*b, kHintSelectedSeries)) SetHint(res, kHintSelectedSeries);
    all_ooo = all_ooo && HasHint(*b, kHintOutOfOrder);
    res.compaction_parents.push_back(BlockDesc{b->ulid, b->min_time, b->max_time});
  }
  if (all_ooo) SetHint(res, kHintOutOfOrder);
  res.compaction_level++;
  // ULIDs in Crockford base32 sort as their bytes do (upstream sorts by bytes).
  res.compaction_sources.assign(sources.begin(), sources.end());
  return res;
}

util::Result<BlockMeta> WriteMergedBlock(const std::string& dir,
                                         std::span<const std::shared_ptr<Block>> blocks,
                                         BlockMeta meta, util::Env* env, WriteStats* stats) {
  WriteStats ignored;
  if (stats == nullptr) stats = &ignored;
  meta.stats = BlockStats{};
  meta.version = 1;
  const std::string final_dir = dir + "/" + meta.ulid;
  const std::string tmp = final_dir + std::string(kTmpForCreation);
  std::error_code ec;
  fs::remove_all(tmp, ec);
  auto fail = [&](const util::Status& st) -> util::Result<BlockMeta> {
    std::error_code ignore;
    fs::remove_all(tmp, ignore);
    return st;
  };
  if (!fs::create_directories(tmp + "/chunks", ec) || ec) {
    return fail(util::Status::IoError(fmt::format("mkdir {}: {}", tmp, ec.message())));
  }

  std::vector<Cursor> cursors(blocks.size());
  for (size_t i = 0; i < blocks.size(); ++i) {
    cursors[i].block = blocks[i].get();
    cursors[i].order = i;
    util::Result<std::vector<index::SeriesRef>> refs = blocks[i]->index().AllPostings();
    if (!refs.ok()) return fail(refs.status());
    cursors[i].refs = std::move(*refs);
    if (util::Status st = cursors[i].Advance(); !st.ok()) return fail(st);
  }

  std::vector<index::SeriesInput> inputs;
  {
    chunks::Writer cw(tmp + "/chunks", chunks::kDefaultMaxSegmentSize, env);
    MergeWriter mw(&cw, &meta, stats);
    std::vector<Cursor*> group;
    for (;;) {
      group.clear();
      for (Cursor& c : cursors) {
        if (!c.valid) continue;
        int cmp = group.empty() ? -1 : CompareLabels(c.cur.labels, group[0]->cur.labels);
        if (cmp < 0) group.clear();
        if (cmp <= 0) group.push_back(&c);
      }
      if (group.empty()) break;
      std::vector<SourceChunk> src;
      for (Cursor* c : group) {
        stats->series_in++;
        const tombstones::Intervals& deleted =
            c->block->tombstones().Get(static_cast<uint64_t>(c->ref));
        for (const index::ChunkMeta& m : c->cur.chunks) {
          // A chunk whose whole span is deleted is dropped without reading it (as upstream).
          bool gone = std::any_of(deleted.begin(), deleted.end(), [&](const auto& iv) {
            return iv.Contains(m.mint) && iv.Contains(m.maxt);
          });
          if (!gone) src.push_back(SourceChunk{c->block, c->order, m, &deleted});
        }
      }
      index::SeriesInput in;
      if (util::Status st = MergeSeries(std::move(src), mw, in.chunks); !st.ok()) {
        return fail(st.Wrap(fmt::format("merge series {}", LabelsString(group[0]->cur.labels))));
      }
      if (!in.chunks.empty()) {
        // Views of the first block's symbols: the blocks outlive this call.
        in.labels = group[0]->cur.labels;
        meta.stats.num_series++;
        inputs.push_back(std::move(in));
      }
      for (Cursor* c : group) {
        if (util::Status st = c->Advance(); !st.ok()) return fail(st);
      }
    }
    if (util::Status st = cw.Close(); !st.ok()) return fail(st.Wrap("write chunks"));
  }
  if (meta.stats.num_samples == 0) {
    std::error_code ignore;
    fs::remove_all(tmp, ignore);
    return meta;
  }
  if (util::Status st = index::WriteIndex(tmp + "/index", inputs, env); !st.ok()) {
    return fail(st.Wrap("write index"));
  }
  if (util::Status st = WriteSyncedFile(env, tmp + "/meta.json", EncodeMeta(meta)); !st.ok()) {
    return fail(st.Wrap("write meta"));
  }
  if (util::Status st =
          WriteSyncedFile(env, tmp + "/tombstones", tombstones::Tombstones().Encode());
      !st.ok()) {
    return fail(st.Wrap("write tombstones"));
  }
  if (util::Status st = env->SyncDir(tmp + "/chunks"); !st.ok()) return fail(st);
  if (util::Status st = env->SyncDir(tmp); !st.ok()) return fail(st);
  if (util::Status st = env->RenameFile(tmp, final_dir); !st.ok()) {
    return fail(st.Wrap("rename block dir"));
  }
  PROMKIT_RETURN_IF_ERROR(env->SyncDir(dir));
  return meta;
}

util::Result<std::unique_ptr<DbLock>> DbLock::Acquire(const std::string& dir) {
  const std::string path = dir + "/lock";
  std::error_code ec;
  const bool existed = fs::exists(path, ec);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) {
    return util::Status::IoError(fmt::format("lock DB directory: open {}: {}", path,
                                             std::generic_category().message(errno)));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return util::Status::IoError(fmt::format(
          "lock DB directory: {} is in use by another process (a running Prometheus?); stop it "
          "first",
          dir));
    }
    return util::Status::IoError(
        fmt::format("lock DB directory: flock {}: {}", path, std::generic_category().message(err)));
  }
  return std::make_unique<DbLock>(fd, existed ? std::string() : path);
}

DbLock::~DbLock() {
  if (!created_.empty()) ::unlink(created_.c_str());
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
}

util::Result<std::unique_ptr<DbLock>> OpenForWrite(const std::string& dir,
                                                   const ProgressFn& progress, util::Env* env) {
  PROMKIT_RETURN_IF_ERROR(CheckDbDir(dir));
  PROMKIT_ASSIGN_OR_RETURN(std::unique_ptr<DbLock> lock, DbLock::Acquire(dir));
  std::error_code ec;
  auto say = [&](std::string_view s) {
    if (progress) progress(s);
  };
  // Leftover temporary directories of an interrupted run.
  std::vector<std::string> tmp;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    auto ends = [&](std::string_view suf) {
      return name.size() > suf.size() &&
             name.compare(name.size() - suf.size(), suf.size(), suf) == 0;
    };
    if (ends(kTmpForCreation) || ends(kTmpForDeletion)) tmp.push_back(std::move(name));
  }
  if (ec) return util::Status::IoError(fmt::format("read dir {}: {}", dir, ec.message()));
  for (const std::string& name : tmp) {
    fs::remove_all(dir + "/" + name, ec);
    if (ec) return util::Status::IoError(fmt::format("remove {}/{}: {}", dir, name, ec.message()));
    say(fmt::format("removed leftover {}", name));
  }
  // Blocks already replaced by a compacted one (upstream: parents of a loaded block are
  // deletable).
  PROMKIT_ASSIGN_OR_RETURN(OpenedBlocks ob, ReadMetas(dir));
  std::set<std::string> present(ob.names.begin(), ob.names.end());
  std::set<std::string> parents;
  for (size_t i = 0; i < ob.names.size(); ++i) {
    bool replaces = false;
    for (const BlockDesc& p : ob.metas[i].compaction_parents) {
      replaces = replaces || (present.count(p.ulid) != 0 && p.ulid != ob.names[i]);
    }
    if (!replaces) continue;
    // Only a child that opens replaces its parents (upstream deletes parents of loaded blocks).
    util::Result<std::shared_ptr<Block>> child = Block::Open(dir + "/" + ob.names[i]);
    if (!child.ok()) {
      return child.status().Wrap(fmt::format(
          "block {} replaces blocks still present but cannot be opened; left everything as is",
          ob.names[i]));
    }
    for (const BlockDesc& p : ob.metas[i].compaction_parents) parents.insert(p.ulid);
  }
  for (size_t i = 0; i < ob.names.size(); ++i) {
    if (parents.count(ob.metas[i].ulid) == 0) continue;
    PROMKIT_RETURN_IF_ERROR(RemoveBlock(dir, ob.names[i], env));
    say(fmt::format("removed block {}: already compacted into a newer block", ob.names[i]));
  }
  return lock;
}

util::Result<std::vector<CompactionStep>> CompactDb(const std::string& dir,
                                                    const CompactOptions& opts) {
  PROMKIT_RETURN_IF_ERROR(CheckDbDir(dir));
  std::unique_ptr<DbLock> lock;
  if (!opts.dry_run) {
    PROMKIT_ASSIGN_OR_RETURN(lock, OpenForWrite(dir, opts.progress, opts.env));
  }
  const std::vector<int64_t> ranges = CompactionRanges(opts.max_block_duration);
  PROMKIT_ASSIGN_OR_RETURN(OpenedBlocks ob, ReadMetas(dir));
  std::vector<PlanInput> sim;  // the dry run's view of the directory
  for (size_t i = 0; i < ob.names.size(); ++i) sim.push_back(PlanInput{ob.names[i], ob.metas[i]});

  std::vector<CompactionStep> steps;
  for (;;) {
    if (!opts.dry_run) {
      PROMKIT_ASSIGN_OR_RETURN(ob, ReadMetas(dir));
      sim.clear();
      for (size_t i = 0; i < ob.names.size(); ++i) {
        sim.push_back(PlanInput{ob.names[i], ob.metas[i]});
      }
    }
    std::vector<std::string> plan = PlanCompaction(sim, ranges);
    if (plan.empty()) break;
    CompactionStep step;
    std::vector<const BlockMeta*> metas;
    for (const std::string& n : plan) {
      auto it =
          std::find_if(sim.begin(), sim.end(), [&](const PlanInput& p) { return p.name == n; });
      step.parents.push_back(it->meta);
    }
    for (const BlockMeta& m : step.parents) metas.push_back(&m);
    BlockMeta meta = CompactBlockMetas(NewUlid(NowMs()), metas);
    std::string what;
    for (const BlockMeta& m : step.parents)
      what += (what.empty() ? "" : ", ") + m.ulid + " " + Range(m);
    if (opts.dry_run) {
      opts.progress(fmt::format("would compact {} blocks into level {} block {}: {}", plan.size(),
                                meta.compaction_level, Range(meta), what));
      std::erase_if(sim, [&](const PlanInput& p) {
        return std::find(plan.begin(), plan.end(), p.name) != plan.end();
      });
      meta.ulid = fmt::format("(new block {})", steps.size() + 1);
      sim.push_back(PlanInput{meta.ulid, meta});
      step.result = std::move(meta);
      steps.push_back(std::move(step));
      continue;
    }
    opts.progress(fmt::format("compacting {} blocks into level {} block {}: {}", plan.size(),
                              meta.compaction_level, Range(meta), what));
    std::vector<std::shared_ptr<Block>> blocks;
    for (const std::string& n : plan) {
      util::Result<std::shared_ptr<Block>> b = Block::Open(dir + "/" + n);
      if (!b.ok()) return b.status().Wrap(fmt::format("open block {}", n));
      blocks.push_back(std::move(*b));
    }
    WriteStats ws;
    util::Result<BlockMeta> res = WriteMergedBlock(dir, blocks, meta, opts.env, &ws);
    if (!res.ok()) return res.status().Wrap("compact");
    blocks.clear();
    if (res->stats.num_samples == 0) {
      opts.progress("  no samples left: the blocks are removed and no new block written");
      res->ulid.clear();
    } else {
      opts.progress(
          fmt::format("  wrote {}: {} series, {} samples, {} chunks ({} copied, {} re-encoded)",
                      res->ulid, res->stats.num_series, res->stats.num_samples,
                      res->stats.num_chunks, ws.chunks_copied, ws.chunks_encoded));
    }
    for (const std::string& n : plan) PROMKIT_RETURN_IF_ERROR(RemoveBlock(dir, n, opts.env));
    step.result = std::move(*res);
    steps.push_back(std::move(step));
  }
  return steps;
}

util::Result<std::vector<DeleteResult>> DeleteSeries(const std::string& dir,
                                                     std::span<const model::Matcher> matchers,
                                                     int64_t mint, int64_t maxt, util::Env* env,
                                                     const ProgressFn& progress) {
  if (matchers.empty()) return util::Status::InvalidArgument("delete: no series selector given");
  if (mint > maxt) {
    return util::Status::InvalidArgument(
        fmt::format("delete: min time {} is after max time {}", mint, maxt));
  }
  PROMKIT_ASSIGN_OR_RETURN(std::unique_ptr<DbLock> lock, OpenForWrite(dir, progress, env));
  PROMKIT_ASSIGN_OR_RETURN(std::vector<std::string> names, BlockDirNames(dir));
  std::vector<DeleteResult> out;
  for (const std::string& n : names) {
    const std::string bdir = dir + "/" + n;
    PROMKIT_ASSIGN_OR_RETURN(std::shared_ptr<Block> b, Block::Open(bdir));
    if (!b->OverlapsClosedInterval(mint, maxt)) continue;
    PROMKIT_ASSIGN_OR_RETURN(std::vector<index::SeriesRef> refs,
                             PostingsForMatchers(b->index(), matchers));
    tombstones::Tombstones stones = b->tombstones();
    DeleteResult r;
    r.block = b->meta().ulid;
    for (index::SeriesRef ref : refs) {
      PROMKIT_ASSIGN_OR_RETURN(index::SeriesEntry e, b->index().Series(ref));
      bool hit = std::any_of(e.chunks.begin(), e.chunks.end(), [&](const index::ChunkMeta& c) {
        return c.mint <= maxt && mint <= c.maxt;
      });
      if (!hit) continue;
      // Only as far as the series has data (upstream clampInterval).
      stones.Add(static_cast<uint64_t>(ref),
                 tombstones::Interval{std::max(mint, e.chunks.front().mint),
                                      std::min(maxt, e.chunks.back().maxt)});
      r.series++;
    }
    if (r.series == 0) continue;
    BlockMeta meta = b->meta();
    meta.stats.num_tombstones = stones.Total();
    r.tombstones = meta.stats.num_tombstones;
    b.reset();
    if (util::Status st = util::WriteFileAtomic(bdir + "/tombstones", stones.Encode(), env);
        !st.ok()) {
      return st.Wrap(fmt::format("write tombstones of block {}", n));
    }
    if (util::Status st = WriteMeta(bdir, meta, env); !st.ok()) {
      return st.Wrap(fmt::format("write meta of block {}", n));
    }
    if (progress) {
      progress(fmt::format("block {}: {} series deleted from, {} tombstones", n, r.series,
                           r.tombstones));
    }
    out.push_back(std::move(r));
  }
  return out;
}

util::Result<std::vector<CompactionStep>> CleanTombstones(const std::string& dir, util::Env* env,
                                                          const ProgressFn& progress) {
  PROMKIT_ASSIGN_OR_RETURN(std::unique_ptr<DbLock> lock, OpenForWrite(dir, progress, env));
  PROMKIT_ASSIGN_OR_RETURN(std::vector<std::string> names, BlockDirNames(dir));
  std::vector<CompactionStep> steps;
  for (const std::string& n : names) {
    PROMKIT_ASSIGN_OR_RETURN(std::shared_ptr<Block> b, Block::Open(dir + "/" + n));
    if (b->tombstones().Total() == 0) continue;
    const BlockMeta& base = b->meta();
    // Upstream's Compactor.Write makes a level-1 block that is its own source; keeping the
    // level and sources instead keeps the block's history (what Thanos and `analyze` read).
    BlockMeta meta;
    meta.ulid = NewUlid(NowMs());
    meta.min_time = base.min_time;
    meta.max_time = base.max_time;
    meta.compaction_level = base.compaction_level;
    meta.compaction_sources = base.compaction_sources;
    meta.compaction_hints = base.compaction_hints;
    meta.compaction_parents = {BlockDesc{base.ulid, base.min_time, base.max_time}};
    CompactionStep step;
    step.parents.push_back(base);
    std::shared_ptr<Block> blocks[] = {b};
    PROMKIT_ASSIGN_OR_RETURN(BlockMeta res, WriteMergedBlock(dir, blocks, meta, env));
    b.reset();
    blocks[0].reset();
    if (res.stats.num_samples == 0) {
      if (progress) progress(fmt::format("block {}: every sample deleted, block removed", n));
      res.ulid.clear();
    } else if (progress) {
      progress(fmt::format("block {}: rewritten as {} ({} series, {} samples)", n, res.ulid,
                           res.stats.num_series, res.stats.num_samples));
    }
    PROMKIT_RETURN_IF_ERROR(RemoveBlock(dir, n, env));
    step.result = std::move(res);
    steps.push_back(std::move(step));
  }
  return steps;
}

}  // namespace promkit::tsdb

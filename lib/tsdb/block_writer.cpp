#include "tsdb/block_writer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <random>
#include <type_traits>

#include <fmt/core.h>

#include "tsdb/chunks/writer.h"
#include "tsdb/index/writer.h"
#include "util/numbers.h"

namespace promkit::tsdb {
namespace {

constexpr int kSamplesPerChunk = 120;
constexpr size_t kMaxBytesBeforeAppend = 1024 - 19;

// Upstream's rangeForTimestamp: the end of the chunk range holding t.
int64_t RangeEnd(int64_t t, int64_t width) { return (t / width) * width + width; }

// Upstream's computeChunkEndTime: spreads the rest of the range over chunks of about the size
// the first quarter promises.
int64_t ChunkEndTime(int64_t start, int64_t cur, int64_t max_t, double ratio_to_full) {
  const double n =
      static_cast<double>(max_t - start) / (static_cast<double>(cur - start + 1) * ratio_to_full);
  if (n <= 1) return max_t;
  return static_cast<int64_t>(static_cast<double>(start) +
                              static_cast<double>(max_t - start) / std::floor(n));
}

bool SameBits(double a, double b) {
  uint64_t x, y;
  std::memcpy(&x, &a, sizeof x);
  std::memcpy(&y, &b, sizeof y);
  return x == y;
}

util::Status WriteSynced(util::Env* env, const std::string& path, std::string_view data) {
  util::Result<std::unique_ptr<util::WritableFile>> f = env->NewExclusiveFile(path);
  if (!f.ok()) return f.status();
  if (util::Status st = (*f)->Append(data); !st.ok()) return st;
  if (util::Status st = (*f)->Sync(); !st.ok()) return st;
  return (*f)->Close();
}

}  // namespace

std::string NewUlid(int64_t ms) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::random_device rd;
  unsigned char b[16];
  const uint64_t t = static_cast<uint64_t>(ms);
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(t >> (40 - 8 * i));
  for (int i = 6; i < 16; ++i) b[i] = static_cast<unsigned char>(rd());
  // 128 bits as 26 base32 digits, most significant first (the first digit holds 3 bits).
  std::string out(26, '0');
  unsigned __int128 v = 0;
  for (unsigned char c : b) v = (v << 8) | c;
  for (int i = 25; i >= 0; --i) {
    out[static_cast<size_t>(i)] = kAlphabet[static_cast<size_t>(v & 31)];
    v >>= 5;
  }
  return out;
}

BlockBuilder::BlockBuilder(int64_t chunk_range_ms)
    : chunk_range_(chunk_range_ms),
      min_t_(std::numeric_limits<int64_t>::max()),
      max_t_(std::numeric_limits<int64_t>::min()) {}

BlockBuilder::~BlockBuilder() = default;

void BlockBuilder::CloseHead(Series& s) {
  if (s.head && s.head->num_samples() > 0) {
    s.done.push_back(Chunk{std::string(s.head->bytes()), s.head_mint, s.head_maxt,
                           s.head->num_samples(), chunkenc::Encoding::kXor});
  }
  if (s.hhead && s.hhead->num_samples() > 0) {
    s.done.push_back(Chunk{std::string(s.hhead->bytes()), s.head_mint, s.head_maxt,
                           s.hhead->num_samples(), chunkenc::Encoding::kHistogram});
  }
  if (s.fhhead && s.fhhead->num_samples() > 0) {
    s.done.push_back(Chunk{std::string(s.fhhead->bytes()), s.head_mint, s.head_maxt,
                           s.fhhead->num_samples(), chunkenc::Encoding::kFloatHistogram});
  }
  s.head.reset();
  s.hhead.reset();
  s.fhhead.reset();
}

void BlockBuilder::Cut(Series& s, int64_t t) {
  CloseHead(s);
  s.head = std::make_unique<chunkenc::XorEncoder>();
  s.head_mint = t;
  s.head_maxt = std::numeric_limits<int64_t>::min();
  s.next_at = RangeEnd(t, chunk_range_);
}

BlockBuilder::SeriesRef BlockBuilder::GetOrCreate(const model::Labels& labels) {
  auto [it, inserted] = series_.try_emplace(std::string(labels.encoded()));
  if (inserted) {
    it->second = std::make_unique<Series>();
    it->second->labels = labels;
    it->second->ref = static_cast<uint32_t>(by_ref_.size());
    by_ref_.push_back(it->second.get());
  }
  return SeriesRef{it->second->ref};
}

util::Status BlockBuilder::Check(const Series& s, int64_t t, double v, bool* skip) {
  *skip = false;
  if (s.hhead || s.fhhead) {  // the last sample was a histogram
    if (t < s.head_maxt) return util::Status::InvalidArgument("out of order sample");
    if (t == s.head_maxt) {
      return util::Status::InvalidArgument(fmt::format("duplicate sample for timestamp {}", t));
    }
    return util::Status::Ok();
  }
  if (!s.head) return util::Status::Ok();
  if (t < s.head_maxt) return util::Status::InvalidArgument("out of order sample");
  if (t == s.head_maxt) {
    if (SameBits(v, s.last_v)) {
      *skip = true;
      return util::Status::Ok();
    }
    if (t == 0) return util::Status::InvalidArgument("duplicate sample for timestamp");
    return util::Status::InvalidArgument(fmt::format(
        "duplicate sample for timestamp {}; overrides not allowed: existing {}, new value {}", t,
        util::FormatFloat(s.last_v, 'g', -1), util::FormatFloat(v, 'g', -1)));
  }
  return util::Status::Ok();
}

util::Status BlockBuilder::Append(const model::Labels& labels, int64_t t, double v) {
  return Append(GetOrCreate(labels), t, v);
}

util::Status BlockBuilder::Append(SeriesRef ref, int64_t t, double v) {
  Series& s = *by_ref_[static_cast<uint32_t>(ref)];
  bool skip;
  if (util::Status st = Check(s, t, v, &skip); !st.ok() || skip) return st;
  AppendChecked(s, t, v);
  return util::Status::Ok();
}

util::Status BlockBuilder::Stage(SeriesRef ref, int64_t t, double v) {
  Series& s = *by_ref_[static_cast<uint32_t>(ref)];
  bool skip;
  if (util::Status st = Check(s, t, v, &skip); !st.ok() || skip) return st;
  staged_.push_back(Staged{&s, t, v});
  return util::Status::Ok();
}

void BlockBuilder::Commit() {
  for (const Staged& x : staged_) {
    // Upstream re-checks at commit and drops what no longer fits, without an error.
    const bool open = x.series->head || x.series->hhead || x.series->fhhead;
    if (open && x.t <= x.series->head_maxt) continue;
    AppendChecked(*x.series, x.t, x.v);
  }
  staged_.clear();
}

void BlockBuilder::AppendChecked(Series& s, int64_t t, double v) {
  // upstream memSeries.appendPreprocessor
  if (!s.head) {
    Cut(s, t);
  } else if (s.head->bytes().size() > kMaxBytesBeforeAppend) {
    Cut(s, t);
  } else {
    const uint16_t n = s.head->num_samples();
    if (n == kSamplesPerChunk / 4) {
      s.next_at = ChunkEndTime(s.head_mint, s.head_maxt, s.next_at, 4);
    }
    if (t >= s.next_at || n >= kSamplesPerChunk * 2) Cut(s, t);
  }
  if (s.head->num_samples() == 0) {
    s.head_mint = t;
    s.next_at = RangeEnd(t, chunk_range_);
  }
  s.head->Append(t, v);
  s.head_maxt = t;
  s.last_v = v;
  num_samples_++;
  min_t_ = std::min(min_t_, t);
  max_t_ = std::max(max_t_, t);
}

template <typename H>
util::Status BlockBuilder::AppendHist(SeriesRef ref, int64_t t, const H& h) {
  constexpr bool kFloat = std::is_same_v<H, model::FloatHistogram>;
  Series& s = *by_ref_[static_cast<uint32_t>(ref)];
  if (util::Status st = h.Validate(); !st.ok()) return st;
  const bool open = s.head || s.hhead || s.fhhead;
  if (open && t < s.head_maxt) return util::Status::InvalidArgument("out of order sample");
  if (open && t == s.head_maxt) {
    return util::Status::InvalidArgument(fmt::format("duplicate sample for timestamp {}", t));
  }
  auto& app = [&]() -> auto& {
    if constexpr (kFloat) {
      return s.fhhead;
    } else {
      return s.hhead;
    }
  }
  ();
  using App = typename std::remove_reference_t<decltype(app)>::element_type;
  // upstream memSeries.histogramsAppendPreprocessor
  bool cut = app == nullptr;
  if (!cut) {
    const size_t bytes = app->bytes().size();
    const int64_t next_range_start =
        s.hist_end_computed ? RangeEnd(s.head_mint, chunk_range_) : s.next_at;
    constexpr size_t kTarget = chunkenc::kTargetBytesPerHistogramChunk;
    if (!s.hist_end_computed && bytes >= kTarget / 4) {
      s.next_at = ChunkEndTime(s.head_mint, s.head_maxt, s.next_at,
                               static_cast<double>(kTarget) / static_cast<double>(bytes));
      s.hist_end_computed = true;
    }
    cut = (t >= s.next_at || bytes >= kTarget * 2) &&
          (app->num_samples() >= chunkenc::kMinSamplesPerHistogramChunk || t >= next_range_start);
  }
  constexpr chunkenc::Encoding kEnc =
      kFloat ? chunkenc::Encoding::kFloatHistogram : chunkenc::Encoding::kHistogram;
  // The appender of a chunk cut for size or time decides the next chunk's counter reset header.
  std::unique_ptr<App> prev;
  if (cut) {
    if (app != nullptr) {
      s.done.push_back(
          Chunk{std::string(app->bytes()), s.head_mint, s.head_maxt, app->num_samples(), kEnc});
      prev = std::move(app);
    }
    CloseHead(s);  // a float chunk, if that was open
    app = std::make_unique<App>();
    s.head_mint = t;
    s.next_at = RangeEnd(t, chunk_range_);
    s.hist_end_computed = false;
  }
  bool recoded = false;
  std::unique_ptr<App> next = app->Append(prev.get(), t, h, &recoded);
  if (next != nullptr) {
    if (!recoded) {  // the appender started a new chunk: close the current one
      s.done.push_back(
          Chunk{std::string(app->bytes()), s.head_mint, s.head_maxt, app->num_samples(), kEnc});
      s.head_mint = t;
      s.next_at = RangeEnd(t, chunk_range_);
    }
    app = std::move(next);
  }
  s.head_maxt = t;
  num_samples_++;
  num_histogram_samples_++;
  min_t_ = std::min(min_t_, t);
  max_t_ = std::max(max_t_, t);
  return util::Status::Ok();
}

util::Status BlockBuilder::AppendHistogram(SeriesRef ref, int64_t t, const model::Histogram& h) {
  return AppendHist(ref, t, h);
}

util::Status BlockBuilder::AppendFloatHistogram(SeriesRef ref, int64_t t,
                                                const model::FloatHistogram& h) {
  return AppendHist(ref, t, h);
}

util::Result<BlockMeta> BlockBuilder::Flush(const std::string& dir, util::Env* env) {
  BlockMeta meta;
  if (num_samples_ == 0) return meta;
  std::vector<Series*> sorted;
  sorted.reserve(series_.size());
  for (auto& [k, s] : series_) {
    Cut(*s, 0);  // closes the head chunk
    // As upstream's compaction, a series without samples is left out.
    if (!s->done.empty()) sorted.push_back(s.get());
  }
  std::sort(sorted.begin(), sorted.end(), [](const Series* a, const Series* b) {
    return model::Labels::Compare(a->labels, b->labels) < 0;
  });

  meta.ulid = NewUlid(std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count());
  meta.min_time = min_t_;
  meta.max_time = max_t_ + 1;
  meta.compaction_level = 1;
  meta.compaction_sources = {meta.ulid};
  meta.version = 1;

  namespace fs = std::filesystem;
  const std::string final_dir = dir + "/" + meta.ulid;
  const std::string tmp = final_dir + ".tmp-for-creation";
  std::error_code ec;
  fs::remove_all(tmp, ec);
  auto fail = [&](util::Status st) -> util::Result<BlockMeta> {
    std::error_code ignore;
    fs::remove_all(tmp, ignore);
    return st;
  };
  if (!fs::create_directories(tmp + "/chunks", ec) || ec) {
    return fail(util::Status::IoError(fmt::format("mkdir {}: {}", tmp, ec.message())));
  }
  std::vector<index::SeriesInput> inputs;
  inputs.reserve(sorted.size());
  {
    chunks::Writer cw(tmp + "/chunks", chunks::kDefaultMaxSegmentSize, env);
    for (Series* s : sorted) {
      index::SeriesInput in;
      for (const model::Label& l : s->labels) in.labels.emplace_back(l.name, l.value);
      for (const Chunk& c : s->done) {
        util::Result<chunks::ChunkRef> ref = cw.Write(c.encoding, c.data);
        if (!ref.ok()) return fail(ref.status().Wrap("write chunks"));
        in.chunks.push_back(index::ChunkMeta{c.mint, c.maxt, *ref});
        meta.stats.num_chunks++;
        meta.stats.num_samples += c.samples;
        if (c.encoding == chunkenc::Encoding::kXor) {
          meta.stats.num_float_samples += c.samples;
        } else {
          meta.stats.num_histogram_samples += c.samples;
        }
      }
      meta.stats.num_series++;
      inputs.push_back(std::move(in));
    }
    if (util::Status st = cw.Close(); !st.ok()) return fail(st.Wrap("write chunks"));
  }
  if (util::Status st = index::WriteIndex(tmp + "/index", inputs, env); !st.ok()) {
    return fail(st.Wrap("write index"));
  }
  if (util::Status st = WriteSynced(env, tmp + "/meta.json", EncodeMeta(meta)); !st.ok()) {
    return fail(st.Wrap("write meta"));
  }
  // An empty tombstones file: magic, version 1, CRC32C of nothing.
  std::string tomb = {'\x01', '\x30', '\xBA', '\x30', '\x01', '\0', '\0', '\0', '\0'};
  if (util::Status st = WriteSynced(env, tmp + "/tombstones", tomb); !st.ok()) {
    return fail(st.Wrap("write tombstones"));
  }
  if (util::Status st = env->SyncDir(tmp + "/chunks"); !st.ok()) return fail(st);
  if (util::Status st = env->SyncDir(tmp); !st.ok()) return fail(st);
  if (util::Status st = env->RenameFile(tmp, final_dir); !st.ok()) {
    return fail(st.Wrap("rename block dir"));
  }
  if (util::Status st = env->SyncDir(dir); !st.ok()) return st;
  series_.clear();
  by_ref_.clear();
  num_samples_ = 0;
  num_histogram_samples_ = 0;
  min_t_ = std::numeric_limits<int64_t>::max();
  max_t_ = std::numeric_limits<int64_t>::min();
  return meta;
}

}  // namespace promkit::tsdb

#include "tsdb/head/head.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include <fmt/core.h>

#include "tsdb/wal/reader.h"
#include "tsdb/wal/record.h"
#include "tsdb/wal/segment.h"
#include "util/mmap.h"

namespace promkit::tsdb::head {

using internal::MemChunk;
using internal::MemSeries;

namespace {

bool IsDir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Whether `dir` holds a non-empty segment file.
bool HasData(const std::string& dir) {
  util::Result<std::vector<wal::SegmentFile>> segs = wal::ListSegments(dir);
  if (!segs.ok()) return IsDir(dir);
  for (const wal::SegmentFile& s : *segs) {
    struct stat st {};
    if (::stat(s.path.c_str(), &st) == 0 && st.st_size > 0) return true;
  }
  return false;
}

}  // namespace

// Applies chunks_head/ and WAL records to the series being built, in upstream Head.Init's
// order. Single-threaded: upstream shards samples by series across goroutines, which keeps
// each series' records in order, so one thread in record order gives the same head.
class Head::Replayer {
 public:
  Replayer(Head& h, int64_t min_valid_time) : h_(h), min_valid_(min_valid_time) {}

  util::Status LoadMmappedChunks(const std::string& dir);
  util::Status ReplayWal(const std::string& wal_dir);
  void Finish();

 private:
  struct LoadedChunk {
    MemChunk chunk;
    int file = 0;
  };

  util::Status Replay(wal::Reader& r);
  util::Status DecodeFailure(const wal::Reader& r, const util::Status& st) const;
  void OnSeries(const wal::RefSeries& rs);
  void OnSample(uint64_t ref, int64_t t, double v);
  void OnHistogram(const wal::RefHistogramSample& hs);
  void OnTombstone(const wal::RefTombstone& ts);
  MemSeries* Resolve(uint64_t ref);  // through duplicate series records
  void UpdateMinMax(int64_t mint, int64_t maxt) {
    min_t_ = std::min(min_t_, mint);
    max_t_ = std::max(max_t_, maxt);
  }
  static void Seal(MemSeries& s);  // moves the open XOR appender's bytes into its chunk

  Head& h_;
  const int64_t min_valid_;
  // m-mapped chunks by the series ref they were written under, waiting for its series record.
  std::unordered_map<uint64_t, std::vector<MemChunk>> mmapped_;
  std::vector<std::unique_ptr<MemSeries>> series_;
  std::unordered_map<uint64_t, MemSeries*> by_ref_;
  std::unordered_map<std::string_view, MemSeries*> by_labels_;  // views series' own labels
  std::unordered_map<uint64_t, uint64_t> multi_ref_;  // duplicate record ref -> series ref
  int64_t min_t_ = std::numeric_limits<int64_t>::max();
  int64_t max_t_ = std::numeric_limits<int64_t>::min();
  uint64_t unsupported_schema_ = 0;
};

util::Status Head::Replayer::LoadMmappedChunks(const std::string& dir) {
  PROMKIT_ASSIGN_OR_RETURN(h_.files_, HeadChunkFiles::Open(dir));
  std::vector<std::pair<uint64_t, LoadedChunk>> loaded;
  std::unordered_map<uint64_t, std::pair<int64_t, int64_t>> last;  // per ref: last [mint, maxt]
  int bad_file = -1;
  util::Status st = h_.files_->Iterate(
      [&](const HeadChunk& c) -> util::Status {
        if (c.out_of_order()) {
          ++h_.stats_.ooo_mmapped_chunks;
          return util::Status::Ok();
        }
        if (c.maxt < min_valid_) return util::Status::Ok();
        if (!chunkenc::IsValidEncoding(static_cast<uint8_t>(c.encoding()))) {
          return util::Status::Ok();
        }
        auto it = last.find(c.series_ref);
        if (it != last.end() && it->second.second >= c.mint) {
          return util::Status::Corruption(fmt::format(
              "out of sequence m-mapped chunk for series ref {}, last chunk: [{}, {}], new: [{}, "
              "{}]",
              c.series_ref, it->second.first, it->second.second, c.mint, c.maxt));
        }
        last[c.series_ref] = {c.mint, c.maxt};
        MemChunk m;
        m.mint = c.mint;
        m.maxt = c.maxt;
        m.encoding = c.encoding();
        m.from_file = true;
        m.file_data = c.data;
        m.file = c.file;
        m.offset = c.offset;
        m.num_samples = c.num_samples;
        loaded.push_back({c.series_ref, {std::move(m), c.file_index}});
        return util::Status::Ok();
      },
      &bad_file);
  if (!st.ok()) {
    // Upstream deletes the bad file and those after it (or all of them when the fault is not
    // in one file) and replays the WAL without them; we leave them alone and skip them.
    if (bad_file >= 0) {
      std::erase_if(loaded, [&](const auto& l) { return l.second.file >= bad_file; });
      h_.warnings_.push_back(st.ToString() +
                             "; m-mapped head chunks from this file on are not read (their "
                             "samples come from the WAL where it still holds them)");
    } else {
      loaded.clear();
      h_.warnings_.push_back(st.ToString() +
                             "; m-mapped head chunks are not read (their samples come from the "
                             "WAL where it still holds them)");
    }
  }
  for (auto& [ref, l] : loaded) {
    mmapped_[ref].push_back(std::move(l.chunk));
  }
  return util::Status::Ok();
}

util::Status Head::Replayer::ReplayWal(const std::string& wal_dir) {
  util::Result<std::optional<wal::Checkpoint>> cp = wal::LastCheckpoint(wal_dir);
  if (!cp.ok()) return cp.status().Wrap("find last checkpoint");
  util::Result<std::vector<wal::SegmentFile>> segs = wal::ListSegments(wal_dir);
  if (!segs.ok()) return segs.status().Wrap("finding WAL segments");

  int start = 0;
  if (cp->has_value()) {
    const wal::Checkpoint& c = **cp;
    util::Result<std::vector<wal::SegmentFile>> cs = wal::ListSegments(c.path);
    if (!cs.ok()) return cs.status().Wrap("open checkpoint");
    std::vector<std::unique_ptr<util::MappedFile>> maps;
    std::vector<wal::SegmentBytes> bytes;
    for (const wal::SegmentFile& s : *cs) {
      util::Result<std::unique_ptr<util::MappedFile>> m = util::MappedFile::Open(s.path);
      if (!m.ok()) return m.status().Wrap("open checkpoint");
      bytes.push_back({s.path, (*m)->data()});
      maps.push_back(std::move(*m));
    }
    // A checkpoint is written whole before it is renamed into place: any damage is an error.
    wal::Reader r(std::move(bytes));
    if (util::Status st = Replay(r); !st.ok()) return st.Wrap("backfill checkpoint");
    h_.stats_.checkpoint = c.index;
    start = c.index + 1;
  }

  const int end = segs->empty() ? -1 : segs->back().index;
  for (int i = start; i <= end; ++i) {
    std::string path = wal::SegmentName(wal_dir, i);
    if (segs->front().index > i) {
      return util::Status::NotFound(
          fmt::format("open WAL segment: {}: open {}: no such file or directory", i, path));
    }
    util::Result<std::unique_ptr<util::MappedFile>> m = util::MappedFile::Open(path);
    if (!m.ok()) return m.status().Wrap(fmt::format("open WAL segment: {}", i));
    wal::Reader::Options opts;
    opts.tolerate_torn_tail = i == end;
    wal::Reader r({{path, (*m)->data()}}, opts);
    PROMKIT_RETURN_IF_ERROR(Replay(r));
    if (!r.torn_tail().empty()) {
      h_.warnings_.push_back(fmt::format(
          "WAL ends inside a record ({}); the records before it were read (a crash or a copy "
          "of a live directory cuts the last record short)",
          r.torn_tail()));
    }
    if (h_.stats_.first_segment < 0) h_.stats_.first_segment = i;
    h_.stats_.last_segment = i;
  }
  return util::Status::Ok();
}

util::Status Head::Replayer::DecodeFailure(const wal::Reader& r, const util::Status& st) const {
  return util::Status::Corruption(
      fmt::format("corruption in segment {} at {}: {}", r.segment(), r.offset(), st.message()));
}

util::Status Head::Replayer::Replay(wal::Reader& r) {
  std::vector<wal::RefSeries> series;
  std::vector<wal::RefSample> samples;
  std::vector<wal::RefTombstone> stones;
  std::vector<wal::RefExemplar> exemplars;
  std::vector<wal::RefMetadata> metadata;
  std::vector<wal::RefHistogramSample> histograms;
  while (r.Next()) {
    std::string_view rec = r.Record();
    ++h_.stats_.records;
    wal::RecordType type = wal::TypeOf(rec);
    util::Status st;
    switch (type) {
      case wal::RecordType::kSeries:
        series.clear();
        st = wal::DecodeSeries(rec, &series);
        if (!st.ok()) return DecodeFailure(r, st);
        for (const wal::RefSeries& s : series) OnSeries(s);
        break;
      case wal::RecordType::kSamples:
      case wal::RecordType::kSamplesV2:
        samples.clear();
        st = wal::DecodeSamples(rec, &samples);
        if (!st.ok()) return DecodeFailure(r, st);
        for (const wal::RefSample& s : samples) OnSample(s.ref, s.t, s.v);
        break;
      case wal::RecordType::kTombstones:
        stones.clear();
        st = wal::DecodeTombstones(rec, &stones);
        if (!st.ok()) return DecodeFailure(r, st);
        for (const wal::RefTombstone& s : stones) OnTombstone(s);
        break;
      case wal::RecordType::kExemplars:
        exemplars.clear();
        st = wal::DecodeExemplars(rec, &exemplars);
        if (!st.ok()) return DecodeFailure(r, st);
        h_.stats_.exemplars += exemplars.size();
        break;
      case wal::RecordType::kMetadata:
        metadata.clear();
        st = wal::DecodeMetadata(rec, &metadata);
        if (!st.ok()) return DecodeFailure(r, st);
        h_.stats_.metadata += metadata.size();
        break;
      default:
        if (wal::IsHistogramRecord(type)) {
          histograms.clear();
          st = wal::DecodeHistogramSamples(rec, &histograms);
          if (!st.ok()) return DecodeFailure(r, st);
          for (const wal::RefHistogramSample& s : histograms) OnHistogram(s);
        }
        // Other types (mmap markers belong to the WBL; unknown ones) are skipped, as upstream.
        break;
    }
  }
  if (!r.Err().ok()) {
    if (r.Err().code() == util::Code::kCorruption) return r.Err().Wrap("read records");
    return r.Err();
  }
  return util::Status::Ok();
}

MemSeries* Head::Replayer::Resolve(uint64_t ref) {
  if (auto m = multi_ref_.find(ref); m != multi_ref_.end()) ref = m->second;
  auto it = by_ref_.find(ref);
  return it == by_ref_.end() ? nullptr : it->second;
}

void Head::Replayer::Seal(MemSeries& s) {
  if (s.app != nullptr) s.chunks.back().owned.assign(s.app->bytes());
  if (s.happ != nullptr) s.chunks.back().owned.assign(s.happ->bytes());
  if (s.fhapp != nullptr) s.chunks.back().owned.assign(s.fhapp->bytes());
  s.app.reset();
  s.happ.reset();
  s.fhapp.reset();
}

void Head::Replayer::OnSeries(const wal::RefSeries& rs) {
  ++h_.stats_.series_records;
  MemSeries* s = nullptr;
  if (auto it = by_labels_.find(rs.labels.encoded()); it != by_labels_.end()) {
    s = it->second;
    multi_ref_[rs.ref] = s->ref;
  } else {
    auto owned = std::make_unique<MemSeries>();
    owned->ref = rs.ref;
    owned->labels = rs.labels;
    s = owned.get();
    by_labels_[s->labels.encoded()] = s;
    by_ref_[rs.ref] = s;
    series_.push_back(std::move(owned));
  }
  // Reset the series to the m-mapped chunks written under this record's ref: whatever was
  // replayed into it before is older than them (upstream resetSeriesWithMMappedChunks).
  s->app.reset();
  s->happ.reset();
  s->fhapp.reset();
  s->chunks.clear();
  s->has_head_chunk = false;
  s->mm_max_time = std::numeric_limits<int64_t>::min();
  if (auto it = mmapped_.find(rs.ref); it != mmapped_.end() && !it->second.empty()) {
    s->chunks = it->second;
    s->mm_max_time = s->chunks.back().maxt;
    UpdateMinMax(s->chunks.front().mint, s->mm_max_time);
    h_.stats_.mmapped_chunks += s->chunks.size();
  }
}

void Head::Replayer::OnSample(uint64_t ref, int64_t t, double v) {
  ++h_.stats_.samples;
  if (t < min_valid_) {
    ++h_.stats_.samples_dropped;
    return;
  }
  MemSeries* s = Resolve(ref);
  if (s == nullptr) {
    ++h_.stats_.unknown_refs;
    return;
  }
  if (t <= s->mm_max_time) {
    ++h_.stats_.samples_dropped;
    return;
  }
  UpdateMinMax(t, t);
  if (!s->chunks.empty() && s->chunks.back().maxt >= t) {  // out of order or duplicate
    ++h_.stats_.samples_dropped;
    return;
  }
  if (s->app == nullptr || s->chunks.back().num_samples >= chunkenc::kSamplesPerChunk) {
    Seal(*s);
    MemChunk c;
    c.mint = t;
    s->chunks.push_back(std::move(c));
    s->app = std::make_unique<chunkenc::XorEncoder>();
  }
  s->app->Append(t, v);
  MemChunk& c = s->chunks.back();
  c.maxt = t;
  ++c.num_samples;
  s->has_head_chunk = true;
  ++h_.stats_.samples_appended;
}

namespace {

// Upstream's head chunk range (the default block duration) and rangeForTimestamp.
constexpr int64_t kChunkRange = 2 * 60 * 60 * 1000;
int64_t RangeForTimestamp(int64_t t) { return (t / kChunkRange) * kChunkRange + kChunkRange; }

// Upstream computeChunkEndTime: spreads the rest of the range over chunks of the size reached.
int64_t ComputeChunkEndTime(int64_t start, int64_t cur, int64_t max_t, double ratio_to_full) {
  const double n =
      static_cast<double>(max_t - start) / (static_cast<double>(cur - start + 1) * ratio_to_full);
  if (n <= 1) return max_t;
  return static_cast<int64_t>(static_cast<double>(start) +
                              static_cast<double>(max_t - start) / std::floor(n));
}

// Upstream histogramsAppendPreprocessor's cutting rule for the open histogram chunk `c` holding
// `bytes` bytes: about 1 KiB a chunk (at most 2 KiB), at least 10 samples unless the chunk range
// ends, and never across a chunk range boundary.
bool CutHistogramChunk(MemSeries& s, const MemChunk& c, size_t bytes, int64_t t) {
  const int64_t next_range_start = s.hist_end_computed ? RangeForTimestamp(c.mint) : s.next_at;
  constexpr size_t kTarget = chunkenc::kTargetBytesPerHistogramChunk;
  if (!s.hist_end_computed && bytes >= kTarget / 4) {
    s.next_at = ComputeChunkEndTime(c.mint, c.maxt, s.next_at,
                                    static_cast<double>(kTarget) / static_cast<double>(bytes));
    s.hist_end_computed = true;
  }
  return (t >= s.next_at || bytes >= kTarget * 2) &&
         (c.num_samples >= chunkenc::kMinSamplesPerHistogramChunk || t >= next_range_start);
}

}  // namespace

// Upstream memSeries.appendHistogram / appendFloatHistogram during the WAL replay.
void Head::Replayer::OnHistogram(const wal::RefHistogramSample& hs) {
  ++h_.stats_.histogram_samples;
  if (hs.t < min_valid_) {
    ++h_.stats_.samples_dropped;
    return;
  }
  const int32_t schema = hs.is_float ? hs.fh.schema : hs.h.schema;
  if (!hs.known_schema) {  // upstream skips these with a warning too
    ++h_.stats_.histogram_samples_skipped;
    return;
  }
  if (schema > model::kExponentialSchemaMax && !model::IsCustomBucketsSchema(schema)) {
    ++unsupported_schema_;  // upstream reduces them to schema 8, which promkit does not
    ++h_.stats_.histogram_samples_skipped;
    return;
  }
  MemSeries* s = Resolve(hs.ref);
  if (s == nullptr) {
    ++h_.stats_.unknown_refs;
    return;
  }
  if (hs.t <= s->mm_max_time) {
    ++h_.stats_.samples_dropped;
    return;
  }
  UpdateMinMax(hs.t, hs.t);
  if (!s->chunks.empty() && s->chunks.back().maxt >= hs.t) {
    ++h_.stats_.samples_dropped;
    return;
  }
  const auto enc =
      hs.is_float ? chunkenc::Encoding::kFloatHistogram : chunkenc::Encoding::kHistogram;
  const bool open = hs.is_float ? s->fhapp != nullptr : s->happ != nullptr;
  bool cut = !open || s->chunks.back().encoding != enc;
  if (!cut) {
    const size_t bytes = hs.is_float ? s->fhapp->bytes().size() : s->happ->bytes().size();
    cut = CutHistogramChunk(*s, s->chunks.back(), bytes, hs.t);
  }
  // The appender of the chunk being closed, if of the same kind: it decides the counter reset
  // header of the next one.
  std::unique_ptr<chunkenc::HistogramAppender> prev_h;
  std::unique_ptr<chunkenc::FloatHistogramAppender> prev_fh;
  if (cut) {
    if (open) {
      s->chunks.back().owned.assign(hs.is_float ? s->fhapp->bytes() : s->happ->bytes());
      prev_h = std::move(s->happ);
      prev_fh = std::move(s->fhapp);
    }
    Seal(*s);
    MemChunk c;
    c.mint = hs.t;
    c.encoding = enc;
    s->chunks.push_back(std::move(c));
    if (hs.is_float) {
      s->fhapp = std::make_unique<chunkenc::FloatHistogramAppender>();
    } else {
      s->happ = std::make_unique<chunkenc::HistogramAppender>();
    }
    s->next_at = RangeForTimestamp(hs.t);
    s->hist_end_computed = false;
  }
  bool recoded = false;
  bool new_chunk = false;
  if (hs.is_float) {
    auto next = s->fhapp->Append(prev_fh.get(), hs.t, hs.fh, &recoded);
    if (next != nullptr && !recoded) {
      s->chunks.back().owned.assign(s->fhapp->bytes());
      new_chunk = true;
    }
    if (next != nullptr) s->fhapp = std::move(next);
  } else {
    auto next = s->happ->Append(prev_h.get(), hs.t, hs.h, &recoded);
    if (next != nullptr && !recoded) {
      s->chunks.back().owned.assign(s->happ->bytes());
      new_chunk = true;
    }
    if (next != nullptr) s->happ = std::move(next);
  }
  if (new_chunk) {  // the appender cut the chunk itself (a reset or a new layout)
    MemChunk c;
    c.mint = hs.t;
    c.encoding = enc;
    s->chunks.push_back(std::move(c));
    s->next_at = RangeForTimestamp(hs.t);
  }
  MemChunk& c = s->chunks.back();
  c.maxt = hs.t;
  c.num_samples = hs.is_float ? s->fhapp->num_samples() : s->happ->num_samples();
  s->has_head_chunk = true;
  ++h_.stats_.histogram_samples_appended;
}

void Head::Replayer::OnTombstone(const wal::RefTombstone& ts) {
  ++h_.stats_.tombstones;
  if (ts.interval.maxt < min_valid_) return;
  // Upstream looks the ref up as written, without following duplicate series records.
  auto it = by_ref_.find(ts.ref);
  if (it == by_ref_.end()) {
    ++h_.stats_.unknown_refs;
    return;
  }
  tombstones::AddInterval(it->second->deleted, ts.interval);
}

void Head::Replayer::Finish() {
  for (auto& s : series_) Seal(*s);
  int64_t head_min = min_t_;
  if (head_min < min_valid_) head_min = min_valid_;
  h_.min_time_ = head_min;
  h_.max_time_ = max_t_;

  // Upstream's garbage collection right after the replay.
  std::vector<std::unique_ptr<MemSeries>> kept;
  for (auto& s : series_) {
    auto first_kept = std::find_if(s->chunks.begin(), s->chunks.end(),
                                   [&](const MemChunk& c) { return c.maxt >= head_min; });
    s->chunks.erase(s->chunks.begin(), first_kept);
    if (s->chunks.empty()) continue;
    std::erase_if(s->deleted, [&](const tombstones::Interval& iv) { return iv.maxt < head_min; });
    kept.push_back(std::move(s));
  }
  std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) { return a->ref < b->ref; });
  h_.series_ = std::move(kept);

  const auto n = static_cast<uint32_t>(h_.series_.size());
  std::vector<uint32_t> by_labels(n);
  std::iota(by_labels.begin(), by_labels.end(), 0u);
  std::sort(by_labels.begin(), by_labels.end(), [&](uint32_t a, uint32_t b) {
    return model::Labels::Compare(h_.series_[a]->labels, h_.series_[b]->labels) < 0;
  });
  h_.rank_.assign(n, 0);
  for (uint32_t i = 0; i < n; ++i) h_.rank_[by_labels[i]] = i;
  for (uint32_t i = 0; i < n; ++i) {
    for (const model::Label& l : h_.series_[i]->labels) {
      auto names = h_.postings_.find(l.name);
      if (names == h_.postings_.end()) {
        names = h_.postings_.emplace(std::string(l.name), decltype(names->second)()).first;
      }
      auto values = names->second.find(l.value);
      if (values == names->second.end()) {
        values = names->second.emplace(std::string(l.value), std::vector<uint32_t>()).first;
      }
      values->second.push_back(i);
    }
  }

  const uint64_t unknown = h_.stats_.histogram_samples_skipped - unsupported_schema_;
  if (unknown > 0) {
    h_.warnings_.push_back(fmt::format(
        "{} native histogram samples with an unknown schema were skipped (as upstream does)",
        unknown));
  }
  if (unsupported_schema_ > 0) {
    h_.warnings_.push_back(fmt::format(
        "{} native histogram samples with a schema above 8 were skipped: reducing their "
        "resolution (as upstream does) is not supported",
        unsupported_schema_));
  }
}

util::Result<std::shared_ptr<const Head>> Head::OpenReadOnly(const std::string& db_dir,
                                                             Options options) {
  auto h = std::make_shared<Head>(Key{});
  const std::string wal_dir = db_dir + "/wal";
  Replayer r(*h, options.min_valid_time);
  if (IsDir(wal_dir)) {
    // Without a WAL no series record would claim the m-mapped chunks: upstream drops them.
    PROMKIT_RETURN_IF_ERROR(r.LoadMmappedChunks(db_dir + "/chunks_head"));
    PROMKIT_RETURN_IF_ERROR(r.ReplayWal(wal_dir));
  }
  r.Finish();
  const std::string wbl_dir = db_dir + "/wbl";
  if (h->stats_.ooo_mmapped_chunks > 0 || HasData(wbl_dir)) {
    h->warnings_.push_back(fmt::format(
        "out-of-order samples are not read: {} is not replayed and {} out-of-order m-mapped "
        "head chunks were skipped",
        wbl_dir, h->stats_.ooo_mmapped_chunks));
  }
  return std::shared_ptr<const Head>(std::move(h));
}

std::vector<std::string> Head::LabelNames() const {
  std::vector<std::string> out;
  for (const auto& [name, values] : postings_) out.push_back(name);
  return out;
}

std::vector<std::string> Head::LabelValues(const std::string& name) const {
  std::vector<std::string> out;
  if (auto it = postings_.find(name); it != postings_.end()) {
    for (const auto& [value, refs] : it->second) out.push_back(value);
  }
  return out;
}

}  // namespace promkit::tsdb::head

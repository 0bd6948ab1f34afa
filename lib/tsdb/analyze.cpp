#include "tsdb/analyze.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <map>
#include <set>
#include <string_view>
#include <system_error>
#include <unordered_map>

#include <fmt/core.h>

#include "tsdb/chunkenc/chunk.h"
#include "util/file.h"

namespace promkit::tsdb {
namespace {

// The 48-bit millisecond time in the first ten characters of a ULID (Crockford base32).
uint64_t UlidTime(std::string_view ulid) {
  static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  uint64_t t = 0;
  for (size_t i = 0; i < 10 && i < ulid.size(); ++i) {
    const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(ulid[i])));
    t = (t << 5) | static_cast<uint64_t>(kAlphabet.find(c) & 31);
  }
  return t;
}

// Go's uint64(f) on amd64: values at or above 2^63 go through a subtraction, NaN and
// out-of-range values give 1<<63.
uint64_t GoFloatToUint64(double f) {
  constexpr double kTwo63 = 9223372036854775808.0;
  if (std::isnan(f) || f >= 2 * kTwo63 || f <= -kTwo63) return uint64_t{1} << 63;
  if (f < kTwo63) return static_cast<uint64_t>(static_cast<int64_t>(f));
  return static_cast<uint64_t>(static_cast<int64_t>(f - kTwo63)) ^ (uint64_t{1} << 63);
}

std::vector<CountedKey> Sorted(const std::unordered_map<std::string, uint64_t>& m) {
  std::vector<CountedKey> out;
  out.reserve(m.size());
  for (const auto& [k, v] : m) out.push_back(CountedKey{k, v});
  // Upstream sorts by count only (unstable, over a map): ties come out in any order. Sorting
  // them by key makes the report reproducible.
  std::sort(out.begin(), out.end(), [](const CountedKey& a, const CountedKey& b) {
    return a.count != b.count ? a.count > b.count : a.key < b.key;
  });
  return out;
}

uint16_t ChunkSamples(std::string_view data) {
  if (data.size() < 2) return 0;
  return static_cast<uint16_t>((static_cast<unsigned char>(data[0]) << 8) |
                               static_cast<unsigned char>(data[1]));
}

}  // namespace

util::Result<std::shared_ptr<Block>> OpenBlockToAnalyze(const std::string& db_dir,
                                                        const std::string& block_id) {
  struct stat st {};
  if (::stat(db_dir.c_str(), &st) != 0) {
    return util::Status::IoError(
        fmt::format("opening the db dir: stat {}: {}", db_dir, util::ErrnoText(errno)));
  }
  std::string id = block_id;
  if (id.empty()) {
    DIR* d = ::opendir(db_dir.c_str());
    if (d == nullptr) {
      return util::Status::IoError(fmt::format("open {}: {}", db_dir, util::ErrnoText(errno)));
    }
    std::vector<std::string> names;
    while (dirent* e = ::readdir(d)) names.emplace_back(e->d_name);
    ::closedir(d);
    std::sort(names.begin(), names.end());  // os.ReadDir's order: the first of equal times wins
    uint64_t newest = 0;
    for (const std::string& n : names) {
      if (!IsUlid(n)) continue;
      if (const uint64_t t = UlidTime(n); t > newest) {
        newest = t;
        id = n;
      }
    }
    if (id.empty()) return util::Status::NotFound("no blocks found");
  }
  const std::string dir = db_dir + "/" + id;
  if (::stat(dir.c_str(), &st) != 0 && errno == ENOENT) {
    return util::Status::NotFound(fmt::format("invalid block ID {}", id));
  }
  return Block::Open(dir);
}

util::Result<BlockAnalysis> AnalyzeBlock(const Block& block,
                                         std::span<const model::Matcher> matchers, bool extended) {
  BlockAnalysis a;
  a.meta = block.meta();
  a.extended = extended;
  const index::Reader& ix = block.index();
  std::vector<index::SeriesRef> refs;
  if (!matchers.empty()) {
    PROMKIT_ASSIGN_OR_RETURN(refs, PostingsForMatchers(ix, matchers));
    a.matched_series = refs.size();
  } else {
    PROMKIT_ASSIGN_OR_RETURN(refs, ix.AllPostings());
  }

  const int64_t range = a.meta.max_time - a.meta.min_time;
  std::unordered_map<std::string, uint64_t> pair_uncovered, name_uncovered, pair_count;
  // With matchers, names and values come from the matching series only (upstream's
  // labelNamesWithMatchers / labelValuesWithMatchers).
  std::map<std::string, std::set<std::string>, std::less<>> matched_values;
  std::unordered_map<std::string, uint64_t> matched_names;  // series per metric name
  std::string key;
  for (index::SeriesRef ref : refs) {
    PROMKIT_ASSIGN_OR_RETURN(index::SeriesEntry e, ix.Series(ref));
    // The part of the block's range this series does not cover, wrapping as Go's uint64 does.
    uint64_t uncovered = static_cast<uint64_t>(range);
    if (!e.chunks.empty()) {
      uncovered -= static_cast<uint64_t>(e.chunks.back().maxt - e.chunks.front().mint);
    }
    for (const auto& [name, value] : e.labels) {
      key.assign(name);
      key += '=';
      key += value;
      name_uncovered[std::string(name)] += uncovered;
      pair_uncovered[key] += uncovered;
      pair_count[key]++;
      a.label_entries++;
      if (!matchers.empty()) {
        matched_values[std::string(name)].emplace(value);
        if (name == model::kMetricName) matched_names[std::string(value)]++;
      }
    }
  }
  a.label_pairs = pair_uncovered.size();

  auto per_range = [&](std::unordered_map<std::string, uint64_t> m) {
    for (auto& [k, v] : m) {
      v = GoFloatToUint64(static_cast<double>(v) / static_cast<double>(range));
    }
    return Sorted(m);
  };
  a.churn_pairs = per_range(pair_uncovered);
  a.churn_names = per_range(name_uncovered);
  a.common_pairs = Sorted(pair_count);

  std::unordered_map<std::string, uint64_t> lengths, cardinality, metric_names;
  if (!matchers.empty()) {
    a.label_names = matched_values.size();
    for (const auto& [name, values] : matched_values) {
      uint64_t total = 0;
      for (const std::string& v : values) total += v.size();
      lengths[name] = total;
      cardinality[name] = values.size();
    }
    metric_names = std::move(matched_names);
  } else {
    std::vector<std::string_view> names = ix.LabelNames();
    a.label_names = names.size();
    for (std::string_view name : names) {
      uint64_t total = 0;
      std::vector<std::string_view> values = ix.LabelValues(name);
      for (std::string_view v : values) total += v.size();
      lengths[std::string(name)] = total;
      cardinality[std::string(name)] = values.size();
    }
    for (std::string_view v : ix.LabelValues(model::kMetricName)) {
      PROMKIT_ASSIGN_OR_RETURN(std::vector<index::SeriesRef> p, ix.Postings(model::kMetricName, v));
      metric_names[std::string(v)] = p.size();
    }
  }
  a.value_lengths = Sorted(lengths);
  a.cardinality = Sorted(cardinality);
  a.metric_names = Sorted(metric_names);

  if (!extended) return a;
  for (index::SeriesRef ref : refs) {
    PROMKIT_ASSIGN_OR_RETURN(index::SeriesEntry e, ix.Series(ref));
    for (const index::ChunkMeta& cm : e.chunks) {
      PROMKIT_ASSIGN_OR_RETURN(chunks::ChunkView c, block.chunks().Chunk(cm.ref));
      const int samples = ChunkSamples(c.data);
      const int bytes = static_cast<int>(c.data.size());
      switch (c.encoding) {
        case chunkenc::Encoding::kXor:
        case chunkenc::Encoding::kXor2:
          a.float_chunk_samples.push_back(samples);
          a.float_chunk_bytes.push_back(bytes);
          break;
        case chunkenc::Encoding::kHistogram:
        case chunkenc::Encoding::kFloatHistogram:
        case chunkenc::Encoding::kHistogramSt:
        case chunkenc::Encoding::kFloatHistogramSt: {
          // upstream: the buckets (positive and negative) of every sample of the chunk.
          a.histogram_chunk_samples.push_back(samples);
          a.histogram_chunk_bytes.push_back(bytes);
          std::unique_ptr<storage::SampleIterator> it = chunkenc::NewIterator(c.encoding, c.data);
          int buckets = 0;
          model::FloatHistogram fh;
          while (it->Next() != storage::ValueType::kNone) {
            it->AtFloatHistogram(&fh);
            buckets += static_cast<int>(fh.positive_buckets.size() + fh.negative_buckets.size());
          }
          if (util::Status st = it->Err(); !st.ok()) {
            return std::move(st).Wrap(fmt::format("{}: chunk at offset {}", *c.file, c.offset));
          }
          a.histogram_chunk_buckets.push_back(buckets);
          break;
        }
        default:
          break;
      }
      a.total_chunks++;
    }
  }
  return a;
}

}  // namespace promkit::tsdb

#pragma once
// A block's deleted time ranges per series (tsdb/docs/format/tombstones.md). The `tombstones`
// file: magic 0x0130BA30 (4 bytes), format version 1 (1 byte), then entries (uvarint series
// ref, varint mint, varint maxt; both bounds inclusive) and a CRC-32C of the entries (the bytes
// between the version byte and the checksum). A missing file means nothing is deleted.
// Thread-safety: immutable after reading; share freely.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "util/status.h"

namespace promkit::tsdb::tombstones {

inline constexpr uint32_t kMagicTombstones = 0x0130BA30;
inline constexpr uint8_t kFormatV1 = 1;

struct Interval {
  int64_t mint = 0;  // inclusive
  int64_t maxt = 0;  // inclusive
  bool Contains(int64_t t) const { return t >= mint && t <= maxt; }
  friend bool operator==(const Interval&, const Interval&) = default;
};

// Sorted, non-overlapping, non-adjacent intervals.
using Intervals = std::vector<Interval>;

// Adds `iv` to `in`, merging what overlaps or touches it (upstream Intervals.Add).
void AddInterval(Intervals& in, Interval iv);

class Tombstones {
 public:
  // Intervals deleted from series `ref`; empty when none.
  const Intervals& Get(uint64_t ref) const;
  void Add(uint64_t ref, Interval iv) { AddInterval(by_ref_[ref], iv); }
  size_t num_series() const { return by_ref_.size(); }
  // Intervals over all series: what meta.json counts as numTombstones (upstream Total).
  uint64_t Total() const;
  // Every series with its intervals, in no particular order.
  const std::unordered_map<uint64_t, Intervals>& all() const { return by_ref_; }
  // Entries in ascending series order, as the file lists them.
  std::string Encode() const;

 private:
  std::unordered_map<uint64_t, Intervals> by_ref_;
};

// Parses a tombstones file's bytes; `path` names it in errors (with byte offsets).
util::Result<Tombstones> Decode(std::string_view file, const std::string& path);

// Reads `<dir>/tombstones`; a missing file yields no tombstones and size 0.
struct ReadResult {
  Tombstones tombstones;
  uint64_t size = 0;
};
util::Result<ReadResult> ReadTombstones(const std::string& dir);

}  // namespace promkit::tsdb::tombstones

#pragma once
// Builders for hand-made WAL and chunks_head bytes, laid out as Prometheus writes them, and a
// snapshot of a directory tree to prove reading leaves it untouched.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/chunkenc/chunk.h"

namespace promkit::tsdb::testing {

// A WAL segment as upstream's writer lays it out: each record cut into fragments that fit the
// 32 KiB pages, a page closed with zeros once fewer than 7 bytes are left, the file ending
// where the last record ends (mid-page).
class SegmentWriter {
 public:
  // `snappy`: compress the record first, unless that does not make it smaller (as upstream).
  void Add(std::string_view record, bool snappy = false);
  // Writes one fragment with an explicit header byte (type and flags) and payload.
  void AddRawFragment(uint8_t header, std::string_view payload);
  const std::string& bytes() const { return out_; }

 private:
  void ClosePageIfFull();
  std::string out_;
};

// One 7-byte fragment header followed by `payload`, with the payload's CRC.
std::string Fragment(uint8_t header, std::string_view payload);

// A chunks_head file: header, then chunks as upstream's ChunkDiskMapper writes them.
class HeadChunkFileWriter {
 public:
  HeadChunkFileWriter();
  // Returns the offset the chunk starts at.
  uint64_t Add(uint64_t series_ref, int64_t mint, int64_t maxt, uint8_t encoding,
               std::string_view data);
  // An XOR chunk of `samples` (t, v).
  uint64_t AddXor(uint64_t series_ref, const std::vector<std::pair<int64_t, double>>& samples);
  const std::string& bytes() const { return out_; }

 private:
  std::string out_;
};

// Every entry under `dir` (relative path -> "dir" or the file's bytes and mtime).
std::map<std::string, std::string> Snapshot(const std::string& dir);

}  // namespace promkit::tsdb::testing

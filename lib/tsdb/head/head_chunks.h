#pragma once
// Reads the m-mapped head chunk files of a data directory's `chunks_head/` (upstream
// tsdb/docs/format/head_chunks.md, tsdb/chunks/head_chunks.go): full chunks Prometheus cut from its
// in-memory head and wrote out so that it need not keep them in memory, which a WAL replay attaches
// to the series again.
//
// Files are named by sequence number (000001, ...) and may be preallocated with trailing zeros.
// Each starts with an 8-byte header: magic 0x0130BC91, format version 1, three bytes padding.
// Chunks follow back to back, each:
//   series ref u64, mint i64, maxt i64 (big endian; both bounds inclusive)
//   encoding byte (bit 7 set: an out-of-order chunk), uvarint data length, data
//   CRC-32C (big endian) of everything from the series ref through the data
// A series ref, mint and maxt all zero, or only zeros left after the last chunk, end the file's
// content. The chunk data starts with its big-endian uint16 sample count.
//
// Thread-safety: immutable after Open; Iterate may run from any thread. Views stay valid while
// the HeadChunkFiles lives (the files are mmapped read-only).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/chunkenc/chunk.h"
#include "util/mmap.h"
#include "util/status.h"

namespace promkit::tsdb::head {

inline constexpr uint32_t kMagicHeadChunks = 0x0130BC91;
inline constexpr uint8_t kHeadChunksFormatV1 = 1;
inline constexpr size_t kHeadChunkFileHeaderSize = 8;
// Series ref, mint, maxt, encoding, the longest length field upstream allows (5 bytes), CRC.
inline constexpr size_t kMaxHeadChunkMetaSize = 8 + 8 + 8 + 1 + 5 + 4;
inline constexpr uint8_t kOutOfOrderMask = 0x80;

struct HeadChunk {
  uint64_t series_ref = 0;  // the series' ref in the WAL when the chunk was written
  int64_t mint = 0;
  int64_t maxt = 0;
  uint8_t encoding_byte = 0;  // as stored, out-of-order bit included
  uint16_t num_samples = 0;
  std::string_view data;              // after the length field, sample count included
  int file_index = 0;                 // the file's sequence number
  const std::string* file = nullptr;  // its path
  uint64_t offset = 0;                // of the series ref in that file

  bool out_of_order() const { return (encoding_byte & kOutOfOrderMask) != 0; }
  chunkenc::Encoding encoding() const {
    return static_cast<chunkenc::Encoding>(encoding_byte & ~kOutOfOrderMask);
  }
};

class HeadChunkFiles {
 public:
  // Maps every numbered file of `dir` and checks the headers: a bad magic or version, or a gap
  // in the numbering, fails naming the file. A missing `dir` yields no files. A last file too
  // short for a magic number, or with a zero one, is ignored (upstream deletes it on startup:
  // Prometheus died right after creating it).
  static util::Result<std::unique_ptr<HeadChunkFiles>> Open(const std::string& dir);

  // Calls `fn` for each chunk, files in ascending order. Stops at the first problem and returns
  // Corruption "<path>: offset <n>: <what>"; *bad_file (if not null) is then set to the
  // sequence number of the file at fault, or -1 when `fn` failed. An error from `fn` is
  // returned as is.
  util::Status Iterate(const std::function<util::Status(const HeadChunk&)>& fn,
                       int* bad_file) const;

  // Sequence numbers and paths of the mapped files, ascending.
  std::vector<std::pair<int, std::string>> files() const;

 private:
  std::map<int, std::unique_ptr<util::MappedFile>> files_;
};

}  // namespace promkit::tsdb::head

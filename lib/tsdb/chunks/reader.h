#pragma once
// Reads the chunk segment files of a block's chunks/ directory (tsdb/docs/format/chunks.md).
// Segment files are named by sequence number (000001, 000002, ...; at most 512 MiB each) and
// start with an 8-byte header: magic 0x85BD40DD, version 1, three padding bytes. Chunks follow
// back to back, each: uvarint data length, encoding byte, data, CRC-32C (big endian) of
// encoding and data. The index refers to a chunk by (segment index << 32 | byte offset), the
// segment index counting the sorted files from 0.
//
// Thread-safety: immutable after Open; Chunk() may be called from any thread. The views it
// returns stay valid while the Reader lives (files are mmapped).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/chunkenc/chunk.h"
#include "util/mmap.h"
#include "util/status.h"

namespace promkit::tsdb::chunks {

inline constexpr uint32_t kMagicChunks = 0x85BD40DD;
inline constexpr uint8_t kChunksFormatV1 = 1;
inline constexpr size_t kSegmentHeaderSize = 8;
inline constexpr uint64_t kDefaultMaxSegmentSize = 512 * 1024 * 1024;

enum class ChunkRef : uint64_t {};

inline ChunkRef MakeChunkRef(uint32_t segment, uint32_t offset) {
  return static_cast<ChunkRef>(uint64_t{segment} << 32 | offset);
}

// A chunk as stored: encoding and data (a view into the mapped segment).
struct ChunkView {
  chunkenc::Encoding encoding = chunkenc::Encoding::kNone;
  std::string_view data;
  const std::string* file = nullptr;  // segment path, for error messages
  uint64_t offset = 0;                // of the chunk's length field in that file
};

class Reader {
 public:
  // Maps every segment in `dir` and checks their headers. Errors name the file (and offset).
  static util::Result<std::unique_ptr<Reader>> Open(const std::string& dir);

  // The chunk `ref` points at, its CRC verified. Errors name the segment file and offset.
  util::Result<ChunkView> Chunk(ChunkRef ref) const;
  // Total bytes of all segment files.
  uint64_t size() const { return size_; }

 private:
  std::vector<std::unique_ptr<util::MappedFile>> segments_;
  uint64_t size_ = 0;
};

}  // namespace promkit::tsdb::chunks

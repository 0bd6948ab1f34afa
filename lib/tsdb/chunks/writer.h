#pragma once
// Writes a block's `chunks/` segment files (upstream tsdb/chunks Writer): numbered files
// 000001, 000002, ... each with the 8-byte header (magic, version 1, padding) and then chunks as
// `uvarint(len) | encoding | data | CRC32C(encoding, data)`; a new segment starts when the next
// chunk would take the current one past the segment size. Not thread-safe.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "tsdb/chunkenc/chunk.h"
#include "tsdb/chunks/reader.h"
#include "util/file.h"
#include "util/status.h"

namespace promkit::tsdb::chunks {

class Writer {
 public:
  // `dir` must exist and be empty.
  explicit Writer(std::string dir, uint64_t segment_size = kDefaultMaxSegmentSize,
                  util::Env* env = util::Env::Default());
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Appends one chunk and returns where it is.
  util::Result<ChunkRef> Write(chunkenc::Encoding enc, std::string_view data);
  // Fsyncs and closes the last segment. Idempotent.
  util::Status Close();

 private:
  util::Status Cut();

  std::string dir_;
  uint64_t segment_size_;
  util::Env* env_;
  std::unique_ptr<util::WritableFile> file_;
  uint32_t segment_ = 0;  // 1-based number of the open segment
  uint64_t pos_ = 0;      // bytes in the open segment
  std::string buf_;
};

}  // namespace promkit::tsdb::chunks

#pragma once
// Reads records out of WAL segment bytes (upstream tsdb/wlog, docs/format/wal.md).
//
// A segment is a sequence of 32 KiB pages. A record is stored as one or more fragments, never
// crossing into the next segment when Prometheus writes it; each fragment is a 7-byte header
// and its payload:
//   byte 0: bits 0-2 fragment type (0 page padding, 1 full, 2 first, 3 middle, 4 last),
//           bit 3 snappy-compressed record, bit 4 zstd-compressed record, bits 5-7 unused
//   bytes 1-2: payload length (big endian, at most 32 KiB - 7)
//   bytes 3-6: CRC-32C (Castagnoli) of the payload (big endian)
// A type-0 byte means the rest of the page is zeros. A file may end before its last page does
// (Prometheus writes partial pages); the missing bytes count as zero padding. The payloads of a
// record's fragments, concatenated and (per the flag on the fragment that completes it)
// snappy-decoded, are the record (tsdb/wal/record.h decodes it).
//
// zstd-compressed records are recognised but cannot be read: promkit has no zstd decoder. They
// fail with InvalidArgument naming the segment and offset.
//
// Thread-safety: single-threaded. The segment bytes must outlive the Reader; Record() is valid
// until the next Next().

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace promkit::tsdb::wal {

inline constexpr size_t kPageSize = 32 * 1024;
inline constexpr size_t kRecordHeaderSize = 7;

// One segment file's bytes, read or mapped by the caller; `path` names it in errors.
struct SegmentBytes {
  std::string path;
  std::string_view data;
};

class Reader {
 public:
  struct Options {
    // When the stream ends inside a record (a fragment cut short by the end of the last
    // segment, or a first/middle fragment without its last), stop without error and report the
    // spot in torn_tail(). This is what a copy of a live WAL, or one cut by a crash, looks like.
    // Otherwise such an end is Corruption, as for upstream's reader ("last record is torn").
    bool tolerate_torn_tail = false;
  };

  // Reads `segments` in the given order as one stream.
  explicit Reader(std::vector<SegmentBytes> segments) : Reader(std::move(segments), Options()) {}
  Reader(std::vector<SegmentBytes> segments, Options options);

  // Advances to the next record. False at the end or on error; then Err() tells which.
  bool Next();
  // The current record, decompressed.
  std::string_view Record() const { return record_; }
  // Corruption errors read "corruption in segment <path> at <offset>: <what>", the offset being
  // that of the fragment header at fault; a zstd record is InvalidArgument, worded likewise.
  util::Status Err() const { return err_; }

  // Where the current record's first fragment starts.
  const std::string& segment() const { return segments_[rec_seg_].path; }
  uint64_t offset() const { return rec_off_; }

  // Set when tolerate_torn_tail stopped the stream: "<path> at <offset>: <what>". Empty else.
  const std::string& torn_tail() const { return torn_tail_; }

 private:
  bool Fail(size_t seg, uint64_t off, std::string what);
  // The stream ended inside a record (or a fragment) at segment `seg`, offset `off`.
  bool Torn(size_t seg, uint64_t off, std::string what);

  std::vector<SegmentBytes> segments_;
  Options options_;
  size_t seg_ = 0;  // current position
  uint64_t pos_ = 0;
  size_t rec_seg_ = 0;  // where the current record started
  uint64_t rec_off_ = 0;
  std::string_view record_;
  std::string assembled_;     // payloads of a multi-fragment record
  std::string decompressed_;  // a snappy record's decoded bytes
  std::string torn_tail_;
  util::Status err_;
  bool done_ = false;
};

}  // namespace promkit::tsdb::wal

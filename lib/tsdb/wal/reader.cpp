#include "tsdb/wal/reader.h"

#include <algorithm>

#include <fmt/core.h>
#include <snappy.h>

#include "util/crc32c.h"
#include "util/varint.h"

namespace promkit::tsdb::wal {
namespace {

enum FragmentType : uint8_t {
  kPageTerm = 0,
  kFull = 1,
  kFirst = 2,
  kMiddle = 3,
  kLast = 4,
};

constexpr uint8_t kTypeMask = 0x07;
constexpr uint8_t kSnappyFlag = 0x08;
constexpr uint8_t kZstdFlag = 0x10;

// A snappy block expands at most 64 bytes per 3-byte copy tag, so a longer claimed length
// can only be corruption; refusing it keeps a bad header from allocating gigabytes.
bool PlausibleSnappyLength(size_t compressed, size_t claimed) {
  return claimed <= compressed * 22 + 64;
}

// Upstream's order of fragment checks: a full or first fragment must start a record, a middle
// or last one must continue one.
const char* SequenceError(uint8_t type, int fragments_so_far) {
  switch (type) {
    case kFull:
      return fragments_so_far != 0 ? "unexpected full record" : nullptr;
    case kFirst:
      return fragments_so_far != 0 ? "unexpected first record, dropping buffer" : nullptr;
    case kMiddle:
      return fragments_so_far == 0 ? "unexpected middle record, dropping buffer" : nullptr;
    case kLast:
      return fragments_so_far == 0 ? "unexpected last record, dropping buffer" : nullptr;
    default:
      return "unexpected record type";
  }
}

}  // namespace

Reader::Reader(std::vector<SegmentBytes> segments, Options options)
    : segments_(std::move(segments)), options_(options) {}

bool Reader::Fail(size_t seg, uint64_t off, std::string what) {
  err_ = util::Status::Corruption(
      fmt::format("corruption in segment {} at {}: {}", segments_[seg].path, off, what));
  done_ = true;
  record_ = {};
  return false;
}

bool Reader::Torn(size_t seg, uint64_t off, std::string what) {
  // Only the end of the stream can tear a record; the caller checked that.
  if (!options_.tolerate_torn_tail) return Fail(seg, off, std::move(what));
  torn_tail_ = fmt::format("{} at {}: {}", segments_[seg].path, off, what);
  done_ = true;
  record_ = {};
  return false;
}

bool Reader::Next() {
  if (done_) return false;
  record_ = {};
  assembled_.clear();
  int fragments = 0;
  size_t first_seg = 0;
  uint64_t first_off = 0;
  std::string_view single;  // the payload when the record is one fragment (no copy)
  while (true) {
    if (seg_ >= segments_.size()) {
      done_ = true;
      if (fragments > 0) {
        return Torn(first_seg, first_off, "last record is torn (its last fragment is missing)");
      }
      return false;
    }
    std::string_view data = segments_[seg_].data;
    if (pos_ >= data.size()) {  // end of this segment: the stream goes on with the next one
      ++seg_;
      pos_ = 0;
      continue;
    }
    const bool last_segment = seg_ + 1 == segments_.size();
    const uint64_t off = pos_;
    const auto header = static_cast<uint8_t>(data[off]);
    const uint8_t type = header & kTypeMask;
    if (type == kPageTerm) {
      // Zeros up to the page end; a file ending early is padded implicitly.
      uint64_t end = std::min<uint64_t>((off / kPageSize + 1) * kPageSize, data.size());
      for (uint64_t i = off + 1; i < end; ++i) {
        if (data[i] != 0) return Fail(seg_, i, "unexpected non-zero byte in padded page");
      }
      pos_ = end;
      continue;
    }
    if (data.size() - off < kRecordHeaderSize) {
      if (last_segment) {
        return Torn(seg_, off, fmt::format("fragment header cut short by the end of the file"));
      }
      return Fail(seg_, off, "fragment header cut short by the end of the segment");
    }
    const uint16_t length = util::BigEndian16(data.data() + off + 1);
    const uint32_t crc = util::BigEndian32(data.data() + off + 3);
    if (length > kPageSize - kRecordHeaderSize) {
      return Fail(seg_, off, fmt::format("invalid record size {}", length));
    }
    if (data.size() - off - kRecordHeaderSize < length) {
      std::string what =
          fmt::format("fragment of {} bytes cut short by the end of the file ({} left)", length,
                      data.size() - off - kRecordHeaderSize);
      if (last_segment) return Torn(seg_, off, std::move(what));
      return Fail(seg_, off, std::move(what));
    }
    std::string_view payload = data.substr(off + kRecordHeaderSize, length);
    if (uint32_t got = util::Crc32c(payload); got != crc) {
      return Fail(seg_, off, fmt::format("unexpected checksum {:x}, expected {:x}", got, crc));
    }
    if (const char* e = SequenceError(type, fragments)) {
      if (type > kLast) return Fail(seg_, off, fmt::format("{} {}", e, type));
      return Fail(seg_, off, e);
    }
    pos_ = off + kRecordHeaderSize + length;
    if (fragments == 0) {
      first_seg = seg_;
      first_off = off;
      single = payload;
    } else {
      if (fragments == 1) assembled_.assign(single);
      assembled_.append(payload);
    }
    ++fragments;
    if (type != kFull && type != kLast) continue;

    rec_seg_ = first_seg;
    rec_off_ = first_off;
    std::string_view raw = fragments == 1 ? single : std::string_view(assembled_);
    if (header & kSnappyFlag) {
      size_t n = 0;
      if (!snappy::GetUncompressedLength(raw.data(), raw.size(), &n) ||
          !PlausibleSnappyLength(raw.size(), n) ||
          !snappy::IsValidCompressedBuffer(raw.data(), raw.size())) {
        return Fail(first_seg, first_off, "snappy: corrupt input");
      }
      decompressed_.clear();
      if (!snappy::Uncompress(raw.data(), raw.size(), &decompressed_)) {
        return Fail(first_seg, first_off, "snappy: corrupt input");
      }
      record_ = decompressed_;
    } else if (header & kZstdFlag) {
      err_ = util::Status::InvalidArgument(
          fmt::format("cannot read segment {} at {}: zstd-compressed WAL records are not supported",
                      segments_[first_seg].path, first_off));
      done_ = true;
      return false;
    } else {
      record_ = raw;
    }
    return true;
  }
}

}  // namespace promkit::tsdb::wal

#include "wal_test_util.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include <snappy.h>

#include "tsdb/chunkenc/xor.h"
#include "tsdb/head/head_chunks.h"
#include "tsdb/wal/reader.h"
#include "tsdb_test_util.h"
#include "util/crc32c.h"
#include "util/varint.h"

namespace promkit::tsdb::testing {

std::string Fragment(uint8_t header, std::string_view payload) {
  std::string out(1, static_cast<char>(header));
  util::PutBigEndian16(out, static_cast<uint16_t>(payload.size()));
  util::PutBigEndian32(out, util::Crc32c(payload));
  out.append(payload);
  return out;
}

void SegmentWriter::ClosePageIfFull() {
  size_t used = out_.size() % wal::kPageSize;
  if (used != 0 && wal::kPageSize - used < wal::kRecordHeaderSize) {
    out_.append(wal::kPageSize - used, '\0');
  }
}

void SegmentWriter::AddRawFragment(uint8_t header, std::string_view payload) {
  out_ += Fragment(header, payload);
  ClosePageIfFull();
}

void SegmentWriter::Add(std::string_view record, bool snappy) {
  std::string compressed;
  uint8_t flags = 0;
  if (snappy) {
    snappy::Compress(record.data(), record.size(), &compressed);
    if (compressed.size() < record.size()) {
      record = compressed;
      flags = 0x08;
    }
  }
  for (size_t i = 0; i == 0 || !record.empty(); ++i) {
    size_t left = wal::kPageSize - out_.size() % wal::kPageSize - wal::kRecordHeaderSize;
    size_t l = std::min(record.size(), left);
    uint8_t type = 0;
    if (i == 0 && l == record.size()) {
      type = 1;  // full
    } else if (l == record.size()) {
      type = 4;  // last
    } else if (i == 0) {
      type = 2;  // first
    } else {
      type = 3;  // middle
    }
    AddRawFragment(type | flags, record.substr(0, l));
    record.remove_prefix(l);
  }
}

HeadChunkFileWriter::HeadChunkFileWriter() {
  util::PutBigEndian32(out_, head::kMagicHeadChunks);
  out_.push_back(static_cast<char>(head::kHeadChunksFormatV1));
  out_.append(3, '\0');
}

uint64_t HeadChunkFileWriter::Add(uint64_t series_ref, int64_t mint, int64_t maxt, uint8_t encoding,
                                  std::string_view data) {
  uint64_t start = out_.size();
  util::PutBigEndian64(out_, series_ref);
  util::PutBigEndian64(out_, static_cast<uint64_t>(mint));
  util::PutBigEndian64(out_, static_cast<uint64_t>(maxt));
  out_.push_back(static_cast<char>(encoding));
  util::PutUvarint(out_, data.size());
  out_.append(data);
  util::PutBigEndian32(out_, util::Crc32c(std::string_view(out_).substr(start)));
  return start;
}

uint64_t HeadChunkFileWriter::AddXor(uint64_t series_ref,
                                     const std::vector<std::pair<int64_t, double>>& samples) {
  chunkenc::XorEncoder enc;
  for (const auto& [t, v] : samples) enc.Append(t, v);
  return Add(series_ref, samples.front().first, samples.back().first,
             static_cast<uint8_t>(chunkenc::Encoding::kXor), enc.bytes());
}

std::map<std::string, std::string> Snapshot(const std::string& dir) {
  namespace fs = std::filesystem;
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    std::string rel = fs::relative(e.path(), dir).string();
    struct stat st {};
    ::lstat(e.path().c_str(), &st);
    std::string meta = std::to_string(st.st_mode) + " " + std::to_string(st.st_mtim.tv_sec) + "." +
                       std::to_string(st.st_mtim.tv_nsec) + " ";
    out[rel] = e.is_directory() ? meta + "dir" : meta + ReadAll(e.path().string());
  }
  return out;
}

}  // namespace promkit::tsdb::testing

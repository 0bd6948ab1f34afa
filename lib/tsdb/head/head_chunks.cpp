#include "tsdb/head/head_chunks.h"

#include <dirent.h>

#include <algorithm>
#include <cerrno>

#include <fmt/core.h>

#include "util/crc32c.h"
#include "util/varint.h"

namespace promkit::tsdb::head {
namespace {

bool AllZero(std::string_view b) {
  return std::all_of(b.begin(), b.end(), [](char c) { return c == 0; });
}

util::Status Corrupt(const util::MappedFile& f, uint64_t off, std::string_view what) {
  return util::Status::Corruption(fmt::format("{}: offset {}: {}", f.path(), off, what));
}

}  // namespace

util::Result<std::unique_ptr<HeadChunkFiles>> HeadChunkFiles::Open(const std::string& dir) {
  auto out = std::make_unique<HeadChunkFiles>();
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return out;
    return util::Status::IoError(fmt::format("open {}: cannot list head chunk files", dir));
  }
  std::map<int, std::string> names;
  while (dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name.empty() || name.size() > 9 ||
        !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    names[std::stoi(std::string(name))] = dir + "/" + std::string(name);
  }
  ::closedir(d);
  for (const auto& [seq, path] : names) {
    PROMKIT_ASSIGN_OR_RETURN(out->files_[seq], util::MappedFile::Open(path));
  }
  // A last file Prometheus created but never wrote a header to.
  if (!out->files_.empty()) {
    auto last = std::prev(out->files_.end());
    std::string_view b = last->second->data();
    if (b.size() < 4 || util::BigEndian32(b.data()) == 0) out->files_.erase(last);
  }
  int prev = -1;
  for (const auto& [seq, f] : out->files_) {
    if (prev >= 0 && seq != prev + 1) {
      return util::Status::Corruption(
          fmt::format("found unsequential head chunk files {} (index: {}) and {} (index: {})",
                      out->files_.at(prev)->path(), prev, f->path(), seq));
    }
    prev = seq;
    std::string_view b = f->data();
    if (b.size() < kHeadChunkFileHeaderSize) {
      return Corrupt(*f, 0, "invalid head chunk file header: file too short");
    }
    if (uint32_t m = util::BigEndian32(b.data()); m != kMagicHeadChunks) {
      return Corrupt(*f, 0, fmt::format("invalid magic number {:x}", m));
    }
    if (auto v = static_cast<uint8_t>(b[4]); v != kHeadChunksFormatV1) {
      return Corrupt(*f, 4, fmt::format("invalid chunk format version {}", v));
    }
  }
  return out;
}

std::vector<std::pair<int, std::string>> HeadChunkFiles::files() const {
  std::vector<std::pair<int, std::string>> out;
  for (const auto& [seq, f] : files_) out.emplace_back(seq, f->path());
  return out;
}

util::Status HeadChunkFiles::Iterate(const std::function<util::Status(const HeadChunk&)>& fn,
                                     int* bad_file) const {
  if (bad_file != nullptr) *bad_file = -1;
  for (const auto& [seq, f] : files_) {
    const std::string_view b = f->data();
    auto fail = [&, seq = seq, file = f.get()](uint64_t off, std::string_view what) {
      if (bad_file != nullptr) *bad_file = seq;
      return Corrupt(*file, off, what);
    };
    uint64_t idx = kHeadChunkFileHeaderSize;
    while (idx < b.size()) {
      if (b.size() - idx < kMaxHeadChunkMetaSize) {
        if (AllZero(b.substr(idx))) break;  // end of the written part
        return fail(idx, fmt::format("head chunk file has some unread data, but doesn't include "
                                     "enough bytes to read the chunk header - required:{}, "
                                     "available:{}",
                                     idx + kMaxHeadChunkMetaSize, b.size()));
      }
      HeadChunk c;
      c.file_index = seq;
      c.file = &f->path();
      c.offset = idx;
      const char* p = b.data() + idx;
      c.series_ref = util::BigEndian64(p);
      c.mint = static_cast<int64_t>(util::BigEndian64(p + 8));
      c.maxt = static_cast<int64_t>(util::BigEndian64(p + 16));
      // Series refs start at 1: all zeros is the preallocated rest of the file.
      if (c.series_ref == 0 && c.mint == 0 && c.maxt == 0) break;
      c.encoding_byte = static_cast<uint8_t>(p[24]);
      uint64_t len = 0;
      size_t n = util::GetUvarint(b.substr(idx + 25, 5), &len);
      if (n == 0 || len > UINT32_MAX) return fail(idx + 25, "invalid chunk data length");
      const uint64_t data_start = idx + 25 + n;
      // The data length is checked only now, as upstream: the metadata fit, the data may not.
      if (len > b.size() || data_start + len + 4 > b.size()) {
        return fail(idx, fmt::format("head chunk file doesn't include enough bytes to read the "
                                     "chunk - required:{}, available:{}",
                                     data_start + len + 4, b.size()));
      }
      c.data = b.substr(data_start, len);
      c.num_samples = len >= 2 ? util::BigEndian16(c.data.data()) : 0;
      const uint32_t want = util::BigEndian32(b.data() + data_start + len);
      if (uint32_t got = util::Crc32c(b.substr(idx, data_start + len - idx)); got != want) {
        return fail(idx,
                    fmt::format("checksum mismatch expected:{:08x}, actual:{:08x}", want, got));
      }
      idx = data_start + len + 4;
      if (util::Status st = fn(c); !st.ok()) return st;
    }
  }
  return util::Status::Ok();
}

}  // namespace promkit::tsdb::head

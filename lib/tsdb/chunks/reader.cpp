#include "tsdb/chunks/reader.h"

#include <dirent.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <system_error>

#include <fmt/core.h>

#include "util/crc32c.h"
#include "util/varint.h"

namespace promkit::tsdb::chunks {
namespace {

bool AllDigits(const std::string& s) {
  return !s.empty() && s.size() <= 19 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

util::Status ListDirError(const std::string& dir, int err) {
  std::string text = std::generic_category().message(err);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  std::string msg = "open " + dir + ": " + text;
  return err == ENOENT ? util::Status::NotFound(msg) : util::Status::IoError(msg);
}

}  // namespace

util::Result<std::unique_ptr<Reader>> Reader::Open(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return ListDirError(dir, errno);
  std::vector<std::pair<uint64_t, std::string>> names;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (AllDigits(name)) names.emplace_back(std::stoull(name), name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());

  auto r = std::make_unique<Reader>();
  for (const auto& [seq, name] : names) {
    PROMKIT_ASSIGN_OR_RETURN(std::unique_ptr<util::MappedFile> f,
                             util::MappedFile::Open(dir + "/" + name));
    std::string_view b = f->data();
    if (b.size() < kSegmentHeaderSize) {
      return util::Status::Corruption(fmt::format("{}: segment header: need {} bytes, file has {}",
                                                  f->path(), kSegmentHeaderSize, b.size()));
    }
    if (uint32_t m = util::BigEndian32(b.data()); m != kMagicChunks) {
      return util::Status::Corruption(
          fmt::format("{}: offset 0: invalid magic number {:x}", f->path(), m));
    }
    if (auto v = static_cast<uint8_t>(b[4]); v != kChunksFormatV1) {
      return util::Status::Corruption(
          fmt::format("{}: offset 4: invalid chunk format version {}", f->path(), v));
    }
    r->size_ += b.size();
    r->segments_.push_back(std::move(f));
  }
  return r;
}

util::Result<ChunkView> Reader::Chunk(ChunkRef ref) const {
  auto raw = static_cast<uint64_t>(ref);
  uint64_t seg = raw >> 32;
  uint64_t off = raw & 0xffffffffu;
  if (seg >= segments_.size()) {
    return util::Status::Corruption(fmt::format("chunk ref {}: segment index {} out of range ({})",
                                                raw, seg, segments_.size()));
  }
  const util::MappedFile& f = *segments_[seg];
  std::string_view b = f.data();
  if (off < kSegmentHeaderSize || off >= b.size()) {
    return util::Status::Corruption(
        fmt::format("{}: chunk offset {} outside the file ({} bytes)", f.path(), off, b.size()));
  }
  uint64_t len = 0;
  size_t n = util::GetUvarint(b.substr(off, util::kMaxVarintLen64), &len);
  if (n == 0) {
    return util::Status::Corruption(
        fmt::format("{}: offset {}: cannot read chunk length", f.path(), off));
  }
  uint64_t enc_at = off + n;
  if (len > b.size() || enc_at + 1 + len + 4 > b.size()) {
    return util::Status::Corruption(
        fmt::format("{}: offset {}: chunk of {} bytes runs past the end of the file ({} bytes)",
                    f.path(), off, len, b.size()));
  }
  std::string_view body = b.substr(enc_at, 1 + len);
  uint32_t want = util::BigEndian32(b.data() + enc_at + 1 + len);
  if (uint32_t got = util::Crc32c(body); got != want) {
    return util::Status::Corruption(
        fmt::format("{}: offset {}: chunk checksum mismatch (expected {:08x}, actual {:08x})",
                    f.path(), off, want, got));
  }
  auto enc = static_cast<uint8_t>(body[0]);
  if (!chunkenc::IsValidEncoding(enc)) {
    return util::Status::Corruption(
        fmt::format("{}: offset {}: unknown chunk encoding {}", f.path(), enc_at, enc));
  }
  return ChunkView{static_cast<chunkenc::Encoding>(enc), body.substr(1), &f.path(), off};
}

}  // namespace promkit::tsdb::chunks

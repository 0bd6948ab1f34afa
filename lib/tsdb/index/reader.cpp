#include "tsdb/index/reader.h"

#include <fmt/core.h>

#include "util/crc32c.h"
#include "util/varint.h"

namespace promkit::tsdb::index {
namespace {

// A cursor over a byte range with sticky failure: after the first short read every read
// returns 0 and ok() is false (upstream's encoding.Decbuf). `base` is the range's file offset.
class Decbuf {
 public:
  Decbuf(std::string_view b, uint64_t base) : b_(b), base_(base) {}
  uint64_t Uvarint() {
    uint64_t v = 0;
    size_t n = ok_ ? util::GetUvarint(b_.substr(pos_), &v) : 0;
    return Advance(n) ? v : 0;
  }
  int64_t Varint() {
    int64_t v = 0;
    size_t n = ok_ ? util::GetVarint(b_.substr(pos_), &v) : 0;
    return Advance(n) ? v : 0;
  }
  uint32_t Be32() {
    if (!ok_ || b_.size() - pos_ < 4) return Advance(0), 0;
    uint32_t v = util::BigEndian32(b_.data() + pos_);
    pos_ += 4;
    return v;
  }
  uint8_t Byte() {
    if (!ok_ || pos_ >= b_.size()) return Advance(0), 0;
    return static_cast<uint8_t>(b_[pos_++]);
  }
  std::string_view UvarintBytes() {
    uint64_t n = Uvarint();
    if (!ok_ || n > b_.size() - pos_) return Advance(0), std::string_view();
    std::string_view s = b_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  bool ok() const { return ok_; }
  size_t remaining() const { return b_.size() - pos_; }
  // File offset of the next byte (of the failing read once !ok()).
  uint64_t offset() const { return base_ + pos_; }

 private:
  bool Advance(size_t n) {
    if (n == 0) {
      ok_ = false;
      return false;
    }
    pos_ += n;
    return true;
  }
  std::string_view b_;
  uint64_t base_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace

util::Result<std::unique_ptr<Reader>> Reader::Open(const std::string& path) {
  PROMKIT_ASSIGN_OR_RETURN(std::unique_ptr<util::MappedFile> f, util::MappedFile::Open(path));
  auto r = std::make_unique<Reader>();
  r->data_ = f->data();
  r->path_ = path;
  r->file_ = std::move(f);
  PROMKIT_RETURN_IF_ERROR(r->Init());
  return r;
}

util::Result<std::unique_ptr<Reader>> Reader::FromBytes(std::string_view data, std::string path) {
  auto r = std::make_unique<Reader>();
  r->data_ = data;
  r->path_ = std::move(path);
  PROMKIT_RETURN_IF_ERROR(r->Init());
  return r;
}

util::Status Reader::Fail(uint64_t offset, std::string_view what) const {
  return util::Status::Corruption(fmt::format("{}: offset {}: {}", path_, offset, what));
}

util::Status Reader::Init() {
  if (data_.size() < 5 + kTocSize) {
    return util::Status::Corruption(
        fmt::format("{}: index of {} bytes is too small", path_, data_.size()));
  }
  if (uint32_t m = util::BigEndian32(data_.data()); m != kMagicIndex) {
    return Fail(0, fmt::format("invalid magic number {:x}", m));
  }
  if (auto v = static_cast<uint8_t>(data_[4]); v != kFormatV2) {
    return Fail(4, fmt::format("unsupported index format version {}", v));
  }
  uint64_t toc_at = data_.size() - kTocSize;
  std::string_view toc = data_.substr(toc_at, kTocSize);
  if (util::Crc32c(toc.substr(0, 48)) != util::BigEndian32(toc.data() + 48)) {
    return Fail(toc_at, "TOC checksum mismatch");
  }
  uint64_t* fields[] = {&toc_.symbols,       &toc_.series,
                        &toc_.label_indices, &toc_.label_indices_table,
                        &toc_.postings,      &toc_.postings_table};
  for (int i = 0; i < 6; ++i) {
    *fields[i] = util::BigEndian64(toc.data() + 8 * i);
    if (*fields[i] > toc_at) {
      return Fail(toc_at + 8 * i, fmt::format("TOC section offset {} past the TOC", *fields[i]));
    }
  }
  PROMKIT_RETURN_IF_ERROR(ReadSymbols());
  return ReadPostingsTable();
}

util::Result<std::string_view> Reader::Section(uint64_t offset, std::string_view name) const {
  if (offset > data_.size() || data_.size() - offset < 4) {
    return Fail(offset, fmt::format("{}: section past the end of the file", name));
  }
  uint64_t len = util::BigEndian32(data_.data() + offset);
  if (len + 8 > data_.size() - offset) {
    return Fail(offset,
                fmt::format("{}: section of {} bytes runs past the end of the file", name, len));
  }
  std::string_view body = data_.substr(offset + 4, len);
  uint32_t want = util::BigEndian32(data_.data() + offset + 4 + len);
  if (uint32_t got = util::Crc32c(body); got != want) {
    return Fail(offset, fmt::format("{}: checksum mismatch (expected {:08x}, actual {:08x})", name,
                                    want, got));
  }
  return body;
}

util::Status Reader::ReadSymbols() {
  if (toc_.symbols == 0) return util::Status::Ok();
  PROMKIT_ASSIGN_OR_RETURN(std::string_view body, Section(toc_.symbols, "symbols"));
  Decbuf d(body, toc_.symbols + 4);
  uint32_t count = d.Be32();
  if (!d.ok() || count > body.size()) return Fail(toc_.symbols + 4, "symbols: invalid count");
  symbols_.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    std::string_view s = d.UvarintBytes();
    if (!d.ok()) return Fail(d.offset(), fmt::format("symbols: cannot read symbol {}", i));
    symbols_.push_back(s);
  }
  return util::Status::Ok();
}

util::Status Reader::ReadPostingsTable() {
  if (toc_.postings_table == 0) return util::Status::Ok();
  PROMKIT_ASSIGN_OR_RETURN(std::string_view body,
                           Section(toc_.postings_table, "postings offset table"));
  Decbuf d(body, toc_.postings_table + 4);
  uint32_t count = d.Be32();
  if (!d.ok() || count > body.size()) {
    return Fail(toc_.postings_table + 4, "postings offset table: invalid count");
  }
  for (uint32_t i = 0; i < count; ++i) {
    uint64_t at = d.offset();
    uint8_t keys = d.Byte();
    if (d.ok() && keys != 2) {
      return Fail(at, fmt::format("postings offset table: entry with {} keys, want 2", keys));
    }
    std::string_view name = d.UvarintBytes();
    std::string_view value = d.UvarintBytes();
    uint64_t off = d.Uvarint();
    if (!d.ok()) return Fail(d.offset(), fmt::format("postings offset table: entry {}", i));
    postings_[name][value] = off;
  }
  return util::Status::Ok();
}

util::Result<SeriesEntry> Reader::Series(SeriesRef ref) const {
  uint64_t off = static_cast<uint64_t>(ref) * 16;
  if (static_cast<uint64_t>(ref) > data_.size() / 16 || off >= data_.size()) {
    return Fail(off, fmt::format("series ref {} outside the file", static_cast<uint64_t>(ref)));
  }
  uint64_t len = 0;
  size_t n = util::GetUvarint(data_.substr(off, util::kMaxVarintLen64), &len);
  if (n == 0 || len > data_.size() || off + n + len + 4 > data_.size()) {
    return Fail(off, "series: invalid length");
  }
  std::string_view body = data_.substr(off + n, len);
  uint32_t want = util::BigEndian32(data_.data() + off + n + len);
  if (uint32_t got = util::Crc32c(body); got != want) {
    return Fail(
        off, fmt::format("series: checksum mismatch (expected {:08x}, actual {:08x})", want, got));
  }
  Decbuf d(body, off + n);
  SeriesEntry e;
  uint64_t nlabels = d.Uvarint();
  if (!d.ok() || nlabels > body.size()) return Fail(off + n, "series: invalid label count");
  e.labels.reserve(nlabels);
  for (uint64_t i = 0; i < nlabels; ++i) {
    uint64_t at = d.offset();
    uint64_t name = d.Uvarint();
    uint64_t value = d.Uvarint();
    if (!d.ok()) return Fail(d.offset(), "series: truncated label");
    if (name >= symbols_.size() || value >= symbols_.size()) {
      return Fail(
          at, fmt::format("series: symbol reference out of range ({} symbols)", symbols_.size()));
    }
    e.labels.emplace_back(symbols_[name], symbols_[value]);
  }
  uint64_t nchunks = d.Uvarint();
  if (!d.ok() || nchunks > body.size()) return Fail(d.offset(), "series: invalid chunk count");
  e.chunks.reserve(nchunks);
  int64_t prev_maxt = 0;
  uint64_t prev_ref = 0;
  for (uint64_t i = 0; i < nchunks; ++i) {
    ChunkMeta m;
    if (i == 0) {
      m.mint = d.Varint();
      m.maxt = static_cast<int64_t>(d.Uvarint() + static_cast<uint64_t>(m.mint));
      prev_ref = d.Uvarint();
    } else {
      m.mint = static_cast<int64_t>(d.Uvarint() + static_cast<uint64_t>(prev_maxt));
      m.maxt = static_cast<int64_t>(d.Uvarint() + static_cast<uint64_t>(m.mint));
      prev_ref = static_cast<uint64_t>(d.Varint()) + prev_ref;
    }
    if (!d.ok()) return Fail(d.offset(), fmt::format("series: truncated chunk meta {}", i));
    m.ref = static_cast<chunks::ChunkRef>(prev_ref);
    prev_maxt = m.maxt;
    e.chunks.push_back(m);
  }
  return e;
}

util::Result<std::vector<SeriesRef>> Reader::Postings(std::string_view name,
                                                      std::string_view value) const {
  std::vector<SeriesRef> out;
  auto n = postings_.find(name);
  if (n == postings_.end()) return out;
  auto v = n->second.find(value);
  if (v == n->second.end()) return out;
  PROMKIT_ASSIGN_OR_RETURN(std::string_view body, Section(v->second, "postings"));
  Decbuf d(body, v->second + 4);
  uint32_t count = d.Be32();
  if (!d.ok() || uint64_t{count} * 4 != d.remaining()) {
    return Fail(v->second,
                fmt::format("postings: {} entries do not fill {} bytes", count, body.size()));
  }
  out.reserve(count);
  for (uint32_t i = 0; i < count; ++i) out.push_back(static_cast<SeriesRef>(d.Be32()));
  return out;
}

std::vector<std::string_view> Reader::LabelValues(std::string_view name) const {
  std::vector<std::string_view> out;
  auto n = postings_.find(name);
  if (n == postings_.end() || name.empty()) return out;
  for (const auto& [value, off] : n->second) out.push_back(value);
  return out;
}

std::vector<std::string_view> Reader::LabelNames() const {
  std::vector<std::string_view> out;
  for (const auto& [name, values] : postings_) {
    if (!name.empty()) out.push_back(name);
  }
  return out;
}

}  // namespace promkit::tsdb::index

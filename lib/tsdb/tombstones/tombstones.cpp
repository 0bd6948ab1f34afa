#include "tsdb/tombstones/tombstones.h"

#include <algorithm>
#include <map>

#include <fmt/core.h>

#include "util/crc32c.h"
#include "util/file.h"
#include "util/varint.h"

namespace promkit::tsdb::tombstones {

namespace {

// `a` ends before `b` starts with at least one timestamp between them.
bool Apart(const Interval& a, const Interval& b) {
  return a.maxt<b.mint&& static_cast<uint64_t>(b.mint) - static_cast<uint64_t>(a.maxt)> 1;
}

}  // namespace

void AddInterval(Intervals& in, Interval iv) {
  Intervals out;
  out.reserve(in.size() + 1);
  bool placed = false;
  for (const Interval& cur : in) {
    if (Apart(cur, iv)) {
      out.push_back(cur);
    } else if (Apart(iv, cur)) {
      if (!placed) out.push_back(iv);
      placed = true;
      out.push_back(cur);
    } else {
      iv.mint = std::min(iv.mint, cur.mint);
      iv.maxt = std::max(iv.maxt, cur.maxt);
    }
  }
  if (!placed) out.push_back(iv);
  in = std::move(out);
}

const Intervals& Tombstones::Get(uint64_t ref) const {
  static const Intervals kNone;
  auto it = by_ref_.find(ref);
  return it == by_ref_.end() ? kNone : it->second;
}

uint64_t Tombstones::Total() const {
  uint64_t n = 0;
  for (const auto& [ref, ivs] : by_ref_) n += ivs.size();
  return n;
}

std::string Tombstones::Encode() const {
  std::map<uint64_t, const Intervals*> sorted;
  for (const auto& [ref, ivs] : by_ref_) sorted[ref] = &ivs;
  std::string body;
  body.push_back(static_cast<char>(kFormatV1));
  for (const auto& [ref, ivs] : sorted) {
    for (const Interval& iv : *ivs) {
      util::PutUvarint(body, ref);
      util::PutVarint(body, iv.mint);
      util::PutVarint(body, iv.maxt);
    }
  }
  std::string out;
  util::PutBigEndian32(out, kMagicTombstones);
  out += body;
  util::PutBigEndian32(out, util::Crc32c(std::string_view(body).substr(1)));
  return out;
}

util::Result<Tombstones> Decode(std::string_view b, const std::string& path) {
  if (b.size() < 5 + 4) {
    return util::Status::Corruption(
        fmt::format("{}: tombstones header: file has only {} bytes", path, b.size()));
  }
  if (uint32_t m = util::BigEndian32(b.data()); m != kMagicTombstones) {
    return util::Status::Corruption(
        fmt::format("{}: offset 0: invalid magic number {:x}", path, m));
  }
  if (auto v = static_cast<uint8_t>(b[4]); v != kFormatV1) {
    return util::Status::Corruption(
        fmt::format("{}: offset 4: invalid tombstone format {:x}", path, v));
  }
  std::string_view entries = b.substr(5, b.size() - 9);
  uint32_t want = util::BigEndian32(b.data() + b.size() - 4);
  if (uint32_t got = util::Crc32c(entries); got != want) {
    return util::Status::Corruption(
        fmt::format("{}: offset {}: checksum mismatch (expected {:08x}, actual {:08x})", path,
                    b.size() - 4, want, got));
  }
  Tombstones t;
  size_t pos = 0;
  while (pos < entries.size()) {
    size_t at = pos;
    uint64_t ref = 0;
    int64_t mint = 0, maxt = 0;
    size_t n1 = util::GetUvarint(entries.substr(pos), &ref);
    size_t n2 = n1 ? util::GetVarint(entries.substr(pos + n1), &mint) : 0;
    size_t n3 = n2 ? util::GetVarint(entries.substr(pos + n1 + n2), &maxt) : 0;
    if (n3 == 0) {
      return util::Status::Corruption(
          fmt::format("{}: offset {}: truncated tombstone entry", path, 5 + at));
    }
    pos += n1 + n2 + n3;
    t.Add(ref, Interval{mint, maxt});
  }
  return t;
}

util::Result<ReadResult> ReadTombstones(const std::string& dir) {
  std::string path = dir + "/tombstones";
  util::Result<std::string> data = util::ReadFile(path);
  if (!data.ok()) {
    if (data.status().code() == util::Code::kNotFound) return ReadResult{};
    return data.status();
  }
  PROMKIT_ASSIGN_OR_RETURN(Tombstones t, Decode(*data, path));
  return ReadResult{std::move(t), data->size()};
}

}  // namespace promkit::tsdb::tombstones

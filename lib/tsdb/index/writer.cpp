#include "tsdb/index/writer.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include <fmt/core.h>

#include "util/crc32c.h"
#include "util/varint.h"

namespace promkit::tsdb::index {
namespace {

void PutUvarintStr(std::string& out, std::string_view s) {
  util::PutUvarint(out, s.size());
  out.append(s);
}

void SetBigEndian32(std::string& out, size_t at, uint32_t v) {
  out[at] = static_cast<char>(v >> 24);
  out[at + 1] = static_cast<char>(v >> 16);
  out[at + 2] = static_cast<char>(v >> 8);
  out[at + 3] = static_cast<char>(v);
}

void Pad(std::string& out, size_t align) {
  const size_t rem = out.size() % align;
  if (rem != 0) out.append(align - rem, '\0');
}

}  // namespace

util::Result<std::string> BuildIndex(const std::vector<SeriesInput>& series) {
  std::string out;
  util::PutBigEndian32(out, kMagicIndex);
  out.push_back(static_cast<char>(kFormatV2));

  // Symbols: "" and every name and value.
  std::vector<std::string_view> symbols{std::string_view()};
  for (const SeriesInput& s : series) {
    for (const auto& [n, v] : s.labels) {
      symbols.push_back(n);
      symbols.push_back(v);
    }
  }
  std::sort(symbols.begin(), symbols.end());
  symbols.erase(std::unique(symbols.begin(), symbols.end()), symbols.end());
  std::unordered_map<std::string_view, uint32_t> symbol_index;
  symbol_index.reserve(symbols.size());

  Toc toc;
  toc.symbols = out.size();
  out.append(8, '\0');  // length and count, filled in below
  for (size_t i = 0; i < symbols.size(); ++i) {
    symbol_index.emplace(symbols[i], static_cast<uint32_t>(i));
    PutUvarintStr(out, symbols[i]);
  }
  const uint64_t sym_len = out.size() - toc.symbols - 4;
  if (sym_len > UINT32_MAX) return util::Status::InvalidArgument("symbol table too large");
  SetBigEndian32(out, toc.symbols, static_cast<uint32_t>(sym_len));
  SetBigEndian32(out, toc.symbols + 4, static_cast<uint32_t>(symbols.size()));
  util::PutBigEndian32(out, util::Crc32c(std::string_view(out).substr(
                                toc.symbols + 4, out.size() - toc.symbols - 4)));

  // Series, 16-byte aligned; remember each one's postings per (name, value).
  toc.series = out.size();
  std::vector<uint32_t> all_refs;
  all_refs.reserve(series.size());
  // name symbol -> value symbol -> series refs
  std::map<uint32_t, std::map<uint32_t, std::vector<uint32_t>>> postings;
  std::string entry;
  for (const SeriesInput& s : series) {
    Pad(out, 16);
    const uint64_t ref = out.size() / 16;
    if (ref > UINT32_MAX)
      return util::Status::InvalidArgument("index too large: series offset exceeds 4 bytes");
    all_refs.push_back(static_cast<uint32_t>(ref));
    entry.clear();
    util::PutUvarint(entry, s.labels.size());
    for (const auto& [n, v] : s.labels) {
      const uint32_t ni = symbol_index[n], vi = symbol_index[v];
      util::PutUvarint(entry, ni);
      util::PutUvarint(entry, vi);
      postings[ni][vi].push_back(static_cast<uint32_t>(ref));
    }
    util::PutUvarint(entry, s.chunks.size());
    if (!s.chunks.empty()) {
      const ChunkMeta& c0 = s.chunks[0];
      util::PutVarint(entry, c0.mint);
      util::PutUvarint(entry, static_cast<uint64_t>(c0.maxt - c0.mint));
      util::PutUvarint(entry, static_cast<uint64_t>(c0.ref));
      int64_t t0 = c0.maxt;
      int64_t ref0 = static_cast<int64_t>(c0.ref);
      for (size_t i = 1; i < s.chunks.size(); ++i) {
        const ChunkMeta& c = s.chunks[i];
        if (c.mint <= t0) {
          return util::Status::InvalidArgument(
              fmt::format("chunk minT {} is not higher than previous chunk maxT {}", c.mint, t0));
        }
        util::PutUvarint(entry, static_cast<uint64_t>(c.mint - t0));
        util::PutUvarint(entry, static_cast<uint64_t>(c.maxt - c.mint));
        t0 = c.maxt;
        util::PutVarint(entry, static_cast<int64_t>(c.ref) - ref0);
        ref0 = static_cast<int64_t>(c.ref);
      }
    }
    util::PutUvarint(out, entry.size());
    out.append(entry);
    util::PutBigEndian32(out, util::Crc32c(entry));
  }

  // No label indices (3.x writes none); postings start 4-byte aligned.
  toc.label_indices = out.size();
  Pad(out, 4);
  toc.postings = out.size();
  std::string table;  // postings offset table entries
  uint32_t table_count = 0;
  auto write_posting = [&](std::string_view name, std::string_view value,
                           const std::vector<uint32_t>& refs) {
    Pad(out, 4);
    const uint64_t offset = out.size();
    std::string body;
    util::PutBigEndian32(body, static_cast<uint32_t>(refs.size()));
    for (uint32_t r : refs) util::PutBigEndian32(body, r);
    util::PutBigEndian32(out, static_cast<uint32_t>(body.size()));
    out.append(body);
    util::PutBigEndian32(out, util::Crc32c(body));
    util::PutUvarint(table, 2);
    PutUvarintStr(table, name);
    PutUvarintStr(table, value);
    util::PutUvarint(table, offset);
    table_count++;
  };
  write_posting("", "", all_refs);
  for (const auto& [ni, values] : postings) {
    for (const auto& [vi, refs] : values) write_posting(symbols[ni], symbols[vi], refs);
  }

  toc.label_indices_table = out.size();
  toc.postings_table = out.size();
  const size_t table_start = out.size();
  out.append(4, '\0');
  std::string counted;
  util::PutBigEndian32(counted, table_count);
  counted.append(table);
  out.append(counted);
  const uint64_t table_len = out.size() - table_start - 4;
  if (table_len > UINT32_MAX)
    return util::Status::InvalidArgument("postings offset table too large");
  SetBigEndian32(out, table_start, static_cast<uint32_t>(table_len));
  util::PutBigEndian32(out, util::Crc32c(counted));

  std::string t;
  util::PutBigEndian64(t, toc.symbols);
  util::PutBigEndian64(t, toc.series);
  util::PutBigEndian64(t, toc.label_indices);
  util::PutBigEndian64(t, toc.label_indices_table);
  util::PutBigEndian64(t, toc.postings);
  util::PutBigEndian64(t, toc.postings_table);
  out.append(t);
  util::PutBigEndian32(out, util::Crc32c(t));
  return out;
}

util::Status WriteIndex(const std::string& path, const std::vector<SeriesInput>& series,
                        util::Env* env) {
  util::Result<std::string> bytes = BuildIndex(series);
  if (!bytes.ok()) return bytes.status();
  util::Result<std::unique_ptr<util::WritableFile>> f = env->NewExclusiveFile(path);
  if (!f.ok()) return f.status();
  if (util::Status st = (*f)->Append(*bytes); !st.ok()) return st;
  if (util::Status st = (*f)->Sync(); !st.ok()) return st;
  return (*f)->Close();
}

}  // namespace promkit::tsdb::index

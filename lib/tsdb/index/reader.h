#pragma once
// Reads a block's `index` file, format v2 (tsdb/docs/format/index.md). Layout in short:
//   magic 0xBAAAD700 (4 bytes), version 2 (1 byte)
//   symbol table: len(4) count(4) then uvarint-prefixed strings, sorted; CRC-32C over len bytes
//   series: each entry starts at a multiple of 16 (its ref is offset/16): uvarint len, label
//     count, (name, value) symbol indexes, chunk count, chunk metas (first mint varint, then
//     deltas; maxt as delta from mint; chunk refs as deltas), CRC-32C over the len bytes
//   label indices and their offset table (unused since v2's postings offset table)
//   postings: len(4) count(4) then 4-byte series refs, sorted; CRC
//   postings offset table: len(4) count(4) then (2, name, value, uvarint offset); CRC. The
//     entry ("", "") lists all series.
//   TOC: six 8-byte section offsets and a CRC-32C, the last 52 bytes of the file.
// Every checksum is verified when its section is read; errors name the file and byte offset.
//
// Thread-safety: immutable after Open; all methods may be called from any thread. Views
// returned stay valid while the Reader lives (the file is mmapped).

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/chunks/reader.h"
#include "util/mmap.h"
#include "util/status.h"

namespace promkit::tsdb::index {

inline constexpr uint32_t kMagicIndex = 0xBAAAD700;
inline constexpr uint8_t kFormatV2 = 2;
inline constexpr size_t kTocSize = 6 * 8 + 4;

enum class SeriesRef : uint64_t {};

struct ChunkMeta {
  int64_t mint = 0;  // first sample, inclusive
  int64_t maxt = 0;  // last sample, inclusive
  chunks::ChunkRef ref{};
};

struct SeriesEntry {
  std::vector<std::pair<std::string_view, std::string_view>> labels;  // views of the symbols
  std::vector<ChunkMeta> chunks;
};

struct Toc {
  uint64_t symbols = 0;
  uint64_t series = 0;
  uint64_t label_indices = 0;
  uint64_t label_indices_table = 0;
  uint64_t postings = 0;
  uint64_t postings_table = 0;
};

class Reader {
 public:
  // Maps `path` and reads the TOC, symbols and postings offset table.
  static util::Result<std::unique_ptr<Reader>> Open(const std::string& path);
  // Same over bytes the caller keeps alive (tests, fuzzing); `path` only names them in errors.
  static util::Result<std::unique_ptr<Reader>> FromBytes(std::string_view data, std::string path);

  // The series at `ref`, with its labels and chunk metas.
  util::Result<SeriesEntry> Series(SeriesRef ref) const;
  // Sorted series refs having label name=value; empty when the pair does not occur.
  util::Result<std::vector<SeriesRef>> Postings(std::string_view name,
                                                std::string_view value) const;
  // Every series ref, sorted.
  util::Result<std::vector<SeriesRef>> AllPostings() const { return Postings("", ""); }
  // Sorted values of label `name` in this index.
  std::vector<std::string_view> LabelValues(std::string_view name) const;
  // Sorted label names.
  std::vector<std::string_view> LabelNames() const;

  const std::vector<std::string_view>& symbols() const { return symbols_; }
  const Toc& toc() const { return toc_; }
  uint64_t size() const { return data_.size(); }
  const std::string& path() const { return path_; }

 private:
  util::Status Init();
  util::Status Fail(uint64_t offset, std::string_view what) const;
  // The bytes of the section whose 4-byte length is at `offset`, its CRC checked.
  util::Result<std::string_view> Section(uint64_t offset, std::string_view name) const;
  util::Status ReadSymbols();
  util::Status ReadPostingsTable();

  std::unique_ptr<util::MappedFile> file_;
  std::string_view data_;
  std::string path_;
  Toc toc_;
  std::vector<std::string_view> symbols_;
  // name -> value -> offset of its postings list.
  std::map<std::string_view, std::map<std::string_view, uint64_t>, std::less<>> postings_;
};

}  // namespace promkit::tsdb::index

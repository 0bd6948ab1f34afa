#pragma once
// Bit streams for chunk encodings: bits are written most significant first, filling each byte
// from its top bit (upstream bstream; tsdb/docs/format/chunks.md). Not thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

namespace promkit::tsdb::chunkenc {

class BitWriter {
 public:
  void WriteBit(bool bit);
  // The low `n` bits of `v`, most significant first. REQUIRES: n <= 64.
  void WriteBits(uint64_t v, int n);
  void WriteByte(uint8_t b);
  std::string& bytes() { return buf_; }
  const std::string& bytes() const { return buf_; }

 private:
  std::string buf_;
  int free_ = 0;  // unused low bits of the last byte
};

// Reads a view; every read fails (returns false) rather than run past the end.
class BitReader {
 public:
  explicit BitReader(std::string_view data) : data_(data) {}
  bool ReadBit(bool* bit);
  // REQUIRES: n <= 64.
  bool ReadBits(int n, uint64_t* v);
  bool ReadUvarint(uint64_t* v);
  bool ReadVarint(int64_t* v);
  size_t bit_pos() const { return pos_; }
  size_t bits_left() const { return data_.size() * 8 - pos_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;  // in bits
};

}  // namespace promkit::tsdb::chunkenc

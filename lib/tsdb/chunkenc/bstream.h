#pragma once
// Bit streams for chunk encodings: bits are written most significant first, filling each byte
// from its top bit (upstream bstream; tsdb/docs/format/chunks.md). Not thread-safe.

#include <bit>
#include <cstdint>
#include <cstring>
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
  explicit BitReader(std::string_view data) : data_(data), size_bits_(data.size() * 8) {}
  bool ReadBit(bool* bit) {
    if (pos_ >= size_bits_) return false;
    const auto byte = static_cast<uint8_t>(data_[pos_ >> 3]);
    *bit = (byte >> (7 - (pos_ & 7))) & 1;
    ++pos_;
    return true;
  }
  // REQUIRES: n <= 64.
  bool ReadBits(int n, uint64_t* v) {
    if (static_cast<size_t>(n) > size_bits_ - pos_) return false;
    if (n == 0) {
      *v = 0;
      return true;
    }
    // The 64 bits from the byte holding pos_ on, then the bits of the ninth byte the read may
    // still need (pos_ not byte-aligned and n close to 64).
    const size_t byte = pos_ >> 3;
    const int skip = static_cast<int>(pos_ & 7);
    uint64_t w = Load64(byte) << skip;
    if (skip + n > 64)
      w |= static_cast<uint64_t>(static_cast<uint8_t>(data_[byte + 8])) >> (8 - skip);
    *v = w >> (64 - n);
    pos_ += static_cast<size_t>(n);
    return true;
  }
  bool ReadUvarint(uint64_t* v);
  bool ReadVarint(int64_t* v);
  size_t bit_pos() const { return pos_; }
  size_t bits_left() const { return data_.size() * 8 - pos_; }

 private:
  // Up to 8 bytes from `byte` on as a big-endian word, zero-padded past the end of the data.
  uint64_t Load64(size_t byte) const {
    uint64_t w = 0;
    if (byte + 8 <= data_.size()) {
      std::memcpy(&w, data_.data() + byte, 8);
      if constexpr (std::endian::native == std::endian::little) w = __builtin_bswap64(w);
      return w;
    }
    for (size_t i = 0; i < 8; ++i) {
      w <<= 8;
      if (byte + i < data_.size()) w |= static_cast<uint8_t>(data_[byte + i]);
    }
    return w;
  }

  std::string_view data_;
  size_t size_bits_;
  size_t pos_ = 0;  // in bits
};

}  // namespace promkit::tsdb::chunkenc

#include "tsdb/chunkenc/bstream.h"

namespace promkit::tsdb::chunkenc {

void BitWriter::WriteBit(bool bit) {
  if (free_ == 0) {
    buf_.push_back('\0');
    free_ = 8;
  }
  --free_;
  if (bit) buf_.back() = static_cast<char>(static_cast<uint8_t>(buf_.back()) | (1u << free_));
}

void BitWriter::WriteBits(uint64_t v, int n) {
  while (n > 0) {
    if (free_ == 0) {
      buf_.push_back('\0');
      free_ = 8;
    }
    int take = n < free_ ? n : free_;
    uint64_t part = (v >> (n - take)) & ((uint64_t{1} << take) - 1);
    free_ -= take;
    n -= take;
    buf_.back() =
        static_cast<char>(static_cast<uint8_t>(buf_.back()) | static_cast<uint8_t>(part << free_));
  }
}

bool BitReader::ReadBit(bool* bit) {
  if (pos_ >= data_.size() * 8) return false;
  auto byte = static_cast<uint8_t>(data_[pos_ / 8]);
  *bit = (byte >> (7 - pos_ % 8)) & 1;
  ++pos_;
  return true;
}

bool BitReader::ReadBits(int n, uint64_t* v) {
  if (static_cast<size_t>(n) > data_.size() * 8 - pos_) return false;
  uint64_t out = 0;
  while (n > 0) {
    auto byte = static_cast<uint8_t>(data_[pos_ / 8]);
    int avail = 8 - static_cast<int>(pos_ % 8);
    int take = n < avail ? n : avail;
    uint64_t bits = (byte >> (avail - take)) & ((1u << take) - 1);
    out = take == 64 ? bits : (out << take) | bits;
    pos_ += take;
    n -= take;
  }
  *v = out;
  return true;
}

bool BitReader::ReadUvarint(uint64_t* v) {
  // Go's binary.ReadUvarint over the bit stream's ReadByte: bytes need not be aligned.
  uint64_t x = 0;
  for (unsigned i = 0, shift = 0; i < 10; ++i, shift += 7) {
    uint64_t b = 0;
    if (!ReadBits(8, &b)) return false;
    if (b < 0x80) {
      if (i == 9 && b > 1) return false;  // overflows 64 bits
      *v = x | b << shift;
      return true;
    }
    x |= (b & 0x7f) << shift;
  }
  return false;
}

bool BitReader::ReadVarint(int64_t* v) {
  uint64_t u = 0;
  if (!ReadUvarint(&u)) return false;
  int64_t x = static_cast<int64_t>(u >> 1);
  if (u & 1) x = ~x;
  *v = x;
  return true;
}

}  // namespace promkit::tsdb::chunkenc

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

// Go's bstream.writeBits: whole bytes through writeByte, the rest bit by bit.
void BitWriter::WriteBits(uint64_t v, int n) {
  if (n <= 0) return;
  uint64_t u = n == 64 ? v : v << (64 - n);
  while (n >= 8) {
    WriteByte(static_cast<uint8_t>(u >> 56));
    u <<= 8;
    n -= 8;
  }
  while (n > 0) {
    WriteBit((u >> 63) == 1);
    u <<= 1;
    n--;
  }
}

// Go's bstream.writeByte: fills the free bits of the last byte with the top of `b` and always
// starts a new byte with the rest, so a byte-aligned write leaves a trailing all-free byte, as
// Prometheus's chunks have it.
void BitWriter::WriteByte(uint8_t b) {
  if (free_ == 0) {
    buf_.push_back('\0');
    free_ = 8;
  }
  buf_.back() = static_cast<char>(static_cast<uint8_t>(buf_.back()) | (b >> (8 - free_)));
  buf_.push_back(free_ == 8 ? '\0' : static_cast<char>(static_cast<uint8_t>(b << free_)));
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

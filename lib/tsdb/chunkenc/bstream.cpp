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

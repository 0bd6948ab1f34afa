#include "util/varint.h"

namespace promkit::util {

void PutUvarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void PutVarint(std::string& out, int64_t v) {
  uint64_t u = static_cast<uint64_t>(v) << 1;
  if (v < 0) u = ~u;
  PutUvarint(out, u);
}

void PutBigEndian16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

void PutBigEndian32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

void PutBigEndian64(std::string& out, uint64_t v) {
  PutBigEndian32(out, static_cast<uint32_t>(v >> 32));
  PutBigEndian32(out, static_cast<uint32_t>(v));
}

size_t GetUvarint(std::string_view in, uint64_t* v) {
  uint64_t x = 0;
  unsigned shift = 0;
  for (size_t i = 0; i < in.size() && i < kMaxVarintLen64; ++i) {
    auto b = static_cast<unsigned char>(in[i]);
    if (b < 0x80) {
      // The tenth byte may carry only the top bit of a 64-bit value.
      if (i == kMaxVarintLen64 - 1 && b > 1) return 0;
      *v = x | uint64_t{b} << shift;
      return i + 1;
    }
    x |= uint64_t{b & 0x7fu} << shift;
    shift += 7;
  }
  return 0;
}

size_t GetVarint(std::string_view in, int64_t* v) {
  uint64_t u = 0;
  size_t n = GetUvarint(in, &u);
  if (n == 0) return 0;
  int64_t x = static_cast<int64_t>(u >> 1);
  if (u & 1) x = ~x;
  *v = x;
  return n;
}

}  // namespace promkit::util

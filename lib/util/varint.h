#pragma once
// Go's encoding/binary varints and big-endian integers, as Prometheus's on-disk formats use
// them: uvarint is LEB128 (7 bits per byte, low groups first, at most 10 bytes); varint is the
// zig-zag mapping of a signed value onto a uvarint. Pure functions; thread-safe.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace promkit::util {

inline constexpr size_t kMaxVarintLen64 = 10;

// Appends the encoding of `v` to `out`.
void PutUvarint(std::string& out, uint64_t v);
void PutVarint(std::string& out, int64_t v);
void PutBigEndian16(std::string& out, uint16_t v);
void PutBigEndian32(std::string& out, uint32_t v);
void PutBigEndian64(std::string& out, uint64_t v);

// Decodes a uvarint at the start of `in`. Returns the number of bytes read, or 0 when `in` ends
// first or the value overflows 64 bits (Go's Uvarint reports those as n == 0 and n < 0).
size_t GetUvarint(std::string_view in, uint64_t* v);
size_t GetVarint(std::string_view in, int64_t* v);

// REQUIRES: `p` points at 2, 4 or 8 readable bytes.
inline uint16_t BigEndian16(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint16_t>(u[0] << 8 | u[1]);
}
inline uint32_t BigEndian32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return uint32_t{u[0]} << 24 | uint32_t{u[1]} << 16 | uint32_t{u[2]} << 8 | uint32_t{u[3]};
}
inline uint64_t BigEndian64(const char* p) {
  return uint64_t{BigEndian32(p)} << 32 | BigEndian32(p + 4);
}

}  // namespace promkit::util

#include "tsdb/chunkenc/varbit.h"

#include <bit>

namespace promkit::tsdb::chunkenc {
namespace {

// Whether x fits the n-bit signed bucket (one extra value on the positive side).
bool FitsSigned(int64_t x, int n) {
  return -((int64_t{1} << (n - 1)) - 1) <= x && x <= (int64_t{1} << (n - 1));
}

// Payload widths by prefix length (number of leading ones before the terminating zero).
constexpr int kWidths[] = {0, 3, 6, 9, 12, 18, 25, 56, 64};

// Reads the unary prefix: the number of ones, at most 8 (the eighth one has no terminator).
bool ReadPrefix(BitReader& r, int* ones) {
  int n = 0;
  for (; n < 8; ++n) {
    bool bit = false;
    if (!r.ReadBit(&bit)) return false;
    if (!bit) break;
  }
  *ones = n;
  return true;
}

void WritePrefixed(BitWriter& w, int ones, uint64_t payload) {
  // ones == 8 has no terminating zero.
  const uint64_t prefix = ones == 8 ? 0xff : ((uint64_t{1} << (ones + 1)) - 2);
  w.WriteBits(prefix, ones == 8 ? 8 : ones + 1);
  w.WriteBits(payload, kWidths[ones]);
}

}  // namespace

void PutVarbitInt(BitWriter& w, int64_t v) {
  if (v == 0) {
    w.WriteBit(false);
    return;
  }
  for (int ones = 1; ones < 8; ++ones) {
    if (FitsSigned(v, kWidths[ones])) {
      WritePrefixed(w, ones, static_cast<uint64_t>(v));
      return;
    }
  }
  WritePrefixed(w, 8, static_cast<uint64_t>(v));
}

void PutVarbitUint(BitWriter& w, uint64_t v) {
  if (v == 0) {
    w.WriteBit(false);
    return;
  }
  for (int ones = 1; ones < 8; ++ones) {
    if (std::countl_zero(v) >= 64 - kWidths[ones]) {
      WritePrefixed(w, ones, v);
      return;
    }
  }
  WritePrefixed(w, 8, v);
}

bool ReadVarbitInt(BitReader& r, int64_t* v) {
  int ones = 0;
  if (!ReadPrefix(r, &ones)) return false;
  const int width = kWidths[ones];
  if (width == 0) {
    *v = 0;
    return true;
  }
  uint64_t bits = 0;
  if (!r.ReadBits(width, &bits)) return false;
  if (width < 64 && bits > (uint64_t{1} << (width - 1))) bits -= uint64_t{1} << width;
  *v = static_cast<int64_t>(bits);
  return true;
}

bool ReadVarbitUint(BitReader& r, uint64_t* v) {
  int ones = 0;
  if (!ReadPrefix(r, &ones)) return false;
  const int width = kWidths[ones];
  if (width == 0) {
    *v = 0;
    return true;
  }
  return r.ReadBits(width, v);
}

void XorWrite(BitWriter& w, double v, double prev, uint8_t* leading, uint8_t* trailing) {
  const uint64_t x = std::bit_cast<uint64_t>(v) ^ std::bit_cast<uint64_t>(prev);
  if (x == 0) {
    w.WriteBit(false);
    return;
  }
  w.WriteBit(true);
  auto lead = static_cast<uint8_t>(std::countl_zero(x));
  auto trail = static_cast<uint8_t>(std::countr_zero(x));
  if (lead >= 32) lead = 31;  // five bits hold the count
  if (*leading != 0xff && lead >= *leading && trail >= *trailing) {
    w.WriteBit(false);
    w.WriteBits(x >> *trailing, 64 - *leading - *trailing);
    return;
  }
  *leading = lead;
  *trailing = trail;
  w.WriteBit(true);
  w.WriteBits(lead, 5);
  const int sig = 64 - lead - trail;  // 64 is stored as 0: a zero count never occurs
  w.WriteBits(static_cast<uint64_t>(sig), 6);
  w.WriteBits(x >> trail, sig);
}

bool XorRead(BitReader& r, double* v, uint8_t* leading, uint8_t* trailing, bool* bad_window) {
  *bad_window = false;
  bool bit = false;
  if (!r.ReadBit(&bit)) return false;
  if (!bit) return true;
  if (!r.ReadBit(&bit)) return false;
  int meaningful = 0;
  if (!bit) {
    meaningful = 64 - *leading - *trailing;
    if (meaningful <= 0 || meaningful > 64) {  // no window yet (corrupt data)
      *bad_window = true;
      return false;
    }
  } else {
    uint64_t lead = 0, count = 0;
    if (!r.ReadBits(5, &lead) || !r.ReadBits(6, &count)) return false;
    meaningful = count == 0 ? 64 : static_cast<int>(count);
    if (static_cast<int>(lead) + meaningful > 64) {
      *bad_window = true;
      return false;
    }
    *leading = static_cast<uint8_t>(lead);
    *trailing = static_cast<uint8_t>(64 - lead - meaningful);
  }
  uint64_t bits = 0;
  if (!r.ReadBits(meaningful, &bits)) return false;
  const uint64_t shifted = *trailing >= 64 ? 0 : bits << *trailing;
  *v = std::bit_cast<double>(std::bit_cast<uint64_t>(*v) ^ shifted);
  return true;
}

}  // namespace promkit::tsdb::chunkenc

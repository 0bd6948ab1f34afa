#include "tsdb/chunkenc/xor.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include <fmt/core.h>

#include "util/varint.h"

namespace promkit::tsdb::chunkenc {
namespace {

uint64_t Bits(double v) { return std::bit_cast<uint64_t>(v); }
double FromBits(uint64_t b) { return std::bit_cast<double>(b); }

// Whether `x` fits the n-bit delta-of-delta bucket. The range is one wider on the positive
// side than two's complement allows, as upstream writes it; the reader maps the top pattern back.
bool FitsBits(int64_t x, int n) {
  return -((int64_t{1} << (n - 1)) - 1) <= x && x <= (int64_t{1} << (n - 1));
}

}  // namespace

XorEncoder::XorEncoder() { w_.bytes().assign(2, '\0'); }

uint16_t XorEncoder::num_samples() const { return util::BigEndian16(w_.bytes().data()); }

void XorEncoder::Append(int64_t t, double v) {
  uint16_t n = num_samples();
  PROMKIT_CHECK(n < 0xffff) << "BUG: XOR chunk capacity exceeded";
  uint64_t t_delta = 0;
  if (n == 0) {
    std::string buf;
    util::PutVarint(buf, t);
    for (char c : buf) w_.WriteByte(static_cast<uint8_t>(c));
    w_.WriteBits(Bits(v), 64);
  } else if (n == 1) {
    t_delta = static_cast<uint64_t>(t) - static_cast<uint64_t>(t_);  // wraps like Go
    std::string buf;
    util::PutUvarint(buf, t_delta);
    for (char c : buf) w_.WriteByte(static_cast<uint8_t>(c));
    WriteValue(v);
  } else {
    t_delta = static_cast<uint64_t>(t) - static_cast<uint64_t>(t_);  // wraps like Go
    auto dod = static_cast<int64_t>(t_delta - t_delta_);
    if (dod == 0) {
      w_.WriteBit(false);
    } else if (FitsBits(dod, 14)) {
      w_.WriteBits(0b10, 2);
      w_.WriteBits(static_cast<uint64_t>(dod), 14);
    } else if (FitsBits(dod, 17)) {
      w_.WriteBits(0b110, 3);
      w_.WriteBits(static_cast<uint64_t>(dod), 17);
    } else if (FitsBits(dod, 20)) {
      w_.WriteBits(0b1110, 4);
      w_.WriteBits(static_cast<uint64_t>(dod), 20);
    } else {
      w_.WriteBits(0b1111, 4);
      w_.WriteBits(static_cast<uint64_t>(dod), 64);
    }
    WriteValue(v);
  }
  t_ = t;
  v_ = v;
  t_delta_ = t_delta;
  std::string& b = w_.bytes();
  b[0] = static_cast<char>((n + 1) >> 8);
  b[1] = static_cast<char>(n + 1);
}

void XorEncoder::WriteValue(double v) {
  uint64_t x = Bits(v) ^ Bits(v_);
  if (x == 0) {
    w_.WriteBit(false);
    return;
  }
  w_.WriteBit(true);
  auto leading = static_cast<uint8_t>(std::countl_zero(x));
  auto trailing = static_cast<uint8_t>(std::countr_zero(x));
  if (leading >= 32) leading = 31;  // five bits hold the count
  if (leading_ != 0xff && leading >= leading_ && trailing >= trailing_) {
    w_.WriteBit(false);
    w_.WriteBits(x >> trailing_, 64 - leading_ - trailing_);
    return;
  }
  leading_ = leading;
  trailing_ = trailing;
  w_.WriteBit(true);
  w_.WriteBits(leading, 5);
  int sig = 64 - leading - trailing;  // 64 is stored as 0: a zero count never occurs
  w_.WriteBits(static_cast<uint64_t>(sig), 6);
  w_.WriteBits(x >> trailing, sig);
}

XorIterator::XorIterator(std::string_view data) : r_(data.size() >= 2 ? data.substr(2) : "") {
  if (data.size() < 2) {
    err_ = util::Status::Corruption(
        fmt::format("XOR chunk of {} bytes has no sample count", data.size()));
    return;
  }
  total_ = util::BigEndian16(data.data());
}

storage::ValueType XorIterator::Fail(std::string_view what) {
  // +16: offsets count from the start of the chunk data, header included.
  err_ = util::Status::Corruption(fmt::format("XOR chunk: {} at bit {} (sample {} of {})", what,
                                              r_.bit_pos() + 16, read_, total_));
  return storage::ValueType::kNone;
}

storage::ValueType XorIterator::Next() {
  if (!err_.ok() || read_ == total_) return storage::ValueType::kNone;
  if (read_ == 0) {
    uint64_t bits = 0;
    if (!r_.ReadVarint(&t_) || !r_.ReadBits(64, &bits)) return Fail("unexpected end of data");
    v_ = FromBits(bits);
    ++read_;
    return storage::ValueType::kFloat;
  }
  if (read_ == 1) {
    if (!r_.ReadUvarint(&t_delta_)) return Fail("unexpected end of data");
    t_ = static_cast<int64_t>(static_cast<uint64_t>(t_) +
                              t_delta_);  // wraps like Go on corrupt data
    if (!ReadValue()) return storage::ValueType::kNone;
    ++read_;
    return storage::ValueType::kFloat;
  }
  int ones = 0;
  for (; ones < 4; ++ones) {
    bool bit = false;
    if (!r_.ReadBit(&bit)) return Fail("unexpected end of data");
    if (!bit) break;
  }
  static constexpr int kSizes[] = {0, 14, 17, 20, 64};
  int size = kSizes[ones];
  int64_t dod = 0;
  if (size > 0) {
    uint64_t bits = 0;
    if (!r_.ReadBits(size, &bits)) return Fail("unexpected end of data");
    if (size < 64 && bits > (uint64_t{1} << (size - 1))) bits -= uint64_t{1} << size;
    dod = static_cast<int64_t>(bits);
  }
  t_delta_ += static_cast<uint64_t>(dod);
  t_ = static_cast<int64_t>(static_cast<uint64_t>(t_) + t_delta_);  // wraps like Go on corrupt data
  if (!ReadValue()) return storage::ValueType::kNone;
  ++read_;
  return storage::ValueType::kFloat;
}

bool XorIterator::ReadValue() {
  bool bit = false;
  if (!r_.ReadBit(&bit)) return Fail("unexpected end of data"), false;
  if (!bit) return true;
  if (!r_.ReadBit(&bit)) return Fail("unexpected end of data"), false;
  int meaningful = 0;
  if (!bit) {
    meaningful = 64 - leading_ - trailing_;
  } else {
    uint64_t leading = 0, count = 0;
    if (!r_.ReadBits(5, &leading) || !r_.ReadBits(6, &count)) {
      return Fail("unexpected end of data"), false;
    }
    meaningful = count == 0 ? 64 : static_cast<int>(count);
    if (static_cast<int>(leading) + meaningful > 64) {
      return Fail(fmt::format("{} leading zeros and {} value bits exceed 64", leading, meaningful)),
             false;
    }
    leading_ = static_cast<uint8_t>(leading);
    trailing_ = static_cast<uint8_t>(64 - leading - meaningful);
  }
  uint64_t bits = 0;
  if (!r_.ReadBits(meaningful, &bits)) return Fail("unexpected end of data"), false;
  v_ = FromBits(Bits(v_) ^ (trailing_ >= 64 ? 0 : bits << trailing_));
  return true;
}

storage::ValueType XorIterator::AppendFloats(int64_t maxt, std::vector<storage::FloatPoint>& out) {
  // The class is final: Next() is called directly, without a virtual dispatch per sample.
  // The points are written in place: room for the rest of the chunk is made first (growing
  // geometrically, so a series decoded chunk after chunk is not copied once per chunk), and the
  // vector is cut back to what was written.
  const size_t start = out.size();
  const size_t room = start + (total_ - read_) + 1;
  if (out.capacity() < room) out.reserve(std::max(room, 2 * out.capacity()));
  out.resize(room);
  storage::FloatPoint* p = out.data() + start;
  storage::ValueType vt = storage::ValueType::kFloat;
  while (vt == storage::ValueType::kFloat) {
    if (t_ > maxt) break;
    *p++ = storage::FloatPoint{t_, v_};
    vt = XorIterator::Next();
  }
  out.resize(static_cast<size_t>(p - out.data()));
  return vt;
}

storage::ValueType XorIterator::Seek(int64_t t) {
  if (!err_.ok()) return storage::ValueType::kNone;
  if (read_ > 0 && t_ >= t) return storage::ValueType::kFloat;
  while (true) {
    if (Next() == storage::ValueType::kNone) return storage::ValueType::kNone;
    if (t_ >= t) return storage::ValueType::kFloat;
  }
}

}  // namespace promkit::tsdb::chunkenc

#pragma once
// The XOR float chunk (Gorilla compression with millisecond timestamps), bit for bit as
// Prometheus writes it; layout in tsdb/docs/format/chunks.md ("XOR chunk data"). In short:
//   uint16 sample count (big endian)
//   sample 0: varint timestamp, 64 raw value bits
//   sample 1: uvarint timestamp delta, value as XOR with the previous value
//   sample n: timestamp delta-of-delta in a prefix code ('0' = same delta; '10' + 14 bits,
//             '110' + 17, '1110' + 20, '1111' + 64, two's complement), value as XOR
//   XOR of values: '0' = unchanged; '10' + the meaningful bits inside the previous
//   leading/trailing-zero window; '11' + 5 bits leading zeros + 6 bits meaningful-bit count
//   (0 meaning 64) + those bits, which opens a new window.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/interface.h"
#include "tsdb/chunkenc/bstream.h"

namespace promkit::tsdb::chunkenc {

// Builds one XOR chunk. Appends must come in increasing timestamp order (not checked: the
// caller cuts chunks and orders samples). Not thread-safe.
class XorEncoder {
 public:
  XorEncoder();
  // REQUIRES: num_samples() < 65535.
  void Append(int64_t t, double v);
  uint16_t num_samples() const;
  // The chunk's data (what follows the encoding byte in a segment file).
  std::string_view bytes() const { return w_.bytes(); }

 private:
  void WriteValue(double v);
  BitWriter w_;
  int64_t t_ = 0;
  uint64_t t_delta_ = 0;
  double v_ = 0;
  uint8_t leading_ = 0xff;  // 0xff: no window yet
  uint8_t trailing_ = 0;
};

// Decodes an XOR chunk. `data` must outlive the iterator. Running out of bits before the
// sample count is reached, or an impossible bit window, fails with Corruption naming the bit
// offset in the chunk data.
class XorIterator final : public storage::SampleIterator {
 public:
  explicit XorIterator(std::string_view data);
  storage::ValueType Next() override;
  storage::ValueType Seek(int64_t t) override;
  storage::ValueType AppendFloats(int64_t maxt, std::vector<storage::FloatPoint>& out) override;
  int64_t AtT() const override { return t_; }
  double AtFloat() const override { return v_; }
  util::Status Err() const override { return err_; }

 private:
  storage::ValueType Fail(std::string_view what);
  bool ReadValue();
  BitReader r_;
  util::Status err_;
  uint16_t total_ = 0;
  uint16_t read_ = 0;
  int64_t t_ = 0;
  uint64_t t_delta_ = 0;
  double v_ = 0;
  uint8_t leading_ = 0;
  uint8_t trailing_ = 0;
};

}  // namespace promkit::tsdb::chunkenc

// Fuzzes XOR chunk decoding: any bytes decode to some samples and then stop, cleanly or with an
// error, never reading past the input. Whatever decodes re-encodes to a chunk that decodes to
// the same samples bit for bit.
#include <bit>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "tsdb/chunkenc/xor.h"
#include "util/check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace promkit;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<std::pair<int64_t, uint64_t>> got;
  tsdb::chunkenc::XorIterator it(in);
  while (it.Next() == storage::ValueType::kFloat) {
    got.emplace_back(it.AtT(), std::bit_cast<uint64_t>(it.AtFloat()));
  }
  PROMKIT_CHECK(got.size() <= 0xffff) << "BUG: more samples than the header allows";
  tsdb::chunkenc::XorEncoder enc;
  for (const auto& [t, v] : got) enc.Append(t, std::bit_cast<double>(v));
  tsdb::chunkenc::XorIterator back(enc.bytes());
  for (const auto& [t, v] : got) {
    PROMKIT_CHECK(back.Next() == storage::ValueType::kFloat) << "BUG: re-encoded chunk ends early";
    PROMKIT_CHECK(back.AtT() == t) << "BUG: timestamp changed: " << t << " -> " << back.AtT();
    PROMKIT_CHECK(std::bit_cast<uint64_t>(back.AtFloat()) == v) << "BUG: value bits changed";
  }
  PROMKIT_CHECK(back.Next() == storage::ValueType::kNone && back.Err().ok())
      << "BUG: re-encoded chunk has extra samples or fails";
  return 0;
}

// Fuzzes chunk decoding: any bytes decode to some samples and then stop, cleanly or with an
// error, never reading past the input. Whatever decodes as XOR re-encodes to a chunk that decodes
// to the same samples bit for bit. The same bytes are also read as native histogram chunks
// (integer and float), and the valid histograms read are appended again through the appenders,
// which must keep every sample.
#include <bit>
#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "tsdb/chunkenc/histogram.h"
#include "tsdb/chunkenc/xor.h"
#include "util/check.h"

namespace {

template <typename It, typename App, typename H>
void FuzzHistograms(std::string_view in) {
  using namespace promkit;
  It it(in);
  std::vector<std::unique_ptr<App>> chunks;
  chunks.push_back(std::make_unique<App>());
  size_t appended = 0;
  int64_t last_t = 0;
  H h;
  while (it.Next() != storage::ValueType::kNone) {
    if constexpr (std::is_same_v<H, model::Histogram>) {
      it.AtHistogram(&h);
      model::FloatHistogram f;
      it.AtFloatHistogram(&f);
    } else {
      it.AtFloatHistogram(&h);
    }
    if (!h.Validate().ok() || (appended > 0 && it.AtT() <= last_t)) continue;
    bool recoded = false;
    std::unique_ptr<App> next = chunks.back()->Append(nullptr, it.AtT(), h, &recoded);
    if (next != nullptr && recoded) {
      chunks.back() = std::move(next);
    } else if (next != nullptr) {
      chunks.push_back(std::move(next));
    }
    last_t = it.AtT();
    ++appended;
  }
  size_t stored = 0;
  for (const auto& c : chunks) stored += c->num_samples();
  PROMKIT_CHECK(stored == appended) << "BUG: appenders kept " << stored << " of " << appended;
}

}  // namespace

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
  FuzzHistograms<tsdb::chunkenc::HistogramIterator, tsdb::chunkenc::HistogramAppender,
                 model::Histogram>(in);
  FuzzHistograms<tsdb::chunkenc::FloatHistogramIterator, tsdb::chunkenc::FloatHistogramAppender,
                 model::FloatHistogram>(in);
  return 0;
}

#include "tsdb/chunkenc/chunk.h"

#include <string>

#include "tsdb/chunkenc/histogram.h"
#include "tsdb/chunkenc/xor.h"

namespace promkit::tsdb::chunkenc {
namespace {

// Stands in for the iterator of an encoding promkit cannot decode yet.
class UnsupportedIterator final : public storage::SampleIterator {
 public:
  explicit UnsupportedIterator(Encoding e)
      : err_(util::Status::InvalidArgument("unsupported chunk encoding " +
                                           std::string(EncodingName(e)))) {}
  storage::ValueType Next() override { return storage::ValueType::kNone; }
  storage::ValueType Seek(int64_t) override { return storage::ValueType::kNone; }
  int64_t AtT() const override { return 0; }
  double AtFloat() const override { return 0; }
  util::Status Err() const override { return err_; }

 private:
  util::Status err_;
};

}  // namespace

std::string_view EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kNone:
      return "none";
    case Encoding::kXor:
      return "XOR";
    case Encoding::kHistogram:
      return "histogram";
    case Encoding::kFloatHistogram:
      return "floathistogram";
    case Encoding::kXor2:
      return "XOR2";
    case Encoding::kHistogramSt:
      return "histogramST";
    case Encoding::kFloatHistogramSt:
      return "floathistogramST";
  }
  return "<unknown>";
}

bool IsValidEncoding(uint8_t e) { return e >= 1 && e <= 6; }

storage::ValueType ValueTypeOf(Encoding e) {
  switch (e) {
    case Encoding::kXor:
    case Encoding::kXor2:
      return storage::ValueType::kFloat;
    case Encoding::kHistogram:
    case Encoding::kHistogramSt:
      return storage::ValueType::kHistogram;
    case Encoding::kFloatHistogram:
    case Encoding::kFloatHistogramSt:
      return storage::ValueType::kFloatHistogram;
    case Encoding::kNone:
      break;
  }
  return storage::ValueType::kNone;
}

std::unique_ptr<storage::SampleIterator> NewIterator(Encoding e, std::string_view data) {
  if (e == Encoding::kXor) return std::make_unique<XorIterator>(data);
  if (e == Encoding::kHistogram) return std::make_unique<HistogramIterator>(data);
  if (e == Encoding::kFloatHistogram) return std::make_unique<FloatHistogramIterator>(data);
  return std::make_unique<UnsupportedIterator>(e);
}

}  // namespace promkit::tsdb::chunkenc

#pragma once
// Chunk encodings (tsdb/docs/format/chunks.md): the byte after a chunk's length in a segment
// file says how its data is encoded. Float samples use XOR (Gorilla); native histograms use the
// histogram encodings (histogram.h). The opt-in start-timestamp variants of Prometheus 3.x
// (XOR2, histogramST, floathistogramST) are recognised but not decoded: opening such a chunk
// fails with "unsupported chunk encoding <name>" rather than misreading it.

#include <cstdint>
#include <memory>
#include <string_view>

#include "storage/interface.h"

namespace promkit::tsdb::chunkenc {

// The numbers are the on-disk byte (upstream chunkenc.Encoding).
enum class Encoding : uint8_t {
  kNone = 0,
  kXor = 1,
  kHistogram = 2,
  kFloatHistogram = 3,
  kXor2 = 4,  // XOR with optional start timestamps (Prometheus 3.x, opt-in)
  kHistogramSt = 5,
  kFloatHistogramSt = 6,
};

// Upstream's names: "XOR", "histogram", "floathistogram", "XOR2", ...; "<unknown>" otherwise.
std::string_view EncodingName(Encoding e);
// One of the encodings Prometheus writes (kNone excluded).
bool IsValidEncoding(uint8_t e);
// The sample type a chunk of encoding `e` holds.
storage::ValueType ValueTypeOf(Encoding e);

// Samples Prometheus puts in one float chunk before cutting the next, and the hard size limit
// of an XOR chunk (upstream MaxBytesPerXORChunk).
inline constexpr int kSamplesPerChunk = 120;
inline constexpr size_t kMaxBytesPerXorChunk = 1024;

// An iterator over the samples of one chunk. `data` is the chunk's data (after the encoding
// byte) and must outlive the iterator. XOR, histogram and floathistogram chunks decode;
// encodings promkit cannot decode yield an iterator whose
// first Next() fails with InvalidArgument "unsupported chunk encoding <name>".
std::unique_ptr<storage::SampleIterator> NewIterator(Encoding e, std::string_view data);

}  // namespace promkit::tsdb::chunkenc

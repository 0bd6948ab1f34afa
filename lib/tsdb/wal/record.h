#pragma once
// Decoding of WAL records (upstream tsdb/record, docs/format/wal.md). The first byte of a record
// is its type; the rest, by type (integers big endian unless "varint"/"uvarint", which are Go's
// zig-zag / LEB128 encodings):
//   1 series:     repeated { ref u64, uvarint label count, (uvarint-prefixed name, value)... }
//   2 samples:    base ref u64, base time i64, repeated { varint ref delta, varint time delta,
//                 value f64 bits }; deltas are to the base values. An empty body is no samples.
//   11 samples v2 (Prometheus 3.x with start timestamps): first sample varint ref, varint time,
//                 varint start time, value f64; each further one varint ref delta to the
//                 previous sample, varint time delta to the first, a start-time marker byte
//                 (0 none, 1 same as previous, else explicit: varint delta to the first start
//                 time) and value f64. Start times are read and dropped.
//   3 tombstones: repeated { ref u64, varint mint, varint maxt } (both bounds inclusive)
//   4 exemplars:  base ref u64, base time i64, repeated { varint ref delta, varint time delta,
//                 value f64, labels as in a series record }
//   6 metadata:   repeated { uvarint ref, type byte, uvarint field count, (uvarint-prefixed
//                 name, value)... }; fields UNIT and HELP are kept, others skipped
//   7/9 histogram samples and 8/10 float histogram samples (9/10: custom buckets), laid out as
//                 samples with a native histogram instead of the value; 12/13 their v2 forms,
//                 laid out as samples v2 (the start-time marker follows the time delta). A
//                 histogram: hint byte, varint schema, zero threshold f64, zero count and count
//                 (uvarints; f64 for float histograms), sum f64, positive and negative spans
//                 (uvarint count; varint offset, uvarint length each), positive and negative
//                 buckets (uvarint count; varint deltas, or f64), and for schema -53 the custom
//                 bounds (uvarint count; f64 each).
//   5 mmap markers belong to the out-of-order WBL, which promkit does not replay.
// Errors are plain ("decode samples: unexpected 3 bytes left in entry"); the replay adds the
// segment and offset. Pure functions; thread-safe.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/histogram.h"
#include "model/labels.h"
#include "tsdb/tombstones/tombstones.h"
#include "util/status.h"

namespace promkit::tsdb::wal {

// The numbers are the on-disk type byte (upstream record.Type).
enum class RecordType : uint8_t {
  kSeries = 1,
  kSamples = 2,
  kTombstones = 3,
  kExemplars = 4,
  kMmapMarkers = 5,
  kMetadata = 6,
  kHistogramSamples = 7,
  kFloatHistogramSamples = 8,
  kCustomBucketsHistogramSamples = 9,
  kCustomBucketsFloatHistogramSamples = 10,
  kSamplesV2 = 11,
  kHistogramSamplesV2 = 12,
  kFloatHistogramSamplesV2 = 13,
  kUnknown = 255,
};

// The type of `rec`; kUnknown for an empty record or an unknown type byte.
RecordType TypeOf(std::string_view rec);
// Upstream's names: "series", "samples", "histogram_samples", ...; "unknown" otherwise.
std::string_view RecordTypeName(RecordType t);
// Types 7-10, 12 and 13.
bool IsHistogramRecord(RecordType t);

struct RefSeries {
  uint64_t ref = 0;
  model::Labels labels;
};

struct RefSample {
  uint64_t ref = 0;
  int64_t t = 0;
  double v = 0;
};

struct RefTombstone {
  uint64_t ref = 0;
  tombstones::Interval interval;
};

struct RefExemplar {
  uint64_t ref = 0;
  int64_t t = 0;
  double v = 0;
  model::Labels labels;
};

struct RefMetadata {
  uint64_t ref = 0;
  uint8_t type = 0;  // upstream record.MetricType: 0 unknown, 1 counter, 2 gauge, ...
  std::string unit;
  std::string help;
};

// A native histogram sample: `h` for integer histograms, `fh` when is_float.
struct RefHistogramSample {
  uint64_t ref = 0;
  int64_t t = 0;
  bool is_float = false;     // a float histogram (types 8, 10, 13)
  bool known_schema = true;  // upstream skips samples whose schema it does not know
  model::Histogram h;
  model::FloatHistogram fh;
};

// Each appends the record's entries to `out` (which may hold a partial result on failure).
// REQUIRES: TypeOf(rec) is the type the function decodes.
util::Status DecodeSeries(std::string_view rec, std::vector<RefSeries>* out);
// Types 2 and 11.
util::Status DecodeSamples(std::string_view rec, std::vector<RefSample>* out);
util::Status DecodeTombstones(std::string_view rec, std::vector<RefTombstone>* out);
util::Status DecodeExemplars(std::string_view rec, std::vector<RefExemplar>* out);
util::Status DecodeMetadata(std::string_view rec, std::vector<RefMetadata>* out);
// Types 7-10, 12 and 13.
util::Status DecodeHistogramSamples(std::string_view rec, std::vector<RefHistogramSample>* out);

// Encoders for the types promkit writes in tests and fuzz seeds (upstream's Encoder layouts).
std::string EncodeSeries(const std::vector<RefSeries>& series);
std::string EncodeSamples(const std::vector<RefSample>& samples);
std::string EncodeTombstones(const std::vector<RefTombstone>& stones);
// A histogram record of `type` (7-10, 12 or 13; each sample's is_float must match it).
std::string EncodeHistogramSamples(RecordType type, const std::vector<RefHistogramSample>& hs);

}  // namespace promkit::tsdb::wal

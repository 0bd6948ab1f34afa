// Fuzzes the WAL segment reader and the record decoders. The first input byte says where the
// rest is split into two segments read as one stream (and, by its low bit, whether a torn tail
// is tolerated). Any bytes yield some records and then stop, cleanly or with an error, never
// reading out of bounds or allocating what the input cannot back. Whatever is read, framed
// again into fresh pages, reads back identically; decoded samples, series and tombstones
// survive re-encoding unchanged.
#include <bit>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/wal/reader.h"
#include "tsdb/wal/record.h"
#include "util/check.h"
#include "util/crc32c.h"
#include "util/varint.h"

namespace {

using namespace promkit;
using namespace promkit::tsdb::wal;

// Frames records as full/first/middle/last fragments in 32 KiB pages, uncompressed.
std::string Frame(const std::vector<std::string>& records) {
  std::string out;
  for (std::string_view rec : records) {
    for (size_t i = 0; i == 0 || !rec.empty(); ++i) {
      if (kPageSize - out.size() % kPageSize < kRecordHeaderSize) {
        out.append(kPageSize - out.size() % kPageSize, '\0');
      }
      size_t l = std::min(rec.size(), kPageSize - out.size() % kPageSize - kRecordHeaderSize);
      uint8_t type = i == 0 ? (l == rec.size() ? 1 : 2) : (l == rec.size() ? 4 : 3);
      out.push_back(static_cast<char>(type));
      util::PutBigEndian16(out, static_cast<uint16_t>(l));
      util::PutBigEndian32(out, util::Crc32c(rec.substr(0, l)));
      out.append(rec.substr(0, l));
      rec.remove_prefix(l);
    }
  }
  return out;
}

void CheckSamplesRoundTrip(const std::vector<RefSample>& got) {
  std::vector<RefSample> back;
  PROMKIT_CHECK(DecodeSamples(EncodeSamples(got), &back).ok()) << "BUG: re-encoded samples fail";
  PROMKIT_CHECK(back.size() == got.size()) << "BUG: sample count changed";
  for (size_t i = 0; i < got.size(); ++i) {
    PROMKIT_CHECK(back[i].ref == got[i].ref && back[i].t == got[i].t &&
                  std::bit_cast<uint64_t>(back[i].v) == std::bit_cast<uint64_t>(got[i].v))
        << "BUG: sample " << i << " changed";
  }
}

void DecodeAll(std::string_view rec) {
  switch (TypeOf(rec)) {
    case RecordType::kSeries: {
      std::vector<RefSeries> got, back;
      if (!DecodeSeries(rec, &got).ok()) return;
      PROMKIT_CHECK(DecodeSeries(EncodeSeries(got), &back).ok()) << "BUG: re-encoded series fail";
      PROMKIT_CHECK(back.size() == got.size()) << "BUG: series count changed";
      for (size_t i = 0; i < got.size(); ++i) {
        PROMKIT_CHECK(back[i].ref == got[i].ref && back[i].labels == got[i].labels)
            << "BUG: series " << i << " changed";
      }
      return;
    }
    case RecordType::kSamples:
    case RecordType::kSamplesV2: {
      std::vector<RefSample> got;
      if (DecodeSamples(rec, &got).ok()) CheckSamplesRoundTrip(got);
      return;
    }
    case RecordType::kTombstones: {
      std::vector<RefTombstone> got, back;
      if (!DecodeTombstones(rec, &got).ok()) return;
      PROMKIT_CHECK(DecodeTombstones(EncodeTombstones(got), &back).ok() &&
                    back.size() == got.size())
          << "BUG: re-encoded tombstones differ";
      return;
    }
    case RecordType::kExemplars: {
      std::vector<RefExemplar> got;
      (void)DecodeExemplars(rec, &got);
      return;
    }
    case RecordType::kMetadata: {
      std::vector<RefMetadata> got;
      (void)DecodeMetadata(rec, &got);
      return;
    }
    default:
      if (IsHistogramRecord(TypeOf(rec))) {
        std::vector<RefHistogramSample> got;
        if (DecodeHistogramSamples(rec, &got).ok()) {
          PROMKIT_CHECK(got.size() <= rec.size()) << "BUG: more histograms than bytes";
        }
      }
      return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t split = in.size() * data[0] / 255;
  Reader::Options opts;
  opts.tolerate_torn_tail = (data[0] & 1) != 0;
  Reader r({{"fuzz/00000000", in.substr(0, split)}, {"fuzz/00000001", in.substr(split)}}, opts);
  std::vector<std::string> records;
  while (r.Next()) {
    records.emplace_back(r.Record());
    DecodeAll(records.back());
  }
  PROMKIT_CHECK(r.Err().ok() || r.torn_tail().empty()) << "BUG: both an error and a torn tail";
  PROMKIT_CHECK(!r.Next()) << "BUG: Next() after the end returned a record";

  std::string framed = Frame(records);
  Reader again({{"fuzz/framed", framed}});
  size_t i = 0;
  while (again.Next()) {
    PROMKIT_CHECK(i < records.size() && again.Record() == records[i]) << "BUG: record " << i;
    ++i;
  }
  PROMKIT_CHECK(again.Err().ok() && i == records.size())
      << "BUG: re-framed records do not read back: " << again.Err().ToString();
  return 0;
}

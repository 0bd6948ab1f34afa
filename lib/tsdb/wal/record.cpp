#include "tsdb/wal/record.h"

#include <bit>
#include <cstdint>
#include <type_traits>

#include <fmt/core.h>

#include "util/varint.h"

namespace promkit::tsdb::wal {
namespace {

// Sticky-error reader over a record's bytes (upstream encoding.Decbuf): after the first
// failure every read returns 0 and ok() stays false.
class Decbuf {
 public:
  explicit Decbuf(std::string_view b) : b_(b) {}

  bool ok() const { return err_ == nullptr; }
  const char* err() const { return err_; }
  size_t len() const { return b_.size(); }

  uint8_t Byte() {
    if (!Need(1)) return 0;
    auto v = static_cast<uint8_t>(b_[0]);
    b_.remove_prefix(1);
    return v;
  }
  uint64_t Be64() {
    if (!Need(8)) return 0;
    uint64_t v = util::BigEndian64(b_.data());
    b_.remove_prefix(8);
    return v;
  }
  double Be64Float() { return std::bit_cast<double>(Be64()); }
  uint64_t Uvarint64() {
    if (!ok()) return 0;
    uint64_t v = 0;
    size_t n = util::GetUvarint(b_, &v);
    if (n == 0) return Bad("invalid size");
    b_.remove_prefix(n);
    return v;
  }
  uint32_t Uvarint32() {
    uint64_t v = Uvarint64();
    if (v > UINT32_MAX) return static_cast<uint32_t>(Bad("invalid size"));
    return static_cast<uint32_t>(v);
  }
  int64_t Varint64() {
    if (!ok()) return 0;
    int64_t v = 0;
    size_t n = util::GetVarint(b_, &v);
    if (n == 0) return static_cast<int64_t>(Bad("invalid size"));
    b_.remove_prefix(n);
    return v;
  }
  // A count of following items, each at least `min_item_bytes` long: a count the remaining
  // bytes cannot hold is corruption, caught before anything is allocated for it.
  uint64_t Count(size_t min_item_bytes) {
    uint64_t n = Uvarint64();
    if (ok() && min_item_bytes > 0 && n > b_.size() / min_item_bytes) return Bad("invalid size");
    return n;
  }
  std::string_view UvarintBytes() {
    uint64_t n = Uvarint64();
    if (!ok()) return {};
    if (n > b_.size()) {
      Bad("invalid size");
      return {};
    }
    std::string_view v = b_.substr(0, n);
    b_.remove_prefix(n);
    return v;
  }

 private:
  bool Need(size_t n) {
    if (!ok()) return false;
    if (b_.size() < n) {
      Bad("invalid size");
      return false;
    }
    return true;
  }
  uint64_t Bad(const char* what) {
    if (err_ == nullptr) err_ = what;
    return 0;
  }

  std::string_view b_;
  const char* err_ = nullptr;
};

util::Status DecodeError(std::string_view what, std::string_view detail) {
  return util::Status::Corruption(fmt::format("decode {}: {}", what, detail));
}

// The end-of-record checks every decoder shares.
util::Status Finish(std::string_view what, const Decbuf& d, size_t decoded, std::string_view unit) {
  if (!d.ok()) {
    if (unit.empty()) return DecodeError(what, d.err());
    return DecodeError(what, fmt::format("decode error after {} {}: {}", decoded, unit, d.err()));
  }
  if (d.len() > 0)
    return DecodeError(what, fmt::format("unexpected {} bytes left in entry", d.len()));
  return util::Status::Ok();
}

// A label set as records store it: uvarint count, then uvarint-prefixed names and values.
model::Labels DecodeLabels(Decbuf& d, std::vector<model::Label>& scratch) {
  scratch.clear();
  uint64_t n = d.Count(2);
  bool sorted = true;
  for (uint64_t i = 0; i < n && d.ok(); ++i) {
    model::Label l;
    l.name = d.UvarintBytes();
    l.value = d.UvarintBytes();
    if (!scratch.empty() && !(scratch.back().name < l.name)) sorted = false;
    scratch.push_back(l);
  }
  if (!d.ok()) return {};
  if (sorted) return model::Labels::FromSorted(scratch);
  // Prometheus writes sorted, distinct names; keep whatever else comes in a valid Labels.
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const model::Label& l : scratch) pairs.emplace_back(l.name, l.value);
  return model::Labels::FromPairs(std::move(pairs));
}

void PutLabels(std::string& out, const model::Labels& ls) {
  util::PutUvarint(out, ls.size());
  for (const model::Label& l : ls) {
    util::PutUvarint(out, l.name.size());
    out += l.name;
    util::PutUvarint(out, l.value.size());
    out += l.value;
  }
}

// One native histogram as records store it (upstream DecodeHistogram / DecodeFloatHistogram):
// hint byte, varint schema, zero threshold f64, zero count and count (uvarints, or f64 for float
// histograms), sum f64, positive then negative spans (uvarint count, each varint offset and
// uvarint length), positive then negative buckets (uvarint count, each a varint delta or an
// f64), and with schema -53 the custom bounds (uvarint count, f64 each).
template <typename H>
void DecodeHistogram(Decbuf& d, H* h) {
  constexpr bool kFloat = std::is_same_v<H, model::FloatHistogram>;
  h->counter_reset_hint = static_cast<model::CounterResetHint>(d.Byte() & 3);
  h->schema = static_cast<int32_t>(d.Varint64());
  h->zero_threshold = d.Be64Float();
  if constexpr (kFloat) {
    h->zero_count = d.Be64Float();
    h->count = d.Be64Float();
  } else {
    h->zero_count = d.Uvarint64();
    h->count = d.Uvarint64();
  }
  h->sum = d.Be64Float();
  for (std::vector<model::Span>* spans : {&h->positive_spans, &h->negative_spans}) {
    spans->clear();
    uint64_t n = d.Count(2);
    for (uint64_t i = 0; i < n && d.ok(); ++i) {
      model::Span sp;
      sp.offset = static_cast<int32_t>(d.Varint64());
      sp.length = d.Uvarint32();
      spans->push_back(sp);
    }
  }
  for (auto* buckets : {&h->positive_buckets, &h->negative_buckets}) {
    buckets->clear();
    uint64_t n = d.Count(kFloat ? 8 : 1);
    for (uint64_t i = 0; i < n && d.ok(); ++i) {
      if constexpr (kFloat) {
        buckets->push_back(d.Be64Float());
      } else {
        buckets->push_back(d.Varint64());
      }
    }
  }
  h->custom_values.clear();
  if (model::IsCustomBucketsSchema(h->schema)) {
    uint64_t n = d.Count(8);
    for (uint64_t i = 0; i < n && d.ok(); ++i) h->custom_values.push_back(d.Be64Float());
  }
}

void DecodeOne(Decbuf& d, RefHistogramSample* s) {
  if (s->is_float) {
    DecodeHistogram(d, &s->fh);
    s->known_schema = model::IsKnownSchema(s->fh.schema);
  } else {
    DecodeHistogram(d, &s->h);
    s->known_schema = model::IsKnownSchema(s->h.schema);
  }
}

template <typename H>
void PutHistogram(std::string& out, const H& h) {
  constexpr bool kFloat = std::is_same_v<H, model::FloatHistogram>;
  out.push_back(static_cast<char>(h.counter_reset_hint));
  util::PutVarint(out, h.schema);
  util::PutBigEndian64(out, std::bit_cast<uint64_t>(h.zero_threshold));
  if constexpr (kFloat) {
    util::PutBigEndian64(out, std::bit_cast<uint64_t>(h.zero_count));
    util::PutBigEndian64(out, std::bit_cast<uint64_t>(h.count));
  } else {
    util::PutUvarint(out, h.zero_count);
    util::PutUvarint(out, h.count);
  }
  util::PutBigEndian64(out, std::bit_cast<uint64_t>(h.sum));
  for (const auto* spans : {&h.positive_spans, &h.negative_spans}) {
    util::PutUvarint(out, spans->size());
    for (const model::Span& sp : *spans) {
      util::PutVarint(out, sp.offset);
      util::PutUvarint(out, sp.length);
    }
  }
  for (const auto* buckets : {&h.positive_buckets, &h.negative_buckets}) {
    util::PutUvarint(out, buckets->size());
    for (auto b : *buckets) {
      if constexpr (kFloat) {
        util::PutBigEndian64(out, std::bit_cast<uint64_t>(b));
      } else {
        util::PutVarint(out, b);
      }
    }
  }
  if (model::IsCustomBucketsSchema(h.schema)) {
    util::PutUvarint(out, h.custom_values.size());
    for (double v : h.custom_values) util::PutBigEndian64(out, std::bit_cast<uint64_t>(v));
  }
}

}  // namespace

RecordType TypeOf(std::string_view rec) {
  if (rec.empty()) return RecordType::kUnknown;
  auto t = static_cast<uint8_t>(rec[0]);
  if (t >= 1 && t <= 13) return static_cast<RecordType>(t);
  return RecordType::kUnknown;
}

std::string_view RecordTypeName(RecordType t) {
  switch (t) {
    case RecordType::kSeries:
      return "series";
    case RecordType::kSamples:
      return "samples";
    case RecordType::kSamplesV2:
      return "samples_v2";
    case RecordType::kTombstones:
      return "tombstones";
    case RecordType::kExemplars:
      return "exemplars";
    case RecordType::kHistogramSamples:
      return "histogram_samples";
    case RecordType::kFloatHistogramSamples:
      return "float_histogram_samples";
    case RecordType::kCustomBucketsHistogramSamples:
      return "custom_buckets_histogram_samples";
    case RecordType::kCustomBucketsFloatHistogramSamples:
      return "custom_buckets_float_histogram_samples";
    case RecordType::kHistogramSamplesV2:
      return "histogram_samples_v2";
    case RecordType::kFloatHistogramSamplesV2:
      return "float_histogram_samples_v2";
    case RecordType::kMmapMarkers:
      return "mmapmarkers";
    case RecordType::kMetadata:
      return "metadata";
    case RecordType::kUnknown:
      break;
  }
  return "unknown";
}

bool IsHistogramRecord(RecordType t) {
  switch (t) {
    case RecordType::kHistogramSamples:
    case RecordType::kFloatHistogramSamples:
    case RecordType::kCustomBucketsHistogramSamples:
    case RecordType::kCustomBucketsFloatHistogramSamples:
    case RecordType::kHistogramSamplesV2:
    case RecordType::kFloatHistogramSamplesV2:
      return true;
    default:
      return false;
  }
}

util::Status DecodeSeries(std::string_view rec, std::vector<RefSeries>* out) {
  Decbuf d(rec);
  if (static_cast<RecordType>(d.Byte()) != RecordType::kSeries) {
    return DecodeError("series", "invalid record type");
  }
  std::vector<model::Label> scratch;
  while (d.len() > 0 && d.ok()) {
    RefSeries s;
    s.ref = d.Be64();
    s.labels = DecodeLabels(d, scratch);
    if (d.ok()) out->push_back(std::move(s));
  }
  return Finish("series", d, 0, "");
}

util::Status DecodeSamples(std::string_view rec, std::vector<RefSample>* out) {
  Decbuf d(rec);
  auto type = static_cast<RecordType>(d.Byte());
  if (type != RecordType::kSamples && type != RecordType::kSamplesV2) {
    return DecodeError("samples", fmt::format("invalid record type {}, expected Samples(2) or "
                                              "SamplesV2(11)",
                                              static_cast<int>(type)));
  }
  size_t n = 0;
  if (d.len() == 0) return util::Status::Ok();
  if (type == RecordType::kSamples) {
    uint64_t base_ref = d.Be64();
    auto base_t = static_cast<int64_t>(d.Be64());
    while (d.len() > 0 && d.ok()) {
      int64_t dref = d.Varint64();
      int64_t dt = d.Varint64();
      double v = d.Be64Float();
      if (!d.ok()) break;
      // Go's int64 arithmetic wraps; so does ours, through unsigned.
      out->push_back(
          {base_ref + static_cast<uint64_t>(dref),
           static_cast<int64_t>(static_cast<uint64_t>(base_t) + static_cast<uint64_t>(dt)), v});
      ++n;
    }
    return Finish("samples", d, n, "samples");
  }
  uint64_t prev_ref = 0;
  int64_t first_t = 0;
  while (d.len() > 0 && d.ok()) {
    uint64_t ref = 0;
    int64_t t = 0;
    if (n == 0) {
      ref = static_cast<uint64_t>(d.Varint64());
      first_t = d.Varint64();
      t = first_t;
      d.Varint64();  // start time
    } else {
      ref = prev_ref + static_cast<uint64_t>(d.Varint64());
      t = static_cast<int64_t>(static_cast<uint64_t>(first_t) +
                               static_cast<uint64_t>(d.Varint64()));
      uint8_t marker = d.Byte();
      if (marker > 1) d.Varint64();  // explicit start time
    }
    double v = d.Be64Float();
    if (!d.ok()) break;
    out->push_back({ref, t, v});
    prev_ref = ref;
    ++n;
  }
  return Finish("samples", d, n, "samples");
}

util::Status DecodeTombstones(std::string_view rec, std::vector<RefTombstone>* out) {
  Decbuf d(rec);
  if (static_cast<RecordType>(d.Byte()) != RecordType::kTombstones) {
    return DecodeError("tombstones", "invalid record type");
  }
  while (d.len() > 0 && d.ok()) {
    RefTombstone s;
    s.ref = d.Be64();
    s.interval.mint = d.Varint64();
    s.interval.maxt = d.Varint64();
    if (d.ok()) out->push_back(s);
  }
  return Finish("tombstones", d, 0, "");
}

util::Status DecodeExemplars(std::string_view rec, std::vector<RefExemplar>* out) {
  Decbuf d(rec);
  if (static_cast<RecordType>(d.Byte()) != RecordType::kExemplars) {
    return DecodeError("exemplars", "invalid record type");
  }
  if (d.len() == 0) return util::Status::Ok();
  uint64_t base_ref = d.Be64();
  auto base_t = static_cast<int64_t>(d.Be64());
  std::vector<model::Label> scratch;
  size_t n = 0;
  while (d.len() > 0 && d.ok()) {
    RefExemplar e;
    e.ref = base_ref + static_cast<uint64_t>(d.Varint64());
    e.t = static_cast<int64_t>(static_cast<uint64_t>(base_t) + static_cast<uint64_t>(d.Varint64()));
    e.v = d.Be64Float();
    e.labels = DecodeLabels(d, scratch);
    if (!d.ok()) break;
    out->push_back(std::move(e));
    ++n;
  }
  return Finish("exemplars", d, n, "exemplars");
}

util::Status DecodeMetadata(std::string_view rec, std::vector<RefMetadata>* out) {
  Decbuf d(rec);
  if (static_cast<RecordType>(d.Byte()) != RecordType::kMetadata) {
    return DecodeError("metadata", "invalid record type");
  }
  while (d.len() > 0 && d.ok()) {
    RefMetadata m;
    m.ref = d.Uvarint64();
    m.type = d.Byte();
    uint64_t fields = d.Count(2);
    for (uint64_t i = 0; i < fields && d.ok(); ++i) {
      std::string_view name = d.UvarintBytes();
      std::string_view value = d.UvarintBytes();
      if (name == "UNIT") m.unit = value;
      if (name == "HELP") m.help = value;
    }
    if (d.ok()) out->push_back(std::move(m));
  }
  return Finish("metadata", d, 0, "");
}

util::Status DecodeHistogramSamples(std::string_view rec, std::vector<RefHistogramSample>* out) {
  Decbuf d(rec);
  auto type = static_cast<RecordType>(d.Byte());
  if (!IsHistogramRecord(type)) return DecodeError("histograms", "invalid record type");
  const bool is_float = type == RecordType::kFloatHistogramSamples ||
                        type == RecordType::kCustomBucketsFloatHistogramSamples ||
                        type == RecordType::kFloatHistogramSamplesV2;
  const bool v2 =
      type == RecordType::kHistogramSamplesV2 || type == RecordType::kFloatHistogramSamplesV2;
  if (d.len() == 0) return util::Status::Ok();
  size_t n = 0;
  if (!v2) {
    uint64_t base_ref = d.Be64();
    auto base_t = static_cast<int64_t>(d.Be64());
    while (d.len() > 0 && d.ok()) {
      RefHistogramSample h;
      h.is_float = is_float;
      h.ref = base_ref + static_cast<uint64_t>(d.Varint64());
      h.t =
          static_cast<int64_t>(static_cast<uint64_t>(base_t) + static_cast<uint64_t>(d.Varint64()));
      DecodeOne(d, &h);
      if (!d.ok()) break;
      out->push_back(h);
      ++n;
    }
  } else {
    // The first sample's ref, time and start time come before the loop; later ones are deltas.
    auto ref = static_cast<uint64_t>(d.Varint64());
    int64_t first_t = d.Varint64();
    d.Varint64();  // first start time
    while (d.len() > 0 && d.ok()) {
      RefHistogramSample h;
      h.is_float = is_float;
      if (n == 0) {
        h.ref = ref;
        h.t = first_t;
      } else {
        h.ref = ref + static_cast<uint64_t>(d.Varint64());
        h.t = static_cast<int64_t>(static_cast<uint64_t>(first_t) +
                                   static_cast<uint64_t>(d.Varint64()));
        if (d.Byte() > 1) d.Varint64();  // explicit start time
      }
      DecodeOne(d, &h);
      if (!d.ok()) break;
      out->push_back(h);
      ref = h.ref;
      ++n;
    }
  }
  return Finish("histograms", d, n, "histograms");
}

std::string EncodeSeries(const std::vector<RefSeries>& series) {
  std::string out(1, static_cast<char>(RecordType::kSeries));
  for (const RefSeries& s : series) {
    util::PutBigEndian64(out, s.ref);
    PutLabels(out, s.labels);
  }
  return out;
}

std::string EncodeSamples(const std::vector<RefSample>& samples) {
  std::string out(1, static_cast<char>(RecordType::kSamples));
  if (samples.empty()) return out;
  const RefSample& first = samples.front();
  util::PutBigEndian64(out, first.ref);
  util::PutBigEndian64(out, static_cast<uint64_t>(first.t));
  for (const RefSample& s : samples) {
    util::PutVarint(out, static_cast<int64_t>(s.ref - first.ref));
    util::PutVarint(
        out, static_cast<int64_t>(static_cast<uint64_t>(s.t) - static_cast<uint64_t>(first.t)));
    util::PutBigEndian64(out, std::bit_cast<uint64_t>(s.v));
  }
  return out;
}

std::string EncodeHistogramSamples(RecordType type, const std::vector<RefHistogramSample>& hs) {
  std::string out(1, static_cast<char>(type));
  if (hs.empty()) return out;
  const bool v2 =
      type == RecordType::kHistogramSamplesV2 || type == RecordType::kFloatHistogramSamplesV2;
  const RefHistogramSample& first = hs.front();
  if (!v2) {
    util::PutBigEndian64(out, first.ref);
    util::PutBigEndian64(out, static_cast<uint64_t>(first.t));
  } else {
    util::PutVarint(out, static_cast<int64_t>(first.ref));
    util::PutVarint(out, first.t);
    util::PutVarint(out, 0);  // no start time
  }
  uint64_t prev_ref = first.ref;
  for (size_t i = 0; i < hs.size(); ++i) {
    const RefHistogramSample& s = hs[i];
    if (!v2) {
      util::PutVarint(out, static_cast<int64_t>(s.ref - first.ref));
      util::PutVarint(
          out, static_cast<int64_t>(static_cast<uint64_t>(s.t) - static_cast<uint64_t>(first.t)));
    } else if (i > 0) {
      util::PutVarint(out, static_cast<int64_t>(s.ref - prev_ref));
      util::PutVarint(
          out, static_cast<int64_t>(static_cast<uint64_t>(s.t) - static_cast<uint64_t>(first.t)));
      out.push_back('\0');  // start-time marker: none
    }
    prev_ref = s.ref;
    if (s.is_float) {
      PutHistogram(out, s.fh);
    } else {
      PutHistogram(out, s.h);
    }
  }
  return out;
}

std::string EncodeTombstones(const std::vector<RefTombstone>& stones) {
  std::string out(1, static_cast<char>(RecordType::kTombstones));
  for (const RefTombstone& s : stones) {
    util::PutBigEndian64(out, s.ref);
    util::PutVarint(out, s.interval.mint);
    util::PutVarint(out, s.interval.maxt);
  }
  return out;
}

}  // namespace promkit::tsdb::wal

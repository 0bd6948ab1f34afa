#include "textparse/protobuf.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "model/validation.h"
#include "util/numbers.h"
#include "util/strings.h"

// The wire format is decoded by hand rather than with the generated classes: the decoder then
// reads the caller's buffer in place (names, help and label strings are views into it), reuses
// its scratch between metrics, and can say at which byte a message is malformed. Field numbers
// and types are those of lib/textparse/metrics.proto; the encoding rules are protobuf's
// (https://protobuf.dev/programming-guides/encoding/): a tag varint (field << 3 | wire type),
// then a varint (0), 8 bytes (1), a varint length and that many bytes (2) or 4 bytes (5).
// Repeated scalars may come packed (one length-delimited run) or one per tag; a field seen
// twice keeps the last scalar and merges sub-messages, which decoding into the same struct does.

namespace promkit::textparse {
namespace {

// Upstream's labels.FormatOpenMetricsFloat: Go's shortest %g, plus ".0" when the result has
// neither a '.' nor an exponent, so integral bounds read "1.0" and not "1".
void FormatOpenMetricsFloat(double v, std::string* out) {
  if (v == 0) {
    *out = "0.0";  // also -0
    return;
  }
  *out = util::FormatFloat(v, 'g', -1);
  if (std::isnan(v) || std::isinf(v)) return;
  if (out->find_first_of(".e") == std::string::npos) *out += ".0";
}

constexpr int kWireVarint = 0;
constexpr int kWireFixed64 = 1;
constexpr int kWireBytes = 2;
constexpr int kWireFixed32 = 5;

// The protobuf MetricType enum values.
enum ProtoType : int32_t {
  kCounter = 0,
  kGauge = 1,
  kSummary = 2,
  kUntyped = 3,
  kHistogram = 4,
  kGaugeHistogram = 5,
};

// A byte range [begin, end) of the input.
struct Range {
  size_t begin = 0;
  size_t end = 0;
};

struct TimestampMsg {
  bool present = false;
  int64_t seconds = 0;
  int32_t nanos = 0;
  // Milliseconds; 0 when absent (upstream treats a zero created timestamp as unknown).
  int64_t Millis() const {
    if (!present) return 0;
    // Wrapping arithmetic: hostile values must not be undefined behaviour.
    return static_cast<int64_t>(static_cast<uint64_t>(seconds) * 1000u +
                                static_cast<uint64_t>(static_cast<int64_t>(nanos / 1'000'000)));
  }
};

struct ExemplarMsg {
  bool present = false;
  std::vector<model::Label> labels;  // views into the input
  double value = 0;
  TimestampMsg timestamp;
  void Clear() {
    present = false;
    labels.clear();
    value = 0;
    timestamp = {};
  }
};

struct BucketMsg {
  uint64_t cumulative_count = 0;
  double cumulative_count_float = 0;
  double upper_bound = 0;
  ExemplarMsg exemplar;
};

struct HistogramMsg {
  uint64_t sample_count = 0;
  double sample_count_float = 0;
  double sample_sum = 0;
  std::vector<BucketMsg> buckets;
  size_t num_buckets = 0;  // buckets[0, num_buckets) are live; the rest is reused scratch
  TimestampMsg created;
  int32_t schema = 0;
  double zero_threshold = 0;
  uint64_t zero_count = 0;
  double zero_count_float = 0;
  std::vector<model::Span> negative_span, positive_span;
  std::vector<int64_t> negative_delta, positive_delta;
  std::vector<double> negative_count, positive_count;
  std::vector<ExemplarMsg> exemplars;
  size_t num_exemplars = 0;

  void Clear() {
    sample_count = 0;
    sample_count_float = 0;
    sample_sum = 0;
    num_buckets = 0;
    created = {};
    schema = 0;
    zero_threshold = 0;
    zero_count = 0;
    zero_count_float = 0;
    negative_span.clear();
    positive_span.clear();
    negative_delta.clear();
    positive_delta.clear();
    negative_count.clear();
    positive_count.clear();
    num_exemplars = 0;
  }
  // Upstream's isNativeHistogram.
  bool IsNative() const {
    return !positive_span.empty() || !negative_span.empty() || zero_threshold > 0 || zero_count > 0;
  }
  bool IsFloat() const { return sample_count_float > 0 || zero_count_float > 0; }
  double Count() const {
    return sample_count_float != 0 ? sample_count_float : static_cast<double>(sample_count);
  }
};

struct SummaryMsg {
  uint64_t sample_count = 0;
  double sample_sum = 0;
  struct Quantile {
    double quantile = 0;
    double value = 0;
  };
  std::vector<Quantile> quantiles;
  TimestampMsg created;
  void Clear() {
    sample_count = 0;
    sample_sum = 0;
    quantiles.clear();
    created = {};
  }
};

struct MetricMsg {
  std::vector<Range> labels;  // LabelPair messages, decoded when the series is emitted
  double gauge = 0;
  double untyped = 0;
  double counter = 0;
  ExemplarMsg counter_exemplar;
  TimestampMsg counter_created;
  SummaryMsg summary;
  HistogramMsg histogram;
  int64_t timestamp_ms = 0;
  void Clear() {
    labels.clear();
    gauge = untyped = counter = 0;
    counter_exemplar.Clear();
    counter_created = {};
    summary.Clear();
    histogram.Clear();
    timestamp_ms = 0;
  }
};

// Reads one (sub-)message of the input: [pos, end) in absolute input offsets, so every error
// can name the byte where it happened.
class WireReader {
 public:
  WireReader(std::string_view in, Range r, const char* message)
      : in_(in), pos_(r.begin), end_(r.end), message_(message) {}

  bool done() const { return pos_ >= end_; }
  size_t pos() const { return pos_; }
  const util::Status& status() const { return status_; }
  size_t error_offset() const { return error_offset_; }

  bool Fail(size_t at, std::string_view what) {
    if (status_.ok()) {
      status_ = util::Status::InvalidArgument(
          fmt::format("proto: {}: {} at byte {}", message_, what, at));
      error_offset_ = at;
    }
    return false;
  }

  bool Varint(uint64_t* v) {
    size_t start = pos_;
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= end_) return Fail(start, "unexpected EOF in varint");
      auto b = static_cast<uint8_t>(in_[pos_++]);
      if (shift == 63 && b > 1) return Fail(start, "varint overflows 64 bits");
      result |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (b < 0x80) {
        *v = result;
        return true;
      }
    }
    return Fail(start, "varint overflows 64 bits");
  }

  // Reads a tag; field 0 and the deprecated group wire types are errors.
  bool Tag(uint32_t* field, int* wire) {
    size_t start = pos_;
    uint64_t t = 0;
    if (!Varint(&t)) return false;
    *wire = static_cast<int>(t & 7);
    uint64_t f = t >> 3;
    if (f == 0 || f > 0x1fffffff) {
      return Fail(start, fmt::format("illegal tag {} (wire type {})", f, *wire));
    }
    if (*wire != kWireVarint && *wire != kWireFixed64 && *wire != kWireBytes &&
        *wire != kWireFixed32) {
      return Fail(start, fmt::format("illegal wireType {} for field {}", *wire, f));
    }
    *field = static_cast<uint32_t>(f);
    tag_start_ = start;
    return true;
  }

  bool Fixed64(uint64_t* v) {
    if (end_ - pos_ < 8) return Fail(pos_, "unexpected EOF in fixed64");
    uint64_t r = 0;
    for (int i = 7; i >= 0; --i) r = (r << 8) | static_cast<uint8_t>(in_[pos_ + i]);
    pos_ += 8;
    *v = r;
    return true;
  }

  bool Double(double* d) {
    uint64_t bits = 0;
    if (!Fixed64(&bits)) return false;
    std::memcpy(d, &bits, sizeof(bits));
    return true;
  }

  bool Bytes(Range* r) {
    size_t start = pos_;
    uint64_t len = 0;
    if (!Varint(&len)) return false;
    if (len > end_ - pos_) {
      return Fail(start, fmt::format("length {} exceeds the remaining {} bytes", len, end_ - pos_));
    }
    r->begin = pos_;
    r->end = pos_ + len;
    pos_ += len;
    return true;
  }

  bool String(std::string_view* s) {
    Range r;
    if (!Bytes(&r)) return false;
    *s = in_.substr(r.begin, r.end - r.begin);
    return true;
  }

  bool Skip(int wire) {
    uint64_t v = 0;
    Range r;
    switch (wire) {
      case kWireVarint:
        return Varint(&v);
      case kWireFixed64:
        return Fixed64(&v);
      case kWireBytes:
        return Bytes(&r);
      case kWireFixed32:
        if (end_ - pos_ < 4) return Fail(pos_, "unexpected EOF in fixed32");
        pos_ += 4;
        return true;
    }
    return Fail(tag_start_, fmt::format("illegal wireType {}", wire));
  }

  // Fails unless the field just read has wire type `want`.
  bool Expect(int wire, int want, const char* field) {
    if (wire == want) return true;
    return Fail(tag_start_, fmt::format("wrong wireType = {} for field {}", wire, field));
  }

  // A repeated varint field, packed or not; `conv` maps the raw varint to T.
  template <typename T, typename Conv>
  bool RepeatedVarint(int wire, const char* field, std::vector<T>* out, Conv conv) {
    uint64_t v = 0;
    if (wire == kWireVarint) {
      if (!Varint(&v)) return false;
      out->push_back(conv(v));
      return true;
    }
    if (!Expect(wire, kWireBytes, field)) return false;
    Range r;
    if (!Bytes(&r)) return false;
    WireReader packed(in_, r, message_);
    while (!packed.done()) {
      if (!packed.Varint(&v)) return Adopt(packed);
      out->push_back(conv(v));
    }
    return true;
  }

  bool RepeatedDouble(int wire, const char* field, std::vector<double>* out) {
    double d = 0;
    if (wire == kWireFixed64) {
      if (!Double(&d)) return false;
      out->push_back(d);
      return true;
    }
    if (!Expect(wire, kWireBytes, field)) return false;
    Range r;
    if (!Bytes(&r)) return false;
    if ((r.end - r.begin) % 8 != 0) {
      return Fail(r.begin, fmt::format("packed field {} is not a multiple of 8 bytes", field));
    }
    WireReader packed(in_, r, message_);
    while (!packed.done()) {
      if (!packed.Double(&d)) return Adopt(packed);
      out->push_back(d);
    }
    return true;
  }

  // Takes over the error of a nested reader.
  bool Adopt(const WireReader& inner) {
    if (status_.ok() && !inner.status_.ok()) {
      status_ = inner.status_;
      error_offset_ = inner.error_offset_;
    }
    return false;
  }

  std::string_view input() const { return in_; }

 private:
  std::string_view in_;
  size_t pos_;
  size_t end_;
  const char* message_;
  size_t tag_start_ = 0;
  util::Status status_;
  size_t error_offset_ = 0;
};

int64_t ZigZag64(uint64_t v) { return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1)); }
int32_t ZigZag32(uint64_t v) {
  auto u = static_cast<uint32_t>(v);
  return static_cast<int32_t>((u >> 1) ^ (~(u & 1) + 1));
}

// ---------------------------------------------------------------------------------------------
// Message decoders. Each reads the fields it knows into `out` (which the caller cleared) and
// skips the rest; a nested message gets its own reader whose errors the outer one adopts.

// Reads the fields of the message at `r` with a reader of its own: `field(rd, f, w)` decodes
// field number `f` of wire type `w` (or skips it) and returns false on an error, which the outer
// reader then adopts.
template <typename FieldFn>
bool DecodeFields(WireReader& outer, Range r, const char* message, FieldFn field) {
  WireReader rd(outer.input(), r, message);
  while (!rd.done()) {
    uint32_t f = 0;
    int w = 0;
    if (!rd.Tag(&f, &w) || !field(rd, f, w)) return outer.Adopt(rd);
  }
  return true;
}

bool DecodeTimestamp(WireReader& outer, Range r, TimestampMsg* out) {
  out->present = true;
  return DecodeFields(outer, r, "Timestamp", [out](WireReader& rd, uint32_t f, int w) {
    uint64_t v = 0;
    switch (f) {
      case 1:
        if (!rd.Expect(w, kWireVarint, "Seconds") || !rd.Varint(&v)) return false;
        out->seconds = static_cast<int64_t>(v);
        return true;
      case 2:
        if (!rd.Expect(w, kWireVarint, "Nanos") || !rd.Varint(&v)) return false;
        out->nanos = static_cast<int32_t>(v);
        return true;
      default:
        return rd.Skip(w);
    }
  });
}

bool DecodeLabelPair(WireReader& outer, Range r, model::Label* out) {
  return DecodeFields(outer, r, "LabelPair", [out](WireReader& rd, uint32_t f, int w) {
    switch (f) {
      case 1:
        return rd.Expect(w, kWireBytes, "Name") && rd.String(&out->name);
      case 2:
        return rd.Expect(w, kWireBytes, "Value") && rd.String(&out->value);
      default:
        return rd.Skip(w);
    }
  });
}

bool DecodeExemplar(WireReader& outer, Range r, ExemplarMsg* out) {
  out->present = true;
  return DecodeFields(outer, r, "Exemplar", [out](WireReader& rd, uint32_t f, int w) {
    Range sub;
    switch (f) {
      case 1: {
        model::Label l;
        if (!rd.Expect(w, kWireBytes, "Label") || !rd.Bytes(&sub) ||
            !DecodeLabelPair(rd, sub, &l)) {
          return false;
        }
        out->labels.push_back(l);
        return true;
      }
      case 2:
        return rd.Expect(w, kWireFixed64, "Value") && rd.Double(&out->value);
      case 3:
        return rd.Expect(w, kWireBytes, "Timestamp") && rd.Bytes(&sub) &&
               DecodeTimestamp(rd, sub, &out->timestamp);
      default:
        return rd.Skip(w);
    }
  });
}

// Reads a singular double field.
bool DoubleField(WireReader& rd, int w, const char* name, double* out) {
  return rd.Expect(w, kWireFixed64, name) && rd.Double(out);
}

bool DecodeSimpleValue(WireReader& outer, Range r, const char* message, double* value) {
  return DecodeFields(outer, r, message, [value](WireReader& rd, uint32_t f, int w) {
    return f == 1 ? DoubleField(rd, w, "Value", value) : rd.Skip(w);
  });
}

bool DecodeCounter(WireReader& outer, Range r, MetricMsg* m) {
  return DecodeFields(outer, r, "Counter", [m](WireReader& rd, uint32_t f, int w) {
    Range sub;
    switch (f) {
      case 1:
        return DoubleField(rd, w, "Value", &m->counter);
      case 2:
        return rd.Expect(w, kWireBytes, "Exemplar") && rd.Bytes(&sub) &&
               DecodeExemplar(rd, sub, &m->counter_exemplar);
      case 3:
        return rd.Expect(w, kWireBytes, "CreatedTimestamp") && rd.Bytes(&sub) &&
               DecodeTimestamp(rd, sub, &m->counter_created);
      default:
        return rd.Skip(w);
    }
  });
}

bool DecodeQuantile(WireReader& outer, Range r, SummaryMsg::Quantile* q) {
  return DecodeFields(outer, r, "Quantile", [q](WireReader& rd, uint32_t f, int w) {
    switch (f) {
      case 1:
        return DoubleField(rd, w, "Quantile", &q->quantile);
      case 2:
        return DoubleField(rd, w, "Value", &q->value);
      default:
        return rd.Skip(w);
    }
  });
}

bool DecodeSummary(WireReader& outer, Range r, SummaryMsg* s) {
  return DecodeFields(outer, r, "Summary", [s](WireReader& rd, uint32_t f, int w) {
    Range sub;
    switch (f) {
      case 1:
        return rd.Expect(w, kWireVarint, "SampleCount") && rd.Varint(&s->sample_count);
      case 2:
        return DoubleField(rd, w, "SampleSum", &s->sample_sum);
      case 3:
        s->quantiles.emplace_back();
        return rd.Expect(w, kWireBytes, "Quantile") && rd.Bytes(&sub) &&
               DecodeQuantile(rd, sub, &s->quantiles.back());
      case 4:
        return rd.Expect(w, kWireBytes, "CreatedTimestamp") && rd.Bytes(&sub) &&
               DecodeTimestamp(rd, sub, &s->created);
      default:
        return rd.Skip(w);
    }
  });
}

bool DecodeBucket(WireReader& outer, Range r, BucketMsg* b) {
  return DecodeFields(outer, r, "Bucket", [b](WireReader& rd, uint32_t f, int w) {
    Range sub;
    switch (f) {
      case 1:
        return rd.Expect(w, kWireVarint, "CumulativeCount") && rd.Varint(&b->cumulative_count);
      case 2:
        return DoubleField(rd, w, "UpperBound", &b->upper_bound);
      case 3:
        return rd.Expect(w, kWireBytes, "Exemplar") && rd.Bytes(&sub) &&
               DecodeExemplar(rd, sub, &b->exemplar);
      case 4:
        return DoubleField(rd, w, "CumulativeCountFloat", &b->cumulative_count_float);
      default:
        return rd.Skip(w);
    }
  });
}

bool DecodeSpan(WireReader& outer, Range r, model::Span* s) {
  return DecodeFields(outer, r, "BucketSpan", [s](WireReader& rd, uint32_t f, int w) {
    uint64_t v = 0;
    bool ok = true;
    switch (f) {
      case 1:
        ok = rd.Expect(w, kWireVarint, "Offset") && rd.Varint(&v);
        s->offset = ZigZag32(v);
        break;
      case 2:
        ok = rd.Expect(w, kWireVarint, "Length") && rd.Varint(&v);
        s->length = static_cast<uint32_t>(v);
        break;
      default:
        ok = rd.Skip(w);
    }
    return ok;
  });
}

bool DecodeHistogram(WireReader& outer, Range r, HistogramMsg* h) {
  auto zigzag64 = [](uint64_t v) { return ZigZag64(v); };
  return DecodeFields(outer, r, "Histogram", [h, zigzag64](WireReader& rd, uint32_t f, int w) {
    uint64_t v = 0;
    Range sub;
    bool ok = true;
    switch (f) {
      case 1:
        ok = rd.Expect(w, kWireVarint, "SampleCount") && rd.Varint(&h->sample_count);
        break;
      case 2:
        ok = DoubleField(rd, w, "SampleSum", &h->sample_sum);
        break;
      case 3: {
        if (h->num_buckets == h->buckets.size()) h->buckets.emplace_back();
        BucketMsg& b = h->buckets[h->num_buckets++];
        b.cumulative_count = 0;
        b.cumulative_count_float = 0;
        b.upper_bound = 0;
        b.exemplar.Clear();
        ok = rd.Expect(w, kWireBytes, "Bucket") && rd.Bytes(&sub) && DecodeBucket(rd, sub, &b);
        break;
      }
      case 4:
        ok = DoubleField(rd, w, "SampleCountFloat", &h->sample_count_float);
        break;
      case 5:
        ok = rd.Expect(w, kWireVarint, "Schema") && rd.Varint(&v);
        h->schema = ZigZag32(v);
        break;
      case 6:
        ok = DoubleField(rd, w, "ZeroThreshold", &h->zero_threshold);
        break;
      case 7:
        ok = rd.Expect(w, kWireVarint, "ZeroCount") && rd.Varint(&h->zero_count);
        break;
      case 8:
        ok = DoubleField(rd, w, "ZeroCountFloat", &h->zero_count_float);
        break;
      case 9:
      case 12: {
        auto& spans = f == 9 ? h->negative_span : h->positive_span;
        spans.emplace_back();
        ok = rd.Expect(w, kWireBytes, f == 9 ? "NegativeSpan" : "PositiveSpan") && rd.Bytes(&sub) &&
             DecodeSpan(rd, sub, &spans.back());
        break;
      }
      case 10:
        ok = rd.RepeatedVarint(w, "NegativeDelta", &h->negative_delta, zigzag64);
        break;
      case 13:
        ok = rd.RepeatedVarint(w, "PositiveDelta", &h->positive_delta, zigzag64);
        break;
      case 11:
        ok = rd.RepeatedDouble(w, "NegativeCount", &h->negative_count);
        break;
      case 14:
        ok = rd.RepeatedDouble(w, "PositiveCount", &h->positive_count);
        break;
      case 15:
        ok = rd.Expect(w, kWireBytes, "CreatedTimestamp") && rd.Bytes(&sub) &&
             DecodeTimestamp(rd, sub, &h->created);
        break;
      case 16: {
        if (h->num_exemplars == h->exemplars.size()) h->exemplars.emplace_back();
        ExemplarMsg& e = h->exemplars[h->num_exemplars++];
        e.Clear();
        ok = rd.Expect(w, kWireBytes, "Exemplars") && rd.Bytes(&sub) && DecodeExemplar(rd, sub, &e);
        break;
      }
      default:
        ok = rd.Skip(w);
    }
    return ok;
  });
}

bool DecodeMetric(WireReader& outer, Range r, MetricMsg* m) {
  return DecodeFields(outer, r, "Metric", [m](WireReader& rd, uint32_t f, int w) {
    uint64_t v = 0;
    Range sub;
    bool ok = true;
    switch (f) {
      case 1:
        ok = rd.Expect(w, kWireBytes, "Label") && rd.Bytes(&sub);
        m->labels.push_back(sub);
        break;
      case 2:
        ok = rd.Expect(w, kWireBytes, "Gauge") && rd.Bytes(&sub) &&
             DecodeSimpleValue(rd, sub, "Gauge", &m->gauge);
        break;
      case 3:
        ok = rd.Expect(w, kWireBytes, "Counter") && rd.Bytes(&sub) && DecodeCounter(rd, sub, m);
        break;
      case 4:
        ok = rd.Expect(w, kWireBytes, "Summary") && rd.Bytes(&sub) &&
             DecodeSummary(rd, sub, &m->summary);
        break;
      case 5:
        ok = rd.Expect(w, kWireBytes, "Untyped") && rd.Bytes(&sub) &&
             DecodeSimpleValue(rd, sub, "Untyped", &m->untyped);
        break;
      case 6:
        ok = rd.Expect(w, kWireVarint, "TimestampMs") && rd.Varint(&v);
        m->timestamp_ms = static_cast<int64_t>(v);
        break;
      case 7:
        ok = rd.Expect(w, kWireBytes, "Histogram") && rd.Bytes(&sub) &&
             DecodeHistogram(rd, sub, &m->histogram);
        break;
      default:
        ok = rd.Skip(w);
    }
    return ok;
  });
}

// "positive side: spans require 3 buckets, have 2" (upstream's checkProtoSpanBucketConsistency).
bool SpansMatch(const char* side, const std::vector<model::Span>& spans, size_t buckets,
                std::string* err) {
  uint64_t total = 0;
  for (const model::Span& s : spans) total += s.length;
  if (total == buckets) return true;
  *err = fmt::format("{} side: spans require {} buckets, have {}", side, total, buckets);
  return false;
}

// ---------------------------------------------------------------------------------------------

class ProtobufParser final : public Parser {
 public:
  ProtobufParser(std::string_view input, const ProtobufOptions& opts) : in_(input), opts_(opts) {}

  bool Next() override;
  Entry entry() const override { return entry_; }
  const util::Status& Err() const override { return err_; }
  size_t error_offset() const override { return err_offset_; }

  std::string_view FamilyName() const override { return name_; }
  std::string_view HelpText() const override { return help_; }
  MetricType Type() const override;
  std::string_view UnitText() const override { return unit_; }
  std::string_view CommentText() const override { return {}; }

  std::string_view SeriesBytes() const override { return series_bytes_; }
  double Value() const override { return value_; }
  std::optional<int64_t> Timestamp() const override {
    // proto3 producers cannot tell 0 from unset, so upstream reads 0 as "no timestamp".
    if (metric_.timestamp_ms == 0) return std::nullopt;
    return metric_.timestamp_ms;
  }
  model::Labels Labels() const override { return model::Labels::FromSorted(labels_); }
  bool NextExemplar(Exemplar* e) override;
  std::optional<int64_t> CreatedTimestamp() override;
  const model::Histogram* NativeHistogram() const override {
    return entry_ == Entry::kHistogram && !is_float_hist_ ? &hist_ : nullptr;
  }
  const model::FloatHistogram* NativeFloatHistogram() const override {
    return entry_ == Entry::kHistogram && is_float_hist_ ? &float_hist_ : nullptr;
  }

 private:
  // Where Next() resumes.
  enum class Phase : uint8_t { kFamily, kHelp, kUnit, kType, kItems, kDone };
  // What the metric being emitted expands to.
  enum class Shape : uint8_t { kSimple, kSummary, kClassic, kNative };

  bool Fail(size_t at, std::string msg) {
    err_ = util::Status::InvalidArgument(std::move(msg));
    err_offset_ = at;
    entry_ = Entry::kInvalid;
    phase_ = Phase::kDone;
    return false;
  }
  bool FailFrom(const WireReader& rd) {
    err_ = rd.status();
    err_offset_ = rd.error_offset();
    entry_ = Entry::kInvalid;
    phase_ = Phase::kDone;
    return false;
  }

  bool ReadFamily(bool* got);
  bool ReadMetric(size_t index);
  size_t ClassicItems() const;
  size_t ItemCount() const;
  bool Emit();
  bool EmitHistogram();
  bool IsHistogramType() const { return type_ == kHistogram || type_ == kGaugeHistogram; }
  const ExemplarMsg* NextNativeExemplar();
  static void Convert(const ExemplarMsg& in, Exemplar* out);

  std::string_view in_;
  ProtobufOptions opts_;
  size_t pos_ = 0;  // start of the next delimited MetricFamily

  Phase phase_ = Phase::kFamily;
  Entry entry_ = Entry::kInvalid;
  util::Status err_;
  size_t err_offset_ = 0;

  // Current family.
  size_t family_start_ = 0;
  std::string_view name_, help_, unit_;
  int32_t type_ = kCounter;
  std::vector<Range> metrics_;
  size_t metric_index_ = 0;  // index of the next metric to decode

  // Current metric and the item (series or histogram) of it being emitted.
  MetricMsg metric_;
  size_t metric_start_ = 0;
  Shape shape_ = Shape::kSimple;
  size_t item_ = 0;
  bool labels_parsed_ = false;
  std::vector<model::Label> metric_labels_;

  // Current entry.
  std::string series_name_;
  std::string magic_value_;
  std::vector<model::Label> labels_;
  std::string series_bytes_;
  double value_ = 0;
  size_t exemplar_bucket_ = 0;  // classic: the bucket of this series; native: scan cursor
  bool exemplar_returned_ = false;
  size_t native_exemplar_pos_ = 0;
  bool is_float_hist_ = false;
  model::Histogram hist_;
  model::FloatHistogram float_hist_;
};

MetricType ProtobufParser::Type() const {
  switch (type_) {
    case kCounter:
      return MetricType::kCounter;
    case kGauge:
      return MetricType::kGauge;
    case kHistogram:
      return MetricType::kHistogram;
    case kGaugeHistogram:
      return MetricType::kGaugeHistogram;
    case kSummary:
      return MetricType::kSummary;
    default:
      return MetricType::kUnknown;
  }
}

// Reads the next length-delimited MetricFamily; *got is false at the clean end of the input.
bool ProtobufParser::ReadFamily(bool* got) {
  *got = false;
  if (pos_ >= in_.size()) return true;
  family_start_ = pos_;
  // The length prefix: upstream accepts at most 5 varint bytes (a uint32's worth).
  uint64_t len = 0;
  size_t n = 0;
  bool complete = false;
  for (int shift = 0; n < 5 && pos_ + n < in_.size(); shift += 7) {
    auto b = static_cast<uint8_t>(in_[pos_ + n++]);
    len |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (b < 0x80) {
      complete = true;
      break;
    }
  }
  if (!complete) {
    return Fail(pos_, fmt::format("clientpb: invalid varint encountered at byte {}", pos_));
  }
  uint64_t total = n + len;
  if (total > in_.size() - pos_) {
    return Fail(pos_, fmt::format("clientpb: insufficient length of buffer, expected at least {} "
                                  "bytes, got {} bytes (message at byte {})",
                                  total, in_.size() - pos_, pos_));
  }
  Range body{pos_ + n, pos_ + total};
  pos_ += total;

  name_ = help_ = unit_ = {};
  type_ = kCounter;
  metrics_.clear();
  metric_index_ = 0;
  WireReader rd(in_, body, "MetricFamily");
  while (!rd.done()) {
    uint32_t f = 0;
    int w = 0;
    uint64_t v = 0;
    Range sub;
    if (!rd.Tag(&f, &w)) return FailFrom(rd);
    bool ok = true;
    switch (f) {
      case 1:
        ok = rd.Expect(w, kWireBytes, "Name") && rd.String(&name_);
        break;
      case 2:
        ok = rd.Expect(w, kWireBytes, "Help") && rd.String(&help_);
        break;
      case 3:
        ok = rd.Expect(w, kWireVarint, "Type") && rd.Varint(&v);
        type_ = static_cast<int32_t>(v);
        break;
      case 4:
        ok = rd.Expect(w, kWireBytes, "Metric") && rd.Bytes(&sub);
        metrics_.push_back(sub);
        break;
      case 5:
        ok = rd.Expect(w, kWireBytes, "Unit") && rd.String(&unit_);
        break;
      default:
        ok = rd.Skip(w);
    }
    if (!ok) return FailFrom(rd);
  }
  *got = true;
  return true;
}

bool ProtobufParser::ReadMetric(size_t index) {
  metric_.Clear();
  metric_start_ = metrics_[index].begin;
  WireReader rd(in_, {0, in_.size()}, "MetricFamily");
  if (!DecodeMetric(rd, metrics_[index], &metric_)) return FailFrom(rd);
  item_ = 0;
  labels_parsed_ = false;
  native_exemplar_pos_ = 0;
  if (type_ == kSummary) {
    shape_ = Shape::kSummary;
  } else if (IsHistogramType()) {
    shape_ = !opts_.ignore_native_histograms && metric_.histogram.IsNative() ? Shape::kNative
                                                                             : Shape::kClassic;
  } else {
    shape_ = Shape::kSimple;
  }
  return true;
}

// _count, _sum, the buckets up to and including the first +Inf one, and a synthetic +Inf
// bucket when there is none.
size_t ProtobufParser::ClassicItems() const {
  const HistogramMsg& h = metric_.histogram;
  for (size_t i = 0; i < h.num_buckets; ++i) {
    if (std::isinf(h.buckets[i].upper_bound) && h.buckets[i].upper_bound > 0) return 2 + i + 1;
  }
  return 2 + h.num_buckets + 1;
}

size_t ProtobufParser::ItemCount() const {
  switch (shape_) {
    case Shape::kSimple:
      return 1;
    case Shape::kSummary:
      return 2 + metric_.summary.quantiles.size();
    case Shape::kClassic:
      return ClassicItems();
    case Shape::kNative:
      return 1 + (opts_.parse_classic_histograms && metric_.histogram.num_buckets > 0
                      ? ClassicItems()
                      : 0);
  }
  return 1;
}

bool ProtobufParser::Next() {
  exemplar_returned_ = false;
  for (;;) {
    switch (phase_) {
      case Phase::kDone:
        entry_ = Entry::kInvalid;
        return false;
      case Phase::kFamily: {
        bool got;
        if (!ReadFamily(&got)) return false;
        if (!got) {
          phase_ = Phase::kDone;
          entry_ = Entry::kInvalid;
          return false;
        }
        if (metrics_.empty()) continue;  // families without metrics yield nothing
        if (!ReadMetric(0)) return false;
        metric_index_ = 1;
        // As upstream, the family is validated only once it has a metric.
        if (!model::IsValidMetricName(name_)) {
          return Fail(family_start_, fmt::format("invalid metric name: {}", name_));
        }
        if (!util::IsValidUtf8(help_)) {
          return Fail(family_start_,
                      fmt::format("invalid help for metric {}: {}", util::GoQuote(name_), help_));
        }
        if (type_ < kCounter || type_ > kGaugeHistogram) {
          return Fail(family_start_, fmt::format("unknown metric type for metric {}: {}",
                                                 util::GoQuote(name_), type_));
        }
        phase_ = Phase::kHelp;
        entry_ = Entry::kHelp;
        return true;
      }
      case Phase::kHelp:
        phase_ = unit_.empty() ? Phase::kType : Phase::kUnit;
        entry_ = phase_ == Phase::kUnit ? Entry::kUnit : Entry::kType;
        return true;
      case Phase::kUnit:
        phase_ = Phase::kType;
        entry_ = Entry::kType;
        return true;
      case Phase::kType:
        phase_ = Phase::kItems;
        return Emit();
      case Phase::kItems:
        if (++item_ < ItemCount()) return Emit();
        if (metric_index_ < metrics_.size()) {
          if (!ReadMetric(metric_index_++)) return false;
          return Emit();
        }
        phase_ = Phase::kFamily;
        continue;
    }
  }
}

// Emits item_ of the current metric as a kSeries or kHistogram entry.
bool ProtobufParser::Emit() {
  if (!labels_parsed_) {
    // Labels are checked when the metric's first entry is emitted, as upstream does.
    metric_labels_.clear();
    WireReader rd(in_, {0, in_.size()}, "Metric");
    for (const Range& r : metric_.labels) {
      model::Label l;
      if (!DecodeLabelPair(rd, r, &l)) return FailFrom(rd);
      if (!model::IsValidLabelName(l.name)) {
        return Fail(r.begin, fmt::format("invalid label name: {}", l.name));
      }
      if (!model::IsValidLabelValue(l.value)) {
        return Fail(r.begin, fmt::format("invalid label value: {}", l.value));
      }
      metric_labels_.push_back(l);
    }
    labels_parsed_ = true;
  }

  size_t item = item_;
  const HistogramMsg& h = metric_.histogram;
  std::string_view magic_name;
  bool has_magic = false;
  entry_ = Entry::kSeries;
  exemplar_bucket_ = std::numeric_limits<size_t>::max();
  series_name_.assign(name_);
  if (shape_ == Shape::kNative) {
    if (item == 0) {
      entry_ = Entry::kHistogram;
    } else {
      --item;  // the classic series that follow
    }
  }
  if (entry_ == Entry::kSeries) {
    switch (shape_) {
      case Shape::kSimple:
        value_ = type_ == kCounter ? metric_.counter
                 : type_ == kGauge ? metric_.gauge
                                   : metric_.untyped;
        break;
      case Shape::kSummary:
        if (item == 0) {
          series_name_ += "_count";
          value_ = static_cast<double>(metric_.summary.sample_count);
        } else if (item == 1) {
          series_name_ += "_sum";
          value_ = metric_.summary.sample_sum;
        } else {
          const SummaryMsg::Quantile& q = metric_.summary.quantiles[item - 2];
          magic_name = "quantile";
          has_magic = true;
          FormatOpenMetricsFloat(q.quantile, &magic_value_);
          value_ = q.value;
        }
        break;
      case Shape::kClassic:
      case Shape::kNative:
        if (item == 0) {
          series_name_ += "_count";
          value_ = h.Count();
        } else if (item == 1) {
          series_name_ += "_sum";
          value_ = h.sample_sum;
        } else {
          size_t b = item - 2;
          series_name_ += "_bucket";
          magic_name = model::kBucketLabel;
          has_magic = true;
          if (b < h.num_buckets) {
            FormatOpenMetricsFloat(h.buckets[b].upper_bound, &magic_value_);
            value_ = h.buckets[b].cumulative_count_float != 0
                         ? h.buckets[b].cumulative_count_float
                         : static_cast<double>(h.buckets[b].cumulative_count);
            exemplar_bucket_ = b;
          } else {
            magic_value_ = "+Inf";
            value_ = h.Count();
          }
        }
        break;
    }
  } else if (!EmitHistogram()) {
    return false;
  }

  labels_.clear();
  labels_.push_back({model::kMetricName, series_name_});
  labels_.insert(labels_.end(), metric_labels_.begin(), metric_labels_.end());
  if (has_magic) labels_.push_back({magic_name, magic_value_});
  std::stable_sort(labels_.begin(), labels_.end(),
                   [](const model::Label& a, const model::Label& b) { return a.name < b.name; });
  // The series key: the name, then 0xff name 0xff value per label, as upstream builds it.
  series_bytes_.clear();
  for (const model::Label& l : labels_) {
    if (l.name == model::kMetricName) {
      series_bytes_.append(l.value);
      continue;
    }
    series_bytes_.push_back('\xff');
    series_bytes_.append(l.name);
    series_bytes_.push_back('\xff');
    series_bytes_.append(l.value);
  }
  return true;
}

// Builds the native histogram value of the current metric.
bool ProtobufParser::EmitHistogram() {
  const HistogramMsg& h = metric_.histogram;
  value_ = 0;
  exemplar_bucket_ = 0;  // native exemplars fall back to scanning the classic buckets
  native_exemplar_pos_ = 0;
  is_float_hist_ = h.IsFloat();
  std::string err;
  if (!SpansMatch("positive", h.positive_span,
                  is_float_hist_ ? h.positive_count.size() : h.positive_delta.size(), &err) ||
      !SpansMatch("negative", h.negative_span,
                  is_float_hist_ ? h.negative_count.size() : h.negative_delta.size(), &err)) {
    return Fail(metric_start_, fmt::format("histogram {}: {}", util::GoQuote(name_), err));
  }
  auto hint = type_ == kGaugeHistogram ? model::CounterResetHint::kGauge
                                       : model::CounterResetHint::kUnknown;
  if (is_float_hist_) {
    model::FloatHistogram& f = float_hist_;
    f.counter_reset_hint = hint;
    f.schema = h.schema;
    f.zero_threshold = h.zero_threshold;
    f.zero_count = h.zero_count_float;
    f.count = h.sample_count_float;
    f.sum = h.sample_sum;
    f.positive_spans = h.positive_span;
    f.negative_spans = h.negative_span;
    f.positive_buckets = h.positive_count;
    f.negative_buckets = h.negative_count;
    f.custom_values.clear();
    f.Compact(0);
  } else {
    model::Histogram& i = hist_;
    i.counter_reset_hint = hint;
    i.schema = h.schema;
    i.zero_threshold = h.zero_threshold;
    i.zero_count = h.zero_count;
    i.count = h.sample_count;
    i.sum = h.sample_sum;
    i.positive_spans = h.positive_span;
    i.negative_spans = h.negative_span;
    i.positive_buckets = h.positive_delta;
    i.negative_buckets = h.negative_delta;
    i.custom_values.clear();
    i.Compact(0);
  }
  return true;
}

void ProtobufParser::Convert(const ExemplarMsg& in, Exemplar* out) {
  out->value = in.value;
  out->timestamp_ms.reset();
  if (in.timestamp.present) {
    out->timestamp_ms = static_cast<int64_t>(
        static_cast<uint64_t>(in.timestamp.seconds) * 1000u +
        static_cast<uint64_t>(static_cast<int64_t>(in.timestamp.nanos / 1'000'000)));
  }
  std::vector<model::Label> ls = in.labels;
  std::stable_sort(ls.begin(), ls.end(),
                   [](const model::Label& a, const model::Label& b) { return a.name < b.name; });
  out->labels = model::Labels::FromSorted(ls);
}

// Native histograms: the exemplars of the histogram's own list, or, when it has none, those of
// its classic buckets; in both cases only exemplars with a timestamp (upstream drops the others
// because native histogram exemplars are ordered and deduplicated by time).
const ExemplarMsg* ProtobufParser::NextNativeExemplar() {
  const HistogramMsg& h = metric_.histogram;
  if (h.num_exemplars > 0) {
    while (native_exemplar_pos_ < h.num_exemplars) {
      const ExemplarMsg& e = h.exemplars[native_exemplar_pos_++];
      if (e.timestamp.present) return &e;
    }
    return nullptr;
  }
  while (exemplar_bucket_ < h.num_buckets) {
    const ExemplarMsg& e = h.buckets[exemplar_bucket_++].exemplar;
    if (e.present && e.timestamp.present) return &e;
  }
  return nullptr;
}

bool ProtobufParser::NextExemplar(Exemplar* e) {
  const ExemplarMsg* found = nullptr;
  if (entry_ == Entry::kHistogram) {
    found = NextNativeExemplar();
  } else if (entry_ == Entry::kSeries && !exemplar_returned_) {
    // At most one exemplar per float series: a counter's, or a classic bucket's.
    if (type_ == kCounter) {
      found = &metric_.counter_exemplar;
    } else if (IsHistogramType() && exemplar_bucket_ < metric_.histogram.num_buckets) {
      found = &metric_.histogram.buckets[exemplar_bucket_].exemplar;
    }
    if (found != nullptr && !found->present) found = nullptr;
  }
  if (found == nullptr) return false;
  Convert(*found, e);
  exemplar_returned_ = true;
  return true;
}

std::optional<int64_t> ProtobufParser::CreatedTimestamp() {
  if (entry_ != Entry::kSeries && entry_ != Entry::kHistogram) return std::nullopt;
  int64_t ms = 0;
  switch (type_) {
    case kCounter:
      ms = metric_.counter_created.Millis();
      break;
    case kSummary:
      ms = metric_.summary.created.Millis();
      break;
    case kHistogram:
    case kGaugeHistogram:
      ms = metric_.histogram.created.Millis();
      break;
    default:
      break;
  }
  if (ms == 0) return std::nullopt;
  return ms;
}

}  // namespace

std::unique_ptr<Parser> NewProtobufParser(std::string_view input, const ProtobufOptions& opts) {
  return std::make_unique<ProtobufParser>(input, opts);
}

}  // namespace promkit::textparse

#include "tsdb/chunkenc/histogram_meta.h"

#include <bit>
#include <cmath>
#include <type_traits>

#include "tsdb/chunkenc/varbit.h"

namespace promkit::tsdb::chunkenc {
namespace {

constexpr uint64_t kStaleNaNBits = 0x7ff0000000000002ULL;

void PutZeroThreshold(BitWriter& w, double threshold) {
  if (threshold == 0) {
    w.WriteByte(0);
    return;
  }
  int exp = 0;
  const double frac = std::frexp(threshold, &exp);
  if (frac != 0.5 || exp < -242 || exp > 11) {
    w.WriteByte(255);
    w.WriteBits(std::bit_cast<uint64_t>(threshold), 64);
    return;
  }
  w.WriteByte(static_cast<uint8_t>(exp + 243));
}

bool ReadZeroThreshold(BitReader& r, double* out) {
  uint64_t b = 0;
  if (!r.ReadBits(8, &b)) return false;
  if (b == 0) {
    *out = 0;
  } else if (b == 255) {
    uint64_t bits = 0;
    if (!r.ReadBits(64, &bits)) return false;
    *out = std::bit_cast<double>(bits);
  } else {
    *out = std::ldexp(0.5, static_cast<int>(b) - 243);
  }
  return true;
}

// Whether 1000*f is a whole number without loss (upstream isWholeWhenMultiplied).
bool WholeWhenMultiplied(double f) {
  const double r = std::round(f * 1000);
  if (!(r >= 0) || r > 1.8e19) return false;
  const auto i = static_cast<uint64_t>(r);
  return f == static_cast<double>(i) / 1000;
}

void PutCustomBound(BitWriter& w, double f) {
  const double tf = f * 1000;
  if (!(tf >= 0) || tf > 33554430 || !WholeWhenMultiplied(f)) {
    w.WriteBit(false);
    w.WriteBits(std::bit_cast<uint64_t>(f), 64);
    return;
  }
  PutVarbitUint(w, static_cast<uint64_t>(std::round(tf)) + 1);
}

bool ReadCustomBound(BitReader& r, double* out) {
  uint64_t b = 0;
  if (!ReadVarbitUint(r, &b)) return false;
  if (b == 0) {
    uint64_t bits = 0;
    if (!r.ReadBits(64, &bits)) return false;
    *out = std::bit_cast<double>(bits);
  } else {
    *out = static_cast<double>(b - 1) / 1000;
  }
  return true;
}

void PutSpans(BitWriter& w, const std::vector<model::Span>& spans) {
  PutVarbitUint(w, spans.size());
  for (const model::Span& s : spans) {
    PutVarbitUint(w, s.length);
    PutVarbitInt(w, s.offset);
  }
}

// Each span needs at least two bits, so a count beyond the remaining bits is corrupt; checking
// it keeps a corrupt count from allocating gigabytes.
bool ReadSpans(BitReader& r, size_t bits_left, std::vector<model::Span>* out) {
  uint64_t n = 0;
  if (!ReadVarbitUint(r, &n) || n > bits_left / 2) return false;
  out->clear();
  out->reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t length = 0;
    int64_t offset = 0;
    if (!ReadVarbitUint(r, &length) || !ReadVarbitInt(r, &offset)) return false;
    out->push_back(model::Span{static_cast<int32_t>(offset), static_cast<uint32_t>(length)});
  }
  return true;
}

// Go's wrapping integer arithmetic (corrupt or absurd data must not be undefined behaviour).
template <typename T>
T Add(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
  } else {
    return a + b;
  }
}
template <typename T>
T Neg(T a) {
  if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(0 - static_cast<uint64_t>(a));
  } else {
    return -a;
  }
}

void AddBucket(std::vector<model::Span>& spans, int* last, int b) {
  int64_t offset = int64_t{b} - *last - 1;
  if (offset == 0 && !spans.empty()) {
    spans.back().length++;
  } else {
    if (spans.empty()) offset++;
    spans.push_back(model::Span{static_cast<int32_t>(offset), 1});
  }
  *last = b;
}

}  // namespace

CounterResetHeader HistogramChunkHeader(std::string_view data) {
  return static_cast<CounterResetHeader>(static_cast<uint8_t>(data[2]) & kCounterResetHeaderMask);
}

std::string_view CounterResetHeaderName(CounterResetHeader h) {
  switch (h) {
    case CounterResetHeader::kUnknown:
      return "unknown";
    case CounterResetHeader::kNotCounterReset:
      return "not counter reset";
    case CounterResetHeader::kCounterReset:
      return "counter reset";
    case CounterResetHeader::kGauge:
      return "gauge";
  }
  return "unknown";
}

model::CounterResetHint HintForSample(CounterResetHeader h, uint16_t n) {
  if (h == CounterResetHeader::kGauge) return model::CounterResetHint::kGauge;
  if (n > 1) return model::CounterResetHint::kNotCounterReset;
  return model::CounterResetHint::kUnknown;
}

CounterResetHeader HeaderForHint(model::CounterResetHint hint) {
  switch (hint) {
    case model::CounterResetHint::kCounterReset:
      return CounterResetHeader::kCounterReset;
    case model::CounterResetHint::kNotCounterReset:
      return CounterResetHeader::kNotCounterReset;
    case model::CounterResetHint::kGauge:
      return CounterResetHeader::kGauge;
    case model::CounterResetHint::kUnknown:
      break;
  }
  return CounterResetHeader::kUnknown;
}

bool IsStaleNaN(double v) { return std::bit_cast<uint64_t>(v) == kStaleNaNBits; }

void WriteHistogramLayout(BitWriter& w, int32_t schema, double zero_threshold,
                          const std::vector<model::Span>& positive,
                          const std::vector<model::Span>& negative,
                          const std::vector<double>& custom_values) {
  PutZeroThreshold(w, zero_threshold);
  PutVarbitInt(w, schema);
  PutSpans(w, positive);
  PutSpans(w, negative);
  if (model::IsCustomBucketsSchema(schema)) {
    PutVarbitUint(w, custom_values.size());
    for (double b : custom_values) PutCustomBound(w, b);
  }
}

bool ReadHistogramLayout(BitReader& r, HistogramLayout* out) {
  int64_t schema = 0;
  if (!ReadZeroThreshold(r, &out->zero_threshold) || !ReadVarbitInt(r, &schema)) return false;
  out->schema = static_cast<int32_t>(schema);
  if (!ReadSpans(r, r.bits_left(), &out->positive_spans) ||
      !ReadSpans(r, r.bits_left(), &out->negative_spans)) {
    return false;
  }
  out->custom_values.clear();
  if (model::IsCustomBucketsSchema(out->schema)) {
    uint64_t n = 0;
    if (!ReadVarbitUint(r, &n) || n > r.bits_left()) return false;
    out->custom_values.reserve(n);
    for (uint64_t i = 0; i < n; ++i) {
      double b = 0;
      if (!ReadCustomBound(r, &b)) return false;
      out->custom_values.push_back(b);
    }
  }
  return true;
}

size_t CountSpans(const std::vector<model::Span>& spans) {
  size_t n = 0;
  for (const model::Span& s : spans) n += s.length;
  return n;
}

bool CustomBoundsMatch(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

BucketIndexIterator::BucketIndexIterator(const std::vector<model::Span>& spans) : spans_(spans) {
  if (!spans_.empty()) idx_ += spans_[0].offset;
}

bool BucketIndexIterator::Next(int* idx) {
  if (span_ >= spans_.size()) return false;
  if (bucket_ < static_cast<int64_t>(spans_[span_].length) - 1) {
    ++bucket_;
    ++idx_;
    *idx = static_cast<int>(idx_);
    return true;
  }
  while (span_ + 1 < spans_.size()) {
    ++span_;
    idx_ += int64_t{spans_[span_].offset} + 1;
    bucket_ = 0;
    if (spans_[span_].length == 0) {
      --idx_;
      continue;
    }
    *idx = static_cast<int>(idx_);
    return true;
  }
  span_ = spans_.size();
  return false;
}

template <typename T>
bool ExpandSpansAndBuckets(const std::vector<model::Span>& a, const std::vector<model::Span>& b,
                           const std::vector<T>& a_abs, const std::vector<T>& b_abs,
                           std::vector<Insert>* forward, std::vector<Insert>* backward) {
  forward->clear();
  backward->clear();
  BucketIndexIterator ai(a), bi(b);
  Insert a_inter, b_inter;
  int a_idx = 0, b_idx = 0;
  bool a_ok = ai.Next(&a_idx), b_ok = bi.Next(&b_idx);
  size_t a_pos = 0, b_pos = 0;
  auto a_count = [&]() { return a_pos < a_abs.size() ? a_abs[a_pos] : T{}; };
  auto b_count = [&]() { return b_pos < b_abs.size() ? b_abs[b_pos] : T{}; };
  auto add_insert = [](std::vector<Insert>* inserts, Insert* in, int other_idx) {
    if (in->num == 0) {
      in->bucket_idx = other_idx;
    } else if (in->bucket_idx + in->num != other_idx) {
      inserts->push_back(*in);
      in->num = 0;
      in->bucket_idx = other_idx;
    }
    in->num++;
  };
  auto advance_a = [&]() {
    if (a_inter.num > 0) {
      forward->push_back(a_inter);
      a_inter.num = 0;
    }
    a_ok = ai.Next(&a_idx);
    a_inter.pos++;
    a_pos++;
  };
  auto advance_b = [&]() {
    if (b_inter.num > 0) {
      backward->push_back(b_inter);
      b_inter.num = 0;
    }
    b_ok = bi.Next(&b_idx);
    b_inter.pos++;
    b_pos++;
  };
  while (true) {
    if (a_ok && b_ok) {
      if (a_idx == b_idx) {
        if (a_count() > b_count()) return false;
        advance_a();
        advance_b();
      } else if (a_idx < b_idx) {
        if (a_count() != T{}) return false;
        add_insert(backward, &b_inter, a_idx);
        advance_a();
      } else {
        add_insert(forward, &a_inter, b_idx);
        advance_b();
      }
    } else if (a_ok) {
      if (a_count() != T{}) return false;
      add_insert(backward, &b_inter, a_idx);
      advance_a();
    } else if (b_ok) {
      add_insert(forward, &a_inter, b_idx);
      advance_b();
    } else {
      if (a_inter.num > 0) forward->push_back(a_inter);
      if (b_inter.num > 0) backward->push_back(b_inter);
      return true;
    }
  }
}

template bool ExpandSpansAndBuckets<int64_t>(const std::vector<model::Span>&,
                                             const std::vector<model::Span>&,
                                             const std::vector<int64_t>&,
                                             const std::vector<int64_t>&, std::vector<Insert>*,
                                             std::vector<Insert>*);
template bool ExpandSpansAndBuckets<double>(const std::vector<model::Span>&,
                                            const std::vector<model::Span>&,
                                            const std::vector<double>&, const std::vector<double>&,
                                            std::vector<Insert>*, std::vector<Insert>*);

void ExpandSpansBothWays(const std::vector<model::Span>& a, const std::vector<model::Span>& b,
                         std::vector<Insert>* forward, std::vector<Insert>* backward,
                         std::vector<model::Span>* merged) {
  forward->clear();
  backward->clear();
  merged->clear();
  BucketIndexIterator ai(a), bi(b);
  int last = 0;
  Insert f_inter, b_inter;
  int av = 0, bv = 0;
  bool a_ok = ai.Next(&av), b_ok = bi.Next(&bv);
  while (true) {
    if (a_ok && b_ok) {
      if (av == bv) {
        if (f_inter.num > 0) {
          forward->push_back(f_inter);
          f_inter.num = 0;
        }
        if (b_inter.num > 0) {
          backward->push_back(b_inter);
          b_inter.num = 0;
        }
        AddBucket(*merged, &last, av);
        a_ok = ai.Next(&av);
        b_ok = bi.Next(&bv);
        f_inter.pos++;
        b_inter.pos++;
      } else if (av < bv) {
        b_inter.num++;
        if (f_inter.num > 0) {
          forward->push_back(f_inter);
          f_inter.num = 0;
        }
        AddBucket(*merged, &last, av);
        f_inter.pos++;
        a_ok = ai.Next(&av);
      } else {
        f_inter.num++;
        if (b_inter.num > 0) {
          backward->push_back(b_inter);
          b_inter.num = 0;
        }
        AddBucket(*merged, &last, bv);
        b_inter.pos++;
        b_ok = bi.Next(&bv);
      }
    } else if (a_ok) {
      b_inter.num++;
      AddBucket(*merged, &last, av);
      a_ok = ai.Next(&av);
    } else if (b_ok) {
      f_inter.num++;
      AddBucket(*merged, &last, bv);
      b_ok = bi.Next(&bv);
    } else {
      if (f_inter.num > 0) forward->push_back(f_inter);
      if (b_inter.num > 0) backward->push_back(b_inter);
      return;
    }
  }
}

std::vector<model::Span> AdjustForInserts(const std::vector<model::Span>& spans,
                                          const std::vector<Insert>& inserts) {
  if (inserts.empty()) return spans;
  std::vector<model::Span> merged;
  BucketIndexIterator it(spans);
  int last = 0;
  size_t i = 0;
  int insert_idx = inserts[0].bucket_idx;
  int insert_num = inserts[0].num;
  auto consume = [&]() {
    if (--insert_num == 0) {
      if (++i < inserts.size()) {
        insert_idx = inserts[i].bucket_idx;
        insert_num = inserts[i].num;
      }
    } else {
      insert_idx++;
    }
  };
  int bucket = 0;
  bool ok = it.Next(&bucket);
  while (ok) {
    if (i < inserts.size() && insert_idx < bucket) {
      AddBucket(merged, &last, insert_idx);
      consume();
    } else {
      AddBucket(merged, &last, bucket);
      ok = it.Next(&bucket);
    }
  }
  while (i < inserts.size()) {
    AddBucket(merged, &last, insert_idx);
    consume();
  }
  return merged;
}

template <typename T>
std::vector<T> InsertBuckets(const std::vector<T>& in, size_t out_size,
                             const std::vector<Insert>& inserts, bool deltas) {
  std::vector<T> out(out_size);
  size_t oi = 0;
  T v{};
  size_t ii = 0;
  auto put = [&](T x) {
    if (oi < out.size()) out[oi] = x;
    ++oi;
  };
  for (size_t i = 0; i < in.size(); ++i) {
    const T d = in[i];
    if (ii >= inserts.size() || static_cast<int>(i) != inserts[ii].pos) {
      put(d);
      v = Add(v, d);
      continue;
    }
    bool first = true;
    while (ii < inserts.size() && static_cast<int>(i) == inserts[ii].pos) {
      if (deltas && first) {
        put(Neg(v));
        first = false;
      } else {
        put(T{});
      }
      for (int x = 1; x < inserts[ii].num; ++x) put(T{});
      ++ii;
    }
    put(deltas ? Add(d, v) : d);
    v = Add(v, d);
  }
  while (ii < inserts.size()) {
    put(deltas ? Neg(v) : T{});
    for (int x = 1; x < inserts[ii].num; ++x) put(T{});
    ++ii;
    v = T{};
  }
  return out;
}

template std::vector<int64_t> InsertBuckets<int64_t>(const std::vector<int64_t>&, size_t,
                                                     const std::vector<Insert>&, bool);
template std::vector<double> InsertBuckets<double>(const std::vector<double>&, size_t,
                                                   const std::vector<Insert>&, bool);

std::vector<int64_t> AbsoluteBuckets(const std::vector<int64_t>& deltas) {
  std::vector<int64_t> out(deltas.size());
  uint64_t cur = 0;
  for (size_t i = 0; i < deltas.size(); ++i) {
    cur += static_cast<uint64_t>(deltas[i]);
    out[i] = static_cast<int64_t>(cur);
  }
  return out;
}

}  // namespace promkit::tsdb::chunkenc

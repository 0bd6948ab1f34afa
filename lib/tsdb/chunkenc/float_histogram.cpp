#include <bit>

#include <fmt/core.h>

#include "tsdb/chunkenc/histogram.h"
#include "tsdb/chunkenc/reduce_resolution.h"
#include "tsdb/chunkenc/varbit.h"
#include "util/varint.h"

namespace promkit::tsdb::chunkenc {
namespace {

int64_t WrapAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
int64_t WrapSub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}

std::string_view Body(std::string_view data) {
  return data.size() >= kHistogramHeaderSize ? data.substr(kHistogramHeaderSize) : "";
}

}  // namespace

FloatHistogramIterator::FloatHistogramIterator(std::string_view data, bool raw)
    : raw_(raw), r_(Body(data)) {
  if (data.size() < kHistogramHeaderSize) {
    err_ = util::Status::Corruption(
        fmt::format("float histogram chunk of {} bytes has no header", data.size()));
    return;
  }
  total_ = util::BigEndian16(data.data());
  header_ = HistogramChunkHeader(data);
}

storage::ValueType FloatHistogramIterator::Fail(std::string_view what) {
  err_ = util::Status::Corruption(
      fmt::format("float histogram chunk: {} at bit {} (sample {} of {})", what,
                  r_.bit_pos() + 8 * kHistogramHeaderSize, read_, total_));
  return storage::ValueType::kNone;
}

bool FloatHistogramIterator::ReadXor(XorValue* v) {
  bool bad_window = false;
  if (XorRead(r_, &v->value, &v->leading, &v->trailing, &bad_window)) return true;
  Fail(bad_window ? "impossible XOR window" : "unexpected end of data");
  return false;
}

storage::ValueType FloatHistogramIterator::Next() {
  if (!err_.ok() || read_ == total_) return storage::ValueType::kNone;
  if (read_ == 0) {
    if (!ReadHistogramLayout(r_, &layout_)) return Fail("unexpected end of data in the layout");
    if (util::Status st = CheckChunkSchema(layout_.schema, raw_); !st.ok()) {
      err_ = st;
      return storage::ValueType::kNone;
    }
    if (!SpansReducible(layout_)) return Fail("negative span offset");
    const size_t np = CountSpans(layout_.positive_spans);
    const size_t nn = CountSpans(layout_.negative_spans);
    // Each bucket of the first sample takes 64 bits.
    if (np > r_.bits_left() / 64 || nn > r_.bits_left() / 64) {
      return Fail("more buckets than data");
    }
    p_buckets_.assign(np, XorValue{});
    n_buckets_.assign(nn, XorValue{});
    uint64_t bits[3];
    if (!ReadVarbitInt(r_, &t_) || !r_.ReadBits(64, &bits[0]) || !r_.ReadBits(64, &bits[1]) ||
        !r_.ReadBits(64, &bits[2])) {
      return Fail("unexpected end of data");
    }
    cnt_.value = std::bit_cast<double>(bits[0]);
    zcnt_.value = std::bit_cast<double>(bits[1]);
    sum_.value = std::bit_cast<double>(bits[2]);
    for (std::vector<XorValue>* list : {&p_buckets_, &n_buckets_}) {
      for (XorValue& b : *list) {
        uint64_t v = 0;
        if (!r_.ReadBits(64, &v)) return Fail("unexpected end of data");
        b.value = std::bit_cast<double>(v);
      }
    }
    ++read_;
    return storage::ValueType::kFloatHistogram;
  }
  int64_t dod = 0;
  if (!ReadVarbitInt(r_, &dod)) return Fail("unexpected end of data");
  t_delta_ = WrapAdd(t_delta_, dod);
  t_ = WrapAdd(t_, t_delta_);
  if (!ReadXor(&cnt_) || !ReadXor(&zcnt_) || !ReadXor(&sum_)) return storage::ValueType::kNone;
  if (IsStaleNaN(sum_.value)) {
    ++read_;
    return storage::ValueType::kFloatHistogram;
  }
  for (XorValue& b : p_buckets_) {
    if (!ReadXor(&b)) return storage::ValueType::kNone;
  }
  for (XorValue& b : n_buckets_) {
    if (!ReadXor(&b)) return storage::ValueType::kNone;
  }
  ++read_;
  return storage::ValueType::kFloatHistogram;
}

storage::ValueType FloatHistogramIterator::Seek(int64_t t) {
  if (!err_.ok()) return storage::ValueType::kNone;
  while (read_ == 0 || t > t_) {
    if (Next() == storage::ValueType::kNone) return storage::ValueType::kNone;
  }
  return storage::ValueType::kFloatHistogram;
}

void FloatHistogramIterator::AtFloatHistogram(model::FloatHistogram* out) const {
  if (IsStaleNaN(sum_.value)) {
    *out = model::FloatHistogram{};
    out->sum = sum_.value;
    return;
  }
  out->counter_reset_hint = HintForSample(header_, read_);
  out->schema = layout_.schema;
  out->zero_threshold = layout_.zero_threshold;
  out->zero_count = zcnt_.value;
  out->count = cnt_.value;
  out->sum = sum_.value;
  out->positive_spans = layout_.positive_spans;
  out->negative_spans = layout_.negative_spans;
  out->positive_buckets.resize(p_buckets_.size());
  for (size_t i = 0; i < p_buckets_.size(); ++i) out->positive_buckets[i] = p_buckets_[i].value;
  out->negative_buckets.resize(n_buckets_.size());
  for (size_t i = 0; i < n_buckets_.size(); ++i) out->negative_buckets[i] = n_buckets_[i].value;
  out->custom_values = layout_.custom_values;
  if (!raw_ && out->schema > model::kExponentialSchemaMax && !out->UsesCustomBuckets()) {
    (void)ReduceResolution(out, model::kExponentialSchemaMax);
  }
}

FloatHistogramAppender::FloatHistogramAppender() { w_.bytes().assign(kHistogramHeaderSize, '\0'); }

uint16_t FloatHistogramAppender::num_samples() const {
  return util::BigEndian16(w_.bytes().data());
}

CounterResetHeader FloatHistogramAppender::header() const {
  return HistogramChunkHeader(w_.bytes());
}

void FloatHistogramAppender::SetHeader(CounterResetHeader h) {
  char& flags = w_.bytes()[2];
  flags = static_cast<char>((static_cast<uint8_t>(flags) & ~kCounterResetHeaderMask) |
                            static_cast<uint8_t>(h));
}

void FloatHistogramAppender::SetNumSamples(uint16_t n) {
  w_.bytes()[0] = static_cast<char>(n >> 8);
  w_.bytes()[1] = static_cast<char>(n);
}

namespace {
std::vector<double> Values(const auto& xs) {
  std::vector<double> out;
  out.reserve(xs.size());
  for (const auto& x : xs) out.push_back(x.value);
  return out;
}
}  // namespace

FloatHistogramAppender::Appendability FloatHistogramAppender::Appendable(
    const model::FloatHistogram& h) const {
  Appendability a;
  if (num_samples() > 0 && header() == CounterResetHeader::kGauge) return a;
  if (h.counter_reset_hint == model::CounterResetHint::kCounterReset) {
    a.counter_reset = true;
    return a;
  }
  if (IsStaleNaN(h.sum)) {
    a.ok = true;
    return a;
  }
  if (IsStaleNaN(sum_.value)) return a;
  if (h.count < cnt_.value) {
    a.counter_reset = true;
    return a;
  }
  if (h.schema != schema_ || h.zero_threshold != zero_threshold_) return a;
  if (model::IsCustomBucketsSchema(h.schema) &&
      !CustomBoundsMatch(h.custom_values, custom_values_)) {
    a.counter_reset = true;
    return a;
  }
  if (h.zero_count < zcnt_.value) {
    a.counter_reset = true;
    return a;
  }
  if (!ExpandSpansAndBuckets(p_spans_, h.positive_spans, Values(p_buckets_), h.positive_buckets,
                             &a.p_forward, &a.p_backward) ||
      !ExpandSpansAndBuckets(n_spans_, h.negative_spans, Values(n_buckets_), h.negative_buckets,
                             &a.n_forward, &a.n_backward)) {
    a.p_forward.clear();
    a.p_backward.clear();
    a.n_forward.clear();
    a.n_backward.clear();
    a.counter_reset = true;
    return a;
  }
  a.ok = true;
  return a;
}

void FloatHistogramAppender::WriteXor(XorValue* old, double v) {
  XorWrite(w_, v, old->value, &old->leading, &old->trailing);
  old->value = v;
}

void FloatHistogramAppender::AppendSample(int64_t t, const model::FloatHistogram& in) {
  const uint16_t num = num_samples();
  model::FloatHistogram stale;
  const model::FloatHistogram* h = &in;
  if (IsStaleNaN(in.sum)) {
    stale.sum = in.sum;
    h = &stale;
  }
  int64_t t_delta = 0;
  if (num == 0) {
    WriteHistogramLayout(w_, h->schema, h->zero_threshold, h->positive_spans, h->negative_spans,
                         h->custom_values);
    schema_ = h->schema;
    zero_threshold_ = h->zero_threshold;
    p_spans_ = h->positive_spans;
    n_spans_ = h->negative_spans;
    custom_values_ = h->custom_values;
    p_buckets_.assign(CountSpans(h->positive_spans), XorValue{});
    n_buckets_.assign(CountSpans(h->negative_spans), XorValue{});
    for (size_t i = 0; i < p_buckets_.size() && i < h->positive_buckets.size(); ++i) {
      p_buckets_[i].value = h->positive_buckets[i];
    }
    for (size_t i = 0; i < n_buckets_.size() && i < h->negative_buckets.size(); ++i) {
      n_buckets_[i].value = h->negative_buckets[i];
    }
    PutVarbitInt(w_, t);
    w_.WriteBits(std::bit_cast<uint64_t>(h->count), 64);
    w_.WriteBits(std::bit_cast<uint64_t>(h->zero_count), 64);
    w_.WriteBits(std::bit_cast<uint64_t>(h->sum), 64);
    cnt_.value = h->count;
    zcnt_.value = h->zero_count;
    sum_.value = h->sum;
    for (double b : h->positive_buckets) w_.WriteBits(std::bit_cast<uint64_t>(b), 64);
    for (double b : h->negative_buckets) w_.WriteBits(std::bit_cast<uint64_t>(b), 64);
  } else {
    t_delta = WrapSub(t, t_);
    PutVarbitInt(w_, WrapSub(t_delta, t_delta_));
    WriteXor(&cnt_, h->count);
    WriteXor(&zcnt_, h->zero_count);
    WriteXor(&sum_, h->sum);
    PROMKIT_CHECK(h->positive_buckets.size() <= p_buckets_.size() &&
                  h->negative_buckets.size() <= n_buckets_.size())
        << "BUG: float histogram appended with more buckets than its chunk's layout";
    for (size_t i = 0; i < h->positive_buckets.size(); ++i) {
      WriteXor(&p_buckets_[i], h->positive_buckets[i]);
    }
    for (size_t i = 0; i < h->negative_buckets.size(); ++i) {
      WriteXor(&n_buckets_[i], h->negative_buckets[i]);
    }
  }
  t_ = t;
  t_delta_ = t_delta;
  SetNumSamples(static_cast<uint16_t>(num + 1));
}

std::unique_ptr<FloatHistogramAppender> FloatHistogramAppender::Recode(
    const std::vector<Insert>& p_inserts, const std::vector<Insert>& n_inserts,
    const std::vector<model::Span>& p_spans, const std::vector<model::Span>& n_spans) const {
  auto out = std::make_unique<FloatHistogramAppender>();
  FloatHistogramIterator it(bytes(), /*raw=*/true);
  const size_t np = CountSpans(p_spans), nn = CountSpans(n_spans);
  model::FloatHistogram h;
  while (it.Next() == storage::ValueType::kFloatHistogram) {
    it.AtFloatHistogram(&h);
    h.positive_spans = p_spans;
    h.negative_spans = n_spans;
    if (!p_inserts.empty()) {
      h.positive_buckets = InsertBuckets(h.positive_buckets, np, p_inserts, false);
    }
    if (!n_inserts.empty()) {
      h.negative_buckets = InsertBuckets(h.negative_buckets, nn, n_inserts, false);
    }
    out->AppendSample(it.AtT(), h);
  }
  PROMKIT_CHECK(it.Err().ok()) << "BUG: cannot re-read a float histogram chunk being appended to: "
                               << it.Err().ToString();
  out->SetHeader(header());
  return out;
}

std::unique_ptr<FloatHistogramAppender> FloatHistogramAppender::Append(
    const FloatHistogramAppender* prev, int64_t t, model::FloatHistogram h, bool* recoded) {
  *recoded = false;
  const uint16_t n = num_samples();
  PROMKIT_CHECK(n < 0xffff) << "BUG: float histogram chunk capacity exceeded";
  if (n == 0) {
    AppendSample(t, h);
    if (h.counter_reset_hint == model::CounterResetHint::kGauge) {
      SetHeader(CounterResetHeader::kGauge);
    } else if (h.counter_reset_hint == model::CounterResetHint::kCounterReset) {
      SetHeader(CounterResetHeader::kCounterReset);
    } else if (prev != nullptr) {
      SetHeader(prev->Appendable(h).counter_reset ? CounterResetHeader::kCounterReset
                                                  : CounterResetHeader::kNotCounterReset);
    }
    return nullptr;
  }
  if (h.counter_reset_hint != model::CounterResetHint::kGauge) {
    Appendability a = Appendable(h);
    if (!a.ok || a.counter_reset) {
      auto next = std::make_unique<FloatHistogramAppender>();
      if (a.counter_reset) next->SetHeader(CounterResetHeader::kCounterReset);
      next->AppendSample(t, h);
      return next;
    }
    if (!a.p_backward.empty() || !a.n_backward.empty()) {
      if (a.p_forward.empty() && a.n_forward.empty()) {
        h.positive_spans = p_spans_;
        h.negative_spans = n_spans_;
      } else {
        h.positive_spans = AdjustForInserts(h.positive_spans, a.p_backward);
        h.negative_spans = AdjustForInserts(h.negative_spans, a.n_backward);
      }
      if (!a.p_backward.empty()) {
        h.positive_buckets =
            InsertBuckets(h.positive_buckets, CountSpans(h.positive_spans), a.p_backward, false);
      }
      if (!a.n_backward.empty()) {
        h.negative_buckets =
            InsertBuckets(h.negative_buckets, CountSpans(h.negative_spans), a.n_backward, false);
      }
    }
    if (!a.p_forward.empty() || !a.n_forward.empty()) {
      auto next = Recode(a.p_forward, a.n_forward, h.positive_spans, h.negative_spans);
      next->AppendSample(t, h);
      *recoded = true;
      return next;
    }
    AppendSample(t, h);
    return nullptr;
  }
  bool ok = header() == CounterResetHeader::kGauge;
  std::vector<Insert> p_forward, n_forward, p_backward, n_backward;
  std::vector<model::Span> p_merged, n_merged;
  if (ok && !IsStaleNaN(h.sum)) {
    if (IsStaleNaN(sum_.value) || h.schema != schema_ || h.zero_threshold != zero_threshold_ ||
        (model::IsCustomBucketsSchema(h.schema) &&
         !CustomBoundsMatch(h.custom_values, custom_values_))) {
      ok = false;
    } else {
      ExpandSpansBothWays(p_spans_, h.positive_spans, &p_forward, &p_backward, &p_merged);
      ExpandSpansBothWays(n_spans_, h.negative_spans, &n_forward, &n_backward, &n_merged);
    }
  }
  if (!ok) {
    auto next = std::make_unique<FloatHistogramAppender>();
    next->SetHeader(CounterResetHeader::kGauge);
    next->AppendSample(t, h);
    return next;
  }
  if (!p_backward.empty() || !n_backward.empty()) {
    h.positive_spans = p_merged;
    h.negative_spans = n_merged;
    if (!p_backward.empty()) {
      h.positive_buckets =
          InsertBuckets(h.positive_buckets, CountSpans(h.positive_spans), p_backward, false);
    }
    if (!n_backward.empty()) {
      h.negative_buckets =
          InsertBuckets(h.negative_buckets, CountSpans(h.negative_spans), n_backward, false);
    }
  }
  if (!p_forward.empty() || !n_forward.empty()) {
    auto next = Recode(p_forward, n_forward, h.positive_spans, h.negative_spans);
    next->AppendSample(t, h);
    *recoded = true;
    return next;
  }
  AppendSample(t, h);
  return nullptr;
}

}  // namespace promkit::tsdb::chunkenc

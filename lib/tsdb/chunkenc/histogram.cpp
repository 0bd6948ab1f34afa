#include "tsdb/chunkenc/histogram.h"

#include <bit>

#include <fmt/core.h>

#include "tsdb/chunkenc/reduce_resolution.h"
#include "tsdb/chunkenc/varbit.h"
#include "util/varint.h"

namespace promkit::tsdb::chunkenc {
namespace {

// Go's wrapping int64 arithmetic: corrupt chunks must not be undefined behaviour.
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

bool SpansReducible(const HistogramLayout& l) {
  if (l.schema <= model::kExponentialSchemaMax || model::IsCustomBucketsSchema(l.schema)) {
    return true;
  }
  for (const auto* spans : {&l.positive_spans, &l.negative_spans}) {
    for (size_t i = 1; i < spans->size(); ++i) {
      if ((*spans)[i].offset < 0) return false;
    }
  }
  return true;
}

util::Status CheckChunkSchema(int32_t schema, bool raw) {
  if (!model::IsKnownSchema(schema)) {
    return util::Status::Corruption(fmt::format(
        "histogram has an unknown schema, which must be between {} and {} for exponential "
        "buckets, or {} for custom buckets, got schema {}",
        model::kExponentialSchemaMinReserved, model::kExponentialSchemaMaxReserved,
        model::kCustomBucketsSchema, schema));
  }
  (void)raw;
  return util::Status::Ok();
}

HistogramIterator::HistogramIterator(std::string_view data, bool raw) : raw_(raw), r_(Body(data)) {
  if (data.size() < kHistogramHeaderSize) {
    err_ = util::Status::Corruption(
        fmt::format("histogram chunk of {} bytes has no header", data.size()));
    return;
  }
  total_ = util::BigEndian16(data.data());
  header_ = HistogramChunkHeader(data);
}

storage::ValueType HistogramIterator::Fail(std::string_view what) {
  err_ =
      util::Status::Corruption(fmt::format("histogram chunk: {} at bit {} (sample {} of {})", what,
                                           r_.bit_pos() + 8 * kHistogramHeaderSize, read_, total_));
  return storage::ValueType::kNone;
}

storage::ValueType HistogramIterator::Next() {
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
    // Each bucket takes at least one bit: more buckets than bits left is corrupt.
    if (np > r_.bits_left() || nn > r_.bits_left()) return Fail("more buckets than data");
    p_buckets_.assign(np, 0);
    p_delta_.assign(np, 0);
    n_buckets_.assign(nn, 0);
    n_delta_.assign(nn, 0);
    uint64_t sum_bits = 0;
    if (!ReadVarbitInt(r_, &t_) || !ReadVarbitUint(r_, &cnt_) || !ReadVarbitUint(r_, &zcnt_) ||
        !r_.ReadBits(64, &sum_bits)) {
      return Fail("unexpected end of data");
    }
    sum_ = std::bit_cast<double>(sum_bits);
    for (int64_t& b : p_buckets_) {
      if (!ReadVarbitInt(r_, &b)) return Fail("unexpected end of data");
    }
    for (int64_t& b : n_buckets_) {
      if (!ReadVarbitInt(r_, &b)) return Fail("unexpected end of data");
    }
    ++read_;
    return storage::ValueType::kHistogram;
  }
  int64_t dod = 0;
  if (!ReadVarbitInt(r_, &dod)) return Fail("unexpected end of data");
  t_delta_ = WrapAdd(t_delta_, dod);
  t_ = WrapAdd(t_, t_delta_);
  if (!ReadVarbitInt(r_, &dod)) return Fail("unexpected end of data");
  cnt_delta_ = WrapAdd(cnt_delta_, dod);
  cnt_ = static_cast<uint64_t>(WrapAdd(static_cast<int64_t>(cnt_), cnt_delta_));
  if (!ReadVarbitInt(r_, &dod)) return Fail("unexpected end of data");
  zcnt_delta_ = WrapAdd(zcnt_delta_, dod);
  zcnt_ = static_cast<uint64_t>(WrapAdd(static_cast<int64_t>(zcnt_), zcnt_delta_));
  bool bad_window = false;
  if (!XorRead(r_, &sum_, &leading_, &trailing_, &bad_window)) {
    return Fail(bad_window ? "impossible XOR window of the sum" : "unexpected end of data");
  }
  if (IsStaleNaN(sum_)) {
    ++read_;
    return storage::ValueType::kHistogram;
  }
  for (size_t i = 0; i < p_buckets_.size(); ++i) {
    if (!ReadVarbitInt(r_, &dod)) return Fail("unexpected end of data");
    p_delta_[i] = WrapAdd(p_delta_[i], dod);
    p_buckets_[i] = WrapAdd(p_buckets_[i], p_delta_[i]);
  }
  for (size_t i = 0; i < n_buckets_.size(); ++i) {
    if (!ReadVarbitInt(r_, &dod)) return Fail("unexpected end of data");
    n_delta_[i] = WrapAdd(n_delta_[i], dod);
    n_buckets_[i] = WrapAdd(n_buckets_[i], n_delta_[i]);
  }
  ++read_;
  return storage::ValueType::kHistogram;
}

storage::ValueType HistogramIterator::Seek(int64_t t) {
  if (!err_.ok()) return storage::ValueType::kNone;
  while (read_ == 0 || t > t_) {
    if (Next() == storage::ValueType::kNone) return storage::ValueType::kNone;
  }
  return storage::ValueType::kHistogram;
}

void HistogramIterator::AtHistogram(model::Histogram* out) const {
  if (IsStaleNaN(sum_)) {
    *out = model::Histogram{};
    out->sum = sum_;
    return;
  }
  out->counter_reset_hint = HintForSample(header_, read_);
  out->schema = layout_.schema;
  out->zero_threshold = layout_.zero_threshold;
  out->zero_count = zcnt_;
  out->count = cnt_;
  out->sum = sum_;
  out->positive_spans = layout_.positive_spans;
  out->negative_spans = layout_.negative_spans;
  out->positive_buckets = p_buckets_;
  out->negative_buckets = n_buckets_;
  out->custom_values = layout_.custom_values;
  // Schemas above 8 (from newer writers) are read as schema 8, as upstream does. Cannot fail:
  // Next() checked the spans.
  if (!raw_ && out->schema > model::kExponentialSchemaMax && !out->UsesCustomBuckets()) {
    (void)ReduceResolution(out, model::kExponentialSchemaMax);
  }
}

void HistogramIterator::AtFloatHistogram(model::FloatHistogram* out) const {
  model::Histogram h;
  AtHistogram(&h);
  *out = h.ToFloat();
}

HistogramAppender::HistogramAppender() { w_.bytes().assign(kHistogramHeaderSize, '\0'); }

uint16_t HistogramAppender::num_samples() const { return util::BigEndian16(w_.bytes().data()); }

CounterResetHeader HistogramAppender::header() const { return HistogramChunkHeader(w_.bytes()); }

void HistogramAppender::SetHeader(CounterResetHeader h) {
  char& flags = w_.bytes()[2];
  flags = static_cast<char>((static_cast<uint8_t>(flags) & ~kCounterResetHeaderMask) |
                            static_cast<uint8_t>(h));
}

void HistogramAppender::SetNumSamples(uint16_t n) {
  w_.bytes()[0] = static_cast<char>(n >> 8);
  w_.bytes()[1] = static_cast<char>(n);
}

// Upstream HistogramAppender.appendable: whether `h` fits this chunk, with the inserts it
// needs, and otherwise what the next chunk's header should say.
HistogramAppender::Appendability HistogramAppender::Appendable(const model::Histogram& h) const {
  Appendability a;
  if (num_samples() > 0 && header() == CounterResetHeader::kGauge) return a;
  if (h.counter_reset_hint == model::CounterResetHint::kCounterReset) {
    a.header = CounterResetHeader::kCounterReset;
    return a;
  }
  if (IsStaleNaN(h.sum)) {
    a.ok = true;
    return a;
  }
  if (IsStaleNaN(sum_)) {
    a.header = CounterResetHeader::kUnknown;
    return a;
  }
  if (h.count < cnt_) {
    a.header = CounterResetHeader::kCounterReset;
    return a;
  }
  if (h.schema != schema_ || h.zero_threshold != zero_threshold_) {
    a.header = CounterResetHeader::kUnknown;
    return a;
  }
  if (model::IsCustomBucketsSchema(h.schema) &&
      !CustomBoundsMatch(h.custom_values, custom_values_)) {
    a.header = CounterResetHeader::kCounterReset;
    return a;
  }
  if (h.zero_count < zcnt_) {
    a.header = CounterResetHeader::kCounterReset;
    return a;
  }
  if (!ExpandSpansAndBuckets(p_spans_, h.positive_spans, AbsoluteBuckets(p_buckets_),
                             AbsoluteBuckets(h.positive_buckets), &a.p_forward, &a.p_backward) ||
      !ExpandSpansAndBuckets(n_spans_, h.negative_spans, AbsoluteBuckets(n_buckets_),
                             AbsoluteBuckets(h.negative_buckets), &a.n_forward, &a.n_backward)) {
    a.p_forward.clear();
    a.p_backward.clear();
    a.n_forward.clear();
    a.n_backward.clear();
    a.header = CounterResetHeader::kCounterReset;
    return a;
  }
  a.ok = true;
  return a;
}

void HistogramAppender::AppendSample(int64_t t, const model::Histogram& in) {
  const uint16_t num = num_samples();
  model::Histogram stale;
  const model::Histogram* h = &in;
  if (IsStaleNaN(in.sum)) {  // a stale sample keeps no buckets, nor a layout of its own
    stale.sum = in.sum;
    h = &stale;
  }
  int64_t t_delta = 0, cnt_delta = 0, zcnt_delta = 0;
  if (num == 0) {
    WriteHistogramLayout(w_, h->schema, h->zero_threshold, h->positive_spans, h->negative_spans,
                         h->custom_values);
    schema_ = h->schema;
    zero_threshold_ = h->zero_threshold;
    p_spans_ = h->positive_spans;
    n_spans_ = h->negative_spans;
    custom_values_ = h->custom_values;
    p_buckets_.assign(CountSpans(h->positive_spans), 0);
    p_delta_.assign(p_buckets_.size(), 0);
    n_buckets_.assign(CountSpans(h->negative_spans), 0);
    n_delta_.assign(n_buckets_.size(), 0);
    PutVarbitInt(w_, t);
    PutVarbitUint(w_, h->count);
    PutVarbitUint(w_, h->zero_count);
    w_.WriteBits(std::bit_cast<uint64_t>(h->sum), 64);
    for (int64_t b : h->positive_buckets) PutVarbitInt(w_, b);
    for (int64_t b : h->negative_buckets) PutVarbitInt(w_, b);
  } else {
    t_delta = WrapSub(t, t_);
    cnt_delta = WrapSub(static_cast<int64_t>(h->count), static_cast<int64_t>(cnt_));
    zcnt_delta = WrapSub(static_cast<int64_t>(h->zero_count), static_cast<int64_t>(zcnt_));
    int64_t cnt_dod = WrapSub(cnt_delta, cnt_delta_);
    int64_t zcnt_dod = WrapSub(zcnt_delta, zcnt_delta_);
    if (IsStaleNaN(h->sum)) cnt_dod = zcnt_dod = 0;
    PutVarbitInt(w_, WrapSub(t_delta, t_delta_));
    PutVarbitInt(w_, cnt_dod);
    PutVarbitInt(w_, zcnt_dod);
    XorWrite(w_, h->sum, sum_, &leading_, &trailing_);
    PROMKIT_CHECK(h->positive_buckets.size() <= p_buckets_.size() &&
                  h->negative_buckets.size() <= n_buckets_.size())
        << "BUG: histogram appended with more buckets than its chunk's layout";
    for (size_t i = 0; i < h->positive_buckets.size(); ++i) {
      const int64_t delta = WrapSub(h->positive_buckets[i], p_buckets_[i]);
      PutVarbitInt(w_, WrapSub(delta, p_delta_[i]));
      p_delta_[i] = delta;
    }
    for (size_t i = 0; i < h->negative_buckets.size(); ++i) {
      const int64_t delta = WrapSub(h->negative_buckets[i], n_buckets_[i]);
      PutVarbitInt(w_, WrapSub(delta, n_delta_[i]));
      n_delta_[i] = delta;
    }
  }
  t_ = t;
  cnt_ = h->count;
  zcnt_ = h->zero_count;
  t_delta_ = t_delta;
  cnt_delta_ = cnt_delta;
  zcnt_delta_ = zcnt_delta;
  for (size_t i = 0; i < h->positive_buckets.size() && i < p_buckets_.size(); ++i) {
    p_buckets_[i] = h->positive_buckets[i];
  }
  for (size_t i = 0; i < h->negative_buckets.size() && i < n_buckets_.size(); ++i) {
    n_buckets_[i] = h->negative_buckets[i];
  }
  sum_ = h->sum;
  SetNumSamples(static_cast<uint16_t>(num + 1));
}

std::unique_ptr<HistogramAppender> HistogramAppender::Recode(
    const std::vector<Insert>& p_inserts, const std::vector<Insert>& n_inserts,
    const std::vector<model::Span>& p_spans, const std::vector<model::Span>& n_spans) const {
  auto out = std::make_unique<HistogramAppender>();
  HistogramIterator it(bytes(), /*raw=*/true);
  const size_t np = CountSpans(p_spans), nn = CountSpans(n_spans);
  model::Histogram h;
  while (it.Next() == storage::ValueType::kHistogram) {
    it.AtHistogram(&h);
    h.positive_spans = p_spans;
    h.negative_spans = n_spans;
    if (!p_inserts.empty())
      h.positive_buckets = InsertBuckets(h.positive_buckets, np, p_inserts, true);
    if (!n_inserts.empty())
      h.negative_buckets = InsertBuckets(h.negative_buckets, nn, n_inserts, true);
    out->AppendSample(it.AtT(), h);
  }
  PROMKIT_CHECK(it.Err().ok()) << "BUG: cannot re-read a histogram chunk being appended to: "
                               << it.Err().ToString();
  out->SetHeader(header());
  return out;
}

std::unique_ptr<HistogramAppender> HistogramAppender::Append(const HistogramAppender* prev,
                                                             int64_t t, model::Histogram h,
                                                             bool* recoded) {
  *recoded = false;
  const uint16_t n = num_samples();
  PROMKIT_CHECK(n < 0xffff) << "BUG: histogram chunk capacity exceeded";
  if (n == 0) {
    AppendSample(t, h);
    if (h.counter_reset_hint == model::CounterResetHint::kGauge) {
      SetHeader(CounterResetHeader::kGauge);
    } else if (h.counter_reset_hint == model::CounterResetHint::kCounterReset) {
      SetHeader(CounterResetHeader::kCounterReset);
    } else if (prev != nullptr) {
      SetHeader(prev->Appendable(h).header);
    }
    return nullptr;
  }
  if (h.counter_reset_hint != model::CounterResetHint::kGauge) {
    Appendability a = Appendable(h);
    if (!a.ok || a.header != CounterResetHeader::kNotCounterReset) {
      auto next = std::make_unique<HistogramAppender>();
      next->SetHeader(a.header);
      next->AppendSample(t, h);
      return next;
    }
    if (!a.p_backward.empty() || !a.n_backward.empty()) {
      // The sample lacks empty buckets the chunk has: give it them.
      if (a.p_forward.empty() && a.n_forward.empty()) {
        h.positive_spans = p_spans_;
        h.negative_spans = n_spans_;
      } else {
        h.positive_spans = AdjustForInserts(h.positive_spans, a.p_backward);
        h.negative_spans = AdjustForInserts(h.negative_spans, a.n_backward);
      }
      if (!a.p_backward.empty()) {
        h.positive_buckets =
            InsertBuckets(h.positive_buckets, CountSpans(h.positive_spans), a.p_backward, true);
      }
      if (!a.n_backward.empty()) {
        h.negative_buckets =
            InsertBuckets(h.negative_buckets, CountSpans(h.negative_spans), a.n_backward, true);
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
  // A gauge histogram: buckets may come and go both ways; only the layout basics must match.
  bool ok = num_samples() == 0 || header() == CounterResetHeader::kGauge;
  std::vector<Insert> p_forward, n_forward, p_backward, n_backward;
  std::vector<model::Span> p_merged, n_merged;
  bool stale_new = IsStaleNaN(h.sum);
  if (ok && !stale_new) {
    if (IsStaleNaN(sum_) || h.schema != schema_ || h.zero_threshold != zero_threshold_ ||
        (model::IsCustomBucketsSchema(h.schema) &&
         !CustomBoundsMatch(h.custom_values, custom_values_))) {
      ok = false;
    } else {
      ExpandSpansBothWays(p_spans_, h.positive_spans, &p_forward, &p_backward, &p_merged);
      ExpandSpansBothWays(n_spans_, h.negative_spans, &n_forward, &n_backward, &n_merged);
    }
  }
  if (!ok) {
    auto next = std::make_unique<HistogramAppender>();
    next->SetHeader(CounterResetHeader::kGauge);
    next->AppendSample(t, h);
    return next;
  }
  if (!p_backward.empty() || !n_backward.empty()) {
    h.positive_spans = p_merged;
    h.negative_spans = n_merged;
    if (!p_backward.empty()) {
      h.positive_buckets =
          InsertBuckets(h.positive_buckets, CountSpans(h.positive_spans), p_backward, true);
    }
    if (!n_backward.empty()) {
      h.negative_buckets =
          InsertBuckets(h.negative_buckets, CountSpans(h.negative_spans), n_backward, true);
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

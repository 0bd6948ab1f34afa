#pragma once
// The native histogram chunk encodings, bit for bit as Prometheus 3.x writes them (upstream
// tsdb/chunkenc/histogram.go and float_histogram.go; tsdb/docs/format/chunks.md). After the
// header and layout (histogram_meta.h) each sample stores, with t the timestamp:
//
//   integer histograms (encoding 2)       float histograms (encoding 3)
//   sample 0: varbit t, varbit-uint        varbit t, count, zero count, sum and every bucket
//             count and zero count, 64     as 64 raw float bits
//             sum bits, varbit bucket
//             deltas (as model::Histogram)
//   sample n: varbit delta-of-delta of t,  varbit delta-of-delta of t, then count, zero count,
//             count and zero count, the    sum and each bucket XOR coded against the previous
//             sum XOR coded, varbit        sample (each with its own bit window)
//             delta-of-delta of each
//             bucket
//
// A stale sample (sum = StaleNaN) stores no buckets. Every sample of a chunk shares its layout:
// when a new sample needs buckets the chunk lacks, the appender rewrites ("recodes") the chunk
// with the larger layout; when its schema, zero threshold or custom bounds change, or a
// counter reset shows (counts fell, a used bucket vanished), it starts a new chunk, whose
// header records why.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/histogram.h"
#include "storage/interface.h"
#include "tsdb/chunkenc/bstream.h"
#include "tsdb/chunkenc/histogram_meta.h"

namespace promkit::tsdb::chunkenc {

// Reads an integer histogram chunk. `data` (the chunk data, header included) must outlive the
// iterator. Truncated or impossible data fails with Corruption naming the sample; schemas 9..52
// are reduced to 8 when read, as upstream does; other unknown schemas fail with upstream's
// message. Single-threaded.
class HistogramIterator final : public storage::SampleIterator {
 public:
  // `raw`: keep schemas 9..52 as stored (the appender's recoding uses it).
  explicit HistogramIterator(std::string_view data, bool raw = false);
  storage::ValueType Next() override;
  storage::ValueType Seek(int64_t t) override;
  int64_t AtT() const override { return t_; }
  double AtFloat() const override { return 0; }
  void AtHistogram(model::Histogram* out) const override;
  void AtFloatHistogram(model::FloatHistogram* out) const override;
  util::Status Err() const override { return err_; }
  CounterResetHeader header() const { return header_; }

 private:
  storage::ValueType Fail(std::string_view what);
  bool raw_;
  BitReader r_;
  util::Status err_;
  CounterResetHeader header_ = CounterResetHeader::kUnknown;
  uint16_t total_ = 0, read_ = 0;
  HistogramLayout layout_;
  int64_t t_ = 0;
  uint64_t cnt_ = 0, zcnt_ = 0;
  int64_t t_delta_ = 0, cnt_delta_ = 0, zcnt_delta_ = 0;
  std::vector<int64_t> p_buckets_, n_buckets_;  // deltas between buckets, as model::Histogram
  std::vector<int64_t> p_delta_, n_delta_;      // change of each of those since the last sample
  double sum_ = 0;
  uint8_t leading_ = 0, trailing_ = 0;
};

// Reads a float histogram chunk; as HistogramIterator.
class FloatHistogramIterator final : public storage::SampleIterator {
 public:
  explicit FloatHistogramIterator(std::string_view data, bool raw = false);
  storage::ValueType Next() override;
  storage::ValueType Seek(int64_t t) override;
  int64_t AtT() const override { return t_; }
  double AtFloat() const override { return 0; }
  void AtFloatHistogram(model::FloatHistogram* out) const override;
  util::Status Err() const override { return err_; }
  CounterResetHeader header() const { return header_; }

 private:
  struct XorValue {
    double value = 0;
    uint8_t leading = 0, trailing = 0;
  };
  storage::ValueType Fail(std::string_view what);
  bool ReadXor(XorValue* v);
  bool raw_;
  BitReader r_;
  util::Status err_;
  CounterResetHeader header_ = CounterResetHeader::kUnknown;
  uint16_t total_ = 0, read_ = 0;
  HistogramLayout layout_;
  int64_t t_ = 0, t_delta_ = 0;
  XorValue cnt_, zcnt_, sum_;
  std::vector<XorValue> p_buckets_, n_buckets_;
};

// Builds integer histogram chunks as upstream's HistogramAppender. Samples must come in
// increasing timestamp order and be valid (spans and buckets agree: model::Histogram::Validate);
// the caller checks both. Not thread-safe.
class HistogramAppender {
 public:
  HistogramAppender();
  // The chunk data (header included), what follows the encoding byte in a segment file.
  std::string_view bytes() const { return w_.bytes(); }
  uint16_t num_samples() const;
  CounterResetHeader header() const;

  // Appends `h` at `t`. Returns null when the sample went into this chunk. Otherwise the
  // returned appender is the chunk to continue with: with *recoded, a rewrite of this chunk
  // holding its samples and the new one (it replaces this chunk); without, a new chunk starting
  // with the sample (this chunk is complete). `prev`, used only for the first sample of an
  // empty chunk, is the appender of the series' previous chunk when this chunk was cut for
  // size or time: the counter reset header then says whether the sample continues it.
  // REQUIRES: num_samples() < 65535.
  std::unique_ptr<HistogramAppender> Append(const HistogramAppender* prev, int64_t t,
                                            model::Histogram h, bool* recoded);

 private:
  struct Appendability {
    std::vector<Insert> p_forward, n_forward, p_backward, n_backward;
    bool ok = false;
    CounterResetHeader header = CounterResetHeader::kNotCounterReset;
  };
  Appendability Appendable(const model::Histogram& h) const;
  void SetHeader(CounterResetHeader h);
  void SetNumSamples(uint16_t n);
  void AppendSample(int64_t t, const model::Histogram& h);
  std::unique_ptr<HistogramAppender> Recode(const std::vector<Insert>& p_inserts,
                                            const std::vector<Insert>& n_inserts,
                                            const std::vector<model::Span>& p_spans,
                                            const std::vector<model::Span>& n_spans) const;

  BitWriter w_;
  int32_t schema_ = 0;
  double zero_threshold_ = 0;
  std::vector<model::Span> p_spans_, n_spans_;
  std::vector<double> custom_values_;
  int64_t t_ = 0;
  uint64_t cnt_ = 0, zcnt_ = 0;
  int64_t t_delta_ = 0, cnt_delta_ = 0, zcnt_delta_ = 0;
  std::vector<int64_t> p_buckets_, n_buckets_, p_delta_, n_delta_;
  double sum_ = 0;
  uint8_t leading_ = 0xff, trailing_ = 0;
};

// Builds float histogram chunks as upstream's FloatHistogramAppender; as HistogramAppender.
class FloatHistogramAppender {
 public:
  FloatHistogramAppender();
  std::string_view bytes() const { return w_.bytes(); }
  uint16_t num_samples() const;
  CounterResetHeader header() const;
  std::unique_ptr<FloatHistogramAppender> Append(const FloatHistogramAppender* prev, int64_t t,
                                                 model::FloatHistogram h, bool* recoded);

 private:
  struct XorValue {
    double value = 0;
    uint8_t leading = 0xff, trailing = 0;
  };
  struct Appendability {
    std::vector<Insert> p_forward, n_forward, p_backward, n_backward;
    bool ok = false;
    bool counter_reset = false;
  };
  Appendability Appendable(const model::FloatHistogram& h) const;
  void SetHeader(CounterResetHeader h);
  void SetNumSamples(uint16_t n);
  void AppendSample(int64_t t, const model::FloatHistogram& h);
  void WriteXor(XorValue* old, double v);
  std::unique_ptr<FloatHistogramAppender> Recode(const std::vector<Insert>& p_inserts,
                                                 const std::vector<Insert>& n_inserts,
                                                 const std::vector<model::Span>& p_spans,
                                                 const std::vector<model::Span>& n_spans) const;

  BitWriter w_;
  int32_t schema_ = 0;
  double zero_threshold_ = 0;
  std::vector<model::Span> p_spans_, n_spans_;
  std::vector<double> custom_values_;
  int64_t t_ = 0, t_delta_ = 0;
  XorValue cnt_, zcnt_, sum_;
  std::vector<XorValue> p_buckets_, n_buckets_;
};

}  // namespace promkit::tsdb::chunkenc

#pragma once
// Where storage and query meet (upstream storage/interface.go): a Queryable hands out Queriers
// over a time range; a Querier selects series by label matchers into a SeriesSet; each Series
// has its labels and an iterator over its samples in timestamp order. The PromQL engine, the
// HTTP API and the offline tsdb commands use only these interfaces, whatever backs them (blocks,
// the head, a merge of both, remote read).
//
// Errors are sticky, as upstream: Next() returns false at the end *or* on error, and Err() tells
// which. Nothing here throws.

#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "model/histogram.h"
#include "model/labels.h"
#include "model/matchers.h"
#include "util/status.h"

namespace promkit::storage {

// What a sample iterator is positioned at (upstream chunkenc.ValueType).
enum class ValueType : uint8_t {
  kNone,            // exhausted or failed
  kFloat,           // AtT() and AtFloat()
  kHistogram,       // a native histogram with integer counts
  kFloatHistogram,  // a native histogram with float counts
};

std::string_view ValueTypeName(ValueType t);

// Iterates the samples of one series in increasing timestamp order. Single-threaded.
// One float sample.
struct FloatPoint {
  int64_t t = 0;  // ms
  double f = 0;
};

class SampleIterator {
 public:
  virtual ~SampleIterator() = default;
  // Batch form of the Next/AtT/AtFloat loop. REQUIRES: the last Next()/Seek() returned kFloat.
  // Appends the current sample and the float samples after it while their timestamp is <= maxt,
  // and returns what it stopped at: kFloat for a sample past maxt, another type for a sample
  // of that type (at any time), kNone at the end or on error; the iterator is left on that
  // sample. Iterators over encoded chunks override it to decode without a virtual call per
  // sample.
  virtual ValueType AppendFloats(int64_t maxt, std::vector<FloatPoint>& out) {
    ValueType vt = ValueType::kFloat;
    while (vt == ValueType::kFloat) {
      const int64_t t = AtT();
      if (t > maxt) break;
      out.push_back(FloatPoint{t, AtFloat()});
      vt = Next();
    }
    return vt;
  }
  // Advances to the next sample and returns its type; kNone at the end or on error.
  virtual ValueType Next() = 0;
  // Advances to the first sample with timestamp >= t (staying put if the current one already
  // is) and returns its type. Never moves backwards.
  virtual ValueType Seek(int64_t t) = 0;
  // REQUIRES: the last Next()/Seek() returned a type other than kNone.
  virtual int64_t AtT() const = 0;
  // REQUIRES: the last Next()/Seek() returned kFloat.
  virtual double AtFloat() const = 0;
  // The current native histogram with integer counts, written into *out (whose vectors are
  // reused). REQUIRES: the last Next()/Seek() returned kHistogram. Iterators that never return
  // kHistogram need not override it.
  virtual void AtHistogram(model::Histogram* out) const { *out = model::Histogram{}; }
  // The current native histogram as float counts (an integer histogram is converted), written
  // into *out. REQUIRES: the last Next()/Seek() returned kHistogram or kFloatHistogram.
  virtual void AtFloatHistogram(model::FloatHistogram* out) const {
    *out = model::FloatHistogram{};
  }
  // Why iteration stopped early; OK at a normal end.
  virtual util::Status Err() const = 0;
};

// One series. Labels() is valid as long as the Series. Iterator() may be called more than once
// (each call starts over); an iterator stays valid until the Querier that produced the Series
// is closed, even after the SeriesSet moved on. Single-threaded.
class Series {
 public:
  virtual ~Series() = default;
  virtual const model::Labels& Labels() const = 0;
  virtual std::unique_ptr<SampleIterator> Iterator() const = 0;
};

// A stream of series. Single-threaded. At() is valid until the next Next().
class SeriesSet {
 public:
  virtual ~SeriesSet() = default;
  virtual bool Next() = 0;  // false at the end *or* on error
  virtual const Series& At() const = 0;
  virtual util::Status Err() const = 0;  // ask once Next() returned false
  // Non-fatal problems met while selecting (upstream annotations); empty by default.
  virtual std::vector<std::string> Warnings() const { return {}; }
};

// Hints a Querier may use to select less data; every field is optional to honour.
struct SelectHints {
  int64_t start = std::numeric_limits<int64_t>::min();  // ms, inclusive
  int64_t end = std::numeric_limits<int64_t>::max();    // ms, inclusive
};

// Reads the series of one time range. Select may be called from several threads at once; the
// SeriesSets it returns are single-threaded and must be dropped before Close().
class Querier {
 public:
  virtual ~Querier() = default;
  // Series matching all `matchers` (at least one needed upstream; an empty list selects none).
  // With `sorted` the series come in labels order (model::Labels::Compare).
  virtual std::unique_ptr<SeriesSet> Select(bool sorted, const SelectHints* hints,
                                            std::span<const model::Matcher> matchers) = 0;
  // Sorted distinct values of label `name` among series matching `matchers` (all when empty).
  virtual util::Result<std::vector<std::string>> LabelValues(
      const std::string& name, std::span<const model::Matcher> matchers) = 0;
  // Sorted distinct label names among series matching `matchers` (all when empty).
  virtual util::Result<std::vector<std::string>> LabelNames(
      std::span<const model::Matcher> matchers) = 0;
  // Releases what the querier pins (e.g. mmapped blocks). Idempotent.
  virtual util::Status Close() = 0;
};

// Hands out Queriers over [mint, maxt]. Thread-safe.
class Queryable {
 public:
  virtual ~Queryable() = default;
  virtual util::Result<std::unique_ptr<Querier>> NewQuerier(int64_t mint, int64_t maxt) = 0;
};

// A SeriesSet with nothing in it, optionally failing with `err`.
std::unique_ptr<SeriesSet> EmptySeriesSet(util::Status err = util::Status::Ok());

}  // namespace promkit::storage

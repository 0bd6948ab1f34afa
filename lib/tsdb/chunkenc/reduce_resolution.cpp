#include "tsdb/chunkenc/reduce_resolution.h"

#include <type_traits>
#include <vector>

#include <fmt/core.h>

namespace promkit::tsdb::chunkenc {
namespace {

// Spans and buckets (deltas when `deltas`) of schema `from` as spans and buckets of `to`.
template <typename T>
util::Status Reduce(std::vector<model::Span>* spans, std::vector<T>* buckets, int32_t from,
                    int32_t to, bool deltas) {
  std::vector<model::Span> out_spans;
  std::vector<T> out_abs;
  int64_t idx = 0, last_target = 0;
  size_t pos = 0;
  T abs{};
  for (size_t n = 0; n < spans->size(); ++n) {
    const model::Span& sp = (*spans)[n];
    if (n > 0 && sp.offset < 0) {
      return util::Status::InvalidArgument(fmt::format("span number {} with offset {}: {}", n + 1,
                                                       sp.offset,
                                                       model::kErrHistogramSpanNegativeOffset));
    }
    idx += sp.offset;
    for (uint32_t j = 0; j < sp.length; ++j, ++idx, ++pos) {
      if (pos >= buckets->size()) {
        return util::Status::InvalidArgument(fmt::format("have {} buckets but spans need more: {}",
                                                         buckets->size(),
                                                         model::kErrHistogramSpansBucketsMismatch));
      }
      if (deltas) {
        if constexpr (std::is_integral_v<T>) {
          abs = static_cast<T>(static_cast<uint64_t>(abs) + static_cast<uint64_t>((*buckets)[pos]));
        }
      } else {
        abs = (*buckets)[pos];
      }
      const int64_t target = ((idx - 1) >> (from - to)) + 1;
      if (out_spans.empty()) {
        out_spans.push_back(model::Span{static_cast<int32_t>(target), 1});
        out_abs.push_back(abs);
      } else if (target == last_target) {
        if constexpr (std::is_integral_v<T>) {
          out_abs.back() =
              static_cast<T>(static_cast<uint64_t>(out_abs.back()) + static_cast<uint64_t>(abs));
        } else {
          out_abs.back() += abs;
        }
      } else if (target == last_target + 1) {
        out_spans.back().length++;
        out_abs.push_back(abs);
      } else {
        out_spans.push_back(model::Span{static_cast<int32_t>(target - last_target - 1), 1});
        out_abs.push_back(abs);
      }
      last_target = target;
    }
  }
  if constexpr (std::is_integral_v<T>) {
    if (deltas) {
      T prev{};
      for (T& v : out_abs) {
        const T cur = v;
        v = static_cast<T>(static_cast<uint64_t>(cur) - static_cast<uint64_t>(prev));
        prev = cur;
      }
    }
  }
  *spans = std::move(out_spans);
  *buckets = std::move(out_abs);
  return util::Status::Ok();
}

template <typename H>
util::Status ReduceAll(H* h, int32_t to, bool deltas) {
  std::vector<model::Span> ps = h->positive_spans, ns = h->negative_spans;
  auto pb = h->positive_buckets;
  auto nb = h->negative_buckets;
  PROMKIT_RETURN_IF_ERROR(Reduce(&ps, &pb, h->schema, to, deltas));
  PROMKIT_RETURN_IF_ERROR(Reduce(&ns, &nb, h->schema, to, deltas));
  h->positive_spans = std::move(ps);
  h->negative_spans = std::move(ns);
  h->positive_buckets = std::move(pb);
  h->negative_buckets = std::move(nb);
  h->schema = to;
  return util::Status::Ok();
}

}  // namespace

util::Status ReduceResolution(model::Histogram* h, int32_t to) { return ReduceAll(h, to, true); }

util::Status ReduceResolution(model::FloatHistogram* h, int32_t to) {
  return ReduceAll(h, to, false);
}

}  // namespace promkit::tsdb::chunkenc

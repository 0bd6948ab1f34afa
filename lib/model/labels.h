#pragma once
// Labels: an immutable, sorted label set in one allocation.
// Encoding of data_: for each label in name order, uvarint(len(name)) name uvarint(len(value))
// value (the layout of Prometheus's "stringlabels"). Copying copies one string (none for small
// sets, which fit the string's inline buffer); comparing and hashing walk one buffer.
// Thread-safety: immutable, share freely.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/validation.h"

namespace promkit::model {

inline constexpr std::string_view kMetricName = "__name__";
inline constexpr std::string_view kAlertName = "alertname";
inline constexpr std::string_view kBucketLabel = "le";

struct Label {
  std::string_view name;
  std::string_view value;
  friend bool operator==(const Label&, const Label&) = default;
};

class Labels {
 public:
  // Forward iterator over the labels in name order. Labels it yields view the Labels' buffer and
  // are valid while that Labels lives.
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Label;
    using difference_type = std::ptrdiff_t;
    using pointer = const Label*;
    using reference = const Label&;
    Iterator() = default;
    explicit Iterator(std::string_view rest) : rest_(rest) { Decode(); }
    const Label& operator*() const { return cur_; }
    const Label* operator->() const { return &cur_; }
    Iterator& operator++() {
      rest_.remove_prefix(consumed_);
      Decode();
      return *this;
    }
    Iterator operator++(int) {
      Iterator copy = *this;
      ++*this;
      return copy;
    }
    bool operator==(const Iterator& o) const { return rest_.data() == o.rest_.data(); }
    // The encoded bytes of the current label (for building sets out of existing ones).
    std::string_view encoded() const { return rest_.substr(0, consumed_); }

   private:
    void Decode();
    std::string_view rest_;
    Label cur_;
    size_t consumed_ = 0;
  };

  Labels() = default;
  // Sorts by name; later duplicates of a name are kept after earlier ones (HasDuplicateNames()
  // tells). Empty values are kept.
  static Labels FromPairs(std::vector<std::pair<std::string, std::string>> pairs);
  static Labels FromList(std::initializer_list<std::pair<std::string_view, std::string_view>> l);
  // Upstream's FromStrings: name, value, name, value... An odd trailing name is ignored.
  static Labels FromStrings(std::initializer_list<std::string_view> name_values);
  // REQUIRES: labels sorted by name.
  static Labels FromSorted(std::span<const Label> labels);

  Iterator begin() const { return Iterator(data_); }
  Iterator end() const { return Iterator(std::string_view(data_).substr(data_.size())); }
  bool empty() const { return data_.empty(); }
  bool IsEmpty() const { return data_.empty(); }
  // Number of labels (walks the buffer).
  size_t size() const;
  size_t Len() const { return size(); }
  // Bytes held, for memory accounting.
  size_t bytes() const { return data_.size(); }
  std::string_view encoded() const { return data_; }

  // The value of `name`, or "" (Prometheus treats a missing label as empty).
  std::string_view Get(std::string_view name) const;
  bool Has(std::string_view name) const;
  std::string_view MetricName() const { return Get(kMetricName); }
  bool HasDuplicateNames() const;
  // The first name that occurs twice, or "" when there is none.
  std::string_view FirstDuplicateName() const;

  // Upstream's Labels.IsValid: every name valid under `scheme`, every value valid UTF-8, and the
  // value of __name__ a valid metric name under `scheme`.
  bool IsValid(ValidationScheme scheme = ValidationScheme::kUtf8) const;

  // Hash of the whole set. Stable within a process only (never store or show it).
  uint64_t Hash() const;
  // Upstream's Labels.Hash() value (xxhash64 of name\xffvalue\xff...), for results that depend
  // on it, such as which series limit_ratio() samples.
  uint64_t GoHash() const;
  // Hash of only the labels named in `names` (a missing name contributes nothing). Equal for two
  // sets whose selected labels are equal. `names` may be in any order; sorted is faster.
  uint64_t HashForLabels(std::span<const std::string> names) const;
  uint64_t HashForLabels(std::span<const std::string_view> names) const;
  // Hash of all labels except __name__ and those named in `names`.
  uint64_t HashWithoutLabels(std::span<const std::string> names) const;
  uint64_t HashWithoutLabels(std::span<const std::string_view> names) const;

  // The set without __name__.
  Labels DropMetricName() const;
  // The set without labels whose value is empty.
  Labels WithoutEmpty() const;
  // on: only the labels named in `names`; otherwise all but __name__ and those in `names`
  // (PromQL's on(...) / ignoring(...)).
  Labels MatchLabels(bool on, std::span<const std::string> names) const;
  Labels MatchLabels(bool on, std::span<const std::string_view> names) const;

  // Upstream's labels.Compare: label by label, names then values byte-wise; a set that is a
  // prefix of the other sorts first. Returns <0, 0 or >0.
  static int Compare(const Labels& a, const Labels& b);
  friend bool operator==(const Labels& a, const Labels& b) { return a.data_ == b.data_; }
  friend bool operator<(const Labels& a, const Labels& b) { return Compare(a, b) < 0; }

  // `{__name__="up", job="x"}` exactly as upstream's Labels.String(): values through Go's
  // strconv.Quote, names quoted only when they are not legacy-valid label names.
  std::string ToString() const;
  // As ToString() without the space after each comma (upstream's StringNoSpace()).
  std::string ToStringNoSpace() const;

 private:
  friend class LabelsBuilder;
  template <typename Pred>
  uint64_t HashIf(Pred keep) const;
  template <typename Pred>
  Labels Filter(Pred keep) const;
  std::string ToStringImpl(bool space) const;
  std::string data_;
};

// Builds Labels, optionally as edits of a base set, with upstream's labels.Builder semantics:
// Set with an empty value deletes, Del removes a name from both the base and earlier Sets, Keep
// deletes every base label not named. Reusable: Reset() keeps the capacity. Not thread-safe.
class LabelsBuilder {
 public:
  LabelsBuilder() = default;
  explicit LabelsBuilder(Labels base) : base_(std::move(base)) {}

  void Reset() {
    base_ = Labels();
    add_.clear();
    del_.clear();
  }
  void Reset(Labels base) {
    Reset();
    base_ = std::move(base);
  }
  // Adds or replaces `name`; an empty value deletes it (a label with an empty value does not
  // exist).
  LabelsBuilder& Set(std::string_view name, std::string_view value);
  // Appends without checking for duplicates (fast path for parsers building a set from scratch).
  // Build() sorts, keeps duplicates in insertion order and drops empty values.
  LabelsBuilder& Add(std::string_view name, std::string_view value) {
    add_.emplace_back(std::string(name), std::string(value));
    return *this;
  }
  LabelsBuilder& Del(std::string_view name);
  // Deletes every label of the base whose name is not in `names` (labels set later stay).
  LabelsBuilder& Keep(std::span<const std::string> names);
  LabelsBuilder& Keep(std::span<const std::string_view> names);
  LabelsBuilder& Keep(std::initializer_list<std::string_view> names) {
    return Keep(std::span<const std::string_view>(names.begin(), names.size()));
  }
  // The value `name` would have in Build(), or "".
  std::string_view Get(std::string_view name) const;
  // True when Build() would return an empty set.
  bool empty() const;
  // The sorted result. Without edits, the base itself.
  Labels Build() const;

 private:
  bool Deleted(std::string_view name) const;
  bool Added(std::string_view name) const;
  Labels base_;
  std::vector<std::pair<std::string, std::string>> add_;
  std::vector<std::string> del_;
};

}  // namespace promkit::model

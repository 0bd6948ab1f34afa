#pragma once
// Labels: an immutable, sorted label set in one allocation.
// Encoding of data_: for each label in name order, uvarint(len(name)) name uvarint(len(value))
// value (as Prometheus's "stringlabels"). Copying copies one string; comparing and hashing walk
// one buffer. Thread-safety: immutable, share freely.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace promkit::model {

inline constexpr std::string_view kMetricName = "__name__";

struct Label {
  std::string_view name;
  std::string_view value;
  friend bool operator==(const Label&, const Label&) = default;
};

class Labels {
 public:
  class Iterator {
   public:
    using value_type = Label;
    using difference_type = std::ptrdiff_t;
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

   private:
    void Decode();
    std::string_view rest_;
    Label cur_;
    size_t consumed_ = 0;
  };

  Labels() = default;
  // Sorts by name; later duplicates of a name are kept (Validate()/HasDuplicateNames() tell).
  static Labels FromPairs(std::vector<std::pair<std::string, std::string>> pairs);
  static Labels FromList(std::initializer_list<std::pair<std::string_view, std::string_view>> l);
  // REQUIRES: labels sorted by name.
  static Labels FromSorted(const std::vector<Label>& labels);

  Iterator begin() const { return Iterator(data_); }
  Iterator end() const { return Iterator(std::string_view(data_).substr(data_.size())); }
  bool empty() const { return data_.empty(); }
  size_t size() const;
  // Bytes held, for memory accounting.
  size_t bytes() const { return data_.size(); }
  std::string_view encoded() const { return data_; }

  // The value of `name`, or "" (Prometheus treats a missing label as empty).
  std::string_view Get(std::string_view name) const;
  bool Has(std::string_view name) const;
  std::string_view MetricName() const { return Get(kMetricName); }
  bool HasDuplicateNames() const;

  uint64_t Hash() const;
  // Labels order: by name, then value, label by label; a prefix sorts first.
  static int Compare(const Labels& a, const Labels& b);
  friend bool operator==(const Labels& a, const Labels& b) { return a.data_ == b.data_; }
  friend bool operator<(const Labels& a, const Labels& b) { return Compare(a, b) < 0; }

  // `{__name__="up", job="x"}` as Prometheus's Labels.String() prints it.
  std::string ToString() const;

 private:
  friend class LabelsBuilder;
  std::string data_;
};

// Builds Labels from labels added in any order. Reusable: Reset() keeps the capacity.
// Not thread-safe.
class LabelsBuilder {
 public:
  void Reset() { labels_.clear(); }
  // Adds or replaces `name`.
  void Set(std::string_view name, std::string_view value);
  // Appends without checking for duplicates (faster for parsers; Labels() sorts).
  void Add(std::string_view name, std::string_view value) {
    labels_.emplace_back(std::string(name), std::string(value));
  }
  void Del(std::string_view name);
  std::string_view Get(std::string_view name) const;
  bool empty() const { return labels_.empty(); }
  // Sorted labels; empty values are dropped (a label with an empty value does not exist).
  Labels Build() const;

 private:
  std::vector<std::pair<std::string, std::string>> labels_;
};

}  // namespace promkit::model

#include "model/labels.h"

#include <algorithm>
#include <array>

#include "util/hash.h"
#include "util/strings.h"

namespace promkit::model {
namespace {

constexpr char kSep = '\xff';  // between name and value and after each label when hashing

size_t UvarintSize(size_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

size_t EncodedSize(std::string_view name, std::string_view value) {
  return UvarintSize(name.size()) + name.size() + UvarintSize(value.size()) + value.size();
}

void PutUvarint(std::string* out, size_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void PutLabel(std::string* out, std::string_view name, std::string_view value) {
  PutUvarint(out, name.size());
  out->append(name);
  PutUvarint(out, value.size());
  out->append(value);
}

// Decodes one length-prefixed string at the front of `s`; returns its size including prefix.
// The buffer is always written by PutLabel, so it is well formed.
size_t GetString(std::string_view s, std::string_view* out) {
  size_t len = 0;
  int shift = 0;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char b = static_cast<unsigned char>(s[i++]);
    len |= static_cast<size_t>(b & 0x7F) << shift;
    if (b < 0x80) break;
    shift += 7;
  }
  *out = s.substr(i, len);
  return i + std::min(len, s.size() - i);
}

template <typename Str>
bool Contains(std::span<const Str> names, std::string_view name) {
  for (const Str& n : names) {
    if (std::string_view(n) == name) return true;
  }
  return false;
}

// Membership test for names of a label set visited in ascending order: a merge walk when
// `names` is sorted, a linear search otherwise.
template <typename Str>
class NameSet {
 public:
  explicit NameSet(std::span<const Str> names)
      : names_(names),
        sorted_(std::is_sorted(names.begin(), names.end(), [](const Str& a, const Str& b) {
          return std::string_view(a) < std::string_view(b);
        })) {}
  // REQUIRES: successive calls with non-decreasing `name`.
  bool Has(std::string_view name) {
    if (!sorted_) return Contains(names_, name);
    while (pos_ < names_.size() && std::string_view(names_[pos_]) < name) ++pos_;
    return pos_ < names_.size() && std::string_view(names_[pos_]) == name;
  }

 private:
  std::span<const Str> names_;
  bool sorted_;
  size_t pos_ = 0;
};

}  // namespace

void Labels::Iterator::Decode() {
  if (rest_.empty()) {
    consumed_ = 0;
    return;
  }
  size_t n = GetString(rest_, &cur_.name);
  n += GetString(rest_.substr(n), &cur_.value);
  consumed_ = n;
}

Labels Labels::FromSorted(std::span<const Label> labels) {
  Labels out;
  size_t total = 0;
  for (const Label& l : labels) total += EncodedSize(l.name, l.value);
  out.data_.reserve(total);
  for (const Label& l : labels) PutLabel(&out.data_, l.name, l.value);
  return out;
}

Labels Labels::FromPairs(std::vector<std::pair<std::string, std::string>> pairs) {
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  Labels out;
  size_t total = 0;
  for (const auto& [n, v] : pairs) total += EncodedSize(n, v);
  out.data_.reserve(total);
  for (const auto& [n, v] : pairs) PutLabel(&out.data_, n, v);
  return out;
}

Labels Labels::FromList(std::initializer_list<std::pair<std::string_view, std::string_view>> l) {
  std::vector<Label> ls;
  ls.reserve(l.size());
  for (const auto& [n, v] : l) ls.push_back(Label{n, v});
  std::stable_sort(ls.begin(), ls.end(),
                   [](const Label& a, const Label& b) { return a.name < b.name; });
  return FromSorted(ls);
}

Labels Labels::FromStrings(std::initializer_list<std::string_view> name_values) {
  std::vector<Label> ls;
  ls.reserve(name_values.size() / 2);
  // Index arithmetic: an empty initializer_list may have a null begin().
  const std::string_view* p = name_values.begin();
  for (size_t i = 0; i + 1 < name_values.size(); i += 2) ls.push_back(Label{p[i], p[i + 1]});
  std::stable_sort(ls.begin(), ls.end(),
                   [](const Label& a, const Label& b) { return a.name < b.name; });
  return FromSorted(ls);
}

size_t Labels::size() const {
  size_t n = 0;
  for (auto it = begin(); it != end(); ++it) ++n;
  return n;
}

std::string_view Labels::Get(std::string_view name) const {
  for (const Label& l : *this) {
    if (l.name == name) return l.value;
    if (l.name > name) break;
  }
  return {};
}

bool Labels::Has(std::string_view name) const {
  for (const Label& l : *this) {
    if (l.name == name) return true;
    if (l.name > name) break;
  }
  return false;
}

std::string_view Labels::FirstDuplicateName() const {
  std::string_view prev;
  bool first = true;
  for (const Label& l : *this) {
    if (!first && l.name == prev) return l.name;
    prev = l.name;
    first = false;
  }
  return {};
}

bool Labels::HasDuplicateNames() const {
  std::string_view prev;
  bool first = true;
  for (const Label& l : *this) {
    if (!first && l.name == prev) return true;
    prev = l.name;
    first = false;
  }
  return false;
}

bool Labels::IsValid(ValidationScheme scheme) const {
  for (const Label& l : *this) {
    if (l.name == kMetricName && !IsValidMetricName(l.value, scheme)) return false;
    if (!IsValidLabelName(l.name, scheme) || !IsValidLabelValue(l.value)) return false;
  }
  return true;
}

uint64_t Labels::Hash() const { return util::Hash64(data_); }

uint64_t Labels::GoHash() const {
  return HashIf([](std::string_view) { return true; });
}

// Hashes "name\xffvalue\xff" of each kept label, as upstream, so the hash of a selection does not
// depend on the varint framing. Small selections are assembled on the stack.
template <typename Pred>
uint64_t Labels::HashIf(Pred keep) const {
  std::array<char, 512> stack;
  size_t used = 0;
  std::string heap;
  bool on_heap = false;
  for (const Label& l : *this) {
    if (!keep(l.name)) continue;
    size_t need = l.name.size() + l.value.size() + 2;
    if (!on_heap && used + need > stack.size()) {
      heap.reserve(data_.size() + 2 * size());
      heap.assign(stack.data(), used);
      on_heap = true;
    }
    if (on_heap) {
      heap.append(l.name);
      heap.push_back(kSep);
      heap.append(l.value);
      heap.push_back(kSep);
    } else {
      char* p = stack.data() + used;
      std::copy(l.name.begin(), l.name.end(), p);
      p += l.name.size();
      *p++ = kSep;
      std::copy(l.value.begin(), l.value.end(), p);
      p += l.value.size();
      *p++ = kSep;
      used += need;
    }
  }
  return on_heap ? util::Hash64(heap) : util::Hash64(std::string_view(stack.data(), used));
}

uint64_t Labels::HashForLabels(std::span<const std::string> names) const {
  NameSet<std::string> set(names);
  return HashIf([&](std::string_view n) { return set.Has(n); });
}
uint64_t Labels::HashForLabels(std::span<const std::string_view> names) const {
  NameSet<std::string_view> set(names);
  return HashIf([&](std::string_view n) { return set.Has(n); });
}
uint64_t Labels::HashWithoutLabels(std::span<const std::string> names) const {
  NameSet<std::string> set(names);
  return HashIf([&](std::string_view n) { return !set.Has(n) && n != kMetricName; });
}
uint64_t Labels::HashWithoutLabels(std::span<const std::string_view> names) const {
  NameSet<std::string_view> set(names);
  return HashIf([&](std::string_view n) { return !set.Has(n) && n != kMetricName; });
}

// One pass (predicates may be stateful); reserves the source size, so one allocation.
template <typename Pred>
Labels Labels::Filter(Pred keep) const {
  Labels out;
  out.data_.reserve(data_.size());
  for (auto it = begin(); it != end(); ++it) {
    if (keep(*it)) out.data_.append(it.encoded());
  }
  return out;
}

Labels Labels::DropMetricName() const {
  return Filter([](const Label& l) { return l.name != kMetricName; });
}

Labels Labels::WithoutEmpty() const {
  return Filter([](const Label& l) { return !l.value.empty(); });
}

Labels Labels::MatchLabels(bool on, std::span<const std::string> names) const {
  NameSet<std::string> set(names);
  if (on) return Filter([&](const Label& l) { return set.Has(l.name); });
  return Filter([&](const Label& l) { return !set.Has(l.name) && l.name != kMetricName; });
}
Labels Labels::MatchLabels(bool on, std::span<const std::string_view> names) const {
  NameSet<std::string_view> set(names);
  if (on) return Filter([&](const Label& l) { return set.Has(l.name); });
  return Filter([&](const Label& l) { return !set.Has(l.name) && l.name != kMetricName; });
}

int Labels::Compare(const Labels& a, const Labels& b) {
  if (a.data_ == b.data_) return 0;
  auto ia = a.begin(), ib = b.begin();
  auto ea = a.end(), eb = b.end();
  for (; ia != ea && ib != eb; ++ia, ++ib) {
    if (ia.encoded() == ib.encoded()) continue;
    if (int c = ia->name.compare(ib->name); c != 0) return c < 0 ? -1 : 1;
    if (int c = ia->value.compare(ib->value); c != 0) return c < 0 ? -1 : 1;
  }
  if (ia == ea && ib == eb) return 0;
  return ia == ea ? -1 : 1;
}

std::string Labels::ToStringImpl(bool space) const {
  std::string out;
  out.reserve(data_.size() + 2 + 4 * size());
  out.push_back('{');
  bool first = true;
  for (const Label& l : *this) {
    if (!first) {
      out.push_back(',');
      if (space) out.push_back(' ');
    }
    first = false;
    if (IsLegacyLabelName(l.name)) {
      out.append(l.name);
    } else {
      util::AppendGoQuote(out, l.name);
    }
    out.push_back('=');
    util::AppendGoQuote(out, l.value);
  }
  out.push_back('}');
  return out;
}

std::string Labels::ToString() const { return ToStringImpl(true); }
std::string Labels::ToStringNoSpace() const { return ToStringImpl(false); }

LabelsBuilder& LabelsBuilder::Set(std::string_view name, std::string_view value) {
  if (value.empty()) return Del(name);
  for (auto& [n, v] : add_) {
    if (n == name) {
      v.assign(value);
      return *this;
    }
  }
  return Add(name, value);
}

LabelsBuilder& LabelsBuilder::Del(std::string_view name) {
  add_.erase(
      std::remove_if(add_.begin(), add_.end(), [&](const auto& p) { return p.first == name; }),
      add_.end());
  del_.emplace_back(name);
  return *this;
}

LabelsBuilder& LabelsBuilder::Keep(std::span<const std::string> names) {
  for (const Label& l : base_) {
    if (!Contains(names, l.name)) del_.emplace_back(l.name);
  }
  return *this;
}

LabelsBuilder& LabelsBuilder::Keep(std::span<const std::string_view> names) {
  for (const Label& l : base_) {
    if (!Contains(names, l.name)) del_.emplace_back(l.name);
  }
  return *this;
}

bool LabelsBuilder::Deleted(std::string_view name) const {
  return std::find(del_.begin(), del_.end(), name) != del_.end();
}

bool LabelsBuilder::Added(std::string_view name) const {
  for (const auto& [n, v] : add_) {
    if (n == name) return true;
  }
  return false;
}

std::string_view LabelsBuilder::Get(std::string_view name) const {
  // Del() removes from add_ but Set() does not remove from del_, so add_ goes first.
  for (const auto& [n, v] : add_) {
    if (n == name) return v;
  }
  if (Deleted(name)) return {};
  return base_.Get(name);
}

bool LabelsBuilder::empty() const {
  for (const auto& [n, v] : add_) {
    if (!v.empty()) return false;
  }
  for (const Label& l : base_) {
    if (!Deleted(l.name) && !Added(l.name)) return false;
  }
  return true;
}

Labels LabelsBuilder::Build() const {
  if (add_.empty() && del_.empty()) return base_;
  using Entry = const std::pair<std::string, std::string>*;
  // Sort pointers to the added labels: a stable insertion sort on the stack for the usual small
  // sets, std::stable_sort beyond.
  constexpr size_t kStack = 32;
  std::array<Entry, kStack> stack;
  std::vector<Entry> heap;
  std::span<Entry> sorted;
  if (add_.size() <= kStack) {
    sorted = std::span<Entry>(stack.data(), add_.size());
  } else {
    heap.resize(add_.size());
    sorted = heap;
  }
  for (size_t i = 0; i < add_.size(); ++i) sorted[i] = &add_[i];
  auto by_name = [](Entry a, Entry b) {
    return std::string_view(a->first) < std::string_view(b->first);
  };
  if (add_.size() <= kStack) {
    for (size_t i = 1; i < sorted.size(); ++i) {
      Entry e = sorted[i];
      size_t j = i;
      for (; j > 0 && by_name(e, sorted[j - 1]); --j) sorted[j] = sorted[j - 1];
      sorted[j] = e;
    }
  } else {
    std::stable_sort(sorted.begin(), sorted.end(), by_name);
  }

  // Two passes over the same merge: the first sizes the buffer, the second fills it.
  auto merge = [&](auto&& emit_added, auto&& emit_base) {
    size_t a = 0;
    for (auto it = base_.begin(); it != base_.end(); ++it) {
      std::string_view name = it->name;
      for (; a < sorted.size() && std::string_view(sorted[a]->first) < name; ++a)
        emit_added(*sorted[a]);
      bool replaced = false;
      for (; a < sorted.size() && std::string_view(sorted[a]->first) == name; ++a) {
        emit_added(*sorted[a]);
        replaced = true;
      }
      if (replaced || Deleted(name)) continue;
      emit_base(it.encoded());
    }
    for (; a < sorted.size(); ++a) emit_added(*sorted[a]);
  };
  size_t total = 0;
  merge(
      [&](const auto& p) {
        if (!p.second.empty()) total += EncodedSize(p.first, p.second);
      },
      [&](std::string_view enc) { total += enc.size(); });
  Labels out;
  out.data_.reserve(total);
  merge(
      [&](const auto& p) {
        if (!p.second.empty()) PutLabel(&out.data_, p.first, p.second);
      },
      [&](std::string_view enc) { out.data_.append(enc); });
  return out;
}

}  // namespace promkit::model

#include "model/labels.h"

#include <algorithm>

#include "util/hash.h"

namespace promkit::model {
namespace {

void PutUvarint(std::string* out, size_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Decodes one length-prefixed string at the front of `s`; returns its size including prefix.
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
  return i + len;
}

void AppendQuoted(std::string* out, std::string_view s) {
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\t': out->append("\\t"); break;
      case '\r': out->append("\\r"); break;
      default: out->push_back(c);
    }
  }
  out->push_back('"');
}

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

Labels Labels::FromSorted(const std::vector<Label>& labels) {
  Labels out;
  size_t total = 0;
  for (const Label& l : labels) total += l.name.size() + l.value.size() + 4;
  out.data_.reserve(total);
  for (const Label& l : labels) {
    PutUvarint(&out.data_, l.name.size());
    out.data_.append(l.name);
    PutUvarint(&out.data_, l.value.size());
    out.data_.append(l.value);
  }
  return out;
}

Labels Labels::FromPairs(std::vector<std::pair<std::string, std::string>> pairs) {
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Label> ls;
  ls.reserve(pairs.size());
  for (const auto& [n, v] : pairs) ls.push_back(Label{n, v});
  return FromSorted(ls);
}

Labels Labels::FromList(std::initializer_list<std::pair<std::string_view, std::string_view>> l) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& [n, v] : l) pairs.emplace_back(n, v);
  return FromPairs(std::move(pairs));
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

uint64_t Labels::Hash() const { return util::Hash64(data_); }

int Labels::Compare(const Labels& a, const Labels& b) {
  auto ia = a.begin(), ib = b.begin();
  auto ea = a.end(), eb = b.end();
  for (; ia != ea && ib != eb; ++ia, ++ib) {
    if (int c = ia->name.compare(ib->name); c != 0) return c < 0 ? -1 : 1;
    if (int c = ia->value.compare(ib->value); c != 0) return c < 0 ? -1 : 1;
  }
  if (ia == ea && ib == eb) return 0;
  return ia == ea ? -1 : 1;
}

std::string Labels::ToString() const {
  std::string out = "{";
  bool first = true;
  for (const Label& l : *this) {
    if (!first) out.append(", ");
    first = false;
    out.append(l.name);
    out.push_back('=');
    AppendQuoted(&out, l.value);
  }
  out.push_back('}');
  return out;
}

void LabelsBuilder::Set(std::string_view name, std::string_view value) {
  for (auto& [n, v] : labels_) {
    if (n == name) {
      v.assign(value);
      return;
    }
  }
  Add(name, value);
}

void LabelsBuilder::Del(std::string_view name) {
  labels_.erase(std::remove_if(labels_.begin(), labels_.end(),
                               [&](const auto& p) { return p.first == name; }),
                labels_.end());
}

std::string_view LabelsBuilder::Get(std::string_view name) const {
  for (const auto& [n, v] : labels_) {
    if (n == name) return v;
  }
  return {};
}

Labels LabelsBuilder::Build() const {
  std::vector<Label> ls;
  ls.reserve(labels_.size());
  for (const auto& [n, v] : labels_) {
    if (!v.empty()) ls.push_back(Label{n, v});
  }
  std::stable_sort(ls.begin(), ls.end(),
                   [](const Label& a, const Label& b) { return a.name < b.name; });
  return Labels::FromSorted(ls);
}

}  // namespace promkit::model

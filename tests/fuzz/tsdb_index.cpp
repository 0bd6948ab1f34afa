// Fuzzes the index v2 reader: any bytes either fail to open with an error or open, and then
// every series, its chunk metas, every postings list and every label value read without
// crashing (errors allowed).
#include <cstdint>
#include <string>
#include <string_view>

#include "tsdb/index/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace promkit;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto r = tsdb::index::Reader::FromBytes(in, "fuzz/index");
  if (!r.ok()) return 0;
  const tsdb::index::Reader& ix = **r;
  for (std::string_view name : ix.LabelNames()) {
    for (std::string_view value : ix.LabelValues(name)) {
      auto refs = ix.Postings(name, value);
      if (!refs.ok()) continue;
      for (tsdb::index::SeriesRef ref : *refs) (void)ix.Series(ref);
    }
  }
  if (auto all = ix.AllPostings(); all.ok()) {
    for (tsdb::index::SeriesRef ref : *all) (void)ix.Series(ref);
  }
  return 0;
}

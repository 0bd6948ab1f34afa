// Fuzzes the OpenMetrics parser: any input must end in a clean EOF or an error with an offset
// inside the input, never a crash; every sample's labels come out sorted, with __name__ once
// unless the input itself names it, and scanning ahead for _created leaves the sample intact.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "textparse/openmetrics.h"
#include "util/check.h"
#include "util/source_error.h"

namespace {

void CheckSorted(const promkit::model::Labels& ls) {
  std::string_view prev;
  bool first = true;
  for (const auto& l : ls) {
    PROMKIT_CHECK(first || prev <= l.name) << "BUG: labels not sorted";
    prev = l.name;
    first = false;
  }
}

void Run(std::string_view input, bool skip_ct) {
  using promkit::textparse::Entry;
  auto p = promkit::textparse::NewOpenMetricsParser(input, {.skip_ct_series = skip_ct});
  while (p->Next()) {
    if (p->entry() != Entry::kSeries) {
      (void)p->FamilyName();
      (void)p->HelpText();
      continue;
    }
    const std::string series(p->SeriesBytes());
    const double v = p->Value();
    promkit::model::Labels ls = p->Labels();
    CheckSorted(ls);
    size_t names = 0;
    for (const auto& l : ls) names += l.name == promkit::model::kMetricName;
    PROMKIT_CHECK(names == 1 || series.find(promkit::model::kMetricName) != std::string::npos)
        << "BUG: __name__ missing or repeated for " << series;
    (void)p->CreatedTimestamp();
    PROMKIT_CHECK(p->SeriesBytes() == series) << "BUG: CreatedTimestamp moved the sample";
    PROMKIT_CHECK(p->Value() == v || v != v) << "BUG: CreatedTimestamp changed the value";
    PROMKIT_CHECK(p->Labels() == ls) << "BUG: CreatedTimestamp changed the labels";
    promkit::textparse::Exemplar e;
    int exemplars = 0;
    while (p->NextExemplar(&e)) {
      CheckSorted(e.labels);
      ++exemplars;
    }
    PROMKIT_CHECK(exemplars <= 1) << "BUG: more than one exemplar";
  }
  if (!p->Err().ok()) {
    PROMKIT_CHECK(p->error_offset() <= input.size()) << "BUG: error offset past the input";
    PROMKIT_CHECK(!p->Err().message().empty()) << "BUG: empty error message";
    (void)promkit::util::RenderSourceError("", input, p->error_offset(), 1, p->Err().message());
  }
  PROMKIT_CHECK(!p->Next()) << "BUG: Next() after the end";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  Run(input, false);
  Run(input, true);
  return 0;
}

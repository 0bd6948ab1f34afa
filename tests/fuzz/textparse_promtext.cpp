// Fuzzes the Prometheus text parser: any input ends in a clean EOF or an error whose offset lies
// inside the input, never a crash. Every sample's labels are sorted and carry __name__ once; a name
// appears twice only if the series text spells it twice (upstream passes duplicates on for the
// appender to reject); and re-parsing a sample's own series bytes, under the same TYPE, gives
// the same labels.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "textparse/promtext.h"
#include "util/check.h"
#include "util/source_error.h"

namespace {

using promkit::model::Labels;
using promkit::textparse::Entry;
using promkit::textparse::MetricType;

void CheckLabels(const Labels& ls, std::string_view series, bool type_and_unit) {
  std::string_view prev;
  bool first = true;
  size_t names = 0;
  for (const auto& l : ls) {
    PROMKIT_CHECK(first || prev <= l.name) << "BUG: labels not sorted";
    if (!first && prev == l.name) {
      PROMKIT_CHECK(series.find(l.name) != std::string_view::npos ||
                    series.find('\\') != std::string_view::npos)
          << "BUG: duplicate label name not in the input: " << l.name;
    }
    names += l.name == promkit::model::kMetricName;
    prev = l.name;
    first = false;
  }
  // In type-and-unit mode an empty name ({""}) yields no __name__ at all, as upstream.
  PROMKIT_CHECK(names == 1 || (names == 0 && type_and_unit) ||
                series.find(promkit::model::kMetricName) != std::string_view::npos)
      << "BUG: __name__ missing or repeated for " << series;
}

std::string_view TypeWord(MetricType t) {
  return t == MetricType::kUnknown ? "untyped" : promkit::textparse::MetricTypeName(t);
}

void Run(std::string_view input, bool type_and_unit) {
  auto p = promkit::textparse::NewPromTextParser(input, {.type_and_unit_labels = type_and_unit});
  std::optional<MetricType> last_type;
  while (p->Next()) {
    switch (p->entry()) {
      case Entry::kType:
        last_type = p->Type();
        (void)p->FamilyName();
        continue;
      case Entry::kHelp:
        (void)p->FamilyName();
        (void)p->HelpText();
        continue;
      case Entry::kComment:
        PROMKIT_CHECK(!p->CommentText().empty() && p->CommentText()[0] == '#')
            << "BUG: comment without its '#'";
        continue;
      case Entry::kSeries:
        break;
      default:
        PROMKIT_CHECK(false) << "BUG: unexpected entry";
    }
    const std::string series(p->SeriesBytes());
    const Labels ls = p->Labels();
    CheckLabels(ls, series, type_and_unit);
    PROMKIT_CHECK(p->Labels() == ls) << "BUG: Labels() not repeatable";
    promkit::textparse::Exemplar e;
    PROMKIT_CHECK(!p->NextExemplar(&e)) << "BUG: exemplar in the text format";

    // Round trip: the series bytes alone, after the same TYPE, parse to the same labels.
    std::string again;
    if (last_type) {
      again.append("# TYPE x ").append(TypeWord(*last_type)).append("\n");
    }
    again.append(series).append(" 1\n");
    auto q = promkit::textparse::NewPromTextParser(again, {.type_and_unit_labels = type_and_unit});
    bool found = false;
    while (q->Next()) {
      if (q->entry() != Entry::kSeries) continue;
      PROMKIT_CHECK(!found) << "BUG: one series became two";
      found = true;
      PROMKIT_CHECK(q->SeriesBytes() == series) << "BUG: series bytes changed on re-parse";
      PROMKIT_CHECK(q->Labels() == ls) << "BUG: labels changed on re-parse of " << series;
    }
    PROMKIT_CHECK(found && q->Err().ok())
        << "BUG: series did not re-parse: " << series << ": " << q->Err().ToString();
  }
  if (!p->Err().ok()) {
    PROMKIT_CHECK(p->error_offset() <= input.size()) << "BUG: error offset past the input";
    PROMKIT_CHECK(!p->Err().message().empty()) << "BUG: empty error message";
    PROMKIT_CHECK(p->entry() == Entry::kInvalid) << "BUG: entry after an error";
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

// Fuzz target for the protobuf exposition parser: any bytes must parse to a clean end or an
// error with an in-bounds offset, and every accessor must be safe on every entry.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "textparse/protobuf.h"
#include "util/check.h"

namespace {

void Drain(std::string_view in, bool classic, bool ignore_native) {
  using promkit::textparse::Entry;
  promkit::textparse::ProtobufOptions opts;
  opts.parse_classic_histograms = classic;
  opts.ignore_native_histograms = ignore_native;
  auto p = promkit::textparse::NewProtobufParser(in, opts);
  promkit::textparse::Exemplar ex;
  while (p->Next()) {
    switch (p->entry()) {
      case Entry::kHelp:
      case Entry::kUnit:
      case Entry::kType:
        (void)p->FamilyName();
        (void)p->HelpText();
        (void)p->UnitText();
        (void)p->Type();
        break;
      case Entry::kSeries:
      case Entry::kHistogram: {
        auto ls = p->Labels();
        PROMKIT_CHECK(!ls.MetricName().empty()) << "BUG: series without a name";
        (void)p->SeriesBytes();
        (void)p->Value();
        (void)p->Timestamp();
        (void)p->CreatedTimestamp();
        const bool native = p->entry() == Entry::kHistogram;
        const bool has_int = p->NativeHistogram() != nullptr;
        const bool has_float = p->NativeFloatHistogram() != nullptr;
        PROMKIT_CHECK(native == (has_int || has_float) && !(has_int && has_float))
            << "BUG: histogram accessors disagree with the entry";
        if (has_int) (void)p->NativeHistogram()->Validate();
        if (has_float) (void)p->NativeFloatHistogram()->Validate();
        int n = 0;
        while (p->NextExemplar(&ex)) {
          PROMKIT_CHECK(++n <= 1 << 20) << "BUG: endless exemplars";
        }
        break;
      }
      default:
        PROMKIT_CHECK(false) << "BUG: unexpected entry";
        break;
    }
  }
  if (!p->Err().ok()) {
    PROMKIT_CHECK(p->error_offset() <= in.size()) << "BUG: error offset out of bounds";
  }
  PROMKIT_CHECK(!p->Next()) << "BUG: Next() after the end";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Drain(in, false, false);
  Drain(in, true, false);
  Drain(in, false, true);
  return 0;
}

// Fuzzes the expfmt-compatible family parser and promlint under both name-validation schemes:
// no input may crash, an error must point inside the input and name its line, and a parse that
// succeeds must lint.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "textparse/families.h"
#include "textparse/promlint.h"
#include "util/check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  for (auto scheme :
       {promkit::textparse::NameValidation::kLegacy, promkit::textparse::NameValidation::kUtf8}) {
    promkit::textparse::TextParseErrorInfo info;
    auto parsed = promkit::textparse::ParseTextFamilies(in, scheme, &info);
    if (!parsed.ok()) {
      PROMKIT_CHECK(info.offset <= in.size()) << "BUG: error offset past the input";
      PROMKIT_CHECK(info.line >= 1) << "BUG: error without a line";
      continue;
    }
    for (const auto& f : parsed->families) {
      PROMKIT_CHECK(!f.metrics.empty()) << "BUG: empty family kept";
      for (uint32_t idx : f.metrics) {
        PROMKIT_CHECK(idx < parsed->metrics.size()) << "BUG: metric index out of range";
      }
    }
    auto problems = promkit::textparse::LintFamilies(*parsed);
    (void)problems;
  }
  return 0;
}

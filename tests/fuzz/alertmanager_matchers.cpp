// Fuzzes Alertmanager's matcher parsers (classic, UTF-8 and the fallback between them): no
// input crashes them, and what the UTF-8 parser accepts reparses from its printed form.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "alertmanager/matchers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace promkit::alertmanager;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)ParseClassicMatchers(in);
  (void)ParseMatchers(in);
  (void)ParseMatcher(in);
  auto utf8 = ParseUtf8Matchers(in);
  if (utf8.ok()) {
    auto again = ParseUtf8Matchers(MatchersString(*utf8));
    if (!again.ok() || again->size() != utf8->size()) std::abort();
    for (const Matcher& m : *utf8) (void)m.Matches("x");
  }
  return 0;
}

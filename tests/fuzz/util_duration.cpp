// Fuzzes the Prometheus and Go duration parsers: never crash, and whatever parses formats to a
// canonical string that parses back to the same value.
#include <cstdint>
#include <string_view>

#include "util/check.h"
#include "util/duration.h"
#include "util/strings.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace promkit::util;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  if (Result<int64_t> ms = ParseDurationAllowNegative(in); ms.ok()) {
    const std::string s = FormatDuration(*ms);
    Result<int64_t> back = ParseDurationAllowNegative(s);
    PROMKIT_CHECK(back.ok()) << "BUG: " << GoQuote(s) << " from " << GoQuote(in)
                             << " does not parse: " << back.status().ToString();
    PROMKIT_CHECK(*back == *ms) << "BUG: " << GoQuote(in) << " -> " << s << " changed value";
  }
  if (Result<int64_t> ns = ParseGoDuration(in); ns.ok()) {
    const std::string s = FormatGoDuration(*ns);
    Result<int64_t> back = ParseGoDuration(s);
    PROMKIT_CHECK(back.ok()) << "BUG: " << GoQuote(s) << " from " << GoQuote(in)
                             << " does not parse: " << back.status().ToString();
    PROMKIT_CHECK(*back == *ns) << "BUG: " << GoQuote(in) << " -> " << s << " changed value";
  }
  return 0;
}

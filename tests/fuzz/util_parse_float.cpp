// Fuzzes ParseFloat: it must never crash, and every accepted value must survive the shortest
// formatting in each of 'g', 'e' and 'f' and parse back to the same bits (-0 included).
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "util/check.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace {

uint64_t Bits(double v) {
  uint64_t b;
  std::memcpy(&b, &v, sizeof(b));
  return b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace promkit::util;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  Result<double> r = ParseFloat(in);
  if (!r.ok()) {
    PROMKIT_CHECK(r.status().message().rfind("strconv.ParseFloat: parsing ", 0) == 0)
        << "BUG: unexpected error text: " << r.status().ToString();
    return 0;
  }
  const double v = *r;
  if (std::isnan(v)) return 0;
  for (char fmt : {'g', 'e', 'f'}) {
    const std::string s = FormatFloat(v, fmt, -1);
    Result<double> back = ParseFloat(s);
    PROMKIT_CHECK(back.ok()) << "BUG: " << GoQuote(s)
                             << " does not parse back: " << back.status().ToString();
    PROMKIT_CHECK(Bits(*back) == Bits(v))
        << "BUG: " << GoQuote(in) << " -> " << s << " -> different bits";
  }
  return 0;
}

// Fuzzes the rule-file parser: arbitrary YAML never crashes it, errors point inside the input,
// a file that parses strictly also parses with unknown fields ignored (to the same rules), and
// the duplicate-rules lint runs over whatever parsed.
#include <cstdint>
#include <string_view>

#include "rules/rulefmt/lint.h"
#include "rules/rulefmt/rulefmt.h"
#include "util/check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace rulefmt = promkit::rules::rulefmt;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  rulefmt::ParseResult strict = rulefmt::Parse(in);
  for (const rulefmt::Error& e : strict.errors) {
    PROMKIT_CHECK(!e.message.empty()) << "BUG: empty error message";
    PROMKIT_CHECK(e.offset == std::string_view::npos || e.offset <= in.size())
        << "BUG: error offset " << e.offset << " past the input (" << in.size() << " bytes)";
  }
  rulefmt::ParseOptions lenient;
  lenient.ignore_unknown_fields = true;
  rulefmt::ParseResult relaxed = rulefmt::Parse(in, lenient);
  if (strict.ok()) {
    PROMKIT_CHECK(relaxed.ok()) << "BUG: strict parse accepted what the lenient one rejected: "
                                << relaxed.errors[0].message;
    PROMKIT_CHECK(relaxed.RuleCount() == strict.RuleCount()) << "BUG: rule counts differ";
    (void)rulefmt::FindDuplicateRules(strict.groups);
  }
  return 0;
}

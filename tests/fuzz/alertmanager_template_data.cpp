// Fuzzes the template data decoder (`am template render --template.data`) and renders the
// subject and an alert list of what decodes.
#include <cstdint>
#include <string_view>

#include "alertmanager/template.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace promkit::alertmanager;
  static const TemplateSet* set = [] {
    auto s = TemplateSet::FromGlobs({});
    return new TemplateSet(std::move(*s));  // NOLINT: lives for the process
  }();
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto d = ParseTemplateData(in);
  if (!d.ok()) return 0;
  (void)set->ExecuteText("{{ template \"__subject\" . }}{{ template \"sns.default.message\" . }}",
                         TemplateDataValue(*d));
  return 0;
}

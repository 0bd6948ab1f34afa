// Differential fuzzer for util's fast YAML reader: for every input, ParseYaml (the reader,
// falling back to yaml-cpp when it declines) must give exactly what the yaml-cpp front end alone
// gives: the same tree (kinds, tags, values, lines, columns, items) or the same error.
#include <cstdint>
#include <string_view>

#include "util/check.h"
#include "util/yaml_tree.h"

namespace {

using promkit::util::YamlNode;

bool Same(const YamlNode& a, const YamlNode& b) {
  if (a.kind != b.kind || a.tag != b.tag || a.value != b.value || a.line != b.line ||
      a.col != b.col || a.items.size() != b.items.size()) {
    return false;
  }
  for (size_t i = 0; i < a.items.size(); ++i) {
    if (!Same(a.items[i], b.items[i])) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto want = promkit::util::ParseYamlWithYamlCpp(in);
  auto got = promkit::util::ParseYaml(in);
  PROMKIT_CHECK(got.ok() == want.ok()) << "BUG: the fast reader and yaml-cpp disagree on success";
  if (!want.ok()) {
    PROMKIT_CHECK(got.status().message() == want.status().message())
        << "BUG: the fast reader changed an error message";
    return 0;
  }
  PROMKIT_CHECK(Same(*got, *want)) << "BUG: the fast reader built a different tree";
  return 0;
}

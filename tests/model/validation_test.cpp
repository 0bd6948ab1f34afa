#include "model/validation.h"

#include <string>
#include <tuple>

#include <gtest/gtest.h>

namespace promkit::model {
namespace {

TEST(Validation, Names) {
  // name, legacy metric, legacy label, UTF-8 (metric and label)
  const std::tuple<std::string, bool, bool, bool> cases[] = {
      {"up", true, true, true},
      {"__name__", true, true, true},
      {"_", true, true, true},
      {"a1", true, true, true},
      {"1a", false, false, true},
      {"a:b", true, false, true},
      {":a", true, false, true},
      {"a.b", false, false, true},
      {"a-b", false, false, true},
      {"a b", false, false, true},
      {"h\u00e9", false, false, true},
      {"\U0001F600", false, false, true},
      {"", false, false, false},
      {"a\xff", false, false, false},
      {"\xed\xa0\x80", false, false, false},  // surrogate
      {std::string("a\0b", 3), false, false, true},
  };
  for (const auto& [name, legacy_metric, legacy_label, utf8] : cases) {
    SCOPED_TRACE(name);
    EXPECT_EQ(IsLegacyMetricName(name), legacy_metric);
    EXPECT_EQ(IsLegacyLabelName(name), legacy_label);
    EXPECT_EQ(IsValidMetricName(name, ValidationScheme::kLegacy), legacy_metric);
    EXPECT_EQ(IsValidLabelName(name, ValidationScheme::kLegacy), legacy_label);
    EXPECT_EQ(IsValidMetricName(name), utf8);
    EXPECT_EQ(IsValidLabelName(name), utf8);
    EXPECT_EQ(IsValidMetricName(name, ValidationScheme::kUtf8), utf8);
  }
}

TEST(Validation, Values) {
  const std::pair<std::string, bool> cases[] = {
      {"", true},      {"anything goes", true}, {"\u00e9\n\t", true},
      {"\xff", false}, {"\xc0\xaf", false},  // overlong
  };
  for (const auto& [v, ok] : cases) {
    SCOPED_TRACE(v);
    EXPECT_EQ(IsValidLabelValue(v), ok);
  }
}

}  // namespace
}  // namespace promkit::model

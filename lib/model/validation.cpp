#include "model/validation.h"

#include "util/strings.h"

namespace promkit::model {
namespace {

constexpr bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

// Upstream ranges over runes, but every accepted rune is ASCII, so a byte walk decides the same:
// any byte >= 0x80 belongs to a rune (or an invalid byte) that is rejected either way.
bool IsLegacyMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (!(IsAsciiLetter(c) || c == '_' || c == ':' || (i > 0 && IsDigit(c)))) return false;
  }
  return true;
}

bool IsLegacyLabelName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (!(IsAsciiLetter(c) || c == '_' || (i > 0 && IsDigit(c)))) return false;
  }
  return true;
}

bool IsValidMetricName(std::string_view name, ValidationScheme scheme) {
  if (scheme == ValidationScheme::kLegacy) return IsLegacyMetricName(name);
  return !name.empty() && util::IsValidUtf8(name);
}

bool IsValidLabelName(std::string_view name, ValidationScheme scheme) {
  if (scheme == ValidationScheme::kLegacy) return IsLegacyLabelName(name);
  return !name.empty() && util::IsValidUtf8(name);
}

bool IsValidLabelValue(std::string_view value) { return util::IsValidUtf8(value); }

}  // namespace promkit::model

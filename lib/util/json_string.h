#pragma once
// JSON string literals byte for byte as the Go encoders Prometheus tools use write them. Three
// dialects meet in promkit's output:
//  * kGoStd: Go's encoding/json (Go >= 1.22, as promtool 3.x is built): `"` `\` \n \r \t \b \f
//    escaped short, other bytes < 0x20 as \u00XX, < > & as \u003c \u003e \u0026, U+2028 and
//    U+2029 as \u2028 \u2029, invalid UTF-8 bytes as \ufffd.
//  * kJsoniterHtml: json-iterator's ConfigCompatibleWithStandardLibrary string encoder (the
//    Prometheus HTTP API for plain strings: errors, warnings, label values): as kGoStd but \b
//    and \f as \u0008 \u000c.
//  * kJsoniterRaw: json-iterator's Stream.WriteString (the HTTP API for label names and values
//    inside metrics): only `"` `\` \n \r \t and bytes < 0x20 escaped; everything else, invalid
//    UTF-8 included, copied as is.
// Pure functions; thread-safe.

#include <string>
#include <string_view>

namespace promkit::util {

enum class JsonDialect { kGoStd, kJsoniterHtml, kJsoniterRaw };

// Appends `s` as a quoted JSON string in `dialect`.
void AppendJsonString(std::string& out, std::string_view s, JsonDialect dialect);
std::string JsonString(std::string_view s, JsonDialect dialect);

}  // namespace promkit::util

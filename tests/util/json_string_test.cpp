// JSON string dialects: Go's encoding/json (Go >= 1.22), json-iterator's HTML-escaping encoder
// and its raw Stream.WriteString. Expected bytes follow the Go sources (encoding/json
// encode.go appendString, json-iterator stream_str.go).
#include "util/json_string.h"

#include <string>
#include <string_view>
#include <tuple>

#include <gtest/gtest.h>

namespace promkit::util {
namespace {

TEST(JsonString, Dialects) {
  using std::string_view_literals::operator""sv;
  // input, kGoStd, kJsoniterHtml, kJsoniterRaw
  const std::tuple<std::string_view, std::string_view, std::string_view, std::string_view> cases[] =
      {
          {"", R"("")", R"("")", R"("")"},
          {"plain text", R"("plain text")", R"("plain text")", R"("plain text")"},
          {"q\"b\\", R"("q\"b\\")", R"("q\"b\\")", R"("q\"b\\")"},
          {"\n\r\t", R"("\n\r\t")", R"("\n\r\t")", R"("\n\r\t")"},
          {"\b\f", R"("\b\f")", R"("\u0008\u000c")", R"("\u0008\u000c")"},
          {"\x01\x1f\x7f"sv, "\"\\u0001\\u001f\x7f\"", "\"\\u0001\\u001f\x7f\"",
           "\"\\u0001\\u001f\x7f\""},
          {"a<b&c>d", R"("a\u003cb\u0026c\u003ed")", R"("a\u003cb\u0026c\u003ed")", R"("a<b&c>d")"},
          {"\xc3\xa9", "\"\xc3\xa9\"", "\"\xc3\xa9\"", "\"\xc3\xa9\""},
          {"x\xe2\x80\xa8y\xe2\x80\xa9", R"("x\u2028y\u2029")", R"("x\u2028y\u2029")",
           "\"x\xe2\x80\xa8y\xe2\x80\xa9\""},
          {"bad\xff\xc3", R"("bad\ufffd\ufffd")", R"("bad\ufffd\ufffd")", "\"bad\xff\xc3\""},
          {"nul\0x"sv, R"("nul\u0000x")", R"("nul\u0000x")", R"("nul\u0000x")"},
      };
  for (const auto& [in, go, html, raw] : cases) {
    SCOPED_TRACE(std::string(in));
    EXPECT_EQ(JsonString(in, JsonDialect::kGoStd), go);
    EXPECT_EQ(JsonString(in, JsonDialect::kJsoniterHtml), html);
    EXPECT_EQ(JsonString(in, JsonDialect::kJsoniterRaw), raw);
  }
}

TEST(JsonString, Appends) {
  std::string out = "[";
  AppendJsonString(out, "a", JsonDialect::kGoStd);
  out += ',';
  AppendJsonString(out, "<", JsonDialect::kJsoniterRaw);
  EXPECT_EQ(out, R"(["a","<")");
}

}  // namespace
}  // namespace promkit::util

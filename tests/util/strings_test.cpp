// Expected values in these tables were produced by Go 1.19's strconv.Quote, strings.TrimSpace
// and strings.SplitN. Octal escapes keep each byte explicit.
#include "util/strings.h"

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace promkit::util {
namespace {

using namespace std::string_view_literals;

TEST(GoQuote, MatchesGo) {
  struct Case {
    std::string_view in;
    std::string_view want;
  };
  const Case cases[] = {
      {""sv, "\042\042"sv},
      {"abc"sv, "\042abc\042"sv},
      {"a\042b\134c"sv, "\042a\134\042b\134\134c\042"sv},
      {"\007\010\014\012\015\011\013"sv, "\042\134a\134b\134f\134n\134r\134t\134v\042"sv},
      {"\000\001\037\177"sv, "\042\134x00\134x01\134x1f\134x7f\042"sv},
      {"\303\251"sv, "\042\303\251\042"sv},
      {"\302\240"sv, "\042\134u00a0\042"sv},
      {"\302\255"sv, "\042\134u00ad\042"sv},
      {"\302\241"sv, "\042\302\241\042"sv},
      {"\346\227\245\346\234\254\350\252\236"sv, "\042\346\227\245\346\234\254\350\252\236\042"sv},
      {"\342\200\250"sv, "\042\134u2028\042"sv},
      {"\342\200\213"sv, "\042\134u200b\042"sv},
      {"\357\273\277"sv, "\042\134ufeff\042"sv},
      {"\360\237\230\200"sv, "\042\360\237\230\200\042"sv},
      {"\363\240\200\201"sv, "\042\134U000e0001\042"sv},
      {"\364\217\277\277"sv, "\042\134U0010ffff\042"sv},
      {"\357\277\275"sv, "\042\357\277\275\042"sv},
      {"\377"sv, "\042\134xff\042"sv},
      {"\303"sv, "\042\134xc3\042"sv},
      {"\303("sv, "\042\134xc3(\042"sv},
      {"\355\240\200"sv, "\042\134xed\134xa0\134x80\042"sv},
      {"\340\200\257"sv, "\042\134xe0\134x80\134xaf\042"sv},
      {"\364\220\200\200"sv, "\042\134xf4\134x90\134x80\134x80\042"sv},
      {"\360\237\230"sv, "\042\134xf0\134x9f\134x98\042"sv},
      {"a\377b\376"sv, "\042a\134xffb\134xfe\042"sv},
      {"\315\270"sv, "\042\134u0378\042"sv},
      {"\302\205"sv, "\042\134u0085\042"sv},
      {"\343\200\200"sv, "\042\134u3000\042"sv},
      {"tab\011here"sv, "\042tab\134there\042"sv},
      {"'single'"sv, "\042'single'\042"sv},
      {"\330\234"sv, "\042\134u061c\042"sv},
      {"\360\235\205\263"sv, "\042\134U0001d173\042"sv},
      {"\360\240\200\200"sv, "\042\360\240\200\200\042"sv},
      {"\363\260\200\200"sv, "\042\134U000f0000\042"sv},
      {"\355\237\277"sv, "\042\134ud7ff\042"sv},
      {"\357\277\275"sv, "\042\357\277\275\042"sv},
      {"\300\200"sv, "\042\134xc0\134x80\042"sv},
      {"new\012line"sv, "\042new\134nline\042"sv},
      {" "sv, "\042 \042"sv},
      {"~"sv, "\042~\042"sv},
      {"\342\200\251x"sv, "\042\134u2029x\042"sv},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.want));
    EXPECT_EQ(GoQuote(c.in), c.want);
  }
}

TEST(GoQuote, AppendsToExisting) {
  std::string out = "x=";
  AppendGoQuote(out, "a\tb");
  EXPECT_EQ(out, "x=\"a\\tb\"");
}

TEST(GoQuote, EveryByteSequenceRoundTripsThroughEscapes) {
  // Every single byte and every BMP rune quotes to something that only contains printable
  // ASCII or valid UTF-8 and starts/ends with a quote.
  for (int b = 0; b < 256; ++b) {
    std::string s(1, static_cast<char>(b));
    std::string q = GoQuote(s);
    SCOPED_TRACE(b);
    EXPECT_TRUE(IsValidUtf8(q));
    EXPECT_EQ(q.front(), '"');
    EXPECT_EQ(q.back(), '"');
  }
}

TEST(IsPrint, MatchesGoSamples) {
  EXPECT_TRUE(IsPrint(' '));
  EXPECT_FALSE(IsPrint('\t'));
  EXPECT_FALSE(IsPrint(0x7F));
  EXPECT_FALSE(IsPrint(0xA0));  // no-break space is a space, not printable for Go
  EXPECT_TRUE(IsPrint(0xA1));
  EXPECT_FALSE(IsPrint(0xAD));  // soft hyphen (format)
  EXPECT_TRUE(IsPrint(0xAE));
  EXPECT_TRUE(IsPrint(0x1F600));
  EXPECT_FALSE(IsPrint(0xE0001));
  EXPECT_FALSE(IsPrint(0xD800));
  EXPECT_FALSE(IsPrint(0x110000));
}

TEST(Utf8, DecodeAndValidate) {
  struct Case {
    std::string_view in;
    char32_t rune;
    int width;
    bool valid;
  };
  const Case cases[] = {
      {""sv, kRuneError, 0, true},
      {"a"sv, 'a', 1, true},
      {"\303\251"sv, 0xE9, 2, true},
      {"\342\202\254"sv, 0x20AC, 3, true},
      {"\360\237\230\200"sv, 0x1F600, 4, true},
      {"\357\277\275"sv, 0xFFFD, 3, true},
      {"\300\200"sv, kRuneError, 1, false},          // overlong NUL
      {"\340\200\257"sv, kRuneError, 1, false},      // overlong '/'
      {"\355\240\200"sv, kRuneError, 1, false},      // surrogate D800
      {"\364\220\200\200"sv, kRuneError, 1, false},  // above U+10FFFF
      {"\360\237\230"sv, kRuneError, 1, false},      // truncated
      {"\200"sv, kRuneError, 1, false},              // lone continuation
      {"\303("sv, kRuneError, 1, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(GoQuote(c.in));
    DecodedRune d = DecodeRune(c.in);
    EXPECT_EQ(d.rune, c.rune);
    EXPECT_EQ(d.width, c.width);
    EXPECT_EQ(IsValidUtf8(c.in), c.valid);
  }
}

TEST(Utf8, DecodeLastRune) {
  EXPECT_EQ(DecodeLastRune("a\303\251"sv).rune, 0xE9u);
  EXPECT_EQ(DecodeLastRune("a\303\251"sv).width, 2);
  EXPECT_EQ(DecodeLastRune("\303\251\251"sv).width, 1);
  EXPECT_EQ(DecodeLastRune("\303\251\251"sv).rune, kRuneError);
  EXPECT_EQ(DecodeLastRune("x"sv).rune, U'x');
  EXPECT_EQ(DecodeLastRune(""sv).width, 0);
}

TEST(Utf8, AppendRuneRoundTrips) {
  for (char32_t r : {U'a', char32_t{0x7FF}, char32_t{0x800}, char32_t{0xFFFF}, char32_t{0x10000},
                     char32_t{0x10FFFF}}) {
    SCOPED_TRACE(static_cast<uint32_t>(r));
    std::string s;
    AppendRune(s, r);
    DecodedRune d = DecodeRune(s);
    EXPECT_EQ(d.rune, r);
    EXPECT_EQ(static_cast<size_t>(d.width), s.size());
  }
  std::string s;
  AppendRune(s, 0xD800);
  EXPECT_EQ(s, "\357\277\275");
}

TEST(TrimSpace, MatchesGo) {
  struct Case {
    std::string_view in;
    std::string_view want;
  };
  const Case cases[] = {
      {""sv, ""sv},
      {"  a b  "sv, "a b"sv},
      {"\011\012\013\014\015 x \302\205\302\240"sv, "x"sv},
      {"\343\200\200\342\200\200x\342\200\212"sv, "x"sv},
      {"\342\200\213x\342\200\213"sv, "\342\200\213x\342\200\213"sv},
      {"\377 x"sv, "\377 x"sv},
      {"x \377"sv, "x \377"sv},
      {" \240"sv, "\240"sv},
      {"\341\232\200\342\201\237y\342\200\257\342\200\250\342\200\251"sv, "y"sv},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(GoQuote(c.in));
    EXPECT_EQ(TrimSpace(c.in), c.want);
  }
}

TEST(SplitString, MatchesGo) {
  struct Case {
    std::string_view in;
    std::string_view sep;
    int n;
    std::vector<std::string_view> want;
  };
  // Deviation from Go: with an empty separator an invalid byte is its own piece, not U+FFFD.
  const Case cases[] = {
      {"a,b,c"sv, ","sv, -1, {"a"sv, "b"sv, "c"sv}},
      {""sv, ","sv, -1, {""sv}},
      {","sv, ","sv, -1, {""sv, ""sv}},
      {"a,b,c"sv, ","sv, 2, {"a"sv, "b,c"sv}},
      {"a,b,c"sv, ","sv, 0, {}},
      {"a,b,c"sv, ","sv, 1, {"a,b,c"sv}},
      {"abc"sv, ""sv, -1, {"a"sv, "b"sv, "c"sv}},
      {"a\377\303\251"sv, ""sv, -1, {"a"sv, "\377"sv, "\303\251"sv}},
      {"abc"sv, ""sv, 2, {"a"sv, "bc"sv}},
      {"a::b::"sv, "::"sv, -1, {"a"sv, "b"sv, ""sv}},
      {"abc"sv, "x"sv, -1, {"abc"sv}},
      {""sv, ""sv, -1, {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(GoQuote(c.in) + " sep " + GoQuote(c.sep) + " n " + std::to_string(c.n));
    EXPECT_EQ(SplitString(c.in, c.sep, c.n), c.want);
  }
}

}  // namespace
}  // namespace promkit::util

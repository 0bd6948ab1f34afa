#pragma once
// Go-compatible string helpers: strconv.Quote, utf8 decoding, strings.TrimSpace, strings.Split.
// Prometheus prints label values, error messages and names through %q, so these must produce
// exactly Go's bytes. All functions are pure and thread-safe.

#include <string>
#include <string_view>
#include <vector>

namespace promkit::util {

// The Unicode replacement character, returned for invalid UTF-8 as Go's utf8.RuneError.
inline constexpr char32_t kRuneError = 0xFFFD;
inline constexpr char32_t kMaxRune = 0x10FFFF;

struct DecodedRune {
  char32_t rune;  // kRuneError for an invalid or empty input
  int width;      // bytes consumed: 0 for empty input, 1 for an invalid byte
};

// Decodes the first rune of `s` like Go's utf8.DecodeRuneInString: overlong encodings,
// surrogates and values above U+10FFFF are invalid and yield {kRuneError, 1}.
DecodedRune DecodeRune(std::string_view s);
// Decodes the last rune of `s` like Go's utf8.DecodeLastRuneInString.
DecodedRune DecodeLastRune(std::string_view s);
// Appends the UTF-8 encoding of `r` (invalid runes, e.g. surrogates, as U+FFFD) like
// utf8.AppendRune.
void AppendRune(std::string& out, char32_t r);

// True when `s` is entirely valid UTF-8 (Go's utf8.ValidString).
bool IsValidUtf8(std::string_view s);

// Go's unicode.IsPrint (= strconv.IsPrint): letters, marks, numbers, punctuation, symbols and
// the ASCII space, per the Unicode tables of Go 1.19.
bool IsPrint(char32_t r);
// Go's unicode.IsSpace.
bool IsSpace(char32_t r);

// Go's strconv.Quote: a double-quoted Go string literal for `s`, with \a \b \f \n \r \t \v \\ \"
// escapes, other non-printable runes as \xNN, \uNNNN or \UNNNNNNNN and invalid UTF-8 bytes as
// \xNN (lower-case hex).
std::string GoQuote(std::string_view s);
// Appends GoQuote(s) to `out`.
void AppendGoQuote(std::string& out, std::string_view s);

// Go's strconv.QuoteRune: a single-quoted Go rune literal for `r`, escaped as GoQuote escapes
// (with \' instead of \"); invalid runes (surrogates, above U+10FFFF) quote as U+FFFD.
std::string GoQuoteRune(char32_t r);
// Appends GoQuoteRune(r) to `out`.
void AppendGoQuoteRune(std::string& out, char32_t r);

// Go's strings.TrimSpace: strips leading and trailing Unicode white space. The result views `s`.
std::string_view TrimSpace(std::string_view s);

// Go's strings.SplitN(s, sep, n): the pieces of `s` between occurrences of `sep`. An empty `sep`
// splits after each UTF-8 sequence. n < 0 returns all pieces, n == 0 none, n > 0 at most n (the
// last holds the rest). Splitting "" by a non-empty sep gives one empty piece. Results view `s`.
std::vector<std::string_view> SplitString(std::string_view s, std::string_view sep, int n = -1);

// Go's unicode.ToUpper / unicode.ToLower for one rune, exact for
// ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic; other runes map to themselves.
char32_t UpperRune(char32_t r);
char32_t LowerRune(char32_t r);
// Go's strings.ToUpper / strings.ToLower with the rune mapping above; invalid UTF-8 bytes become
// U+FFFD as Go's strings.Map writes them.
// Go's url.QueryEscape: unreserved bytes kept, space as '+', everything else %XX.
std::string UrlQueryEscape(std::string_view s);
// Go's url.Values.Encode(): pairs sorted stably by key, each side query-escaped, joined by '&'.
std::string UrlValuesEncode(std::vector<std::pair<std::string, std::string>> params);

std::string ToUpper(std::string_view s);
std::string ToLower(std::string_view s);

}  // namespace promkit::util

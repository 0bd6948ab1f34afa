#pragma once
// Pieces the Prometheus text and OpenMetrics parsers share: the lexer's token kinds (upstream
// model/textparse declares one token type for both lexers), their names as error messages print
// them, unescaping of quoted strings and help texts, and the NaN samples are stored as.

#include <bit>
#include <cstdint>
#include <string>
#include <string_view>

namespace promkit::textparse::internal {

// Upstream's token type. kWhitespace and kBlank come only from the Prometheus text lexer.
enum class Tok : int8_t {
  kInvalid = -1,
  kEof = 0,
  kLinebreak,
  kWhitespace,
  kHelp,
  kType,
  kUnit,
  kEofWord,
  kText,
  kComment,
  kBlank,
  kMName,
  kQString,
  kBraceOpen,
  kBraceClose,
  kLName,
  kLValue,
  kComma,
  kEqual,
  kTimestamp,
  kValue,
};

// Upstream's token.String() names, which appear (quoted) in error messages.
std::string_view TokName(Tok t);

// Appends `s` with \\, \" and \n (label values, quoted names; `quotes` true) or only \\ and \n
// (Prometheus text help; `quotes` false) unescaped; other backslash pairs stay as they are, as
// upstream's strings.Replacer does.
void AppendUnescaped(std::string& out, std::string_view s, bool quotes);

// Prometheus's value.NormalNaN: the one NaN bit pattern samples carry (StaleNaN is another).
inline double NormalNaN() { return std::bit_cast<double>(uint64_t{0x7ff8000000000001}); }

}  // namespace promkit::textparse::internal

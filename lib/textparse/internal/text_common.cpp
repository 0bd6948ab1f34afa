#include "textparse/internal/text_common.h"

namespace promkit::textparse::internal {

std::string_view TokName(Tok t) {
  switch (t) {
    case Tok::kInvalid:
      return "INVALID";
    case Tok::kEof:
      return "EOF";
    case Tok::kLinebreak:
      return "LINEBREAK";
    case Tok::kWhitespace:
      return "WHITESPACE";
    case Tok::kHelp:
      return "HELP";
    case Tok::kType:
      return "TYPE";
    case Tok::kUnit:
      return "UNIT";
    case Tok::kEofWord:
      return "EOFWORD";
    case Tok::kText:
      return "TEXT";
    case Tok::kComment:
      return "COMMENT";
    case Tok::kBlank:
      return "BLANK";
    case Tok::kMName:
      return "MNAME";
    case Tok::kQString:
      return "QSTRING";
    case Tok::kBraceOpen:
      return "BOPEN";
    case Tok::kBraceClose:
      return "BCLOSE";
    case Tok::kLName:
      return "LNAME";
    case Tok::kLValue:
      return "LVALUE";
    case Tok::kComma:
      return "COMMA";
    case Tok::kEqual:
      return "EQUAL";
    case Tok::kTimestamp:
      return "TIMESTAMP";
    case Tok::kValue:
      return "VALUE";
  }
  return "INVALID";
}

void AppendUnescaped(std::string& out, std::string_view s, bool quotes) {
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {
      const char n = s[i + 1];
      if (n == '\\' || (quotes && n == '"')) {
        out.push_back(n);
        ++i;
        continue;
      }
      if (n == 'n') {
        out.push_back('\n');
        ++i;
        continue;
      }
    }
    out.push_back(c);
  }
}

}  // namespace promkit::textparse::internal

// Fuzzes regex label matchers. Input: the regex, then NUL-separated subjects. Checks that
// compiling and matching never crash, that the fast paths answer exactly as a plain RE2
// FullMatch of `(?s:re)` (on the subject with invalid UTF-8 bytes read as U+FFFD, as Go's regexp
// reads them), and that a regex is rejected exactly when RE2 rejects it (up to the documented
// Go/RE2 differences).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "model/matchers.h"
#include "util/strings.h"

namespace {

using promkit::model::Matcher;
using promkit::model::MatchType;

[[noreturn]] void Fail(const char* what, std::string_view re, std::string_view s) {
  std::fprintf(stderr, "model_matcher: %s\nregex:   %s\nsubject: %s\n", what,
               promkit::util::GoQuote(re).c_str(), promkit::util::GoQuote(s).c_str());
  std::abort();
}

std::string Repair(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    promkit::util::DecodedRune r = promkit::util::DecodeRune(s.substr(i));
    if (r.rune == promkit::util::kRuneError && r.width == 1) {
      out.append("\uFFFD");
    } else {
      out.append(s.substr(i, static_cast<size_t>(r.width)));
    }
    i += static_cast<size_t>(r.width);
  }
  return out;
}

bool PlainAlternation(std::string_view re) {
  return re.find_first_of("\\.+*?()[]{}^$") == std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nul = in.find('\0');
  std::string re(in.substr(0, nul));
  std::vector<std::string> subjects = {"", re, "\n", "foo", "FOO", "\u212A", "\xff"};
  while (nul != std::string_view::npos) {
    in.remove_prefix(nul + 1);
    nul = in.find('\0');
    subjects.emplace_back(in.substr(0, nul));
  }

  auto m = Matcher::Make(MatchType::kRegexMatch, "l", re);
  RE2::Options opts;
  opts.set_dot_nl(true);
  opts.set_log_errors(false);
  opts.set_max_mem(int64_t{32} << 20);
  RE2 ref(re, opts);

  if (!m.ok()) {
    if (m.status().ToString().rfind("error parsing regexp: ", 0) != 0) {
      Fail("error without Go's prefix", re, m.status().ToString());
    }
    // Go rejects RE2's \C and encoded surrogates (RE2 takes both); anything else RE2 accepts
    // must be accepted.
    if (ref.ok() && re.find("\\C") == std::string::npos && promkit::util::IsValidUtf8(re)) {
      Fail("valid regex rejected", re, "");
    }
    return 0;
  }
  Matcher inv = m->Inverse();
  (void)m->ToString();
  if (!promkit::util::IsValidUtf8(re)) {
    // Go's regexp rejects such patterns; upstream accepts them only as `a|b` of plain literals
    // (never parsed), which then match exactly those byte strings.
    if (!PlainAlternation(re)) Fail("pattern with invalid UTF-8 accepted", re, "");
    std::vector<std::string_view> lits = promkit::util::SplitString(re, "|");
    for (const std::string& s : subjects) {
      bool want = std::find(lits.begin(), lits.end(), s) != lits.end();
      if (m->Matches(s) != want) Fail("literal alternation mismatch", re, s);
    }
    return 0;
  }
  if (!ref.ok()) {
    // Upstream accepts `a|b` of plain literals without parsing; `(?<name>` is Go syntax this
    // RE2 spells `(?P<name>`; RE2 may run out of its memory budget where Go does not.
    bool known = PlainAlternation(re) || re.find("(?<") != std::string::npos ||
                 ref.error_code() == RE2::ErrorPatternTooLarge;
    if (!known) Fail("invalid regex accepted", re, ref.error());
    for (const std::string& s : subjects) {
      if (m->Matches(s) == inv.Matches(s)) Fail("inverse agrees", re, s);
    }
    return 0;
  }
  for (const std::string& s : subjects) {
    bool got = m->Matches(s);
    if (got != RE2::FullMatch(Repair(s), ref)) Fail("fast path differs from RE2", re, s);
    if (got == inv.Matches(s)) Fail("inverse agrees", re, s);
    if (got && s.rfind(m->Prefix(), 0) != 0) Fail("match lacks the literal prefix", re, s);
  }
  for (const std::string& s : m->SetMatches()) {
    if (!m->Matches(s)) Fail("set match does not match", re, s);
  }
  return 0;
}

#include "promqltest.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

#include <fmt/core.h>
#include <re2/re2.h>

#include "util/duration.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace promkit::promql::promqltest {
namespace {

// The shapes of the command lines (upstream's patterns, which are RE2 syntax as Go reads it;
// RE2's leftmost-first submatches are Go's).
const RE2& LoadRe() {
  static const RE2 re(R"(^load(?:_(with_nhcb))?\s+(.+?)$)");
  return re;
}
const RE2& EvalInstantRe() {
  static const RE2 re(R"(^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$)");
  return re;
}
const RE2& EvalRangeRe() {
  static const RE2 re(
      R"(^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$)");
  return re;
}
const RE2& ExpectRe() {
  static const RE2 re(
      R"(^expect\s+(ordered|fail|warn|no_warn|info|no_info)(?:\s+(regex|msg):(.+))?$)");
  return re;
}
const RE2& ExpectRangeRe() {
  static const RE2 re(R"(^expect range vector\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+)$)");
  return re;
}

constexpr std::string_view kRangeVectorPrefix = "expect range vector";
constexpr std::string_view kExpectStringPrefix = "expect string";

util::Status LineError(int line, std::string_view msg) {
  return util::Status::InvalidArgument(fmt::format("line {}: {}", line, msg));
}

bool IsStale(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits == parser::kStaleNaNBits;
}

std::string FormatValue(double v) { return IsStale(v) ? "stale" : util::FormatFloat(v); }

std::string FormatSequence(const std::vector<parser::SequenceValue>& vals) {
  std::string out = "[";
  for (size_t i = 0; i < vals.size(); ++i) {
    if (i > 0) out += ' ';
    if (vals[i].omitted) {
      out += "_";
    } else if (vals[i].histogram != nullptr) {
      out += vals[i].histogram->String();
    } else {
      out += FormatValue(vals[i].value);
    }
  }
  return out + "]";
}

std::string FormatSeriesResult(const Series& s) {
  std::string out =
      fmt::format("{} float point{} [", s.floats.size(), s.floats.size() == 1 ? "" : "s");
  for (size_t i = 0; i < s.floats.size(); ++i) {
    if (i > 0) out += ' ';
    out += fmt::format("{} @[{}]", FormatValue(s.floats[i].f), s.floats[i].t);
  }
  out += fmt::format("] and {} histogram point{} [", s.histograms.size(),
                     s.histograms.size() == 1 ? "" : "s");
  for (size_t i = 0; i < s.histograms.size(); ++i) {
    if (i > 0) out += ' ';
    out += fmt::format("{} @[{}]", s.histograms[i].h->TestExpression(), s.histograms[i].t);
  }
  return out + "]";
}

// A sample's value as upstream's failure messages print it.
std::string FormatSampleValue(const Sample& s) {
  return s.h != nullptr ? s.h->TestExpression() : FormatValue(s.f);
}

std::string_view KindName(ValueKind k) {
  switch (k) {
    case ValueKind::kScalar:
      return "scalar";
    case ValueKind::kString:
      return "string";
    case ValueKind::kVector:
      return "vector";
    case ValueKind::kMatrix:
      return "matrix";
    case ValueKind::kNone:
      break;
  }
  return "none";
}

std::string FormatVector(const Vector& v) {
  std::string out;
  for (const Sample& s : v) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{} => {}", s.metric.ToString(), FormatSampleValue(s));
  }
  return "[" + out + "]";
}

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (true) {
    size_t nl = text.find('\n', pos);
    std::string_view l = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    l = util::TrimSpace(l);
    if (!l.empty() && l.front() == '#') l = {};
    lines.push_back(l);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return lines;
}

std::string_view FirstWord(std::string_view l) {
  size_t sp = l.find_first_of(" \t");
  return sp == std::string_view::npos ? l : l.substr(0, sp);
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

util::Result<int64_t> ParseTime(std::string_view what, std::string_view s) {
  auto d = util::ParseDuration(s);
  if (!d.ok()) {
    return util::Status::InvalidArgument(
        fmt::format("invalid {} definition {}: {}", what, util::GoQuote(s), d.status().message()));
  }
  return *d;
}

// A Prometheus duration with an optional sign, at the start of `s`; `rest` gets what follows.
// Units stop at 'x' (the repeat separator), as upstream's @st item parser reads them.
util::Result<int64_t> ParseDurationPrefix(std::string_view s, std::string_view* rest) {
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  size_t digits = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  if (i == digits) return util::Status::InvalidArgument(fmt::format("expected digits in {}", s));
  while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i])) && s[i] != 'x') ++i;
  auto d = util::ParseDuration(s.substr(digits, i - digits));
  if (!d.ok()) return d.status();
  *rest = s.substr(i);
  return neg ? -*d : *d;
}

util::Result<uint64_t> ParseCount(std::string_view s) {
  if (s.empty() || s.size() > 18) return util::Status::InvalidArgument("invalid repeat count");
  uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return util::Status::InvalidArgument("invalid repeat count");
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

// How many positions an @st offset sequence covers (`_`, `_xN`, `<d>`, `<d>xN`, `<d>±<d>xN`);
// the offsets themselves are not kept since MemoryStorage has no start timestamps.
util::Result<size_t> CountStSequence(std::string_view seq) {
  size_t n = 0;
  for (std::string_view item : util::SplitString(seq, " ")) {
    if (item.empty()) continue;
    if (item == "_") {
      ++n;
      continue;
    }
    if (StartsWith(item, "_x")) {
      auto c = ParseCount(item.substr(2));
      if (!c.ok() || *c == 0) return util::Status::InvalidArgument("invalid repeat count");
      n += *c;
      continue;
    }
    std::string_view rest;
    PROMKIT_RETURN_IF_ERROR(ParseDurationPrefix(item, &rest).status());
    if (rest.empty()) {
      ++n;
      continue;
    }
    if (rest[0] == '+' || rest[0] == '-') {
      std::string_view after;
      PROMKIT_RETURN_IF_ERROR(ParseDurationPrefix(rest.substr(1), &after).status());
      rest = after;
    }
    if (rest.empty() || rest[0] != 'x') {
      return util::Status::InvalidArgument(fmt::format("invalid ST item {}", util::GoQuote(item)));
    }
    PROMKIT_ASSIGN_OR_RETURN(uint64_t c, ParseCount(rest.substr(1)));
    n += c + 1;
  }
  return n;
}

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Go's strconv underscoreOK: '_' only between digits, or between a base prefix and a digit.
bool UnderscoreOk(std::string_view s) {
  char saw = '^';
  size_t i = 0;
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' &&
      (Lower(s[1]) == 'b' || Lower(s[1]) == 'o' || Lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = Lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    if ((s[i] >= '0' && s[i] <= '9') || (hex && Lower(s[i]) >= 'a' && Lower(s[i]) <= 'f')) {
      saw = '0';
      continue;
    }
    if (s[i] == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

// Go's strconv.ParseInt(s, 0, 64): a sign, then "0x"/"0o"/"0b" or a leading "0" (octal) picks
// the base, and '_' may separate digits.
std::optional<int64_t> ParseGoInt(std::string_view s) {
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  const std::string_view unsigned_part = s;
  uint64_t base = 10;
  if (s[0] == '0') {
    if (s.size() >= 3 && (Lower(s[1]) == 'b' || Lower(s[1]) == 'o' || Lower(s[1]) == 'x')) {
      base = Lower(s[1]) == 'b' ? 2 : Lower(s[1]) == 'o' ? 8 : 16;
      s.remove_prefix(2);
    } else {
      base = 8;
      s.remove_prefix(1);
    }
  }
  uint64_t n = 0;
  bool underscores = false;
  for (char c : s) {
    if (c == '_') {
      underscores = true;
      continue;
    }
    uint64_t d;
    if (c >= '0' && c <= '9') {
      d = static_cast<uint64_t>(c - '0');
    } else if (Lower(c) >= 'a' && Lower(c) <= 'z') {
      d = static_cast<uint64_t>(Lower(c) - 'a' + 10);
    } else {
      return std::nullopt;
    }
    if (d >= base) return std::nullopt;
    if (n > (std::numeric_limits<uint64_t>::max() - d) / base) return std::nullopt;
    n = n * base + d;
  }
  if (underscores && !UnderscoreOk(unsigned_part)) return std::nullopt;
  const uint64_t cutoff = uint64_t{1} << 63;
  if (neg ? n > cutoff : n >= cutoff) return std::nullopt;
  return neg ? static_cast<int64_t>(0 - n) : static_cast<int64_t>(n);
}

// Whether a series line that failed to parse has native histogram values (`{{...}}`).
bool HasHistogramValues(std::string_view l) { return l.find("{{") != std::string_view::npos; }

bool IsStLine(std::string_view l) {
  size_t sp = l.find_first_of(" \t");
  if (sp == std::string_view::npos) return false;
  std::string_view head = l.substr(0, sp);
  return head.size() >= 3 && head.substr(head.size() - 3) == "@st";
}

// Parses the lines after a `load` line, up to the blank line ending the block.
util::Status ParseLoad(const std::vector<std::string_view>& lines, size_t& i, Script& script) {
  std::string nhcb, step;
  if (!RE2::FullMatch(lines[i], LoadRe(), &nhcb, &step)) {
    return LineError(static_cast<int>(i + 1),
                     "invalid load command. (load[_with_nhcb] <step:duration>)");
  }
  LoadCmd cmd;
  cmd.line = static_cast<int>(i + 1);
  cmd.with_nhcb = nhcb == "with_nhcb";
  auto gap = util::ParseDuration(step);
  if (!gap.ok()) {
    return LineError(cmd.line, fmt::format("invalid step definition {}: {}", util::GoQuote(step),
                                           gap.status().message()));
  }
  cmd.step_ms = *gap;
  // @st lines: labels and value count of the pending one.
  std::optional<std::pair<model::Labels, size_t>> pending_st;
  int pending_st_line = 0;
  while (i + 1 < lines.size() && !lines[i + 1].empty()) {
    ++i;
    std::string_view l = lines[i];
    const int line_no = static_cast<int>(i + 1);
    if (IsStLine(l)) {
      if (pending_st) return LineError(pending_st_line, "@st line has no following sample line");
      size_t sp = l.find_first_of(" \t");
      std::string metric(l.substr(0, sp - 3));
      auto desc = parser::ParseSeriesDesc(metric + " _");
      if (!desc.ok()) {
        return LineError(line_no, fmt::format("invalid @st line metric {}: {}",
                                              util::GoQuote(metric), desc.status().message()));
      }
      auto n = CountStSequence(util::TrimSpace(l.substr(sp + 1)));
      if (!n.ok()) {
        return LineError(line_no, fmt::format("invalid @st sequence: {}", n.status().message()));
      }
      pending_st.emplace(desc->labels, *n);
      pending_st_line = line_no;
      continue;
    }
    auto desc = parser::ParseSeriesDesc(l);
    if (!desc.ok() && HasHistogramValues(l)) {
      // The series notation parser rejects native histogram values: drop the series.
      cmd.histogram_lines.push_back(line_no);
      pending_st.reset();
      continue;
    }
    if (!desc.ok()) return LineError(line_no, desc.status().message());
    if (pending_st) {
      if (pending_st->first != desc->labels) {
        return LineError(pending_st_line,
                         "@st metric does not match the following sample line metric");
      }
      if (pending_st->second != desc->values.size()) {
        return LineError(pending_st_line,
                         fmt::format("@st line has {} values but sample line has {}",
                                     pending_st->second, desc->values.size()));
      }
      pending_st.reset();
    }
    LoadedSeries s{desc->labels, {}, {}, line_no};
    for (size_t k = 0; k < desc->values.size(); ++k) {
      const parser::SequenceValue& sv = desc->values[k];
      if (sv.omitted) continue;
      const int64_t t = static_cast<int64_t>(k) * cmd.step_ms;
      if (sv.histogram != nullptr) {
        s.histograms.push_back(HPoint{t, sv.histogram});
      } else {
        s.samples.emplace_back(t, sv.value);
      }
    }
    auto same = std::find_if(cmd.series.begin(), cmd.series.end(),
                             [&](const LoadedSeries& o) { return o.labels == s.labels; });
    if (same != cmd.series.end()) {
      *same = std::move(s);
    } else {
      cmd.series.push_back(std::move(s));
    }
  }
  if (pending_st) return LineError(pending_st_line, "@st line has no following sample line");
  script.cmds.emplace_back(std::move(cmd));
  return util::Status::Ok();
}

util::Status ParseExpectLine(std::string_view l, EvalCmd& cmd) {
  std::string mode, kind, text;
  if (!RE2::FullMatch(util::TrimSpace(l), ExpectRe(), &mode, &kind, &text)) {
    return util::Status::InvalidArgument(
        "invalid expect statement, must match `expect <type> <match_type>: <string>` format");
  }
  static const std::pair<std::string_view, ExpectKind> kKinds[] = {
      {"ordered", ExpectKind::kOrdered}, {"fail", ExpectKind::kFail},
      {"warn", ExpectKind::kWarn},       {"no_warn", ExpectKind::kNoWarn},
      {"info", ExpectKind::kInfo},       {"no_info", ExpectKind::kNoInfo}};
  ExpectKind k = ExpectKind::kOrdered;
  for (const auto& [name, kk] : kKinds) {
    if (name == mode) k = kk;
  }
  Expectation e;
  if (kind == "msg") {
    e.text = std::string(util::TrimSpace(text));
  } else if (kind == "regex") {
    e.is_regex = true;
    e.text = std::string(util::TrimSpace(text));
    RE2 re(e.text, RE2::Quiet);
    if (!re.ok()) {
      return util::Status::InvalidArgument(fmt::format("invalid regex {} for {}", e.text, mode));
    }
  } else {
    e.is_regex = true;
    e.text = "^.*$";
  }
  cmd.expects[static_cast<size_t>(k)].push_back(std::move(e));
  auto n = [&](ExpectKind x) { return cmd.expects[static_cast<size_t>(x)].size(); };
  if (n(ExpectKind::kInfo) > 0 && n(ExpectKind::kNoInfo) > 0) {
    return util::Status::InvalidArgument(
        "invalid expect lines, info and no_info cannot be used together");
  }
  if (n(ExpectKind::kWarn) > 0 && n(ExpectKind::kNoWarn) > 0) {
    return util::Status::InvalidArgument(
        "invalid expect lines, warn and no_warn cannot be used together");
  }
  if (n(ExpectKind::kFail) > 1) {
    return util::Status::InvalidArgument(
        "invalid expect lines, multiple expect fail lines are not allowed");
  }
  return util::Status::Ok();
}

util::Status ParseEval(const std::vector<std::string_view>& lines, size_t& i, Script& script) {
  const int eval_line = static_cast<int>(i + 1);
  std::string mod, at, expr, from, to, step;
  bool is_instant = RE2::FullMatch(lines[i], EvalInstantRe(), &mod, &at, &expr);
  if (!is_instant && !RE2::FullMatch(lines[i], EvalRangeRe(), &mod, &from, &to, &step, &expr)) {
    return LineError(eval_line,
                     "invalid evaluation command. Must be either 'eval[_fail|_warn|_ordered] "
                     "instant [at <offset:duration>] <query>' or 'eval[_fail|_warn] range from "
                     "<from> to <to> step <step> <query>'");
  }
  EvalCmd cmd;
  cmd.line = eval_line;
  cmd.expr = expr;
  parser::Options popts;
  popts.experimental_functions = true;
  popts.duration_expr = true;
  popts.extended_range_selectors = true;
  popts.binop_fill_modifiers = true;
  if (auto parsed = parser::ParseExpr(expr, popts); !parsed.ok()) {
    cmd.parse_error = std::string(parsed.status().message());
  }
  auto eval_error = [&](std::string_view msg) {
    return LineError(eval_line, fmt::format("error in eval {}: {}", expr, msg));
  };
  // Parses from/to/step of a range, checking their order.
  auto range = [&](std::string_view f, std::string_view t, std::string_view s) -> util::Status {
    auto pf = ParseTime("start timestamp", f);
    if (!pf.ok()) return pf.status();
    auto pt = ParseTime("end timestamp", t);
    if (!pt.ok()) return pt.status();
    if (*pt < *pf) {
      return util::Status::InvalidArgument(fmt::format(
          "invalid test definition, end timestamp ({}) is before start timestamp ({})", t, f));
    }
    auto ps = ParseTime("step", s);
    if (!ps.ok()) return ps.status();
    cmd.start_ms = *pf;
    cmd.end_ms = *pt;
    cmd.step_ms = *ps;
    return util::Status::Ok();
  };
  if (is_instant) {
    auto t = ParseTime("timestamp", at);
    if (!t.ok()) return eval_error(t.status().message());
    cmd.eval_ms = cmd.start_ms = *t;
    // An instant eval has no range: a matrix result may then hold no expected point (upstream
    // compares against the zero time.Time, which precedes every eval time).
    cmd.end_ms = std::numeric_limits<int64_t>::min();
  } else {
    cmd.is_range = true;
    if (util::Status st = range(from, to, step); !st.ok()) return eval_error(st.message());
  }
  if (mod == "ordered") cmd.ordered = true;
  if (mod == "fail") cmd.fail = true;
  if (mod == "warn") cmd.warn = true;
  if (mod == "info") cmd.info = true;

  // `pos` follows upstream's counter: every line counts except `expect <kind>` lines.
  int pos = 1;
  for (; i + 1 < lines.size() && !lines[i + 1].empty(); ++pos) {
    ++i;
    std::string_view l = lines[i];
    const int line_no = static_cast<int>(i + 1);
    if (cmd.fail && StartsWith(l, "expected_fail_message")) {
      cmd.expected_fail_message =
          std::string(util::TrimSpace(l.substr(std::strlen("expected_fail_message"))));
      break;
    }
    if (cmd.fail && StartsWith(l, "expected_fail_regexp")) {
      std::string pattern(util::TrimSpace(l.substr(std::strlen("expected_fail_regexp"))));
      RE2 re(pattern, RE2::Quiet);
      if (!re.ok()) {
        return eval_error(
            fmt::format("invalid regexp '{}' for expected_fail_regexp: {}", pattern, re.error()));
      }
      cmd.expected_fail_regexp = pattern;
      break;
    }
    if (StartsWith(l, kRangeVectorPrefix)) {
      std::string f, t, s;
      if (!RE2::FullMatch(l, ExpectRangeRe(), &f, &t, &s)) {
        return eval_error(fmt::format("invalid range vector definition {}", util::GoQuote(l)));
      }
      if (util::Status st = range(f, t, s); !st.ok()) return eval_error(st.message());
      cmd.expect_range_vector = true;
      cmd.eval_ms = cmd.end_ms;
      cmd.exclude_from_range_query = true;
      continue;
    }
    if (StartsWith(l, kExpectStringPrefix)) {
      std::string_view quoted = l;
      if (StartsWith(l, std::string(kExpectStringPrefix) + " ")) {
        quoted.remove_prefix(kExpectStringPrefix.size() + 1);
      }
      if (l == kExpectStringPrefix || quoted.empty()) {
        return eval_error(
            "expected string literal not valid - a quoted string literal is required");
      }
      auto s = GoUnquote(quoted);
      if (!s.ok()) {
        return eval_error(
            "expected string literal not valid - check that the string is correctly quoted");
      }
      cmd.expected_string = *s;
      cmd.exclude_from_range_query = true;
      continue;
    }
    // As upstream, a metric called `expect` must then be written `expect{}`.
    if (l.substr(0, l.find(' ')) == "expect") {
      if (util::Status st = ParseExpectLine(l, cmd); !st.ok()) return eval_error(st.message());
      --pos;
      continue;
    }
    if (auto f = ParseNumber(l); f.ok()) {
      cmd.expect_scalar = true;
      cmd.scalar = {*f, false};
      break;
    }
    auto desc = parser::ParseSeriesDesc(l);
    if (!desc.ok() && HasHistogramValues(l)) {
      cmd.histogram_lines.push_back(line_no);
      continue;
    }
    if (!desc.ok()) return LineError(line_no, desc.status().message());
    if (desc->values.size() > 1 && is_instant && !cmd.expect_range_vector) {
      return eval_error(
          "expecting multiple values in instant evaluation not allowed. consider using 'expect "
          "range vector' directive to enable a range vector result for an instant query");
    }
    cmd.expect_scalar = false;
    ExpectedSeries es{desc->labels, std::move(desc->values), pos, line_no};
    auto same = std::find_if(cmd.series.begin(), cmd.series.end(),
                             [&](const ExpectedSeries& o) { return o.labels == es.labels; });
    if (same != cmd.series.end()) {
      *same = std::move(es);
    } else {
      cmd.series.push_back(std::move(es));
    }
  }
  script.cmds.emplace_back(std::move(cmd));
  return util::Status::Ok();
}

// Go's regexp reads each byte of invalid UTF-8 as U+FFFD (which `.` matches); RE2 would not
// match such bytes at all, so they are replaced first.
std::string ValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    util::DecodedRune r = util::DecodeRune(s);
    if (r.rune == util::kRuneError && r.width == 1) {
      out += "\xEF\xBF\xBD";
    } else {
      out.append(s.substr(0, static_cast<size_t>(r.width)));
    }
    s.remove_prefix(static_cast<size_t>(r.width));
  }
  return out;
}

bool MatchesRegex(const std::string& pattern, std::string_view s) {
  RE2 re(pattern, RE2::Quiet);
  return re.ok() && RE2::PartialMatch(ValidUtf8(s), re);
}

std::string ValidateAnnotations(const EvalCmd& ev, ExpectKind kind,
                                const std::vector<std::string>& actual, std::string_view name) {
  const auto& expected = ev.Expects(kind);
  if (expected.empty()) return {};
  if (actual.empty()) return fmt::format("expected {} annotations but none were found", name);
  std::string found;
  for (const std::string& a : actual) found += fmt::format("\n  {}", a);
  for (const Expectation& e : expected) {
    if (std::none_of(actual.begin(), actual.end(),
                     [&](const std::string& a) { return e.Matches(a); })) {
      return fmt::format(
          "expected {} annotation matching {} but no matching annotation was found; got:{}", name,
          e.Describe(), found);
    }
  }
  for (const std::string& a : actual) {
    if (std::none_of(expected.begin(), expected.end(),
                     [&](const Expectation& e) { return e.Matches(a); })) {
      return fmt::format("unexpected {} annotation {}", name, util::GoQuote(a));
    }
  }
  return {};
}

}  // namespace

bool Expectation::Matches(std::string_view s) const {
  return is_regex ? MatchesRegex(text, s) : text == s;
}

std::string Expectation::Describe() const {
  return fmt::format("{} {}", is_regex ? "pattern" : "message", util::GoQuote(text));
}

const ExpectedSeries* EvalCmd::FindSeries(const model::Labels& l) const {
  for (const ExpectedSeries& s : series) {
    if (s.labels == l) return &s;
  }
  return nullptr;
}

util::Result<Script> ParseScript(std::string_view text) {
  std::vector<std::string_view> lines = SplitLines(text);
  Script script;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view l = lines[i];
    if (l.empty()) continue;
    std::string c = util::ToLower(FirstWord(l));
    if (c == "clear") {
      script.cmds.emplace_back(ClearCmd{static_cast<int>(i + 1)});
    } else if (StartsWith(c, "load")) {
      PROMKIT_RETURN_IF_ERROR(ParseLoad(lines, i, script));
    } else if (StartsWith(c, "eval")) {
      PROMKIT_RETURN_IF_ERROR(ParseEval(lines, i, script));
    } else {
      return LineError(static_cast<int>(i + 1),
                       fmt::format("invalid command {}", util::GoQuote(l)));
    }
  }
  return script;
}

bool AlmostEqual(double a, double b, double epsilon) {
  if (IsStale(a) || IsStale(b)) return IsStale(a) && IsStale(b);
  if (std::isnan(a) && std::isnan(b)) return true;
  if (a == b) return true;
  const double min_normal = std::numeric_limits<double>::min();  // smallest positive normal
  double abs_sum = std::fabs(a) + std::fabs(b);
  double diff = std::fabs(a - b);
  if (a == 0 || b == 0 || abs_sum < min_normal) return diff < epsilon * min_normal;
  return diff / std::min(abs_sum, std::numeric_limits<double>::max()) < epsilon;
}

std::string CheckMatrixSorted(const Matrix& m) {
  for (size_t i = 0; i + 1 < m.size(); ++i) {
    if (model::Labels::Compare(m[i].metric, m[i + 1].metric) > 0) {
      return fmt::format(
          "matrix results should always be sorted by labels, but series at index {} with labels "
          "{} sorts before series at index {} with labels {}",
          i + 1, m[i + 1].metric.ToString(), i, m[i].metric.ToString());
    }
  }
  return {};
}

namespace {

// Upstream's spansMatch: equal once zero-length spans are folded into their successors.
bool SpansMatch(const std::vector<model::Span>& a, const std::vector<model::Span>& b) {
  auto norm = [](const std::vector<model::Span>& s) {
    std::vector<model::Span> out;
    int32_t carry = 0;
    for (const model::Span& sp : s) {
      if (sp.length == 0) {
        carry += sp.offset;
        continue;
      }
      out.push_back({sp.offset + carry, sp.length});
      carry = 0;
    }
    return out;
  };
  return norm(a) == norm(b);
}

bool BucketsMatch(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!AlmostEqual(a[i], b[i])) return false;
  }
  return true;
}

}  // namespace

bool HistogramsMatch(const model::FloatHistogram& want_in, const model::FloatHistogram& got_in,
                     bool hint_set) {
  model::FloatHistogram want = want_in, got = got_in;
  want.Compact(0);
  got.Compact(0);
  if (want.schema != got.schema || !AlmostEqual(want.count, got.count) ||
      !AlmostEqual(want.sum, got.sum)) {
    return false;
  }
  if (want.UsesCustomBuckets() && want.custom_values != got.custom_values) return false;
  if (want.zero_threshold != got.zero_threshold || !AlmostEqual(want.zero_count, got.zero_count)) {
    return false;
  }
  if (!SpansMatch(want.negative_spans, got.negative_spans) ||
      !BucketsMatch(want.negative_buckets, got.negative_buckets) ||
      !SpansMatch(want.positive_spans, got.positive_spans) ||
      !BucketsMatch(want.positive_buckets, got.positive_buckets)) {
    return false;
  }
  return !hint_set || want.counter_reset_hint == got.counter_reset_hint;
}

std::string CompareResult(const EvalCmd& ev, const Value& v) {
  switch (v.kind) {
    case ValueKind::kMatrix: {
      if (ev.IsOrdered()) return "expected ordered result, but query returned a matrix";
      if (ev.expect_scalar) return "expected scalar result, but got a matrix";
      if (std::string e = CheckMatrixSorted(v.matrix); !e.empty()) return e;
      for (const Series& s : v.matrix) {
        const ExpectedSeries* exp = ev.FindSeries(s.metric);
        if (exp == nullptr) {
          return fmt::format("unexpected metric {} in result, has {}", s.metric.ToString(),
                             FormatSeriesResult(s));
        }
        std::vector<FPoint> want;
        std::vector<std::pair<HPoint, bool>> want_h;  // (point, counter reset hint set)
        for (size_t i = 0; i < exp->values.size(); ++i) {
          int64_t t = ev.start_ms + static_cast<int64_t>(i) * ev.step_ms;
          if (t > ev.end_ms) {
            return fmt::format(
                "expected {} points for {}, but query time range cannot return this many points",
                exp->values.size(), exp->labels.ToString());
          }
          const parser::SequenceValue& sv = exp->values[i];
          if (sv.omitted) continue;
          if (sv.histogram != nullptr) {
            want_h.push_back({HPoint{t, sv.histogram}, sv.counter_reset_hint_set});
          } else {
            want.push_back({t, sv.value});
          }
        }
        if (want.size() != s.floats.size() || want_h.size() != s.histograms.size()) {
          return fmt::format("expected {} float points and {} histogram points for {}, but got {}",
                             want.size(), want_h.size(), exp->labels.ToString(),
                             FormatSeriesResult(s));
        }
        for (size_t i = 0; i < want.size(); ++i) {
          const FPoint& got = s.floats[i];
          if (want[i].t != got.t) {
            return fmt::format(
                "expected float value at index {} for {} to have timestamp {}, but it had "
                "timestamp {} (result has {})",
                i, exp->labels.ToString(), want[i].t, got.t, FormatSeriesResult(s));
          }
          if (!AlmostEqual(got.f, want[i].f)) {
            return fmt::format(
                "expected float value at index {} (t={}) for {} to be {}, but got {} (result has "
                "{})",
                i, got.t, exp->labels.ToString(), FormatValue(want[i].f), FormatValue(got.f),
                FormatSeriesResult(s));
          }
        }
        for (size_t i = 0; i < want_h.size(); ++i) {
          const HPoint& got = s.histograms[i];
          const auto& [wp, hint_set] = want_h[i];
          if (wp.t != got.t) {
            return fmt::format(
                "expected histogram value at index {} for {} to have timestamp {}, but it had "
                "timestamp {} (result has {})",
                i, exp->labels.ToString(), wp.t, got.t, FormatSeriesResult(s));
          }
          if (!HistogramsMatch(*wp.h, *got.h, hint_set)) {
            return fmt::format(
                "expected histogram value at index {} (t={}) for {} to be {}, but got {} (result "
                "has {})",
                i, got.t, exp->labels.ToString(), wp.h->TestExpression(), got.h->TestExpression(),
                FormatSeriesResult(s));
          }
        }
      }
      for (const ExpectedSeries& e : ev.series) {
        bool seen = std::any_of(v.matrix.begin(), v.matrix.end(),
                                [&](const Series& s) { return s.metric == e.labels; });
        if (!seen) return fmt::format("expected metric {} not found", e.labels.ToString());
      }
      return {};
    }
    case ValueKind::kVector: {
      if (ev.expect_scalar) {
        return fmt::format("expected scalar result, but got vector {}", FormatVector(v.vector));
      }
      for (size_t pos = 0; pos < v.vector.size(); ++pos) {
        const Sample& s = v.vector[pos];
        const ExpectedSeries* exp = ev.FindSeries(s.metric);
        if (exp == nullptr) {
          return fmt::format("unexpected metric {} in result, has value {}", s.metric.ToString(),
                             FormatSampleValue(s));
        }
        if (ev.IsOrdered() && exp->pos != static_cast<int>(pos) + 1) {
          return fmt::format("expected metric {} with {} at position {} but was at {}",
                             s.metric.ToString(), FormatSequence(exp->values), exp->pos, pos + 1);
        }
        const parser::SequenceValue exp0 =
            exp->values.empty() ? parser::SequenceValue() : exp->values[0];
        if (exp0.histogram == nullptr && s.h != nullptr) {
          return fmt::format("expected float value {} for {} but got histogram {}",
                             FormatValue(exp0.value), s.metric.ToString(), s.h->TestExpression());
        }
        if (exp0.histogram != nullptr && s.h == nullptr) {
          return fmt::format("expected histogram {} for {} but got float value {}",
                             exp0.histogram->TestExpression(), s.metric.ToString(),
                             FormatValue(s.f));
        }
        if (exp0.histogram != nullptr) {
          if (!HistogramsMatch(*exp0.histogram, *s.h, exp0.counter_reset_hint_set)) {
            return fmt::format("expected {} for {} but got {}", exp0.histogram->TestExpression(),
                               s.metric.ToString(), s.h->TestExpression());
          }
          continue;
        }
        double want = exp0.value;
        if (!AlmostEqual(want, s.f)) {
          return fmt::format("expected {} for {} but got {}", FormatValue(want),
                             s.metric.ToString(), FormatValue(s.f));
        }
      }
      for (const ExpectedSeries& e : ev.series) {
        bool seen = std::any_of(v.vector.begin(), v.vector.end(),
                                [&](const Sample& s) { return s.metric == e.labels; });
        if (!seen) {
          return fmt::format("expected metric {} with {} not found", e.labels.ToString(),
                             FormatSequence(e.values));
        }
      }
      return {};
    }
    case ValueKind::kScalar:
      if (!ev.expect_scalar && !ev.series.empty() && !ev.series[0].values.empty() &&
          ev.series[0].values[0].histogram != nullptr) {
        return fmt::format("expected histogram {} but got {}",
                           ev.series[0].values[0].histogram->TestExpression(),
                           FormatValue(v.scalar.v));
      }
      if (!ev.expect_scalar) {
        return fmt::format("expected vector or matrix result, but got scalar {}",
                           FormatValue(v.scalar.v));
      }
      if (!AlmostEqual(ev.scalar.value, v.scalar.v)) {
        return fmt::format("expected scalar {} but got {}", FormatValue(ev.scalar.value),
                           FormatValue(v.scalar.v));
      }
      return {};
    case ValueKind::kString:
      if (ev.expected_string != v.string.v) {
        return fmt::format("expected string \"{}\" but got \"{}\"", ev.expected_string, v.string.v);
      }
      return {};
    case ValueKind::kNone:
      break;
  }
  return fmt::format("unexpected result type {}", KindName(v.kind));
}

std::string CheckAnnotations(const EvalCmd& ev, const std::vector<std::string>& warnings,
                             const std::vector<std::string>& infos) {
  if (ev.warn && warnings.empty()) return "expected warnings but got none";
  if (ev.info && infos.empty()) return "expected info annotations but got none";
  if (std::string e = ValidateAnnotations(ev, ExpectKind::kWarn, warnings, "warn"); !e.empty()) {
    return e;
  }
  if (std::string e = ValidateAnnotations(ev, ExpectKind::kInfo, infos, "info"); !e.empty()) {
    return e;
  }
  auto list = [](const std::vector<std::string>& v) {
    std::string out;
    for (const std::string& s : v) out += fmt::format("\n  {}", s);
    return out;
  };
  if (!ev.Expects(ExpectKind::kNoWarn).empty() && !warnings.empty()) {
    return "unexpected warning annotations:" + list(warnings);
  }
  if (!ev.Expects(ExpectKind::kNoInfo).empty() && !infos.empty()) {
    return "unexpected info annotations:" + list(infos);
  }
  return {};
}

std::string CheckExpectedFailure(const EvalCmd& ev, std::string_view error) {
  if (!ev.expected_fail_message.empty() && ev.expected_fail_message != error) {
    return fmt::format("expected error {} but got: {}", util::GoQuote(ev.expected_fail_message),
                       error);
  }
  if (ev.expected_fail_regexp && !MatchesRegex(*ev.expected_fail_regexp, error)) {
    return fmt::format("expected error matching pattern {} but got: {}",
                       util::GoQuote(*ev.expected_fail_regexp), error);
  }
  const auto& fail = ev.Expects(ExpectKind::kFail);
  if (!fail.empty() && !fail[0].Matches(error)) {
    return fmt::format("expected error matching {} but got: {}", fail[0].Describe(), error);
  }
  return {};
}

util::Result<double> ParseNumber(std::string_view s) {
  if (std::optional<int64_t> n = ParseGoInt(s)) return static_cast<double>(*n);
  auto f = util::ParseFloat(s);
  if (!f.ok()) {
    return util::Status::InvalidArgument(
        fmt::format("error parsing number: {}", f.status().message()));
  }
  return *f;
}

util::Result<std::string> GoUnquote(std::string_view s) {
  auto bad = [] { return util::Status::InvalidArgument("invalid syntax"); };
  if (s.size() < 2) return bad();
  char q = s.front();
  if (q != s.back() || (q != '"' && q != '`' && q != '\'')) return bad();
  std::string_view body = s.substr(1, s.size() - 2);
  if (q == '`') {
    if (body.find('`') != std::string_view::npos) return bad();
    std::string out;
    for (char c : body) {
      if (c != '\r') out += c;  // Go drops carriage returns from raw strings
    }
    return out;
  }
  std::string out;
  size_t runes = 0;
  for (size_t i = 0; i < body.size();) {
    unsigned char c = static_cast<unsigned char>(body[i]);
    ++runes;
    if (c == static_cast<unsigned char>(q) || c == '\n') return bad();
    if (c != '\\') {
      util::DecodedRune r = util::DecodeRune(body.substr(i));
      out.append(body.substr(i, static_cast<size_t>(r.width)));
      i += static_cast<size_t>(r.width);
      continue;
    }
    if (i + 1 >= body.size()) return bad();
    char e = body[i + 1];
    i += 2;
    auto hex = [&](size_t n) -> std::optional<uint32_t> {
      if (i + n > body.size()) return std::nullopt;
      uint32_t v = 0;
      for (size_t k = 0; k < n; ++k) {
        char h = body[i + k];
        int d = std::isdigit(static_cast<unsigned char>(h)) ? h - '0'
                : (std::tolower(static_cast<unsigned char>(h)) >= 'a' &&
                   std::tolower(static_cast<unsigned char>(h)) <= 'f')
                    ? std::tolower(static_cast<unsigned char>(h)) - 'a' + 10
                    : -1;
        if (d < 0) return std::nullopt;
        v = v * 16 + static_cast<uint32_t>(d);
      }
      i += n;
      return v;
    };
    switch (e) {
      case 'a':
        out += '\a';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'v':
        out += '\v';
        break;
      case '\\':
        out += '\\';
        break;
      case '\'':
      case '"':
        if (e != q) return bad();
        out += e;
        break;
      case 'x': {
        auto v = hex(2);
        if (!v) return bad();
        out += static_cast<char>(*v);
        break;
      }
      case 'u':
      case 'U': {
        auto v = hex(e == 'u' ? 4 : 8);
        if (!v || *v > 0x10FFFF || (*v >= 0xD800 && *v < 0xE000)) return bad();
        util::AppendRune(out, static_cast<char32_t>(*v));
        break;
      }
      default: {
        if (e < '0' || e > '7' || i + 2 > body.size()) return bad();
        uint32_t v = static_cast<uint32_t>(e - '0');
        for (int k = 0; k < 2; ++k) {
          char o = body[i++];
          if (o < '0' || o > '7') return bad();
          v = v * 8 + static_cast<uint32_t>(o - '0');
        }
        if (v > 255) return bad();
        out += static_cast<char>(v);
      }
    }
  }
  if (q == '\'' && runes != 1) return bad();
  return out;
}

std::string FileReport::FailureText() const {
  std::string out;
  if (!error.empty()) out += fmt::format("{}: {}\n", file, error);
  for (const EvalReport& e : evals) {
    if (e.outcome != Outcome::kFailed) continue;
    out += fmt::format("{}:{}: {}: {}\n", file, e.line, e.expr, e.reason);
  }
  return out;
}

}  // namespace promkit::promql::promqltest

#include "repl/time_spec.h"

#include <cmath>
#include <limits>

#include <fmt/core.h>

#include "util/duration.h"
#include "util/numbers.h"
#include "util/strings.h"
#include "util/timestamp.h"

namespace promkit::cli::repl {
namespace {

// Adds without wrapping: the result saturates at the int64 range.
int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) {
    return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  }
  return r;
}

util::Status BadTime(std::string_view s) {
  return util::Status::InvalidArgument(
      fmt::format("cannot parse {} as a time (want RFC 3339, Unix seconds, now[-DUR] or "
                  "latest[-DUR])",
                  util::GoQuote(s)));
}

}  // namespace

int64_t TimeSpec::Resolve(const TimeAnchors& a) const {
  switch (base) {
    case Base::kAbsolute:
      return ms;
    case Base::kNow:
      return SaturatingAdd(a.now_ms, ms);
    case Base::kLatest:
      return SaturatingAdd(a.latest_ms, ms);
  }
  return ms;
}

util::Result<TimeSpec> ParseTimeSpec(std::string_view s) {
  TimeSpec spec;
  spec.text = std::string(s);
  for (auto [word, base] : {std::pair{std::string_view("now"), TimeSpec::Base::kNow},
                            std::pair{std::string_view("latest"), TimeSpec::Base::kLatest}}) {
    if (s.substr(0, word.size()) != word) continue;
    std::string_view rest = s.substr(word.size());
    spec.base = base;
    if (rest.empty()) return spec;
    if (rest[0] != '+' && rest[0] != '-') return BadTime(s);
    util::Result<int64_t> d = util::ParseDuration(rest.substr(1));
    if (!d.ok()) return BadTime(s);
    spec.ms = rest[0] == '-' ? -*d : *d;
    return spec;
  }
  // Unix seconds or RFC 3339, as the HTTP API reads its time parameters.
  util::Result<int64_t> ms = util::ParseApiTime(s);
  if (!ms.ok()) return BadTime(s);
  spec.base = TimeSpec::Base::kAbsolute;
  spec.ms = *ms;
  return spec;
}

util::Result<int64_t> ParseTime(std::string_view s, const TimeAnchors& a) {
  PROMKIT_ASSIGN_OR_RETURN(TimeSpec spec, ParseTimeSpec(s));
  return spec.Resolve(a);
}

util::Result<int64_t> ParseStep(std::string_view s) {
  auto bad = [s] {
    return util::Status::InvalidArgument(fmt::format(
        "cannot parse {} as a duration (want e.g. 15s, 1m30s or seconds)", util::GoQuote(s)));
  };
  if (util::Result<int64_t> d = util::ParseDuration(s); d.ok()) {
    if (*d <= 0) return bad();
    return *d;
  }
  util::Result<double> secs = util::ParseFloat(s);
  if (!secs.ok() || !std::isfinite(*secs) || *secs <= 0 || *secs > 9e15 / 1000) return bad();
  const int64_t ms = static_cast<int64_t>(std::llround(*secs * 1000));
  if (ms <= 0) return bad();
  return ms;
}

}  // namespace promkit::cli::repl

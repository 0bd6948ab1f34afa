#include "template/prometheus.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <arpa/inet.h>
#include <fmt/core.h>
#include <re2/re2.h>

#include "model/go_regexp.h"
#include "template/gofmt.h"
#include "template/gotime.h"
#include "util/duration.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace promkit::tmpl {
namespace {

constexpr std::string_view kSampleType = "*template.sample";
constexpr std::string_view kQueryResultType = "template.queryResult";

// upstream's sample: a pointer to struct{Labels map[string]string; Value interface{}}.
class Sample : public HostObject {
 public:
  Sample(Value labels, Value value) : labels_(std::move(labels)), value_(std::move(value)) {}
  std::string TypeName() const override { return std::string(kSampleType); }
  Member Lookup(std::string_view name) const override {
    if (name == "Labels" || name == "Value") return Member{Member::Kind::kField, {}, false};
    return Member{};
  }
  Result<Value> Field(std::string_view name) const override {
    return name == "Labels" ? labels_ : value_;
  }
  std::string Format() const override {
    std::string out = "&{";
    labels_.AppendFormat(out);
    out.push_back(' ');
    value_.AppendFormat(out);
    out.push_back('}');
    return out;
  }
  const Value& labels() const { return labels_; }
  const Value& value() const { return value_; }

 private:
  Value labels_;
  Value value_;
};

const Sample* AsSample(const Value& v) {
  if (v.kind() != Value::Kind::kHost) return nullptr;
  return dynamic_cast<const Sample*>(&v.host());
}

// A nil *sample argument: upstream dereferences it and the template engine recovers Go's panic.
Status NilDeref() {
  return Status::InvalidArgument(
      "runtime error: invalid memory address or nil pointer dereference");
}

std::string Sprintf1(std::string_view format, double v) {
  const Value args[] = {Value(v)};
  return GoSprintf(format, args);
}

std::string GoRegexpQuote(std::string_view s) {
  bool backquote = true;
  for (std::string_view rest = s; !rest.empty();) {
    const util::DecodedRune r = util::DecodeRune(rest);
    rest.remove_prefix(static_cast<size_t>(r.width));
    if ((r.rune == util::kRuneError && r.width == 1) || r.rune == '`' || r.rune == 0xFEFF ||
        (r.rune < ' ' && r.rune != '\t') || r.rune == 0x7F) {
      backquote = false;
    }
  }
  return backquote ? "`" + std::string(s) + "`" : util::GoQuote(s);
}

Result<std::unique_ptr<RE2>> Compile(std::string_view pattern) {
  RE2::Options opts;
  opts.set_log_errors(false);
  auto re = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), opts);
  if (!re->ok()) {
    const std::string arg = re->error_arg();
    return Status::InvalidArgument(fmt::format("error parsing regexp: {}: {}",
                                               model::GoRegexpErrorText(re->error_code()),
                                               GoRegexpQuote(arg)));
  }
  return re;
}

bool IsWordRune(char32_t r) {
  return r == '_' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') ||
         (r >= 0x80 && util::IsPrint(r) && !util::IsSpace(r) && !(r >= 0x2000 && r <= 0x2BFF));
}

// Go's Regexp.Expand name extraction after a '$'.
bool ExtractName(std::string_view s, std::string_view* name, int* num, size_t* consumed) {
  bool brace = false;
  size_t start = 0;
  if (!s.empty() && s[0] == '{') {
    brace = true;
    start = 1;
  }
  size_t i = start;
  while (i < s.size()) {
    const util::DecodedRune r = util::DecodeRune(s.substr(i));
    if (!IsWordRune(r.rune)) break;
    i += static_cast<size_t>(r.width);
  }
  if (i == start) return false;
  *name = s.substr(start, i - start);
  if (brace) {
    if (i >= s.size() || s[i] != '}') return false;
    ++i;
  }
  *num = 0;
  for (const char c : *name) {
    if (c < '0' || c > '9' || *num >= 100'000'000) {
      *num = -1;
      break;
    }
    *num = *num * 10 + (c - '0');
  }
  if ((*name)[0] == '0' && name->size() > 1) *num = -1;
  *consumed = i;
  return true;
}

void Expand(std::string& dst, std::string_view tmpl, const RE2& re,
            const std::vector<re2::StringPiece>& groups) {
  while (!tmpl.empty()) {
    const size_t d = tmpl.find('$');
    if (d == std::string_view::npos) break;
    dst.append(tmpl.substr(0, d));
    tmpl.remove_prefix(d + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      dst.push_back('$');
      tmpl.remove_prefix(1);
      continue;
    }
    std::string_view name;
    int num;
    size_t consumed;
    if (!ExtractName(tmpl, &name, &num, &consumed)) {
      dst.push_back('$');
      continue;
    }
    tmpl.remove_prefix(consumed);
    int index = -1;
    if (num >= 0) {
      index = num;
    } else {
      const auto& named = re.NamedCapturingGroups();
      if (auto it = named.find(std::string(name)); it != named.end()) index = it->second;
    }
    if (index >= 0 && static_cast<size_t>(index) < groups.size() &&
        groups[static_cast<size_t>(index)].data() != nullptr) {
      dst.append(groups[static_cast<size_t>(index)].data(),
                 groups[static_cast<size_t>(index)].size());
    }
  }
  dst.append(tmpl);
}

// Go's net.SplitHostPort.
bool SplitHostPort(std::string_view hp, std::string_view* host, std::string_view* port) {
  const size_t i = hp.rfind(':');
  if (i == std::string_view::npos) return false;
  size_t j = 0, k = 0;
  if (!hp.empty() && hp[0] == '[') {
    const size_t end = hp.find(']');
    if (end == std::string_view::npos) return false;
    if (end + 1 == hp.size()) return false;
    if (end + 1 != i) return false;
    *host = hp.substr(1, end - 1);
    j = 1;
    k = end + 1;
  } else {
    *host = hp.substr(0, i);
    if (host->find(':') != std::string_view::npos) return false;
  }
  if (hp.substr(j).find('[') != std::string_view::npos) return false;
  if (hp.substr(k).find(']') != std::string_view::npos) return false;
  *port = hp.substr(i + 1);
  return true;
}

// Go's net.ParseIP: dotted IPv4 (no leading zeros) or IPv6.
bool IsIP(std::string_view s) {
  if (s.find(':') != std::string_view::npos) {
    if (s.find('%') != std::string_view::npos) return false;
    unsigned char buf[16];
    return inet_pton(AF_INET6, std::string(s).c_str(), buf) == 1;
  }
  int parts = 0;
  size_t i = 0;
  while (parts < 4) {
    if (parts > 0) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
    size_t start = i;
    int v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) v = v * 10 + (s[i++] - '0');
    if (i == start || v > 255 || (i - start > 1 && s[start] == '0')) return false;
    ++parts;
  }
  return i == s.size();
}

std::string JoinHostPort(std::string_view host, std::string_view port) {
  if (host.find(':') != std::string_view::npos) {
    return "[" + std::string(host) + "]:" + std::string(port);
  }
  return std::string(host) + ":" + std::string(port);
}

// Simple case mappings for the scripts alert texts use: ASCII, Latin-1, Greek, Cyrillic.
Value SampleList(std::vector<Value> items) {
  return Value::List(std::move(items), std::string(kQueryResultType));
}

std::string UrlPath(std::string_view url) {
  size_t start = 0;
  if (const size_t scheme = url.find("://"); scheme != std::string_view::npos) {
    start = url.find('/', scheme + 3);
    if (start == std::string_view::npos) return "";
  } else {
    start = 0;
  }
  const size_t end = url.find_first_of("?#", start);
  return std::string(url.substr(start, end == std::string_view::npos ? url.npos : end - start));
}

// Go's float64 -> int64 conversion on amd64: out-of-range and NaN give math.MinInt64.
int64_t GoFloatToInt64(double v) {
  if (std::isnan(v) || v >= 9223372036854775808.0 || v < -9223372036854775808.0) {
    return std::numeric_limits<int64_t>::min();
  }
  return static_cast<int64_t>(v);
}

Result<Value> FloatToTime(double v) {
  if (std::isnan(v) || std::isinf(v)) return Status::InvalidArgument("value is NaN or Inf");
  const double ts = v * 1e9;
  if (ts > 9223372036854775807.0 || ts < -9223372036854775808.0) {
    return Status::InvalidArgument(
        fmt::format("{} cannot be represented as a nanoseconds timestamp since it overflows int64",
                    Value(v).Format()));
  }
  return GoTime::Make(GoFloatToInt64(ts), true);
}

}  // namespace

Value LabelsValue(const model::Labels& labels) {
  std::map<std::string, Value, std::less<>> m;
  for (const model::Label& l : labels) m.emplace(std::string(l.name), Value(l.value));
  return Value::StringMap(std::move(m));
}

Value MakeSample(const model::Labels& labels, Value value) {
  return Value::Host(std::make_shared<Sample>(LabelsValue(labels), std::move(value)));
}

Value AlertTemplateData(const model::Labels& labels, const model::Labels& external_labels,
                        std::string_view external_url, Value value) {
  return Value::Host(std::make_shared<StructObject>(
      "struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; "
      "Value interface {} }",
      std::vector<std::pair<std::string, Value>>{{"Labels", LabelsValue(labels)},
                                                 {"ExternalLabels", LabelsValue(external_labels)},
                                                 {"ExternalURL", Value(external_url)},
                                                 {"Value", std::move(value)}}));
}

Result<double> ConvertToFloat(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kFloat:
      return v.AsFloat();
    case Value::Kind::kString:
      return util::ParseFloat(v.AsString());
    case Value::Kind::kInt:
      return static_cast<double>(v.AsInt());
    case Value::Kind::kHost: {
      double f;
      if (v.host().ToFloat(&f)) return f;
      break;
    }
    default:
      break;
  }
  return Status::InvalidArgument("can't convert " + v.TypeName() + " to float");
}

Result<std::string> Humanize(const Value& in) {
  PROMKIT_ASSIGN_OR_RETURN(double v, ConvertToFloat(in));
  if (v == 0 || std::isnan(v) || std::isinf(v)) return Sprintf1("%.4g", v);
  std::string_view prefix;
  if (std::fabs(v) >= 1) {
    for (std::string_view p : {"k", "M", "G", "T", "P", "E", "Z", "Y"}) {
      if (std::fabs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return Sprintf1("%.4g", v) + std::string(prefix);
  }
  for (std::string_view p : {"m", "u", "n", "p", "f", "a", "z", "y"}) {
    if (std::fabs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return Sprintf1("%.4g", v) + std::string(prefix);
}

Result<std::string> Humanize1024(const Value& in) {
  PROMKIT_ASSIGN_OR_RETURN(double v, ConvertToFloat(in));
  if (std::fabs(v) <= 1 || std::isnan(v) || std::isinf(v)) return Sprintf1("%.4g", v);
  std::string_view prefix;
  for (std::string_view p : {"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"}) {
    if (std::fabs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return Sprintf1("%.4g", v) + std::string(prefix);
}

Result<std::string> HumanizeDuration(const Value& in) {
  PROMKIT_ASSIGN_OR_RETURN(double v, ConvertToFloat(in));
  if (std::isnan(v) || std::isinf(v)) return Sprintf1("%.4g", v);
  if (v == 0) return Sprintf1("%.4gs", v);
  if (std::fabs(v) >= 1) {
    std::string_view sign;
    if (v < 0) {
      sign = "-";
      v = -v;
    }
    const int64_t duration = GoFloatToInt64(v);
    const int64_t seconds = duration % 60;
    const int64_t minutes = (duration / 60) % 60;
    const int64_t hours = (duration / 60 / 60) % 24;
    const int64_t days = duration / 60 / 60 / 24;
    if (days != 0) return fmt::format("{}{}d {}h {}m {}s", sign, days, hours, minutes, seconds);
    if (hours != 0) return fmt::format("{}{}h {}m {}s", sign, hours, minutes, seconds);
    if (minutes != 0) return fmt::format("{}{}m {}s", sign, minutes, seconds);
    return std::string(sign) + Sprintf1("%.4gs", v);
  }
  std::string_view prefix;
  for (std::string_view p : {"m", "u", "n", "p", "f", "a", "z", "y"}) {
    if (std::fabs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return Sprintf1("%.4g", v) + std::string(prefix) + "s";
}

Result<std::string> HumanizePercentage(const Value& in) {
  PROMKIT_ASSIGN_OR_RETURN(double v, ConvertToFloat(in));
  return Sprintf1("%.4g%%", v * 100);
}

Result<std::string> HumanizeTimestamp(const Value& in) {
  PROMKIT_ASSIGN_OR_RETURN(double v, ConvertToFloat(in));
  if (std::isnan(v) || std::isinf(v)) return Sprintf1("%.4g", v);
  PROMKIT_ASSIGN_OR_RETURN(Value t, FloatToTime(v));
  return t.host().Format();
}

Result<std::string> ReReplaceAll(std::string_view pattern, std::string_view repl,
                                 std::string_view text) {
  Result<std::unique_ptr<RE2>> re = Compile(pattern);
  if (!re.ok()) {
    // MustCompile panics; the template engine reports the panic text.
    return Status::InvalidArgument("regexp: Compile(" + GoRegexpQuote(pattern) +
                                   "): " + std::string(re.status().message()));
  }
  const RE2& r = **re;
  const int ngroups = r.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> groups(static_cast<size_t>(ngroups));
  const re2::StringPiece src(text.data(), text.size());
  std::string out;
  size_t last_end = 0;
  size_t search = 0;
  while (search <= text.size()) {
    if (!r.Match(src, search, text.size(), RE2::UNANCHORED, groups.data(), ngroups)) break;
    const auto a0 = static_cast<size_t>(groups[0].data() - text.data());
    const size_t a1 = a0 + groups[0].size();
    out.append(text.substr(last_end, a0 - last_end));
    if (a1 > last_end || a0 == 0) Expand(out, repl, r, groups);
    last_end = a1;
    size_t width = 0;
    if (search < text.size())
      width = static_cast<size_t>(util::DecodeRune(text.substr(search)).width);
    if (search + width > a1) {
      search += width;
    } else if (search + 1 > a1) {
      ++search;
    } else {
      search = a1;
    }
  }
  out.append(text.substr(last_end));
  return out;
}

Result<bool> MatchString(std::string_view pattern, std::string_view s) {
  PROMKIT_ASSIGN_OR_RETURN(std::unique_ptr<RE2> re, Compile(pattern));
  return RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *re);
}

std::string StripPort(std::string_view hp) {
  std::string_view host, port;
  if (!SplitHostPort(hp, &host, &port)) return std::string(hp);
  return std::string(host);
}

std::string StripDomain(std::string_view hp) {
  std::string_view host, port;
  if (!SplitHostPort(hp, &host, &port)) {
    host = hp;
    port = {};
  }
  if (IsIP(host)) return std::string(hp);
  host = host.substr(0, host.find('.'));
  if (!port.empty()) return JoinHostPort(host, port);
  return std::string(host);
}

std::string Title(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool in_word = false;
  char32_t prev = 0;
  while (!s.empty()) {
    const util::DecodedRune r = util::DecodeRune(s);
    s.remove_prefix(static_cast<size_t>(r.width));
    const bool word = IsWordRune(r.rune);
    // Apostrophes and periods between letters stay inside a word (UAX #29 MidLetter).
    const bool mid = (r.rune == '\'' || r.rune == 0x2019 || r.rune == '.') && in_word &&
                     !s.empty() && IsWordRune(util::DecodeRune(s).rune) && prev != 0;
    if (word && !in_word) {
      util::AppendRune(out, util::UpperRune(r.rune));
    } else {
      util::AppendRune(out, r.rune);
    }
    in_word = word || mid;
    prev = r.rune;
  }
  return out;
}

FuncMap PrometheusFuncs(PrometheusContext ctx) {
  auto c = std::make_shared<const PrometheusContext>(std::move(ctx));
  const std::string sample_t(kSampleType);
  const std::string result_t(kQueryResultType);
  FuncMap m;
  m["query"] = Func{{"string"}, false, [c](std::span<const Value> a) -> Result<Value> {
                      if (!c->query) return Status::InvalidArgument("no query function");
                      PROMKIT_ASSIGN_OR_RETURN(std::vector<QuerySample> v,
                                               c->query(a[0].AsString(), c->timestamp_ms));
                      std::vector<Value> items;
                      items.reserve(v.size());
                      for (QuerySample& s : v) items.push_back(MakeSample(s.labels, s.value));
                      return SampleList(std::move(items));
                    }};
  m["first"] = Func{{result_t}, false, [](std::span<const Value> a) -> Result<Value> {
                      if (a[0].is_nil() || a[0].AsList().empty()) {
                        return Status::InvalidArgument("first() called on vector with no elements");
                      }
                      return a[0].AsList()[0];
                    }};
  m["label"] = Func{{"string", sample_t}, false, [](std::span<const Value> a) -> Result<Value> {
                      const Sample* s = AsSample(a[1]);
                      if (s == nullptr) return NilDeref();
                      const auto& e = s->labels().map().entries;
                      auto it = e.find(a[0].AsString());
                      return it == e.end() ? Value(std::string()) : it->second;
                    }};
  m["value"] = Func{{sample_t}, false, [](std::span<const Value> a) -> Result<Value> {
                      const Sample* s = AsSample(a[0]);
                      if (s == nullptr) return NilDeref();
                      return s->value();
                    }};
  m["strvalue"] = Func{{sample_t}, false, [](std::span<const Value> a) -> Result<Value> {
                         const Sample* s = AsSample(a[0]);
                         if (s == nullptr) return NilDeref();
                         const auto& e = s->labels().map().entries;
                         auto it = e.find("__value__");
                         return it == e.end() ? Value(std::string()) : it->second;
                       }};
  m["args"] = Func{{"any"}, true, [](std::span<const Value> a) -> Result<Value> {
                     std::map<std::string, Value, std::less<>> out;
                     for (size_t i = 0; i < a.size(); ++i)
                       out.emplace(fmt::format("arg{}", i), a[i]);
                     return Value::Map(std::move(out));
                   }};
  m["reReplaceAll"] =
      Func{{"string", "string", "string"}, false, [](std::span<const Value> a) -> Result<Value> {
             PROMKIT_ASSIGN_OR_RETURN(
                 std::string s, ReReplaceAll(a[0].AsString(), a[1].AsString(), a[2].AsString()));
             return Value(std::move(s));
           }};
  m["match"] =
      Func{{"string", "string"}, false, [](std::span<const Value> a) -> Result<Value> {
             PROMKIT_ASSIGN_OR_RETURN(bool b, MatchString(a[0].AsString(), a[1].AsString()));
             return Value(b);
           }};
  const auto string_fn = [](std::string (*f)(std::string_view)) {
    return Func{{"string"}, false, [f](std::span<const Value> a) -> Result<Value> {
                  return Value(f(a[0].AsString()));
                }};
  };
  m["title"] = string_fn(Title);
  m["toUpper"] = string_fn(util::ToUpper);
  m["toLower"] = string_fn(util::ToLower);
  m["stripPort"] = string_fn(StripPort);
  m["stripDomain"] = string_fn(StripDomain);
  m["safeHtml"] =
      Func{{"string"}, false, [](std::span<const Value> a) -> Result<Value> { return a[0]; }};
  m["graphLink"] =
      Func{{"string"}, false, [](std::span<const Value> a) -> Result<Value> {
             return Value("/graph?g0.expr=" + util::UrlQueryEscape(a[0].AsString()) + "&g0.tab=0");
           }};
  m["tableLink"] =
      Func{{"string"}, false, [](std::span<const Value> a) -> Result<Value> {
             return Value("/graph?g0.expr=" + util::UrlQueryEscape(a[0].AsString()) + "&g0.tab=1");
           }};
  m["urlQueryEscape"] = Func{{"string"}, false, [](std::span<const Value> a) -> Result<Value> {
                               return Value(util::UrlQueryEscape(a[0].AsString()));
                             }};
  m["sortByLabel"] =
      Func{{"string", result_t}, false, [](std::span<const Value> a) -> Result<Value> {
             if (a[1].is_nil()) return a[1];
             std::vector<Value> items = a[1].AsList();
             const std::string& by = a[0].AsString();
             const auto key = [&by](const Value& v) -> std::string_view {
               const Sample* s = AsSample(v);
               if (s == nullptr) return {};
               const auto& e = s->labels().map().entries;
               auto it = e.find(by);
               return it == e.end() ? std::string_view() : it->second.AsString();
             };
             std::stable_sort(items.begin(), items.end(),
                              [&key](const Value& x, const Value& y) { return key(x) < key(y); });
             return SampleList(std::move(items));
           }};
  const auto humanize_fn = [](Result<std::string> (*f)(const Value&)) {
    return Func{{"any"}, false, [f](std::span<const Value> a) -> Result<Value> {
                  PROMKIT_ASSIGN_OR_RETURN(std::string s, f(a[0]));
                  return Value(std::move(s));
                }};
  };
  m["humanize"] = humanize_fn(Humanize);
  m["humanize1024"] = humanize_fn(Humanize1024);
  m["humanizeDuration"] = humanize_fn(HumanizeDuration);
  m["humanizePercentage"] = humanize_fn(HumanizePercentage);
  m["humanizeTimestamp"] = humanize_fn(HumanizeTimestamp);
  m["toTime"] = Func{{"any"}, false, [](std::span<const Value> a) -> Result<Value> {
                       PROMKIT_ASSIGN_OR_RETURN(double v, ConvertToFloat(a[0]));
                       return FloatToTime(v);
                     }};
  m["toDuration"] = Func{{"any"}, false, [](std::span<const Value> a) -> Result<Value> {
                           PROMKIT_ASSIGN_OR_RETURN(double v, ConvertToFloat(a[0]));
                           return GoDuration::Make(GoFloatToInt64(v * 1e9), true);
                         }};
  m["now"] = Func{{}, false, [c](std::span<const Value>) -> Result<Value> {
                    return Value(static_cast<double>(c->timestamp_ms) / 1000.0);
                  }};
  m["pathPrefix"] = Func{{}, false, [c](std::span<const Value>) -> Result<Value> {
                           return Value(UrlPath(c->external_url));
                         }};
  m["externalURL"] = Func{
      {}, false, [c](std::span<const Value>) -> Result<Value> { return Value(c->external_url); }};
  m["parseDuration"] = Func{{"string"}, false, [](std::span<const Value> a) -> Result<Value> {
                              PROMKIT_ASSIGN_OR_RETURN(
                                  int64_t ms, util::ParseDurationAllowNegative(a[0].AsString()));
                              return Value(static_cast<double>(ms * 1'000'000) / 1e9);
                            }};
  return m;
}

Result<std::string> ExpandPrometheus(std::string_view name, std::string_view text,
                                     const Value& data, const PrometheusContext& ctx,
                                     Options options) {
  options.missing_key = MissingKey::kZero;
  Template t(std::string(name), PrometheusFuncs(ctx), options);
  if (Status st = t.Parse(text); !st.ok()) {
    return Status::InvalidArgument(
        fmt::format("error parsing template {}: {}", name, st.message()));
  }
  std::string out;
  if (Status st = t.Execute(data, &out); !st.ok()) {
    return Status::InvalidArgument(
        fmt::format("error executing template {}: {}", name, st.message()));
  }
  return out;
}

}  // namespace promkit::tmpl

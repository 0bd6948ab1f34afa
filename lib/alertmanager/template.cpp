#include "alertmanager/template.h"

#include <chrono>
#include <span>

#include <fmt/core.h>
#include <glob.h>

#include "alertmanager/internal/template_values.h"
#include "alertmanager/time_interval.h"
#include "template/gotime.h"
#include "template/prometheus.h"
#include "util/file.h"
#include "util/strings.h"

namespace promkit::alertmanager {

using tmpl::Func;
using tmpl::Value;
using util::Result;
using util::Status;

namespace {

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// base64.URLEncoding (padded).
std::string Base64UrlEncode(std::string_view in) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (static_cast<uint8_t>(in[i]) << 16) | (static_cast<uint8_t>(in[i + 1]) << 8) |
                 static_cast<uint8_t>(in[i + 2]);
    for (int k = 3; k >= 0; --k) out += kBase64Url[(v >> (6 * k)) & 63];
  }
  if (size_t rest = in.size() - i; rest > 0) {
    uint32_t v = static_cast<uint8_t>(in[i]) << 16;
    if (rest == 2) v |= static_cast<uint8_t>(in[i + 1]) << 8;
    out += kBase64Url[(v >> 18) & 63];
    out += kBase64Url[(v >> 12) & 63];
    out += rest == 2 ? kBase64Url[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// base64.URLEncoding.DecodeString with Go's error text (newlines are skipped, as Go does).
Result<std::string> Base64UrlDecode(std::string_view in) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  size_t pad_at = std::string_view::npos;
  size_t count = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '\r' || c == '\n') continue;
    if (c == '=') {
      if (pad_at == std::string_view::npos) pad_at = count;
      ++count;
      continue;
    }
    size_t v = kBase64Url.find(c);
    if (v == std::string_view::npos || pad_at != std::string_view::npos) {
      return Status::InvalidArgument(fmt::format("illegal base64 data at input byte {}", i));
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    ++count;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  if (count % 4 != 0) {
    return Status::InvalidArgument(fmt::format("illegal base64 data at input byte {}", in.size()));
  }
  return out;
}

}  // namespace

tmpl::FuncMap TemplateFuncs() {
  // The functions upstream shares with Prometheus's set, with the same implementations.
  tmpl::FuncMap prom = tmpl::PrometheusFuncs({});
  tmpl::FuncMap m;
  for (const char* name :
       {"toUpper", "toLower", "match", "reReplaceAll", "safeHtml", "humanizeDuration"}) {
    m[name] = prom.at(name);
  }
  // cases.Title(language.AmericanEnglish): each word capitalized, the rest lowered (Prometheus's
  // title keeps the rest as it is).
  m["title"] = Func{{"string"}, false, [](std::span<const Value> a) -> Result<Value> {
                      return Value(tmpl::Title(util::ToLower(a[0].AsString())));
                    }};
  m["trimSpace"] = Func{{"string"}, false, [](std::span<const Value> a) -> Result<Value> {
                          return Value(std::string(util::TrimSpace(a[0].AsString())));
                        }};
  m["safeUrl"] = m["safeHtml"];
  m["join"] = Func{{"string", "[]string"}, false, [](std::span<const Value> a) -> Result<Value> {
                     std::string out;
                     const std::vector<Value>& items = a[1].AsList();
                     for (size_t i = 0; i < items.size(); ++i) {
                       if (i > 0) out += a[0].AsString();
                       out += items[i].AsString();
                     }
                     return Value(std::move(out));
                   }};
  m["stringSlice"] = Func{{"string"}, true, [](std::span<const Value> a) -> Result<Value> {
                            return Value::List(std::vector<Value>(a.begin(), a.end()), "[]string");
                          }};
  // A placeholder upstream replaces per notification; templates only need it to parse.
  m["routeLabels"] =
      Func{{"string"}, false, [](std::span<const Value>) -> Result<Value> { return Value(""); }};
  m["list"] = Func{{"any"}, true, [](std::span<const Value> a) -> Result<Value> {
                     return Value::List(std::vector<Value>(a.begin(), a.end()));
                   }};
  m["append"] =
      Func{{"[]interface {}", "any"}, true, [](std::span<const Value> a) -> Result<Value> {
             std::vector<Value> items = a[0].AsList();
             items.insert(items.end(), a.begin() + 1, a.end());
             return Value::List(std::move(items));
           }};
  m["dict"] = Func{{"any"}, true, [](std::span<const Value> a) -> Result<Value> {
                     if (a.size() % 2 != 0) {
                       return Status::InvalidArgument("dict requires an even number of arguments");
                     }
                     std::map<std::string, Value, std::less<>> out;
                     for (size_t i = 0; i < a.size(); i += 2) {
                       if (a[i].kind() != Value::Kind::kString) {
                         return Status::InvalidArgument("dict keys must be strings");
                       }
                       out[a[i].AsString()] = a[i + 1];
                     }
                     return Value::Map(std::move(out));
                   }};
  m["date"] = Func{{"string", "time.Time"}, false, [](std::span<const Value> a) -> Result<Value> {
                     const auto& t = static_cast<const tmpl::GoTime&>(a[1].host());
                     return Value(tmpl::FormatGoTime(t.unix_nanos(), a[0].AsString()));
                   }};
  m["tz"] = Func{{"string", "time.Time"}, false, [](std::span<const Value> a) -> Result<Value> {
                   PROMKIT_ASSIGN_OR_RETURN(auto loc, Location::Load(a[0].AsString()));
                   const auto& t = static_cast<const tmpl::GoTime&>(a[1].host());
                   int64_t secs = t.unix_nanos() / 1'000'000'000;
                   return tmpl::GoTime::Make(t.unix_nanos(), false, loc->OffsetAt(secs),
                                             loc->AbbreviationAt(secs));
                 }};
  m["now"] = Func{{}, false, [](std::span<const Value>) -> Result<Value> {
                    return tmpl::GoTime::Make(NowNanos(), false);
                  }};
  m["since"] = Func{{"time.Time"}, false, [](std::span<const Value> a) -> Result<Value> {
                      const auto& t = static_cast<const tmpl::GoTime&>(a[0].host());
                      return tmpl::GoDuration::Make(NowNanos() - t.unix_nanos(), false);
                    }};
  // time.ParseInLocation(layout, s, time.UTC): toDate gives the zero time on failure.
  m["toDate"] = Func{{"string", "string"}, false, [](std::span<const Value> a) -> Result<Value> {
                       auto t = tmpl::ParseGoTime(a[0].AsString(), a[1].AsString());
                       return tmpl::GoTime::Make(t.ok() ? *t : tmpl::kGoZeroTime, false);
                     }};
  m["mustToDate"] = Func{
      {"string", "string"}, false, [](std::span<const Value> a) -> Result<Value> {
        PROMKIT_ASSIGN_OR_RETURN(int64_t t, tmpl::ParseGoTime(a[0].AsString(), a[1].AsString()));
        return tmpl::GoTime::Make(t, false);
      }};
  m["toJson"] = Func{{"any"}, false, [](std::span<const Value> a) -> Result<Value> {
                       std::string out;
                       internal::AppendJson(out, a[0]);
                       return Value(std::move(out));
                     }};
  m["base64encode"] = Func{{"string"}, false, [](std::span<const Value> a) -> Result<Value> {
                             return Value(Base64UrlEncode(a[0].AsString()));
                           }};
  m["base64decode"] =
      Func{{"string"}, false, [](std::span<const Value> a) -> Result<Value> {
             PROMKIT_ASSIGN_OR_RETURN(std::string s, Base64UrlDecode(a[0].AsString()));
             return Value(std::move(s));
           }};
  return m;
}

Status CheckTemplateGlobs(const std::vector<std::string>& globs) {
  tmpl::FuncMap funcs = TemplateFuncs();
  for (const std::string& pattern : globs) {
    glob_t g{};
    int rc = ::glob(pattern.c_str(), 0, nullptr, &g);
    std::vector<std::string> files;
    if (rc == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) files.emplace_back(g.gl_pathv[i]);
    }
    globfree(&g);
    if (rc == GLOB_NOSPACE || rc == GLOB_ABORTED) {
      return Status::InvalidArgument("syntax error in pattern");
    }
    for (const std::string& file : files) {
      PROMKIT_ASSIGN_OR_RETURN(std::string text, util::ReadFile(file));
      size_t slash = file.rfind('/');
      tmpl::Options opts;
      opts.missing_key = tmpl::MissingKey::kZero;
      tmpl::Template t(slash == std::string::npos ? file : file.substr(slash + 1), funcs, opts);
      PROMKIT_RETURN_IF_ERROR(t.Parse(text));
    }
  }
  return Status::Ok();
}

}  // namespace promkit::alertmanager

// alertmanager.yml: the top level, global, route, inhibit rules, time intervals and the
// cross-checks upstream's Config.UnmarshalYAML runs (global inheritance into integrations,
// receiver and time interval references). Integrations are in integrations.cpp.
#include "alertmanager/config.h"

#include <algorithm>
#include <set>

#include <fmt/core.h>

#include "alertmanager/internal/decode.h"
#include "config/http_decode.h"
#include "template/template.h"
#include "util/duration.h"
#include "util/file.h"
#include "util/strings.h"

namespace promkit::alertmanager {

using internal::Decoder;
using internal::Node;
using util::Result;
using util::Status;

std::string GlobalConfig::Get(std::string_view key) const {
  for (const auto& [k, v] : settings) {
    if (k == key) return v;
  }
  return "";
}

bool GlobalConfig::Has(std::string_view key) const {
  return std::any_of(settings.begin(), settings.end(),
                     [&](const auto& kv) { return kv.first == key; });
}

std::string Integration::Get(std::string_view key) const {
  for (const auto& [k, v] : fields) {
    if (k == key) return v;
  }
  return "";
}

bool Integration::Has(std::string_view key) const {
  return std::any_of(fields.begin(), fields.end(), [&](const auto& kv) { return kv.first == key; });
}

void Integration::Set(std::string_view key, std::string value) {
  for (auto& [k, v] : fields) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  fields.emplace_back(std::string(key), std::move(value));
}

const NamedTimeInterval* Config::FindTimeInterval(std::string_view name) const {
  for (const NamedTimeInterval& t : mute_time_intervals) {
    if (t.name == name) return &t;
  }
  for (const NamedTimeInterval& t : time_intervals) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

const Receiver* Config::FindReceiver(std::string_view name) const {
  for (const Receiver& r : receivers) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

namespace internal {

// ---------------------------------------------------------------------------------------------
// Scalars shared with integrations.cpp.

Status CheckUrl(std::string_view s) {
  // Go's url.Parse failures that matter in practice, then amcommoncfg.ParseURL's checks.
  for (char ch : s) {
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) {
      return Status::InvalidArgument(
          fmt::format("parse {}: net/url: invalid control character in URL", util::GoQuote(s)));
    }
  }
  std::string_view rest = s;
  std::string scheme;
  size_t colon = rest.find(':');
  if (colon != std::string_view::npos) {
    std::string_view cand = rest.substr(0, colon);
    bool valid = !cand.empty();
    for (size_t i = 0; i < cand.size() && valid; ++i) {
      char c = cand[i];
      bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      bool other = (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
      valid = alpha || (i > 0 && other);
      if (!valid && i == 0) break;
    }
    if (colon == 0) {
      return Status::InvalidArgument(
          fmt::format("parse {}: missing protocol scheme", util::GoQuote(s)));
    }
    if (valid) {
      scheme = util::ToLower(cand);
      rest.remove_prefix(colon + 1);
    }
  }
  std::string host;
  if (rest.substr(0, 2) == "//") {
    rest.remove_prefix(2);
    size_t end = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, end);
    size_t at = authority.rfind('@');
    std::string_view h = at == std::string_view::npos ? authority : authority.substr(at + 1);
    // Port: digits only after the last colon (outside an IPv6 literal).
    size_t close = h.rfind(']');
    size_t pcolon = h.rfind(':');
    if (pcolon != std::string_view::npos && (close == std::string_view::npos || pcolon > close)) {
      std::string_view port = h.substr(pcolon + 1);
      for (char c : port) {
        if (c < '0' || c > '9') {
          return Status::InvalidArgument(fmt::format("parse {}: invalid port {} after host",
                                                     util::GoQuote(s),
                                                     util::GoQuote(h.substr(pcolon))));
        }
      }
    }
    host = std::string(h);
  }
  if (scheme != "http" && scheme != "https") {
    return Status::InvalidArgument(
        fmt::format("unsupported scheme {} for URL", util::GoQuote(scheme)));
  }
  if (host.empty()) return Status::InvalidArgument("missing host for URL");
  return Status::Ok();
}

bool ContainsTemplating(std::string_view s, Status* err) {
  if (s.find("{{") == std::string_view::npos) return false;
  // Upstream parses it as html/template.New("") with no functions but the builtins.
  tmpl::Template t("");
  Status st = t.Parse(s);
  if (!st.ok()) *err = std::move(st);
  return true;
}

void DecodeUrl(Decoder& d, const Node& n, std::optional<std::string>& out, bool secret) {
  std::string s;
  if (n.IsNull()) {
    out.reset();
    return;
  }
  if (!d.Str(n, s)) return;
  if (secret && s == "<secret>") {
    out = "";
    return;
  }
  Status st = CheckUrl(s);
  if (!st.ok()) {
    d.Fail(std::move(st));
    return;
  }
  out = s;
}

void DecodeGoDuration(Decoder& d, const Node& n, int64_t& out_ns, std::string_view type) {
  if (n.IsNull()) {
    out_ns = 0;
    return;
  }
  if (n.tag == "!!int") {
    int64_t v = 0;
    if (d.Int(n, v, type)) out_ns = v;
    return;
  }
  if (n.IsScalar() && n.tag == "!!str") {
    auto v = util::ParseGoDuration(n.value);
    if (v.ok()) {
      out_ns = *v;
      return;
    }
  }
  d.TypeError(n, type);
}

Status SplitHostPort(std::string_view hostport, std::string& host, std::string& port) {
  auto err = [&](std::string_view why) {
    return Status::InvalidArgument(fmt::format("address {}: {}", hostport, why));
  };
  const std::string_view kMissingPort = "missing port in address";
  const std::string_view kTooManyColons = "too many colons in address";
  size_t i = hostport.rfind(':');
  if (i == std::string_view::npos) return err(kMissingPort);
  size_t j = 0, k = 0;
  if (hostport[0] == '[') {
    size_t end = hostport.find(']');
    if (end == std::string_view::npos) return err("missing ']' in address");
    if (end + 1 == hostport.size()) return err(kMissingPort);
    if (end + 1 != i) {
      return err(hostport[end + 1] == ':' ? kTooManyColons : kMissingPort);
    }
    host = std::string(hostport.substr(1, end - 1));
    j = 1;
    k = end + 1;
  } else {
    host = std::string(hostport.substr(0, i));
    if (host.find(':') != std::string::npos) return err(kTooManyColons);
  }
  if (hostport.find('[', j) != std::string_view::npos) return err("unexpected '[' in address");
  if (hostport.find(']', k) != std::string_view::npos) return err("unexpected ']' in address");
  port = std::string(hostport.substr(i + 1));
  return Status::Ok();
}

void DecodeHostPort(Decoder& d, const Node& n, std::string& out) {
  std::string s;
  out.clear();
  if (!d.Str(n, s) || s.empty()) return;
  std::string host, port;
  Status st = SplitHostPort(s, host, port);
  if (!st.ok()) {
    d.Fail(std::move(st));
    return;
  }
  if (port.empty()) {
    d.Fail(fmt::format("address {}: port cannot be empty", util::GoQuote(s)));
    return;
  }
  out = s;
}

void DecodeHttp(Decoder& d, const Node& n, std::optional<config::HTTPClientConfig>& out) {
  if (n.IsNull()) {
    out.reset();
    return;
  }
  out.emplace();
  config::DecodeHTTPClientConfig(d, n, *out);
}

}  // namespace internal

namespace {

using internal::DecodeUrl;

// ---------------------------------------------------------------------------------------------
// global

void SetSetting(GlobalConfig& g, std::string_view key, std::string value) {
  for (auto& [k, v] : g.settings) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  g.settings.emplace_back(std::string(key), std::move(value));
}

void EraseSetting(GlobalConfig& g, std::string_view key) {
  std::erase_if(g.settings, [&](const auto& kv) { return kv.first == key; });
}

GlobalConfig DefaultGlobal() {
  GlobalConfig g;
  g.settings = {
      {"smtp_hello", "localhost"},
      {"smtp_require_tls", "true"},
      {"pagerduty_url", "https://events.pagerduty.com/v2/enqueue"},
      {"opsgenie_api_url", "https://api.opsgenie.com/"},
      {"wechat_api_url", "https://qyapi.weixin.qq.com/cgi-bin/"},
      {"victorops_api_url", "https://alert.victorops.com/integrations/generic/20131114/alert/"},
      {"telegram_api_url", "https://api.telegram.org"},
      {"webex_api_url", "https://webexapis.com/v1/messages"},
      {"rocketchat_api_url", "https://open.rocket.chat/"},
      {"slack_app_url", "https://slack.com/api/chat.postMessage"},
  };
  return g;
}

void DecodeGlobal(Decoder& d, const Node& n, GlobalConfig& g) {
  g = DefaultGlobal();
  auto str = [&](std::string_view key) -> Decoder::Field {
    return {key, [&d, &g, key](const Node& v) {
              std::string s;
              d.Str(v, s);
              SetSetting(g, key, s);
            }};
  };
  // Pointer-typed settings: null unsets them.
  auto ptr_str = [&](std::string_view key) -> Decoder::Field {
    return {key, [&d, &g, key](const Node& v) {
              std::string s;
              if (v.IsNull()) {
                EraseSetting(g, key);
              } else if (d.Str(v, s)) {
                SetSetting(g, key, s);
              }
            }};
  };
  auto url = [&](std::string_view key, bool secret) -> Decoder::Field {
    return {key, [&d, &g, key, secret](const Node& v) {
              std::optional<std::string> u;
              DecodeUrl(d, v, u, secret);
              if (u) {
                SetSetting(g, key, *u);
              } else {
                EraseSetting(g, key);
              }
            }};
  };
  auto boolean = [&](std::string_view key, bool pointer) -> Decoder::Field {
    return {key, [&d, &g, key, pointer](const Node& v) {
              bool b = false;
              if (v.IsNull() && pointer) {
                EraseSetting(g, key);
                return;
              }
              d.Bool(v, b);
              SetSetting(g, key, b ? "true" : "false");
            }};
  };
  std::vector<Decoder::Field> fields = {
      {"resolve_timeout", [&](const Node& v) { d.Duration(v, g.resolve_timeout_ms); }},
      {"http_config",
       [&](const Node& v) {
         if (v.IsNull()) return;  // a nil pointer: restored to the default below
         config::DecodeHTTPClientConfig(d, v, g.http_config);
       }},
      url("jira_api_url", false),
      str("smtp_from"),
      str("smtp_hello"),
      {"smtp_smarthost",
       [&](const Node& v) {
         std::string hp;
         internal::DecodeHostPort(d, v, hp);
         SetSetting(g, "smtp_smarthost", hp);
       }},
      str("smtp_auth_username"),
      str("smtp_auth_password"),
      str("smtp_auth_password_file"),
      str("smtp_auth_secret"),
      str("smtp_auth_secret_file"),
      str("smtp_auth_identity"),
      boolean("smtp_require_tls", false),
      {"smtp_tls_config",
       [&](const Node& v) {
         config::TLSConfig tls;
         config::DecodeTLSConfig(d, v, tls);
       }},
      boolean("smtp_force_implicit_tls", true),
      url("slack_api_url", true),
      str("slack_api_url_file"),
      str("slack_app_token"),
      str("slack_app_token_file"),
      url("slack_app_url", false),
      url("pagerduty_url", false),
      url("opsgenie_api_url", false),
      str("opsgenie_api_key"),
      str("opsgenie_api_key_file"),
      url("wechat_api_url", false),
      str("wechat_api_secret"),
      str("wechat_api_secret_file"),
      str("wechat_api_corp_id"),
      url("victorops_api_url", false),
      str("victorops_api_key"),
      str("victorops_api_key_file"),
      url("telegram_api_url", false),
      str("telegram_bot_token"),
      str("telegram_bot_token_file"),
      url("webex_api_url", false),
      url("rocketchat_api_url", false),
      ptr_str("rocketchat_token"),
      str("rocketchat_token_file"),
      ptr_str("rocketchat_token_id"),
      str("rocketchat_token_id_file"),
      url("mattermost_webhook_url", true),
      str("mattermost_webhook_url_file"),
  };
  d.Struct(n, "config.plain", fields);
}

// ---------------------------------------------------------------------------------------------
// route

void DecodeMatchRegexps(Decoder& d, const Node& n, StringPairs& out) {
  // MatchRegexps: map[string]Regexp; each value compiles anchored; then names and nil values
  // are checked once the map decoded.
  out.clear();
  if (n.IsNull()) return;
  if (!n.IsMap()) {
    d.TypeError(n, "common.plain");
    return;
  }
  size_t mark = d.mark();
  std::vector<bool> null_value;
  for (size_t i = 0; i + 1 < n.items.size() && !d.failed(); i += 2) {
    std::string k;
    d.Str(n.items[i], k);
    bool dup = std::any_of(out.begin(), out.end(), [&](const auto& kv) { return kv.first == k; });
    if (dup) {
      d.DuplicateKey(n.items[i]);
      continue;
    }
    const Node& v = n.items[i + 1];
    std::string re;
    if (v.IsNull()) {
      out.emplace_back(k, "");
      null_value.push_back(true);
      continue;
    }
    if (!d.Str(v, re)) {
      out.emplace_back(k, "");
      null_value.push_back(true);
      continue;
    }
    auto compiled = CompileAnchoredRegexp(re);
    if (!compiled.ok()) {
      d.Fail(compiled.status());
      return;
    }
    out.emplace_back(k, re);
    null_value.push_back(false);
  }
  if (d.failed() || d.mark() != mark) return;
  // Go ranges over the map in random order; report the first in file order.
  for (size_t i = 0; i < out.size(); ++i) {
    if (!IsClassicLabelName(out[i].first)) {
      d.Fail(fmt::format("invalid label name {}", util::GoQuote(out[i].first)));
      return;
    }
    if (null_value[i]) {
      d.Fail(fmt::format("invalid regexp value for {}", util::GoQuote(out[i].first)));
      return;
    }
  }
}

void DecodeMatchers(Decoder& d, const Node& n, Matchers& out, MatcherMode mode) {
  std::vector<std::string> lines;
  size_t mark = d.mark();
  if (!d.StrList(n, lines)) return;
  if (d.mark() != mark) return;
  for (const std::string& line : lines) {
    auto ms = ParseMatchers(line, mode);
    if (!ms.ok()) {
      d.Fail(ms.status());
      return;
    }
    for (Matcher& m : *ms) out.push_back(std::move(m));
  }
  SortMatchers(out);
}

void DecodeDurationPtr(Decoder& d, const Node& n, std::optional<int64_t>& out) {
  if (n.IsNull()) {
    out.reset();
    return;
  }
  int64_t v = 0;
  if (d.Duration(n, v)) out = v;
}

void DecodeRoute(Decoder& d, const Node& n, Route& r, MatcherMode mode) {
  size_t mark = d.mark();
  std::vector<Decoder::Field> fields = {
      {"receiver", [&](const Node& v) { d.Str(v, r.receiver); }},
      {"group_by",
       [&](const Node& v) {
         std::vector<std::string> g;
         if (v.IsNull()) {
           r.group_by.reset();
           return;
         }
         if (d.StrList(v, g)) r.group_by = std::move(g);
       }},
      {"match", [&](const Node& v) { d.StrMap(v, r.match); }},
      {"match_re", [&](const Node& v) { DecodeMatchRegexps(d, v, r.match_re); }},
      {"matchers", [&](const Node& v) { DecodeMatchers(d, v, r.matchers, mode); }},
      {"mute_time_intervals", [&](const Node& v) { d.StrList(v, r.mute_time_intervals); }},
      {"active_time_intervals", [&](const Node& v) { d.StrList(v, r.active_time_intervals); }},
      {"continue", [&](const Node& v) { d.Bool(v, r.continue_); }},
      {"routes",
       [&](const Node& v) {
         r.routes.clear();
         d.Seq(v, "[]*config.Route", [&](const Node& item) {
           auto child = std::make_unique<Route>();
           if (!item.IsNull()) DecodeRoute(d, item, *child, mode);
           r.routes.push_back(std::move(child));
         });
       }},
      {"group_wait", [&](const Node& v) { DecodeDurationPtr(d, v, r.group_wait_ms); }},
      {"group_interval", [&](const Node& v) { DecodeDurationPtr(d, v, r.group_interval_ms); }},
      {"repeat_interval", [&](const Node& v) { DecodeDurationPtr(d, v, r.repeat_interval_ms); }},
      {"labels",
       [&](const Node& v) {
         // model.LabelSet: keys are model.LabelName, which validate themselves.
         if (v.IsNull()) return;
         if (!v.IsMap()) {
           d.TypeError(v, "model.LabelSet");
           return;
         }
         for (size_t i = 0; i + 1 < v.items.size() && !d.failed(); i += 2) {
           std::string k, val;
           d.Str(v.items[i], k);
           if (k.empty() || !util::IsValidUtf8(k)) {
             d.Fail(fmt::format("{} is not a valid label name", util::GoQuote(k)));
             return;
           }
           d.Str(v.items[i + 1], val);
           r.labels.emplace_back(k, val);
         }
       }},
  };
  d.Struct(n, "config.plain", fields);
  if (d.failed() || d.mark() != mark) return;
  for (const auto& [k, v] : r.match) {
    if (!IsClassicLabelName(k)) {
      d.Fail(fmt::format("invalid label name {}", util::GoQuote(k)));
      return;
    }
  }
  for (const auto& [k, v] : r.labels) {
    if (!IsValidLabelName(k, mode)) {
      d.Fail(fmt::format("invalid label name {} in route labels", util::GoQuote(k)));
      return;
    }
  }
  std::vector<std::string> group_by;
  if (r.group_by) {
    for (const std::string& l : *r.group_by) {
      if (l == "...") {
        r.group_by_all = true;
      } else {
        if (!IsValidLabelName(l, mode)) {
          d.Fail(fmt::format("invalid label name {} in group_by list", util::GoQuote(l)));
          return;
        }
        group_by.push_back(l);
      }
    }
  }
  if (!group_by.empty() && r.group_by_all) {
    d.Fail("cannot have wildcard group_by (`...`) and other labels at the same time");
    return;
  }
  std::set<std::string> seen;
  for (const std::string& l : group_by) {
    if (!seen.insert(l).second) {
      d.Fail(fmt::format("duplicated label {} in group_by", util::GoQuote(l)));
      return;
    }
  }
  if (r.group_interval_ms && *r.group_interval_ms == 0) {
    d.Fail("group_interval cannot be zero");
    return;
  }
  if (r.repeat_interval_ms && *r.repeat_interval_ms == 0) {
    d.Fail("repeat_interval cannot be zero");
    return;
  }
}

// ---------------------------------------------------------------------------------------------
// inhibit rules, time intervals, tracing, event recorder

void DecodeInhibitRule(Decoder& d, const Node& n, InhibitRule& r, MatcherMode mode) {
  size_t mark = d.mark();
  d.Struct(
      n, "common.plain",
      {
          {"name", [&](const Node& v) { d.Str(v, r.name); }},
          {"source_match", [&](const Node& v) { d.StrMap(v, r.source_match); }},
          {"source_match_re", [&](const Node& v) { DecodeMatchRegexps(d, v, r.source_match_re); }},
          {"source_matchers",
           [&](const Node& v) { DecodeMatchers(d, v, r.source_matchers, mode); }},
          {"target_match", [&](const Node& v) { d.StrMap(v, r.target_match); }},
          {"target_match_re", [&](const Node& v) { DecodeMatchRegexps(d, v, r.target_match_re); }},
          {"target_matchers",
           [&](const Node& v) { DecodeMatchers(d, v, r.target_matchers, mode); }},
          {"equal", [&](const Node& v) { d.StrList(v, r.equal); }},
      });
  if (d.failed() || d.mark() != mark) return;
  for (const StringPairs* m : {&r.source_match, &r.target_match}) {
    for (const auto& [k, v] : *m) {
      if (!IsClassicLabelName(k)) {
        d.Fail(fmt::format("invalid label name {}", util::GoQuote(k)));
        return;
      }
    }
  }
  for (const std::string& l : r.equal) {
    if (!IsValidLabelName(l, mode)) {
      d.Fail(fmt::format("invalid label name {} in equal list", util::GoQuote(l)));
      return;
    }
  }
}

template <typename Parse>
void DecodeRanges(Decoder& d, const Node& n, std::optional<std::vector<InclusiveRange>>& out,
                  std::string_view type, Parse parse) {
  if (n.IsNull()) return;
  std::vector<InclusiveRange> ranges;
  bool ok = d.Seq(n, type, [&](const Node& item) {
    if (item.IsNull()) {
      ranges.push_back({});
      return;
    }
    std::string s;
    if (!d.Str(item, s)) return;
    auto r = parse(s);
    if (!r.ok()) {
      d.Fail(r.status());
      return;
    }
    ranges.push_back(*r);
  });
  if (ok) out = std::move(ranges);
}

void DecodeTimeInterval(Decoder& d, const Node& n, TimeInterval& t) {
  d.Struct(n, "timeinterval.TimeInterval",
           {
               {"times",
                [&](const Node& v) {
                  if (v.IsNull()) return;
                  std::vector<InclusiveRange> ranges;
                  bool ok = d.Seq(v, "[]timeinterval.TimeRange", [&](const Node& item) {
                    if (item.IsNull()) {
                      ranges.push_back({});
                      return;
                    }
                    std::string start, end;
                    size_t mark = d.mark();
                    d.Struct(item, "timeinterval.yamlTimeRange",
                             {
                                 {"start_time", [&](const Node& x) { d.Str(x, start); }},
                                 {"end_time", [&](const Node& x) { d.Str(x, end); }},
                             });
                    if (d.failed() || d.mark() != mark) return;
                    auto r = ParseTimeRange(start, end);
                    if (!r.ok()) {
                      d.Fail(r.status());
                      return;
                    }
                    ranges.push_back(*r);
                  });
                  if (ok) t.times = std::move(ranges);
                }},
               {"weekdays",
                [&](const Node& v) {
                  DecodeRanges(d, v, t.weekdays, "[]timeinterval.WeekdayRange", ParseWeekdayRange);
                }},
               {"days_of_month",
                [&](const Node& v) {
                  DecodeRanges(d, v, t.days_of_month, "[]timeinterval.DayOfMonthRange",
                               ParseDayOfMonthRange);
                }},
               {"months",
                [&](const Node& v) {
                  DecodeRanges(d, v, t.months, "[]timeinterval.MonthRange", ParseMonthRange);
                }},
               {"years",
                [&](const Node& v) {
                  DecodeRanges(d, v, t.years, "[]timeinterval.YearRange", ParseYearRange);
                }},
               {"location",
                [&](const Node& v) {
                  std::string s;
                  if (v.IsNull() || !d.Str(v, s)) return;
                  auto loc = Location::Load(s);
                  if (!loc.ok()) {
                    d.Fail(loc.status());
                    return;
                  }
                  t.location = *loc;
                }},
           });
}

void DecodeNamedIntervals(Decoder& d, const Node& n, std::vector<NamedTimeInterval>& out,
                          std::string_view seq_type, std::string_view missing) {
  d.Seq(n, seq_type, [&](const Node& item) {
    NamedTimeInterval ti;
    size_t mark = d.mark();
    d.Struct(item, "config.plain",
             {
                 {"name", [&](const Node& v) { d.Str(v, ti.name); }},
                 {"time_intervals",
                  [&](const Node& v) {
                    d.Seq(v, "[]timeinterval.TimeInterval", [&](const Node& x) {
                      ti.time_intervals.emplace_back();
                      DecodeTimeInterval(d, x, ti.time_intervals.back());
                    });
                  }},
             });
    if (!item.IsNull() && !d.failed() && d.mark() == mark && ti.name.empty()) {
      d.Fail(std::string(missing));
    }
    out.push_back(std::move(ti));
  });
}

void DecodeTracing(Decoder& d, const Node& n) {
  std::string client_type = "grpc", endpoint, compression;
  double fraction = 0;
  bool insecure = false;
  int64_t timeout = 0;
  size_t mark = d.mark();
  d.Struct(n, "tracing.plain",
           {
               {"client_type",
                [&](const Node& v) {
                  client_type.clear();
                  if (!d.Str(v, client_type)) return;
                  if (client_type != "http" && client_type != "grpc") {
                    d.Fail(fmt::format(
                        "expected tracing client type to be to be http or grpc, but got {}",
                        client_type));
                  }
                }},
               {"endpoint", [&](const Node& v) { d.Str(v, endpoint); }},
               {"sampling_fraction", [&](const Node& v) { d.Float(v, fraction); }},
               {"insecure", [&](const Node& v) { d.Bool(v, insecure); }},
               {"tls_config",
                [&](const Node& v) {
                  config::TLSConfig tls;
                  config::DecodeTLSConfig(d, v, tls);
                }},
               {"headers", [&](const Node& v) { config::DecodeHeaders(d, v); }},
               {"compression", [&](const Node& v) { d.Str(v, compression); }},
               {"timeout", [&](const Node& v) { d.Duration(v, timeout); }},
           });
  if (n.IsNull() || d.failed() || d.mark() != mark) return;
  if (endpoint.empty()) {
    d.Fail("tracing endpoint must be set");
  } else if (!compression.empty() && compression != "gzip") {
    d.Fail(fmt::format("invalid compression type {} provided, valid options: gzip", compression));
  }
}

void DecodeEventRecorder(Decoder& d, const Node& n) {
  d.Struct(
      n, "eventrecorder.Config",
      {
          {"file_outputs",
           [&](const Node& v) {
             d.Seq(v, "[]eventrecorder.FileOutputConfig", [&](const Node& item) {
               std::string path;
               size_t mark = d.mark();
               d.Struct(item, "eventrecorder.plain",
                        {{"path", [&](const Node& x) { d.Str(x, path); }}});
               if (!item.IsNull() && !d.failed() && d.mark() == mark && path.empty()) {
                 d.Fail("event_recorder file output requires a path");
               }
             });
           }},
          {"webhook_outputs",
           [&](const Node& v) {
             d.Seq(v, "[]eventrecorder.WebhookOutputConfig", [&](const Node& item) {
               std::optional<std::string> url;
               std::optional<config::HTTPClientConfig> http;
               int64_t timeout = 0, backoff = 0, flush = 0, workers = 0, retries = 0,
                       max_events = 0, max_bytes = 0;
               bool batch = false;
               size_t mark = d.mark();
               d.Struct(
                   item, "eventrecorder.plain",
                   {
                       {"url", [&](const Node& x) { DecodeUrl(d, x, url, true); }},
                       {"http_config", [&](const Node& x) { internal::DecodeHttp(d, x, http); }},
                       {"timeout", [&](const Node& x) { d.Duration(x, timeout); }},
                       {"workers", [&](const Node& x) { d.Int(x, workers); }},
                       {"max_retries", [&](const Node& x) { d.Int(x, retries); }},
                       {"retry_backoff", [&](const Node& x) { d.Duration(x, backoff); }},
                       {"batch", [&](const Node& x) { d.Bool(x, batch); }},
                       {"batch_max_events", [&](const Node& x) { d.Int(x, max_events); }},
                       {"batch_max_bytes", [&](const Node& x) { d.Int(x, max_bytes); }},
                       {"batch_flush_interval", [&](const Node& x) { d.Duration(x, flush); }},
                   });
               if (item.IsNull() || d.failed() || d.mark() != mark) return;
               if (!url) {
                 d.Fail("event_recorder webhook output requires a url");
               } else if (url->empty()) {
                 d.Fail("event_recorder webhook output requires an absolute http(s) url");
               } else if (max_events < 0 || max_bytes < 0 || flush < 0) {
                 d.Fail("event_recorder webhook batch settings cannot be negative");
               } else if (!batch && (max_events != 0 || max_bytes != 0 || flush != 0)) {
                 d.Fail("event_recorder webhook batch settings require batch: true");
               }
             });
           }},
          {"kafka_outputs",
           [&](const Node& v) {
             d.Seq(v, "[]eventrecorder.KafkaOutputConfig", [&](const Node& item) {
               std::vector<std::string> brokers;
               std::string topic, client_id, format, acks, compression;
               int64_t buffer = 0;
               size_t mark = d.mark();
               d.Struct(item, "eventrecorder.plain",
                        {
                            {"brokers", [&](const Node& x) { d.StrList(x, brokers); }},
                            {"topic", [&](const Node& x) { d.Str(x, topic); }},
                            {"client_id", [&](const Node& x) { d.Str(x, client_id); }},
                            {"format", [&](const Node& x) { d.Str(x, format); }},
                            {"acks", [&](const Node& x) { d.Str(x, acks); }},
                            {"compression", [&](const Node& x) { d.Str(x, compression); }},
                            {"buffer_size", [&](const Node& x) { d.Int(x, buffer); }},
                            {"tls_config",
                             [&](const Node& x) {
                               config::TLSConfig tls;
                               config::DecodeTLSConfig(d, x, tls);
                             }},
                        });
               if (item.IsNull() || d.failed() || d.mark() != mark) return;
               // kafka.ClientOptions.Validate, then the output's own checks.
               if (brokers.empty()) {
                 d.Fail("event_recorder kafka: at least one broker is required");
               } else if (std::find(brokers.begin(), brokers.end(), "") != brokers.end()) {
                 d.Fail("event_recorder kafka: broker entries must be non-empty");
               } else if (!acks.empty() && acks != "none" && acks != "leader" && acks != "all") {
                 d.Fail(fmt::format(
                     "event_recorder kafka: unknown acks {}, must be \"none\", \"leader\", or "
                     "\"all\"",
                     util::GoQuote(acks)));
               } else if (!compression.empty() && compression != "none" && compression != "gzip" &&
                          compression != "snappy" && compression != "lz4" &&
                          compression != "zstd") {
                 d.Fail(fmt::format("event_recorder kafka: unknown compression {}",
                                    util::GoQuote(compression)));
               } else if (topic.empty()) {
                 d.Fail("event_recorder kafka output requires a topic");
               } else if (!format.empty() && format != "json" && format != "protobuf") {
                 d.Fail(fmt::format(
                     "event_recorder kafka: unknown format {}, must be \"json\" or \"protobuf\"",
                     util::GoQuote(format)));
               }
             });
           }},
          {"stdout_outputs",
           [&](const Node& v) {
             d.Seq(v, "[]eventrecorder.StdoutOutputConfig", [&](const Node& item) {
               d.Struct(item, "eventrecorder.StdoutOutputConfig", {});
             });
           }},
      });
}

// ---------------------------------------------------------------------------------------------
// Config

Status CheckReceiverRefs(const Route& r, const std::set<std::string>& names) {
  for (const auto& sr : r.routes) PROMKIT_RETURN_IF_ERROR(CheckReceiverRefs(*sr, names));
  if (r.receiver.empty()) return Status::Ok();
  if (names.count(r.receiver) == 0) {
    return Status::InvalidArgument(
        fmt::format("undefined receiver {} used in route", util::GoQuote(r.receiver)));
  }
  return Status::Ok();
}

Status CheckTimeIntervalRefs(const Route& r, const std::set<std::string>& names) {
  for (const auto& sr : r.routes) PROMKIT_RETURN_IF_ERROR(CheckTimeIntervalRefs(*sr, names));
  for (const std::vector<std::string>* list : {&r.active_time_intervals, &r.mute_time_intervals}) {
    for (const std::string& t : *list) {
      if (names.count(t) == 0) {
        return Status::InvalidArgument(
            fmt::format("undefined time interval {} used in route", util::GoQuote(t)));
      }
    }
  }
  return Status::Ok();
}

Status ValidateGlobal(const GlobalConfig& g) {
  auto both = [&](std::string_view a, std::string_view b) {
    return !g.Get(a).empty() && !g.Get(b).empty();
  };
  auto at_most = [](std::string_view a, std::string_view b) {
    return Status::InvalidArgument(fmt::format("at most one of {} & {} must be configured", a, b));
  };
  if (both("slack_app_token", "slack_app_token_file")) {
    return at_most("slack_app_token", "slack_app_token_file");
  }
  if (g.Has("slack_api_url") && !g.Get("slack_api_url_file").empty()) {
    return at_most("slack_api_url", "slack_api_url_file");
  }
  if ((!g.Get("slack_app_token").empty() || !g.Get("slack_app_token_file").empty()) &&
      (g.Has("slack_api_url") || !g.Get("slack_api_url_file").empty())) {
    // Upstream tolerates an api_url equal to the app URL (a documented transition).
    if (!g.Has("slack_api_url") || g.Get("slack_api_url") != g.Get("slack_app_url")) {
      return Status::InvalidArgument(
          "at most one of slack_app_token/slack_app_token_file & slack_api_url/slack_api_url_file "
          "must be configured");
    }
  }
  if (both("opsgenie_api_key", "opsgenie_api_key_file")) {
    return at_most("opsgenie_api_key", "opsgenie_api_key_file");
  }
  if (both("victorops_api_key", "victorops_api_key_file")) {
    return at_most("victorops_api_key", "victorops_api_key_file");
  }
  if (both("telegram_bot_token", "telegram_bot_token_file")) {
    return at_most("telegram_bot_token", "telegram_bot_token_file");
  }
  if (both("smtp_auth_password", "smtp_auth_password_file")) {
    return at_most("smtp_auth_password", "smtp_auth_password_file");
  }
  if (g.Has("rocketchat_token") && !g.Get("rocketchat_token_file").empty()) {
    return at_most("rocketchat_token", "rocketchat_token_file");
  }
  if (g.Has("rocketchat_token_id") && !g.Get("rocketchat_token_id_file").empty()) {
    return at_most("rocketchat_token_id", "rocketchat_token_id_file");
  }
  if (both("smtp_auth_secret", "smtp_auth_secret_file")) {
    return at_most("smtp_auth_secret", "smtp_auth_secret_file");
  }
  if (both("wechat_api_secret", "wechat_api_secret_file")) {
    return at_most("wechat_api_secret", "wechat_api_secret_file");
  }
  if (g.Has("mattermost_webhook_url") && !g.Get("mattermost_webhook_url_file").empty()) {
    return at_most("mattermost_webhook_url", "mattermost_webhook_url_file");
  }
  return Status::Ok();
}

Status Validate(Config& c) {
  PROMKIT_RETURN_IF_ERROR(ValidateGlobal(c.global));
  std::set<std::string> names;
  for (Receiver& rcv : c.receivers) {
    if (names.count(rcv.name) != 0) {
      return Status::InvalidArgument(
          fmt::format("notification config name {} is not unique", util::GoQuote(rcv.name)));
    }
    PROMKIT_RETURN_IF_ERROR(internal::ApplyGlobal(c.global, rcv));
    names.insert(rcv.name);
  }
  if (!c.route) return Status::InvalidArgument("no routes provided");
  const Route& root = *c.route;
  if (root.receiver.empty()) {
    return Status::InvalidArgument("root route must specify a default receiver");
  }
  if (!root.match.empty() || !root.match_re.empty() || !root.matchers.empty()) {
    return Status::InvalidArgument("root route must not have any matchers");
  }
  if (!root.mute_time_intervals.empty()) {
    return Status::InvalidArgument("root route must not have any mute time intervals");
  }
  if (!root.active_time_intervals.empty()) {
    return Status::InvalidArgument("root route must not have any active time intervals");
  }
  PROMKIT_RETURN_IF_ERROR(CheckReceiverRefs(root, names));
  std::set<std::string> intervals;
  for (const NamedTimeInterval& t : c.mute_time_intervals) {
    if (!intervals.insert(t.name).second) {
      return Status::InvalidArgument(
          fmt::format("mute time interval {} is not unique", util::GoQuote(t.name)));
    }
  }
  for (const NamedTimeInterval& t : c.time_intervals) {
    if (!intervals.insert(t.name).second) {
      return Status::InvalidArgument(
          fmt::format("time interval {} is not unique", util::GoQuote(t.name)));
    }
  }
  return CheckTimeIntervalRefs(root, intervals);
}

void DecodeConfig(Decoder& d, const Node& n, Config& c, const LoadOptions& opts) {
  bool global_set = false;
  std::vector<Decoder::Field> fields = {
      {"global",
       [&](const Node& v) {
         if (v.IsNull()) return;
         global_set = true;
         DecodeGlobal(d, v, c.global);
       }},
      {"route",
       [&](const Node& v) {
         c.route.reset();
         if (v.IsNull()) return;
         c.route = std::make_unique<Route>();
         DecodeRoute(d, v, *c.route, opts.matcher_mode);
       }},
      {"inhibit_rules",
       [&](const Node& v) {
         c.inhibit_rules.clear();
         d.Seq(v, "[]common.InhibitRule", [&](const Node& item) {
           c.inhibit_rules.emplace_back();
           DecodeInhibitRule(d, item, c.inhibit_rules.back(), opts.matcher_mode);
         });
       }},
      {"receivers",
       [&](const Node& v) {
         c.receivers.clear();
         d.Seq(v, "[]config.Receiver", [&](const Node& item) {
           c.receivers.emplace_back();
           internal::DecodeReceiver(d, item, c.receivers.back(), opts.matcher_mode);
         });
       }},
      {"templates", [&](const Node& v) { d.StrList(v, c.templates); }},
      {"mute_time_intervals",
       [&](const Node& v) {
         DecodeNamedIntervals(d, v, c.mute_time_intervals, "[]config.MuteTimeInterval",
                              "missing name in mute time interval");
       }},
      {"time_intervals",
       [&](const Node& v) {
         DecodeNamedIntervals(d, v, c.time_intervals, "[]config.TimeInterval",
                              "missing name in time interval");
       }},
      {"tracing", [&](const Node& v) { DecodeTracing(d, v); }},
      {"event_recorder", [&](const Node& v) { DecodeEventRecorder(d, v); }},
  };
  size_t mark = d.mark();
  d.Struct(n, "config.plain", fields);
  if (!global_set) c.global = DefaultGlobal();
  if (d.failed() || d.mark() != mark) return;
  d.Fail(Validate(c));
}

}  // namespace

Result<Config> Load(std::string_view text, const LoadOptions& opts) {
  PROMKIT_ASSIGN_OR_RETURN(Node root, internal::ParseYaml(text));
  Config cfg;
  cfg.global = DefaultGlobal();
  Decoder d;
  if (!root.IsNull()) DecodeConfig(d, root, cfg, opts);
  PROMKIT_RETURN_IF_ERROR(d.Finish());
  // Checked here rather than while decoding: an empty document never reaches the decoder.
  if (!cfg.route) return Status::InvalidArgument("no route provided in config");
  if (cfg.route->continue_) return Status::InvalidArgument("cannot have continue in root route");
  return cfg;
}

Result<Config> LoadFile(const std::string& filename, const LoadOptions& opts) {
  PROMKIT_ASSIGN_OR_RETURN(std::string text, util::ReadFile(filename));
  PROMKIT_ASSIGN_OR_RETURN(Config cfg, Load(text, opts));
  size_t slash = filename.rfind('/');
  std::string dir = slash == std::string::npos ? "." : filename.substr(0, slash);
  if (dir.empty()) dir = "/";
  for (std::string& t : cfg.templates) {
    if (!t.empty() && t[0] != '/') t = util::CleanPath(dir + "/" + t);
  }
  return cfg;
}

}  // namespace promkit::alertmanager

// Receivers and every integration type (upstream config/notifiers.go and notify/*/config.go):
// defaults, strict decoding with upstream's Go type names, each UnmarshalYAML's validation, and
// the inheritance of global settings that Config.UnmarshalYAML performs.
#include <algorithm>
#include <cctype>
#include <functional>
#include <set>

#include <fmt/core.h>

#include "alertmanager/internal/decode.h"
#include "config/http_decode.h"
#include "util/duration.h"
#include "util/strings.h"

namespace promkit::alertmanager::internal {

using util::Status;

namespace {

// Builds the decoder fields of one integration; values land in `in.fields` as strings.
class FieldSet {
 public:
  FieldSet(Decoder& d, Integration& in) : d_(d), in_(in) {}

  // string / commoncfg.Secret: null resets to "".
  Decoder::Field Str(std::string_view key) {
    return {key, [this, key](const Node& v) {
              std::string s;
              d_.Str(v, s);
              in_.Set(key, s);
            }};
  }
  // *commoncfg.Secret: null unsets.
  Decoder::Field PtrStr(std::string_view key) {
    return {key, [this, key](const Node& v) {
              std::string s;
              if (v.IsNull()) {
                Erase(key);
              } else if (d_.Str(v, s)) {
                in_.Set(key, s);
              }
            }};
  }
  Decoder::Field Bool(std::string_view key) {
    return {key, [this, key](const Node& v) {
              bool b = false;
              d_.Bool(v, b);
              in_.Set(key, b ? "true" : "false");
            }};
  }
  Decoder::Field PtrBool(std::string_view key) {
    return {key, [this, key](const Node& v) {
              bool b = false;
              if (v.IsNull()) {
                Erase(key);
              } else if (d_.Bool(v, b)) {
                in_.Set(key, b ? "true" : "false");
              }
            }};
  }
  Decoder::Field Url(std::string_view key, bool secret) {
    return {key, [this, key, secret](const Node& v) {
              std::optional<std::string> u;
              DecodeUrl(d_, v, u, secret);
              if (u) {
                in_.Set(key, *u);
              } else {
                Erase(key);
              }
            }};
  }
  // amcommoncfg.SecretTemplateURL: a URL unless it holds template actions.
  Decoder::Field TemplateUrl(std::string_view key) {
    return {key, [this, key](const Node& v) {
              std::string s;
              d_.Str(v, s);
              in_.Set(key, s);
              if (s.empty() || s == "<secret>") return;
              Status err;
              if (ContainsTemplating(s, &err)) {
                if (!err.ok()) d_.Fail(fmt::format("invalid template syntax: {}", err.message()));
                return;
              }
              Status st = CheckUrl(s);
              if (!st.ok()) d_.Fail(fmt::format("invalid URL: {}", st.message()));
            }};
  }
  Decoder::Field GoDuration(std::string_view key) {
    return {key, [this, key](const Node& v) {
              int64_t ns = 0;
              DecodeGoDuration(d_, v, ns, "time.Duration");
              in_.Set(key, util::FormatGoDuration(ns));
            }};
  }
  // pushover's duration: any scalar goes through time.ParseDuration (a TextUnmarshaler).
  Decoder::Field TextDuration(std::string_view key) {
    return {key, [this, key](const Node& v) {
              if (v.IsNull()) {
                in_.Set(key, "0s");
                return;
              }
              if (!v.IsScalar()) {
                d_.TypeError(v, "pushover.duration");
                return;
              }
              auto ns = util::ParseGoDuration(v.value);
              if (!ns.ok()) {
                d_.Fail(ns.status());
                return;
              }
              in_.Set(key, util::FormatGoDuration(*ns));
            }};
  }
  Decoder::Field ModelDuration(std::string_view key) {
    return {key, [this, key](const Node& v) {
              int64_t ms = 0;
              d_.Duration(v, ms);
              in_.Set(key, util::FormatDuration(ms));
            }};
  }
  Decoder::Field Int(std::string_view key, std::string_view type) {
    return {key, [this, key, type](const Node& v) {
              int64_t i = 0;
              d_.Int(v, i, type);
              in_.Set(key, std::to_string(i));
            }};
  }
  Decoder::Field Uint(std::string_view key) {
    return {key, [this, key](const Node& v) {
              uint64_t u = 0;
              d_.Uint(v, u, "uint64");
              in_.Set(key, std::to_string(u));
            }};
  }
  Decoder::Field StrMap(std::string_view key, StringPairs* out = nullptr) {
    return {key, [this, out](const Node& v) {
              StringPairs m;
              d_.StrMap(v, m);
              if (out != nullptr) *out = std::move(m);
            }};
  }
  Decoder::Field StrList(std::string_view key) {
    return {key, [this](const Node& v) {
              std::vector<std::string> l;
              d_.StrList(v, l);
            }};
  }
  // map[string]any / any: every YAML value is accepted (maps need string-able keys).
  Decoder::Field Any(std::string_view key, bool map) {
    return {key, [this, map](const Node& v) {
              if (map && !v.IsNull() && !v.IsMap()) d_.TypeError(v, "map[string]interface {}");
            }};
  }
  Decoder::Field Http() {
    return {"http_config", [this](const Node& v) { DecodeHttp(d_, v, in_.http_config); }};
  }
  Decoder::Field SendResolved() {
    return {"send_resolved", [this](const Node& v) { d_.Bool(v, in_.send_resolved); }};
  }
  Decoder::Field Custom(std::string_view key, std::function<void(const Node&)> fn) {
    return {key, std::move(fn)};
  }

 private:
  void Erase(std::string_view key) {
    std::erase_if(in_.fields, [&](const auto& kv) { return kv.first == key; });
  }
  Decoder& d_;
  Integration& in_;
};

// A list of structs each validated by `check` (given the struct's decoded strings).
using Strings = std::map<std::string, std::string, std::less<>>;

void DecodeStructList(
    Decoder& d, const Node& n, std::string_view seq_type, std::string_view item_type,
    const std::vector<std::string_view>& string_keys,
    const std::vector<std::string_view>& bool_keys,
    const std::function<Status(const Strings&, const std::set<std::string>&)>& check) {
  d.Seq(n, seq_type, [&](const Node& item) {
    if (item.IsNull()) return;  // a nil pointer, never validated
    Strings s;
    std::set<std::string> present;
    std::vector<Decoder::Field> fields;
    for (std::string_view k : string_keys) {
      fields.push_back({k, [&, k](const Node& v) {
                          std::string val;
                          if (!v.IsNull()) present.emplace(k);
                          d.Str(v, val);
                          s[std::string(k)] = val;
                        }});
    }
    for (std::string_view k : bool_keys) {
      fields.push_back({k, [&, k](const Node& v) {
                          bool b = false;
                          if (!v.IsNull()) present.emplace(k);
                          d.Bool(v, b);
                          s[std::string(k)] = b ? "true" : "false";
                        }});
    }
    size_t mark = d.mark();
    d.Struct(item, item_type, fields);
    if (d.failed() || d.mark() != mark || !check) return;
    d.Fail(check(s, present));
  });
}

std::string Get(const Strings& s, std::string_view k) {
  auto it = s.find(k);
  return it == s.end() ? "" : it->second;
}

Status Err(std::string msg) { return Status::InvalidArgument(std::move(msg)); }

std::string Tmpl(std::string_view name) { return fmt::format("{{{{ template \"{}\" . }}}}", name); }

// textproto.CanonicalMIMEHeaderKey.
std::string CanonicalHeader(std::string_view h) {
  for (char c : h) {
    bool token = std::isalnum(static_cast<unsigned char>(c)) ||
                 std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!token) return std::string(h);
  }
  std::string out(h);
  bool upper = true;
  for (char& c : out) {
    if (upper && c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    } else if (!upper && c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
    upper = c == '-';
  }
  return out;
}

bool HasAuthorization(const std::optional<config::HTTPClientConfig>& h) {
  return h && h->authorization.has_value();
}

// ---------------------------------------------------------------------------------------------
// One decoder per integration type: defaults, fields, validation.

struct TypeSpec {
  std::string_view key;      // "email_configs"
  std::string_view type;     // "email"
  std::string_view go_seq;   // "[]*config.EmailConfig"
  std::string_view go_type;  // "config.plain"
  bool send_resolved;
  std::function<void(Integration&)> defaults;
  std::function<std::vector<Decoder::Field>(Decoder&, FieldSet&, Integration&)> fields;
  std::function<Status(Integration&)> validate;
};

Status OneOf(const Integration& in, std::string_view a, std::string_view b, bool a_ptr) {
  bool has_a = a_ptr ? in.Has(a) : !in.Get(a).empty();
  bool has_b = !in.Get(b).empty();
  if (!has_a && !has_b) {
    return Err(fmt::format("one of {} or {} must be configured", a, b));
  }
  if (has_a && has_b) return Err(fmt::format("at most one of {} & {} must be configured", a, b));
  return Status::Ok();
}

std::vector<TypeSpec> BuildSpecs() {
  std::vector<TypeSpec> specs;
  // discord
  specs.push_back(
      {"discord_configs", "discord", "[]*discord.DiscordConfig", "discord.plain", true,
       [](Integration& in) {
         in.fields = {{"title", Tmpl("discord.default.title")},
                      {"message", Tmpl("discord.default.message")}};
       },
       [](Decoder&, FieldSet& f, Integration&) -> std::vector<Decoder::Field> {
         return {f.SendResolved(),          f.Http(),          f.Url("webhook_url", true),
                 f.Str("webhook_url_file"), f.Str("content"),  f.Str("title"),
                 f.Str("message"),          f.Str("username"), f.Str("avatar_url")};
       },
       [](Integration& in) { return OneOf(in, "webhook_url", "webhook_url_file", true); }});
  // email
  specs.push_back(
      {"email_configs", "email", "[]*config.EmailConfig", "config.plain", false,
       [](Integration& in) {
         in.fields = {{"html", Tmpl("email.default.html")}, {"text", ""}};
       },
       [](Decoder& d, FieldSet& f, Integration& in) -> std::vector<Decoder::Field> {
         return {
             f.SendResolved(),
             f.Str("to"),
             f.Str("from"),
             f.Str("hello"),
             f.Custom("smarthost",
                      [&d, &in](const Node& v) {
                        std::string hp;
                        DecodeHostPort(d, v, hp);
                        in.Set("smarthost", hp);
                      }),
             f.Str("auth_username"),
             f.Str("auth_password"),
             f.Str("auth_password_file"),
             f.Str("auth_secret"),
             f.Str("auth_secret_file"),
             f.Str("auth_identity"),
             f.Custom("headers",
                      [&d, &in](const Node& v) {
                        StringPairs h;
                        d.StrMap(v, h);
                        // Validated below; kept as "headers.<Name>" entries.
                        std::erase_if(in.fields, [](const auto& kv) {
                          return kv.first.starts_with("header:");
                        });
                        for (auto& [k, val] : h) in.fields.emplace_back("header:" + k, val);
                      }),
             f.Str("html"),
             f.Str("text"),
             f.PtrBool("require_tls"),
             f.Custom("tls_config",
                      [&d, &in](const Node& v) {
                        if (v.IsNull()) return;
                        config::TLSConfig tls;
                        config::DecodeTLSConfig(d, v, tls);
                        in.Set("tls_config", "set");
                      }),
             f.PtrBool("force_implicit_tls"),
             f.Custom("threading",
                      [&d, &in](const Node& v) {
                        bool enabled = false;
                        std::string by_date;
                        d.Struct(v, "config.ThreadingConfig",
                                 {{"enabled", [&](const Node& x) { d.Bool(x, enabled); }},
                                  {"thread_by_date", [&](const Node& x) { d.Str(x, by_date); }}});
                        in.Set("threading.enabled", enabled ? "true" : "false");
                        in.Set("threading.thread_by_date", by_date);
                      }),
         };
       },
       [](Integration& in) -> Status {
         if (in.Get("to").empty()) return Err("missing to address in email config");
         std::set<std::string> seen;
         for (auto& [k, v] : in.fields) {
           if (!k.starts_with("header:")) continue;
           std::string canon = CanonicalHeader(std::string_view(k).substr(7));
           if (!seen.insert(canon).second) {
             return Err(fmt::format("duplicate header {} in email config", util::GoQuote(canon)));
           }
           k = "header:" + canon;
         }
         if (in.Get("threading.enabled") == "true") {
           if (seen.count("References") != 0) {
             return Err(
                 "conflicting configuration: threading.enabled conflicts with custom References "
                 "header");
           }
           if (seen.count("In-Reply-To") != 0) {
             return Err(
                 "conflicting configuration: threading.enabled conflicts with custom In-Reply-To "
                 "header");
           }
           std::string by = in.Get("threading.thread_by_date");
           if (by != "none" && by != "daily") {
             return Err("threading.thread_by_date must be either 'none' or 'daily'");
           }
         }
         return Status::Ok();
       }});
  // incidentio
  specs.push_back(
      {"incidentio_configs", "incidentio", "[]*incidentio.IncidentioConfig", "incidentio.plain",
       true, [](Integration&) {},
       [](Decoder&, FieldSet& f, Integration&) -> std::vector<Decoder::Field> {
         return {f.SendResolved(),
                 f.Http(),
                 f.Url("url", false),
                 f.Str("url_file"),
                 f.Str("alert_source_token"),
                 f.Str("alert_source_token_file"),
                 f.Uint("max_alerts"),
                 f.GoDuration("timeout")};
       },
       [](Integration& in) -> Status {
         PROMKIT_RETURN_IF_ERROR(OneOf(in, "url", "url_file", true));
         bool token = !in.Get("alert_source_token").empty();
         bool token_file = !in.Get("alert_source_token_file").empty();
         if (token && token_file) {
           return Err(
               "at most one of alert_source_token & alert_source_token_file must be configured");
         }
         if (HasAuthorization(in.http_config) && (token || token_file)) {
           return Err(
               "cannot specify alert_source_token or alert_source_token_file when using "
               "http_config.authorization");
         }
         if (in.http_config && !in.http_config->authorization && !token && !token_file) {
           return Err(
               "at least one of alert_source_token, alert_source_token_file or "
               "http_config.authorization must be configured");
         }
         return Status::Ok();
       }});
  // pagerduty
  specs.push_back(
      {"pagerduty_configs", "pagerduty", "[]*pagerduty.PagerdutyConfig", "pagerduty.plain", true,
       [](Integration& in) {
         in.fields = {{"description", "{{ template \"pagerduty.default.description\" .}}"},
                      {"client", Tmpl("pagerduty.default.client")},
                      {"client_url", Tmpl("pagerduty.default.clientURL")}};
       },
       [](Decoder& d, FieldSet& f, Integration&) -> std::vector<Decoder::Field> {
         return {f.SendResolved(),
                 f.Http(),
                 f.Str("service_key"),
                 f.Str("service_key_file"),
                 f.Str("routing_key"),
                 f.Str("routing_key_file"),
                 f.Url("url", false),
                 f.Str("client"),
                 f.Str("client_url"),
                 f.Str("description"),
                 f.Any("details", true),
                 f.Custom("images",
                          [&d](const Node& v) {
                            DecodeStructList(d, v, "[]pagerduty.PagerdutyImage",
                                             "pagerduty.PagerdutyImage", {"src", "alt", "href"}, {},
                                             nullptr);
                          }),
                 f.Custom("links",
                          [&d](const Node& v) {
                            DecodeStructList(d, v, "[]pagerduty.PagerdutyLink",
                                             "pagerduty.PagerdutyLink", {"href", "text"}, {},
                                             nullptr);
                          }),
                 f.Str("source"),
                 f.Str("severity"),
                 f.Str("class"),
                 f.Str("component"),
                 f.Str("group"),
                 f.GoDuration("timeout")};
       },
       [](Integration& in) -> Status {
         if (in.Get("routing_key").empty() && in.Get("service_key").empty() &&
             in.Get("routing_key_file").empty() && in.Get("service_key_file").empty()) {
           return Err("missing service or routing key in PagerDuty config");
         }
         if (!in.Get("routing_key").empty() && !in.Get("routing_key_file").empty()) {
           return Err("at most one of routing_key & routing_key_file must be configured");
         }
         if (!in.Get("service_key").empty() && !in.Get("service_key_file").empty()) {
           return Err("at most one of service_key & service_key_file must be configured");
         }
         if (in.Get("source").empty()) in.Set("source", in.Get("client"));
         return Status::Ok();
       }});
  // slack
  specs.push_back(
      {"slack_configs", "slack", "[]*config.SlackConfig", "config.plain", false,
       [](Integration& in) {
         in.fields = {{"color", Tmpl("slack.default.color")},
                      {"username", Tmpl("slack.default.username")},
                      {"title", Tmpl("slack.default.title")},
                      {"title_link", Tmpl("slack.default.titlelink")},
                      {"icon_emoji", Tmpl("slack.default.iconemoji")},
                      {"icon_url", Tmpl("slack.default.iconurl")},
                      {"pretext", Tmpl("slack.default.pretext")},
                      {"text", Tmpl("slack.default.text")},
                      {"fallback", Tmpl("slack.default.fallback")},
                      {"callback_id", Tmpl("slack.default.callbackid")},
                      {"footer", Tmpl("slack.default.footer")}};
       },
       [](Decoder& d, FieldSet& f, Integration&) -> std::vector<Decoder::Field> {
         return {
             f.SendResolved(),
             f.Http(),
             f.Url("api_url", true),
             f.Str("api_url_file"),
             f.Str("app_token"),
             f.Str("app_token_file"),
             f.Url("app_url", false),
             f.Str("channel"),
             f.Str("username"),
             f.Str("color"),
             f.Str("title"),
             f.Str("title_link"),
             f.Str("pretext"),
             f.Str("text"),
             f.Str("message_text"),
             f.Custom("fields",
                      [&d](const Node& v) {
                        DecodeStructList(
                            d, v, "[]*config.SlackField", "config.plain", {"title", "value"},
                            {"short"}, [](const Strings& s, const std::set<std::string>&) {
                              if (Get(s, "title").empty()) {
                                return Err("missing title in Slack field configuration");
                              }
                              if (Get(s, "value").empty()) {
                                return Err("missing value in Slack field configuration");
                              }
                              return Status::Ok();
                            });
                      }),
             f.Bool("short_fields"),
             f.Str("footer"),
             f.Str("fallback"),
             f.Str("callback_id"),
             f.Str("icon_emoji"),
             f.Str("icon_url"),
             f.Str("image_url"),
             f.Str("thumb_url"),
             f.Bool("link_names"),
             f.StrList("mrkdwn_in"),
             f.Custom("actions",
                      [&d](const Node& v) {
                        d.Seq(v, "[]*config.SlackAction", [&d](const Node& item) {
                          if (item.IsNull()) return;
                          std::string type, text, url, style, name, value;
                          bool confirm_ok = true;
                          size_t mark = d.mark();
                          d.Struct(item, "config.plain",
                                   {{"type", [&](const Node& x) { d.Str(x, type); }},
                                    {"text", [&](const Node& x) { d.Str(x, text); }},
                                    {"url", [&](const Node& x) { d.Str(x, url); }},
                                    {"style", [&](const Node& x) { d.Str(x, style); }},
                                    {"name", [&](const Node& x) { d.Str(x, name); }},
                                    {"value", [&](const Node& x) { d.Str(x, value); }},
                                    {"confirm", [&](const Node& x) {
                                       if (x.IsNull()) return;
                                       std::string ctext, title, ok_text, dismiss;
                                       size_t m2 = d.mark();
                                       d.Struct(
                                           x, "config.plain",
                                           {{"text", [&](const Node& y) { d.Str(y, ctext); }},
                                            {"title", [&](const Node& y) { d.Str(y, title); }},
                                            {"ok_text", [&](const Node& y) { d.Str(y, ok_text); }},
                                            {"dismiss_text",
                                             [&](const Node& y) { d.Str(y, dismiss); }}});
                                       if (d.failed() || d.mark() != m2) return;
                                       if (ctext.empty()) {
                                         confirm_ok = false;
                                         d.Fail("missing text in Slack confirmation configuration");
                                       }
                                     }}});
                          if (d.failed() || d.mark() != mark || !confirm_ok) return;
                          if (type.empty()) {
                            d.Fail("missing type in Slack action configuration");
                          } else if (text.empty()) {
                            d.Fail("missing text in Slack action configuration");
                          } else if (url.empty() && name.empty()) {
                            d.Fail("missing name or url in Slack action configuration");
                          }
                        });
                      }),
             f.Bool("update_message"),
             f.GoDuration("timeout"),
         };
       },
       [](Integration& in) -> Status {
         bool url = in.Has("api_url");
         bool url_file = !in.Get("api_url_file").empty();
         bool token = !in.Get("app_token").empty();
         bool token_file = !in.Get("app_token_file").empty();
         if (url && url_file) {
           return Err("at most one of api_url & api_url_file must be configured");
         }
         if (token && token_file) {
           return Err("at most one of app_token & app_token_file must be configured");
         }
         if ((url || url_file) && (token || token_file)) {
           return Err(
               "at most one of api_url/api_url_file & app_token/app_token_file must be "
               "configured");
         }
         if (in.Get("update_message") == "true" &&
             in.Get("api_url") != "https://slack.com/api/chat.postMessage") {
           return Err(
               "update_message can only be used with bot tokens. api_url must be set to "
               "https://slack.com/api/chat.postMessage");
         }
         return Status::Ok();
       }});
  // webhook
  specs.push_back({"webhook_configs", "webhook", "[]*webhook.WebhookConfig", "webhook.plain", true,
                   [](Integration&) {},
                   [](Decoder&, FieldSet& f, Integration&) -> std::vector<Decoder::Field> {
                     return {f.SendResolved(),       f.Http(),
                             f.TemplateUrl("url"),   f.Str("url_file"),
                             f.Uint("max_alerts"),   f.GoDuration("timeout"),
                             f.Any("payload", false)};
                   },
                   [](Integration& in) { return OneOf(in, "url", "url_file", false); }});
  // opsgenie
  specs.push_back(
      {"opsgenie_configs", "opsgenie", "[]*opsgenie.OpsGenieConfig", "opsgenie.plain", true,
       [](Integration& in) {
         in.fields = {{"message", Tmpl("opsgenie.default.message")},
                      {"description", Tmpl("opsgenie.default.description")},
                      {"source", Tmpl("opsgenie.default.source")}};
       },
       [](Decoder& d, FieldSet& f, Integration&) -> std::vector<Decoder::Field> {
         return {
             f.SendResolved(),
             f.Http(),
             f.Str("api_key"),
             f.Str("api_key_file"),
             f.Url("api_url", false),
             f.Str("message"),
             f.Str("description"),
             f.Str("source"),
             f.StrMap("details"),
             f.Str("entity"),
             f.Custom("responders",
                      [&d](const Node& v) {
                        DecodeStructList(
                            d, v, "[]opsgenie.OpsGenieConfigResponder",
                            "opsgenie.OpsGenieConfigResponder", {"id", "name", "username", "type"},
                            {}, [](const Strings& s, const std::set<std::string>&) -> Status {
                              std::string desc =
                                  fmt::format("{{{} {} {} {}}}", Get(s, "id"), Get(s, "name"),
                                              Get(s, "username"), Get(s, "type"));
                              if (Get(s, "id").empty() && Get(s, "username").empty() &&
                                  Get(s, "name").empty()) {
                                return Err(fmt::format(
                                    "opsGenieConfig responder {} has to have at least one of id, "
                                    "username or name specified",
                                    desc));
                              }
                              Status err;
                              if (ContainsTemplating(Get(s, "type"), &err)) {
                                if (!err.ok()) {
                                  return Err(fmt::format(
                                      "opsGenieConfig responder {} type contains invalid template "
                                      "syntax: {}",
                                      desc, err.message()));
                                }
                                return Status::Ok();
                              }
                              std::string t = util::ToLower(Get(s, "type"));
                              if (t != "team" && t != "teams" && t != "user" && t != "escalation" &&
                                  t != "schedule") {
                                return Err(fmt::format(
                                    "opsGenieConfig responder {} type does not match valid options "
                                    "^(team|teams|user|escalation|schedule)$",
                                    desc));
                              }
                              return Status::Ok();
                            });
                      }),
             f.Str("actions"),
             f.Str("tags"),
             f.Str("note"),
             f.Str("priority"),
             f.Bool("update_alerts"),
         };
       },
       [](Integration& in) -> Status {
         if (!in.Get("api_key").empty() && !in.Get("api_key_file").empty()) {
           return Err("at most one of api_key & api_key_file must be configured");
         }
         return Status::Ok();
       }});
  // wechat
  specs.push_back({"wechat_configs", "wechat", "[]*config.WechatConfig", "config.plain", false,
                   [](Integration& in) {
                     in.fields = {{"message", Tmpl("wechat.default.message")},
                                  {"to_user", Tmpl("wechat.default.to_user")},
                                  {"to_party", Tmpl("wechat.default.to_party")},
                                  {"to_tag", Tmpl("wechat.default.to_tag")},
                                  {"agent_id", Tmpl("wechat.default.agent_id")}};
                   },
                   [](Decoder&, FieldSet& f, Integration&) -> std::vector<Decoder::Field> {
                     return {f.SendResolved(),         f.Http(),          f.Str("api_secret"),
                             f.Str("api_secret_file"), f.Str("corp_id"),  f.Str("message"),
                             f.Url("api_url", false),  f.Str("to_user"),  f.Str("to_party"),
                             f.Str("to_tag"),          f.Str("agent_id"), f.Str("message_type")};
                   },
                   [](Integration& in) -> Status {
                     if (in.Get("message_type").empty()) in.Set("message_type", "text");
                     std::string t = in.Get("message_type");
                     if (t != "text" && t != "markdown") {
                       return Err(fmt::format(
                           "weChat message type {} does not match valid options ^(text|markdown)$",
                           util::GoQuote(t)));
                     }
                     if (!in.Get("api_secret").empty() && !in.Get("api_secret_file").empty()) {
                       return Err("at most one of api_secret & api_secret_file must be configured");
                     }
                     return Status::Ok();
                   }});
  // pushover
  specs.push_back(
      {"pushover_configs", "pushover", "[]*pushover.PushoverConfig", "pushover.plain", true,
       [](Integration& in) {
         in.fields = {{"title", Tmpl("pushover.default.title")},
                      {"message", Tmpl("pushover.default.message")},
                      {"url", Tmpl("pushover.default.url")},
                      {"priority", "{{ if eq .Status \"firing\" }}2{{ else }}0{{ end }}"},
                      {"retry", "1m0s"},
                      {"expire", "1h0m0s"},
                      {"html", "false"}};
       },
       [](Decoder&, FieldSet& f, Integration&) -> std::vector<Decoder::Field> {
         return {f.SendResolved(),
                 f.Http(),
                 f.Str("user_key"),
                 f.Str("user_key_file"),
                 f.Str("token"),
                 f.Str("token_file"),
                 f.Str("title"),
                 f.Str("message"),
                 f.Str("url"),
                 f.Str("url_title"),
                 f.Str("device"),
                 f.Str("sound"),
                 f.Str("priority"),
                 f.TextDuration("retry"),
                 f.TextDuration("expire"),
                 f.TextDuration("ttl"),
                 f.Bool("html"),
                 f.Bool("monospace")};
       },
       [](Integration& in) -> Status {
         PROMKIT_RETURN_IF_ERROR(OneOf(in, "user_key", "user_key_file", false));
         PROMKIT_RETURN_IF_ERROR(OneOf(in, "token", "token_file", false));
         if (in.Get("html") == "true" && in.Get("monospace") == "true") {
           return Err("at most one of monospace & html must be configured");
         }
         return Status::Ok();
       }});
  // victorops
  specs.push_back(
      {"victorops_configs", "victorops", "[]*config.VictorOpsConfig", "config.plain", true,
       [](Integration& in) {
         in.fields = {{"message_type", "CRITICAL"},
                      {"state_message", Tmpl("victorops.default.state_message")},
                      {"entity_display_name", Tmpl("victorops.default.entity_display_name")},
                      {"monitoring_tool", Tmpl("victorops.default.monitoring_tool")}};
       },
       [](Decoder& d, FieldSet& f, Integration& in) -> std::vector<Decoder::Field> {
         return {f.SendResolved(),
                 f.Http(),
                 f.Str("api_key"),
                 f.Str("api_key_file"),
                 f.Url("api_url", false),
                 f.Str("routing_key"),
                 f.Str("message_type"),
                 f.Str("state_message"),
                 f.Str("entity_display_name"),
                 f.Str("monitoring_tool"),
                 f.Custom("custom_fields", [&d, &in](const Node& v) {
                   StringPairs m;
                   d.StrMap(v, m);
                   std::erase_if(in.fields,
                                 [](const auto& kv) { return kv.first.starts_with("custom:"); });
                   for (auto& [k, val] : m) in.fields.emplace_back("custom:" + k, val);
                 })};
       },
       [](Integration& in) -> Status {
         if (in.Get("routing_key").empty()) return Err("missing Routing key in VictorOps config");
         if (!in.Get("api_key").empty() && !in.Get("api_key_file").empty()) {
           return Err("at most one of api_key & api_key_file must be configured");
         }
         for (std::string_view f :
              {"routing_key", "message_type", "state_message", "entity_display_name",
               "monitoring_tool", "entity_id", "entity_state"}) {
           if (in.Has("custom:" + std::string(f))) {
             return Err(
                 fmt::format("victorOps config contains custom field {} which cannot be used as it "
                             "conflicts with the fixed/static fields",
                             f));
           }
         }
         return Status::Ok();
       }});
  // sns
  specs.push_back(
      {"sns_configs", "sns", "[]*sns.SNSConfig", "sns.plain", true,
       [](Integration& in) {
         in.fields = {{"subject", Tmpl("sns.default.subject")},
                      {"message", Tmpl("sns.default.message")}};
       },
       [](Decoder& d, FieldSet& f, Integration&) -> std::vector<Decoder::Field> {
         return {f.SendResolved(),
                 f.Http(),
                 f.Str("api_url"),
                 f.Custom("sigv4",
                          [&d](const Node& v) {
                            std::string access, secret, unused;
                            bool fips = false;
                            size_t mark = d.mark();
                            d.Struct(v, "sigv4.plain",
                                     {{"region", [&](const Node& x) { d.Str(x, unused); }},
                                      {"access_key", [&](const Node& x) { d.Str(x, access); }},
                                      {"secret_key", [&](const Node& x) { d.Str(x, secret); }},
                                      {"profile", [&](const Node& x) { d.Str(x, unused); }},
                                      {"role_arn", [&](const Node& x) { d.Str(x, unused); }},
                                      {"external_id", [&](const Node& x) { d.Str(x, unused); }},
                                      {"use_fips_sts_endpoint",
                                       [&](const Node& x) { d.Bool(x, fips); }}});
                            if (v.IsNull() || d.failed() || d.mark() != mark) return;
                            if (access.empty() != secret.empty()) {
                              d.Fail(
                                  "must provide a AWS SigV4 Access key and Secret Key if "
                                  "credentials are specified in the SigV4 config");
                            }
                          }),
                 f.Str("topic_arn"),
                 f.Str("phone_number"),
                 f.Str("target_arn"),
                 f.Str("subject"),
                 f.Str("message"),
                 f.StrMap("attributes"),
                 f.Bool("use_aws_http_client")};
       },
       [](Integration& in) -> Status {
         bool a = in.Get("target_arn").empty();
         bool b = in.Get("topic_arn").empty();
         bool c = in.Get("phone_number").empty();
         if ((a != b) != c) {
           return Err(
               "must provide either a Target ARN, Topic ARN, or Phone Number for SNS config");
         }
         return Status::Ok();
       }});
  // telegram
  specs.push_back(
      {"telegram_configs", "telegram", "[]*telegram.TelegramConfig", "telegram.plain", true,
       [](Integration& in) {
         in.fields = {{"message", Tmpl("telegram.default.message")}, {"parse_mode", "HTML"}};
       },
       [](Decoder&, FieldSet& f, Integration&) -> std::vector<Decoder::Field> {
         return {f.SendResolved(),        f.Http(),
                 f.Url("api_url", false), f.Str("bot_token"),
                 f.Str("bot_token_file"), f.Int("chat_id", "int64"),
                 f.Str("chat_id_file"),   f.Int("message_thread_id", "int"),
                 f.Str("message"),        f.Bool("disable_notifications"),
                 f.Str("parse_mode")};
       },
       [](Integration& in) -> Status {
         if (!in.Get("bot_token").empty() && !in.Get("bot_token_file").empty()) {
           return Err("at most one of bot_token & bot_token_file must be configured");
         }
         bool chat = !in.Get("chat_id").empty() && in.Get("chat_id") != "0";
         if (!chat && in.Get("chat_id_file").empty()) {
           return Err("missing chat_id or chat_id_file on telegram_config");
         }
         if (chat && !in.Get("chat_id_file").empty()) {
           return Err("at most one of chat_id & chat_id_file must be configured");
         }
         std::string pm = in.Get("parse_mode");
         if (!pm.empty() && pm != "Markdown" && pm != "MarkdownV2" && pm != "HTML") {
           return Err(
               "unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or "
               "empty string");
         }
         return Status::Ok();
       }});
  // webex
  specs.push_back({"webex_configs", "webex", "[]*config.WebexConfig", "config.plain", true,
                   [](Integration& in) {
                     in.fields = {{"message", Tmpl("webex.default.message")}};
                   },
                   [](Decoder&, FieldSet& f, Integration&) -> std::vector<Decoder::Field> {
                     return {f.SendResolved(), f.Http(), f.Url("api_url", false), f.Str("message"),
                             f.Str("room_id")};
                   },
                   [](Integration& in) -> Status {
                     if (in.Get("room_id").empty()) return Err("missing room_id on webex_config");
                     if (!HasAuthorization(in.http_config)) {
                       return Err("missing webex_configs.http_config.authorization");
                     }
                     return Status::Ok();
                   }});
  // msteams
  specs.push_back(
      {"msteams_configs", "msteams", "[]*msteams.MSTeamsConfig", "msteams.plain", true,
       [](Integration& in) {
         in.fields = {{"title", Tmpl("msteams.default.title")},
                      {"summary", Tmpl("msteams.default.summary")},
                      {"text", Tmpl("msteams.default.text")}};
       },
       [](Decoder&, FieldSet& f, Integration&) -> std::vector<Decoder::Field> {
         return {f.SendResolved(),
                 f.Http(),
                 f.Url("webhook_url", true),
                 f.Str("webhook_url_file"),
                 f.Str("title"),
                 f.Str("summary"),
                 f.Str("text")};
       },
       [](Integration& in) { return OneOf(in, "webhook_url", "webhook_url_file", true); }});
  // msteamsv2
  specs.push_back(
      {"msteamsv2_configs", "msteamsv2", "[]*msteamsv2.MSTeamsV2Config", "msteamsv2.plain", true,
       [](Integration& in) {
         in.fields = {{"title", Tmpl("msteamsv2.default.title")},
                      {"text", Tmpl("msteamsv2.default.text")}};
       },
       [](Decoder&, FieldSet& f, Integration&) -> std::vector<Decoder::Field> {
         return {f.SendResolved(),          f.Http(),       f.Url("webhook_url", true),
                 f.Str("webhook_url_file"), f.Str("title"), f.Str("text")};
       },
       [](Integration& in) { return OneOf(in, "webhook_url", "webhook_url_file", true); }});
  // jira
  auto jira_field = [](Decoder& d, Integration& in, std::string_view key) -> Decoder::Field {
    return {key, [&d, &in, key](const Node& v) {
              if (v.IsScalar()) {
                in.Set(key, v.value);
                return;
              }
              if (v.IsNull()) {
                in.Set(key, "");
                return;
              }
              std::string tmpl;
              bool enable = true;
              d.Struct(v, "jira.plain",
                       {{"template", [&](const Node& x) { d.Str(x, tmpl); }},
                        {"enable_update", [&](const Node& x) { d.Bool(x, enable); }}});
              in.Set(key, tmpl);
            }};
  };
  specs.push_back(
      {"jira_configs", "jira", "[]*jira.JiraConfig", "jira.plain", true,
       [](Integration& in) {
         in.fields = {{"api_type", "auto"},
                      {"summary", Tmpl("jira.default.summary")},
                      {"description", Tmpl("jira.default.description")},
                      {"priority", Tmpl("jira.default.priority")}};
       },
       [jira_field](Decoder& d, FieldSet& f, Integration& in) -> std::vector<Decoder::Field> {
         return {f.SendResolved(),
                 f.Http(),
                 f.Url("api_url", false),
                 f.Str("api_type"),
                 f.Str("project"),
                 jira_field(d, in, "summary"),
                 jira_field(d, in, "description"),
                 f.StrList("labels"),
                 f.Str("priority"),
                 f.Str("issue_type"),
                 f.Str("reopen_transition"),
                 f.Str("resolve_transition"),
                 f.Str("wont_fix_resolution"),
                 f.ModelDuration("reopen_duration"),
                 f.Any("fields", true)};
       },
       [](Integration& in) -> Status {
         if (in.Get("project").empty()) return Err("missing project in jira_config");
         if (in.Get("issue_type").empty()) return Err("missing issue_type in jira_config");
         std::string t = in.Get("api_type");
         if (t != "auto" && t != "cloud" && t != "datacenter") {
           return Err("unknown api_type on jira_config, must be auto, cloud or datacenter");
         }
         return Status::Ok();
       }});
  // rocketchat
  specs.push_back(
      {"rocketchat_configs", "rocketchat", "[]*rocketchat.RocketchatConfig", "rocketchat.plain",
       false,
       [](Integration& in) {
         in.fields = {{"color", "{{ if eq .Status \"firing\" }}red{{ else }}green{{ end }}"},
                      {"emoji", Tmpl("rocketchat.default.emoji")},
                      {"icon_url", Tmpl("rocketchat.default.iconurl")},
                      {"text", Tmpl("rocketchat.default.text")},
                      {"title", Tmpl("rocketchat.default.title")},
                      {"title_link", Tmpl("rocketchat.default.titlelink")}};
       },
       [](Decoder& d, FieldSet& f, Integration&) -> std::vector<Decoder::Field> {
         return {
             f.SendResolved(),
             f.Http(),
             f.Url("api_url", false),
             f.PtrStr("token_id"),
             f.Str("token_id_file"),
             f.PtrStr("token"),
             f.Str("token_file"),
             f.Str("channel"),
             f.Str("color"),
             f.Str("title"),
             f.Str("title_link"),
             f.Str("text"),
             f.Custom("fields",
                      [&d](const Node& v) {
                        // No yaml tags upstream: go-yaml uses the lowercased Go field names.
                        DecodeStructList(d, v, "[]*rocketchat.RocketchatAttachmentField",
                                         "rocketchat.RocketchatAttachmentField", {"title", "value"},
                                         {"short"}, nullptr);
                      }),
             f.Bool("short_fields"),
             f.Str("emoji"),
             f.Str("icon_url"),
             f.Str("image_url"),
             f.Str("thumb_url"),
             f.Bool("link_names"),
             f.Custom("actions",
                      [&d](const Node& v) {
                        DecodeStructList(d, v, "[]*rocketchat.RocketchatAttachmentAction",
                                         "rocketchat.RocketchatAttachmentAction",
                                         {"type", "text", "url", "imageurl", "webviewheightratio",
                                          "msg", "msgprocessingtype"},
                                         {"iswebview", "msginchatwindow"}, nullptr);
                      }),
         };
       },
       [](Integration& in) -> Status {
         if (in.Has("token") && !in.Get("token_file").empty()) {
           return Err("at most one of token & token_file must be configured");
         }
         if (in.Has("token_id") && !in.Get("token_id_file").empty()) {
           return Err("at most one of token_id & token_id_file must be configured");
         }
         return Status::Ok();
       }});
  // mattermost
  auto mm_fields_check = [](const Strings& s, const std::set<std::string>&) -> Status {
    if (Get(s, "title").empty()) return Err("missing title in Mattermost field configuration");
    if (Get(s, "value").empty()) return Err("missing value in Mattermost field configuration");
    return Status::Ok();
  };
  specs.push_back(
      {"mattermost_configs", "mattermost", "[]*mattermost.MattermostConfig", "mattermost.plain",
       true,
       [](Integration& in) {
         in.fields = {{"username", Tmpl("mattermost.default.username")},
                      {"color", Tmpl("mattermost.default.color")},
                      {"text", Tmpl("mattermost.default.text")},
                      {"title", Tmpl("mattermost.default.title")},
                      {"title_link", Tmpl("mattermost.default.titlelink")},
                      {"fallback", Tmpl("mattermost.default.fallback")}};
       },
       [mm_fields_check](Decoder& d, FieldSet& f, Integration&) -> std::vector<Decoder::Field> {
         auto fields_list = [&d, mm_fields_check](const Node& v) {
           DecodeStructList(d, v, "[]*mattermost.MattermostField", "mattermost.plain",
                            {"title", "value"}, {"short"}, mm_fields_check);
         };
         return {
             f.SendResolved(),
             f.Http(),
             f.Url("webhook_url", true),
             f.Str("webhook_url_file"),
             f.Str("channel"),
             f.Str("username"),
             f.Str("text"),
             f.Str("fallback"),
             f.Str("color"),
             f.Str("pretext"),
             f.Str("author_name"),
             f.Str("author_link"),
             f.Str("author_icon"),
             f.Str("title"),
             f.Str("title_link"),
             f.Custom("fields", fields_list),
             f.Str("thumb_url"),
             f.Str("footer"),
             f.Str("footer_icon"),
             f.Str("image_url"),
             f.Str("icon_url"),
             f.Str("icon_emoji"),
             f.Custom("attachments",
                      [&d, fields_list](const Node& v) {
                        d.Seq(v, "[]*mattermost.MattermostAttachment", [&](const Node& item) {
                          std::vector<Decoder::Field> af;
                          std::string scratch;
                          for (std::string_view k :
                               {"fallback", "color", "pretext", "text", "author_name",
                                "author_link", "author_icon", "title", "title_link", "thumb_url",
                                "footer", "footer_icon", "image_url"}) {
                            af.push_back({k, [&](const Node& x) { d.Str(x, scratch); }});
                          }
                          af.push_back({"fields", fields_list});
                          d.Struct(item, "mattermost.MattermostAttachment", af);
                        });
                      }),
             f.Str("type"),
             f.Custom("props",
                      [&d](const Node& v) {
                        std::string card;
                        d.Struct(v, "mattermost.MattermostProps",
                                 {{"card", [&](const Node& x) { d.Str(x, card); }}});
                      }),
             f.Custom("priority",
                      [&d](const Node& v) {
                        std::string p;
                        bool ack = false, persistent = false;
                        d.Struct(v, "mattermost.MattermostPriority",
                                 {{"priority", [&](const Node& x) { d.Str(x, p); }},
                                  {"requested_ack", [&](const Node& x) { d.Bool(x, ack); }},
                                  {"persistent_notifications",
                                   [&](const Node& x) { d.Bool(x, persistent); }}});
                      }),
         };
       },
       [](Integration& in) -> Status {
         if (in.Has("webhook_url") && !in.Get("webhook_url_file").empty()) {
           return Err("at most one of webhook_url & webhook_url_file must be configured");
         }
         return Status::Ok();
       }});
  return specs;
}

const std::vector<TypeSpec>& Specs() {
  static const std::vector<TypeSpec> kSpecs = BuildSpecs();
  return kSpecs;
}

}  // namespace

void DecodeReceiver(Decoder& d, const Node& n, Receiver& r, MatcherMode mode) {
  (void)mode;
  size_t mark = d.mark();
  std::vector<Decoder::Field> fields = {
      {"name", [&](const Node& v) { d.Str(v, r.name); }},
      {"labels", [&](const Node& v) { d.StrMap(v, r.labels); }},
  };
  for (const TypeSpec& spec : Specs()) {
    fields.push_back({spec.key, [&d, &r, &spec](const Node& v) {
                        std::erase_if(r.integrations,
                                      [&](const Integration& i) { return i.type == spec.type; });
                        d.Seq(v, spec.go_seq, [&](const Node& item) {
                          Integration in;
                          in.type = std::string(spec.type);
                          if (item.IsNull()) {
                            in.Set("<nil>", "true");
                            r.integrations.push_back(std::move(in));
                            return;
                          }
                          in.send_resolved = spec.send_resolved;
                          spec.defaults(in);
                          FieldSet fs(d, in);
                          size_t m = d.mark();
                          d.Struct(item, spec.go_type, spec.fields(d, fs, in));
                          if (!d.failed() && d.mark() == m) d.Fail(spec.validate(in));
                          r.integrations.push_back(std::move(in));
                        });
                      }});
  }
  d.Struct(n, "config.plain", fields);
  if (n.IsNull() || d.failed() || d.mark() != mark) return;
  if (r.name.empty()) {
    d.Fail("missing name in receiver");
    return;
  }
  for (const auto& [k, v] : r.labels) {
    if (k == "name" && v != r.name) {
      d.Fail(fmt::format("receiver label \"name\" must match receiver name {}, got {}",
                         util::GoQuote(r.name), util::GoQuote(v)));
      return;
    }
  }
  if (std::none_of(r.labels.begin(), r.labels.end(),
                   [](const auto& kv) { return kv.first == "name"; })) {
    r.labels.emplace_back("name", r.name);
  }
}

namespace {

// cmp.Or over a setting: the integration's own value, else the global one.
void Inherit(Integration& in, std::string_view key, const GlobalConfig& g,
             std::string_view global_key) {
  if (in.Get(key).empty() && !g.Get(global_key).empty()) in.Set(key, g.Get(global_key));
}
// The same for pointer settings (URLs): unset means nil.
void InheritPtr(Integration& in, std::string_view key, const GlobalConfig& g,
                std::string_view global_key) {
  if (!in.Has(key) && g.Has(global_key)) in.Set(key, g.Get(global_key));
}

void InheritHttp(Integration& in, const GlobalConfig& g) {
  if (!in.http_config) in.http_config = g.http_config;
}

bool IsNil(const Integration& in) { return in.Has("<nil>"); }

}  // namespace

Status ApplyGlobal(const GlobalConfig& g, Receiver& rcv) {
  auto each = [&](std::string_view type, const std::function<Status(Integration&)>& fn) -> Status {
    for (Integration& in : rcv.integrations) {
      if (in.type == type) PROMKIT_RETURN_IF_ERROR(fn(in));
    }
    return Status::Ok();
  };
  auto missing = [](std::string_view what) { return Err(fmt::format("missing {} config", what)); };
  PROMKIT_RETURN_IF_ERROR(each("webhook", [&](Integration& in) -> Status {
    if (IsNil(in)) return missing("webhook");
    InheritHttp(in, g);
    return Status::Ok();
  }));
  PROMKIT_RETURN_IF_ERROR(each("email", [&](Integration& in) -> Status {
    if (IsNil(in)) return missing("email");
    Inherit(in, "smarthost", g, "smtp_smarthost");
    if (in.Get("smarthost").empty()) return Err("no global SMTP smarthost set");
    Inherit(in, "from", g, "smtp_from");
    if (in.Get("from").empty()) return Err("no global SMTP from set");
    Inherit(in, "hello", g, "smtp_hello");
    Inherit(in, "auth_username", g, "smtp_auth_username");
    if (in.Get("auth_password").empty() && in.Get("auth_password_file").empty()) {
      in.Set("auth_password", g.Get("smtp_auth_password"));
      in.Set("auth_password_file", g.Get("smtp_auth_password_file"));
    }
    if (in.Get("auth_secret").empty() && in.Get("auth_secret_file").empty()) {
      in.Set("auth_secret", g.Get("smtp_auth_secret"));
      in.Set("auth_secret_file", g.Get("smtp_auth_secret_file"));
    }
    Inherit(in, "auth_identity", g, "smtp_auth_identity");
    InheritPtr(in, "require_tls", g, "smtp_require_tls");
    InheritPtr(in, "force_implicit_tls", g, "smtp_force_implicit_tls");
    return Status::Ok();
  }));
  PROMKIT_RETURN_IF_ERROR(each("slack", [&](Integration& in) -> Status {
    if (IsNil(in)) in.fields.clear();  // upstream continues with a zero SlackConfig
    InheritPtr(in, "app_url", g, "slack_app_url");
    if (!in.Has("app_url")) return Err("no global Slack App URL set");
    if (in.Get("app_token").empty() && in.Get("app_token_file").empty() &&
        !HasAuthorization(in.http_config) && !in.Has("api_url")) {
      in.Set("app_token", g.Get("slack_app_token"));
      in.Set("app_token_file", g.Get("slack_app_token_file"));
    }
    if (!in.Has("api_url") && in.Get("api_url_file").empty()) {
      if (g.Has("slack_api_url")) in.Set("api_url", g.Get("slack_api_url"));
      in.Set("api_url_file", g.Get("slack_api_url_file"));
    }
    bool token = !in.Get("app_token").empty() || !in.Get("app_token_file").empty();
    if (!in.Has("api_url") && in.Get("api_url_file").empty() && !token) {
      return Err("no Slack API URL nor App token set either inline or in a file");
    }
    InheritHttp(in, g);
    if (token) {
      if (in.http_config->authorization) {
        return Err("http authorization can't be set when using Slack App tokens");
      }
      in.http_config->authorization =
          config::Authorization{"Bearer", in.Get("app_token"), in.Get("app_token_file"), ""};
      in.Set("api_url", in.Get("app_url"));
    }
    return Status::Ok();
  }));
  PROMKIT_RETURN_IF_ERROR(each("pushover", [&](Integration& in) -> Status {
    if (IsNil(in)) return missing("pushover");
    InheritHttp(in, g);
    return Status::Ok();
  }));
  PROMKIT_RETURN_IF_ERROR(each("pagerduty", [&](Integration& in) -> Status {
    if (IsNil(in)) return missing("pagerduty");
    InheritHttp(in, g);
    InheritPtr(in, "url", g, "pagerduty_url");
    if (!in.Has("url")) return Err("no global PagerDuty URL set");
    return Status::Ok();
  }));
  PROMKIT_RETURN_IF_ERROR(each("incidentio", [&](Integration& in) -> Status {
    if (IsNil(in)) return missing("incidentio");
    InheritHttp(in, g);
    return Status::Ok();
  }));
  PROMKIT_RETURN_IF_ERROR(each("opsgenie", [&](Integration& in) -> Status {
    if (IsNil(in)) in.fields.clear();
    InheritHttp(in, g);
    InheritPtr(in, "api_url", g, "opsgenie_api_url");
    if (!in.Has("api_url")) return Err("no global OpsGenie URL set");
    Inherit(in, "api_key", g, "opsgenie_api_key");
    Inherit(in, "api_key_file", g, "opsgenie_api_key_file");
    if (in.Get("api_key").empty() && in.Get("api_key_file").empty()) {
      return Err("no global OpsGenie API Key set either inline or in a file");
    }
    return Status::Ok();
  }));
  PROMKIT_RETURN_IF_ERROR(each("wechat", [&](Integration& in) -> Status {
    if (IsNil(in)) in.fields.clear();
    InheritHttp(in, g);
    InheritPtr(in, "api_url", g, "wechat_api_url");
    if (!in.Has("api_url")) return Err("no global Wechat URL set");
    if (in.Get("api_secret").empty() && in.Get("api_secret_file").empty()) {
      if (g.Get("wechat_api_secret").empty() && g.Get("wechat_api_secret_file").empty()) {
        return Err("no global Wechat Api Secret set either inline or in a file");
      }
      in.Set("api_secret", g.Get("wechat_api_secret"));
      in.Set("api_secret_file", g.Get("wechat_api_secret_file"));
    }
    Inherit(in, "corp_id", g, "wechat_api_corp_id");
    if (in.Get("corp_id").empty()) return Err("no global Wechat CorpID set");
    return Status::Ok();
  }));
  PROMKIT_RETURN_IF_ERROR(each("victorops", [&](Integration& in) -> Status {
    if (IsNil(in)) return missing("victorops");
    InheritHttp(in, g);
    InheritPtr(in, "api_url", g, "victorops_api_url");
    if (!in.Has("api_url")) return Err("no global VictorOps URL set");
    Inherit(in, "api_key", g, "victorops_api_key");
    Inherit(in, "api_key_file", g, "victorops_api_key_file");
    if (in.Get("api_key").empty() && in.Get("api_key_file").empty()) {
      return Err("no global VictorOps API Key set");
    }
    return Status::Ok();
  }));
  PROMKIT_RETURN_IF_ERROR(each("sns", [&](Integration& in) -> Status {
    if (IsNil(in)) return missing("sns");
    InheritHttp(in, g);
    return Status::Ok();
  }));
  PROMKIT_RETURN_IF_ERROR(each("telegram", [&](Integration& in) -> Status {
    if (IsNil(in)) return missing("telegram");
    InheritHttp(in, g);
    InheritPtr(in, "api_url", g, "telegram_api_url");
    if (in.Get("bot_token").empty() && in.Get("bot_token_file").empty()) {
      if (g.Get("telegram_bot_token").empty() && g.Get("telegram_bot_token_file").empty()) {
        return Err("missing bot_token or bot_token_file on telegram_config");
      }
      in.Set("bot_token", g.Get("telegram_bot_token"));
      in.Set("bot_token_file", g.Get("telegram_bot_token_file"));
    }
    return Status::Ok();
  }));
  PROMKIT_RETURN_IF_ERROR(each("discord", [&](Integration& in) -> Status {
    if (IsNil(in)) return missing("discord");
    InheritHttp(in, g);
    if (!in.Has("webhook_url") && in.Get("webhook_url_file").empty()) {
      return Err("no discord webhook URL or URLFile provided");
    }
    return Status::Ok();
  }));
  PROMKIT_RETURN_IF_ERROR(each("webex", [&](Integration& in) -> Status {
    if (IsNil(in)) return missing("webex");
    InheritHttp(in, g);
    InheritPtr(in, "api_url", g, "webex_api_url");
    if (!in.Has("api_url")) return Err("no global Webex URL set");
    return Status::Ok();
  }));
  PROMKIT_RETURN_IF_ERROR(each("msteams", [&](Integration& in) -> Status {
    if (IsNil(in)) return missing("msteams");
    InheritHttp(in, g);
    if (!in.Has("webhook_url") && in.Get("webhook_url_file").empty()) {
      return Err("no msteams webhook URL or URLFile provided");
    }
    return Status::Ok();
  }));
  PROMKIT_RETURN_IF_ERROR(each("msteamsv2", [&](Integration& in) -> Status {
    if (IsNil(in)) return missing("msteamsv2");
    if (!in.http_config) {
      in.http_config = g.http_config;
    } else if (in.http_config->proxy.proxy_url.empty()) {
      in.http_config->proxy.proxy_url = g.http_config.proxy.proxy_url;
    }
    if (!in.Has("webhook_url") && in.Get("webhook_url_file").empty()) {
      return Err("no msteamsv2 webhook URL or URLFile provided");
    }
    return Status::Ok();
  }));
  PROMKIT_RETURN_IF_ERROR(each("jira", [&](Integration& in) -> Status {
    if (IsNil(in)) return missing("jira");
    InheritHttp(in, g);
    InheritPtr(in, "api_url", g, "jira_api_url");
    if (!in.Has("api_url")) return Err("no global Jira Cloud URL set");
    return Status::Ok();
  }));
  PROMKIT_RETURN_IF_ERROR(each("rocketchat", [&](Integration& in) -> Status {
    if (IsNil(in)) in.fields.clear();
    InheritHttp(in, g);
    InheritPtr(in, "api_url", g, "rocketchat_api_url");
    InheritPtr(in, "token_id", g, "rocketchat_token_id");
    Inherit(in, "token_id_file", g, "rocketchat_token_id_file");
    if (!in.Has("token_id") && in.Get("token_id_file").empty()) {
      return Err("no global Rocketchat TokenID set either inline or in a file");
    }
    InheritPtr(in, "token", g, "rocketchat_token");
    Inherit(in, "token_file", g, "rocketchat_token_file");
    if (!in.Has("token") && in.Get("token_file").empty()) {
      return Err("no global Rocketchat Token set either inline or in a file");
    }
    return Status::Ok();
  }));
  PROMKIT_RETURN_IF_ERROR(each("mattermost", [&](Integration& in) -> Status {
    if (IsNil(in)) return missing("mattermost");
    InheritHttp(in, g);
    if (!in.Has("webhook_url") && in.Get("webhook_url_file").empty()) {
      if (!g.Has("mattermost_webhook_url") && g.Get("mattermost_webhook_url_file").empty()) {
        return Err("missing webhook_url or webhook_url_file on mattermost_config");
      }
      if (g.Has("mattermost_webhook_url")) {
        in.Set("webhook_url", g.Get("mattermost_webhook_url"));
      }
      in.Set("webhook_url_file", g.Get("mattermost_webhook_url_file"));
    }
    return Status::Ok();
  }));
  return Status::Ok();
}

}  // namespace promkit::alertmanager::internal

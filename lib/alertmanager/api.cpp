// amtool's view of the API v2 objects (cli/format and the swagger models it encodes with).
#include "alertmanager/api.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "template/gotime.h"
#include "util/file.h"
#include "util/json_string.h"
#include "util/strings.h"
#include "util/tabwriter.h"
#include "util/yaml_tree.h"

namespace promkit::alertmanager::api {
namespace {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Go's encoding/json of the swagger models. Every model but the two composed ones lists its
// fields alphabetically, as nlohmann's objects iterate; GettableAlert and GettableSilence are
// swag.ConcatJSON of their own fields and the embedded model's.

struct Field;
struct Schema {
  std::vector<Field> fields;
};

enum class Kind { kValue, kMap, kObject, kArray };

struct Field {
  std::string_view name;
  Kind kind = Kind::kValue;
  bool omitempty = false;
  const Schema* sub = nullptr;  // kObject, kArray of objects
};

void EncodeValue(const json& j, std::string& out) {
  if (j.is_string()) {
    util::AppendJsonString(out, j.get_ref<const std::string&>(), util::JsonDialect::kGoStd);
  } else if (j.is_object()) {
    // A map (LabelSet): keys sorted, as Go sorts map keys.
    out += '{';
    bool first = true;
    for (const auto& [k, v] : j.items()) {
      if (!first) out += ',';
      first = false;
      util::AppendJsonString(out, k, util::JsonDialect::kGoStd);
      out += ':';
      EncodeValue(v, out);
    }
    out += '}';
  } else if (j.is_array()) {
    out += '[';
    for (size_t i = 0; i < j.size(); ++i) {
      if (i > 0) out += ',';
      EncodeValue(j[i], out);
    }
    out += ']';
  } else {
    out += j.dump();
  }
}

void EncodeObject(const json& j, const Schema& s, std::string& out);

void EncodeField(const json& v, const Field& f, std::string& out) {
  if (v.is_null()) {
    out += "null";
    return;
  }
  switch (f.kind) {
    case Kind::kObject:
      EncodeObject(v, *f.sub, out);
      return;
    case Kind::kArray:
      if (f.sub == nullptr || !v.is_array()) {
        EncodeValue(v, out);
        return;
      }
      out += '[';
      for (size_t i = 0; i < v.size(); ++i) {
        if (i > 0) out += ',';
        if (v[i].is_null()) {
          out += "null";
        } else {
          EncodeObject(v[i], *f.sub, out);
        }
      }
      out += ']';
      return;
    case Kind::kValue:
    case Kind::kMap:
      EncodeValue(v, out);
      return;
  }
}

// omitempty on the models' fields: a nil pointer or an empty string (a pointer to false, as
// isEqual's, is kept).
bool IsEmpty(const json& v) {
  return v.is_null() || (v.is_string() && v.get_ref<const std::string&>().empty());
}

void EncodeObject(const json& j, const Schema& s, std::string& out) {
  out += '{';
  bool first = true;
  for (const Field& f : s.fields) {
    const json v = j.is_object() && j.contains(f.name) ? j.at(f.name) : json();
    if (f.omitempty && IsEmpty(v)) continue;
    if (!first) out += ',';
    first = false;
    util::AppendJsonString(out, f.name, util::JsonDialect::kGoStd);
    out += ':';
    EncodeField(v, f, out);
  }
  out += '}';
}

const Schema kReceiver{{{"name"}}};
const Schema kAlertStatus{{{"inhibitedBy", Kind::kArray}, {"silencedBy", Kind::kArray}, {"state"}}};
const Schema kAlert{{{"annotations", Kind::kMap},
                     {"endsAt"},
                     {"fingerprint"},
                     {"receivers", Kind::kArray, false, &kReceiver},
                     {"startsAt"},
                     {"status", Kind::kObject, false, &kAlertStatus},
                     {"updatedAt"},
                     {"generatorURL", Kind::kValue, true},
                     {"labels", Kind::kMap}}};
const Schema kMatcher{{{"isEqual", Kind::kValue, true}, {"isRegex"}, {"name"}, {"value"}}};
const Schema kSilenceStatus{{{"state"}}};
const Schema kSilence{{{"id"},
                       {"status", Kind::kObject, false, &kSilenceStatus},
                       {"updatedAt"},
                       {"comment"},
                       {"createdBy"},
                       {"endsAt"},
                       {"matchers", Kind::kArray, false, &kMatcher},
                       {"startsAt"}}};
const Schema kPeer{{{"address"}, {"name"}}};
const Schema kCluster{
    {{"name", Kind::kValue, true}, {"peers", Kind::kArray, false, &kPeer}, {"status"}}};
const Schema kConfig{{{"original"}}};
const Schema kVersionInfo{
    {{"branch"}, {"buildDate"}, {"buildUser"}, {"goVersion"}, {"revision"}, {"version"}}};
const Schema kStatus{{{"cluster", Kind::kObject, false, &kCluster},
                      {"config", Kind::kObject, false, &kConfig},
                      {"uptime"},
                      {"versionInfo", Kind::kObject, false, &kVersionInfo}}};

std::string Encode(const json& j, const Schema& s) {
  std::string out;
  EncodeObject(j, s, out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Decoding.

util::Result<json> ParseBody(std::string_view body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded()) {
    return util::Status::InvalidArgument("cannot decode the response: the body is not JSON");
  }
  return j;
}

std::string Str(const json& j, std::string_view key) {
  if (!j.is_object() || !j.contains(key) || !j.at(key).is_string()) return "";
  return j.at(key).get<std::string>();
}

LabelSet Labels(const json& j, std::string_view key) {
  LabelSet out;
  if (!j.is_object() || !j.contains(key) || !j.at(key).is_object()) return out;
  for (const auto& [k, v] : j.at(key).items()) {
    if (v.is_string()) out[k] = v.get<std::string>();
  }
  return out;
}

util::Result<ApiTime> Time(const json& j, std::string_view key, std::string_view what) {
  const std::string s = Str(j, key);
  if (s.empty()) {
    return util::Status::InvalidArgument(fmt::format("{} has no {}", what, key));
  }
  return ParseApiTime(s);
}

util::Result<Alert> DecodeAlert(const json& j) {
  if (!j.is_object()) return util::Status::InvalidArgument("an alert is not a JSON object");
  Alert a;
  a.labels = Labels(j, "labels");
  a.annotations = Labels(j, "annotations");
  PROMKIT_ASSIGN_OR_RETURN(a.starts_at, Time(j, "startsAt", "alert"));
  PROMKIT_ASSIGN_OR_RETURN(a.ends_at, Time(j, "endsAt", "alert"));
  a.generator_url = Str(j, "generatorURL");
  if (j.contains("status")) a.state = Str(j.at("status"), "state");
  a.json = Encode(j, kAlert);
  return a;
}

util::Result<Silence> DecodeSilenceObject(const json& j) {
  if (!j.is_object()) return util::Status::InvalidArgument("a silence is not a JSON object");
  Silence s;
  s.id = Str(j, "id");
  PROMKIT_ASSIGN_OR_RETURN(s.starts_at, Time(j, "startsAt", "silence"));
  PROMKIT_ASSIGN_OR_RETURN(s.ends_at, Time(j, "endsAt", "silence"));
  if (!Str(j, "updatedAt").empty()) {
    PROMKIT_ASSIGN_OR_RETURN(s.updated_at, Time(j, "updatedAt", "silence"));
  }
  s.created_by = Str(j, "createdBy");
  s.comment = Str(j, "comment");
  if (j.contains("status")) s.state = Str(j.at("status"), "state");
  if (j.contains("matchers") && j.at("matchers").is_array()) {
    for (const json& m : j.at("matchers")) {
      ApiMatcher am;
      am.name = Str(m, "name");
      am.value = Str(m, "value");
      am.is_regex = m.is_object() && m.value("isRegex", false);
      am.is_equal = !m.is_object() || m.value("isEqual", true);
      s.matchers.push_back(std::move(am));
    }
  }
  s.json = Encode(j, kSilence);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Formatting.

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

MatchType TypeOf(const ApiMatcher& m) {
  if (m.is_regex) return m.is_equal ? MatchType::kRegexp : MatchType::kNotRegexp;
  return m.is_equal ? MatchType::kEqual : MatchType::kNotEqual;
}

// pkg/labels Matcher.String() without compiling the regex (a server's matcher is shown as is):
// the value with OpenMetrics escaping (backslash, double quote, newline).
std::string MatcherString(const ApiMatcher& m) {
  std::string v;
  for (char c : m.value) {
    if (c == '\\') {
      v += "\\\\";
    } else if (c == '"') {
      v += "\\\"";
    } else if (c == '\n') {
      v += "\\n";
    } else {
      v += c;
    }
  }
  return fmt::format("{}{}\"{}\"", m.name, MatchTypeString(TypeOf(m)), v);
}

std::string FormatDate(const ApiTime& t, std::string_view layout) {
  return tmpl::FormatGoTime(t.unix_nanos, layout, t.offset_seconds, t.utc ? "UTC" : "");
}

// extendedFormatLabels: name="value" pairs (values as they are), sorted, space separated.
std::string ExtendedLabels(const LabelSet& ls) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : ls) parts.push_back(fmt::format("{}=\"{}\"", k, v));
  std::sort(parts.begin(), parts.end());
  return Join(parts, " ");
}

std::string Lookup(const LabelSet& ls, const std::string& key) {
  auto it = ls.find(key);
  return it == ls.end() ? "" : it->second;
}

std::string JsonArray(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += items[i];
  }
  return out + "]\n";
}

}  // namespace

util::Result<ApiTime> ParseApiTime(std::string_view s) {
  auto ns = tmpl::ParseGoTime("2006-01-02T15:04:05Z07:00", s);
  if (!ns.ok()) return util::Status::InvalidArgument(std::string(ns.status().message()));
  ApiTime t;
  t.text = std::string(s);
  t.unix_nanos = *ns;
  t.utc = !s.empty() && (s.back() == 'Z' || s.back() == 'z');
  if (!t.utc && s.size() >= 6) {
    std::string_view off = s.substr(s.size() - 6);
    const int sign = off[0] == '-' ? -1 : 1;
    t.offset_seconds = sign * (((off[1] - '0') * 10 + (off[2] - '0')) * 3600 +
                               ((off[4] - '0') * 10 + (off[5] - '0')) * 60);
  }
  return t;
}

util::Result<std::vector<Alert>> DecodeAlerts(std::string_view body) {
  PROMKIT_ASSIGN_OR_RETURN(json j, ParseBody(body));
  if (!j.is_array()) return util::Status::InvalidArgument("the alerts are not a JSON array");
  std::vector<Alert> out;
  for (const json& a : j) {
    PROMKIT_ASSIGN_OR_RETURN(Alert alert, DecodeAlert(a));
    out.push_back(std::move(alert));
  }
  return out;
}

util::Result<std::vector<Silence>> DecodeSilences(std::string_view body) {
  PROMKIT_ASSIGN_OR_RETURN(json j, ParseBody(body));
  if (!j.is_array()) return util::Status::InvalidArgument("the silences are not a JSON array");
  std::vector<Silence> out;
  for (const json& s : j) {
    PROMKIT_ASSIGN_OR_RETURN(Silence silence, DecodeSilenceObject(s));
    out.push_back(std::move(silence));
  }
  return out;
}

util::Result<Silence> DecodeSilence(std::string_view body) {
  PROMKIT_ASSIGN_OR_RETURN(json j, ParseBody(body));
  return DecodeSilenceObject(j);
}

util::Result<Status> DecodeStatus(std::string_view body) {
  PROMKIT_ASSIGN_OR_RETURN(json j, ParseBody(body));
  if (!j.is_object()) return util::Status::InvalidArgument("the status is not a JSON object");
  Status s;
  if (j.contains("cluster") && j.at("cluster").is_object()) {
    const json& c = j.at("cluster");
    s.cluster_status = Str(c, "status");
    s.cluster_name = Str(c, "name");
    if (c.contains("peers") && c.at("peers").is_array()) {
      for (const json& p : c.at("peers")) s.peers.push_back({Str(p, "address"), Str(p, "name")});
    }
    s.cluster_json = Encode(c, kCluster);
  } else {
    return util::Status::InvalidArgument("the status has no cluster");
  }
  if (!j.contains("config") || !j.at("config").is_object() ||
      !j.at("config").contains("original")) {
    return util::Status::InvalidArgument("the status has no config");
  }
  s.config_original = Str(j.at("config"), "original");
  s.uptime = Str(j, "uptime");
  if (j.contains("versionInfo") && j.at("versionInfo").is_object()) {
    for (const auto& [k, v] : j.at("versionInfo").items()) {
      if (v.is_string()) s.version_info[k] = v.get<std::string>();
    }
  }
  s.json = Encode(j, kStatus);
  return s;
}

util::Result<OutputFormat> ParseOutputFormat(std::string_view s) {
  if (s == "simple") return OutputFormat::kSimple;
  if (s == "extended") return OutputFormat::kExtended;
  if (s == "json") return OutputFormat::kJson;
  return util::Status::InvalidArgument(
      fmt::format("enum value must be one of simple,extended,json, got '{}'", s));
}

std::string FormatAlerts(std::vector<Alert> alerts, OutputFormat f, std::string_view date_format) {
  // The JSON formatter encodes the list as it came; the tables sort it.
  if (f == OutputFormat::kJson) {
    std::vector<std::string> items;
    for (const Alert& a : alerts) items.push_back(a.json);
    return JsonArray(items);
  }
  std::stable_sort(alerts.begin(), alerts.end(), [](const Alert& a, const Alert& b) {
    return a.starts_at.unix_nanos < b.starts_at.unix_nanos;
  });
  std::string t;
  if (f == OutputFormat::kSimple) {
    t = "Alertname\tStarts At\tSummary\tState\t\n";
    for (const Alert& a : alerts) {
      t += fmt::format("{}\t{}\t{}\t{}\t\n", Lookup(a.labels, "alertname"),
                       FormatDate(a.starts_at, date_format), Lookup(a.annotations, "summary"),
                       a.state);
    }
  } else {
    t = "Labels\tAnnotations\tStarts At\tEnds At\tGenerator URL\tState\t\n";
    for (const Alert& a : alerts) {
      t += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t\n", ExtendedLabels(a.labels),
                       ExtendedLabels(a.annotations), FormatDate(a.starts_at, date_format),
                       FormatDate(a.ends_at, date_format), a.generator_url, a.state);
    }
  }
  return util::GoTabwrite(t);
}

std::string FormatSilences(std::vector<Silence> silences, OutputFormat f,
                           std::string_view date_format) {
  if (f == OutputFormat::kJson) {
    std::vector<std::string> items;
    for (const Silence& s : silences) items.push_back(s.json);
    return JsonArray(items);
  }
  std::stable_sort(silences.begin(), silences.end(), [](const Silence& a, const Silence& b) {
    return a.ends_at.unix_nanos < b.ends_at.unix_nanos;
  });
  std::string t;
  if (f == OutputFormat::kSimple) {
    t = "ID\tMatchers\tEnds At\tCreated By\tComment\t\n";
    for (const Silence& s : silences) {
      std::vector<std::string> ms;
      for (const ApiMatcher& m : s.matchers) ms.push_back(MatcherString(m));
      t += fmt::format("{}\t{}\t{}\t{}\t{}\t\n", s.id, Join(ms, " "),
                       FormatDate(s.ends_at, date_format), s.created_by, s.comment);
    }
  } else {
    t = "ID\tMatchers\tStarts At\tEnds At\tUpdated At\tCreated By\tComment\t\n";
    for (const Silence& s : silences) {
      std::vector<std::string> ms;
      for (const ApiMatcher& m : s.matchers) ms.push_back(MatcherString(m));
      t += fmt::format("{}\t{{{}}}\t{}\t{}\t{}\t{}\t{}\t\n", s.id, Join(ms, ","),
                       FormatDate(s.starts_at, date_format), FormatDate(s.ends_at, date_format),
                       FormatDate(s.updated_at, date_format), s.created_by, s.comment);
    }
  }
  return util::GoTabwrite(t);
}

std::string FormatConfig(const Status& s, OutputFormat f) {
  if (f == OutputFormat::kJson) return s.json + "\n";
  std::string out = s.config_original + "\n";
  if (f == OutputFormat::kExtended) {
    auto v = [&](const std::string& k) {
      auto it = s.version_info.find(k);
      return it == s.version_info.end() ? std::string() : it->second;
    };
    for (const char* k : {"buildUser", "goVersion", "revision", "version", "branch", "buildDate"}) {
      out += fmt::format("{} {}\n", k, v(k));
    }
    out += fmt::format("uptime {}\n", s.uptime);
  }
  return out;
}

std::string FormatClusterStatus(const Status& s, OutputFormat f) {
  if (f == OutputFormat::kJson) return s.cluster_json + "\n";
  std::string t =
      fmt::format("Cluster Status:\t{}\nNode Name:\t{}\n", s.cluster_status, s.cluster_name);
  if (f == OutputFormat::kExtended) {
    t += "\nAddress\tName\n";
    std::vector<Peer> peers = s.peers;
    std::stable_sort(peers.begin(), peers.end(),
                     [](const Peer& a, const Peer& b) { return a.address < b.address; });
    for (const Peer& p : peers) t += fmt::format("{}\t{}\t\n", p.address, p.name);
  }
  return util::GoTabwrite(t);
}

ApiMatcher ToApiMatcher(const Matcher& m) {
  ApiMatcher a;
  a.name = m.name();
  a.value = m.value();
  a.is_equal = m.type() == MatchType::kEqual || m.type() == MatchType::kRegexp;
  a.is_regex = m.type() == MatchType::kRegexp || m.type() == MatchType::kNotRegexp;
  return a;
}

util::Result<Matcher> FromApiMatcher(const ApiMatcher& m) {
  return Matcher::Make(TypeOf(m), m.name, m.value);
}

std::string FormatApiTime(int64_t unix_nanos) {
  return tmpl::FormatGoTime(unix_nanos, "2006-01-02T15:04:05.000Z07:00");
}

std::string EncodePostableAlerts(const std::vector<PostableAlert>& alerts) {
  std::string out = "[";
  for (size_t i = 0; i < alerts.size(); ++i) {
    const PostableAlert& a = alerts[i];
    if (i > 0) out += ',';
    json ann(json::value_t::object);
    for (const auto& [k, v] : a.annotations) ann[k] = v;
    json labels(json::value_t::object);
    for (const auto& [k, v] : a.labels) labels[k] = v;
    out += "{\"annotations\":";
    EncodeValue(ann, out);
    out += ",\"endsAt\":";
    util::AppendJsonString(
        out, a.ends_at_nanos ? FormatApiTime(*a.ends_at_nanos) : "0001-01-01T00:00:00.000Z",
        util::JsonDialect::kGoStd);
    out += ",\"startsAt\":";
    util::AppendJsonString(
        out, a.starts_at_nanos ? FormatApiTime(*a.starts_at_nanos) : "0001-01-01T00:00:00.000Z",
        util::JsonDialect::kGoStd);
    if (!a.generator_url.empty()) {
      out += ",\"generatorURL\":";
      util::AppendJsonString(out, a.generator_url, util::JsonDialect::kGoStd);
    }
    out += ",\"labels\":";
    EncodeValue(labels, out);
    out += '}';
  }
  return out + "]";
}

std::string EncodePostableSilence(const PostableSilence& s) {
  json j(json::value_t::object);
  if (!s.id.empty()) j["id"] = s.id;
  j["comment"] = s.comment;
  j["createdBy"] = s.created_by;
  j["endsAt"] = s.ends_at;
  j["startsAt"] = s.starts_at;
  json ms(json::value_t::array);
  for (const ApiMatcher& m : s.matchers) {
    ms.push_back(
        {{"isEqual", m.is_equal}, {"isRegex", m.is_regex}, {"name", m.name}, {"value", m.value}});
  }
  j["matchers"] = ms;
  // PostableSilence: its own id, then the embedded Silence's fields.
  std::string out = "{";
  if (!s.id.empty()) {
    out += "\"id\":";
    util::AppendJsonString(out, s.id, util::JsonDialect::kGoStd);
    out += ',';
  }
  std::string rest = Encode(j, Schema{{{"comment"},
                                       {"createdBy"},
                                       {"endsAt"},
                                       {"matchers", Kind::kArray, false, &kMatcher},
                                       {"startsAt"}}});
  return out + rest.substr(1);
}

util::Result<std::vector<PostableSilence>> DecodeSilenceImport(std::string_view text) {
  auto bad = [](std::string_view why) {
    return util::Status::InvalidArgument(
        fmt::format("couldn't unmarshal input data, is it JSON?: {}", why));
  };
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    return bad(e.what());
  }
  if (!j.is_array()) return bad("the input is not a JSON array of silences");
  std::vector<PostableSilence> out;
  for (const json& s : j) {
    if (!s.is_object()) return bad("a silence is not a JSON object");
    auto decoded = DecodeSilenceObject(s);
    if (!decoded.ok()) return bad(decoded.status().message());
    out.push_back(ToPostable(*decoded));
  }
  return out;
}

PostableSilence ToPostable(const Silence& s) {
  PostableSilence p;
  p.id = s.id;
  p.matchers = s.matchers;
  p.starts_at = s.starts_at.text;
  p.ends_at = s.ends_at.text;
  p.created_by = s.created_by;
  p.comment = s.comment;
  return p;
}

util::Result<std::string> DecodeSilenceId(std::string_view body) {
  PROMKIT_ASSIGN_OR_RETURN(json j, ParseBody(body));
  std::string id = Str(j, "silenceID");
  if (id.empty()) return util::Status::InvalidArgument("the response has no silenceID");
  return id;
}

std::vector<Silence> FilterSilences(std::vector<Silence> silences, int64_t now_nanos, bool expired,
                                    int64_t within_nanos, std::string_view created_by) {
  std::vector<Silence> out;
  for (Silence& s : silences) {
    const int64_t end = s.ends_at.unix_nanos;
    if (!expired && end < now_nanos) continue;
    if (expired && end > now_nanos) continue;
    if (!expired && within_nanos > 0 && end > now_nanos + within_nanos) continue;
    if (expired && within_nanos > 0 && end < now_nanos - within_nanos) continue;
    if (!created_by.empty() && s.created_by != created_by) continue;
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<Alert> AlertsMatching(const std::vector<Alert>& alerts, const Matchers& matchers) {
  std::vector<Alert> out;
  for (const Alert& a : alerts) {
    if (MatchesAll(matchers, a.labels)) out.push_back(a);
  }
  return out;
}

util::Result<std::map<std::string, std::string>> LoadAmtoolConfig(
    const std::vector<std::string>& files) {
  std::map<std::string, std::string> flags;
  for (const std::string& f : files) {
    std::error_code ec;
    if (!std::filesystem::exists(f, ec)) continue;
    PROMKIT_ASSIGN_OR_RETURN(std::string text, util::ReadFile(f));
    PROMKIT_ASSIGN_OR_RETURN(util::YamlNode root, util::ParseYaml(text));
    if (root.IsNull()) continue;
    if (!root.IsMap()) {
      return util::Status::InvalidArgument(
          fmt::format("yaml: unmarshal errors:\n  line {}: cannot unmarshal {} into "
                      "map[string]string",
                      root.line, root.tag));
    }
    std::map<std::string, std::string> m;
    for (size_t i = 0; i + 1 < root.items.size(); i += 2) {
      const util::YamlNode& k = root.items[i];
      const util::YamlNode& v = root.items[i + 1];
      if (!v.IsScalar() && !v.IsNull()) {
        return util::Status::InvalidArgument(fmt::format(
            "yaml: unmarshal errors:\n  line {}: cannot unmarshal {} into string", v.line, v.tag));
      }
      m[k.value] = v.value;
    }
    for (const auto& [key, value] : m) {
      std::string k = key;
      if (k == "comment_required") {
        if (m.count("require-comment") > 0) continue;
        k = "require-comment";
      }
      flags.emplace(k, value);
    }
  }
  return flags;
}

}  // namespace promkit::alertmanager::api

// Alertmanager's template data as template values (upstream template.Data, Alert, Alerts, KV,
// Pairs, Strings), its JSON form (encoding/json with upstream's tags, for --template.data and
// the toJson function), and the template set FromGlobs builds.
#include <algorithm>
#include <cctype>
#include <span>

#include <fmt/core.h>
#include <glob.h>
#include <nlohmann/json.hpp>

#include "alertmanager/config.h"
#include "alertmanager/internal/template_values.h"
#include "alertmanager/template.h"
#include "template/gotime.h"
#include "util/file.h"
#include "util/json_string.h"
#include "util/numbers.h"
#include "util/timestamp.h"

namespace promkit::alertmanager {

using tmpl::Member;
using tmpl::Value;
using util::Result;
using util::Status;

namespace internal {

Member AmStruct::Lookup(std::string_view name) const {
  for (const Slot& f : fields_) {
    if (f.go_name == name) return Member{Member::Kind::kField, {}, false};
  }
  return Member{};
}

Result<Value> AmStruct::Field(std::string_view name) const {
  for (const Slot& f : fields_) {
    if (f.go_name == name) return f.value;
  }
  return HostObject::Field(name);
}

std::string AmStruct::Format() const {
  std::string out = "{";
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i > 0) out += ' ';
    fields_[i].value.AppendFormat(out);
  }
  return out + "}";
}

namespace {

// KV.SortedPairs order: alertname first, then the others sorted.
std::vector<std::pair<std::string, std::string>> SortedPairs(const LabelSet& kv) {
  std::vector<std::pair<std::string, std::string>> out;
  auto it = kv.find("alertname");
  if (it != kv.end()) out.emplace_back(it->first, it->second);
  for (const auto& [k, v] : kv) {
    if (k != "alertname") out.emplace_back(k, v);
  }
  return out;
}

std::string PairsString(const std::vector<std::pair<std::string, std::string>>& ps) {
  std::string out;
  for (size_t i = 0; i < ps.size(); ++i) {
    out += ps[i].first + "=" + ps[i].second;
    if (i + 1 < ps.size()) out += ", ";
  }
  return out;
}

// template.Strings: a []string with Join.
class StringsMethods : public tmpl::HostObject {
 public:
  explicit StringsMethods(std::vector<std::string> s) : s_(std::move(s)) {}
  std::string TypeName() const override { return "template.Strings"; }
  Member Lookup(std::string_view name) const override {
    if (name == "Join") return Member{Member::Kind::kMethod, {"string"}, false};
    return Member{};
  }
  Result<Value> Call(std::string_view, std::span<const Value> args) const override {
    std::string out;
    for (size_t i = 0; i < s_.size(); ++i) out += (i > 0 ? args[0].AsString() : "") + s_[i];
    return Value(std::move(out));
  }
  std::string Format() const override { return ""; }

 private:
  std::vector<std::string> s_;
};

// Go checks a []string parameter by assignability: template.Strings passes, so the list keeps
// the unnamed type name.
Value StringsValue(std::vector<std::string> s) {
  std::vector<Value> items(s.begin(), s.end());
  return Value::List(std::move(items), "[]string", std::make_shared<StringsMethods>(std::move(s)));
}

class PairsMethods : public tmpl::HostObject {
 public:
  explicit PairsMethods(std::vector<std::pair<std::string, std::string>> p) : p_(std::move(p)) {}
  std::string TypeName() const override { return "template.Pairs"; }
  Member Lookup(std::string_view name) const override {
    if (name == "Names" || name == "Values" || name == "String") {
      return Member{Member::Kind::kMethod, {}, false};
    }
    return Member{};
  }
  Result<Value> Call(std::string_view name, std::span<const Value>) const override {
    if (name == "String") return Value(PairsString(p_));
    std::vector<std::string> out;
    for (const auto& [k, v] : p_) out.push_back(name == "Names" ? k : v);
    return StringsValue(std::move(out));
  }
  std::string Format() const override { return PairsString(p_); }

 private:
  std::vector<std::pair<std::string, std::string>> p_;
};

Value PairsValue(const LabelSet& kv) {
  std::vector<std::pair<std::string, std::string>> ps = SortedPairs(kv);
  std::vector<Value> items;
  for (const auto& [k, v] : ps) {
    items.push_back(Value::Host(std::make_shared<AmStruct>(
        "template.Pair",
        std::vector<AmStruct::Slot>{{"Name", "Name", Value(k)}, {"Value", "Value", Value(v)}})));
  }
  return Value::List(std::move(items), "template.Pairs",
                     std::make_shared<PairsMethods>(std::move(ps)));
}

class KVMethods : public tmpl::HostObject {
 public:
  explicit KVMethods(LabelSet kv) : kv_(std::move(kv)) {}
  std::string TypeName() const override { return "template.KV"; }
  Member Lookup(std::string_view name) const override {
    if (name == "SortedPairs" || name == "Names" || name == "Values" || name == "String") {
      return Member{Member::Kind::kMethod, {}, false};
    }
    if (name == "Remove") return Member{Member::Kind::kMethod, {"[]string"}, false};
    return Member{};
  }
  Result<Value> Call(std::string_view name, std::span<const Value> args) const override {
    if (name == "SortedPairs") return PairsValue(kv_);
    if (name == "String") return Value(PairsString(SortedPairs(kv_)));
    if (name == "Remove") {
      LabelSet out = kv_;
      for (const Value& k : args[0].AsList()) out.erase(k.AsString());
      return KVValue(out);
    }
    std::vector<std::string> out;
    for (const auto& [k, v] : SortedPairs(kv_)) out.push_back(name == "Names" ? k : v);
    return StringsValue(std::move(out));
  }
  std::string Format() const override { return PairsString(SortedPairs(kv_)); }

 private:
  LabelSet kv_;
};

std::vector<Value> AlertValues(const std::vector<TemplateAlert>& alerts, const char* status) {
  std::vector<Value> out;
  for (const TemplateAlert& a : alerts) {
    if (status == nullptr || a.status == status) out.push_back(AlertValue(a));
  }
  return out;
}

class AlertsMethods : public tmpl::HostObject {
 public:
  explicit AlertsMethods(std::vector<TemplateAlert> a) : a_(std::move(a)) {}
  std::string TypeName() const override { return "template.Alerts"; }
  Member Lookup(std::string_view name) const override {
    if (name == "Firing" || name == "Resolved") return Member{Member::Kind::kMethod, {}, false};
    return Member{};
  }
  Result<Value> Call(std::string_view name, std::span<const Value>) const override {
    return Value::List(AlertValues(a_, name == "Firing" ? "firing" : "resolved"),
                       "[]template.Alert");
  }
  std::string Format() const override { return ""; }

 private:
  std::vector<TemplateAlert> a_;
};

// Go's zero time (year 1) is outside what int64 nanoseconds reach; it stands as the smallest
// instant, which toJson prints as Go does.
constexpr int64_t kZeroTime = INT64_MIN;

Value TimeValue(int64_t ns) { return tmpl::GoTime::Make(ns, false); }

}  // namespace

Value KVValue(const LabelSet& kv) {
  std::map<std::string, Value, std::less<>> entries;
  for (const auto& [k, v] : kv) entries.emplace(k, Value(v));
  return Value::TypedMap(std::move(entries), "template.KV", Value(std::string()),
                         std::make_shared<KVMethods>(kv));
}

Value AlertValue(const TemplateAlert& a) {
  return Value::Host(std::make_shared<AmStruct>(
      "template.Alert",
      std::vector<AmStruct::Slot>{
          {"Status", "status", Value(a.status)},
          {"Labels", "labels", KVValue(a.labels)},
          {"Annotations", "annotations", KVValue(a.annotations)},
          {"StartsAt", "startsAt", TimeValue(a.starts_at_zero ? kZeroTime : a.starts_at_ns)},
          {"EndsAt", "endsAt", TimeValue(a.ends_at_zero ? kZeroTime : a.ends_at_ns)},
          {"GeneratorURL", "generatorURL", Value(a.generator_url)},
          {"Fingerprint", "fingerprint", Value(a.fingerprint)}}));
}

void AppendJson(std::string& out, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNil:
      out += "null";
      return;
    case Value::Kind::kBool:
      out += v.AsBool() ? "true" : "false";
      return;
    case Value::Kind::kInt:
      out += std::to_string(v.AsInt());
      return;
    case Value::Kind::kFloat: {
      // encoding/json: 'f' format unless the exponent is large or small.
      double f = v.AsFloat();
      double a = f < 0 ? -f : f;
      char fmtc = (a != 0 && (a < 1e-6 || a >= 1e21)) ? 'e' : 'f';
      std::string s = util::FormatFloat(f, fmtc, -1);
      if (fmtc == 'e') {
        size_t e = s.find("e-0");
        if (e != std::string::npos) s.erase(e + 2, 1);
      }
      out += s;
      return;
    }
    case Value::Kind::kString:
      util::AppendJsonString(out, v.AsString(), util::JsonDialect::kGoStd);
      return;
    case Value::Kind::kList: {
      out += '[';
      const auto& items = v.AsList();
      for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += ',';
        AppendJson(out, items[i]);
      }
      out += ']';
      return;
    }
    case Value::Kind::kMap: {
      out += '{';
      bool first = true;
      for (const auto& [k, e] : v.map().entries) {
        if (!first) out += ',';
        first = false;
        util::AppendJsonString(out, k, util::JsonDialect::kGoStd);
        out += ':';
        AppendJson(out, e);
      }
      out += '}';
      return;
    }
    case Value::Kind::kHost: {
      const tmpl::HostObject& h = v.host();
      if (const auto* s = dynamic_cast<const AmStruct*>(&h); s != nullptr) {
        out += '{';
        for (size_t i = 0; i < s->fields().size(); ++i) {
          if (i > 0) out += ',';
          util::AppendJsonString(out, s->fields()[i].json_name, util::JsonDialect::kGoStd);
          out += ':';
          AppendJson(out, s->fields()[i].value);
        }
        out += '}';
        return;
      }
      if (const auto* t = dynamic_cast<const tmpl::GoTime*>(&h); t != nullptr) {
        if (t->unix_nanos() == kZeroTime) {
          out += "\"0001-01-01T00:00:00Z\"";
          return;
        }
        util::AppendJsonString(
            out, tmpl::FormatGoTime(t->unix_nanos(), "2006-01-02T15:04:05.999999999Z07:00"),
            util::JsonDialect::kGoStd);
        return;
      }
      if (const auto* d = dynamic_cast<const tmpl::GoDuration*>(&h); d != nullptr) {
        out += std::to_string(d->nanos());
        return;
      }
      util::AppendJsonString(out, h.Format(), util::JsonDialect::kGoStd);
      return;
    }
  }
}

}  // namespace internal

Value TemplateDataValue(const TemplateData& d) {
  using internal::AmStruct;
  Value alerts = Value::List(internal::AlertValues(d.alerts, nullptr), "template.Alerts",
                             std::make_shared<internal::AlertsMethods>(d.alerts));
  return Value::Host(std::make_shared<AmStruct>(
      "template.Data",
      std::vector<AmStruct::Slot>{
          {"Receiver", "receiver", Value(d.receiver)},
          {"Status", "status", Value(d.status)},
          {"Alerts", "alerts", alerts},
          {"NotificationReason", "notification_reason", Value(d.notification_reason)},
          {"GroupLabels", "groupLabels", internal::KVValue(d.group_labels)},
          {"CommonLabels", "commonLabels", internal::KVValue(d.common_labels)},
          {"CommonAnnotations", "commonAnnotations", internal::KVValue(d.common_annotations)},
          {"RouteLabels", "routeLabels", internal::KVValue(d.route_labels)},
          {"ExternalURL", "externalURL", Value(d.external_url)}}));
}

namespace {

using nlohmann::json;

std::string JsonKind(const json& j) {
  switch (j.type()) {
    case json::value_t::string:
      return "string";
    case json::value_t::boolean:
      return "bool";
    case json::value_t::array:
      return "array";
    case json::value_t::object:
      return "object";
    default:
      return "number";
  }
}

// Go's case-insensitive field match (exact match first).
const json* FindField(const json& obj, std::string_view name) {
  if (auto it = obj.find(std::string(name)); it != obj.end()) return &*it;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    const std::string& k = it.key();
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return &*it;
    }
  }
  return nullptr;
}

Status TypeErr(const json& j, std::string_view field, std::string_view type) {
  return Status::InvalidArgument(fmt::format(
      "json: cannot unmarshal {} into Go struct field {} of type {}", JsonKind(j), field, type));
}

Status GetString(const json& obj, std::string_view key, std::string_view field, std::string& out) {
  const json* j = FindField(obj, key);
  if (j == nullptr || j->is_null()) return Status::Ok();
  if (!j->is_string()) return TypeErr(*j, field, "string");
  out = j->get<std::string>();
  return Status::Ok();
}

Status GetKV(const json& obj, std::string_view key, std::string_view field, LabelSet& out) {
  const json* j = FindField(obj, key);
  if (j == nullptr || j->is_null()) return Status::Ok();
  if (!j->is_object()) return TypeErr(*j, field, "template.KV");
  for (auto it = j->begin(); it != j->end(); ++it) {
    if (!it->is_string()) return TypeErr(*it, std::string(field) + "." + it.key(), "string");
    out[it.key()] = it->get<std::string>();
  }
  return Status::Ok();
}

Status GetTime(const json& obj, std::string_view key, std::string_view field, int64_t& ns,
               bool& zero) {
  const json* j = FindField(obj, key);
  if (j == nullptr || j->is_null()) return Status::Ok();
  if (!j->is_string()) return TypeErr(*j, field, "time.Time");
  std::string s = j->get<std::string>();
  auto ms = util::ParseRfc3339(s);
  if (!ms.ok()) {
    return Status::InvalidArgument(
        fmt::format("parsing time {} as \"2006-01-02T15:04:05Z07:00\": cannot parse {} as \"2006\"",
                    util::JsonString(s, util::JsonDialect::kGoStd),
                    util::JsonString(s, util::JsonDialect::kGoStd)));
  }
  // Go's zero time (year 1) and other instants beyond int64 nanoseconds stay "zero".
  if (*ms < INT64_MIN / 1'000'000 || *ms > INT64_MAX / 1'000'000) return Status::Ok();
  ns = *ms * 1'000'000;
  zero = false;
  return Status::Ok();
}

}  // namespace

Result<TemplateData> ParseTemplateData(std::string_view text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    return Status::InvalidArgument(fmt::format("invalid JSON: {}", e.what()));
  }
  TemplateData d;
  if (j.is_null()) return d;
  if (!j.is_object()) {
    return Status::InvalidArgument(
        fmt::format("json: cannot unmarshal {} into Go value of type template.Data", JsonKind(j)));
  }
  PROMKIT_RETURN_IF_ERROR(GetString(j, "receiver", "Data.receiver", d.receiver));
  PROMKIT_RETURN_IF_ERROR(GetString(j, "status", "Data.status", d.status));
  PROMKIT_RETURN_IF_ERROR(
      GetString(j, "notification_reason", "Data.notification_reason", d.notification_reason));
  PROMKIT_RETURN_IF_ERROR(GetKV(j, "groupLabels", "Data.groupLabels", d.group_labels));
  PROMKIT_RETURN_IF_ERROR(GetKV(j, "commonLabels", "Data.commonLabels", d.common_labels));
  PROMKIT_RETURN_IF_ERROR(
      GetKV(j, "commonAnnotations", "Data.commonAnnotations", d.common_annotations));
  PROMKIT_RETURN_IF_ERROR(GetKV(j, "routeLabels", "Data.routeLabels", d.route_labels));
  PROMKIT_RETURN_IF_ERROR(GetString(j, "externalURL", "Data.externalURL", d.external_url));
  if (const json* alerts = FindField(j, "alerts"); alerts != nullptr && !alerts->is_null()) {
    if (!alerts->is_array()) return TypeErr(*alerts, "Data.alerts", "template.Alerts");
    for (const json& a : *alerts) {
      if (!a.is_object()) return TypeErr(a, "Data.alerts", "template.Alert");
      TemplateAlert t;
      PROMKIT_RETURN_IF_ERROR(GetString(a, "status", "Alert.alerts.status", t.status));
      PROMKIT_RETURN_IF_ERROR(GetKV(a, "labels", "Alert.alerts.labels", t.labels));
      PROMKIT_RETURN_IF_ERROR(GetKV(a, "annotations", "Alert.alerts.annotations", t.annotations));
      PROMKIT_RETURN_IF_ERROR(
          GetTime(a, "startsAt", "Alert.alerts.startsAt", t.starts_at_ns, t.starts_at_zero));
      PROMKIT_RETURN_IF_ERROR(
          GetTime(a, "endsAt", "Alert.alerts.endsAt", t.ends_at_ns, t.ends_at_zero));
      PROMKIT_RETURN_IF_ERROR(
          GetString(a, "generatorURL", "Alert.alerts.generatorURL", t.generator_url));
      PROMKIT_RETURN_IF_ERROR(
          GetString(a, "fingerprint", "Alert.alerts.fingerprint", t.fingerprint));
      d.alerts.push_back(std::move(t));
    }
  }
  return d;
}

TemplateData ExampleTemplateData(int64_t now_ns) {
  constexpr int64_t kMinute = 60'000'000'000;
  TemplateData d;
  d.receiver = "receiver";
  d.status = "alertstatus";
  TemplateAlert firing;
  firing.status = "firing";
  firing.labels = {{"label1", "value1"},
                   {"label2", "value2"},
                   {"instance", "foo.bar:1234"},
                   {"commonlabelkey1", "commonlabelvalue1"},
                   {"commonlabelkey2", "commonlabelvalue2"}};
  firing.annotations = {{"annotation1", "value1"},
                        {"annotation2", "value2"},
                        {"commonannotationkey1", "commonannotationvalue1"},
                        {"commonannotationkey2", "commonannotationvalue2"}};
  firing.starts_at_ns = now_ns - 5 * kMinute;
  firing.ends_at_ns = now_ns;
  firing.starts_at_zero = firing.ends_at_zero = false;
  firing.generator_url = "https://generatorurl.com";
  firing.fingerprint = "fingerprint1";
  TemplateAlert resolved;
  resolved.status = "resolved";
  resolved.labels = {{"foo", "bar"},
                     {"baz", "qux"},
                     {"commonlabelkey1", "commonlabelvalue1"},
                     {"commonlabelkey2", "commonlabelvalue2"}};
  resolved.annotations = {{"aaa", "bbb"},
                          {"ccc", "ddd"},
                          {"commonannotationkey1", "commonannotationvalue1"},
                          {"commonannotationkey2", "commonannotationvalue2"}};
  resolved.starts_at_ns = now_ns - 10 * kMinute;
  resolved.ends_at_ns = now_ns;
  resolved.starts_at_zero = resolved.ends_at_zero = false;
  resolved.generator_url = "https://generatorurl.com";
  resolved.fingerprint = "fingerprint2";
  d.alerts = {firing, resolved};
  d.group_labels = {{"grouplabelkey1", "grouplabelvalue1"}, {"grouplabelkey2", "grouplabelvalue2"}};
  d.common_labels = {{"commonlabelkey1", "commonlabelvalue1"},
                     {"commonlabelkey2", "commonlabelvalue2"}};
  d.common_annotations = {{"commonannotationkey1", "commonannotationvalue1"},
                          {"commonannotationkey2", "commonannotationvalue2"}};
  d.external_url = "https://example.com";
  return d;
}

Result<TemplateSet> TemplateSet::FromGlobs(const std::vector<std::string>& globs) {
  // Errors name each file as Go's ParseGlob does: check them one by one first.
  PROMKIT_RETURN_IF_ERROR(CheckTemplateGlobs(globs));
  TemplateSet set;
  set.sources_.emplace_back("", DefaultTemplates());
  for (const std::string& pattern : globs) {
    glob_t g{};
    int rc = ::glob(pattern.c_str(), 0, nullptr, &g);
    std::vector<std::string> files;
    if (rc == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) files.emplace_back(g.gl_pathv[i]);
    }
    globfree(&g);
    for (const std::string& file : files) {
      PROMKIT_ASSIGN_OR_RETURN(std::string text, util::ReadFile(file));
      size_t slash = file.rfind('/');
      set.sources_.emplace_back(slash == std::string::npos ? file : file.substr(slash + 1),
                                std::move(text));
    }
  }
  return set;
}

Result<std::string> TemplateSet::ExecuteText(std::string_view text, const Value& data) const {
  if (text.empty()) return std::string();
  tmpl::Options opts;
  opts.missing_key = tmpl::MissingKey::kZero;
  tmpl::Template t("", TemplateFuncs(), opts);
  for (const auto& [name, src] : sources_) PROMKIT_RETURN_IF_ERROR(t.ParseAs(name, src));
  PROMKIT_RETURN_IF_ERROR(t.Parse(text));
  std::string out;
  PROMKIT_RETURN_IF_ERROR(t.Execute(data, &out));
  return out;
}

std::vector<TemplateProblem> RenderReceiverTemplates(const Config& cfg, const TemplateSet& set,
                                                     int64_t now_ns) {
  std::vector<TemplateProblem> out;
  TemplateData data = ExampleTemplateData(now_ns);
  for (const Receiver& r : cfg.receivers) {
    data.receiver = r.name;
    Value v = TemplateDataValue(data);
    std::map<std::string, int> index;
    for (const Integration& in : r.integrations) {
      std::string name = fmt::format("{}_configs[{}]", in.type, index[in.type]++);
      for (const auto& [field, value] : in.fields) {
        if (value.find("{{") == std::string::npos) continue;
        auto rendered = set.ExecuteText(value, v);
        if (!rendered.ok()) {
          std::string shown = field;
          if (shown.starts_with("header:")) shown = "headers." + shown.substr(7);
          if (shown.starts_with("custom:")) shown = "custom_fields." + shown.substr(7);
          out.push_back({r.name, name, shown, std::string(rendered.status().message())});
        }
      }
    }
  }
  return out;
}

}  // namespace promkit::alertmanager

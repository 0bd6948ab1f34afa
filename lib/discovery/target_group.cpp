#include "discovery/target_group.h"

#include <cctype>
#include <utility>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "model/validation.h"
#include "util/strings.h"

namespace promkit::discovery {

namespace {

using Json = nlohmann::json;

// encoding/json's names for a value's JSON type in "cannot unmarshal" errors.
std::string_view JsonKind(const Json& v) {
  switch (v.type()) {
    case Json::value_t::object:
      return "object";
    case Json::value_t::array:
      return "array";
    case Json::value_t::string:
      return "string";
    case Json::value_t::boolean:
      return "bool";
    case Json::value_t::null:
      return "null";
    default:
      return "number";
  }
}

bool EqualFold(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

util::Status TypeError(const Json& v, std::string_view field, std::string_view type) {
  return util::Status::InvalidArgument(fmt::format(
      "json: cannot unmarshal {} into Go {} of type {}", JsonKind(v),
      field.empty() ? std::string("value") : fmt::format("struct field .{}", field), type));
}

util::Status DecodeGroup(const Json& obj, TargetGroup& tg) {
  if (!obj.is_object()) return TypeError(obj, "", "targetgroup.Group");
  for (const auto& [key, value] : obj.items()) {
    if (EqualFold(key, "targets")) {
      if (value.is_null()) continue;
      if (!value.is_array()) return TypeError(value, "targets", "[]string");
      tg.targets.clear();
      for (const Json& t : value) {
        // A null element decodes as "" in Go.
        if (!t.is_string() && !t.is_null()) return TypeError(t, "targets", "string");
        tg.targets.push_back(LabelSet{{"__address__", t.is_string() ? t.get<std::string>() : ""}});
      }
    } else if (EqualFold(key, "labels")) {
      if (value.is_null()) continue;
      if (!value.is_object()) return TypeError(value, "labels", "model.LabelSet");
      for (const auto& [name, v] : value.items()) {
        if (!model::IsValidLabelName(name)) {
          return util::Status::InvalidArgument(
              fmt::format("{} is not a valid label name", util::GoQuote(name)));
        }
        if (!v.is_string() && !v.is_null()) return TypeError(v, "labels", "model.LabelValue");
        tg.labels[name] = v.is_string() ? v.get<std::string>() : "";
      }
    } else {
      return util::Status::InvalidArgument(
          fmt::format("json: unknown field {}", util::GoQuote(key)));
    }
  }
  return util::Status::Ok();
}

}  // namespace

TargetGroup FromConfig(const config::TargetGroup& group, std::string source) {
  TargetGroup tg;
  for (const std::string& t : group.targets) tg.targets.push_back(LabelSet{{"__address__", t}});
  for (const auto& [name, value] : group.labels) tg.labels[name] = value;
  tg.source = std::move(source);
  return tg;
}

util::Result<std::vector<TargetGroup>> ParseTargetGroupsJson(std::string_view text) {
  // Objects keep the last of duplicate keys, as Go's decoder does.
  Json root = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    return util::Status::InvalidArgument("invalid JSON: syntax error in target groups");
  }
  std::vector<TargetGroup> groups;
  if (root.is_null()) return groups;
  if (!root.is_array()) return TypeError(root, "", "[]*targetgroup.Group");
  for (const Json& item : root) {
    if (item.is_null()) return util::Status::InvalidArgument("nil target group item found");
    TargetGroup tg;
    PROMKIT_RETURN_IF_ERROR(DecodeGroup(item, tg));
    groups.push_back(std::move(tg));
  }
  return groups;
}

util::Result<std::vector<TargetGroup>> ParseTargetGroupsYaml(std::string_view text) {
  PROMKIT_ASSIGN_OR_RETURN(std::vector<config::TargetGroup> parsed,
                           config::ParseTargetGroupsYaml(text));
  std::vector<TargetGroup> groups;
  for (const config::TargetGroup& g : parsed) groups.push_back(FromConfig(g, ""));
  return groups;
}

}  // namespace promkit::discovery

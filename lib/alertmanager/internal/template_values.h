#pragma once
// The host objects behind Alertmanager's template data (internal to lib/alertmanager).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "alertmanager/template.h"
#include "template/value.h"

namespace promkit::alertmanager::internal {

// A Go struct with json tags: fields in declaration order, each with its Go and JSON name.
class AmStruct : public tmpl::HostObject {
 public:
  struct Slot {
    std::string go_name;
    std::string json_name;
    tmpl::Value value;
  };
  AmStruct(std::string type_name, std::vector<Slot> fields)
      : type_name_(std::move(type_name)), fields_(std::move(fields)) {}
  std::string TypeName() const override { return type_name_; }
  tmpl::Member Lookup(std::string_view name) const override;
  util::Result<tmpl::Value> Field(std::string_view name) const override;
  std::string Format() const override;
  const std::vector<Slot>& fields() const { return fields_; }

 private:
  std::string type_name_;
  std::vector<Slot> fields_;
};

tmpl::Value KVValue(const LabelSet& kv);
tmpl::Value AlertValue(const TemplateAlert& a);
// encoding/json's Marshal of a template value (toJson).
void AppendJson(std::string& out, const tmpl::Value& v);

}  // namespace promkit::alertmanager::internal

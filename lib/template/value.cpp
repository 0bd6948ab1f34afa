#include "template/value.h"

#include <span>

#include "template/gofmt.h"

namespace promkit::tmpl {

Result<Value> HostObject::Field(std::string_view name) const {
  return Status::Internal("BUG: no field " + std::string(name) + " in type " + TypeName());
}

Result<Value> HostObject::Call(std::string_view name, std::span<const Value> /*args*/) const {
  return Status::Internal("BUG: no method " + std::string(name) + " in type " + TypeName());
}

Value Value::List(std::vector<Value> items, std::string type_name,
                  std::shared_ptr<const HostObject> methods) {
  Value v;
  v.kind_ = Kind::kList;
  auto data = std::make_shared<ListData>();
  data->type_name = std::move(type_name);
  data->items = std::move(items);
  data->methods = std::move(methods);
  v.list_ = std::move(data);
  return v;
}

Value Value::TypedMap(std::map<std::string, Value, std::less<>> entries, std::string type_name,
                      Value zero, std::shared_ptr<const HostObject> methods) {
  Value v;
  v.kind_ = Kind::kMap;
  auto data = std::make_shared<MapData>();
  data->type_name = std::move(type_name);
  data->entries = std::move(entries);
  data->methods = std::move(methods);
  data->zero = std::make_shared<const Value>(std::move(zero));
  v.map_ = std::move(data);
  return v;
}

Value Value::Map(std::map<std::string, Value, std::less<>> entries) {
  return TypedMap(std::move(entries), "map[string]interface {}", Value());
}

Value Value::StringMap(std::map<std::string, Value, std::less<>> entries) {
  return TypedMap(std::move(entries), "map[string]string", Value(std::string()));
}

Value Value::Host(std::shared_ptr<const HostObject> obj) {
  Value v;
  if (obj == nullptr) return v;
  v.kind_ = Kind::kHost;
  v.host_ = std::move(obj);
  return v;
}

std::string Value::TypeName() const {
  switch (kind_) {
    case Kind::kNil:
      return "<nil>";
    case Kind::kBool:
      return "bool";
    case Kind::kInt:
      return "int";
    case Kind::kFloat:
      return "float64";
    case Kind::kString:
      return "string";
    case Kind::kList:
      return list_->type_name;
    case Kind::kMap:
      return map_->type_name;
    case Kind::kHost:
      return host_->TypeName();
  }
  return "<nil>";
}

bool Value::Truth() const {
  switch (kind_) {
    case Kind::kNil:
      return false;
    case Kind::kBool:
    case Kind::kInt:
      return i_ != 0;
    case Kind::kFloat:
      return f_ != 0;
    case Kind::kString:
      return !s_.empty();
    case Kind::kList:
      return !list_->items.empty();
    case Kind::kMap:
      return !map_->entries.empty();
    case Kind::kHost:
      return host_->Truth();
  }
  return false;
}

std::string Value::Format() const {
  // A named slice or map with a String method prints through it, as fmt does.
  if (const HostObject* m = methods();
      m != nullptr && m->Lookup("String").kind == Member::Kind::kMethod) {
    return m->Format();
  }
  const Value args[] = {*this};
  return GoSprint(args);
}

void Value::AppendFormat(std::string& out) const {
  if (kind_ == Kind::kString) {
    out += s_;
    return;
  }
  out += Format();
}

Member StructObject::Lookup(std::string_view name) const {
  for (const auto& [field, value] : fields_) {
    if (field == name) return Member{Member::Kind::kField, {}, false};
  }
  return Member{};
}

Result<Value> StructObject::Field(std::string_view name) const {
  for (const auto& [field, value] : fields_) {
    if (field == name) return value;
  }
  return HostObject::Field(name);
}

std::string StructObject::Format() const {
  std::string out = !type_name_.empty() && type_name_[0] == '*' ? "&{" : "{";
  bool first = true;
  for (const auto& [field, value] : fields_) {
    if (!first) out.push_back(' ');
    first = false;
    value.AppendFormat(out);
  }
  out.push_back('}');
  return out;
}

}  // namespace promkit::tmpl

#pragma once
// Value: the dynamic values Go templates compute with. Go's text/template works on reflect.Value;
// templates only ever see a handful of shapes, so promkit models exactly those:
//   nil      an invalid reflect.Value or nil interface ("<no value>" when an action prints it)
//   bool, int (Go int, 64 bits), float64, string
//   list     a Go slice; its Go type name (default "[]interface {}") shows in errors
//   map      a Go map with string keys, ranged in key order; a missing key reads as the map's
//            zero element (nil for map[string]interface {}, "" for map[string]string)
//   host     an opaque object of the embedding program (a query sample, a time.Time, a rule's
//            template data) exposing fields and methods through HostObject.
// Lists, maps and host objects are shared, immutable once built: copying a Value is cheap.
// Thread-safety: Values are immutable; share them freely across threads.

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.h"

namespace promkit::tmpl {

using util::Result;
using util::Status;

class Value;

// What a name means on a host object (Go's MethodByName, then FieldByName).
struct Member {
  enum class Kind { kNone, kField, kMethod };
  Kind kind = Kind::kNone;
  // For methods: the Go parameter types, e.g. {"string"} for time.Time.Format. The executor
  // checks the count and converts constants as Go does for these types (see FuncSpec).
  std::vector<std::string> params;
  bool variadic = false;
};

// An object of the embedding program seen by templates, like a Go struct or pointer with methods.
// Implementations must be immutable after construction (thread-safe to read).
class HostObject {
 public:
  virtual ~HostObject() = default;
  // The Go type as %T and error messages print it, e.g. "*template.sample".
  virtual std::string TypeName() const = 0;
  // How `name` resolves on this object.
  virtual Member Lookup(std::string_view name) const = 0;
  // REQUIRES: Lookup(name).kind == kField.
  virtual Result<Value> Field(std::string_view name) const;
  // REQUIRES: Lookup(name).kind == kMethod; args already match Lookup(name).params. An error
  // is reported as Go's "error calling <name>: <message>".
  virtual Result<Value> Call(std::string_view name, std::span<const Value> args) const;
  // The %v form, as Go's fmt prints the value (through its String method if it has one).
  virtual std::string Format() const = 0;
  // Go's truth of the value: pointers and structs are true.
  virtual bool Truth() const { return true; }
  // The float64 this stands for in Prometheus's humanize* functions (time.Duration gives
  // seconds), or false when it has none.
  virtual bool ToFloat(double* out) const {
    (void)out;
    return false;
  }
};

class Value {
 public:
  enum class Kind { kNil, kBool, kInt, kFloat, kString, kList, kMap, kHost };

  struct ListData {
    std::string type_name = "[]interface {}";
    std::vector<Value> items;
    // The methods of a named slice type (e.g. Alertmanager's template.Alerts with Firing and
    // Resolved): looked up before anything else, as Go resolves methods first. Null for plain
    // slices.
    std::shared_ptr<const HostObject> methods;
  };
  struct MapData {
    std::string type_name = "map[string]interface {}";
    std::map<std::string, Value, std::less<>> entries;
    // The zero value of the element type, read for missing keys by index and missingkey=zero.
    std::shared_ptr<const Value> zero;
    // The methods of a named map type (e.g. Alertmanager's template.KV with SortedPairs): a
    // method wins over a key of the same name, as in Go; its String method prints the map.
    std::shared_ptr<const HostObject> methods;
  };

  Value() = default;
  Value(std::nullptr_t) {}                                          // NOLINT
  Value(bool b) : kind_(Kind::kBool), i_(b ? 1 : 0) {}              // NOLINT
  Value(int v) : kind_(Kind::kInt), i_(v) {}                        // NOLINT
  Value(int64_t v) : kind_(Kind::kInt), i_(v) {}                    // NOLINT
  Value(double v) : kind_(Kind::kFloat), f_(v) {}                   // NOLINT
  Value(std::string s) : kind_(Kind::kString), s_(std::move(s)) {}  // NOLINT
  Value(std::string_view s) : kind_(Kind::kString), s_(s) {}        // NOLINT
  Value(const char* s) : kind_(Kind::kString), s_(s) {}             // NOLINT

  // A []interface {} (or `type_name`) of the given items.
  static Value List(std::vector<Value> items, std::string type_name = "[]interface {}",
                    std::shared_ptr<const HostObject> methods = nullptr);
  // A map[string]interface {}; missing keys read as nil.
  static Value Map(std::map<std::string, Value, std::less<>> entries);
  // A map[string]string: missing keys read as "".
  static Value StringMap(std::map<std::string, Value, std::less<>> entries);
  // A map of any Go type name and element zero value.
  static Value TypedMap(std::map<std::string, Value, std::less<>> entries, std::string type_name,
                        Value zero, std::shared_ptr<const HostObject> methods = nullptr);
  static Value Host(std::shared_ptr<const HostObject> obj);

  // The methods of a named slice or map type, or null.
  const HostObject* methods() const {
    if (kind_ == Kind::kList) return list_->methods.get();
    if (kind_ == Kind::kMap) return map_->methods.get();
    return nullptr;
  }
  std::shared_ptr<const HostObject> methods_ptr() const {
    if (kind_ == Kind::kList) return list_->methods;
    if (kind_ == Kind::kMap) return map_->methods;
    return nullptr;
  }

  Kind kind() const { return kind_; }
  bool is_nil() const { return kind_ == Kind::kNil; }
  bool AsBool() const { return i_ != 0; }
  int64_t AsInt() const { return i_; }
  double AsFloat() const { return f_; }
  const std::string& AsString() const { return s_; }
  // REQUIRES: kind() == kList.
  const std::vector<Value>& AsList() const { return list_->items; }
  const ListData& list() const { return *list_; }
  // REQUIRES: kind() == kMap.
  const MapData& map() const { return *map_; }
  // REQUIRES: kind() == kHost.
  const HostObject& host() const { return *host_; }
  const std::shared_ptr<const HostObject>& host_ptr() const { return host_; }

  // Go's type name of the value ("int", "float64", "[]interface {}", "*template.sample"...);
  // "<nil>" for nil.
  std::string TypeName() const;
  // Go's template truth (text/template IsTrue); always defined for these kinds.
  bool Truth() const;
  // fmt's %v rendering: maps as map[k:v ...] in key order, lists as [a b], nil as <nil>.
  std::string Format() const;
  void AppendFormat(std::string& out) const;

 private:
  Kind kind_ = Kind::kNil;
  int64_t i_ = 0;
  double f_ = 0;
  std::string s_;
  std::shared_ptr<const ListData> list_;
  std::shared_ptr<const MapData> map_;
  std::shared_ptr<const HostObject> host_;
};

// A host object that is a plain Go struct: named fields in declaration order, no methods.
// Format prints {v1 v2 ...} (or &{...} when `type_name` starts with '*'), as Go's %v does.
class StructObject : public HostObject {
 public:
  StructObject(std::string type_name, std::vector<std::pair<std::string, Value>> fields)
      : type_name_(std::move(type_name)), fields_(std::move(fields)) {}
  std::string TypeName() const override { return type_name_; }
  Member Lookup(std::string_view name) const override;
  Result<Value> Field(std::string_view name) const override;
  std::string Format() const override;

 private:
  std::string type_name_;
  std::vector<std::pair<std::string, Value>> fields_;
};

}  // namespace promkit::tmpl

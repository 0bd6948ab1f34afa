#pragma once
// Strict decoding of YAML trees with go-yaml v2's UnmarshalStrict behaviour, so errors read as
// upstream's: type problems ("line 3: cannot unmarshal !!str `x` into uint", "line 4: field foo
// not found in type config.plain", duplicate keys) are collected and decoding goes on; a failed
// validation (what an UnmarshalYAML method returns) stops everything with its own message.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"
#include "util/yaml_tree.h"

namespace promkit::util {

class YamlDecoder {
 public:
  struct Field {
    std::string_view name;
    std::function<void(const YamlNode&)> decode;
  };

  bool failed() const { return !fatal_.ok(); }
  // Records the first validation failure; later ones are ignored.
  void Fail(Status st) {
    if (fatal_.ok()) fatal_ = std::move(st);
  }
  void Fail(std::string msg) { Fail(Status::InvalidArgument(std::move(msg))); }
  // Number of type errors so far: an UnmarshalYAML that saw new ones returns before validating.
  size_t mark() const { return errors_.size(); }
  // "cannot unmarshal <tag>[ `value`] into <type>".
  void TypeError(const YamlNode& n, std::string_view type);
  // "key \"<k>\" already set in map".
  void DuplicateKey(const YamlNode& key);
  // The final result: the validation failure, else "yaml: unmarshal errors:\n  line ...".
  Status Finish() const;

  // Scalars. Null leaves the zero value; each returns true when `n` held a usable value.
  bool Str(const YamlNode& n, std::string& out);
  bool Bool(const YamlNode& n, bool& out);
  bool Int(const YamlNode& n, int64_t& out, std::string_view type = "int");
  bool Uint(const YamlNode& n, uint64_t& out, std::string_view type = "uint");
  bool Float(const YamlNode& n, double& out, std::string_view type = "float64");
  // model.Duration: a string, then util::ParseDuration (its error is a validation failure).
  bool Duration(const YamlNode& n, int64_t& out_ms);
  // units.Base2Bytes ("100MB", "1KiB"...).
  bool Bytes(const YamlNode& n, int64_t& out);
  // []string (or a named type such as model.LabelNames).
  bool StrList(const YamlNode& n, std::vector<std::string>& out,
               std::string_view type = "[]string");
  // map[string]string with "key already set in map" checks; nullopt-free: null gives {}.
  bool StrMap(const YamlNode& n, std::vector<std::pair<std::string, std::string>>& out,
              std::string_view type = "map[string]string");
  // A sequence: calls `item` for every element (null elements too). Non-sequences are type
  // errors into `type`.
  bool Seq(const YamlNode& n, std::string_view type,
           const std::function<void(const YamlNode&)>& item);
  // A struct: every key must name a field, once. `type` is Go's name (e.g. "config.plain").
  // Null is accepted and decodes nothing.
  bool Struct(const YamlNode& n, std::string_view type, const std::vector<Field>& fields);

 private:
  std::vector<std::string> errors_;
  Status fatal_;
};

// Joins field lists (for go-yaml's ",inline" structs).
std::vector<YamlDecoder::Field> ConcatFields(std::vector<YamlDecoder::Field> a,
                                             const std::vector<YamlDecoder::Field>& b);

}  // namespace promkit::util

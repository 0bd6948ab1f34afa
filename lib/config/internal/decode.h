#pragma once
// Strict decoding of Node trees with go-yaml v2's UnmarshalStrict behaviour, so errors read as
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

#include "config/internal/yaml_tree.h"
#include "util/status.h"

namespace promkit::config::internal {

class Decoder {
 public:
  struct Field {
    std::string_view name;
    std::function<void(const Node&)> decode;
  };

  bool failed() const { return !fatal_.ok(); }
  // Records the first validation failure; later ones are ignored.
  void Fail(util::Status st) {
    if (fatal_.ok()) fatal_ = std::move(st);
  }
  void Fail(std::string msg) { Fail(util::Status::InvalidArgument(std::move(msg))); }
  // Number of type errors so far: an UnmarshalYAML that saw new ones returns before validating.
  size_t mark() const { return errors_.size(); }
  // "cannot unmarshal <tag>[ `value`] into <type>".
  void TypeError(const Node& n, std::string_view type);
  // "key \"<k>\" already set in map".
  void DuplicateKey(const Node& key);
  // The final result: the validation failure, else "yaml: unmarshal errors:\n  line ...".
  util::Status Finish() const;

  // Scalars. Null leaves the zero value; each returns true when `n` held a usable value.
  bool Str(const Node& n, std::string& out);
  bool Bool(const Node& n, bool& out);
  bool Int(const Node& n, int64_t& out, std::string_view type = "int");
  bool Uint(const Node& n, uint64_t& out, std::string_view type = "uint");
  bool Float(const Node& n, double& out, std::string_view type = "float64");
  // model.Duration: a string, then util::ParseDuration (its error is a validation failure).
  bool Duration(const Node& n, int64_t& out_ms);
  // units.Base2Bytes ("100MB", "1KiB"...).
  bool Bytes(const Node& n, int64_t& out);
  // []string (or a named type such as model.LabelNames).
  bool StrList(const Node& n, std::vector<std::string>& out, std::string_view type = "[]string");
  // map[string]string with "key already set in map" checks; nullopt-free: null gives {}.
  bool StrMap(const Node& n, std::vector<std::pair<std::string, std::string>>& out,
              std::string_view type = "map[string]string");
  // A sequence: calls `item` for every element (null elements too). Non-sequences are type
  // errors into `type`.
  bool Seq(const Node& n, std::string_view type, const std::function<void(const Node&)>& item);
  // A struct: every key must name a field, once. `type` is Go's name (e.g. "config.plain").
  // Null is accepted and decodes nothing.
  bool Struct(const Node& n, std::string_view type, const std::vector<Field>& fields);

 private:
  std::vector<std::string> errors_;
  util::Status fatal_;
};

// Joins field lists (for go-yaml's ",inline" structs).
std::vector<Decoder::Field> Concat(std::vector<Decoder::Field> a,
                                   const std::vector<Decoder::Field>& b);

}  // namespace promkit::config::internal

#pragma once
// A YAML document as go-yaml sees it: every node with its resolved tag (YAML 1.1 rules, as
// go-yaml v2 resolves them: `yes` is a bool, `0x1f` an int), its 1-based line and column, and
// mappings that keep duplicate keys so decoders can report them. Shared by the decoders that
// reproduce go-yaml's strict errors (lib/config for v2, lib/rules/rulefmt for v3). Built by a
// yaml-cpp front end; yaml-cpp stays inside the .cpp.
// Thread-safety: ParseYaml is reentrant; nodes are plain values.

#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace promkit::util {

struct YamlNode {
  enum class Kind { kNull, kScalar, kSeq, kMap };
  Kind kind = Kind::kNull;
  // Short tag: "!!null", "!!bool", "!!int", "!!float", "!!str", "!!binary", "!!seq", "!!map", or
  // an explicit custom tag as written.
  std::string tag = "!!null";
  std::string value;  // scalars: the text; !!binary: the decoded bytes
  int line = 1;
  int col = 1;
  // Sequences: the items. Mappings: key, value, key, value...
  std::vector<YamlNode> items;

  bool IsNull() const { return kind == Kind::kNull; }
  bool IsMap() const { return kind == Kind::kMap; }
  bool IsSeq() const { return kind == Kind::kSeq; }
  bool IsScalar() const { return kind == Kind::kScalar; }
};

// Parses the first document of `text`. An empty document is a null node. Syntax errors read
// "yaml: line N: <what>"; an invalid !!binary value gives go-yaml's message.
Result<YamlNode> ParseYaml(std::string_view text);

// ParseYaml through the yaml-cpp front end alone, never the fast reader: the reference the
// reader's differential tests and fuzzer compare against.
Result<YamlNode> ParseYamlWithYamlCpp(std::string_view text);

}  // namespace promkit::util

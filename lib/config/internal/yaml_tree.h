#pragma once
// A YAML document as go-yaml v2 sees it: every node with its resolved tag (YAML 1.1 rules: `yes`
// is a bool, `0x1f` an int) and its 1-based line, and mappings that keep duplicate keys so the
// decoder can report them. Built by a yaml-cpp front end (yaml-cpp stays inside the .cpp).

#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace promkit::config::internal {

struct Node {
  enum class Kind { kNull, kScalar, kSeq, kMap };
  Kind kind = Kind::kNull;
  // Short tag: "!!null", "!!bool", "!!int", "!!float", "!!str", "!!binary", "!!seq", "!!map", or
  // an explicit custom tag as written.
  std::string tag = "!!null";
  std::string value;  // scalars: the text; !!binary: the decoded bytes
  int line = 1;
  int col = 1;
  // Sequences: the items. Mappings: key, value, key, value...
  std::vector<Node> items;

  bool IsNull() const { return kind == Kind::kNull; }
  bool IsMap() const { return kind == Kind::kMap; }
  bool IsSeq() const { return kind == Kind::kSeq; }
  bool IsScalar() const { return kind == Kind::kScalar; }
};

// Parses the first document of `text`. An empty document is a null node. Syntax errors read
// "yaml: line N: <what>"; an invalid !!binary value gives go-yaml's message.
util::Result<Node> ParseYaml(std::string_view text);

}  // namespace promkit::config::internal

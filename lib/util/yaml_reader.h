#pragma once
// A YAML reader for what configuration and rule files are made of, building util::YamlNode
// straight from the text: several times faster than the yaml-cpp front end, which spends its
// time in regex matching and a node graph of its own. It reproduces that front end exactly
// (node kinds, resolved tags, values, 1-based line and column as yaml-cpp 0.7 marks them,
// duplicate keys kept) and declines everything else: then ParseYaml uses yaml-cpp, so unusual
// syntax and every error message stay as they were.
//
// Handled: block mappings and sequences (including sequences at their key's indentation and
// compact nesting such as "- a: 1"), single-line flow collections of scalars and flow
// collections, single-line plain scalars, single- and double-quoted scalars (every escape but
// \N \_ \L \P, line folding), literal and folded block scalars with chomping and indentation
// indicators, comments, a leading "---", anchors and aliases (an alias is a copy of its node,
// marks included, as the yaml-cpp front end expands it), "!!type" and "!local" tags. Declined:
// directives, verbatim and URI tags, complex keys, multi-line plain scalars and flow
// collections, properties or aliases inside flow collections, further documents, tabs,
// carriage returns, byte order marks, Unicode line breaks, empty documents.
// Thread-safety: reentrant.

#include <optional>
#include <string_view>

#include "util/yaml_tree.h"

namespace promkit::util {

// The tree ParseYamlWithYamlCpp(text) would return, or nullopt when the reader declines.
// REQUIRES: `text` passed ParseYaml's character checks (the reader does not repeat them).
std::optional<YamlNode> ReadYamlFast(std::string_view text);

}  // namespace promkit::util

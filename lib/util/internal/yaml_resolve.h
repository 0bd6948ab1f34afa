#pragma once
// go-yaml's tag resolution, shared by util's two YAML front ends (yaml_tree.cpp over yaml-cpp,
// yaml_reader.cpp over the text) so both resolve every scalar alike.

#include <string>
#include <string_view>

#include "util/yaml_tree.h"

namespace promkit::util::internal {

// Sets the kind and tag of an untagged plain scalar from its text, as go-yaml v2 resolves it:
// null words become a null node, then !!bool, !!int, !!float, else !!str.
void ResolvePlainScalar(YamlNode& n);

// Decodes a !!binary value; false when it is not valid base64.
bool DecodeBase64(std::string_view in, std::string& out);

}  // namespace promkit::util::internal

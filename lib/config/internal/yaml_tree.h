#pragma once
// The YAML tree the config decoders work on. It lives in util/yaml_tree.h (shared with
// lib/rules/rulefmt); these names keep lib/config's code unchanged.

#include "util/yaml_tree.h"

namespace promkit::config::internal {

using Node = util::YamlNode;
using util::ParseYaml;

}  // namespace promkit::config::internal

#pragma once
// The go-yaml v2 strict decoder the config loaders use. It lives in util/yaml_decode.h (shared
// with lib/rules' unit-test files); these names keep lib/config's code unchanged.

#include <vector>

#include "config/internal/yaml_tree.h"
#include "util/yaml_decode.h"

namespace promkit::config::internal {

using Decoder = util::YamlDecoder;

inline std::vector<Decoder::Field> Concat(std::vector<Decoder::Field> a,
                                          const std::vector<Decoder::Field>& b) {
  return util::ConcatFields(std::move(a), b);
}

}  // namespace promkit::config::internal

#pragma once
// Decoding a common/config HTTPClientConfig or TLSConfig that is a YAML mapping of its own (as
// Alertmanager's `http_config` and `tls_config` values are), with the go-yaml v2 strict decoder:
// unknown fields name type "config.plain", and upstream's UnmarshalYAML validation runs when the
// value decoded without type errors (HTTPClientConfig.Validate, TLSConfig's checks).

#include "config/config.h"
#include "util/yaml_decode.h"
#include "util/yaml_tree.h"

namespace promkit::config {

// Starts from the defaults (follow_redirects and enable_http2 on).
void DecodeHTTPClientConfig(util::YamlDecoder& d, const util::YamlNode& n, HTTPClientConfig& c);
void DecodeTLSConfig(util::YamlDecoder& d, const util::YamlNode& n, TLSConfig& c);
// The fields of a common/config Headers map value (`http_headers`-style: name -> {values,
// secrets, files}), with the reserved-header check; `type` names the map in type errors.
void DecodeHeaders(util::YamlDecoder& d, const util::YamlNode& n);

}  // namespace promkit::config

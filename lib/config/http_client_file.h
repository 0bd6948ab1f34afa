#pragma once
// An HTTP client configuration alone in a YAML file (common/config LoadHTTPConfigFile), as
// promtool's --http.config.file reads it: strict decoding, upstream's validation, and file
// paths (CA, certificates, credentials) relative to the file's directory.
// Thread-safety: reentrant.

#include <string>

#include "config/config.h"
#include "util/status.h"

namespace promkit::config {

// Errors read as upstream's: the read error ("open x: no such file or directory") or
// go-yaml's ("yaml: unmarshal errors:\n  line 2: field foo not found in type config.plain"),
// or a validation failure.
util::Result<HTTPClientConfig> LoadHTTPClientConfigFile(const std::string& filename);

}  // namespace promkit::config

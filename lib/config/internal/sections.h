#pragma once
// Decoders for the sections shared by several config structs (internal to lib/config).

#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/internal/decode.h"

namespace promkit::config::internal {

// The fields of an inlined common/config HTTPClientConfig (with its inlined ProxyConfig).
std::vector<Decoder::Field> HttpClientFields(Decoder& d, HTTPClientConfig& c);
// A tls_config value (config.TLSConfig with its own validation).
void DecodeTLS(Decoder& d, const Node& n, TLSConfig& c);
// The `*_sd_configs` and `static_configs` fields of a struct that holds discovery configs.
std::vector<Decoder::Field> ServiceDiscoveryFields(Decoder& d, ServiceDiscoveryConfigs& sd);
// Relabel configs; a null entry fails with `null_message`.
void DecodeRelabelConfigs(Decoder& d, const Node& n, std::vector<relabel::Config>& out,
                          std::string_view null_message);

struct ParsedUrl {
  std::string scheme;
  std::string host;
};
// Just enough of Go's url.Parse to tell scheme and host apart.
ParsedUrl ParseUrl(std::string_view s);

}  // namespace promkit::config::internal

#pragma once
// Shared pieces of the alertmanager.yml decoder (internal to lib/alertmanager): the go-yaml v2
// strict decoder, upstream's scalar types (URL, SecretURL, HostPort, time.Duration) and the
// receiver decoder with its global inheritance.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "alertmanager/config.h"
#include "util/yaml_decode.h"
#include "util/yaml_tree.h"

namespace promkit::alertmanager::internal {

using Decoder = util::YamlDecoder;
using Node = util::YamlNode;
using util::ParseYaml;

// amcommoncfg.ParseURL: url.Parse, then http(s) scheme and a host required.
util::Status CheckUrl(std::string_view s);
// A *URL / *SecretURL value: null unsets; "<secret>" is accepted for a SecretURL.
void DecodeUrl(Decoder& d, const Node& n, std::optional<std::string>& out, bool secret);
// go-yaml v2's time.Duration: a Go duration string or an integer of nanoseconds.
void DecodeGoDuration(Decoder& d, const Node& n, int64_t& out_ns, std::string_view type);
// HostPort ("host:port", net.SplitHostPort's errors).
void DecodeHostPort(Decoder& d, const Node& n, std::string& out);
// A *commoncfg.HTTPClientConfig: null unsets.
void DecodeHttp(Decoder& d, const Node& n, std::optional<config::HTTPClientConfig>& out);
// Whether `s` contains "{{"; *err is set when it does but does not parse as a template.
bool ContainsTemplating(std::string_view s, util::Status* err);

// config.Receiver with every integration type.
void DecodeReceiver(Decoder& d, const Node& n, Receiver& r, MatcherMode mode);
// The receiver part of Config.UnmarshalYAML: fills integrations from the global settings and
// fails as upstream does ("no global SMTP smarthost set", ...).
util::Status ApplyGlobal(const GlobalConfig& g, Receiver& r);

}  // namespace promkit::alertmanager::internal

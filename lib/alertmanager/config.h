#pragma once
// alertmanager.yml (upstream config/config.go, config/notifiers.go, config/common, notify/*/
// config.go, timeinterval, tracing, eventrecorder): the loaded, defaulted and validated
// configuration. Load() decodes strictly as upstream's yaml.UnmarshalStrict does (unknown fields,
// wrong types and duplicate keys are errors with their line, in go-yaml v2's words, naming
// upstream's Go types) and applies upstream's validations with its messages, in its order.
// Every integration type is parsed and validated; integrations keep their scalar settings in a
// flat field list (defaults included), enough to render and inspect them.
// Thread-safety: a loaded Config is immutable; share it freely.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "alertmanager/matchers.h"
#include "alertmanager/time_interval.h"
#include "config/config.h"
#include "util/status.h"

namespace promkit::alertmanager {

using StringPairs = std::vector<std::pair<std::string, std::string>>;

struct GlobalConfig {
  int64_t resolve_timeout_ms = 5 * 60 * 1000;
  config::HTTPClientConfig http_config;
  // Every other global setting as written (string form), e.g. {"smtp_from", "a@b"}; defaults
  // for the *_url settings are filled in.
  StringPairs settings;
  // The value of `key` in settings, or "" when unset.
  std::string Get(std::string_view key) const;
  bool Has(std::string_view key) const;
};

// One integration (an entry of email_configs, slack_configs, ...).
struct Integration {
  std::string type;  // "email", "slack", "webhook", ... (the key without "_configs")
  bool send_resolved = false;
  // Scalar settings after upstream's defaults and global inheritance, e.g. {"to", "x@y"},
  // {"html", "{{ template \"email.default.html\" . }}"}. Nested lists (Slack fields, actions,
  // PagerDuty links...) are validated but not kept here.
  StringPairs fields;
  std::optional<config::HTTPClientConfig> http_config;
  std::string Get(std::string_view key) const;
  bool Has(std::string_view key) const;
  void Set(std::string_view key, std::string value);
};

struct Receiver {
  std::string name;
  StringPairs labels;                     // always holds name=<name>
  std::vector<Integration> integrations;  // in upstream's field order (discord, email, ...)
};

struct Route {
  std::string receiver;
  std::optional<std::vector<std::string>> group_by;  // as written (incl. "..."); nullopt = unset
  bool group_by_all = false;
  StringPairs match;                                          // legacy, in file order
  std::vector<std::pair<std::string, std::string>> match_re;  // legacy (original regexps)
  Matchers matchers;  // the `matchers` field, parsed and sorted
  std::vector<std::string> mute_time_intervals;
  std::vector<std::string> active_time_intervals;
  bool continue_ = false;
  std::optional<int64_t> group_wait_ms, group_interval_ms, repeat_interval_ms;
  StringPairs labels;
  std::vector<std::unique_ptr<Route>> routes;
};

struct InhibitRule {
  std::string name;
  StringPairs source_match, target_match;
  StringPairs source_match_re, target_match_re;
  Matchers source_matchers, target_matchers;
  std::vector<std::string> equal;
};

struct NamedTimeInterval {
  std::string name;
  std::vector<TimeInterval> time_intervals;
};

struct Config {
  GlobalConfig global;
  bool has_global = true;  // upstream always fills in the global section
  std::unique_ptr<Route> route;
  std::vector<InhibitRule> inhibit_rules;
  std::vector<Receiver> receivers;
  std::vector<std::string> templates;
  std::vector<NamedTimeInterval> mute_time_intervals;  // deprecated spelling
  std::vector<NamedTimeInterval> time_intervals;

  // All named intervals (mute_time_intervals then time_intervals).
  const NamedTimeInterval* FindTimeInterval(std::string_view name) const;
  const Receiver* FindReceiver(std::string_view name) const;
};

struct LoadOptions {
  MatcherMode matcher_mode = MatcherMode::kFallback;
};

// Parses and validates alertmanager.yml text (upstream's config.Load). Errors are upstream's
// text, e.g. "undefined receiver \"x\" used in route" or "yaml: unmarshal errors:\n  line 3: ...".
util::Result<Config> Load(std::string_view text, const LoadOptions& opts = {});
// Reads and loads `filename` (config.LoadFile): relative template paths are resolved against the
// file's directory. Read errors read as Go's os.ReadFile ("open x: no such file or directory").
util::Result<Config> LoadFile(const std::string& filename, const LoadOptions& opts = {});

}  // namespace promkit::alertmanager

#pragma once
// Target groups (upstream discovery/targetgroup): what every discoverer produces. A group is a
// list of targets (each a label set holding at least __address__), labels common to all of them
// and a source naming the group uniquely within its discoverer ("<file>:<index>", "<url>:<index>",
// the DNS name, or the static config index). A group with no targets for a source that had
// some before says that source's targets are gone.
// Plain values; thread-compatible.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "util/status.h"

namespace promkit::discovery {

// model.LabelSet: names to values. Empty values are kept as discovered (upstream sets some
// __meta_* labels to ""); building target labels skips them.
using LabelSet = std::map<std::string, std::string, std::less<>>;

struct TargetGroup {
  std::vector<LabelSet> targets;
  LabelSet labels;
  std::string source;
  friend bool operator==(const TargetGroup&, const TargetGroup&) = default;
};

// A static or file_sd group as config reads it: one target per address.
TargetGroup FromConfig(const config::TargetGroup& group, std::string source);

// Decodes a JSON list of {"targets": [...], "labels": {...}} as Go's encoding/json decodes it
// into []*targetgroup.Group (file_sd .json files, http_sd responses): field names match
// case-insensitively, unknown fields are errors, `null` is an empty list, label names must be
// valid. A null element fails with "nil target group item found". Sources are left empty.
util::Result<std::vector<TargetGroup>> ParseTargetGroupsJson(std::string_view text);

// The same for YAML (go-yaml's UnmarshalStrict), file_sd .yml/.yaml files.
util::Result<std::vector<TargetGroup>> ParseTargetGroupsYaml(std::string_view text);

}  // namespace promkit::discovery

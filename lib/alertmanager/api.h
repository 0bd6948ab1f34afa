#pragma once
// Alertmanager's API v2 objects as amtool sees them: decoding the server's JSON (alerts,
// silences, status), amtool's three output formats of them (simple and extended tables,
// text/tabwriter aligned, and json as Go's encoding/json writes the swagger models: their field
// order, sorted label maps, HTML-safe escaping), the request bodies amtool posts, and the
// filters amtool applies on its side (silence query's --expired/--within/--created-by).
// Objects keep the server's JSON so that `-o json` re-encodes what came, as amtool does.
// Thread-safety: pure functions and plain values.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alertmanager/matchers.h"
#include "util/status.h"

namespace promkit::alertmanager::api {

// A strfmt.DateTime as received: its text and the instant it names.
struct ApiTime {
  std::string text;            // "2026-11-22T05:34:54.181Z"
  int64_t unix_nanos = 0;      // the instant
  int32_t offset_seconds = 0;  // the zone offset written in the text
  bool utc = true;             // written with "Z"
};

struct Alert {
  LabelSet labels;
  LabelSet annotations;
  ApiTime starts_at;
  ApiTime ends_at;
  std::string generator_url;
  std::string state;  // "active", "suppressed", "unprocessed"
  std::string json;   // the object as amtool's -o json writes it
};

struct ApiMatcher {
  std::string name;
  std::string value;
  bool is_regex = false;
  bool is_equal = true;  // missing isEqual (old servers) reads as true, as amtool
};

struct Silence {
  std::string id;
  std::vector<ApiMatcher> matchers;
  ApiTime starts_at;
  ApiTime ends_at;
  ApiTime updated_at;
  std::string created_by;
  std::string comment;
  std::string state;
  std::string json;
};

struct Peer {
  std::string address;
  std::string name;
};

struct Status {
  std::string cluster_status;  // "ready", "settling", "disabled"
  std::string cluster_name;
  std::vector<Peer> peers;
  std::string config_original;
  std::string uptime;
  std::map<std::string, std::string> version_info;  // branch, buildDate, ... version
  std::string json;          // the whole status, as -o json writes it for `config show`
  std::string cluster_json;  // the cluster part, as -o json writes it for `cluster show`
};

// Decoders of response bodies. Errors name what is missing or malformed.
util::Result<std::vector<Alert>> DecodeAlerts(std::string_view body);
util::Result<std::vector<Silence>> DecodeSilences(std::string_view body);
util::Result<Silence> DecodeSilence(std::string_view body);
util::Result<Status> DecodeStatus(std::string_view body);

// Parses an RFC 3339 time as Go's time.Parse(time.RFC3339, s) does (its error texts).
util::Result<ApiTime> ParseApiTime(std::string_view s);

enum class OutputFormat { kSimple, kExtended, kJson };
util::Result<OutputFormat> ParseOutputFormat(std::string_view s);

// amtool's formatters; `date_format` is a Go layout (--date.format). The tables sort alerts by
// start time and silences by end time, as amtool's do; JSON keeps the server's order.
std::string FormatAlerts(std::vector<Alert> alerts, OutputFormat f, std::string_view date_format);
std::string FormatSilences(std::vector<Silence> silences, OutputFormat f,
                           std::string_view date_format);
// `config show`: simple prints the running configuration; extended adds uptime and version
// information (amtool 0.25 prints pointer addresses there; promkit prints the values).
std::string FormatConfig(const Status& s, OutputFormat f);
std::string FormatClusterStatus(const Status& s, OutputFormat f);

// The API's matcher for `m` (isEqual/isRegex).
ApiMatcher ToApiMatcher(const Matcher& m);
// The matcher an API matcher stands for; fails for a regex that does not compile.
util::Result<Matcher> FromApiMatcher(const ApiMatcher& m);

// Request bodies, as amtool's client encodes them. Times are RFC 3339 with milliseconds
// (strfmt's marshal format); a zero `starts_at`/`ends_at` in an alert is Go's zero time.
struct PostableAlert {
  LabelSet labels;
  LabelSet annotations;
  std::optional<int64_t> starts_at_nanos;
  std::optional<int64_t> ends_at_nanos;
  std::string generator_url;
};
std::string EncodePostableAlerts(const std::vector<PostableAlert>& alerts);

struct PostableSilence {
  std::string id;  // empty: a new silence
  std::vector<ApiMatcher> matchers;
  std::string starts_at;  // RFC 3339 text, as sent
  std::string ends_at;
  std::string created_by;
  std::string comment;
};
std::string EncodePostableSilence(const PostableSilence& s);
// The silences of an import file (a JSON array of silences as `silence query -o json` writes
// them); errors read "couldn't unmarshal input data, is it JSON?: <cause>".
util::Result<std::vector<PostableSilence>> DecodeSilenceImport(std::string_view text);
// The postable form of a silence read from the server (silence update).
PostableSilence ToPostable(const Silence& s);
// The silence ID in a POST /silences response ({"silenceID": "..."}).
util::Result<std::string> DecodeSilenceId(std::string_view body);

// strfmt.DateTime's marshal format: "2006-01-02T15:04:05.000Z07:00", in UTC.
std::string FormatApiTime(int64_t unix_nanos);

// silence query's client-side filter at `now_nanos`: active silences (ending after now) unless
// `expired`; with `within_nanos` > 0 only those ending within that span from now (or, expired,
// those that ended within it); with `created_by` only that author's.
std::vector<Silence> FilterSilences(std::vector<Silence> silences, int64_t now_nanos, bool expired,
                                    int64_t within_nanos, std::string_view created_by);

// The alerts all of `matchers` match (silence add --dry-run).
std::vector<Alert> AlertsMatching(const std::vector<Alert>& alerts, const Matchers& matchers);

// amtool's configuration file(s): YAML maps from flag names to values, the first file giving a
// name wins; files that do not exist are skipped. The legacy key comment_required stands for
// require-comment (unless that is set too). Errors are the read or YAML error.
util::Result<std::map<std::string, std::string>> LoadAmtoolConfig(
    const std::vector<std::string>& files);

}  // namespace promkit::alertmanager::api

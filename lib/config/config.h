#pragma once
// prometheus.yml (upstream config/config.go, common/config/http_config.go): the loaded,
// defaulted and validated configuration. Load() decodes strictly as upstream does (unknown
// fields, wrong types and duplicate keys are errors with their line, in go-yaml's words) and
// applies upstream's validations with its messages. Service discovery configs are parsed and
// validated for every upstream *_sd_configs key; static and file SD keep their contents.
// Thread-safety: a loaded Config is immutable; share it freely.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/validation.h"
#include "relabel/relabel.h"
#include "util/status.h"
#include "util/yaml_tree.h"

namespace promkit::config {

using StringPairs = std::vector<std::pair<std::string, std::string>>;

struct TLSConfig {
  std::string ca, cert, key, ca_file, cert_file, key_file, ca_ref, cert_ref, key_ref;
  std::string server_name;
  bool insecure_skip_verify = false;
  std::string min_version, max_version;  // "TLS12"...; "" = unset
};

struct BasicAuth {
  std::string username, username_file, username_ref, password, password_file, password_ref;
};

struct Authorization {
  std::string type;  // defaults to "Bearer"
  std::string credentials, credentials_file, credentials_ref;
};

struct ProxyConfig {
  std::string proxy_url;
  std::string no_proxy;
  bool proxy_from_environment = false;
  StringPairs proxy_connect_header;  // header -> first value
};

struct OAuth2 {
  std::string client_id, client_secret, client_secret_file, client_secret_ref;
  std::string token_url, grant_type, signature_algorithm, iss, audience;
  std::string client_certificate_key_id, client_certificate_key, client_certificate_key_file,
      client_certificate_key_ref;
  std::vector<std::string> scopes;
  StringPairs endpoint_params;
  TLSConfig tls_config;
  ProxyConfig proxy;
};

// common/config HTTPClientConfig (inlined into scrape, alertmanager, remote and SD configs).
struct HTTPClientConfig {
  std::optional<BasicAuth> basic_auth;
  std::optional<Authorization> authorization;
  std::optional<OAuth2> oauth2;
  std::string bearer_token, bearer_token_file;
  TLSConfig tls_config;
  bool follow_redirects = true;
  bool enable_http2 = true;
  ProxyConfig proxy;
  bool has_http_headers = false;
  // http_headers: each header's values, secrets and files (read and trimmed at request time),
  // sent in that order, in the order written.
  struct Header {
    std::string name;
    std::vector<std::string> values, secrets, files;
  };
  std::vector<Header> http_headers;
  // Upstream's HTTPClientConfig.Validate(), e.g. "at most one of bearer_token &
  // bearer_token_file must be configured".
  util::Status Validate();
};

struct TargetGroup {
  std::vector<std::string> targets;  // __address__ values
  StringPairs labels;
};

struct FileSDConfig {
  std::vector<std::string> files;
  int64_t refresh_interval_ms = 5 * 60 * 1000;
};

// http_sd_configs entry (upstream discovery/http SDConfig).
struct HTTPSDConfig {
  std::string url;
  int64_t refresh_interval_ms = 60 * 1000;
  HTTPClientConfig http;
};

// dns_sd_configs entry (upstream discovery/dns SDConfig). `type` is upper-cased.
struct DNSSDConfig {
  std::vector<std::string> names;
  std::string type = "SRV";
  int port = 0;
  int64_t refresh_interval_ms = 30 * 1000;
};

// Any other *_sd_configs entry: parsed and validated; discovery itself comes later.
struct OtherSDConfig {
  std::string key;        // e.g. "kubernetes_sd_configs"
  HTTPClientConfig http;  // for SD types that inline one (defaults otherwise)
};

struct ServiceDiscoveryConfigs {
  std::vector<TargetGroup> static_configs;
  std::vector<FileSDConfig> file_sd_configs;
  std::vector<HTTPSDConfig> http_sd_configs;
  std::vector<DNSSDConfig> dns_sd_configs;
  std::vector<OtherSDConfig> others;  // also lists http_sd_configs and dns_sd_configs entries
};

struct GlobalConfig {
  int64_t scrape_interval_ms = 60000;
  int64_t scrape_timeout_ms = 10000;
  int64_t evaluation_interval_ms = 60000;
  int64_t rule_query_offset_ms = 0;
  std::vector<std::string> scrape_protocols;  // empty = per-job defaults
  std::string query_log_file, scrape_failure_log_file;
  StringPairs external_labels;
  int64_t body_size_limit = 0;
  uint64_t sample_limit = 0, target_limit = 0, label_limit = 0, label_name_length_limit = 0,
           label_value_length_limit = 0, keep_dropped_targets = 0;
  model::ValidationScheme metric_name_validation_scheme = model::ValidationScheme::kUtf8;
  std::string metric_name_escaping_scheme = "allow-utf-8";
  bool scrape_native_histograms = false;
  bool convert_classic_histograms_to_nhcb = false;
  bool always_scrape_classic_histograms = false;
  bool extra_scrape_metrics = false;
};

struct ScrapeConfig {
  std::string job_name;
  bool honor_labels = false;
  bool honor_timestamps = true;
  bool track_timestamps_staleness = false;
  std::vector<std::pair<std::string, std::vector<std::string>>> params;
  int64_t scrape_interval_ms = 0;  // after loading: resolved against global
  int64_t scrape_timeout_ms = 0;
  std::vector<std::string> scrape_protocols;
  std::string fallback_scrape_protocol;
  std::optional<bool> scrape_native_histograms, always_scrape_classic_histograms,
      convert_classic_histograms_to_nhcb, extra_scrape_metrics;
  std::string scrape_failure_log_file;
  std::string metrics_path = "/metrics";
  std::string scheme = "http";
  bool enable_compression = true;
  int64_t body_size_limit = 0;
  uint64_t sample_limit = 0, target_limit = 0, label_limit = 0, label_name_length_limit = 0,
           label_value_length_limit = 0, native_histogram_bucket_limit = 0,
           keep_dropped_targets = 0;
  double native_histogram_min_bucket_factor = 0;
  std::optional<model::ValidationScheme> metric_name_validation_scheme;
  std::string metric_name_escaping_scheme;
  HTTPClientConfig http;
  ServiceDiscoveryConfigs sd;
  std::vector<relabel::Config> relabel_configs;
  std::vector<relabel::Config> metric_relabel_configs;
};

struct AlertmanagerConfig {
  HTTPClientConfig http;
  ServiceDiscoveryConfigs sd;
  std::string scheme = "http";
  std::string path_prefix;
  int64_t timeout_ms = 10000;
  std::string api_version = "v2";
  std::vector<relabel::Config> relabel_configs;
  std::vector<relabel::Config> alert_relabel_configs;
};

struct AlertingConfig {
  std::vector<relabel::Config> alert_relabel_configs;
  std::vector<AlertmanagerConfig> alertmanagers;
};

struct QueueConfig {
  int64_t capacity = 10000, max_shards = 50, min_shards = 1, max_samples_per_send = 2000;
  int64_t batch_send_deadline_ms = 5000, min_backoff_ms = 30, max_backoff_ms = 5000;
  bool retry_on_http_429 = false;
  int64_t sample_age_limit_ms = 0;
};

struct RemoteWriteConfig {
  std::string url;
  int64_t remote_timeout_ms = 30000;
  StringPairs headers;
  std::vector<relabel::Config> write_relabel_configs;
  std::string name;
  bool send_exemplars = false, send_native_histograms = false, round_robin_dns = false;
  std::string protobuf_message = "prometheus.WriteRequest";
  HTTPClientConfig http;
  QueueConfig queue_config;
  bool metadata_send = true;
  int64_t metadata_send_interval_ms = 60000;
  int64_t metadata_max_samples_per_send = 2000;
};

struct RemoteReadConfig {
  std::string url;
  int64_t remote_timeout_ms = 60000;
  uint64_t chunked_read_limit = 50 << 20;
  StringPairs headers;
  bool read_recent = false;
  std::string name;
  HTTPClientConfig http;
  StringPairs required_matchers;
  bool filter_external_labels = true;
};

struct Config {
  GlobalConfig global;
  int64_t runtime_gogc = 75;
  AlertingConfig alerting;
  std::vector<std::string> rule_files;
  std::vector<std::string> scrape_config_files;
  std::vector<ScrapeConfig> scrape_configs;
  std::vector<RemoteWriteConfig> remote_write;
  std::vector<RemoteReadConfig> remote_read;
  // storage.tsdb / exemplars, tracing and otlp are validated; the values kept are those later
  // modules use.
  int64_t tsdb_out_of_order_time_window_ms = 0;
  int64_t max_exemplars = 100000;
  std::string tracing_endpoint;
  std::string otlp_translation_strategy = "UnderscoreEscapingWithSuffixes";
};

// Parses and validates prometheus.yml text (upstream's config.Load).
util::Result<Config> Load(std::string_view text);

// Reads and loads `filename` (upstream's LoadFile): errors from Load() read
// "parsing YAML file <filename>: <error>"; `agent_mode` rejects alerting, rule_files and
// remote_read. Relative file references are resolved against the file's directory.
util::Result<Config> LoadFile(const std::string& filename, bool agent_mode);

// Upstream's GetScrapeConfigs: scrape_configs plus those of scrape_config_files (globs resolved,
// each file validated with the global config, job names unique across all).
util::Result<std::vector<ScrapeConfig>> GetScrapeConfigs(const Config& cfg);

// Decodes and validates a YAML list of relabel configs as a scrape config's relabel_configs
// (strict, upstream's messages; names validated with the UTF-8 scheme).
util::Result<std::vector<relabel::Config>> ParseRelabelConfigs(const util::YamlNode& node);

// Reads a file_sd file (YAML or JSON: a list of {targets, labels}) strictly, as promtool's
// checkSDFile does. Files must end in .json, .yml or .yaml.
util::Result<std::vector<TargetGroup>> ReadTargetGroupsFile(const std::string& path);

// The same decoding of file_sd YAML text (go-yaml's UnmarshalStrict into []*targetgroup.Group).
util::Result<std::vector<TargetGroup>> ParseTargetGroupsYaml(std::string_view text);

}  // namespace promkit::config

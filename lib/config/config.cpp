#include "config/config.h"

#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/core.h>
#include <glob.h>

#include "config/internal/decode.h"
#include "config/internal/sections.h"
#include "config/internal/yaml_tree.h"
#include "model/validation.h"
#include "util/file.h"
#include "util/strings.h"

namespace promkit::config {

using internal::Decoder;
using internal::Node;
using util::Result;
using util::Status;

namespace {

constexpr std::string_view kProtocols[] = {"OpenMetricsText0.0.1", "OpenMetricsText1.0.0",
                                           "PrometheusProto", "PrometheusText0.0.4",
                                           "PrometheusText1.0.0"};

std::string GoList(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? " " : "") + v[i];
  return out + "]";
}

Status ValidateProtocol(std::string_view p) {
  if (std::find(std::begin(kProtocols), std::end(kProtocols), p) != std::end(kProtocols)) {
    return Status::Ok();
  }
  return Status::InvalidArgument(fmt::format(
      "unknown scrape protocol {}, supported: [OpenMetricsText0.0.1 OpenMetricsText1.0.0 "
      "PrometheusProto PrometheusText0.0.4 PrometheusText1.0.0]",
      p));
}

Status ValidateProtocols(const std::vector<std::string>& ps) {
  if (ps.empty()) return Status::InvalidArgument("scrape_protocols cannot be empty");
  std::set<std::string> seen;
  for (const std::string& p : ps) {
    std::string lower = p;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!seen.insert(lower).second) {
      return Status::InvalidArgument(
          fmt::format("duplicated protocol in scrape_protocols, got {}", GoList(ps)));
    }
    Status st = ValidateProtocol(p);
    if (!st.ok()) return std::move(st).Wrap("scrape_protocols");
  }
  return Status::Ok();
}

void DecodeScheme(Decoder& d, const Node& n, std::optional<model::ValidationScheme>& out,
                  std::string_view what) {
  std::string s;
  d.Str(n, s);
  if (s.empty()) {
    out.reset();
  } else if (s == "utf8") {
    out = model::ValidationScheme::kUtf8;
  } else if (s == "legacy") {
    out = model::ValidationScheme::kLegacy;
  } else {
    d.Fail(fmt::format("unrecognized ValidationScheme: {}", util::GoQuote(s)));
  }
}

// GlobalConfig as decoded, before defaults: pointers and zero values matter.
struct RawGlobal {
  GlobalConfig g;
  bool interval_set = false, timeout_set = false, eval_set = false;
  std::optional<model::ValidationScheme> scheme;
  std::optional<bool> native_hist, extra_metrics;
  bool protocols_set = false;
  bool zero = true;
};

void DecodeGlobal(Decoder& d, const Node& n, GlobalConfig& out, bool& was_zero) {
  RawGlobal r;
  r.g = GlobalConfig();
  r.g.scrape_interval_ms = r.g.scrape_timeout_ms = r.g.evaluation_interval_ms = 0;
  r.g.metric_name_escaping_scheme.clear();
  GlobalConfig& g = r.g;
  auto u = [&](uint64_t& f) { return [&d, &f](const Node& v) { d.Uint(v, f); }; };
  size_t mark = d.mark();
  d.Struct(
      n, "config.plain",
      {
          {"scrape_interval", [&](const Node& v) { d.Duration(v, g.scrape_interval_ms); }},
          {"scrape_timeout", [&](const Node& v) { d.Duration(v, g.scrape_timeout_ms); }},
          {"scrape_protocols",
           [&](const Node& v) {
             r.protocols_set = d.StrList(v, g.scrape_protocols, "[]config.ScrapeProtocol");
           }},
          {"evaluation_interval", [&](const Node& v) { d.Duration(v, g.evaluation_interval_ms); }},
          {"rule_query_offset", [&](const Node& v) { d.Duration(v, g.rule_query_offset_ms); }},
          {"query_log_file", [&](const Node& v) { d.Str(v, g.query_log_file); }},
          {"scrape_failure_log_file", [&](const Node& v) { d.Str(v, g.scrape_failure_log_file); }},
          {"external_labels", [&](const Node& v) { d.StrMap(v, g.external_labels); }},
          {"body_size_limit", [&](const Node& v) { d.Bytes(v, g.body_size_limit); }},
          {"sample_limit", u(g.sample_limit)},
          {"target_limit", u(g.target_limit)},
          {"label_limit", u(g.label_limit)},
          {"label_name_length_limit", u(g.label_name_length_limit)},
          {"label_value_length_limit", u(g.label_value_length_limit)},
          {"keep_dropped_targets", u(g.keep_dropped_targets)},
          {"metric_name_validation_scheme",
           [&](const Node& v) { DecodeScheme(d, v, r.scheme, "global"); }},
          {"metric_name_escaping_scheme",
           [&](const Node& v) { d.Str(v, g.metric_name_escaping_scheme); }},
          {"scrape_native_histograms",
           [&](const Node& v) {
             bool b = false;
             if (d.Bool(v, b)) r.native_hist = b;
           }},
          {"convert_classic_histograms_to_nhcb",
           [&](const Node& v) { d.Bool(v, g.convert_classic_histograms_to_nhcb); }},
          {"always_scrape_classic_histograms",
           [&](const Node& v) { d.Bool(v, g.always_scrape_classic_histograms); }},
          {"extra_scrape_metrics",
           [&](const Node& v) {
             bool b = false;
             if (d.Bool(v, b)) r.extra_metrics = b;
           }},
      });
  if (d.mark() != mark || d.failed()) return;
  was_zero = g.external_labels.empty() && g.scrape_interval_ms == 0 && g.scrape_timeout_ms == 0 &&
             g.evaluation_interval_ms == 0 && g.rule_query_offset_ms == 0 &&
             g.query_log_file.empty() && g.scrape_failure_log_file.empty() && !r.protocols_set &&
             !r.native_hist && !g.convert_classic_histograms_to_nhcb &&
             !g.always_scrape_classic_histograms && g.body_size_limit == 0 && g.sample_limit == 0 &&
             g.target_limit == 0 && g.label_limit == 0 && g.label_name_length_limit == 0 &&
             g.label_value_length_limit == 0 && g.keep_dropped_targets == 0 && !r.scheme &&
             g.metric_name_escaping_scheme.empty() && !r.extra_metrics;
  g.metric_name_validation_scheme = r.scheme.value_or(model::ValidationScheme::kUtf8);
  for (const auto& [name, value] : g.external_labels) {
    if (!model::IsValidLabelName(name, g.metric_name_validation_scheme)) {
      d.Fail(fmt::format("{} is not a valid label name", util::GoQuote(name)));
      return;
    }
    if (!model::IsValidLabelValue(value)) {
      d.Fail(fmt::format("{} is not a valid label value", util::GoQuote(value)));
      return;
    }
  }
  if (g.scrape_interval_ms == 0) g.scrape_interval_ms = 60000;
  if (g.scrape_timeout_ms > g.scrape_interval_ms) {
    d.Fail("global scrape timeout greater than scrape interval");
    return;
  }
  if (g.scrape_timeout_ms == 0)
    g.scrape_timeout_ms = std::min<int64_t>(10000, g.scrape_interval_ms);
  if (g.evaluation_interval_ms == 0) g.evaluation_interval_ms = 60000;
  g.scrape_native_histograms = r.native_hist.value_or(false);
  g.extra_scrape_metrics = r.extra_metrics.value_or(false);
  if (r.protocols_set) {
    Status st = ValidateProtocols(g.scrape_protocols);
    if (!st.ok()) {
      d.Fail(fmt::format("{} for global config", st.message()));
      return;
    }
  }
  out = g;
}

void DecodeRelabel(Decoder& d, const Node& n, relabel::Config& c) {
  c = relabel::Config();
  d.Struct(n, "relabel.plain",
           {
               {"source_labels",
                [&](const Node& v) {
                  c.source_labels_set = d.StrList(v, c.source_labels, "model.LabelNames");
                }},
               {"separator", [&](const Node& v) { d.Str(v, c.separator); }},
               {"regex",
                [&](const Node& v) {
                  std::string s;
                  if (v.IsNull()) {
                    c.regex = *relabel::Regexp::Compile("");
                    return;
                  }
                  if (!d.Str(v, s)) return;
                  auto re = relabel::Regexp::Compile(s);
                  if (!re.ok()) {
                    d.Fail(re.status());
                    return;
                  }
                  c.regex = *re;
                }},
               {"modulus", [&](const Node& v) { d.Uint(v, c.modulus, "uint64"); }},
               {"target_label", [&](const Node& v) { d.Str(v, c.target_label); }},
               {"replacement", [&](const Node& v) { d.Str(v, c.replacement); }},
               {"action",
                [&](const Node& v) {
                  if (v.IsNull()) {
                    c.action_empty = true;
                    return;
                  }
                  std::string s;
                  if (!d.Str(v, s)) return;
                  auto a = relabel::ParseAction(s);
                  if (!a.ok()) {
                    d.Fail(a.status());
                    return;
                  }
                  c.action = *a;
                  c.action_empty = false;
                }},
           });
}

Status ValidateHeaders(const StringPairs& headers, bool remote_write) {
  static constexpr std::string_view kReserved[] = {"authorization",
                                                   "host",
                                                   "content-encoding",
                                                   "content-length",
                                                   "content-type",
                                                   "user-agent",
                                                   "connection",
                                                   "keep-alive",
                                                   "proxy-authenticate",
                                                   "proxy-authorization",
                                                   "www-authenticate",
                                                   "accept-encoding",
                                                   "x-prometheus-remote-write-version",
                                                   "x-prometheus-remote-read-version",
                                                   "x-amz-date",
                                                   "x-amz-security-token",
                                                   "x-amz-content-sha256"};
  for (const auto& [name, value] : headers) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (remote_write && lower == "authorization") {
      return Status::InvalidArgument(
          "authorization header must be changed via the basic_auth, authorization, oauth2, sigv4, "
          "azuread or google_iam parameter");
    }
    if (std::find(std::begin(kReserved), std::end(kReserved), lower) != std::end(kReserved)) {
      return Status::InvalidArgument(
          fmt::format("{} is a reserved header. It must not be changed", lower));
    }
  }
  return Status::Ok();
}

bool ValidRulePath(std::string_view p) {
  // ^[^*]*(\*[^/]*)?$
  size_t star = p.find('*');
  if (star == std::string_view::npos) return true;
  return p.find('/', star) == std::string_view::npos &&
         p.find('*', star + 1) == std::string_view::npos;
}

void DecodeScrapeConfig(Decoder& d, const Node& n, ScrapeConfig& c) {
  c = ScrapeConfig();
  auto u = [&](uint64_t& f) { return [&d, &f](const Node& v) { d.Uint(v, f); }; };
  auto opt = [&](std::optional<bool>& f) {
    return [&d, &f](const Node& v) {
      bool b = false;
      if (d.Bool(v, b))
        f = b;
      else
        f.reset();
    };
  };
  std::vector<Decoder::Field> fields = {
      {"job_name", [&](const Node& v) { d.Str(v, c.job_name); }},
      {"honor_labels", [&](const Node& v) { d.Bool(v, c.honor_labels); }},
      {"honor_timestamps", [&](const Node& v) { d.Bool(v, c.honor_timestamps); }},
      {"track_timestamps_staleness",
       [&](const Node& v) { d.Bool(v, c.track_timestamps_staleness); }},
      {"params",
       [&](const Node& v) {
         c.params.clear();
         if (v.IsNull()) return;
         if (!v.IsMap()) {
           d.TypeError(v, "url.Values");
           return;
         }
         for (size_t i = 0; i + 1 < v.items.size(); i += 2) {
           std::string k;
           d.Str(v.items[i], k);
           bool dup = std::any_of(c.params.begin(), c.params.end(),
                                  [&](const auto& p) { return p.first == k; });
           if (dup) {
             d.DuplicateKey(v.items[i]);
             continue;
           }
           std::vector<std::string> vals;
           d.StrList(v.items[i + 1], vals);
           c.params.emplace_back(k, std::move(vals));
         }
       }},
      {"scrape_interval", [&](const Node& v) { d.Duration(v, c.scrape_interval_ms); }},
      {"scrape_timeout", [&](const Node& v) { d.Duration(v, c.scrape_timeout_ms); }},
      {"scrape_protocols",
       [&](const Node& v) { d.StrList(v, c.scrape_protocols, "[]config.ScrapeProtocol"); }},
      {"fallback_scrape_protocol", [&](const Node& v) { d.Str(v, c.fallback_scrape_protocol); }},
      {"scrape_native_histograms", opt(c.scrape_native_histograms)},
      {"always_scrape_classic_histograms", opt(c.always_scrape_classic_histograms)},
      {"convert_classic_histograms_to_nhcb", opt(c.convert_classic_histograms_to_nhcb)},
      {"scrape_failure_log_file", [&](const Node& v) { d.Str(v, c.scrape_failure_log_file); }},
      {"metrics_path", [&](const Node& v) { d.Str(v, c.metrics_path); }},
      {"scheme", [&](const Node& v) { d.Str(v, c.scheme); }},
      {"enable_compression", [&](const Node& v) { d.Bool(v, c.enable_compression); }},
      {"body_size_limit", [&](const Node& v) { d.Bytes(v, c.body_size_limit); }},
      {"sample_limit", u(c.sample_limit)},
      {"target_limit", u(c.target_limit)},
      {"label_limit", u(c.label_limit)},
      {"label_name_length_limit", u(c.label_name_length_limit)},
      {"label_value_length_limit", u(c.label_value_length_limit)},
      {"native_histogram_bucket_limit", u(c.native_histogram_bucket_limit)},
      {"native_histogram_min_bucket_factor",
       [&](const Node& v) { d.Float(v, c.native_histogram_min_bucket_factor); }},
      {"keep_dropped_targets", u(c.keep_dropped_targets)},
      {"metric_name_validation_scheme",
       [&](const Node& v) { DecodeScheme(d, v, c.metric_name_validation_scheme, "scrape"); }},
      {"metric_name_escaping_scheme",
       [&](const Node& v) { d.Str(v, c.metric_name_escaping_scheme); }},
      {"extra_scrape_metrics", opt(c.extra_scrape_metrics)},
      {"relabel_configs",
       [&](const Node& v) {
         internal::DecodeRelabelConfigs(d, v, c.relabel_configs,
                                        "empty or null target relabeling rule in scrape config");
       }},
      {"metric_relabel_configs",
       [&](const Node& v) {
         internal::DecodeRelabelConfigs(d, v, c.metric_relabel_configs,
                                        "empty or null metric relabeling rule in scrape config");
       }},
  };
  fields = internal::Concat(std::move(fields), internal::HttpClientFields(d, c.http));
  fields = internal::Concat(std::move(fields), internal::ServiceDiscoveryFields(d, c.sd));
  size_t mark = d.mark();
  d.Struct(n, "config.ScrapeConfig", fields);
  if (d.mark() != mark || d.failed()) return;
  if (c.job_name.empty()) return d.Fail("job_name is empty");
  Status st = c.http.Validate();
  if (!st.ok()) return d.Fail(std::move(st));
  if (c.relabel_configs.empty()) {
    for (const TargetGroup& tg : c.sd.static_configs) {
      for (const std::string& t : tg.targets) {
        if (t.find('/') != std::string::npos) {
          return d.Fail(fmt::format("{} is not a valid hostname", util::GoQuote(t)));
        }
      }
    }
  }
}

Status ValidateScrapeConfig(ScrapeConfig& c, const GlobalConfig& g) {
  if (c.scrape_interval_ms == 0) c.scrape_interval_ms = g.scrape_interval_ms;
  if (c.scrape_timeout_ms > c.scrape_interval_ms) {
    return Status::InvalidArgument(fmt::format(
        "scrape timeout greater than scrape interval for scrape config with job name {}",
        util::GoQuote(c.job_name)));
  }
  if (c.scrape_timeout_ms == 0)
    c.scrape_timeout_ms = std::min(g.scrape_timeout_ms, c.scrape_interval_ms);
  if (c.body_size_limit == 0) c.body_size_limit = g.body_size_limit;
  if (c.sample_limit == 0) c.sample_limit = g.sample_limit;
  if (c.target_limit == 0) c.target_limit = g.target_limit;
  if (c.label_limit == 0) c.label_limit = g.label_limit;
  if (c.label_name_length_limit == 0) c.label_name_length_limit = g.label_name_length_limit;
  if (c.label_value_length_limit == 0) c.label_value_length_limit = g.label_value_length_limit;
  if (c.keep_dropped_targets == 0) c.keep_dropped_targets = g.keep_dropped_targets;
  if (c.scrape_failure_log_file.empty()) c.scrape_failure_log_file = g.scrape_failure_log_file;
  if (!c.scrape_native_histograms) c.scrape_native_histograms = g.scrape_native_histograms;
  if (!c.extra_scrape_metrics) c.extra_scrape_metrics = g.extra_scrape_metrics;
  if (c.scrape_protocols.empty()) {
    if (!g.scrape_protocols.empty()) {
      c.scrape_protocols = g.scrape_protocols;
    } else if (*c.scrape_native_histograms) {
      c.scrape_protocols = {"PrometheusProto", "OpenMetricsText1.0.0", "OpenMetricsText0.0.1",
                            "PrometheusText1.0.0", "PrometheusText0.0.4"};
    } else {
      c.scrape_protocols = {"OpenMetricsText1.0.0", "OpenMetricsText0.0.1", "PrometheusText1.0.0",
                            "PrometheusText0.0.4"};
    }
  }
  std::string job = util::GoQuote(c.job_name);
  Status st = ValidateProtocols(c.scrape_protocols);
  if (!st.ok()) {
    return Status::InvalidArgument(
        fmt::format("{} for scrape config with job name {}", st.message(), job));
  }
  if (!c.fallback_scrape_protocol.empty()) {
    st = ValidateProtocol(c.fallback_scrape_protocol);
    if (!st.ok()) {
      return Status::InvalidArgument(
          fmt::format("invalid fallback_scrape_protocol for scrape config with job name {}: {}",
                      job, st.message()));
    }
  }
  bool local_unset = !c.metric_name_validation_scheme;
  if (local_unset) c.metric_name_validation_scheme = g.metric_name_validation_scheme;
  static constexpr std::string_view kEscapings[] = {"allow-utf-8", "underscores", "dots", "values"};
  auto known = [](std::string_view e) {
    return std::find(std::begin(kEscapings), std::end(kEscapings), e) != std::end(kEscapings);
  };
  std::string global_escaping = g.metric_name_escaping_scheme;
  if (global_escaping.empty()) {
    global_escaping = g.metric_name_validation_scheme == model::ValidationScheme::kLegacy
                          ? "underscores"
                          : "allow-utf-8";
  } else if (!known(global_escaping)) {
    return Status::InvalidArgument(
        fmt::format("unknown global name escaping method specified, must be one of 'allow-utf-8', "
                    "'underscores', 'dots', or 'values', got {}",
                    util::GoQuote(global_escaping)));
  }
  bool legacy = *c.metric_name_validation_scheme == model::ValidationScheme::kLegacy;
  if (c.metric_name_escaping_scheme.empty()) {
    c.metric_name_escaping_scheme = local_unset ? global_escaping
                                    : legacy    ? "underscores"
                                                : "allow-utf-8";
  }
  if (c.metric_name_escaping_scheme == "allow-utf-8") {
    if (legacy) {
      return Status::InvalidArgument(
          "utf8 metric names requested but validation scheme is not set to UTF8");
    }
  } else if (!known(c.metric_name_escaping_scheme)) {
    return Status::InvalidArgument(fmt::format(
        "unknown scrape config name escaping method specified, must be one of 'allow-utf-8', "
        "'underscores', 'dots', or 'values', got {}",
        util::GoQuote(c.metric_name_escaping_scheme)));
  }
  if (!c.convert_classic_histograms_to_nhcb)
    c.convert_classic_histograms_to_nhcb = g.convert_classic_histograms_to_nhcb;
  if (!c.always_scrape_classic_histograms)
    c.always_scrape_classic_histograms = g.always_scrape_classic_histograms;
  for (relabel::Config& rc : c.relabel_configs)
    PROMKIT_RETURN_IF_ERROR(rc.Validate(*c.metric_name_validation_scheme));
  for (relabel::Config& rc : c.metric_relabel_configs)
    PROMKIT_RETURN_IF_ERROR(rc.Validate(*c.metric_name_validation_scheme));
  return Status::Ok();
}

void DecodeAlerting(Decoder& d, const Node& n, AlertingConfig& c) {
  d.Struct(n, "config.plain",
           {
               {"alert_relabel_configs",
                [&](const Node& v) {
                  internal::DecodeRelabelConfigs(d, v, c.alert_relabel_configs,
                                                 "empty or null alert relabeling rule");
                }},
               {"alertmanagers",
                [&](const Node& v) {
                  d.Seq(v, "config.AlertmanagerConfigs", [&](const Node& item) {
                    if (item.IsNull()) {
                      d.Fail("empty or null alertmanager config");
                      return;
                    }
                    AlertmanagerConfig am;
                    bool has_sigv4 = false;
                    std::vector<Decoder::Field> f = {
                        {"sigv4", [&](const Node& x) { has_sigv4 = !x.IsNull(); }},
                        {"scheme", [&](const Node& x) { d.Str(x, am.scheme); }},
                        {"path_prefix", [&](const Node& x) { d.Str(x, am.path_prefix); }},
                        {"timeout", [&](const Node& x) { d.Duration(x, am.timeout_ms); }},
                        {"api_version",
                         [&](const Node& x) {
                           d.Str(x, am.api_version);
                           if (am.api_version != "v2" && !d.failed()) {
                             d.Fail(fmt::format(
                                 "expected Alertmanager api version to be one of [v2] but got {}",
                                 am.api_version));
                           }
                         }},
                        {"relabel_configs",
                         [&](const Node& x) {
                           internal::DecodeRelabelConfigs(
                               d, x, am.relabel_configs,
                               "empty or null Alertmanager target relabeling rule");
                         }},
                        {"alert_relabel_configs",
                         [&](const Node& x) {
                           internal::DecodeRelabelConfigs(
                               d, x, am.alert_relabel_configs,
                               "empty or null Alertmanager alert relabeling rule");
                         }},
                    };
                    f = internal::Concat(std::move(f), internal::HttpClientFields(d, am.http));
                    f = internal::Concat(std::move(f), internal::ServiceDiscoveryFields(d, am.sd));
                    size_t mark = d.mark();
                    d.Struct(item, "config.plain", f);
                    if (d.mark() == mark && !d.failed()) {
                      Status st = am.http.Validate();
                      if (st.ok() && has_sigv4 &&
                          (am.http.basic_auth || am.http.authorization || am.http.oauth2)) {
                        st = Status::InvalidArgument(
                            "at most one of basic_auth, authorization, oauth2, & sigv4 must be "
                            "configured");
                      }
                      if (st.ok() && am.relabel_configs.empty()) {
                        for (const TargetGroup& tg : am.sd.static_configs) {
                          for (const std::string& t : tg.targets) {
                            if (t.find('/') != std::string::npos) {
                              st = Status::InvalidArgument(
                                  fmt::format("{} is not a valid hostname", util::GoQuote(t)));
                            }
                          }
                        }
                      }
                      d.Fail(std::move(st));
                    }
                    c.alertmanagers.push_back(std::move(am));
                  });
                }},
           });
}

void DecodeUrl(Decoder& d, const Node& n, std::string& out) {
  if (!d.Str(n, out)) return;
  for (char ch : out) {
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) {
      d.Fail(
          fmt::format("parse {}: net/url: invalid control character in URL", util::GoQuote(out)));
      return;
    }
  }
}

void DecodeRemoteWrite(Decoder& d, const Node& n, RemoteWriteConfig& c, bool& present) {
  present = !n.IsNull();
  c = RemoteWriteConfig();
  c.http.enable_http2 = false;
  bool sigv4 = false, azuread = false, google_iam = false;
  std::vector<Decoder::Field> f = {
      {"url", [&](const Node& v) { DecodeUrl(d, v, c.url); }},
      {"remote_timeout", [&](const Node& v) { d.Duration(v, c.remote_timeout_ms); }},
      {"headers", [&](const Node& v) { d.StrMap(v, c.headers); }},
      {"write_relabel_configs",
       [&](const Node& v) {
         internal::DecodeRelabelConfigs(d, v, c.write_relabel_configs,
                                        "empty or null relabeling rule in remote write config");
       }},
      {"name", [&](const Node& v) { d.Str(v, c.name); }},
      {"send_exemplars", [&](const Node& v) { d.Bool(v, c.send_exemplars); }},
      {"send_native_histograms", [&](const Node& v) { d.Bool(v, c.send_native_histograms); }},
      {"round_robin_dns", [&](const Node& v) { d.Bool(v, c.round_robin_dns); }},
      {"protobuf_message",
       [&](const Node& v) {
         d.Str(v, c.protobuf_message);
         if (c.protobuf_message != "prometheus.WriteRequest" &&
             c.protobuf_message != "io.prometheus.write.v2.Request" && !d.failed()) {
           d.Fail(fmt::format(
               "invalid protobuf_message value: unknown type for remote write protobuf message {}, "
               "supported: prometheus.WriteRequest, io.prometheus.write.v2.Request",
               c.protobuf_message));
         }
       }},
      {"failed_request_logging",
       [&](const Node& v) {
         bool b;
         d.Bool(v, b);
       }},
      {"queue_config",
       [&](const Node& v) {
         QueueConfig& q = c.queue_config;
         d.Struct(
             v, "config.plain",
             {
                 {"capacity", [&](const Node& x) { d.Int(x, q.capacity); }},
                 {"max_shards", [&](const Node& x) { d.Int(x, q.max_shards); }},
                 {"min_shards", [&](const Node& x) { d.Int(x, q.min_shards); }},
                 {"max_samples_per_send", [&](const Node& x) { d.Int(x, q.max_samples_per_send); }},
                 {"batch_send_deadline",
                  [&](const Node& x) { d.Duration(x, q.batch_send_deadline_ms); }},
                 {"min_backoff", [&](const Node& x) { d.Duration(x, q.min_backoff_ms); }},
                 {"max_backoff", [&](const Node& x) { d.Duration(x, q.max_backoff_ms); }},
                 {"retry_on_http_429", [&](const Node& x) { d.Bool(x, q.retry_on_http_429); }},
                 {"sample_age_limit", [&](const Node& x) { d.Duration(x, q.sample_age_limit_ms); }},
             });
       }},
      {"metadata_config",
       [&](const Node& v) {
         d.Struct(v, "config.MetadataConfig",
                  {
                      {"send", [&](const Node& x) { d.Bool(x, c.metadata_send); }},
                      {"send_interval",
                       [&](const Node& x) { d.Duration(x, c.metadata_send_interval_ms); }},
                      {"max_samples_per_send",
                       [&](const Node& x) { d.Int(x, c.metadata_max_samples_per_send); }},
                  });
       }},
      {"sigv4", [&](const Node& v) { sigv4 = !v.IsNull(); }},
      {"azuread", [&](const Node& v) { azuread = !v.IsNull(); }},
      {"google_iam", [&](const Node& v) { google_iam = !v.IsNull(); }},
  };
  f = internal::Concat(std::move(f), internal::HttpClientFields(d, c.http));
  size_t mark = d.mark();
  d.Struct(n, "config.plain", f);
  if (d.mark() != mark || d.failed() || !present) return;
  if (c.url.empty()) return d.Fail("url for remote_write is empty");
  Status st = c.http.Validate();
  if (!st.ok()) return d.Fail(std::move(st));
  std::vector<std::string> auth;
  if (c.http.basic_auth) auth.push_back("basic_auth");
  if (c.http.authorization) auth.push_back("authorization");
  if (c.http.oauth2) auth.push_back("oauth2");
  if (sigv4) auth.push_back("sigv4");
  if (azuread) auth.push_back("azuread");
  if (google_iam) auth.push_back("google_iam");
  if (auth.size() > 1) {
    return d.Fail(fmt::format(
        "at most one of basic_auth, authorization, oauth2, sigv4, azuread or google_iam must be "
        "configured. Currently configured: {}",
        GoList(auth)));
  }
  st = ValidateHeaders(c.headers, true);
  if (!st.ok()) return d.Fail(std::move(st));
  const QueueConfig& q = c.queue_config;
  if (q.max_shards <= 0) return d.Fail("remote write queue max_shards must be positive");
  if (q.min_shards <= 0) return d.Fail("remote write queue min_shards must be positive");
  if (q.min_shards > q.max_shards)
    return d.Fail("remote write queue min_shards must not be greater than max_shards");
  if (q.max_samples_per_send <= 0)
    return d.Fail("remote write queue max_samples_per_send must be positive");
  if (q.capacity <= 0) return d.Fail("remote write queue capacity must be positive");
  if (q.max_backoff_ms < q.min_backoff_ms)
    return d.Fail("remote write queue max_backoff must not be less than min_backoff");
}

void DecodeRemoteRead(Decoder& d, const Node& n, RemoteReadConfig& c, bool& present) {
  present = !n.IsNull();
  c = RemoteReadConfig();
  std::vector<Decoder::Field> f = {
      {"url", [&](const Node& v) { DecodeUrl(d, v, c.url); }},
      {"remote_timeout", [&](const Node& v) { d.Duration(v, c.remote_timeout_ms); }},
      {"chunked_read_limit", [&](const Node& v) { d.Uint(v, c.chunked_read_limit, "uint64"); }},
      {"headers", [&](const Node& v) { d.StrMap(v, c.headers); }},
      {"read_recent", [&](const Node& v) { d.Bool(v, c.read_recent); }},
      {"name", [&](const Node& v) { d.Str(v, c.name); }},
      {"required_matchers",
       [&](const Node& v) { d.StrMap(v, c.required_matchers, "model.LabelSet"); }},
      {"filter_external_labels", [&](const Node& v) { d.Bool(v, c.filter_external_labels); }},
  };
  f = internal::Concat(std::move(f), internal::HttpClientFields(d, c.http));
  size_t mark = d.mark();
  d.Struct(n, "config.plain", f);
  if (d.mark() != mark || d.failed() || !present) return;
  if (c.url.empty()) return d.Fail("url for remote_read is empty");
  Status st = c.http.Validate();
  if (!st.ok()) return d.Fail(std::move(st));
  // Remote read allows an authorization header to be set.
  StringPairs others;
  for (const auto& h : c.headers) {
    std::string lower = h.first;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (lower != "authorization") others.push_back(h);
  }
  d.Fail(ValidateHeaders(others, false));
}

void DecodeStorage(Decoder& d, const Node& n, Config& cfg) {
  d.Struct(
      n, "config.StorageConfig",
      {
          {"tsdb",
           [&](const Node& v) {
             size_t mark = d.mark();
             int64_t ret_size = 0;
             double pct = 0;
             std::string floats;
             double stale = 0;
             d.Struct(
                 v, "config.plain",
                 {
                     {"out_of_order_time_window",
                      [&](const Node& x) { d.Duration(x, cfg.tsdb_out_of_order_time_window_ms); }},
                     {"stale_series_compaction_threshold",
                      [&](const Node& x) { d.Float(x, stale); }},
                     {"chunk_encoding",
                      [&](const Node& x) {
                        d.Struct(x, "config.ChunkEncodingConfig",
                                 {{"floats", [&](const Node& y) { d.Str(y, floats); }}});
                      }},
                     {"retention",
                      [&](const Node& x) {
                        int64_t t = 0;
                        d.Struct(x, "config.plain",
                                 {
                                     {"time", [&](const Node& y) { d.Duration(y, t); }},
                                     {"size", [&](const Node& y) { d.Bytes(y, ret_size); }},
                                     {"percentage", [&](const Node& y) { d.Float(y, pct); }},
                                 });
                        if (d.mark() != mark || d.failed()) return;
                        if (ret_size < 0) {
                          d.Fail(
                              fmt::format("'storage.tsdb.retention.size' must be greater than or "
                                          "equal to 0, got {}",
                                          ret_size));
                        } else if (pct < 0 || pct > 100) {
                          d.Fail(
                              fmt::format("'storage.tsdb.retention.percentage' must be in the "
                                          "range [0, 100], got {}",
                                          pct));
                        }
                      }},
                 });
             if (d.mark() != mark || d.failed()) return;
             if (!floats.empty() && floats != "xor" && floats != "xor2") {
               d.Fail(
                   fmt::format("'storage.tsdb.chunk_encoding.floats' must be 'xor' or 'xor2', or "
                               "the field must be omitted entirely, got {}",
                               util::GoQuote(floats)));
             }
           }},
          {"exemplars",
           [&](const Node& v) {
             d.Struct(
                 v, "config.plain",
                 {{"max_exemplars", [&](const Node& x) { d.Int(x, cfg.max_exemplars, "int64"); }}});
           }},
      });
}

void DecodeTracing(Decoder& d, const Node& n, Config& cfg) {
  if (n.IsNull()) return;
  std::string client_type, compression;
  StringPairs headers;
  double fraction = 0;
  bool insecure = false;
  int64_t timeout = 0;
  TLSConfig tls;
  size_t mark = d.mark();
  d.Struct(n, "config.plain",
           {
               {"client_type", [&](const Node& v) { d.Str(v, client_type); }},
               {"endpoint", [&](const Node& v) { d.Str(v, cfg.tracing_endpoint); }},
               {"sampling_fraction", [&](const Node& v) { d.Float(v, fraction); }},
               {"insecure", [&](const Node& v) { d.Bool(v, insecure); }},
               {"tls_config", [&](const Node& v) { internal::DecodeTLS(d, v, tls); }},
               {"headers", [&](const Node& v) { d.StrMap(v, headers); }},
               {"compression", [&](const Node& v) { d.Str(v, compression); }},
               {"timeout", [&](const Node& v) { d.Duration(v, timeout); }},
           });
  if (d.mark() != mark || d.failed()) return;
  if (client_type.empty()) client_type = "grpc";
  if (client_type != "grpc" && client_type != "http") {
    return d.Fail(fmt::format("expected tracing client type to be to be grpc or http, but got {}",
                              client_type));
  }
  if (cfg.tracing_endpoint.empty()) return d.Fail("tracing endpoint must be set");
  if (!compression.empty() && compression != "gzip") {
    return d.Fail(
        fmt::format("invalid compression type {} provided, valid options: gzip", compression));
  }
  for (const auto& h : headers) {
    std::string lower = h.first;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (lower == "authorization")
      return d.Fail("authorization header configuration is not yet supported");
  }
  d.Fail(ValidateHeaders(headers, false));
}

Status CheckAttributes(const std::vector<std::string>& attrs, std::string_view adjective) {
  std::vector<std::string> errs;
  std::set<std::string> seen;
  for (const std::string& a : attrs) {
    std::string t(util::TrimSpace(a));
    if (t.empty()) {
      errs.push_back(fmt::format("empty {} OTel resource attribute", adjective));
      continue;
    }
    if (!seen.insert(t).second) {
      errs.push_back(
          fmt::format("duplicated {} OTel resource attribute {}", adjective, util::GoQuote(t)));
    }
  }
  if (errs.empty()) return Status::Ok();
  std::string msg;
  for (size_t i = 0; i < errs.size(); ++i) msg += (i ? "\n" : "") + errs[i];
  return Status::InvalidArgument(msg);
}

void DecodeOtlp(Decoder& d, const Node& n, Config& cfg) {
  bool promote_all = false;
  std::vector<std::string> promote, ignore;
  bool b = false;
  size_t mark = d.mark();
  d.Struct(
      n, "config.plain",
      {
          {"promote_all_resource_attributes", [&](const Node& v) { d.Bool(v, promote_all); }},
          {"promote_resource_attributes", [&](const Node& v) { d.StrList(v, promote); }},
          {"ignore_resource_attributes", [&](const Node& v) { d.StrList(v, ignore); }},
          {"translation_strategy", [&](const Node& v) { d.Str(v, cfg.otlp_translation_strategy); }},
          {"keep_identifying_resource_attributes", [&](const Node& v) { d.Bool(v, b); }},
          {"convert_histograms_to_nhcb", [&](const Node& v) { d.Bool(v, b); }},
          {"promote_scope_metadata", [&](const Node& v) { d.Bool(v, b); }},
          {"label_name_underscore_sanitization", [&](const Node& v) { d.Bool(v, b); }},
          {"label_name_preserve_multiple_underscores", [&](const Node& v) { d.Bool(v, b); }},
      });
  if (d.mark() != mark || d.failed() || n.IsNull()) return;
  if (promote_all) {
    if (!promote.empty()) {
      return d.Fail(
          "'promote_all_resource_attributes' and 'promote_resource_attributes' cannot be "
          "configured simultaneously");
    }
    Status st = CheckAttributes(ignore, "ignored");
    if (!st.ok())
      return d.Fail(fmt::format("invalid 'ignore_resource_attributes': {}", st.message()));
  } else {
    if (!ignore.empty()) {
      return d.Fail(
          "'ignore_resource_attributes' cannot be configured unless "
          "'promote_all_resource_attributes' is true");
    }
    Status st = CheckAttributes(promote, "promoted");
    if (!st.ok())
      return d.Fail(fmt::format("invalid 'promote_resource_attributes': {}", st.message()));
  }
}

void DecodeConfig(Decoder& d, const Node& n, Config& cfg) {
  bool global_zero = true;
  std::vector<bool> rw_present, rr_present;
  std::vector<bool> sc_present;
  int64_t gogc = 0;
  size_t mark = d.mark();
  d.Struct(
      n, "config.plain",
      {
          {"global", [&](const Node& v) { DecodeGlobal(d, v, cfg.global, global_zero); }},
          {"runtime",
           [&](const Node& v) {
             d.Struct(v, "config.RuntimeConfig",
                      {{"gogc", [&](const Node& x) { d.Int(x, gogc); }}});
           }},
          {"alerting", [&](const Node& v) { DecodeAlerting(d, v, cfg.alerting); }},
          {"rule_files", [&](const Node& v) { d.StrList(v, cfg.rule_files); }},
          {"scrape_config_files", [&](const Node& v) { d.StrList(v, cfg.scrape_config_files); }},
          {"scrape_configs",
           [&](const Node& v) {
             d.Seq(v, "[]*config.ScrapeConfig", [&](const Node& item) {
               sc_present.push_back(!item.IsNull());
               cfg.scrape_configs.emplace_back();
               if (!item.IsNull()) DecodeScrapeConfig(d, item, cfg.scrape_configs.back());
             });
           }},
          {"storage", [&](const Node& v) { DecodeStorage(d, v, cfg); }},
          {"tracing", [&](const Node& v) { DecodeTracing(d, v, cfg); }},
          {"remote_write",
           [&](const Node& v) {
             d.Seq(v, "[]*config.RemoteWriteConfig", [&](const Node& item) {
               cfg.remote_write.emplace_back();
               bool present = false;
               DecodeRemoteWrite(d, item, cfg.remote_write.back(), present);
               rw_present.push_back(present);
             });
           }},
          {"remote_read",
           [&](const Node& v) {
             d.Seq(v, "[]*config.RemoteReadConfig", [&](const Node& item) {
               cfg.remote_read.emplace_back();
               bool present = false;
               DecodeRemoteRead(d, item, cfg.remote_read.back(), present);
               rr_present.push_back(present);
             });
           }},
          {"otlp", [&](const Node& v) { DecodeOtlp(d, v, cfg); }},
      });
  if (d.mark() != mark || d.failed()) return;
  if (gogc != 0) cfg.runtime_gogc = gogc;
  for (const std::string& rf : cfg.rule_files) {
    if (!ValidRulePath(rf))
      return d.Fail(fmt::format("invalid rule file path {}", util::GoQuote(rf)));
  }
  for (const std::string& sf : cfg.scrape_config_files) {
    if (!ValidRulePath(sf))
      return d.Fail(fmt::format("invalid scrape config file path {}", util::GoQuote(sf)));
  }
  std::set<std::string> jobs;
  for (size_t i = 0; i < cfg.scrape_configs.size(); ++i) {
    if (!sc_present[i]) return d.Fail("empty or null scrape config section");
    ScrapeConfig& sc = cfg.scrape_configs[i];
    Status st = ValidateScrapeConfig(sc, cfg.global);
    if (!st.ok()) return d.Fail(std::move(st));
    if (!jobs.insert(sc.job_name).second) {
      return d.Fail(fmt::format("found multiple scrape configs with job name {}",
                                util::GoQuote(sc.job_name)));
    }
  }
  for (relabel::Config& rc : cfg.alerting.alert_relabel_configs) {
    Status st = rc.Validate(cfg.global.metric_name_validation_scheme);
    if (!st.ok()) return d.Fail(std::move(st));
  }
  for (AlertmanagerConfig& am : cfg.alerting.alertmanagers) {
    for (auto* list : {&am.relabel_configs, &am.alert_relabel_configs}) {
      for (relabel::Config& rc : *list) {
        Status st = rc.Validate(cfg.global.metric_name_validation_scheme);
        if (!st.ok()) return d.Fail(std::move(st));
      }
    }
  }
  std::set<std::string> names;
  for (size_t i = 0; i < cfg.remote_write.size(); ++i) {
    if (!rw_present[i]) return d.Fail("empty or null remote write config section");
    RemoteWriteConfig& rw = cfg.remote_write[i];
    if (!rw.name.empty() && !names.insert(rw.name).second) {
      return d.Fail(fmt::format("found multiple remote write configs with job name {}",
                                util::GoQuote(rw.name)));
    }
    for (relabel::Config& rc : rw.write_relabel_configs) {
      Status st = rc.Validate(cfg.global.metric_name_validation_scheme);
      if (!st.ok()) return d.Fail(std::move(st));
    }
  }
  names.clear();
  for (size_t i = 0; i < cfg.remote_read.size(); ++i) {
    if (!rr_present[i]) return d.Fail("empty or null remote read config section");
    RemoteReadConfig& rr = cfg.remote_read[i];
    if (!rr.name.empty() && !names.insert(rr.name).second) {
      return d.Fail(fmt::format("found multiple remote read configs with job name {}",
                                util::GoQuote(rr.name)));
    }
  }
}

// common/config.JoinDir: relative non-empty paths are joined with `dir` as filepath.Join does
// (cleaned, so "./x.json" in the current directory is "x.json", as file_sd's __meta_filepath
// shows it).
std::string JoinDir(const std::string& dir, const std::string& path) {
  if (path.empty() || path[0] == '/' || dir.empty()) return path;
  return util::CleanPath(dir + "/" + path);
}

void SetDirectory(const std::string& dir, HTTPClientConfig& h) {
  if (h.authorization)
    h.authorization->credentials_file = JoinDir(dir, h.authorization->credentials_file);
  h.bearer_token_file = JoinDir(dir, h.bearer_token_file);
  TLSConfig& t = h.tls_config;
  t.ca_file = JoinDir(dir, t.ca_file);
  t.cert_file = JoinDir(dir, t.cert_file);
  t.key_file = JoinDir(dir, t.key_file);
  if (h.basic_auth) {
    h.basic_auth->password_file = JoinDir(dir, h.basic_auth->password_file);
    h.basic_auth->username_file = JoinDir(dir, h.basic_auth->username_file);
  }
  for (HTTPClientConfig::Header& hdr : h.http_headers) {
    for (std::string& f : hdr.files) f = JoinDir(dir, f);
  }
  if (h.oauth2) {
    OAuth2& o = *h.oauth2;
    o.client_secret_file = JoinDir(dir, o.client_secret_file);
    o.client_certificate_key_file = JoinDir(dir, o.client_certificate_key_file);
    o.tls_config.ca_file = JoinDir(dir, o.tls_config.ca_file);
    o.tls_config.cert_file = JoinDir(dir, o.tls_config.cert_file);
    o.tls_config.key_file = JoinDir(dir, o.tls_config.key_file);
  }
}

void SetDirectory(const std::string& dir, ScrapeConfig& sc) {
  SetDirectory(dir, sc.http);
  for (FileSDConfig& f : sc.sd.file_sd_configs) {
    for (std::string& p : f.files) p = JoinDir(dir, p);
  }
  for (HTTPSDConfig& h : sc.sd.http_sd_configs) SetDirectory(dir, h.http);
  sc.scrape_failure_log_file = JoinDir(dir, sc.scrape_failure_log_file);
}

std::string Dir(const std::string& filename) {
  size_t slash = filename.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return filename.substr(0, slash);
}

}  // namespace

namespace internal {

void DecodeRelabelConfigs(Decoder& d, const Node& n, std::vector<relabel::Config>& out,
                          std::string_view null_message) {
  out.clear();
  d.Seq(n, "[]*relabel.Config", [&](const Node& item) {
    if (item.IsNull()) {
      d.Fail(std::string(null_message));
      return;
    }
    out.emplace_back();
    DecodeRelabel(d, item, out.back());
  });
}

}  // namespace internal

Result<std::vector<relabel::Config>> ParseRelabelConfigs(const util::YamlNode& node) {
  Decoder d;
  std::vector<relabel::Config> out;
  internal::DecodeRelabelConfigs(d, node, out, "empty or null relabeling rule in relabel_configs");
  PROMKIT_RETURN_IF_ERROR(d.Finish());
  for (relabel::Config& rc : out)
    PROMKIT_RETURN_IF_ERROR(rc.Validate(model::ValidationScheme::kUtf8));
  return out;
}

Result<Config> Load(std::string_view text) {
  PROMKIT_ASSIGN_OR_RETURN(Node root, internal::ParseYaml(text));
  Config cfg;
  Decoder d;
  if (!root.IsNull()) DecodeConfig(d, root, cfg);
  PROMKIT_RETURN_IF_ERROR(d.Finish());
  const std::string& ts = cfg.otlp_translation_strategy;
  if (ts == "NoTranslation" || ts == "NoUTF8EscapingWithSuffixes") {
    if (cfg.global.metric_name_validation_scheme == model::ValidationScheme::kLegacy) {
      return Status::InvalidArgument(fmt::format(
          "OTLP translation strategy {} is not allowed when UTF8 is disabled", util::GoQuote(ts)));
    }
  } else if (!ts.empty() && ts != "UnderscoreEscapingWithSuffixes" &&
             ts != "UnderscoreEscapingWithoutSuffixes") {
    return Status::InvalidArgument(
        fmt::format("unsupported OTLP translation strategy {}", util::GoQuote(ts)));
  }
  return cfg;
}

Result<Config> LoadFile(const std::string& filename, bool agent_mode) {
  PROMKIT_ASSIGN_OR_RETURN(std::string text, util::ReadFile(filename));
  auto cfg = Load(text);
  if (!cfg.ok()) return cfg.status().Wrap(fmt::format("parsing YAML file {}", filename));
  if (agent_mode) {
    if (!cfg->alerting.alertmanagers.empty() || !cfg->alerting.alert_relabel_configs.empty()) {
      return Status::InvalidArgument("field alerting is not allowed in agent mode");
    }
    if (!cfg->rule_files.empty())
      return Status::InvalidArgument("field rule_files is not allowed in agent mode");
    if (!cfg->remote_read.empty())
      return Status::InvalidArgument("field remote_read is not allowed in agent mode");
  }
  std::string dir = Dir(filename);
  for (std::string& rf : cfg->rule_files) rf = JoinDir(dir, rf);
  for (std::string& sf : cfg->scrape_config_files) sf = JoinDir(dir, sf);
  for (ScrapeConfig& sc : cfg->scrape_configs) SetDirectory(dir, sc);
  for (AlertmanagerConfig& am : cfg->alerting.alertmanagers) {
    SetDirectory(dir, am.http);
    for (FileSDConfig& f : am.sd.file_sd_configs) {
      for (std::string& p : f.files) p = JoinDir(dir, p);
    }
  }
  for (RemoteWriteConfig& rw : cfg->remote_write) SetDirectory(dir, rw.http);
  for (RemoteReadConfig& rr : cfg->remote_read) SetDirectory(dir, rr.http);
  return cfg;
}

Result<std::vector<ScrapeConfig>> GetScrapeConfigs(const Config& cfg) {
  std::vector<ScrapeConfig> out = cfg.scrape_configs;
  std::map<std::string, std::string> jobs;
  for (const ScrapeConfig& sc : out) jobs[sc.job_name] = "";
  for (const std::string& pattern : cfg.scrape_config_files) {
    glob_t g{};
    int rc = ::glob(pattern.c_str(), 0, nullptr, &g);
    std::vector<std::string> files;
    if (rc == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) files.emplace_back(g.gl_pathv[i]);
    }
    globfree(&g);
    for (const std::string& file : files) {
      auto text = util::ReadFile(file);
      if (!text.ok()) return text.status();
      auto root = internal::ParseYaml(*text);
      if (!root.ok()) return root.status().Wrap(fmt::format("{}", util::GoQuote(file)));
      Decoder d;
      std::vector<ScrapeConfig> scs;
      std::vector<bool> present;
      d.Struct(*root, "config.ScrapeConfigs", {{"scrape_configs", [&](const Node& v) {
                                                  d.Seq(v, "[]*config.ScrapeConfig",
                                                        [&](const Node& item) {
                                                          present.push_back(!item.IsNull());
                                                          scs.emplace_back();
                                                          if (!item.IsNull())
                                                            DecodeScrapeConfig(d, item, scs.back());
                                                        });
                                                }}});
      Status st = d.Finish();
      if (!st.ok()) return std::move(st).Wrap(util::GoQuote(file));
      for (size_t i = 0; i < scs.size(); ++i) {
        ScrapeConfig& sc = scs[i];
        if (!present[i])
          return Status::InvalidArgument(
              fmt::format("{}: empty or null scrape config section", util::GoQuote(file)));
        st = ValidateScrapeConfig(sc, cfg.global);
        if (!st.ok()) return std::move(st).Wrap(util::GoQuote(file));
        auto it = jobs.find(sc.job_name);
        if (it != jobs.end()) {
          std::string first = it->second.empty() ? "main config file" : it->second;
          return Status::InvalidArgument(
              fmt::format("{}: found multiple scrape configs with job name {}, first found in {}",
                          util::GoQuote(file), util::GoQuote(sc.job_name), first));
        }
        jobs[sc.job_name] = file;
        SetDirectory(Dir(file), sc);
        out.push_back(std::move(sc));
      }
    }
  }
  return out;
}

}  // namespace promkit::config

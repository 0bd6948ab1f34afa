// amtool's commands against a running Alertmanager (API v2): alert query/add, silence
// add/query/expire/import/update, config show, cluster show; and OnParsed, which gives every
// `am` command amtool's configuration file defaults. Requests, output, error texts and
// exit codes are amtool 0.25's: action errors print as kingpin.Fatalf("%v\n", err) does,
// "amtool: error: <message>\n\n", and exit 1. Flags not given take their defaults from amtool's
// configuration file (~/.config/amtool/config.yml, then /etc/amtool/config.yml).
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>
#include <pwd.h>

#include "alertmanager/api.h"
#include "alertmanager/matchers.h"
#include "am.h"
#include "app.h"
#include "config/http_client_file.h"
#include "query_client.h"
#include "scrape/fetch.h"
#include "scrape/http_config.h"
#include "template/gotime.h"
#include "util/duration.h"
#include "util/file.h"
#include "util/strings.h"

namespace promkit::cli {
namespace {

namespace am = promkit::alertmanager;
namespace api = promkit::alertmanager::api;

constexpr int64_t kNsPerMs = 1'000'000;
constexpr std::string_view kRfc3339 = "2006-01-02T15:04:05Z07:00";

// kingpin.Fatalf("%v\n", err): the message, its newline and kingpin's own.
int Fail(Mode mode, std::string_view msg) {
  std::fprintf(stderr, "%s: error: %s\n\n", std::string(ProgramName(mode)).c_str(),
               std::string(msg).c_str());
  return kExitFailure;
}

// amtool's configuration files, in the order they are read.
std::vector<std::string> AmtoolConfigFiles() {
  const char* home = std::getenv("HOME");
  return {std::string(home == nullptr ? "" : home) + "/.config/amtool/config.yml",
          "/etc/amtool/config.yml"};
}

// The configuration file's values for the flags of `apps` not given on the command line (the
// resolver's Bind: the root's flags and the selected command's).
util::Status ApplyConfigDefaults(const std::vector<CLI::App*>& apps) {
  auto cfg = api::LoadAmtoolConfig(AmtoolConfigFiles());
  if (!cfg.ok()) return cfg.status().Wrap("could not load config file");
  for (CLI::App* app : apps) {
    for (CLI::Option* opt : app->get_options()) {
      if (opt->count() > 0 || opt->get_lnames().empty()) continue;
      auto it = cfg->find(opt->get_lnames().front());
      if (it == cfg->end()) continue;
      try {
        opt->clear();
        opt->add_result(it->second);
        opt->run_callback();
      } catch (const CLI::Error& e) {
        return util::Status::InvalidArgument(
            fmt::format("could not load config file: {}: {}", opt->get_lnames().front(), e.what()));
      }
    }
  }
  return util::Status::Ok();
}

// The user amtool names as a silence's author by default (os/user.Current().Username).
std::string Username() {
  if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr && pw->pw_name != nullptr) {
    return pw->pw_name;
  }
  return "";
}

// ---------------------------------------------------------------------------------------------
// The API client: go-openapi's runtime over the --alertmanager.url (default
// http://localhost:9093), its path joined with /api/v2.

struct Client {
  scrape::FetchOptions base;
  std::string api;  // "http://host:port[/prefix]/api/v2"
};

// One endpoint as the generated client knows it: its error responses by status code (with
// their names and whether they carry a payload).
struct ErrorResponse {
  int code;
  std::string_view name;
  bool payload;
};

struct Endpoint {
  std::string_view method;  // "GET"
  std::string_view path;    // "/silence/{silenceID}"
  std::vector<ErrorResponse> errors;
};

const Endpoint kGetAlerts{
    "GET",
    "/alerts",
    {{400, "getAlertsBadRequest", true}, {500, "getAlertsInternalServerError", true}}};
const Endpoint kPostAlerts{
    "POST",
    "/alerts",
    {{400, "postAlertsBadRequest", true}, {500, "postAlertsInternalServerError", true}}};
const Endpoint kGetSilences{"GET", "/silences", {{500, "getSilencesInternalServerError", true}}};
const Endpoint kPostSilences{
    "POST",
    "/silences",
    {{400, "postSilencesBadRequest", true}, {404, "postSilencesNotFound", true}}};
const Endpoint kGetSilence{
    "GET",
    "/silence/{silenceID}",
    {{404, "getSilenceNotFound", false}, {500, "getSilenceInternalServerError", true}}};
const Endpoint kDeleteSilence{
    "DELETE", "/silence/{silenceID}", {{500, "deleteSilenceInternalServerError", true}}};
const Endpoint kGetStatus{"GET", "/status", {}};

struct Reply {
  int status_code = 0;
  std::string body;
};

// The client for the flags. Errors amtool reports while parsing (an invalid URL or timeout, a
// missing --http.config.file) are InvalidArgument; those of building its client (kingpin.Fatalf
// without the extra newline) are Internal: ClientFail tells them apart.
util::Result<Client> MakeClient(const AmFlags& g) {
  Client c;
  if (!g.http_config_file.empty()) {
    std::error_code ec;
    if (!std::filesystem::exists(g.http_config_file, ec)) {
      return util::Status::InvalidArgument(
          fmt::format("path '{}' does not exist", g.http_config_file));
    }
  }
  std::string url = g.alertmanager_url.empty() ? "http://localhost:9093" : g.alertmanager_url;
  if (std::string err = NormalizeServerUrl(url); !err.empty()) {
    return util::Status::InvalidArgument(err);
  }
  // User information in the URL is basic authentication, exclusive with --http.config.file.
  const size_t host_start = url.find("://") + 3;
  const size_t host_end = std::min(url.find('/', host_start), url.size());
  if (size_t at = url.rfind('@', host_end); at != std::string::npos && at >= host_start) {
    if (!g.http_config_file.empty()) {
      return util::Status::Internal(
          "basic authentication and http.config.file are mutually exclusive");
    }
    const std::string user = url.substr(host_start, at - host_start);
    const size_t colon = user.find(':');
    c.base.has_basic_auth = true;
    c.base.basic_auth_user = user.substr(0, colon);
    if (colon != std::string::npos) c.base.basic_auth_password = user.substr(colon + 1);
    url.erase(host_start, at + 1 - host_start);
  }
  if (size_t q = url.find_first_of("?#"); q != std::string::npos) url.resize(q);
  while (!url.empty() && url.back() == '/') url.pop_back();
  c.api = url + "/api/v2";
  auto timeout = util::ParseGoDuration(g.timeout);
  if (!timeout.ok()) return timeout.status();
  c.base.timeout_ns = *timeout > 0 ? *timeout : 30'000'000'000;
  c.base.accept = "application/json";
  c.base.enable_compression = false;
  c.base.scrape_timeout_header = false;
  c.base.any_status = true;
  if (!g.http_config_file.empty()) {
    auto hc = config::LoadHTTPClientConfigFile(g.http_config_file);
    if (!hc.ok()) {
      return util::Status::Internal(
          fmt::format("failed to load HTTP config file: {}", hc.status().message()));
    }
    util::Status st = scrape::ApplyHttpClientConfig(*hc, c.base);
    if (!st.ok()) {
      return util::Status::Internal(
          fmt::format("failed to create a new HTTP client: {}", st.message()));
    }
  }
  return c;
}

// go-openapi's error for a response `ep` does not expect, or for one of its error responses:
//   [DELETE /silence/{silenceID}][500] deleteSilenceInternalServerError  silence not found
util::Status ResponseError(const Endpoint& ep, const Reply& r) {
  for (const ErrorResponse& e : ep.errors) {
    if (e.code != r.status_code) continue;
    std::string payload;
    if (e.payload) {
      nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
      payload = j.is_string() ? j.get<std::string>() : r.body;
      while (!payload.empty() && payload.back() == '\n') payload.pop_back();
    }
    return util::Status::InvalidArgument(fmt::format(
        "[{} {}][{}] {} {}{}", ep.method, ep.path, e.code, e.name, e.payload ? " " : "", payload));
  }
  return util::Status::InvalidArgument(
      fmt::format("response status code does not match any response statuses defined for this "
                  "endpoint in the swagger spec (status {}): {{}}",
                  r.status_code));
}

// One request; `path` is ep.path with its parameters filled in. Non-2xx answers are errors.
util::Result<Reply> Call(const Client& c, const Endpoint& ep, const std::string& path,
                         const std::vector<std::pair<std::string, std::string>>& params = {},
                         const std::string& body = "") {
  scrape::FetchOptions o = c.base;
  o.url = c.api + path;
  if (!params.empty()) o.url += "?" + util::UrlValuesEncode(params);
  o.method = std::string(ep.method);
  if (ep.method == "POST") {
    o.request_body = body;
    o.request_content_type = "application/json";
  }
  auto resp = scrape::Fetch(o);
  if (!resp.ok()) return resp.status();
  Reply r{resp->status_code, std::move(resp->body)};
  if (r.status_code / 100 != 2) return ResponseError(ep, r);
  return r;
}

util::Result<Client> Prepare(const AmFlags& g) { return MakeClient(g); }

int ClientFail(Mode mode, const util::Status& st) {
  if (st.code() != util::Code::kInternal) return Fail(mode, st.message());
  std::fprintf(stderr, "%s: error: %s\n", std::string(ProgramName(mode)).c_str(),
               std::string(st.message()).c_str());
  return kExitFailure;
}

util::Result<api::OutputFormat> Output(const AmFlags& g) {
  return api::ParseOutputFormat(g.output);
}

// Which parser amtool's matcher arguments go through (--enable-feature, as check-config).
am::MatcherMode MatcherModeOf(const AmFlags& g) {
  if (g.enable_feature.find("classic-mode") != std::string::npos) return am::MatcherMode::kClassic;
  if (g.enable_feature.find("utf8-strict-mode") != std::string::npos) {
    return am::MatcherMode::kUtf8Strict;
  }
  return am::MatcherMode::kFallback;
}

// amtool's shorthand: a first argument that is no matcher is the alertname's value.
void ImplicitAlertname(std::vector<std::string>& args, am::MatcherMode mm) {
  if (!args.empty() && !am::ParseMatcher(args[0], mm).ok()) args[0] = "alertname=" + args[0];
}

util::Result<am::Matchers> ParseMatcherArgs(const std::vector<std::string>& args,
                                            am::MatcherMode mm) {
  am::Matchers out;
  for (const std::string& a : args) {
    PROMKIT_ASSIGN_OR_RETURN(am::Matcher m, am::ParseMatcher(a, mm));
    out.push_back(std::move(m));
  }
  return out;
}

// parseLabels: every argument a name=value matcher.
util::Result<am::LabelSet> ParseLabelArgs(const std::vector<std::string>& args,
                                          am::MatcherMode mm) {
  am::LabelSet out;
  for (const std::string& a : args) {
    PROMKIT_ASSIGN_OR_RETURN(am::Matcher m, am::ParseMatcher(a, mm));
    if (m.type() != am::MatchType::kEqual) {
      return util::Status::InvalidArgument("labels must be specified as key=value pairs");
    }
    out[m.name()] = m.value();
  }
  return out;
}

util::Result<int64_t> ParseRfc3339Flag(const std::string& s) {
  auto t = tmpl::ParseGoTime(kRfc3339, s);
  if (!t.ok()) return util::Status::InvalidArgument(std::string(t.status().message()));
  return *t;
}

// A Prometheus duration (model.ParseDuration) in nanoseconds.
util::Result<int64_t> ParseSilenceDuration(const std::string& s) {
  auto ms = util::ParseDuration(s);
  if (!ms.ok()) return ms.status();
  if (*ms == 0) return util::Status::InvalidArgument("silence duration must be greater than 0");
  return *ms * kNsPerMs;
}

void Print(const std::string& s) { std::fwrite(s.data(), 1, s.size(), stdout); }

// ---------------------------------------------------------------------------------------------
// alert

struct AlertQueryFlags {
  bool inhibited = false, silenced = false, active = false, unprocessed = false;
  std::string receiver;
  std::vector<std::string> matchers;
};

int RunAlertQuery(const AmFlags& g, AlertQueryFlags f, Mode mode) {
  auto client = Prepare(g);
  if (!client.ok()) return ClientFail(mode, client.status());
  ImplicitAlertname(f.matchers, MatcherModeOf(g));
  if (!f.silenced && !f.inhibited && !f.active && !f.unprocessed) f.active = true;
  auto b = [](bool v) { return std::string(v ? "true" : "false"); };
  std::vector<std::pair<std::string, std::string>> params = {{"active", b(f.active)},
                                                             {"inhibited", b(f.inhibited)},
                                                             {"silenced", b(f.silenced)},
                                                             {"unprocessed", b(f.unprocessed)}};
  if (!f.receiver.empty()) params.emplace_back("receiver", f.receiver);
  for (const std::string& m : f.matchers) params.emplace_back("filter", m);
  auto reply = Call(*client, kGetAlerts, "/alerts", params);
  if (!reply.ok()) return Fail(mode, reply.status().message());
  auto alerts = api::DecodeAlerts(reply->body);
  if (!alerts.ok()) return Fail(mode, alerts.status().message());
  auto out = Output(g);
  if (!out.ok()) return Fail(mode, out.status().message());
  Print(api::FormatAlerts(std::move(*alerts), *out, g.date_format));
  return kExitOk;
}

struct AlertAddFlags {
  std::vector<std::string> labels;
  std::vector<std::string> annotations;
  std::string generator_url;
  std::string start;
  std::string end;
};

int RunAlertAdd(const AmFlags& g, AlertAddFlags f, Mode mode) {
  auto client = Prepare(g);
  if (!client.ok()) return ClientFail(mode, client.status());
  const am::MatcherMode mm = MatcherModeOf(g);
  if (!f.labels.empty() && !ParseLabelArgs({f.labels[0]}, mm).ok()) {
    f.labels[0] = "alertname=" + f.labels[0];
  }
  api::PostableAlert a;
  auto labels = ParseLabelArgs(f.labels, mm);
  if (!labels.ok()) return Fail(mode, labels.status().message());
  a.labels = std::move(*labels);
  auto annotations = ParseLabelArgs(f.annotations, mm);
  if (!annotations.ok()) return Fail(mode, annotations.status().message());
  a.annotations = std::move(*annotations);
  if (!f.start.empty()) {
    auto t = ParseRfc3339Flag(f.start);
    if (!t.ok()) return Fail(mode, t.status().message());
    a.starts_at_nanos = *t;
  }
  if (!f.end.empty()) {
    auto t = ParseRfc3339Flag(f.end);
    if (!t.ok()) return Fail(mode, t.status().message());
    a.ends_at_nanos = *t;
  }
  a.generator_url = f.generator_url;
  auto reply = Call(*client, kPostAlerts, "/alerts", {}, api::EncodePostableAlerts({a}));
  if (!reply.ok()) return Fail(mode, reply.status().message());
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------
// silence

struct SilenceAddFlags {
  std::string author;
  bool require_comment = true;
  std::string duration = "1h";
  std::string start;
  std::string end;
  std::string comment;
  std::vector<std::string> matchers;
  bool dry_run = false;
};

int RunSilenceAdd(const AmFlags& g, SilenceAddFlags f, Mode mode) {
  auto client = Prepare(g);
  if (!client.ok()) return ClientFail(mode, client.status());
  const am::MatcherMode mm = MatcherModeOf(g);
  ImplicitAlertname(f.matchers, mm);
  auto matchers = ParseMatcherArgs(f.matchers, mm);
  if (!matchers.ok()) return Fail(mode, matchers.status().message());
  if (matchers->empty()) return Fail(mode, "no matchers specified");
  int64_t starts_at = NowNs();
  if (!f.start.empty()) {
    auto t = ParseRfc3339Flag(f.start);
    if (!t.ok()) return Fail(mode, t.status().message());
    starts_at = *t;
  }
  int64_t ends_at = 0;
  if (!f.end.empty()) {
    auto t = ParseRfc3339Flag(f.end);
    if (!t.ok()) return Fail(mode, t.status().message());
    ends_at = *t;
  } else {
    auto d = ParseSilenceDuration(f.duration);
    if (!d.ok()) return Fail(mode, d.status().message());
    ends_at = starts_at + *d;
  }
  if (starts_at > ends_at) return Fail(mode, "silence cannot start after it ends");
  if (f.require_comment && f.comment.empty()) return Fail(mode, "comment required by config");
  auto out = Output(g);
  if (!out.ok()) return Fail(mode, out.status().message());
  if (f.dry_run) {
    // promkit: the alerts the silence would match now (every state), nothing created.
    auto reply = Call(*client, kGetAlerts, "/alerts");
    if (!reply.ok()) return Fail(mode, reply.status().message());
    auto alerts = api::DecodeAlerts(reply->body);
    if (!alerts.ok()) return Fail(mode, alerts.status().message());
    Print(api::FormatAlerts(api::AlertsMatching(*alerts, *matchers), *out, g.date_format));
    return kExitOk;
  }
  api::PostableSilence s;
  for (const am::Matcher& m : *matchers) s.matchers.push_back(api::ToApiMatcher(m));
  s.starts_at = api::FormatApiTime(starts_at);
  s.ends_at = api::FormatApiTime(ends_at);
  s.created_by = f.author;
  s.comment = f.comment;
  auto reply = Call(*client, kPostSilences, "/silences", {}, api::EncodePostableSilence(s));
  if (!reply.ok()) return Fail(mode, reply.status().message());
  auto id = api::DecodeSilenceId(reply->body);
  if (!id.ok()) return Fail(mode, id.status().message());
  Print(*id + "\n");
  return kExitOk;
}

struct SilenceQueryFlags {
  bool expired = false;
  bool quiet = false;
  std::string created_by;
  std::string within;
  std::vector<std::string> matchers;
};

int RunSilenceQuery(const AmFlags& g, SilenceQueryFlags f, Mode mode) {
  auto client = Prepare(g);
  if (!client.ok()) return ClientFail(mode, client.status());
  int64_t within = 0;
  if (!f.within.empty()) {
    auto d = util::ParseGoDuration(f.within);
    if (!d.ok()) return Fail(mode, d.status().message());
    within = *d;
  }
  ImplicitAlertname(f.matchers, MatcherModeOf(g));
  std::vector<std::pair<std::string, std::string>> params;
  for (const std::string& m : f.matchers) params.emplace_back("filter", m);
  auto reply = Call(*client, kGetSilences, "/silences", params);
  if (!reply.ok()) return Fail(mode, reply.status().message());
  auto silences = api::DecodeSilences(reply->body);
  if (!silences.ok()) return Fail(mode, silences.status().message());
  std::vector<api::Silence> shown =
      api::FilterSilences(std::move(*silences), NowNs(), f.expired, within, f.created_by);
  if (f.quiet) {
    for (const api::Silence& s : shown) Print(s.id + "\n");
    return kExitOk;
  }
  auto out = Output(g);
  if (!out.ok()) return Fail(mode, out.status().message());
  Print(api::FormatSilences(std::move(shown), *out, g.date_format));
  return kExitOk;
}

int RunSilenceExpire(const AmFlags& g, const std::vector<std::string>& ids, Mode mode) {
  if (ids.empty()) return Fail(mode, "no silence IDs specified");
  auto client = Prepare(g);
  if (!client.ok()) return ClientFail(mode, client.status());
  for (const std::string& id : ids) {
    auto reply = Call(*client, kDeleteSilence, "/silence/" + PathEscape(id));
    if (!reply.ok()) return Fail(mode, reply.status().message());
  }
  return kExitOk;
}

struct SilenceImportFlags {
  bool force = false;
  int workers = 8;
  std::string file;
};

int RunSilenceImport(const AmFlags& g, const SilenceImportFlags& f, Mode mode) {
  auto client = Prepare(g);
  if (!client.ok()) return ClientFail(mode, client.status());
  auto text = util::ReadFile(f.file.empty() ? "/dev/stdin" : f.file);
  if (!text.ok()) return Fail(mode, text.status().message());
  auto silences = api::DecodeSilenceImport(*text);
  if (!silences.ok()) return Fail(mode, silences.status().message());
  if (f.force) {
    for (api::PostableSilence& s : *silences) s.id.clear();
  }
  // Workers post the silences concurrently, printing each new ID (or the error) when it is
  // known, as amtool's do.
  std::atomic<size_t> next{0};
  std::atomic<size_t> errors{0};
  std::mutex print_mu;
  auto work = [&] {
    for (size_t i = next++; i < silences->size(); i = next++) {
      api::PostableSilence s = (*silences)[i];
      auto reply = Call(*client, kPostSilences, "/silences", {}, api::EncodePostableSilence(s));
      if (!reply.ok() &&
          reply.status().message().find("][404] postSilencesNotFound") != std::string_view::npos) {
        // The silence to update is gone: create it anew.
        s.id.clear();
        reply = Call(*client, kPostSilences, "/silences", {}, api::EncodePostableSilence(s));
      }
      util::Result<std::string> id = reply.ok() ? api::DecodeSilenceId(reply->body)
                                                : util::Result<std::string>(reply.status());
      std::lock_guard<std::mutex> lock(print_mu);
      if (id.ok()) {
        Print(*id + "\n");
      } else {
        ++errors;
        std::fprintf(stderr, "Error adding silence id='%s': %s\n", (*silences)[i].id.c_str(),
                     std::string(id.status().message()).c_str());
      }
    }
  };
  {
    std::vector<std::jthread> pool;
    const int n = std::max(1, std::min<int>(f.workers, static_cast<int>(silences->size())));
    for (int w = 0; w < n; ++w) pool.emplace_back(work);
  }
  if (errors > 0) {
    return Fail(mode, fmt::format("couldn't import {} out of {} silences", errors.load(),
                                  silences->size()));
  }
  return kExitOk;
}

struct SilenceUpdateFlags {
  bool quiet = false;
  std::string duration;
  std::string start;
  std::string end;
  std::string comment;
  std::vector<std::string> ids;
};

int RunSilenceUpdate(const AmFlags& g, const SilenceUpdateFlags& f, Mode mode) {
  if (f.ids.empty()) return Fail(mode, "no silence IDs specified");
  auto client = Prepare(g);
  if (!client.ok()) return ClientFail(mode, client.status());
  std::vector<api::Silence> updated;
  for (const std::string& id : f.ids) {
    auto reply = Call(*client, kGetSilence, "/silence/" + PathEscape(id));
    if (!reply.ok()) return Fail(mode, reply.status().message());
    auto sil = api::DecodeSilence(reply->body);
    if (!sil.ok()) return Fail(mode, sil.status().message());
    if (!f.start.empty()) {
      auto t = api::ParseApiTime(f.start);
      if (!t.ok()) return Fail(mode, t.status().message());
      sil->starts_at = *t;
    }
    if (!f.end.empty()) {
      auto t = api::ParseApiTime(f.end);
      if (!t.ok()) return Fail(mode, t.status().message());
      sil->ends_at = *t;
    } else if (!f.duration.empty()) {
      auto d = ParseSilenceDuration(f.duration);
      if (!d.ok()) return Fail(mode, d.status().message());
      auto t = api::ParseApiTime(api::FormatApiTime(sil->starts_at.unix_nanos + *d));
      if (!t.ok()) return Fail(mode, t.status().message());
      sil->ends_at = *t;
    }
    if (sil->starts_at.unix_nanos > sil->ends_at.unix_nanos) {
      return Fail(mode, "silence cannot start after it ends");
    }
    if (!f.comment.empty()) sil->comment = f.comment;
    auto posted = Call(*client, kPostSilences, "/silences", {},
                       api::EncodePostableSilence(api::ToPostable(*sil)));
    if (!posted.ok()) return Fail(mode, posted.status().message());
    auto new_id = api::DecodeSilenceId(posted->body);
    if (!new_id.ok()) return Fail(mode, new_id.status().message());
    // What the server now holds, so the tables and -o json show the update.
    auto fresh = Call(*client, kGetSilence, "/silence/" + PathEscape(*new_id));
    if (!fresh.ok()) return Fail(mode, fresh.status().message());
    auto now = api::DecodeSilence(fresh->body);
    if (!now.ok()) return Fail(mode, now.status().message());
    updated.push_back(std::move(*now));
  }
  if (f.quiet) {
    for (const api::Silence& s : updated) Print(s.id + "\n");
    return kExitOk;
  }
  auto out = Output(g);
  if (!out.ok()) return Fail(mode, out.status().message());
  Print(api::FormatSilences(std::move(updated), *out, g.date_format));
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------
// config show, cluster show

int RunStatus(const AmFlags& g, bool cluster, Mode mode) {
  auto client = Prepare(g);
  if (!client.ok()) return ClientFail(mode, client.status());
  auto reply = Call(*client, kGetStatus, "/status");
  if (!reply.ok()) return Fail(mode, reply.status().message());
  auto status = api::DecodeStatus(reply->body);
  if (!status.ok()) return Fail(mode, status.status().message());
  auto out = Output(g);
  if (!out.ok()) return Fail(mode, out.status().message());
  Print(cluster ? api::FormatClusterStatus(*status, *out) : api::FormatConfig(*status, *out));
  return kExitOk;
}

constexpr std::string_view kAlertQueryHelp =
    "View and search through current alerts.\n\nAmtool has a simplified prometheus query "
    "syntax, but contains robust support for bash variable expansions. The non-option section "
    "of arguments constructs a list of \"Matcher Groups\" that will be used to filter your "
    "query. The following examples will attempt to show this behaviour in action:\n\n"
    "amtool alert query alertname=foo node=bar\n\n\tThis query will match all alerts with the "
    "alertname=foo and node=bar label\n\tvalue pairs set.\n\namtool alert query foo node=bar\n\n"
    "\tIf alertname is omitted and the first argument does not contain a '=' or a\n\t'=~' then "
    "it will be assumed to be the value of the alertname pair.\n\namtool alert query "
    "'alertname=~foo.*'\n\n\tAs well as direct equality, regex matching is also supported. The "
    "'=~' syntax\n\t(similar to prometheus) is used to represent a regex match. Regex matching\n"
    "\tcan be used in combination with a direct match.\n\nAmtool supports several flags for "
    "filtering the returned alerts by state (inhibited, silenced, active, unprocessed). If none "
    "of these flags is given, only active alerts are returned.";

constexpr std::string_view kAlertAddHelp =
    "Add a new alert.\n\nThis command is used to add a new alert to Alertmanager.\n\nTo add a "
    "new alert with labels:\n\n\tamtool alert add alertname=foo node=bar\n\nIf alertname is "
    "omitted and the first argument does not contain a '=' then it will be assumed to be the "
    "value of the alertname pair.\n\n\tamtool alert add foo node=bar\n\nOne or more annotations "
    "can be added using the --annotation flag:\n\n\tamtool alert add foo node=bar \\\n\t\t"
    "--annotation=runbook='http://runbook.biz' \\\n\t\t--annotation=summary='summary of the "
    "alert' \\\n\t\t--annotation=description='description of the alert'\n\nAdditional flags "
    "such as --generator-url, --start, and --end are also supported.";

constexpr std::string_view kSilenceAddHelp =
    "Add a new alertmanager silence\n\nAmtool uses a simplified Prometheus syntax to represent "
    "silences. The non-option section of arguments constructs a list of \"Matcher Groups\" that "
    "will be used to create a number of silences. The following examples will attempt to show "
    "this behaviour in action:\n\namtool silence add alertname=foo node=bar\n\n\tThis statement "
    "will add a silence that matches alerts with the\n\talertname=foo and node=bar label value "
    "pairs set.\n\namtool silence add foo node=bar\n\n\tIf alertname is omitted and the first "
    "argument does not contain a '=' or a\n\t'=~' then it will be assumed to be the value of "
    "the alertname pair.\n\namtool silence add 'alertname=~foo.*'\n\n\tAs well as direct "
    "equality, regex matching is also supported. The '=~' syntax\n\t(similar to Prometheus) is "
    "used to represent a regex match. Regex matching\n\tcan be used in combination with a "
    "direct match.";

constexpr std::string_view kSilenceQueryHelp =
    "Query Alertmanager silences.\n\nAmtool has a simplified prometheus query syntax, but "
    "contains robust support for bash variable expansions. The non-option section of arguments "
    "constructs a list of \"Matcher Groups\" that will be used to filter your query. The "
    "following examples will attempt to show this behaviour in action:\n\namtool silence query "
    "alertname=foo node=bar\n\n\tThis query will match all silences with the alertname=foo and "
    "node=bar label\n\tvalue pairs set.\n\namtool silence query foo node=bar\n\n\tIf alertname "
    "is omitted and the first argument does not contain a '=' or a\n\t'=~' then it will be "
    "assumed to be the value of the alertname pair.\n\namtool silence query "
    "'alertname=~foo.*'\n\n\tAs well as direct equality, regex matching is also supported. The "
    "'=~' syntax\n\t(similar to prometheus) is used to represent a regex match. Regex matching\n"
    "\tcan be used in combination with a direct match.\n\nIn addition to filtering by silence "
    "labels, one can also query for silences that are due to expire soon with the \"--within\" "
    "parameter. In the event that you want to preemptively act upon expiring silences by either "
    "fixing them or extending them. For example:\n\namtool silence query --within 8h\n\nreturns "
    "all the silences due to expire within the next 8 hours. This syntax can also be combined "
    "with the label based filtering above for more flexibility.\n\nThe \"--expired\" parameter "
    "returns only expired silences. Used in combination with \"--within=TIME\", amtool returns "
    "the silences that expired within the preceding duration.\n\namtool silence query --within "
    "2h --expired\n\nreturns all silences that expired within the preceding 2 hours.";

constexpr std::string_view kSilenceImportHelp =
    "Import alertmanager silences from JSON file or stdin\n\nThis command can be used to bulk "
    "import silences from a JSON file created by query command. For example:\n\namtool silence "
    "query -o json foo > foo.json\n\namtool silence import foo.json\n\nJSON data can also come "
    "from stdin if no param is specified.";

constexpr std::string_view kRfc3339FlagHelp = ". RFC3339 format 2006-01-02T15:04:05-07:00";

// kingpin's ExistingFile argument check.
bool CheckExistingFile(const std::string& f, Mode mode) {
  if (f.empty()) return true;
  if (util::ReadFile(f).ok()) return true;
  std::fprintf(stderr, "%s: error: path '%s' does not exist\n\n",
               std::string(ProgramName(mode)).c_str(), f.c_str());
  return false;
}

}  // namespace

void OnParsed(CLI::App& base, CLI::App& leaf, std::shared_ptr<const AmFlags> g, Mode mode,
              int* exit_code, std::function<int()> run) {
  CLI::App* b = &base;
  CLI::App* l = &leaf;
  leaf.callback([b, l, g, mode, exit_code, run = std::move(run)] {
    util::Status st = ApplyConfigDefaults({b, l});
    // kingpin's enum check of --output, made once the configuration file had its say.
    if (st.ok()) st = api::ParseOutputFormat(g->output).status();
    *exit_code = st.ok() ? run() : Fail(mode, st.message());
  });
}

void RegisterAmAlert(CLI::App& base, std::shared_ptr<AmFlags> g, Mode mode, int* exit_code) {
  CLI::App* alert = base.add_subcommand("alert", "Add or query alerts.");
  alert->require_subcommand(1);

  auto qf = std::make_shared<AlertQueryFlags>();
  CLI::App* query = alert->add_subcommand("query", std::string(kAlertQueryHelp));
  query->add_flag("-i,--inhibited", qf->inhibited, "Show inhibited alerts");
  query->add_flag("-s,--silenced", qf->silenced, "Show silenced alerts");
  query->add_flag("-a,--active", qf->active, "Show active alerts");
  query->add_flag("-u,--unprocessed", qf->unprocessed, "Show unprocessed alerts");
  query->add_option("-r,--receiver", qf->receiver,
                    "Show alerts matching receiver (Supports regex syntax)");
  query->add_option("matcher-groups", qf->matchers, "Query filter");
  OnParsed(base, *query, g, mode, exit_code,
           [g, qf, mode] { return RunAlertQuery(*g, *qf, mode); });
  SetDefaultSubcommand(*alert, *query);

  auto af = std::make_shared<AlertAddFlags>();
  CLI::App* add = alert->add_subcommand("add", std::string(kAlertAddHelp));
  add->add_option("labels", af->labels, "List of labels to be included with the alert");
  add->add_option("--generator-url", af->generator_url,
                  "Set the URL of the source that generated the alert");
  add->add_option("--start", af->start,
                  "Set when the alert should start" + std::string(kRfc3339FlagHelp));
  add->add_option("--end", af->end,
                  "Set when the alert should should end" + std::string(kRfc3339FlagHelp));
  add->add_option("--annotation", af->annotations,
                  "Set an annotation to be included with the alert")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  OnParsed(base, *add, g, mode, exit_code, [g, af, mode] { return RunAlertAdd(*g, *af, mode); });
}

void RegisterAmSilence(CLI::App& base, std::shared_ptr<AmFlags> g, Mode mode, int* exit_code) {
  CLI::App* silence = base.add_subcommand(
      "silence",
      "Add, expire or view silences. For more information and additional flags see "
      "query help");
  silence->require_subcommand(1);

  auto af = std::make_shared<SilenceAddFlags>();
  af->author = Username();
  CLI::App* add = silence->add_subcommand(
      "add", std::string(kSilenceAddHelp) +
                 (mode == Mode::kAmtool
                      ? ""
                      : "\n\nWith --dry-run (promkit), lists the current alerts (in every state) "
                        "the silence would match, in the --output format, and creates nothing."));
  add->add_option("-a,--author", af->author, "Username for CreatedBy field")
      ->default_str(af->author);
  add->add_flag("--require-comment,!--no-require-comment", af->require_comment,
                "Require comment to be set")
      ->group("");
  add->add_option("-d,--duration", af->duration, "Duration of silence")->default_str("1h");
  add->add_option("--start", af->start,
                  "Set when the silence should start" + std::string(kRfc3339FlagHelp));
  add->add_option(
      "--end", af->end,
      "Set when the silence should end (overwrites duration)" + std::string(kRfc3339FlagHelp));
  add->add_option("-c,--comment", af->comment, "A comment to help describe the silence");
  if (mode != Mode::kAmtool) {
    add->add_flag("--dry-run", af->dry_run,
                  "List the current alerts the silence would match; create nothing");
  }
  add->add_option("matcher-groups", af->matchers, "Query filter");
  OnParsed(base, *add, g, mode, exit_code, [g, af, mode] { return RunSilenceAdd(*g, *af, mode); });

  auto ids = std::make_shared<std::vector<std::string>>();
  CLI::App* expire = silence->add_subcommand("expire", "expire an alertmanager silence");
  expire->add_option("silence-ids", *ids, "Ids of silences to expire");
  OnParsed(base, *expire, g, mode, exit_code,
           [g, ids, mode] { return RunSilenceExpire(*g, *ids, mode); });

  auto imf = std::make_shared<SilenceImportFlags>();
  CLI::App* import = silence->add_subcommand("import", std::string(kSilenceImportHelp));
  import->add_flag("-f,--force", imf->force, "Force adding new silences even if it already exists");
  import->add_option("-w,--worker", imf->workers, "Number of concurrent workers to use for import")
      ->default_str("8");
  import->add_option("input-file", imf->file, "JSON file with silences");
  OnParsed(base, *import, g, mode, exit_code, [g, imf, mode] {
    return CheckExistingFile(imf->file, mode) ? RunSilenceImport(*g, *imf, mode) : kExitFailure;
  });

  auto qf = std::make_shared<SilenceQueryFlags>();
  CLI::App* query = silence->add_subcommand("query", std::string(kSilenceQueryHelp));
  query->add_flag("--expired", qf->expired, "Show expired silences instead of active");
  query->add_flag("-q,--quiet", qf->quiet, "Only show silence ids");
  query->add_option("--created-by", qf->created_by, "Show silences that belong to this creator");
  query->add_option("matcher-groups", qf->matchers, "Query filter");
  query->add_option("--within", qf->within,
                    "Show silences that will expire or have expired within a duration");
  OnParsed(base, *query, g, mode, exit_code,
           [g, qf, mode] { return RunSilenceQuery(*g, *qf, mode); });
  SetDefaultSubcommand(*silence, *query);

  auto uf = std::make_shared<SilenceUpdateFlags>();
  CLI::App* update = silence->add_subcommand("update", "Update silences");
  update->add_flag("-q,--quiet", uf->quiet, "Only show silence ids");
  update->add_option("-d,--duration", uf->duration, "Duration of silence");
  update->add_option("--start", uf->start,
                     "Set when the silence should start" + std::string(kRfc3339FlagHelp));
  update->add_option(
      "--end", uf->end,
      "Set when the silence should end (overwrites duration)" + std::string(kRfc3339FlagHelp));
  update->add_option("-c,--comment", uf->comment, "A comment to help describe the silence");
  update->add_option("update-ids", uf->ids, "Silence IDs to update");
  OnParsed(base, *update, g, mode, exit_code,
           [g, uf, mode] { return RunSilenceUpdate(*g, *uf, mode); });
}

void RegisterAmCluster(CLI::App& base, std::shared_ptr<AmFlags> g, Mode mode, int* exit_code) {
  CLI::App* cluster = base.add_subcommand("cluster", "View cluster status and peers.");
  cluster->require_subcommand(1);
  CLI::App* show = cluster->add_subcommand("show", "View cluster status and peers.");
  OnParsed(base, *show, g, mode, exit_code, [g, mode] { return RunStatus(*g, true, mode); });
  SetDefaultSubcommand(*cluster, *show);
}

void RegisterAmConfigShow(CLI::App& config, std::shared_ptr<AmFlags> g, Mode mode, int* exit_code) {
  CLI::App* base = config.get_parent();
  CLI::App* show = config.add_subcommand("show", config.get_description());
  OnParsed(*base, *show, g, mode, exit_code, [g, mode] { return RunStatus(*g, false, mode); });
  SetDefaultSubcommand(config, *show);
}

}  // namespace promkit::cli

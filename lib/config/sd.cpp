// Service discovery configs: static_configs and file_sd_configs are kept; every other upstream
// *_sd_configs type is described by a field table (names and kinds as upstream declares them)
// and validated with upstream's messages, so configs using them check as Prometheus does.
#include <algorithm>
#include <cctype>
#include <map>

#include <fmt/core.h>

#include "config/config.h"
#include "config/internal/sections.h"
#include "model/validation.h"
#include "util/file.h"
#include "util/strings.h"

namespace promkit::config {

using internal::Decoder;
using internal::Node;

namespace internal {

ParsedUrl ParseUrl(std::string_view s) {
  ParsedUrl u;
  size_t colon = s.find(':');
  if (colon != std::string_view::npos && colon > 0 &&
      std::isalpha(static_cast<unsigned char>(s[0]))) {
    bool ok = true;
    for (size_t i = 0; i < colon; ++i) {
      char c = s[i];
      ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.');
    }
    if (ok) {
      u.scheme = std::string(s.substr(0, colon));
      for (char& c : u.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      s.remove_prefix(colon + 1);
    }
  }
  if (s.substr(0, 2) == "//") {
    s.remove_prefix(2);
    size_t end = s.find_first_of("/?#");
    std::string_view authority = s.substr(0, end);
    size_t at = authority.rfind('@');
    if (at != std::string_view::npos) authority.remove_prefix(at + 1);
    u.host = std::string(authority);
  }
  return u;
}

}  // namespace internal

namespace {

enum class Kind {
  kStr,
  kBool,
  kInt,
  kUint,
  kFloat,
  kDur,
  kStrList,
  kStrMap,
  kTLS,
  kAny,
  kStruct,
  kStructList
};

struct FieldSpec {
  std::string_view name;
  Kind kind;
  std::string_view sub;  // kStruct/kStructList: name of a nested spec
};

// The decoded values of one SD config, by field name.
struct Values {
  std::map<std::string, std::string, std::less<>> str;  // scalars as written
  std::map<std::string, std::vector<std::string>, std::less<>> lists;
  std::map<std::string, std::vector<Values>, std::less<>> children;
  HTTPClientConfig http;
  std::string_view Get(std::string_view k) const {
    auto it = str.find(k);
    return it == str.end() ? std::string_view() : std::string_view(it->second);
  }
  bool Has(std::string_view k) const { return str.count(k) || lists.count(k) || children.count(k); }
  size_t ListSize(std::string_view k) const {
    auto it = lists.find(k);
    return it == lists.end() ? 0 : it->second.size();
  }
};

using Validator = util::Status (*)(Values&);

struct SDSpec {
  std::string_view key;   // YAML key
  std::string_view type;  // Go type name in unknown-field errors
  bool http;              // inlines an HTTPClientConfig
  std::vector<FieldSpec> fields;
  Validator validate;
  std::vector<std::pair<std::string_view, std::string_view>> defaults;
};

using util::Status;

Status Err(std::string msg) { return Status::InvalidArgument(std::move(msg)); }

bool IsDefaultHttp(const HTTPClientConfig& c) {
  return !c.basic_auth && !c.authorization && !c.oauth2 && c.bearer_token.empty() &&
         c.bearer_token_file.empty() && c.follow_redirects && c.enable_http2 &&
         c.proxy.proxy_url.empty() && c.proxy.no_proxy.empty() && !c.proxy.proxy_from_environment &&
         c.proxy.proxy_connect_header.empty() && !c.has_http_headers && c.tls_config.ca.empty() &&
         c.tls_config.ca_file.empty() && c.tls_config.cert.empty() &&
         c.tls_config.cert_file.empty() && c.tls_config.key.empty() &&
         c.tls_config.key_file.empty() && c.tls_config.server_name.empty() &&
         !c.tls_config.insecure_skip_verify && c.tls_config.min_version.empty() &&
         c.tls_config.max_version.empty() && c.tls_config.ca_ref.empty() &&
         c.tls_config.cert_ref.empty() && c.tls_config.key_ref.empty();
}

Status CheckHttpUrl(std::string_view url) {
  if (url.empty()) return Err("URL is missing");
  internal::ParsedUrl u = internal::ParseUrl(url);
  if (u.scheme != "http" && u.scheme != "https") return Err("URL scheme must be 'http' or 'https'");
  if (u.host.empty()) return Err("host is missing in URL");
  return Status::Ok();
}

Status ValidateKubernetes(Values& v) {
  static const std::map<std::string, std::vector<std::string>, std::less<>> kAllowed = {
      {"endpoints", {"pod", "service", "endpoints"}},
      {"endpointslice", {"pod", "service", "endpointslice"}},
      {"ingress", {"ingress"}},
      {"node", {"node"}},
      {"pod", {"pod", "node"}},
      {"service", {"service"}},
  };
  std::string_view role = v.Get("role");
  if (role.empty())
    return Err("role missing (one of: pod, service, endpoints, endpointslice, node, ingress)");
  if (!kAllowed.count(role))
    return Err(fmt::format("unknown Kubernetes SD role {}", util::GoQuote(role)));
  PROMKIT_RETURN_IF_ERROR(v.http.Validate());
  bool api = !v.Get("api_server").empty();
  bool kubeconfig = !v.Get("kubeconfig_file").empty();
  bool own_ns = false;
  if (v.children.count("namespaces"))
    own_ns = v.children["namespaces"][0].Get("own_namespace") == "true";
  if (api && kubeconfig) return Err("cannot use 'kubeconfig_file' and 'api_server' simultaneously");
  bool default_http = IsDefaultHttp(v.http);
  if (kubeconfig && !default_http) {
    return Err("cannot use a custom HTTP client configuration together with 'kubeconfig_file'");
  }
  if (!api && !default_http) {
    return Err(
        "to use custom HTTP client configuration please provide the 'api_server' URL explicitly");
  }
  if (api && own_ns)
    return Err("cannot use 'api_server' and 'namespaces.own_namespace' simultaneously");
  if (kubeconfig && own_ns) {
    return Err("cannot use 'kubeconfig_file' and 'namespaces.own_namespace' simultaneously");
  }
  std::vector<std::string> seen;
  for (Values& sel : v.children["selectors"]) {
    std::string sr(sel.Get("role"));
    if (std::find(seen.begin(), seen.end(), sr) != seen.end()) {
      return Err(fmt::format("duplicated selector role: {}", sr));
    }
    seen.push_back(sr);
    const auto& allowed = kAllowed.find(role)->second;
    if (std::find(allowed.begin(), allowed.end(), sr) == allowed.end()) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      return Err(fmt::format("{} role supports only {} selectors", role, list));
    }
    for (std::string_view which : {"label", "field"}) {
      std::string_view s = sel.Get(which);
      // Kubernetes selector syntax: comma-separated requirements, each `k`, `!k`, `k=v`,
      // `k==v`, `k!=v` or `k in (...)`-style (label only).
      for (std::string_view req : util::SplitString(s, ",")) {
        std::string_view r = util::TrimSpace(req);
        if (r.empty() && s.empty()) continue;
        bool ok = !r.empty();
        if (ok && which == "field") {
          ok = r.find('=') != std::string_view::npos;
        }
        if (!ok) {
          return Err(fmt::format("invalid selector: '{}'; can't understand '{}'", s, r));
        }
      }
    }
  }
  return Status::Ok();
}

Status ValidateMarathon(Values& v) {
  if (v.ListSize("servers") == 0)
    return Err("marathon_sd: must contain at least one Marathon server");
  bool token = !v.Get("auth_token").empty();
  bool token_file = !v.Get("auth_token_file").empty();
  if (token && token_file)
    return Err("marathon_sd: at most one of auth_token & auth_token_file must be configured");
  if (token || token_file) {
    if (v.http.basic_auth) {
      return Err(
          "marathon_sd: at most one of basic_auth, auth_token & auth_token_file must be "
          "configured");
    }
    if (!v.http.bearer_token.empty() || !v.http.bearer_token_file.empty()) {
      return Err(
          "marathon_sd: at most one of bearer_token, bearer_token_file, auth_token & "
          "auth_token_file must be configured");
    }
    if (v.http.authorization) {
      return Err(
          "marathon_sd: at most one of auth_token, auth_token_file & authorization must be "
          "configured");
    }
  }
  return v.http.Validate();
}

Status ValidateOpenstack(Values& v) {
  std::string_view role = v.Get("role");
  if (!role.empty() && role != "hypervisor" && role != "instance" && role != "loadbalancer") {
    return Err(fmt::format("unknown OpenStack SD role {}", util::GoQuote(role)));
  }
  std::string_view av = v.Get("availability");
  if (av != "public" && av != "internal" && av != "admin") {
    return Err(
        fmt::format("unknown availability {}, must be one of admin, internal or public", av));
  }
  if (role.empty()) return Err("role missing (one of: instance, hypervisor, loadbalancer)");
  if (v.Get("region").empty()) return Err("openstack SD configuration requires a region");
  return Status::Ok();
}

Status ValidateEC2(Values& v) {
  for (Values& f : v.children["filters"]) {
    if (f.ListSize("values") == 0) return Err("EC2 SD configuration filter values cannot be empty");
  }
  return v.http.Validate();
}

Status ValidateAws(Values& v) {
  std::string_view role = v.Get("role");
  static constexpr std::string_view kRoles[] = {"ec2",       "ecs", "elasticache",
                                                "lightsail", "msk", "rds"};
  if (std::find(std::begin(kRoles), std::end(kRoles), role) == std::end(kRoles)) {
    return Err(fmt::format("unknown AWS SD role {}", util::GoQuote(role)));
  }
  return ValidateEC2(v);
}

Status HttpOnly(Values& v) { return v.http.Validate(); }

Status ValidateAzure(Values& v) {
  auto need = [&](std::string_view k) -> Status {
    if (v.Get(k).empty()) return Err(fmt::format("azure SD configuration requires a {}", k));
    return Status::Ok();
  };
  PROMKIT_RETURN_IF_ERROR(need("subscription_id"));
  std::string_view m = v.Get("authentication_method");
  if (m == "OAuth") {
    PROMKIT_RETURN_IF_ERROR(need("tenant_id"));
    PROMKIT_RETURN_IF_ERROR(need("client_id"));
    PROMKIT_RETURN_IF_ERROR(need("client_secret"));
  }
  if (m != "OAuth" && m != "ManagedIdentity" && m != "SDK" && m != "WorkloadIdentity") {
    return Err(
        fmt::format("unknown authentication_type {}. Supported types are \"OAuth\", "
                    "\"ManagedIdentity\", \"SDK\" or \"WorkloadIdentity\"",
                    util::GoQuote(m)));
  }
  return v.http.Validate();
}

Status ValidateOci(Values& v) {
  if (v.Get("region").empty()) return Err("oci_sd: region is required");
  std::string_view auth = v.Get("auth");
  if (auth == "api_key") {
    for (std::string_view k : {"tenancy", "user", "fingerprint", "key_file"}) {
      if (v.Get(k).empty()) return Err(fmt::format("oci_sd: api_key auth requires {}", k));
    }
    if (!v.Get("key_passphrase").empty() && !v.Get("key_passphrase_file").empty()) {
      return Err(
          "oci_sd: at most one of key_passphrase and key_passphrase_file must be configured");
    }
  } else if (auth == "instance_principal") {
    for (std::string_view k :
         {"tenancy", "user", "fingerprint", "key_file", "key_passphrase", "key_passphrase_file"}) {
      if (!v.Get(k).empty()) {
        return Err(
            "oci_sd: instance_principal auth must not have tenancy, user, fingerprint, key_file, "
            "key_passphrase, or key_passphrase_file set");
      }
    }
  } else {
    return Err(fmt::format(
        "oci_sd: unknown auth method {}, expected \"api_key\" or \"instance_principal\"",
        util::GoQuote(auth)));
  }
  return v.http.Validate();
}

Status ValidatePuppetdb(Values& v) {
  PROMKIT_RETURN_IF_ERROR(CheckHttpUrl(v.Get("url")));
  if (v.Get("query").empty()) return Err("query missing");
  return v.http.Validate();
}

Status ValidateHttpSD(Values& v) {
  PROMKIT_RETURN_IF_ERROR(CheckHttpUrl(v.Get("url")));
  return v.http.Validate();
}

Status RoleIn(Values& v, std::initializer_list<std::string_view> roles, std::string_view missing) {
  std::string_view role = v.Get("role");
  if (!v.Has("role") || role.empty()) return Err(std::string(missing));
  if (std::find(roles.begin(), roles.end(), role) == roles.end()) {
    return Err(fmt::format("unknown role {}", util::GoQuote(role)));
  }
  return Status::Ok();
}

Status ValidateHetzner(Values& v) {
  PROMKIT_RETURN_IF_ERROR(RoleIn(v, {"robot", "hcloud"}, "role missing (one of: robot, hcloud)"));
  return v.http.Validate();
}

Status ValidateEureka(Values& v) {
  std::string_view server = v.Get("server");
  if (server.empty()) return Err("eureka_sd: empty or null eureka server");
  internal::ParsedUrl u = internal::ParseUrl(server);
  if (u.scheme.empty() || u.host.empty()) return Err("eureka_sd: invalid eureka server URL");
  return v.http.Validate();
}

Status SecretPair(Values& v) {
  bool key = !v.Get("secret_key").empty();
  bool file = !v.Get("secret_key_file").empty();
  if (!key && !file) return Err("one of secret_key & secret_key_file must be configured");
  if (key && file) return Err("at most one of secret_key & secret_key_file must be configured");
  return Status::Ok();
}

Status ValidateScaleway(Values& v) {
  PROMKIT_RETURN_IF_ERROR(
      RoleIn(v, {"instance", "baremetal"}, "role missing (one of: instance, baremetal)"));
  if (v.Get("project_id").empty()) return Err("project_id is mandatory");
  PROMKIT_RETURN_IF_ERROR(SecretPair(v));
  if (v.Get("access_key").empty()) return Err("access_key is mandatory");
  return v.http.Validate();
}

Status ValidateOutscale(Values& v) {
  if (v.Get("region").empty()) return Err("outscale SD configuration requires a region");
  if (v.Get("access_key").empty()) return Err("outscale SD configuration requires access_key");
  PROMKIT_RETURN_IF_ERROR(SecretPair(v));
  return v.http.Validate();
}

Status ValidateUyuni(Values& v) {
  if (v.Get("server").empty()) return Err("Uyuni SD configuration requires server host");
  if (v.Get("username").empty()) return Err("Uyuni SD configuration requires a username");
  if (v.Get("password").empty()) return Err("Uyuni SD configuration requires a password");
  return v.http.Validate();
}

Status ValidateIonos(Values& v) {
  if (v.Get("datacenter_id").empty()) return Err("datacenter id can't be empty");
  return v.http.Validate();
}

Status ValidateOvh(Values& v) {
  if (v.Get("endpoint").empty()) return Err("endpoint can not be empty");
  if (v.Get("application_key").empty()) return Err("application key can not be empty");
  if (v.Get("application_secret").empty()) return Err("application secret can not be empty");
  if (v.Get("consumer_key").empty()) return Err("consumer key can not be empty");
  std::string_view s = v.Get("service");
  if (s != "dedicated_server" && s != "vps") return Err(fmt::format("unknown service: {}", s));
  return Status::Ok();
}

Status ValidateStackit(Values& v) {
  std::string_view ep = v.Get("endpoint");
  if (ep.empty() && v.Get("region").empty()) return Err("stackit_sd: endpoint and region missing");
  // Go's url.Parse rejects a scheme-like prefix that starts with a digit or symbol and control
  // characters; the common mistake is a missing scheme with a colon ("1.2.3.4:80" parses).
  if (!ep.empty()) {
    bool bad = ep[0] == ':';
    for (char c : ep) bad = bad || static_cast<unsigned char>(c) < 0x20 || c == ' ';
    if (bad) {
      return Err(fmt::format("stackit_sd: invalid endpoint {}: parse {}: missing protocol scheme",
                             util::GoQuote(ep), util::GoQuote(ep)));
    }
  }
  return v.http.Validate();
}

Status ValidateConsul(Values& v) {
  if (util::TrimSpace(v.Get("server")).empty())
    return Err("consul SD configuration requires a server address");
  if ((!v.Get("username").empty() || !v.Get("password").empty()) && v.http.basic_auth) {
    return Err(
        "at most one of consul SD configuration username and password and basic auth can be "
        "configured");
  }
  if (!v.Get("token").empty() && (v.http.authorization || v.http.oauth2)) {
    return Err("at most one of consul SD token, authorization, or oauth2 can be configured");
  }
  return v.http.Validate();
}

Status ValidateDns(Values& v) {
  if (v.ListSize("names") == 0)
    return Err("DNS-SD config must contain at least one SRV record name");
  std::string t(v.Get("type"));
  for (char& c : t) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (t == "SRV") return Status::Ok();
  if (t == "A" || t == "AAAA" || t == "MX" || t == "NS") {
    std::string_view port = v.Get("port");
    if (port.empty() || port == "0")
      return Err("a port is required in DNS-SD configs for all record types except SRV");
    return Status::Ok();
  }
  return Err(fmt::format("invalid DNS-SD records type {}", v.Get("type")));
}

Status ValidateDigitalocean(Values& v) {
  std::string_view role = v.Get("role");
  if (v.Has("role") && role != "droplets" && role != "databases") {
    return Err(fmt::format("unknown DigitalOcean SD role {}", util::GoQuote(role)));
  }
  if (role.empty()) return Err("role missing (one of: droplets, databases)");
  return v.http.Validate();
}

Status ValidateDocker(Values& v) {
  if (v.Get("host").empty()) return Err("host missing");
  return v.http.Validate();
}

Status ValidateDockerswarm(Values& v) {
  if (v.Get("host").empty()) return Err("host missing");
  std::string_view role = v.Get("role");
  if (role.empty()) return Err("role missing (one of: tasks, services, nodes)");
  if (role != "services" && role != "nodes" && role != "tasks") {
    return Err(fmt::format("invalid role {}, expected tasks, services, or nodes", role));
  }
  return v.http.Validate();
}

Status ValidateNomad(Values& v) {
  if (util::TrimSpace(v.Get("server")).empty())
    return Err("nomad SD configuration requires a server address");
  return v.http.Validate();
}

Status ValidateTriton(Values& v) {
  std::string_view role = v.Get("role");
  if (role != "container" && role != "cn")
    return Err("triton SD configuration requires role to be 'container' or 'cn'");
  if (v.Get("account").empty()) return Err("triton SD configuration requires an account");
  if (v.Get("dns_suffix").empty()) return Err("triton SD configuration requires a dns_suffix");
  if (v.Get("endpoint").empty()) return Err("triton SD configuration requires an endpoint");
  std::string_view ri = v.Get("refresh_interval");
  if (ri == "0" || ri.empty())
    return Err("triton SD configuration requires RefreshInterval to be a positive integer");
  return Status::Ok();
}

Status ValidateGce(Values& v) {
  if (v.Get("project").empty()) return Err("GCE SD configuration requires a project");
  if (v.Get("zone").empty()) return Err("GCE SD configuration requires a zone");
  return Status::Ok();
}

Status ValidateKuma(Values& v) {
  std::string_view s = v.Get("server");
  if (s.empty()) return Err(fmt::format("kuma SD server must not be empty: {}", s));
  internal::ParsedUrl u = internal::ParseUrl(s);
  if (u.scheme.empty() || u.host.empty()) {
    return Err(fmt::format("kuma SD server must not be empty and have a scheme: {}", s));
  }
  return v.http.Validate();
}

template <const char* kName>
Status ValidateZookeeper(Values& v) {
  if (v.ListSize("servers") == 0)
    return Err(fmt::format("{} SD config must contain at least one Zookeeper server", kName));
  if (v.ListSize("paths") == 0)
    return Err(fmt::format("{} SD config must contain at least one path", kName));
  for (const std::string& p : v.lists["paths"]) {
    if (p.empty() || p[0] != '/')
      return Err(fmt::format("{} SD config paths must begin with '/': {}", kName, p));
  }
  return Status::Ok();
}
constexpr char kServerset[] = "serverset";
constexpr char kNerve[] = "nerve";

// Nested struct specs.
const std::map<std::string_view, std::pair<std::string_view, std::vector<FieldSpec>>>& Nested() {
  static const auto* kNested =
      new std::map<std::string_view, std::pair<std::string_view, std::vector<FieldSpec>>>{
          {"k8s_namespaces",
           {"kubernetes.plain",
            {{"own_namespace", Kind::kBool, ""}, {"names", Kind::kStrList, ""}}}},
          {"k8s_selector",
           {"kubernetes.SelectorConfig",
            {{"role", Kind::kStr, ""}, {"label", Kind::kStr, ""}, {"field", Kind::kStr, ""}}}},
          {"k8s_attach",
           {"kubernetes.AttachMetadataConfig",
            {{"node", Kind::kBool, ""}, {"namespace", Kind::kBool, ""}}}},
          {"aws_filter",
           {"aws.Filter", {{"name", Kind::kStr, ""}, {"values", Kind::kStrList, ""}}}},
          {"docker_filter",
           {"moby.Filter", {{"name", Kind::kStr, ""}, {"values", Kind::kStrList, ""}}}},
      };
  return *kNested;
}

std::vector<FieldSpec> Aws(std::initializer_list<FieldSpec> extra) {
  std::vector<FieldSpec> f = {{"region", Kind::kStr, ""},      {"endpoint", Kind::kStr, ""},
                              {"access_key", Kind::kStr, ""},  {"secret_key", Kind::kStr, ""},
                              {"profile", Kind::kStr, ""},     {"role_arn", Kind::kStr, ""},
                              {"external_id", Kind::kStr, ""}, {"refresh_interval", Kind::kDur, ""},
                              {"port", Kind::kInt, ""}};
  f.insert(f.end(), extra);
  return f;
}

const std::vector<SDSpec>& Specs() {
  static const auto* kSpecs = new std::vector<SDSpec>{
      {"aws_sd_configs",
       "aws.plain",
       true,
       Aws({{"role", Kind::kStr, ""},
            {"filters", Kind::kStructList, "aws_filter"},
            {"clusters", Kind::kStrList, ""},
            {"request_concurrency", Kind::kInt, ""}}),
       ValidateAws,
       {}},
      {"azure_sd_configs",
       "azure.plain",
       true,
       {{"environment", Kind::kStr, ""},
        {"port", Kind::kInt, ""},
        {"subscription_id", Kind::kStr, ""},
        {"tenant_id", Kind::kStr, ""},
        {"client_id", Kind::kStr, ""},
        {"client_secret", Kind::kStr, ""},
        {"refresh_interval", Kind::kDur, ""},
        {"authentication_method", Kind::kStr, ""},
        {"resource_group", Kind::kStr, ""}},
       ValidateAzure,
       {{"authentication_method", "OAuth"}}},
      {"consul_sd_configs",
       "consul.plain",
       true,
       {{"server", Kind::kStr, ""},
        {"path_prefix", Kind::kStr, ""},
        {"token", Kind::kStr, ""},
        {"datacenter", Kind::kStr, ""},
        {"namespace", Kind::kStr, ""},
        {"partition", Kind::kStr, ""},
        {"tag_separator", Kind::kStr, ""},
        {"scheme", Kind::kStr, ""},
        {"username", Kind::kStr, ""},
        {"password", Kind::kStr, ""},
        {"allow_stale", Kind::kBool, ""},
        {"refresh_interval", Kind::kDur, ""},
        {"services", Kind::kStrList, ""},
        {"tags", Kind::kStrList, ""},
        {"node_meta", Kind::kStrMap, ""},
        {"filter", Kind::kStr, ""},
        {"health_filter", Kind::kStr, ""}},
       ValidateConsul,
       {{"server", "localhost:8500"}}},
      {"digitalocean_sd_configs",
       "digitalocean.plain",
       true,
       {{"refresh_interval", Kind::kDur, ""}, {"port", Kind::kInt, ""}, {"role", Kind::kStr, ""}},
       ValidateDigitalocean,
       {{"role", "droplets"}}},
      {"docker_sd_configs",
       "moby.plain",
       true,
       {{"host", Kind::kStr, ""},
        {"port", Kind::kInt, ""},
        {"filters", Kind::kStructList, "docker_filter"},
        {"host_networking_host", Kind::kStr, ""},
        {"refresh_interval", Kind::kDur, ""},
        {"match_first_network", Kind::kBool, ""}},
       ValidateDocker,
       {}},
      {"dockerswarm_sd_configs",
       "moby.plain",
       true,
       {{"host", Kind::kStr, ""},
        {"role", Kind::kStr, ""},
        {"port", Kind::kInt, ""},
        {"filters", Kind::kStructList, "docker_filter"},
        {"refresh_interval", Kind::kDur, ""}},
       ValidateDockerswarm,
       {}},
      {"dns_sd_configs",
       "dns.plain",
       false,
       {{"names", Kind::kStrList, ""},
        {"refresh_interval", Kind::kDur, ""},
        {"type", Kind::kStr, ""},
        {"port", Kind::kInt, ""}},
       ValidateDns,
       {{"type", "SRV"}}},
      {"ec2_sd_configs",
       "aws.plain",
       true,
       Aws({{"filters", Kind::kStructList, "aws_filter"}}),
       ValidateEC2,
       {}},
      {"ecs_sd_configs",
       "aws.plain",
       true,
       Aws({{"clusters", Kind::kStrList, ""}, {"request_concurrency", Kind::kInt, ""}}),
       HttpOnly,
       {}},
      {"elasticache_sd_configs",
       "aws.plain",
       true,
       Aws({{"clusters", Kind::kStrList, ""}, {"request_concurrency", Kind::kInt, ""}}),
       HttpOnly,
       {}},
      {"eureka_sd_configs",
       "eureka.plain",
       true,
       {{"server", Kind::kStr, ""}, {"refresh_interval", Kind::kDur, ""}},
       ValidateEureka,
       {}},
      {"gce_sd_configs",
       "gce.plain",
       false,
       {{"project", Kind::kStr, ""},
        {"zone", Kind::kStr, ""},
        {"filter", Kind::kStr, ""},
        {"refresh_interval", Kind::kDur, ""},
        {"port", Kind::kInt, ""},
        {"tag_separator", Kind::kStr, ""}},
       ValidateGce,
       {}},
      {"hetzner_sd_configs",
       "hetzner.plain",
       true,
       {{"refresh_interval", Kind::kDur, ""},
        {"port", Kind::kInt, ""},
        {"role", Kind::kStr, ""},
        {"label_selector", Kind::kStr, ""}},
       ValidateHetzner,
       {}},
      {"http_sd_configs",
       "http.plain",
       true,
       {{"refresh_interval", Kind::kDur, ""}, {"url", Kind::kStr, ""}},
       ValidateHttpSD,
       {}},
      {"ionos_sd_configs",
       "ionos.plain",
       true,
       {{"datacenter_id", Kind::kStr, ""},
        {"refresh_interval", Kind::kDur, ""},
        {"port", Kind::kInt, ""}},
       ValidateIonos,
       {}},
      {"kubernetes_sd_configs",
       "kubernetes.plain",
       true,
       {{"api_server", Kind::kStr, ""},
        {"role", Kind::kStr, ""},
        {"kubeconfig_file", Kind::kStr, ""},
        {"namespaces", Kind::kStruct, "k8s_namespaces"},
        {"selectors", Kind::kStructList, "k8s_selector"},
        {"attach_metadata", Kind::kStruct, "k8s_attach"}},
       ValidateKubernetes,
       {}},
      {"kuma_sd_configs",
       "xds.plain",
       true,
       {{"server", Kind::kStr, ""},
        {"refresh_interval", Kind::kDur, ""},
        {"fetch_timeout", Kind::kDur, ""},
        {"client_id", Kind::kStr, ""}},
       ValidateKuma,
       {}},
      {"lightsail_sd_configs", "aws.plain", true, Aws({}), HttpOnly, {}},
      {"linode_sd_configs",
       "linode.plain",
       true,
       {{"refresh_interval", Kind::kDur, ""},
        {"port", Kind::kInt, ""},
        {"tag_separator", Kind::kStr, ""},
        {"region", Kind::kStr, ""}},
       HttpOnly,
       {}},
      {"marathon_sd_configs",
       "marathon.plain",
       true,
       {{"servers", Kind::kStrList, ""},
        {"refresh_interval", Kind::kDur, ""},
        {"auth_token", Kind::kStr, ""},
        {"auth_token_file", Kind::kStr, ""}},
       ValidateMarathon,
       {}},
      {"msk_sd_configs",
       "aws.plain",
       true,
       Aws({{"clusters", Kind::kStrList, ""}, {"request_concurrency", Kind::kInt, ""}}),
       HttpOnly,
       {}},
      {"nerve_sd_configs",
       "zookeeper.plain",
       false,
       {{"servers", Kind::kStrList, ""},
        {"paths", Kind::kStrList, ""},
        {"timeout", Kind::kDur, ""}},
       ValidateZookeeper<kNerve>,
       {}},
      {"nomad_sd_configs",
       "nomad.plain",
       true,
       {{"allow_stale", Kind::kBool, ""},
        {"namespace", Kind::kStr, ""},
        {"refresh_interval", Kind::kDur, ""},
        {"region", Kind::kStr, ""},
        {"server", Kind::kStr, ""},
        {"tag_separator", Kind::kStr, ""}},
       ValidateNomad,
       {}},
      {"oci_sd_configs",
       "oci.plain",
       true,
       {{"auth", Kind::kStr, ""},
        {"tenancy", Kind::kStr, ""},
        {"user", Kind::kStr, ""},
        {"fingerprint", Kind::kStr, ""},
        {"key_file", Kind::kStr, ""},
        {"key_passphrase", Kind::kStr, ""},
        {"key_passphrase_file", Kind::kStr, ""},
        {"region", Kind::kStr, ""},
        {"compartments", Kind::kStrList, ""},
        {"port", Kind::kInt, ""},
        {"refresh_interval", Kind::kDur, ""}},
       ValidateOci,
       {{"auth", "api_key"}}},
      {"openstack_sd_configs",
       "openstack.plain",
       false,
       {{"identity_endpoint", Kind::kStr, ""},
        {"username", Kind::kStr, ""},
        {"userid", Kind::kStr, ""},
        {"password", Kind::kStr, ""},
        {"project_name", Kind::kStr, ""},
        {"project_id", Kind::kStr, ""},
        {"domain_name", Kind::kStr, ""},
        {"domain_id", Kind::kStr, ""},
        {"application_credential_name", Kind::kStr, ""},
        {"application_credential_id", Kind::kStr, ""},
        {"application_credential_secret", Kind::kStr, ""},
        {"role", Kind::kStr, ""},
        {"region", Kind::kStr, ""},
        {"refresh_interval", Kind::kDur, ""},
        {"port", Kind::kInt, ""},
        {"all_tenants", Kind::kBool, ""},
        {"tls_config", Kind::kTLS, ""},
        {"availability", Kind::kStr, ""}},
       ValidateOpenstack,
       {{"availability", "public"}}},
      {"outscale_sd_configs",
       "outscale.plain",
       true,
       {{"endpoint", Kind::kStr, ""},
        {"region", Kind::kStr, ""},
        {"access_key", Kind::kStr, ""},
        {"secret_key", Kind::kStr, ""},
        {"secret_key_file", Kind::kStr, ""},
        {"refresh_interval", Kind::kDur, ""},
        {"port", Kind::kInt, ""}},
       ValidateOutscale,
       {}},
      {"ovhcloud_sd_configs",
       "ovhcloud.plain",
       false,
       {{"endpoint", Kind::kStr, ""},
        {"application_key", Kind::kStr, ""},
        {"application_secret", Kind::kStr, ""},
        {"consumer_key", Kind::kStr, ""},
        {"refresh_interval", Kind::kDur, ""},
        {"service", Kind::kStr, ""}},
       ValidateOvh,
       {{"endpoint", "ovh-eu"}}},
      {"puppetdb_sd_configs",
       "puppetdb.plain",
       true,
       {{"refresh_interval", Kind::kDur, ""},
        {"url", Kind::kStr, ""},
        {"query", Kind::kStr, ""},
        {"include_parameters", Kind::kBool, ""},
        {"port", Kind::kInt, ""}},
       ValidatePuppetdb,
       {}},
      {"rds_sd_configs",
       "aws.plain",
       true,
       Aws({{"clusters", Kind::kStrList, ""},
            {"filters", Kind::kStructList, "aws_filter"},
            {"request_concurrency", Kind::kInt, ""}}),
       HttpOnly,
       {}},
      {"scaleway_sd_configs",
       "scaleway.plain",
       true,
       {{"project_id", Kind::kStr, ""},
        {"api_url", Kind::kStr, ""},
        {"zone", Kind::kStr, ""},
        {"access_key", Kind::kStr, ""},
        {"secret_key", Kind::kStr, ""},
        {"secret_key_file", Kind::kStr, ""},
        {"name_filter", Kind::kStr, ""},
        {"tags_filter", Kind::kStrList, ""},
        {"refresh_interval", Kind::kDur, ""},
        {"port", Kind::kInt, ""},
        {"role", Kind::kStr, ""}},
       ValidateScaleway,
       {}},
      {"serverset_sd_configs",
       "zookeeper.plain",
       false,
       {{"servers", Kind::kStrList, ""},
        {"paths", Kind::kStrList, ""},
        {"timeout", Kind::kDur, ""}},
       ValidateZookeeper<kServerset>,
       {}},
      {"stackit_sd_configs",
       "stackit.plain",
       true,
       {{"project", Kind::kStr, ""},
        {"refresh_interval", Kind::kDur, ""},
        {"port", Kind::kInt, ""},
        {"region", Kind::kStr, ""},
        {"endpoint", Kind::kStr, ""},
        {"service_account_key", Kind::kStr, ""},
        {"private_key", Kind::kStr, ""},
        {"service_account_key_path", Kind::kStr, ""},
        {"private_key_path", Kind::kStr, ""},
        {"credentials_file_path", Kind::kStr, ""}},
       ValidateStackit,
       {{"region", "eu01"}}},
      {"triton_sd_configs",
       "triton.plain",
       false,
       {{"account", Kind::kStr, ""},
        {"role", Kind::kStr, ""},
        {"dns_suffix", Kind::kStr, ""},
        {"endpoint", Kind::kStr, ""},
        {"groups", Kind::kStrList, ""},
        {"port", Kind::kInt, ""},
        {"refresh_interval", Kind::kDur, ""},
        {"tls_config", Kind::kTLS, ""},
        {"version", Kind::kInt, ""}},
       ValidateTriton,
       {{"role", "container"}, {"refresh_interval", "60s"}}},
      {"uyuni_sd_configs",
       "uyuni.plain",
       true,
       {{"server", Kind::kStr, ""},
        {"username", Kind::kStr, ""},
        {"password", Kind::kStr, ""},
        {"entitlement", Kind::kStr, ""},
        {"separator", Kind::kStr, ""},
        {"refresh_interval", Kind::kDur, ""}},
       ValidateUyuni,
       {}},
      {"vultr_sd_configs",
       "vultr.plain",
       true,
       {{"refresh_interval", Kind::kDur, ""}, {"port", Kind::kInt, ""}},
       HttpOnly,
       {}},
  };
  return *kSpecs;
}

void DecodeFields(Decoder& d, const Node& n, std::string_view type,
                  const std::vector<FieldSpec>& specs, Values& v, bool http) {
  std::vector<Decoder::Field> fields;
  for (const FieldSpec& f : specs) {
    fields.push_back({f.name, [&d, &v, f](const Node& val) {
                        std::string key(f.name);
                        switch (f.kind) {
                          case Kind::kStr: {
                            std::string s;
                            if (d.Str(val, s))
                              v.str[key] = s;
                            else
                              v.str.erase(key);
                            break;
                          }
                          case Kind::kBool: {
                            bool b = false;
                            d.Bool(val, b);
                            v.str[key] = b ? "true" : "false";
                            break;
                          }
                          case Kind::kInt: {
                            int64_t i = 0;
                            d.Int(val, i);
                            v.str[key] = std::to_string(i);
                            break;
                          }
                          case Kind::kUint: {
                            uint64_t u = 0;
                            d.Uint(val, u);
                            v.str[key] = std::to_string(u);
                            break;
                          }
                          case Kind::kFloat: {
                            double x = 0;
                            d.Float(val, x);
                            v.str[key] = std::to_string(x);
                            break;
                          }
                          case Kind::kDur: {
                            int64_t ms = 0;
                            d.Duration(val, ms);
                            v.str[key] = std::to_string(ms);
                            break;
                          }
                          case Kind::kStrList: {
                            std::vector<std::string> l;
                            d.StrList(val, l);
                            v.lists[key] = l;
                            break;
                          }
                          case Kind::kStrMap: {
                            StringPairs m;
                            d.StrMap(val, m);
                            break;
                          }
                          case Kind::kTLS: {
                            TLSConfig t;
                            internal::DecodeTLS(d, val, t);
                            break;
                          }
                          case Kind::kAny:
                            break;
                          case Kind::kStruct:
                          case Kind::kStructList: {
                            const auto& nested = Nested().at(f.sub);
                            auto& list = v.children[key];
                            list.clear();
                            auto one = [&](const Node& item) {
                              list.emplace_back();
                              DecodeFields(d, item, nested.first, nested.second, list.back(),
                                           false);
                            };
                            if (f.kind == Kind::kStruct) {
                              one(val);
                            } else {
                              d.Seq(val, fmt::format("[]{}", nested.first), one);
                            }
                            break;
                          }
                        }
                      }});
  }
  if (http) fields = internal::Concat(std::move(fields), internal::HttpClientFields(d, v.http));
  d.Struct(n, type, fields);
}

}  // namespace

namespace internal {

std::vector<Decoder::Field> ServiceDiscoveryFields(Decoder& d, ServiceDiscoveryConfigs& sd) {
  std::vector<Decoder::Field> fields;
  fields.push_back({"static_configs", [&](const Node& n) {
                      d.Seq(n, "[]*targetgroup.Group", [&](const Node& item) {
                        if (item.IsNull()) {
                          d.Fail("empty or null section in static_configs");
                          return;
                        }
                        TargetGroup tg;
                        d.Struct(item,
                                 "struct { Targets []string \"yaml:\\\"targets\\\"\"; Labels "
                                 "model.LabelSet \"yaml:\\\"labels\\\"\" }",
                                 {
                                     {"targets", [&](const Node& v) { d.StrList(v, tg.targets); }},
                                     {"labels",
                                      [&](const Node& v) {
                                        // model.LabelSet: names are checked as they are read.
                                        if (v.IsMap()) {
                                          for (size_t i = 0; i < v.items.size(); i += 2) {
                                            const Node& k = v.items[i];
                                            if (k.IsScalar() && !d.failed() &&
                                                !model::IsValidLabelName(k.value)) {
                                              d.Fail(fmt::format("{} is not a valid label name",
                                                                 util::GoQuote(k.value)));
                                              return;
                                            }
                                          }
                                        }
                                        d.StrMap(v, tg.labels, "model.LabelSet");
                                      }},
                                 });
                        sd.static_configs.push_back(std::move(tg));
                      });
                    }});
  fields.push_back(
      {"file_sd_configs", [&](const Node& n) {
         d.Seq(n, "[]*file.SDConfig", [&](const Node& item) {
           if (item.IsNull()) {
             d.Fail("empty or null section in file_sd_configs");
             return;
           }
           FileSDConfig f;
           size_t mark = d.mark();
           d.Struct(item, "file.plain",
                    {
                        {"files", [&](const Node& v) { d.StrList(v, f.files); }},
                        {"refresh_interval",
                         [&](const Node& v) { d.Duration(v, f.refresh_interval_ms); }},
                    });
           if (d.mark() == mark && !d.failed()) {
             if (f.files.empty()) {
               d.Fail("file service discovery config must contain at least one path name");
             }
             for (const std::string& name : f.files) {
               // filepath.Base must match *.json, *.yml or *.yaml (globs allowed).
               std::string_view base = name;
               size_t slash = base.rfind('/');
               if (slash != std::string_view::npos) base.remove_prefix(slash + 1);
               auto ends = [&](std::string_view suffix) {
                 return base.size() > suffix.size() &&
                        base.substr(base.size() - suffix.size()) == suffix;
               };
               if (!d.failed() && !ends(".json") && !ends(".yml") && !ends(".yaml")) {
                 d.Fail(fmt::format("path name {} is not valid for file discovery",
                                    util::GoQuote(name)));
               }
             }
           }
           sd.file_sd_configs.push_back(std::move(f));
         });
       }});
  for (const SDSpec& spec : Specs()) {
    fields.push_back({spec.key, [&d, &sd, &spec](const Node& n) {
                        d.Seq(n, fmt::format("[]*{}", spec.type), [&](const Node& item) {
                          if (item.IsNull()) {
                            d.Fail(fmt::format("empty or null section in {}", spec.key));
                            return;
                          }
                          Values v;
                          for (const auto& [k, val] : spec.defaults) v.str[std::string(k)] = val;
                          size_t mark = d.mark();
                          DecodeFields(d, item, spec.type, spec.fields, v, spec.http);
                          if (d.mark() == mark && !d.failed()) d.Fail(spec.validate(v));
                          if (spec.key == "http_sd_configs") {
                            HTTPSDConfig h;
                            h.url = std::string(v.Get("url"));
                            if (v.Has("refresh_interval"))
                              h.refresh_interval_ms =
                                  std::stoll(std::string(v.Get("refresh_interval")));
                            h.http = v.http;
                            sd.http_sd_configs.push_back(std::move(h));
                          } else if (spec.key == "dns_sd_configs") {
                            DNSSDConfig c;
                            auto names = v.lists.find("names");
                            if (names != v.lists.end()) c.names = names->second;
                            c.type = std::string(v.Get("type"));
                            for (char& ch : c.type)
                              ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
                            if (v.Has("port")) c.port = std::stoi(std::string(v.Get("port")));
                            if (v.Has("refresh_interval"))
                              c.refresh_interval_ms =
                                  std::stoll(std::string(v.Get("refresh_interval")));
                            sd.dns_sd_configs.push_back(std::move(c));
                          }
                          sd.others.push_back(OtherSDConfig{std::string(spec.key), v.http});
                        });
                      }});
  }
  return fields;
}

}  // namespace internal

util::Result<std::vector<TargetGroup>> ReadTargetGroupsFile(const std::string& path) {
  auto ends = [&](std::string_view suffix) {
    return path.size() >= suffix.size() &&
           path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (!ends(".json") && !ends(".yml") && !ends(".yaml")) {
    return util::Status::InvalidArgument(fmt::format(
        "invalid file extension: {}",
        util::GoQuote(
            path.substr(path.rfind('.') == std::string::npos ? path.size() : path.rfind('.')))));
  }
  PROMKIT_ASSIGN_OR_RETURN(std::string text, util::ReadFile(path));
  return ParseTargetGroupsYaml(text);
}

util::Result<std::vector<TargetGroup>> ParseTargetGroupsYaml(std::string_view text) {
  PROMKIT_ASSIGN_OR_RETURN(Node root, internal::ParseYaml(text));
  Decoder d;
  std::vector<TargetGroup> groups;
  d.Seq(root, "[]*targetgroup.Group", [&](const Node& item) {
    if (item.IsNull()) {
      d.Fail("nil target group item found");
      return;
    }
    TargetGroup tg;
    d.Struct(item,
             "struct { Targets []string \"yaml:\\\"targets\\\"\"; Labels model.LabelSet "
             "\"yaml:\\\"labels\\\"\" }",
             {{"targets", [&](const Node& v) { d.StrList(v, tg.targets); }},
              {"labels", [&](const Node& v) { d.StrMap(v, tg.labels, "model.LabelSet"); }}});
    for (const auto& [name, value] : tg.labels) {
      if (!d.failed() && !model::IsValidLabelName(name)) {
        d.Fail(fmt::format("{} is not a valid label name", util::GoQuote(name)));
      }
    }
    groups.push_back(std::move(tg));
  });
  PROMKIT_RETURN_IF_ERROR(d.Finish());
  return groups;
}

}  // namespace promkit::config

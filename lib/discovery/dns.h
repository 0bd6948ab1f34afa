#pragma once
// dns_sd_configs (upstream discovery/dns): one group per configured name (source = the name),
// one target per answer record: SRV -> "<target>:<port>", MX/NS -> "<host>:<port from config>",
// A/AAAA -> "<address>:<port>", with __meta_dns_name (the name as configured) and the record's
// __meta_dns_{srv_record_target,srv_record_port,mx_record_target,ns_record_target} (empty for the
// other types). CNAMEs in an answer are skipped.
//
// Names are looked up as upstream's lookupWithSearchPath does with miekg/dns: resolv.conf's
// servers, search list and ndots; each candidate name asked of the servers in turn (UDP with
// EDNS0, TCP again when truncated) until one answers NOERROR or NXDOMAIN; the first NOERROR
// answer wins, NXDOMAIN everywhere is an empty answer, anything else an error.
// Thread-safety: DnsDiscovery is single-threaded; LookupWithSearchPath is reentrant.

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"
#include "discovery/dns_message.h"
#include "discovery/target_group.h"
#include "util/status.h"

namespace promkit::discovery {

inline constexpr std::string_view kDnsNameLabel = "__meta_dns_name";
inline constexpr std::string_view kDnsSrvTargetLabel = "__meta_dns_srv_record_target";
inline constexpr std::string_view kDnsSrvPortLabel = "__meta_dns_srv_record_port";
inline constexpr std::string_view kDnsMxTargetLabel = "__meta_dns_mx_record_target";
inline constexpr std::string_view kDnsNsTargetLabel = "__meta_dns_ns_record_target";

// The parts of resolv.conf upstream uses (miekg/dns ClientConfigFromFile).
struct ResolvConf {
  std::vector<std::string> servers;
  std::vector<std::string> search;
  int ndots = 1;
  int port = 53;
  // The names to try for `name`, in order (miekg/dns ClientConfig.NameList).
  std::vector<std::string> NameList(std::string_view name) const;
};

// Parses resolv.conf text: nameserver, domain, search and options ndots:N lines.
ResolvConf ParseResolvConf(std::string_view text);

struct DnsOptions {
  std::string resolv_conf = "/etc/resolv.conf";
  // When non-zero, replaces resolv.conf's port (53) for every server; for tests that run a
  // server on an unprivileged port.
  int port = 0;
  // Per exchange (miekg/dns Client's default read timeout); the caller's deadline also bounds it.
  int64_t exchange_timeout_ms = 2000;
};

// Resolves `name` of `type` as described above, within `timeout_ms`.
util::Result<DnsMessage> LookupWithSearchPath(std::string_view name, DnsType type,
                                              const DnsOptions& opts, int64_t timeout_ms);

// One query of one server (an IPv4 or IPv6 address) on `port`: UDP with EDNS0, then TCP
// without when the answer came back truncated.
util::Result<DnsMessage> Exchange(const std::string& server, int port, std::string_view fqdn,
                                  DnsType type, int64_t timeout_ms);

class DnsDiscovery {
 public:
  DnsDiscovery(config::DNSSDConfig cfg, DnsOptions opts)
      : cfg_(std::move(cfg)), opts_(std::move(opts)) {}

  // Looks every name up. Returns one group per name that resolved; lookup failures are
  // appended to `errors` ("<cause>") and their names skipped, as upstream logs and skips them.
  std::vector<TargetGroup> Refresh(int64_t timeout_ms, std::vector<std::string>& errors);

 private:
  config::DNSSDConfig cfg_;
  DnsOptions opts_;
};

}  // namespace promkit::discovery

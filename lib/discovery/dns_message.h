#pragma once
// DNS messages (RFC 1035, EDNS0 from RFC 6891) as far as dns_sd needs them: building a query for
// one name and type, and decoding a response's header and answer section (A, AAAA, SRV, MX, NS,
// CNAME; other types are kept with their type only). Names are decoded with compression
// pointers followed (bounded, so loops fail) and printed in presentation form, rooted with a
// final dot, special characters escaped as miekg/dns prints them ("\." inside a label, "\DDD"
// for unprintable bytes).
// Pure functions; thread-safe.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace promkit::discovery {

enum class DnsType : uint16_t {
  kA = 1,
  kNS = 2,
  kCNAME = 5,
  kMX = 15,
  kAAAA = 28,
  kSRV = 33,
  kOPT = 41,
};

inline constexpr int kRcodeSuccess = 0;
inline constexpr int kRcodeNameError = 3;

struct DnsRecord {
  std::string name;  // owner, presentation form
  uint16_t type = 0;
  uint16_t klass = 0;
  uint32_t ttl = 0;
  std::string address;  // A/AAAA: as Go's net.IP.String() prints it
  std::string target;   // SRV target, MX exchange, NS or CNAME name (presentation, rooted)
  uint16_t port = 0;    // SRV
  uint16_t priority = 0, weight = 0;  // SRV; priority is MX's preference
};

struct DnsMessage {
  uint16_t id = 0;
  bool response = false;
  bool truncated = false;
  int rcode = 0;  // with the EDNS0 extended bits when an OPT record carries them
  std::vector<DnsRecord> answers;
};

// "DnsType" from its name ("SRV", "A", ...); InvalidArgument for others.
util::Result<DnsType> ParseDnsType(std::string_view name);

// A recursive query for `fqdn` (rooted or not; "." is the root) of `type`; with `edns` an OPT
// record advertising `udp_size`. Fails for names with an empty or over-long label.
util::Result<std::string> EncodeDnsQuery(uint16_t id, std::string_view fqdn, DnsType type,
                                         bool edns, uint16_t udp_size = 4096);

// Decodes a message. Corruption for anything malformed (short reads, bad pointers, rdata
// lengths that disagree with their record).
util::Result<DnsMessage> DecodeDnsMessage(std::span<const uint8_t> wire);

// Go's net.JoinHostPort: "[host]:port" when the host holds a colon.
std::string JoinHostPort(std::string_view host, int port);

}  // namespace promkit::discovery

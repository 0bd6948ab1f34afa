// Fuzzes the DNS response decoder (names with compression pointers, SRV/MX/NS/A/AAAA rdata)
// and the query encoder with names taken from the input: arbitrary bytes never crash them.
#include <cstdint>
#include <span>
#include <string_view>

#include "discovery/dns_message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto m = promkit::discovery::DecodeDnsMessage(std::span<const uint8_t>(data, size));
  if (m.ok()) {
    for (const auto& rec : m->answers) {
      (void)promkit::discovery::EncodeDnsQuery(1, rec.name, promkit::discovery::DnsType::kSRV,
                                               true);
      (void)promkit::discovery::EncodeDnsQuery(2, rec.target, promkit::discovery::DnsType::kA,
                                               false);
    }
  }
  const std::string_view name(reinterpret_cast<const char*>(data), size);
  (void)promkit::discovery::EncodeDnsQuery(3, name, promkit::discovery::DnsType::kMX, true);
  return 0;
}

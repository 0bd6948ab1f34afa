#pragma once
// CRC-32C (Castagnoli polynomial, reflected 0x82F63B78), the checksum of Prometheus's index
// sections, chunks, tombstones and WAL records (Go's crc32.MakeTable(crc32.Castagnoli)).
// Pure functions; thread-safe.

#include <cstdint>
#include <string_view>

namespace promkit::util {

// Continues a running checksum: Crc32c(b, Crc32c(a)) == Crc32c(a + b). Start with 0.
uint32_t Crc32c(std::string_view data, uint32_t crc = 0);

}  // namespace promkit::util

#pragma once
// MD5 (RFC 1321), only because hashmod relabeling must give Prometheus's exact values. Not for
// security. Pure function; thread-safe.

#include <array>
#include <cstdint>
#include <string_view>

namespace promkit::relabel {

std::array<uint8_t, 16> Md5(std::string_view data);

}  // namespace promkit::relabel

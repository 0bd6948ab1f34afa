#pragma once
// Byte sizes in alecthomas/units' Base2Bytes notation ("10MB", "1GiB"; every unit is a power of
// 1024), as Prometheus's body_size_limit. Pure functions, thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

#include "util/status.h"

namespace promkit::scrape {

// alecthomas/units.ParseBase2Bytes ("1.5KiB", "10MB", "1GB512MB"), both the "KiB" and the older
// "KB" spellings meaning 1024. A bare non-negative integer is taken as bytes (promkit extension
// for convenience; upstream insists on a unit except for "0").
util::Result<int64_t> ParseBase2Bytes(std::string_view s);

// units.Base2Bytes.String(): "10MiB", "1KiB512B", "0B".
std::string FormatBase2Bytes(int64_t n);

}  // namespace promkit::scrape

#pragma once
// Non-cryptographic hashing for in-memory tables (label sets, symbols). Values are never shown
// to users nor stored on disk, so the function may change between versions.

#include <cstdint>
#include <string_view>

namespace promkit::util {

// XXH64 of `data` with `seed`.
uint64_t Hash64(std::string_view data, uint64_t seed = 0);

}  // namespace promkit::util

#pragma once
// File-system helpers for tests that drive the promkit binary over fixture trees.

#include <filesystem>
#include <string>
#include <vector>

namespace promkit::testutil {

// The lines of `s` without their '\n'; a final line without one counts, an empty string has none.
std::vector<std::string> Lines(const std::string& s);

// The entries of `dir`, sorted by path; none when `dir` does not exist.
std::vector<std::filesystem::path> ListDir(const std::filesystem::path& dir);

// `dir`/`name` as a symlink to `binary` (`dir` created, a stale link replaced), so that
// the binary can be invoked under another argv[0], as installed. Returns the link's path.
std::filesystem::path LinkBinary(const std::filesystem::path& binary,
                                 const std::filesystem::path& dir, const std::string& name);

}  // namespace promkit::testutil

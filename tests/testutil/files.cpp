#include "testutil/files.h"

#include <algorithm>
#include <system_error>

namespace promkit::testutil {

namespace fs = std::filesystem;

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string::npos) nl = s.size();
    out.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

std::vector<fs::path> ListDir(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

fs::path LinkBinary(const fs::path& binary, const fs::path& dir, const std::string& name) {
  fs::path link = dir / name;
  std::error_code ec;
  // A link left by an earlier run with the same pid may point at another build's binary.
  if (fs::is_symlink(fs::symlink_status(link, ec)) && fs::read_symlink(link, ec) == binary) {
    return link;
  }
  fs::create_directories(dir);
  fs::remove(link, ec);
  fs::create_symlink(binary, link);
  return link;
}

}  // namespace promkit::testutil

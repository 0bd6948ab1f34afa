#pragma once
// Helpers for the TSDB tests: fixture paths, scratch copies of blocks, draining queriers.

#include <filesystem>
#include <string>
#include <vector>

#include "storage/interface.h"

namespace promkit::tsdb::testing {

inline std::string Fixture(const std::string& rel) {
  return std::string(PROMKIT_SOURCE_DIR) + "/testdata/tsdb/" + rel;
}

// A fresh directory under the system temp dir, removed when the object dies.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  const std::string& path() const { return path_; }
  // Copies a fixture (file or directory tree) into the scratch dir; returns the copy's path.
  std::string CopyFixture(const std::string& rel, const std::string& as = "") const;

 private:
  std::string path_;
};

std::string ReadAll(const std::string& path);
void WriteAll(const std::string& path, const std::string& data);

// promtool's dump lines ("<labels> <value> <ts>") of a series set, in order.
std::vector<std::string> DumpLines(storage::SeriesSet& ss, util::Status* err);

std::vector<std::string> SortedLines(const std::string& text);

}  // namespace promkit::tsdb::testing

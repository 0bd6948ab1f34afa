#include "tsdb_test_util.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <sstream>

#include "util/numbers.h"

namespace promkit::tsdb::testing {

namespace fs = std::filesystem;

ScratchDir::ScratchDir() {
  static std::atomic<int> counter{0};
  path_ = (fs::temp_directory_path() /
           ("promkit-tsdb-" + std::to_string(getpid()) + "-" + std::to_string(counter++)))
              .string();
  fs::remove_all(path_);
  fs::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string ScratchDir::CopyFixture(const std::string& rel, const std::string& as) const {
  fs::path to = fs::path(path_) / (as.empty() ? fs::path(rel).filename().string() : as);
  fs::copy(Fixture(rel), to, fs::copy_options::recursive);
  return to.string();
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteAll(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

std::vector<std::string> DumpLines(storage::SeriesSet& ss, util::Status* err) {
  std::vector<std::string> out;
  while (ss.Next()) {
    std::unique_ptr<storage::SampleIterator> it = ss.At().Iterator();
    model::Histogram h;
    model::FloatHistogram fh;
    for (auto t = it->Next(); t != storage::ValueType::kNone; t = it->Next()) {
      std::string v;
      if (t == storage::ValueType::kHistogram) {
        it->AtHistogram(&h);
        v = h.String();
      } else if (t == storage::ValueType::kFloatHistogram) {
        it->AtFloatHistogram(&fh);
        v = fh.String();
      } else {
        v = util::FormatFloat(it->AtFloat());
      }
      out.push_back(ss.At().Labels().ToString() + " " + v + " " + std::to_string(it->AtT()));
    }
    if (!it->Err().ok()) {
      *err = it->Err();
      return out;
    }
  }
  *err = ss.Err();
  return out;
}

std::vector<std::string> SortedLines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace promkit::tsdb::testing

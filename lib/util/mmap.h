#pragma once
// A whole file mapped read-only into memory (TSDB blocks: index and chunk segments). The bytes
// stay valid while the MappedFile lives; share it with shared_ptr when readers outlive the
// opener. An empty file maps to an empty view. Thread-safety: immutable after Open; any thread.

#include <memory>
#include <string>
#include <string_view>

#include "util/status.h"

namespace promkit::util {

class MappedFile {
  struct Key {};  // only Open() constructs

 public:
  // Errors as Go's *PathError: "open <path>: no such file or directory" (NotFound), else IoError.
  static Result<std::unique_ptr<MappedFile>> Open(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::string_view data() const { return {static_cast<const char*>(addr_), size_}; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }
  // Lets this process's resident memory drop the mapped pages of [0, n) (rounded down to whole
  // pages); they are read from the file again if touched. For sequential readers of big files.
  void ReleasePrefix(size_t n) const;

  MappedFile(Key, std::string path, void* addr, size_t size)
      : path_(std::move(path)), addr_(addr), size_(size) {}

 private:
  std::string path_;
  void* addr_;
  size_t size_;
};

}  // namespace promkit::util

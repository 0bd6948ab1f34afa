#include "util/mmap.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <system_error>

namespace promkit::util {
namespace {

Status PathError(std::string_view op, const std::string& path, int err) {
  std::string text = std::generic_category().message(err);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  std::string msg = std::string(op) + " " + path + ": " + text;
  if (err == ENOENT) return Status::NotFound(std::move(msg));
  return Status::IoError(std::move(msg));
}

}  // namespace

Result<std::unique_ptr<MappedFile>> MappedFile::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return PathError("open", path, errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return PathError("stat", path, err);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return PathError("read", path, EISDIR);
  }
  size_t size = static_cast<size_t>(st.st_size);
  void* addr = nullptr;
  if (size > 0) {
    addr = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
    if (addr == MAP_FAILED) {
      int err = errno;
      ::close(fd);
      return PathError("mmap", path, err);
    }
  }
  ::close(fd);  // the mapping keeps the file alive
  return std::make_unique<MappedFile>(Key{}, path, addr, size);
}

void MappedFile::ReleasePrefix(size_t n) const {
  const auto page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  n = std::min(n, size_) / page * page;
  if (addr_ != nullptr && n > 0) ::madvise(addr_, n, MADV_DONTNEED);
}

MappedFile::~MappedFile() {
  if (addr_ != nullptr) ::munmap(addr_, size_);
}

}  // namespace promkit::util

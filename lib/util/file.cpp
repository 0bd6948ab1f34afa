#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <system_error>
#include <utility>
#include <vector>

namespace promkit::util {
namespace {

Status PathError(std::string_view op, const std::string& path, int err) {
  std::string msg = std::string(op) + " " + path + ": " + ErrnoText(err);
  if (err == ENOENT) return Status::NotFound(std::move(msg));
  return Status::IoError(std::move(msg));
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Append(std::string_view data) override {
    if (fd_ < 0) return PathError("write", path_, EBADF);
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return PathError("write", path_, errno);
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  }

  Status Sync() override {
    if (fd_ < 0) return PathError("sync", path_, EBADF);
    if (::fsync(fd_) != 0) return PathError("sync", path_, errno);
    return Status::Ok();
  }

  Status Close() override {
    if (fd_ < 0) return Status::Ok();
    const int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0) return PathError("close", path_, errno);
    return Status::Ok();
  }

 private:
  std::string path_;
  int fd_;
};

class PosixEnv final : public Env {
 public:
  Result<std::string> ReadFile(const std::string& path) override {
    int fd;
    do {
      fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return PathError("open", path, errno);
    std::string out;
    struct stat st;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      out.reserve(static_cast<size_t>(st.st_size));
    }
    char buf[64 * 1024];
    for (;;) {
      ssize_t n = ::read(fd, buf, sizeof(buf));
      if (n < 0) {
        if (errno == EINTR) continue;
        const int err = errno;
        ::close(fd);
        return PathError("read", path, err);
      }
      if (n == 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return out;
  }

  Result<std::unique_ptr<WritableFile>> NewExclusiveFile(const std::string& path) override {
    int fd;
    do {
      fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return PathError("open", path, errno);
    return std::unique_ptr<WritableFile>(std::make_unique<PosixWritableFile>(path, fd));
  }

  Status RenameFile(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      // Go's *LinkError: "rename <from> <to>: <reason>".
      return Status::IoError("rename " + from + " " + to + ": " + ErrnoText(errno));
    }
    return Status::Ok();
  }

  Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return PathError("remove", path, errno);
    return Status::Ok();
  }

  Status SyncDir(const std::string& dir) override {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return PathError("open", dir, errno);
    Status st;
    if (::fsync(fd) != 0) st = PathError("sync", dir, errno);
    ::close(fd);
    return st;
  }
};

std::string DirOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Env* Env::Default() {
  static PosixEnv env;
  return &env;
}

Result<std::string> ReadFile(const std::string& path, Env* env) { return env->ReadFile(path); }

Status WriteFileAtomic(const std::string& path, std::string_view data, Env* env) {
  static std::atomic<uint64_t> counter{0};
  const std::string dir = DirOf(path);
  const size_t slash = path.rfind('/');
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  if (base.empty()) return Status::InvalidArgument("write " + path + ": is a directory");
  const std::string prefix = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  const std::string tmp = prefix + "." + base + ".tmp-" + std::to_string(::getpid()) + "-" +
                          std::to_string(counter.fetch_add(1));
  PROMKIT_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, env->NewExclusiveFile(tmp));
  Status st = file->Append(data);
  if (st.ok()) st = file->Sync();
  if (st.ok()) {
    st = file->Close();
  } else {
    (void)file->Close();
  }
  file.reset();
  if (st.ok()) st = env->RenameFile(tmp, path);
  if (!st.ok()) {
    (void)env->RemoveFile(tmp);  // best effort; the first error is the one to report
    return st;
  }
  return env->SyncDir(dir);
}

// FaultInjectionEnv ---------------------------------------------------------------------------

class FaultInjectionEnv::File final : public WritableFile {
 public:
  File(FaultInjectionEnv* env, std::unique_ptr<WritableFile> base, std::string path, int64_t budget)
      : env_(env), base_(std::move(base)), path_(std::move(path)), budget_(budget) {}

  Status Append(std::string_view data) override {
    if (budget_ >= 0 && static_cast<int64_t>(data.size()) > budget_) {
      const auto fits = static_cast<size_t>(budget_);
      budget_ = 0;
      PROMKIT_RETURN_IF_ERROR(base_->Append(data.substr(0, fits)));
      return Status::IoError("write " + path_ + ": short write");
    }
    if (budget_ >= 0) budget_ -= static_cast<int64_t>(data.size());
    return base_->Append(data);
  }
  Status Sync() override {
    if (env_->fail_sync_) return Status::IoError("sync " + path_ + ": input/output error");
    return base_->Sync();
  }
  Status Close() override {
    Status st = base_->Close();
    if (env_->fail_close_) return Status::IoError("close " + path_ + ": input/output error");
    return st;
  }

 private:
  FaultInjectionEnv* env_;
  std::unique_ptr<WritableFile> base_;
  std::string path_;
  int64_t budget_;
};

Result<std::string> FaultInjectionEnv::ReadFile(const std::string& path) {
  return base_->ReadFile(path);
}

Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::NewExclusiveFile(const std::string& path) {
  if (fail_open_) return Status::IoError("open " + path + ": permission denied");
  PROMKIT_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> base, base_->NewExclusiveFile(path));
  return std::unique_ptr<WritableFile>(
      std::make_unique<File>(this, std::move(base), path, short_write_after_.load()));
}

Status FaultInjectionEnv::RenameFile(const std::string& from, const std::string& to) {
  if (fail_rename_) return Status::IoError("rename " + from + " " + to + ": input/output error");
  return base_->RenameFile(from, to);
}

Status FaultInjectionEnv::RemoveFile(const std::string& path) {
  if (fail_remove_) return Status::IoError("remove " + path + ": input/output error");
  return base_->RemoveFile(path);
}

Status FaultInjectionEnv::SyncDir(const std::string& dir) {
  if (fail_sync_dir_) return Status::IoError("sync " + dir + ": input/output error");
  return base_->SyncDir(dir);
}

std::string CleanPath(std::string_view path) {
  const bool rooted = !path.empty() && path[0] == '/';
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view el = path.substr(i, j - i);
    i = j + 1;
    if (el.empty() || el == ".") continue;
    if (el == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back(el);
      }
      continue;
    }
    parts.push_back(el);
  }
  std::string out = rooted ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k > 0) out += '/';
    out += parts[k];
  }
  return out.empty() ? "." : out;
}

std::string ErrnoText(int err) {
  std::string msg = std::generic_category().message(err);
  if (!msg.empty()) msg[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(msg[0])));
  return msg;
}

Status MkdirAll(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::Ok();
    return PathError("mkdir", path, ENOTDIR);
  }
  size_t end = path.size();
  while (end > 1 && path[end - 1] == '/') --end;
  size_t slash = end == 0 ? std::string::npos : path.rfind('/', end - 1);
  if (slash != std::string::npos && slash > 0) {
    PROMKIT_RETURN_IF_ERROR(MkdirAll(path.substr(0, slash)));
  }
  if (::mkdir(path.c_str(), 0777) != 0) {
    const int err = errno;
    if (::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return Status::Ok();
    return PathError("mkdir", path, err);
  }
  return Status::Ok();
}

}  // namespace promkit::util

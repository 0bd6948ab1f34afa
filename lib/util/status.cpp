#include "util/status.h"

#include <cstdio>
#include <cstdlib>

namespace promkit::util {

std::string_view CodeName(Code code) {
  switch (code) {
    case Code::kOk:
      return "OK";
    case Code::kInvalidArgument:
      return "InvalidArgument";
    case Code::kNotFound:
      return "NotFound";
    case Code::kCorruption:
      return "Corruption";
    case Code::kIoError:
      return "IoError";
    case Code::kCanceled:
      return "Canceled";
    case Code::kInternal:
      return "Internal";
  }
  return "Unknown";
}

Status Status::Wrap(std::string_view context) const& {
  Status copy(*this);
  return std::move(copy).Wrap(context);
}

Status Status::Wrap(std::string_view context) && {
  if (ok()) return Status();
  std::string msg;
  msg.reserve(context.size() + 2 + rep_->msg.size());
  msg.append(context).append(": ").append(rep_->msg);
  rep_->msg = std::move(msg);
  return std::move(*this);
}

namespace internal {

CheckFailure::CheckFailure(const char* file, int line, const char* cond) {
  os_ << file << ":" << line << ": check failed: " << cond << ": ";
}

CheckFailure::~CheckFailure() {
  std::string msg = os_.str();
  std::fprintf(stderr, "%s\n", msg.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace internal
}  // namespace promkit::util

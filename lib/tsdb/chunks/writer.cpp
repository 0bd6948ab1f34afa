#include "tsdb/chunks/writer.h"

#include <fmt/core.h>

#include "util/crc32c.h"
#include "util/varint.h"

namespace promkit::tsdb::chunks {

Writer::Writer(std::string dir, uint64_t segment_size, util::Env* env)
    : dir_(std::move(dir)), segment_size_(segment_size), env_(env) {}

Writer::~Writer() { (void)Close(); }

util::Status Writer::Cut() {
  if (file_) {
    if (util::Status st = file_->Sync(); !st.ok()) return st;
    if (util::Status st = file_->Close(); !st.ok()) return st;
    file_.reset();
  }
  segment_++;
  util::Result<std::unique_ptr<util::WritableFile>> f =
      env_->NewExclusiveFile(fmt::format("{}/{:06d}", dir_, segment_));
  if (!f.ok()) return f.status();
  file_ = std::move(*f);
  std::string header;
  util::PutBigEndian32(header, kMagicChunks);
  header.push_back(static_cast<char>(kChunksFormatV1));
  header.append(3, '\0');
  pos_ = header.size();
  return file_->Append(header);
}

util::Result<ChunkRef> Writer::Write(chunkenc::Encoding enc, std::string_view data) {
  buf_.clear();
  util::PutUvarint(buf_, data.size());
  const size_t enc_at = buf_.size();
  buf_.push_back(static_cast<char>(enc));
  buf_.append(data);
  util::PutBigEndian32(buf_, util::Crc32c(std::string_view(buf_).substr(enc_at)));
  if (!file_ || (pos_ > kSegmentHeaderSize && pos_ + buf_.size() > segment_size_)) {
    if (util::Status st = Cut(); !st.ok()) return st;
  }
  const ChunkRef ref = MakeChunkRef(segment_ - 1, static_cast<uint32_t>(pos_));
  if (util::Status st = file_->Append(buf_); !st.ok()) return st;
  pos_ += buf_.size();
  return ref;
}

util::Status Writer::Close() {
  if (!file_) return util::Status::Ok();
  util::Status st = file_->Sync();
  util::Status cst = file_->Close();
  file_.reset();
  return st.ok() ? cst : st;
}

}  // namespace promkit::tsdb::chunks

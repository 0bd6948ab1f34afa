// Damaged blocks: every failure is an error naming the file (and the byte offset where there is
// one), never a crash or a silent misread.
#include <filesystem>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "tsdb/block.h"
#include "tsdb/db_readonly.h"
#include "tsdb_test_util.h"
#include "util/varint.h"

namespace promkit::tsdb {
namespace {

constexpr const char* kBlock = "basic/01M7ZXFA56FHQ87QFQY47SE0P5";

// Opens the block and reads every sample of every series; the first error.
util::Status ReadEverything(const std::string& dir) {
  util::Result<std::shared_ptr<Block>> b = Block::Open(dir);
  if (!b.ok()) return b.status();
  auto q =
      (*b)->NewQuerier(std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
  auto m = model::Matcher::Make(model::MatchType::kRegexMatch, "__name__", ".*");
  auto ss = q->Select(true, nullptr, std::span<const model::Matcher>(&*m, 1));
  util::Status err;
  testing::DumpLines(*ss, &err);
  return err;
}

void Corrupt(const std::string& path, size_t offset) {
  std::string data = testing::ReadAll(path);
  ASSERT_LT(offset, data.size());
  data[offset] = static_cast<char>(data[offset] ^ 0x5a);
  testing::WriteAll(path, data);
}

void Truncate(const std::string& path, size_t size) { std::filesystem::resize_file(path, size); }

bool Contains(const util::Status& st, const std::string& s) {
  return st.ToString().find(s) != std::string::npos;
}

TEST(Corruption, IndexErrorsNameFileAndOffset) {
  struct Case {
    std::string name;
    size_t offset;  // byte to flip; npos: truncate to half
    std::string want;
  };
  const Case cases[] = {
      {"magic", 0, "/index: offset 0: invalid magic number"},
      {"version", 4, "/index: offset 4: unsupported index format version"},
      {"symbols", 12, "/index: offset 5: symbols: checksum mismatch"},
      {"toc", 1024 - 20, "/index: offset 972: TOC checksum mismatch"},
      {"truncated", std::string::npos, "TOC checksum mismatch"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    testing::ScratchDir dir;
    std::string block = dir.CopyFixture(kBlock);
    if (c.offset == std::string::npos) {
      Truncate(block + "/index", 512);
    } else {
      Corrupt(block + "/index", c.offset);
    }
    util::Status st = ReadEverything(block);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.code(), util::Code::kCorruption);
    EXPECT_TRUE(Contains(st, block + "/index")) << st.ToString();
    EXPECT_TRUE(Contains(st, c.want)) << st.ToString();
  }
}

// Any flipped byte either fails with an error naming the file or is harmless; flips in the
// header, the symbol table, the postings offset table and the TOC are always caught (the label
// index sections and the padding between sections are never read, as upstream).
TEST(Corruption, EveryFlippedIndexByteIsCaughtOrHarmless) {
  testing::ScratchDir dir;
  std::string block = dir.CopyFixture(kBlock);
  std::string path = block + "/index";
  const std::string original = testing::ReadAll(path);
  auto ix = index::Reader::FromBytes(original, path);
  ASSERT_TRUE(ix.ok());
  const index::Toc toc = (*ix)->toc();
  auto section_end = [&](uint64_t at) {
    return at + 4 + util::BigEndian32(original.data() + at) + 4;
  };
  auto must_fail = [&](size_t i) {
    return i < 5 || i >= original.size() - index::kTocSize ||
           (i >= toc.symbols && i < section_end(toc.symbols)) ||
           (i >= toc.postings_table && i < section_end(toc.postings_table));
  };
  int required = 0;
  for (size_t i = 0; i < original.size(); ++i) {
    std::string data = original;
    data[i] = static_cast<char>(data[i] ^ 0xff);
    testing::WriteAll(path, data);
    util::Status st = ReadEverything(block);
    if (!st.ok()) {
      EXPECT_TRUE(Contains(st, path)) << i << ": " << st.ToString();
    }
    if (must_fail(i)) {
      ++required;
      EXPECT_FALSE(st.ok()) << "flipped byte " << i << " went unnoticed";
    }
  }
  EXPECT_GT(required, 100);
}

TEST(Corruption, ChunkErrorsNameSegmentAndOffset) {
  {
    testing::ScratchDir dir;
    std::string block = dir.CopyFixture(kBlock);
    Corrupt(block + "/chunks/000001", 20);  // inside the first chunk's data
    util::Status st = ReadEverything(block);
    EXPECT_TRUE(Contains(st, block + "/chunks/000001: offset 8: chunk checksum mismatch"))
        << st.ToString();
  }
  {
    testing::ScratchDir dir;
    std::string block = dir.CopyFixture(kBlock);
    Corrupt(block + "/chunks/000001", 1);
    util::Status st = ReadEverything(block);
    EXPECT_TRUE(Contains(st, block + "/chunks/000001: offset 0: invalid magic number"))
        << st.ToString();
  }
  {
    testing::ScratchDir dir;
    std::string block = dir.CopyFixture(kBlock);
    Truncate(block + "/chunks/000001", 600);
    util::Status st = ReadEverything(block);
    EXPECT_TRUE(Contains(st, block + "/chunks/000001: offset ")) << st.ToString();
    EXPECT_TRUE(Contains(st, "runs past the end of the file") || Contains(st, "outside the file"))
        << st.ToString();
  }
}

TEST(Corruption, EveryFlippedChunkByteIsCaught) {
  testing::ScratchDir dir;
  std::string block = dir.CopyFixture(kBlock);
  std::string path = block + "/chunks/000001";
  const std::string original = testing::ReadAll(path);
  for (size_t i = 0; i < original.size(); ++i) {
    if (i >= 5 && i < 8) continue;  // header padding
    std::string data = original;
    data[i] = static_cast<char>(data[i] ^ 0x01);
    testing::WriteAll(path, data);
    util::Status st = ReadEverything(block);
    ASSERT_FALSE(st.ok()) << "byte " << i;
    EXPECT_TRUE(Contains(st, path)) << i << ": " << st.ToString();
  }
}

TEST(Corruption, MetaAndTombstones) {
  testing::ScratchDir dir;
  std::string db = dir.path() + "/db";
  std::filesystem::create_directories(db);
  std::string block = dir.CopyFixture(kBlock, "db/01M7ZXFA56FHQ87QFQY47SE0P5");
  std::string other =
      dir.CopyFixture("basic/01M7ZXFA93MGVK4NH2FR3BCFWC", "db/01M7ZXFA93MGVK4NH2FR3BCFWC");

  Corrupt(block + "/tombstones", 8);
  util::Result<std::unique_ptr<DbReadOnly>> r = DbReadOnly::Open(db);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString(),
            "corrupted block 01M7ZXFA56FHQ87QFQY47SE0P5: " + block +
                "/tombstones: offset 5: checksum mismatch (expected 0000005a, actual 00000000)")
      << r.status().ToString();

  std::filesystem::remove(block + "/tombstones");  // missing tombstones: nothing deleted
  std::filesystem::remove(other + "/meta.json");
  r = DbReadOnly::Open(db);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->blocks().size(), 1u);  // skipped as upstream does, with a warning
  ASSERT_EQ((*r)->warnings().size(), 1u);
  EXPECT_EQ((*r)->warnings()[0],
            "skipping " + other + ": open " + other + "/meta.json: no such file or directory");
  util::Result<std::shared_ptr<Block>> b = Block::Open(other);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), util::Code::kNotFound);

  testing::WriteAll(block + "/meta.json", "{\"ulid\": 12");
  b = Block::Open(block);
  ASSERT_FALSE(b.ok());
  EXPECT_TRUE(Contains(b.status(), block + "/meta.json: ")) << b.status().ToString();
  testing::WriteAll(block + "/meta.json",
                    "{\"ulid\":\"01M7ZXFA56FHQ87QFQY47SE0P5\",\"minTime\":0,\"maxTime\":1,"
                    "\"version\":2}");
  b = Block::Open(block);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().ToString(), block + "/meta.json: unexpected meta file version 2");
}

TEST(Corruption, MissingDirectory) {
  util::Result<std::unique_ptr<DbReadOnly>> r = DbReadOnly::Open("/nonexistent/promkit-db");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString(),
            "opening the db dir: stat /nonexistent/promkit-db: no such file or directory");
}

}  // namespace
}  // namespace promkit::tsdb

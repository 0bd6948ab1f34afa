#include "util/file.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace promkit::util {
namespace {

namespace fs = std::filesystem;

class FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "promkit_file_test_XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  std::string dir_;
};

TEST_F(FileTest, ReadFileErrorsNameThePathLikeGo) {
  Result<std::string> r = ReadFile(Path("missing"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kNotFound);
  EXPECT_EQ(r.status().message(), "open " + Path("missing") + ": no such file or directory");

  r = ReadFile(dir_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kIoError);
  EXPECT_EQ(r.status().message(), "read " + dir_ + ": is a directory");

  r = ReadFile(Path("missing") + "/x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "open " + Path("missing") + "/x: no such file or directory");
}

TEST_F(FileTest, WriteThenReadRoundTrips) {
  std::string big(300 * 1024, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 31 % 251);
  for (const std::string& data : {std::string(), std::string("hello\n"), big}) {
    SCOPED_TRACE(data.size());
    ASSERT_TRUE(WriteFileAtomic(Path("f"), data).ok());
    Result<std::string> r = ReadFile(Path("f"));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, data);
    EXPECT_EQ(Entries(), std::vector<std::string>{"f"});
  }
}

TEST_F(FileTest, WriteIntoMissingDirectoryFails) {
  Status st = WriteFileAtomic(Path("nodir/f"), "x");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), Code::kNotFound);
  EXPECT_EQ(st.message().rfind("open " + Path("nodir/."), 0), 0u) << st.ToString();
  EXPECT_TRUE(Entries().empty());
}

TEST_F(FileTest, FaultsLeaveOldContentAndNoTemporaryFile) {
  struct Case {
    std::string name;
    void (*arm)(FaultInjectionEnv&);
    std::string want_prefix;  // of the error message
  };
  const Case cases[] = {
      {"open", [](FaultInjectionEnv& e) { e.SetFailOpen(true); }, "open "},
      {"short write", [](FaultInjectionEnv& e) { e.SetShortWriteAfter(3); }, "write "},
      {"short write at 0", [](FaultInjectionEnv& e) { e.SetShortWriteAfter(0); }, "write "},
      {"fsync", [](FaultInjectionEnv& e) { e.SetFailSync(true); }, "sync "},
      {"close", [](FaultInjectionEnv& e) { e.SetFailClose(true); }, "close "},
      {"rename", [](FaultInjectionEnv& e) { e.SetFailRename(true); }, "rename "},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ASSERT_TRUE(WriteFileAtomic(Path("f"), "old content").ok());
    FaultInjectionEnv env(Env::Default());
    c.arm(env);
    Status st = WriteFileAtomic(Path("f"), "new content that is longer", &env);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.code(), Code::kIoError);
    EXPECT_EQ(st.message().rfind(c.want_prefix, 0), 0u) << st.ToString();
    EXPECT_EQ(ReadFile(Path("f")).value_or("?"), "old content");
    EXPECT_EQ(Entries(), std::vector<std::string>{"f"});
  }
}

TEST_F(FileTest, ShortWriteReallyWritesAPrefixBeforeFailing) {
  // Proves the fault is a genuine partial write that cleanup must remove: with removal also
  // failing, the partial temporary file stays and holds exactly the prefix.
  FaultInjectionEnv env(Env::Default());
  env.SetShortWriteAfter(4);
  env.SetFailRemove(true);
  Status st = WriteFileAtomic(Path("f"), "abcdefgh", &env);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find(": short write"), std::string::npos) << st.ToString();
  std::vector<std::string> names = Entries();
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0].rfind(".f.tmp-", 0), 0u) << names[0];
  EXPECT_EQ(ReadFile(Path(names[0])).value_or("?"), "abcd");
}

TEST_F(FileTest, FailedDirSyncReportsErrorAfterRename) {
  ASSERT_TRUE(WriteFileAtomic(Path("f"), "old").ok());
  FaultInjectionEnv env(Env::Default());
  env.SetFailSyncDir(true);
  Status st = WriteFileAtomic(Path("f"), "new", &env);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "sync " + dir_ + ": input/output error");
  EXPECT_EQ(ReadFile(Path("f")).value_or("?"), "new");
  EXPECT_EQ(Entries(), std::vector<std::string>{"f"});
}

TEST_F(FileTest, RelativePathAndDirectoryTarget) {
  const fs::path old_cwd = fs::current_path();
  fs::current_path(dir_);
  Status st = WriteFileAtomic("rel", "x");
  fs::current_path(old_cwd);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(ReadFile(Path("rel")).value_or("?"), "x");
  st = WriteFileAtomic(dir_ + "/", "x");
  EXPECT_FALSE(st.ok());
}

}  // namespace
}  // namespace promkit::util

namespace promkit::util {
namespace {

TEST(CleanPath, AsGoFilepathClean) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"", "."},
      {".", "."},
      {"./a.json", "a.json"},
      {"a//b/./c", "a/b/c"},
      {"a/../b", "b"},
      {"../a", "../a"},
      {"a/../..", ".."},
      {"/../a", "/a"},
      {"/", "/"},
      {"a/b/", "a/b"},
      {"./sub/../t.json", "t.json"},
  };
  for (const auto& [in, want] : cases) {
    SCOPED_TRACE(in);
    EXPECT_EQ(CleanPath(in), want);
  }
}

}  // namespace
}  // namespace promkit::util

#include "discovery/file.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "testutil/subprocess.h"

namespace promkit::discovery {
namespace {

namespace fs = std::filesystem;

class FileSDTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("promkit_file_sd_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

TEST_F(FileSDTest, ReadsJsonAndYamlThroughGlobs) {
  testutil::WriteFileOrDie(
      Path("a.json"), R"([{"targets": ["a:1"], "labels": {"env": "prod"}}, {"targets": ["b"]}])");
  testutil::WriteFileOrDie(Path("b.yml"), "- targets: ['c:3']\n");
  testutil::WriteFileOrDie(Path("c.txt"), "ignored");
  config::FileSDConfig cfg;
  cfg.files = {Path("*.json"), Path("*.yml")};
  FileDiscovery d(cfg);
  std::vector<std::string> errors;
  std::vector<TargetGroup> groups = d.Refresh(errors);
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0].source, Path("a.json") + ":0");
  EXPECT_EQ(groups[0].labels.at("__meta_filepath"), Path("a.json"));
  EXPECT_EQ(groups[0].labels.at("env"), "prod");
  EXPECT_EQ(groups[1].source, Path("a.json") + ":1");
  EXPECT_EQ(groups[1].labels.at("__meta_filepath"), Path("a.json"));
  EXPECT_EQ(groups[2].source, Path("b.yml") + ":0");
  EXPECT_EQ(groups[2].targets.at(0).at("__address__"), "c:3");
}

TEST_F(FileSDTest, BadFileKeepsItsGroupsAndLostSourcesEmpty) {
  testutil::WriteFileOrDie(Path("a.json"), R"([{"targets": ["a"]}, {"targets": ["b"]}])");
  config::FileSDConfig cfg;
  cfg.files = {Path("*.json")};
  FileDiscovery d(cfg);
  std::vector<std::string> errors;
  ASSERT_EQ(d.Refresh(errors).size(), 2u);

  testutil::WriteFileOrDie(Path("a.json"), "[{");
  std::vector<TargetGroup> groups = d.Refresh(errors);
  EXPECT_TRUE(groups.empty());  // nothing sent: the previous groups stand
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].rfind(Path("a.json") + ": ", 0), 0u);

  testutil::WriteFileOrDie(Path("a.json"), R"([{"targets": ["a"]}])");
  groups = d.Refresh(errors);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[1].source, Path("a.json") + ":1");
  EXPECT_TRUE(groups[1].targets.empty());

  fs::remove(Path("a.json"));
  groups = d.Refresh(errors);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].source, Path("a.json") + ":0");
  EXPECT_TRUE(groups[0].targets.empty());
}

TEST_F(FileSDTest, ExtensionCaseInsensitive) {
  testutil::WriteFileOrDie(Path("a.JSON"), R"([{"targets": ["a"]}])");
  auto g = ReadFileGroups(Path("a.JSON"));
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->size(), 1u);
}

TEST_F(FileSDTest, WatcherSeesWritesCreatesAndRemoves) {
  testutil::WriteFileOrDie(Path("a.json"), "[]");
  FileWatcher w({Path("*.json")});
  EXPECT_FALSE(w.Wait(50));

  auto writes = [&](const std::string& name, const std::string& data) {
    return std::jthread([=, this] {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      testutil::WriteFileOrDie(Path(name), data);
    });
  };
  {
    auto t = writes("a.json", R"([{"targets": ["x"]}])");
    auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(w.Wait(5000));
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  }
  {
    auto t = writes("b.json", "[]");
    EXPECT_TRUE(w.Wait(5000));
  }
  // A write may be seen half done (created, then filled): let the watcher settle first.
  for (int i = 0; i < 10 && w.Wait(200); ++i) {
  }
  // Files the glob does not match do not count.
  {
    auto t = writes("c.yml", "[]");
    t.join();
    EXPECT_FALSE(w.Wait(300));
  }
  fs::remove(Path("b.json"));
  EXPECT_TRUE(w.Wait(5000));
}

}  // namespace
}  // namespace promkit::discovery

#include "discovery/relabel_unittest.h"

#include <string>

#include <gtest/gtest.h>

namespace promkit::discovery {
namespace {

const std::string kDir = "testdata/discovery/relabel_tests/";

TEST(RelabelUnitTest, GoodFilePasses) {
  RelabelTestFileResult r = RunRelabelTestFile(kDir + "good.yml");
  ASSERT_TRUE(r.error.ok()) << r.error.ToString();
  ASSERT_EQ(r.tests.size(), 7u);
  for (const RelabelTestResult& t : r.tests) {
    SCOPED_TRACE(t.name);
    EXPECT_TRUE(t.failures.empty()) << t.failures.front();
  }
  EXPECT_TRUE(r.ok());
}

TEST(RelabelUnitTest, FailuresNameTheSteps) {
  RelabelTestFileResult r = RunRelabelTestFile(kDir + "bad.yml");
  ASSERT_TRUE(r.error.ok()) << r.error.ToString();
  ASSERT_EQ(r.tests.size(), 3u);
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.tests[0].failures.size(), 1u);
  EXPECT_NE(r.tests[0].failures[0].find("relabel_configs[0] drop: dropped"), std::string::npos)
      << r.tests[0].failures[0];
  ASSERT_EQ(r.tests[1].failures.size(), 1u);
  EXPECT_NE(r.tests[1].failures[0].find("relabel_configs[1] replace:\n          + host=\"web-1\""),
            std::string::npos)
      << r.tests[1].failures[0];
  EXPECT_NE(r.tests[2].failures.at(0).find("(no rule changed the labels)"), std::string::npos);
}

TEST(RelabelUnitTest, MalformedFiles) {
  RelabelTestFileResult r = RunRelabelTestFile(kDir + "malformed.yml");
  EXPECT_EQ(r.error.ToString(), "line 2: test \"no input\" needs exactly one of target and series");
  r = RunRelabelTestFile(kDir + "absent.yml");
  EXPECT_FALSE(r.error.ok());
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace promkit::discovery

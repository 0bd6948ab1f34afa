// util::ParseYaml: the yaml-cpp front end must terminate on every input (yaml-cpp 0.7's
// LoadAll loops forever on a block-context ',' where a document's root should start) and word
// what go-yaml rejects as go-yaml does.
#include "util/yaml_tree.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <string_view>
#include <thread>

#include <gtest/gtest.h>

namespace promkit::util {
namespace {

// Runs ParseYaml(input) in a child process so a hang fails the test instead of the suite:
// returns false when the child did not finish within `limit` (it is then killed).
bool ParsesWithin(std::string_view input, std::chrono::milliseconds limit) {
  pid_t pid = fork();
  if (pid == 0) {
    auto r = ParseYaml(input);
    _exit(r.ok() ? 0 : 1);
  }
  if (pid < 0) return false;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return false;
}

std::string Err(std::string_view input) {
  auto r = ParseYaml(input);
  return r.ok() ? "OK" : std::string(r.status().message());
}

TEST(ParseYaml, FuzzerHangTerminates) {
  // The config_load fuzzer's input (testdata/fuzz/config_load/yamlcpp_flow_entry_hang.yml).
  const std::string input("!:*,a \x96 [a *a]\n#", 16);
  EXPECT_TRUE(ParsesWithin(input, std::chrono::seconds(10)));
}

TEST(ParseYaml, FlowEntryWhereRootStartsTerminates) {
  // The whole class: a ',' at block level where a document's node should begin, with or without
  // node properties, document markers, comments or later documents.
  const std::string_view cases[] = {
      ",",         ",,",           " ,",
      "\n,",       "&a ,",         "!t ,",
      "!!map ,",   "--- ,",        "---\n,\n---\n",
      "# c\n  ,",  "a: 1\n---\n,", "- x\n,",
      "&a\n, x",   "!t &a ,y",     ", [a *a]",
      "--- &x\n,", "...\n,",       "%YAML 1.1\n--- ,",
  };
  for (std::string_view in : cases) {
    SCOPED_TRACE(in);
    EXPECT_TRUE(ParsesWithin(in, std::chrono::seconds(10)));
  }
}

TEST(ParseYaml, GoYamlErrorsForTheHangClass) {
  // Texts and line numbers as go-yaml v2 gives them (checked with promtool 2.42): a node that
  // starts with ',' is an error unless it has an anchor or tag; the reported line is libyaml's
  // 0-based one and is left out on the first line.
  const std::pair<std::string_view, std::string_view> cases[] = {
      {",", "yaml: did not find expected node content"},
      {"--- ,", "yaml: did not find expected node content"},
      {"---\n,\n", "yaml: line 1: did not find expected node content"},
      {"\n\n,\n", "yaml: line 2: did not find expected node content"},
      {"# c\n  ,\n", "yaml: line 1: did not find expected node content"},
      {"&a ,\n", "OK"},
      {"&a\n,\n", "OK"},
      {"!!map ,\n", "OK"},
      {"a: 1\n---\n,\n", "OK"},  // go-yaml reads the first document only
      {"a: 1\n---\n]\n", "OK"},
      {"\xef\xbb\xbf"
       "a: 1\n",
       "OK"},  // UTF-8 byte order mark
      {std::string_view("!:*,a \x96 [a *a]\n#", 16), "yaml: invalid leading UTF-8 octet"},
  };
  for (const auto& [in, want] : cases) {
    SCOPED_TRACE(in);
    EXPECT_EQ(Err(in), want);
  }
}

TEST(ParseYaml, EmptyRootsThatConsumeTheirToken) {
  // Nulls and empty scalars that are real nodes must not be mistaken for the quirk.
  const std::string_view cases[] = {
      "", "~", "null", "---", "--- ~\n--- ,", "''", "\"\"", "# only a comment\n", "!!str", "&a"};
  for (std::string_view in : cases) {
    SCOPED_TRACE(in);
    auto r = ParseYaml(in);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  auto quoted = ParseYaml("''");
  ASSERT_TRUE(quoted.ok());
  EXPECT_EQ(quoted->tag, "!!str");
}

TEST(ParseYaml, ReaderErrorsAsGoYaml) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"a: \xff\n", "yaml: invalid leading UTF-8 octet"},
      {"a: \xc3", "yaml: incomplete UTF-8 octet sequence"},
      {"a: \xc3(\n", "yaml: invalid trailing UTF-8 octet"},
      {"a: \xc0\xaf\n", "yaml: invalid length of a UTF-8 sequence"},
      {"a: \xed\xa0\x80\n", "yaml: invalid Unicode character"},
      {std::string_view("a: b\0", 5), "yaml: control characters are not allowed"},
      {"a: \x7f\n", "yaml: control characters are not allowed"},
      {"# \xc2\x80\n", "yaml: control characters are not allowed"},
      {"a: \xc2\x85\n", "OK"},
      {"a: \xc3\xa9\t\xf0\x9f\x98\x80\n", "OK"},
  };
  for (const auto& [in, want] : cases) {
    SCOPED_TRACE(in);
    EXPECT_EQ(Err(in), want);
  }
}

TEST(ParseYaml, FirstDocumentOnly) {
  auto r = ParseYaml("a: 1\n---\nb: 2\n");
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->IsMap());
  ASSERT_EQ(r->items.size(), 2u);
  EXPECT_EQ(r->items[0].value, "a");
}

}  // namespace
}  // namespace promkit::util

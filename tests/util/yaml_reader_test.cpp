// util::ReadYamlFast against the yaml-cpp front end: on every YAML file in testdata (configs,
// rule files, conformance cases, fuzz corpora) and on hand-written edge cases, ParseYaml (fast
// reader first) must give exactly what ParseYamlWithYamlCpp gives: the same tree with the same
// tags, values, lines and columns, or the same error.
#include "util/yaml_reader.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "util/yaml_tree.h"

namespace promkit::util {
namespace {

std::string Dump(const YamlNode& n, int indent = 0) {
  std::string out(static_cast<size_t>(indent), ' ');
  out += std::to_string(static_cast<int>(n.kind)) + " " + n.tag + " " + std::to_string(n.line) +
         ":" + std::to_string(n.col) + " [";
  for (char c : n.value) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\\') {
      out += "\\\\";
    } else {
      out += c;
    }
  }
  out += "]\n";
  for (const YamlNode& item : n.items) out += Dump(item, indent + 2);
  return out;
}

// What a parse gives, as text: the tree or the error.
std::string Outcome(const Result<YamlNode>& r) {
  return r.ok() ? Dump(*r) : "error: " + std::string(r.status().message());
}

// Checks one input; returns true when the fast reader handled it.
bool ExpectSameAsYamlCpp(std::string_view text) {
  const std::string want = Outcome(ParseYamlWithYamlCpp(text));
  const std::string got = Outcome(ParseYaml(text));
  EXPECT_EQ(got, want);
  return ReadYamlFast(text).has_value();
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool LooksLikeYamlFile(const std::filesystem::path& p) {
  const std::string ext = p.extension().string();
  if (ext == ".yml" || ext == ".yaml") return true;
  // Fuzz corpora of YAML-reading targets hold files without extensions.
  const std::string dir = p.parent_path().filename().string();
  return dir == "config_load" || dir == "rulefmt_parse" || dir == "web_config_load" ||
         dir == "alertmanager_config" || dir == "alertmanager_route_tests" || dir == "yaml_reader";
}

// Every YAML file under the roots: testdata, plus the directories listed (':'-separated) in
// PROMKIT_YAML_DIFF_DIRS.
std::vector<std::filesystem::path> YamlFiles() {
  std::vector<std::filesystem::path> roots = {std::filesystem::path(PROMKIT_SOURCE_DIR) /
                                              "testdata"};
  if (const char* extra = std::getenv("PROMKIT_YAML_DIFF_DIRS")) {
    std::stringstream ss(extra);
    std::string dir;
    while (std::getline(ss, dir, ':')) {
      if (!dir.empty()) roots.emplace_back(dir);
    }
  }
  std::vector<std::filesystem::path> files;
  for (const auto& root : roots) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
      if (e.is_regular_file() && LooksLikeYamlFile(e.path())) files.push_back(e.path());
    }
  }
  return files;
}

TEST(ReadYamlFast, SameTreesAsYamlCppOnTestdata) {
  size_t handled = 0;
  const std::vector<std::filesystem::path> files = YamlFiles();
  for (const auto& f : files) {
    SCOPED_TRACE(f.string());
    if (ExpectSameAsYamlCpp(ReadFile(f))) ++handled;
  }
  // The reader exists to take the common case: most of these files must be its.
  EXPECT_GT(handled * 2, files.size()) << handled << " of " << files.size();
}

TEST(ReadYamlFast, TakesTheCommonShapes) {
  const std::string_view cases[] = {
      "a: 1\n",
      "groups:\n  - name: g\n    rules:\n      - record: r\n        expr: sum(x)\n",
      "a:\n- x\n- y\nb: ~\n",
      "- a: 1\n  b: [x, 'y', \"z\"]\n- - n\n  - {k: v, k2: 2}\n",
      "a: |\n  line 1\n  line 2\nb: >-\n  folded\n  text\n\n  more\n",
      "a: \"esc \\t \\\" \\u00e9 \\x41\"\nb: 'it''s'\n",
      "---\n# comment\na: b # trailing\nc:\n",
      "base: &base {a: 1}\nx: *base\ny: !!str 1\n",
      "a: \"multi\n  line\n\n  quoted\"\n",
  };
  for (std::string_view in : cases) {
    SCOPED_TRACE(in);
    EXPECT_TRUE(ExpectSameAsYamlCpp(in));
  }
}

TEST(ReadYamlFast, EdgeCasesMatchYamlCpp) {
  // Handled or declined, the outcome must be yaml-cpp's.
  const std::string_view cases[] = {
      "",
      "a:",
      "a:\n",
      "a:   \n  \n",
      "a:\nb:\n",
      "a:\n  b:\nc: 1",
      "-\n- \n-",
      "- a\n-\n  - b\n",
      "a: b: c\n",
      "a: b\n c\n",
      "a: b\n  c: d\n",
      "a: 'x'#c\n",
      "a: x#c\n",
      "a: x #c\n",
      "a: [a, b,]\n",
      "a: [a, [b, c], {d: e}]\n",
      "a: [localhost:9090, 'x:1']\n",
      "a: {x: 1, y}\n",
      "a: [\n b]\n",
      "a: |+\n  keep\n\n\nb: 1\n",
      "a: |2\n    two\n  x\n",
      "a: |\n\n   \n  text\n",
      "a: >\n  a\n    more\n  b\n\n  c\n",
      "a: >\n\n  a\n\n\n  b\n",
      "a: |-\n",
      "a: |\n  x",
      "a: \"\\N\"\n",
      "a: \"\\q\"\n",
      "a: \"x\\\n  y\"\n",
      "a: 'x\n\n  y'\n",
      "a: \"unterminated\n",
      "a: 1\n...\n",
      "a: 1\n---\nb: 2\n",
      "--- a\n",
      "&x a: *x\n",
      "a: !!str 1\n",
      "a: yes\nb: 0x1F\nc: 1.5e3\nd: .inf\ne: null\nf: 012\ng: -\n",
      "? a\n: b\n",
      "a:\n\tb\n",
      "a: b\r\n",
      "\"a\": 1\n'b': 2\n",
      "\"a\"\n: 1\n",
      "a: caf\xc3\xa9\n\xc3\xa9: 1\n",
      "- - - x\n    - y\n  - z\n",
      "a: -1\nb: :x\nc: -x\n",
      "a: b:c\n",
      "a: ,x\n",
      "a: 'x' y\n",
      "a: [x]y\n",
      "a: {}\nb: []\n",
      "key with spaces: value with spaces   \n",
      "a: 1 # c\n# c\n  # c\nb: 2\n",
      "x\n",
      "'x'\n",
      "[a]\n",
      "- |\n  in seq\n- >\n  folded\n",
      // Empty nodes at the end of the input: yaml-cpp marks them where the input ends when
      // that closes their collection, else at column 0 of the last line.
      "   a:\n    \n  ",
      "     - \n# c",
      "a:   ",
      "- a\n-",
      "null\n",
      "~",
      "null: ~\n",
      // Properties and aliases.
      "a: &x 1\nb: *x\n",
      "a: &x\n  k: v\nb: *x\nc: *x\n",
      "&k a: 1\nb: *k\n",
      "- &s\n  - 1\n- *s\n",
      "a: &b\n- &b 1\nc: *b\n",
      "a: &x [*x]\n",
      "a: &x\n  b: *x\n",
      "a: *nope\n",
      "a: !!str 1\nb: !!int '2'\nc: !local x\nd: !!null x\ne: !!str\nf: &a !!str ~\n",
      "a: !!binary aGVsbG8=\nb: !!binary '@@'\n",
      "a: !!str\n  &b x\n",
      "a: !!str\n  null\n",
      "a: &x\n  &y b: 1\n",
      "a: !<tag:yaml.org,2002:str> x\n",
      "a: ! x\n",
      "a: &x &y 1\n",
      "a: !!str !!int 1\n",
      "a:\n  - |\n    deep\n    text\n  - b\n",
  };
  for (std::string_view in : cases) {
    SCOPED_TRACE(in);
    ExpectSameAsYamlCpp(in);
  }
}

}  // namespace
}  // namespace promkit::util

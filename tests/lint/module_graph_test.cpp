// The module graph lint (STYLE.md §2): lib/ has one CMake target per folder and CMake *is* the
// module graph, but CMake accepts cycles among static libraries and never checks that a module
// includes only what it links. This test reads lib/**/CMakeLists.txt (add_library and
// target_link_libraries) and every source under lib/, and fails on
//   - a cycle among promkit_* targets, printed as the chain of targets;
//   - an #include "X/..." in lib/<mod>/ where X/... belongs to a module (the longest module
//     folder prefixing the path, so lib/tsdb/index owns "tsdb/index/reader.h") that <mod>
//     neither is nor links directly or transitively; printed as lib/<file>:<line>.
// Fixture trees under tests/lint/testdata/ prove both checks fire.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace promkit {
namespace {

namespace fs = std::filesystem;

struct ModuleGraph {
  std::map<std::string, std::string> folder_of;          // target -> module folder ("tsdb/index")
  std::map<std::string, std::set<std::string>> links;    // target -> promkit targets it links
  std::map<std::string, std::set<std::string>> targets;  // module folder -> its targets
};

std::string ReadAll(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string StripCMakeComments(const std::string& text) {
  std::string out;
  bool comment = false, quoted = false;
  for (char c : text) {
    if (comment) {
      if (c == '\n') {
        comment = false;
        out += c;
      }
      continue;
    }
    if (c == '"') quoted = !quoted;
    if (c == '#' && !quoted) {
      comment = true;
      continue;
    }
    out += c;
  }
  return out;
}

// The argument lists of every call of `command` in a CMake file, split on whitespace.
std::vector<std::vector<std::string>> Calls(const std::string& text, const std::string& command) {
  std::vector<std::vector<std::string>> out;
  size_t pos = 0;
  while ((pos = text.find(command + "(", pos)) != std::string::npos) {
    bool word_start = pos == 0 || !(std::isalnum(static_cast<unsigned char>(text[pos - 1])) ||
                                    text[pos - 1] == '_');
    size_t open = pos + command.size();
    pos = open + 1;
    if (!word_start) continue;
    int depth = 0;
    size_t end = open;
    for (; end < text.size(); ++end) {
      if (text[end] == '(') ++depth;
      if (text[end] == ')' && --depth == 0) break;
    }
    std::istringstream args(text.substr(open + 1, end - open - 1));
    std::vector<std::string> words;
    for (std::string w; args >> w;) words.push_back(w);
    out.push_back(words);
  }
  return out;
}

std::string Canonical(const std::string& name) {
  if (name.rfind("promkit::", 0) == 0) return "promkit_" + name.substr(9);
  return name;
}

ModuleGraph ReadGraph(const fs::path& lib) {
  ModuleGraph g;
  std::vector<std::pair<std::string, std::vector<std::string>>> link_calls;
  for (const auto& e : fs::recursive_directory_iterator(lib)) {
    if (e.path().filename() != "CMakeLists.txt" || e.path().parent_path() == lib) continue;
    std::string folder = fs::relative(e.path().parent_path(), lib).generic_string();
    std::string text = StripCMakeComments(ReadAll(e.path()));
    for (const auto& args : Calls(text, "add_library")) {
      if (args.empty() || std::find(args.begin(), args.end(), "ALIAS") != args.end()) continue;
      g.folder_of[args[0]] = folder;
      g.targets[folder].insert(args[0]);
    }
    for (const auto& args : Calls(text, "target_link_libraries")) {
      if (!args.empty()) link_calls.emplace_back(args[0], args);
    }
  }
  for (const auto& [target, args] : link_calls) {
    for (size_t i = 1; i < args.size(); ++i) {
      std::string dep = Canonical(args[i]);
      if (dep.rfind("promkit_", 0) == 0) g.links[target].insert(dep);
    }
  }
  return g;
}

// Every cycle reached by a depth-first walk, each as "a -> b -> a".
std::vector<std::string> FindCycles(const ModuleGraph& g) {
  std::vector<std::string> cycles;
  std::map<std::string, int> state;  // 0 new, 1 on the stack, 2 done
  std::vector<std::string> stack;
  std::function<void(const std::string&)> visit = [&](const std::string& t) {
    state[t] = 1;
    stack.push_back(t);
    auto it = g.links.find(t);
    if (it != g.links.end()) {
      for (const std::string& dep : it->second) {
        if (state[dep] == 1) {
          auto from = std::find(stack.begin(), stack.end(), dep);
          std::string chain;
          for (auto s = from; s != stack.end(); ++s) chain += *s + " -> ";
          cycles.push_back(chain + dep);
        } else if (state[dep] == 0) {
          visit(dep);
        }
      }
    }
    stack.pop_back();
    state[t] = 2;
  };
  std::set<std::string> all;
  for (const auto& [t, deps] : g.links) {
    all.insert(t);
    all.insert(deps.begin(), deps.end());
  }
  for (const std::string& t : all) {
    if (state[t] == 0) visit(t);
  }
  return cycles;
}

// Module folders reachable from `folder` through links (itself included).
std::set<std::string> LinkedFolders(const ModuleGraph& g, const std::string& folder) {
  std::set<std::string> seen_targets;
  std::vector<std::string> work;
  auto it = g.targets.find(folder);
  if (it != g.targets.end()) work.assign(it->second.begin(), it->second.end());
  std::set<std::string> folders = {folder};
  while (!work.empty()) {
    std::string t = work.back();
    work.pop_back();
    if (!seen_targets.insert(t).second) continue;
    if (auto f = g.folder_of.find(t); f != g.folder_of.end()) folders.insert(f->second);
    if (auto l = g.links.find(t); l != g.links.end())
      work.insert(work.end(), l->second.begin(), l->second.end());
  }
  return folders;
}

// The module folder owning a lib-relative path: the longest module folder prefixing it.
std::string OwnerOf(const ModuleGraph& g, const std::string& path) {
  std::string best;
  for (const auto& [folder, targets] : g.targets) {
    if (path.size() > folder.size() && path.compare(0, folder.size(), folder) == 0 &&
        path[folder.size()] == '/' && folder.size() > best.size()) {
      best = folder;
    }
  }
  return best;
}

std::vector<std::string> FindBadIncludes(const ModuleGraph& g, const fs::path& lib) {
  std::vector<std::string> problems;
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(lib)) {
    std::string ext = e.path().extension();
    if (e.is_regular_file() && (ext == ".h" || ext == ".cpp" || ext == ".cc" || ext == ".inc")) {
      files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    std::string rel = fs::relative(file, lib).generic_string();
    std::string module = OwnerOf(g, rel);
    if (module.empty()) continue;  // not inside any module
    std::set<std::string> allowed = LinkedFolders(g, module);
    std::ifstream in(file);
    int line_no = 0;
    for (std::string line; std::getline(in, line);) {
      ++line_no;
      size_t p = line.find_first_not_of(" \t");
      if (p == std::string::npos || line[p] != '#') continue;
      p = line.find_first_not_of(" \t", p + 1);
      if (p == std::string::npos || line.compare(p, 7, "include") != 0) continue;
      size_t open = line.find('"', p + 7);
      if (open == std::string::npos) continue;  // <system> includes
      size_t close = line.find('"', open + 1);
      if (close == std::string::npos) continue;
      std::string inc = line.substr(open + 1, close - open - 1);
      std::string owner = OwnerOf(g, inc);
      if (owner.empty() || allowed.count(owner) != 0) continue;
      std::string owner_targets;
      for (const std::string& t : g.targets.at(owner)) {
        owner_targets += (owner_targets.empty() ? "" : ", ") + t;
      }
      problems.push_back("lib/" + rel + ":" + std::to_string(line_no) + ": includes \"" + inc +
                         "\" of module " + owner + " (" + owner_targets + "), which lib/" + module +
                         " does not link directly or transitively");
    }
  }
  return problems;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += "  " + s + "\n";
  return out;
}

fs::path Fixture(const std::string& name) {
  return fs::path(PROMKIT_SOURCE_DIR) / "tests" / "lint" / "testdata" / name / "lib";
}

TEST(ModuleGraph, LibTargetsAreAcyclic) {
  ModuleGraph g = ReadGraph(fs::path(PROMKIT_SOURCE_DIR) / "lib");
  ASSERT_FALSE(g.folder_of.empty()) << "no add_library found under lib/";
  std::vector<std::string> cycles = FindCycles(g);
  EXPECT_TRUE(cycles.empty()) << "cycles among lib/ targets:\n" << Join(cycles);
}

TEST(ModuleGraph, LibIncludesOnlyLinkedModules) {
  fs::path lib = fs::path(PROMKIT_SOURCE_DIR) / "lib";
  ModuleGraph g = ReadGraph(lib);
  std::vector<std::string> bad = FindBadIncludes(g, lib);
  EXPECT_TRUE(bad.empty()) << "includes of modules not linked:\n" << Join(bad);
}

TEST(ModuleGraph, FixtureCycleIsReported) {
  ModuleGraph g = ReadGraph(Fixture("cycle"));
  std::vector<std::string> cycles = FindCycles(g);
  ASSERT_EQ(cycles.size(), 1u) << Join(cycles);
  EXPECT_EQ(cycles[0], "promkit_a -> promkit_b -> promkit_c -> promkit_a");
}

TEST(ModuleGraph, FixtureBadIncludesAreReportedWithFileAndLine) {
  fs::path lib = Fixture("includes");
  ModuleGraph g = ReadGraph(lib);
  EXPECT_TRUE(FindCycles(g).empty());
  std::vector<std::string> bad = FindBadIncludes(g, lib);
  std::vector<std::string> where;
  for (const std::string& b : bad) where.push_back(b.substr(0, b.find(": ")));
  // a links b (which links d); b/inner and c are separate modules a does not reach.
  EXPECT_EQ(where, (std::vector<std::string>{"lib/a/a.cpp:6", "lib/a/a.h:4", "lib/b/inner/w.h:3"}))
      << Join(bad);
  ASSERT_FALSE(bad.empty());
  EXPECT_NE(bad[0].find("\"c/z.h\" of module c (promkit_c)"), std::string::npos) << bad[0];
}

}  // namespace
}  // namespace promkit

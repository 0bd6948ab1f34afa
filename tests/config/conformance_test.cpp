// Upstream's config/testdata fixtures (testdata/conformance/config): every good config loads and
// every bad one fails with upstream's expected error text.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "config/config.h"

namespace promkit::config {
namespace {

namespace fs = std::filesystem;

const std::string kDir = std::string(PROMKIT_SOURCE_DIR) + "/testdata/conformance/config/";

std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    char c = s[++i];
    switch (c) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case '\\':
        out += '\\';
        break;
      case 'x':
        out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
        i += 2;
        break;
      default:
        out += '\\';
        out += c;
    }
  }
  return out;
}

std::vector<std::vector<std::string>> ReadTsv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (header) {
      header = false;
      continue;
    }
    std::vector<std::string> fields;
    std::stringstream ss(line);
    std::string f;
    while (std::getline(ss, f, '\t')) fields.push_back(Unescape(f));
    if (line.back() == '\t') fields.emplace_back();
    rows.push_back(fields);
  }
  return rows;
}

// Errors embedding a path assume it was given as testdata/<name>.
std::string Normalize(std::string msg) {
  size_t pos;
  while ((pos = msg.find(kDir)) != std::string::npos) msg.replace(pos, kDir.size(), "testdata/");
  return msg;
}

TEST(ConfigConformance, BadConfigsFailWithUpstreamErrors) {
  int passed = 0, total = 0;
  std::string failures;
  for (const auto& row : ReadTsv(kDir + "expected-errors.tsv")) {
    ++total;
    auto cfg = LoadFile(kDir + row[0], false);
    std::string got = cfg.ok() ? "<loaded>" : Normalize(cfg.status().ToString());
    if (!cfg.ok() && got.find(row[1]) != std::string::npos) {
      ++passed;
    } else {
      failures += row[0] + ": want \"" + row[1] + "\" got \"" + got + "\"\n";
    }
  }
  for (const auto& row : ReadTsv(kDir + "expected-errors-other.tsv")) {
    const std::string& stage = row[1];
    if (stage == "targetgroup-strict") continue;
    ++total;
    std::string got;
    if (stage == "load" || stage == "load-agent") {
      auto cfg = LoadFile(kDir + row[0], stage == "load-agent");
      got = cfg.ok() ? "<loaded>" : Normalize(cfg.status().ToString());
    } else {  // get-scrape-configs
      auto cfg = LoadFile(kDir + row[0], false);
      if (!cfg.ok()) {
        got = "<load failed> " + Normalize(cfg.status().ToString());
      } else {
        auto scs = GetScrapeConfigs(*cfg);
        got = scs.ok() ? "<loaded>" : Normalize(scs.status().ToString());
      }
    }
    if (got.find(row[2]) != std::string::npos && got != "<loaded>" &&
        got.rfind("<load failed>", 0) != 0) {
      ++passed;
    } else {
      failures += row[0] + " (" + stage + "): want \"" + row[2] + "\" got \"" + got + "\"\n";
    }
  }
  std::cout << "bad configs: " << passed << "/" << total << " give upstream's error\n" << failures;
  // Raise this floor as coverage grows.
  EXPECT_GE(passed, 154) << failures;
}

TEST(ConfigConformance, GoodConfigsLoad) {
  std::set<std::string> listed;
  for (const auto& row : ReadTsv(kDir + "expected-errors.tsv")) listed.insert(row[0]);
  std::set<std::string> load_only;  // bad only when scrape_config_files are read
  for (const auto& row : ReadTsv(kDir + "expected-errors-other.tsv")) {
    (row[1] == "get-scrape-configs" ? load_only : listed).insert(row[0]);
  }
  const std::set<std::string> kUnused = {
      "scrape_config_files.bad.yml", "scrape_config_files_global_duplicate.bad.yml",
      "config_with_deprecated_am_api_config.yml", "rules_abs_path_windows.good.yml"};
  int passed = 0, total = 0;
  std::string failures;
  for (const auto& entry : fs::directory_iterator(kDir)) {
    std::string name = entry.path().filename();
    if (entry.path().extension() != ".yml" || listed.count(name) || kUnused.count(name)) continue;
    ++total;
    bool agent = name.rfind("agent_mode.", 0) == 0;
    auto cfg = LoadFile(entry.path(), agent);
    util::Status st =
        cfg.ok() && !load_only.count(name) ? GetScrapeConfigs(*cfg).status() : cfg.status();
    if (st.ok()) {
      ++passed;
    } else {
      failures += name + ": " + Normalize(st.ToString()) + "\n";
    }
  }
  std::cout << "good configs: " << passed << "/" << total << " load\n" << failures;
  EXPECT_EQ(passed, total) << failures;
}

}  // namespace
}  // namespace promkit::config

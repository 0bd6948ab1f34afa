// `promkit tsdb create-blocks-from openmetrics` against Debian's promtool 2.42 on the same
// inputs: the same blocks (ranges, stats, and every sample as `promtool tsdb dump` prints it),
// and the same exit codes and messages for bad input. Where 3.x changed a message, the 3.x text
// is expected from promkit (listed in kDeviations).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "testutil/subprocess.h"
#include "tsdb/meta.h"
#include "tsdb_test_util.h"

namespace promkit::tsdb {
namespace {

namespace fs = std::filesystem;
constexpr const char* kPromtool = "/usr/bin/promtool";

testutil::ProcessResult Promkit(std::vector<std::string> args, const std::string& argv0) {
  args.insert(args.begin(), argv0);
  return testutil::RunProcess(PROMKIT_BINARY, args, "", PROMKIT_SOURCE_DIR);
}

testutil::ProcessResult Promtool(std::vector<std::string> args) {
  args.insert(args.begin(), "promtool");
  return testutil::RunProcess(kPromtool, args, "", PROMKIT_SOURCE_DIR);
}

std::vector<BlockMeta> Metas(const std::string& dir) {
  std::vector<BlockMeta> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (!IsUlid(e.path().filename().string())) continue;
    util::Result<MetaFile> m = ReadMeta(e.path().string());
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    if (m.ok()) out.push_back(m->meta);
  }
  std::sort(out.begin(), out.end(),
            [](const BlockMeta& a, const BlockMeta& b) { return a.min_time < b.min_time; });
  return out;
}

// `promtool tsdb dump` of a directory (2.42 wants a wal/ to open it read-only).
std::vector<std::string> PromtoolDump(const std::string& dir) {
  fs::create_directories(dir + "/wal");
  testutil::ProcessResult r = Promtool({"tsdb", "dump", dir});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return testing::SortedLines(r.out);
}

// Block table lines without the columns that differ between runs (ULID, size).
std::vector<std::string> TableShape(const std::string& out) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < out.size()) {
    size_t nl = out.find('\n', start);
    std::string line = out.substr(start, nl - start);
    start = nl == std::string::npos ? out.size() : nl + 1;
    std::vector<std::string> cols;
    size_t p = 0;
    while (p < line.size()) {
      size_t q = line.find("  ", p);
      cols.push_back(line.substr(p, q - p));
      if (q == std::string::npos) break;
      p = line.find_first_not_of(' ', q);
    }
    if (!cols.empty()) cols.front() = "ULID";
    if (!cols.empty()) cols.back() = "SIZE";
    std::string joined;
    for (const std::string& c : cols) joined += c + "|";
    lines.push_back(joined);
  }
  return lines;
}

// Many series across several 2h windows, in series-major order, more than 5000 samples per
// window (so the appender commits mid-window), with repeats and out-of-order samples that fall
// inside one batch (dropped silently) and special values. `noisy` values make XOR chunks reach
// 1 KiB before 120 samples.
std::string GeneratedInput(bool noisy) {
  std::string om = "# HELP req Requests.\n# TYPE req counter\n";
  for (int s = 0; s < 30; ++s) {
    int64_t t = 1700000000000 + s * 7;
    for (int i = 0; i < 700; ++i) {
      t += 15000 + (i % 7) * 13;
      const double v = !noisy ? i * 2 + s : (i % 11 == 0) ? std::nan("") : i * 1.37 + s;
      om += fmt::format("req_total{{path=\"/p{}\",code=\"{}\"}} {} {}.{:03d}\n", s, 200 + s % 3,
                        std::isnan(v) ? "NaN" : fmt::format("{}", v), t / 1000, t % 1000);
      if (i % 97 == 5) {  // the same sample again, then one slightly older
        om += fmt::format("req_total{{path=\"/p{}\",code=\"{}\"}} {} {}.{:03d}\n", s, 200 + s % 3,
                          fmt::format("{}", v), t / 1000, t % 1000);
        const int64_t old = t - 5;
        om += fmt::format("req_total{{path=\"/p{}\",code=\"{}\"}} 1 {}.{:03d}\n", s, 200 + s % 3,
                          old / 1000, old % 1000);
      }
    }
  }
  om += "# TYPE temp gauge\n";
  for (int i = 0; i < 50; ++i) {
    om += fmt::format("temp{{room=\"a\\\"b\\\\c\"}} {} {}\n", i % 2 ? "+Inf" : "-0.5",
                      1700000000 + i * 600);
  }
  return om + "# EOF\n";
}

TEST(BackfillAgainstPromtool, SameBlocks) {
  if (!fs::exists(kPromtool)) GTEST_SKIP() << "no " << kPromtool;
  testing::ScratchDir dir;
  testing::WriteAll(dir.path() + "/gen.om", GeneratedInput(false));
  testing::WriteAll(dir.path() + "/noisy.om", GeneratedInput(true));
  const std::vector<std::vector<std::string>> cases = {
      {"testdata/tsdb/basic.om"},     {"testdata/tsdb/dumptest.om"},
      {dir.path() + "/gen.om"},       {dir.path() + "/gen.om", "--max-block-duration=24h"},
      {dir.path() + "/gen.om", "-r"}, {dir.path() + "/noisy.om"},
  };
  int n = 0;
  for (const std::vector<std::string>& c : cases) {
    SCOPED_TRACE(fmt::format("{} {}", c[0], c.size() > 1 ? c[1] : ""));
    const std::string theirs = fmt::format("{}/theirs{}", dir.path(), n);
    const std::string ours = fmt::format("{}/ours{}", dir.path(), n++);
    std::vector<std::string> args = {"tsdb", "create-blocks-from", "openmetrics"};
    args.insert(args.end(), c.begin() + 1, c.end());
    args.push_back(c[0]);
    std::vector<std::string> a1 = args, a2 = args;
    a1.push_back(theirs);
    a2.push_back(ours);
    testutil::ProcessResult t = Promtool(a1);
    ASSERT_EQ(t.exit_code, 0) << t.err;
    testutil::ProcessResult o = Promkit(a2, "promtool");
    ASSERT_EQ(o.exit_code, 0) << o.err;
    EXPECT_EQ(o.err, t.err);
    // Prometheus 2.45 started cutting XOR chunks at 1 KiB (3.x does, 2.42 does not): with
    // noisy values promkit writes more, smaller chunks of the same samples.
    const bool same_chunks = c[0].find("noisy") == std::string::npos;
    if (same_chunks) {
      EXPECT_EQ(TableShape(o.out), TableShape(t.out));
    }
    std::vector<BlockMeta> tm = Metas(theirs), om = Metas(ours);
    ASSERT_EQ(om.size(), tm.size());
    ASSERT_FALSE(om.empty());
    for (size_t i = 0; i < om.size(); ++i) {
      EXPECT_EQ(om[i].min_time, tm[i].min_time);
      EXPECT_EQ(om[i].max_time, tm[i].max_time);
      EXPECT_EQ(om[i].stats.num_samples, tm[i].stats.num_samples);
      if (same_chunks) {
        EXPECT_EQ(om[i].stats.num_chunks, tm[i].stats.num_chunks);
      } else {
        EXPECT_GE(om[i].stats.num_chunks, tm[i].stats.num_chunks);
      }
      EXPECT_EQ(om[i].stats.num_series, tm[i].stats.num_series);
    }
    std::vector<std::string> td = PromtoolDump(theirs), od = PromtoolDump(ours);
    EXPECT_FALSE(od.empty());
    EXPECT_TRUE(od == td) << od.size() << " vs " << td.size() << " lines";
  }
}

struct BadCase {
  std::string name;
  std::string input;  // written to <name>.om unless it starts with '@' (a path as is)
  std::vector<std::string> flags;
  std::string out_dir;  // relative to the scratch dir; "" = "out"
};

// Messages that Prometheus 3.x words differently from 2.42: promkit gives 3.x's.
const std::vector<std::pair<std::string, std::string>> kDeviations = {
    // 3.x stats the input before mapping it.
    {"missing input", "stat {dir}/missing.om: no such file or directory\n"},
    // 3.x names the timestamp and both values.
    {"duplicate across batches",
     "block creation: process blocks: add sample: duplicate sample for timestamp 5999000; "
     "overrides not allowed: existing 1, new value 2\n"},
};

TEST(BackfillAgainstPromtool, SameErrors) {
  if (!fs::exists(kPromtool)) GTEST_SKIP() << "no " << kPromtool;
  std::string ooo_across_batches;
  for (int i = 0; i < 5000; ++i) ooo_across_batches += fmt::format("a 1 {}\n", 1000 + i);
  ooo_across_batches += "a 1 999\n";
  std::string dup_across_batches;
  for (int i = 0; i < 5000; ++i) dup_across_batches += fmt::format("a 1 {}\n", 1000 + i);
  dup_across_batches += "a 2 5999\n";
  std::string later_window;
  later_window += "a 1 10\nb 1 10\n";
  for (int i = 0; i < 5000; ++i) later_window += fmt::format("c 1 {}\n", 7200 + i);
  later_window += "c 1 7201\n";
  const std::vector<BadCase> cases = {
      {"no timestamp", "a 1 1\nb 2\n# EOF\n", {}, ""},
      {"no eof", "a 1 1\n", {}, ""},
      {"empty", "", {}, ""},
      {"ooo across batches", ooo_across_batches + "# EOF\n", {}, ""},
      {"ooo in later window", later_window + "# EOF\n", {}, ""},
      {"duplicate across batches", dup_across_batches + "# EOF\n", {}, ""},
      {"output is a file", "a 1 1\n# EOF\n", {}, "file"},
      {"bad duration", "a 1 1\n# EOF\n", {"--max-block-duration=3x"}, ""},
      {"missing input", "@missing.om", {}, ""},
      {"directory input", "@.", {}, ""},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.name);
    testing::ScratchDir dir;
    std::string input;
    if (c.input.rfind('@', 0) == 0) {
      input = dir.path() + "/" + c.input.substr(1);
    } else {
      input = dir.path() + "/in.om";
      testing::WriteAll(input, c.input);
    }
    testing::WriteAll(dir.path() + "/file", "x");
    const std::string out = c.out_dir.empty() ? "out" : c.out_dir;
    std::vector<std::string> args = {"tsdb", "create-blocks-from", "openmetrics", "-q"};
    args.insert(args.end(), c.flags.begin(), c.flags.end());
    args.push_back(input);
    std::vector<std::string> a1 = args, a2 = args;
    a1.push_back(dir.path() + "/theirs-" + out);
    a2.push_back(dir.path() + "/ours-" + out);
    if (c.out_dir == "file") {
      a1.back() = a2.back() = dir.path() + "/file";
    }
    testutil::ProcessResult t = Promtool(a1);
    testutil::ProcessResult o = Promkit(a2, "promtool");
    EXPECT_EQ(o.exit_code, t.exit_code);
    EXPECT_NE(o.exit_code, 0);
    std::string theirs_err = t.err;
    for (const auto& [name, text] : kDeviations) {
      if (name != c.name) continue;
      theirs_err = text;
      if (size_t p = theirs_err.find("{dir}"); p != std::string::npos) {
        theirs_err.replace(p, 5, dir.path());
      }
    }
    std::string ours_err = o.err;
    // Paths name different output directories.
    size_t p = ours_err.find("/ours-");
    if (p != std::string::npos) ours_err.replace(p, 6, "/theirs-");
    EXPECT_EQ(ours_err, theirs_err);
    // The same blocks are left behind (the windows before the failing one).
    std::vector<BlockMeta> tm = Metas(dir.path() + "/theirs-" + out);
    std::vector<BlockMeta> om = Metas(dir.path() + "/ours-" + out);
    ASSERT_EQ(om.size(), tm.size());
    for (size_t i = 0; i < om.size(); ++i) {
      EXPECT_EQ(om[i].min_time, tm[i].min_time);
      EXPECT_EQ(om[i].stats.num_samples, tm[i].stats.num_samples);
    }
    // Nothing else: no temporary directories.
    if (fs::exists(dir.path() + "/ours-" + out)) {
      size_t entries = 0;
      for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path() + "/ours-" + out)) {
        ++entries;
      }
      EXPECT_EQ(entries, om.size());
    }
  }
}

// promkit mode adds the input position and a caret under promtool's line.
TEST(BackfillAgainstPromtool, PromkitModePointsAtInput) {
  testing::ScratchDir dir;
  testing::WriteAll(dir.path() + "/in.om", "a 1 1\na 1 2\na 1 0.5\n# EOF\n");
  testutil::ProcessResult o = Promkit({"tsdb", "create-blocks-from", "openmetrics", "-q",
                                       dir.path() + "/in.om", dir.path() + "/out"},
                                      "promkit");
  EXPECT_EQ(o.exit_code, 0) << o.err;  // within one batch: dropped
  testing::WriteAll(dir.path() + "/bad.om", "a 1 1\nb{x=\"1\" 2 2\n# EOF\n");
  o = Promkit({"tsdb", "create-blocks-from", "openmetrics", "-q", dir.path() + "/bad.om",
               dir.path() + "/out"},
              "promkit");
  EXPECT_EQ(o.exit_code, 1);
  const std::string first = o.err.substr(0, o.err.find('\n'));
  EXPECT_EQ(first.rfind("getting min and max timestamp: next: ", 0), 0u) << o.err;
  EXPECT_NE(o.err.find(dir.path() + "/bad.om:2:"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("  2 | b{x=\"1\" 2 2\n"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("^"), std::string::npos) << o.err;
}

}  // namespace
}  // namespace promkit::tsdb

// Upstream's parser cases (testdata/conformance/promql-parse/cases.tsv, from parse_test.go):
// every ok row parses, every fail row fails, and the first error's message and byte range match
// for at least the recorded number of rows. Every ok row also survives print -> parse.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "promql/parser/parser.h"
#include "util/numbers.h"

namespace promkit::promql::parser {
namespace {

std::string UnescapeField(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    char c = s[++i];
    switch (c) {
      case '\\':
        out += '\\';
        break;
      case 't':
        out += '\t';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
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

std::vector<std::vector<std::string>> ReadTsv(const std::string& name) {
  std::ifstream in(std::string(PROMKIT_SOURCE_DIR) + "/testdata/conformance/promql-parse/" + name);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (header) {
      header = false;
      continue;
    }
    std::vector<std::string> fields;
    size_t start = 0;
    for (;;) {
      size_t tab = line.find('\t', start);
      fields.push_back(UnescapeField(line.substr(start, tab - start)));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    rows.push_back(std::move(fields));
  }
  return rows;
}

Options ConformanceOptions() {
  Options o;
  o.experimental_functions = true;
  o.duration_expr = true;
  o.extended_range_selectors = true;
  return o;
}

TEST(ParseConformance, Cases) {
  auto rows = ReadTsv("cases.tsv");
  ASSERT_GT(rows.size(), 300u);
  int ok_rows = 0, ok_parsed = 0, fail_rows = 0, fail_failed = 0, matched = 0, all_matched = 0,
      roundtrip = 0;
  for (const auto& r : rows) {
    ASSERT_GE(r.size(), 2u);
    const std::string& input = r[0];
    ParseErrors errs;
    auto res = ParseExpr(input, ConformanceOptions(), &errs);
    if (r[1] == "ok") {
      ++ok_rows;
      EXPECT_TRUE(res.ok()) << input << ": " << res.status().ToString();
      if (!res.ok()) continue;
      ++ok_parsed;
      std::string printed = (*res)->String();
      auto again = ParseExpr(printed, ConformanceOptions());
      EXPECT_TRUE(again.ok()) << input << " printed as " << printed << ": "
                              << again.status().ToString();
      if (again.ok()) {
        EXPECT_TRUE(Equal(res->get(), again->get())) << input << " printed as " << printed;
        if (Equal(res->get(), again->get())) ++roundtrip;
      }
      continue;
    }
    ++fail_rows;
    EXPECT_FALSE(res.ok()) << input << " parsed as " << (res.ok() ? (*res)->String() : "");
    if (res.ok()) continue;
    ++fail_failed;
    ASSERT_GE(r.size(), 5u);
    const ParseErr& first = errs.errors.at(0);
    std::string pos = fmt::format("{}-{}", first.range.start, first.range.end);
    bool match = first.msg == r[2] && pos == r[3] && res.status().message() == r[4];
    if (match) {
      ++matched;
      std::string further;
      for (size_t i = 1; i < errs.errors.size(); ++i) {
        if (i > 1) further += " | ";
        further += fmt::format("{}-{} {}", errs.errors[i].range.start, errs.errors[i].range.end,
                               errs.errors[i].msg);
      }
      if (further == (r.size() > 5 ? r[5] : "")) ++all_matched;
    } else {
      std::printf("mismatch: %s\n  want %s %s\n  got  %s %s\n", input.c_str(), r[3].c_str(),
                  r[2].c_str(), pos.c_str(), first.msg.c_str());
    }
  }
  std::printf(
      "promql-parse: ok %d/%d parsed, fail %d/%d failed, first error matched %d/%d "
      "(all errors %d), round trips %d\n",
      ok_parsed, ok_rows, fail_failed, fail_rows, matched, fail_rows, all_matched, roundtrip);
  EXPECT_EQ(ok_parsed, ok_rows);
  EXPECT_EQ(fail_failed, fail_rows);
  EXPECT_EQ(roundtrip, ok_rows);
  EXPECT_GE(matched, 147);
  EXPECT_GE(all_matched, 144);
}

std::string FormatValues(const std::vector<SequenceValue>& vs) {
  std::string out;
  for (const SequenceValue& v : vs) {
    if (!out.empty()) out += ' ';
    if (v.omitted) {
      out += '_';
    } else if (std::bit_cast<uint64_t>(v.value) == kStaleNaNBits) {
      out += "stale";
    } else {
      out += util::FormatFloat(v.value, 'g', -1);
    }
  }
  return out;
}

TEST(ParseConformance, Series) {
  auto rows = ReadTsv("series.tsv");
  ASSERT_GT(rows.size(), 20u);
  for (const auto& r : rows) {
    ASSERT_GE(r.size(), 2u);
    auto res = ParseSeriesDesc(r[0]);
    if (r[1] == "ok") {
      ASSERT_TRUE(res.ok()) << r[0] << ": " << res.status().ToString();
      EXPECT_EQ(res->labels.ToString(), r[2]) << r[0];
      EXPECT_EQ(FormatValues(res->values), r[3]) << r[0];
    } else {
      ASSERT_FALSE(res.ok()) << r[0];
      if (r.size() > 4 && !r[4].empty()) {
        EXPECT_NE(res.status().message().find(r[4]), std::string::npos)
            << r[0] << ": " << res.status().ToString();
      }
    }
  }
}

TEST(ParseSeriesDesc, NativeHistograms) {
  auto res = ParseSeriesDesc(
      "h {{schema:1 sum:-0.5 count:4 z_bucket:1 z_bucket_w:0.001 buckets:[1 2] offset:-1 "
      "n_buckets:[0.5] n_offset:2 counter_reset_hint:gauge}}x1 _ 3 {{count:1}}");
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  ASSERT_EQ(res->values.size(), 5u);
  const auto& h = res->values[0].histogram;
  ASSERT_NE(h, nullptr);
  EXPECT_TRUE(res->values[0].counter_reset_hint_set);
  EXPECT_EQ(h, res->values[1].histogram);
  EXPECT_EQ(h->schema, 1);
  EXPECT_EQ(h->sum, -0.5);
  EXPECT_EQ(h->count, 4);
  EXPECT_EQ(h->zero_count, 1);
  EXPECT_EQ(h->zero_threshold, 0.001);
  EXPECT_EQ(h->positive_spans, (std::vector<model::Span>{{-1, 2}}));
  EXPECT_EQ(h->positive_buckets, (std::vector<double>{1, 2}));
  EXPECT_EQ(h->negative_spans, (std::vector<model::Span>{{2, 1}}));
  EXPECT_EQ(h->negative_buckets, (std::vector<double>{0.5}));
  EXPECT_EQ(h->counter_reset_hint, model::CounterResetHint::kGauge);
  EXPECT_TRUE(res->values[2].omitted);
  EXPECT_EQ(res->values[3].histogram, nullptr);
  EXPECT_EQ(res->values[3].value, 3);
  ASSERT_NE(res->values[4].histogram, nullptr);
  EXPECT_FALSE(res->values[4].counter_reset_hint_set);
  EXPECT_EQ(res->values[4].histogram->count, 1);

  auto inc = ParseSeriesDesc("h {{sum:1 count:2 buckets:[2]}}+{{sum:2 count:1 buckets:[1]}}x2");
  ASSERT_TRUE(inc.ok()) << inc.status().ToString();
  ASSERT_EQ(inc->values.size(), 3u);
  EXPECT_EQ(inc->values[2].histogram->count, 4);
  EXPECT_EQ(inc->values[2].histogram->sum, 5);
  EXPECT_EQ(inc->values[2].histogram->positive_buckets, (std::vector<double>{4}));
  auto dec = ParseSeriesDesc("h {{count:5}}-{{count:1}}x2");
  ASSERT_TRUE(dec.ok()) << dec.status().ToString();
  EXPECT_EQ(dec->values[2].histogram->count, 3);

  for (std::string_view bad :
       {"h {{schema:1", "h {{foo:1}}", "h {{schema 1}}", "h {{sum:x}}", "h {{buckets:[1 2}}",
        "h {{schema:0}}+{{schema:-1}}x2", "h {{counter_reset_hint:maybe}}", "h {{}}+1x2"}) {
    SCOPED_TRACE(bad);
    auto r = ParseSeriesDesc(bad);
    EXPECT_FALSE(r.ok());
  }
  auto schema = ParseSeriesDesc("h {{schema:-1}}+{{schema:0}}x1 {{schema:0}}+{{schema:-1}}x2");
  ASSERT_FALSE(schema.ok());
  EXPECT_NE(schema.status().message().find("cannot merge from schema -1 to 0"), std::string::npos)
      << schema.status().message();
}

}  // namespace
}  // namespace promkit::promql::parser

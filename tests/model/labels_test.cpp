#include "model/labels.h"

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace promkit::model {

// Readable failures.
void PrintTo(const Labels& ls, std::ostream* os) { *os << ls.ToString(); }

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs ToPairs(const Labels& ls) {
  Pairs out;
  for (const Label& l : ls) out.emplace_back(std::string(l.name), std::string(l.value));
  return out;
}

TEST(Labels, ConstructionSortsAndKeepsEverything) {
  Labels a = Labels::FromList({{"job", "api"}, {"__name__", "up"}, {"Zone", "eu"}});
  EXPECT_EQ(ToPairs(a), (Pairs{{"Zone", "eu"}, {"__name__", "up"}, {"job", "api"}}));
  EXPECT_EQ(a.size(), 3u);
  EXPECT_EQ(a.Len(), 3u);
  EXPECT_FALSE(a.IsEmpty());
  EXPECT_EQ(a, Labels::FromPairs({{"__name__", "up"}, {"Zone", "eu"}, {"job", "api"}}));
  EXPECT_EQ(a, Labels::FromStrings({"job", "api", "__name__", "up", "Zone", "eu"}));
  std::vector<Label> sorted = {{"Zone", "eu"}, {"__name__", "up"}, {"job", "api"}};
  EXPECT_EQ(a, Labels::FromSorted(sorted));
  EXPECT_TRUE(Labels().IsEmpty());
  EXPECT_EQ(Labels().Len(), 0u);
  EXPECT_EQ(Labels::FromList({}), Labels());
}

TEST(Labels, LongStringsUseMultiByteLengths) {
  std::string big(300, 'v');
  std::string name(200, 'n');
  Labels a = Labels::FromList({{name, big}, {"a", ""}, {"z", big + big}});
  EXPECT_EQ(a.Get(name), big);
  EXPECT_EQ(a.Get("a"), "");
  EXPECT_TRUE(a.Has("a"));
  EXPECT_EQ(a.Get("z"), big + big);
  EXPECT_EQ(a.size(), 3u);
}

TEST(Labels, GetHas) {
  Labels a = Labels::FromList({{"__name__", "up"}, {"job", "api"}, {"empty", ""}});
  const std::tuple<std::string, std::string, bool> cases[] = {
      {"__name__", "up", true}, {"job", "api", true}, {"empty", "", true}, {"missing", "", false},
      {"", "", false},          {"jo", "", false},    {"jobs", "", false},
  };
  for (const auto& [name, value, has] : cases) {
    SCOPED_TRACE(name);
    EXPECT_EQ(a.Get(name), value);
    EXPECT_EQ(a.Has(name), has);
  }
  EXPECT_EQ(a.MetricName(), "up");
}

TEST(Labels, Duplicates) {
  Labels d = Labels::FromPairs({{"b", "1"}, {"a", "x"}, {"b", "2"}});
  EXPECT_TRUE(d.HasDuplicateNames());
  EXPECT_EQ(d.FirstDuplicateName(), "b");
  EXPECT_EQ(ToPairs(d), (Pairs{{"a", "x"}, {"b", "1"}, {"b", "2"}}));  // stable
  EXPECT_FALSE(Labels::FromList({{"a", "1"}, {"b", "1"}}).HasDuplicateNames());
  EXPECT_EQ(Labels::FromList({{"a", "1"}}).FirstDuplicateName(), "");
}

TEST(Labels, ToStringAsUpstream) {
  const std::pair<Labels, std::string> cases[] = {
      {Labels(), "{}"},
      {Labels::FromList({{"t1", "t1"}, {"t2", "t2"}}), "{t1=\"t1\", t2=\"t2\"}"},
      {Labels::FromList({{"__name__", "up"}, {"job", "a\"b\\c\n"}}),
       "{__name__=\"up\", job=\"a\\\"b\\\\c\\n\"}"},
      {Labels::FromList({{"service.name", "x"}}), "{\"service.name\"=\"x\"}"},
      {Labels::FromList({{"a:b", "x"}}), "{\"a:b\"=\"x\"}"},  // ':' is not legacy for labels
      {Labels::FromList({{"0a", "x"}}), "{\"0a\"=\"x\"}"},
      {Labels::FromList({{"h\u00e9", "\u00e9\u2028"}}), "{\"h\u00e9\"=\"\u00e9\\u2028\"}"},
      {Labels::FromList({{"a", "\xff"}}), "{a=\"\\xff\"}"},
  };
  for (const auto& [ls, want] : cases) {
    SCOPED_TRACE(want);
    EXPECT_EQ(ls.ToString(), want);
  }
  EXPECT_EQ(Labels::FromList({{"a", "1"}, {"b", "2"}}).ToStringNoSpace(), "{a=\"1\",b=\"2\"}");
}

TEST(Labels, CompareOrdering) {
  // Each set sorts strictly before the next one.
  const std::vector<Labels> ordered = {
      Labels(),
      Labels::FromList({{"a", ""}}),
      Labels::FromList({{"a", "1"}}),
      Labels::FromList({{"a", "1"}, {"b", "1"}}),
      Labels::FromList({{"a", "1"}, {"b", "2"}}),
      Labels::FromList({{"a", "1"}, {"bb", "0"}}),
      Labels::FromList({{"a", "1"}, {"c", "0"}}),
      Labels::FromList({{"a", "2"}}),
      Labels::FromList({{"a", "2"}, {"b", "0"}}),
      Labels::FromList({{"a", std::string(200, 'x')}}),
      Labels::FromList({{"aa", "0"}}),
      Labels::FromList({{"b", "0"}}),
  };
  for (size_t i = 0; i < ordered.size(); ++i) {
    for (size_t j = 0; j < ordered.size(); ++j) {
      SCOPED_TRACE(ordered[i].ToString() + " vs " + ordered[j].ToString());
      int c = Labels::Compare(ordered[i], ordered[j]);
      if (i < j) {
        EXPECT_LT(c, 0);
        EXPECT_TRUE(ordered[i] < ordered[j]);
      } else if (i > j) {
        EXPECT_GT(c, 0);
      } else {
        EXPECT_EQ(c, 0);
        EXPECT_EQ(ordered[i], ordered[j]);
      }
    }
  }
}

TEST(Labels, Hashes) {
  Labels a = Labels::FromList({{"__name__", "up"}, {"job", "api"}, {"instance", "h1"}});
  Labels b = Labels::FromList({{"__name__", "down"}, {"job", "api"}, {"instance", "h2"}});
  EXPECT_EQ(a.Hash(),
            Labels::FromList({{"job", "api"}, {"instance", "h1"}, {"__name__", "up"}}).Hash());
  EXPECT_NE(a.Hash(), b.Hash());

  std::vector<std::string> job = {"job"};
  std::vector<std::string> job_inst = {"instance", "job"};
  std::vector<std::string> unsorted = {"job", "instance"};
  EXPECT_EQ(a.HashForLabels(job), b.HashForLabels(job));
  EXPECT_NE(a.HashForLabels(job_inst), b.HashForLabels(job_inst));
  EXPECT_EQ(a.HashForLabels(job_inst), a.HashForLabels(unsorted));
  std::vector<std::string_view> views = {"job"};
  EXPECT_EQ(a.HashForLabels(views), a.HashForLabels(job));
  // Missing names contribute nothing.
  std::vector<std::string> job_missing = {"job", "zzz"};
  EXPECT_EQ(a.HashForLabels(job_missing), a.HashForLabels(job));
  // Selecting a set's labels hashes like a set made of only those labels.
  EXPECT_EQ(a.HashForLabels(job), Labels::FromList({{"job", "api"}}).HashForLabels(job));

  std::vector<std::string> inst = {"instance"};
  EXPECT_EQ(a.HashWithoutLabels(inst), b.HashWithoutLabels(inst));  // __name__ always dropped
  std::vector<std::string> none;
  EXPECT_NE(a.HashWithoutLabels(none), b.HashWithoutLabels(none));
  EXPECT_EQ(a.HashWithoutLabels(inst), a.HashForLabels(job));
  // "name\xffvalue" framing: moving bytes between name and value changes the hash.
  EXPECT_NE(Labels::FromList({{"ab", "c"}}).HashWithoutLabels(none),
            Labels::FromList({{"a", "bc"}}).HashWithoutLabels(none));
  // Selections larger than the stack buffer.
  std::string big(1000, 'x');
  Labels c = Labels::FromList({{"job", big}, {"k", big}});
  Labels d = Labels::FromList({{"job", big}, {"k", big + "y"}});
  EXPECT_EQ(c.HashForLabels(job), d.HashForLabels(job));
  EXPECT_NE(c.HashWithoutLabels(none), d.HashWithoutLabels(none));
}

TEST(Labels, Filters) {
  Labels a = Labels::FromList({{"__name__", "up"}, {"job", "api"}, {"instance", "h1"}, {"e", ""}});
  EXPECT_EQ(a.DropMetricName(), Labels::FromList({{"job", "api"}, {"instance", "h1"}, {"e", ""}}));
  Labels no_name = Labels::FromList({{"job", "api"}});
  EXPECT_EQ(no_name.DropMetricName(), no_name);
  EXPECT_EQ(a.WithoutEmpty(),
            Labels::FromList({{"__name__", "up"}, {"job", "api"}, {"instance", "h1"}}));
  std::vector<std::string> job = {"job"};
  EXPECT_EQ(a.MatchLabels(true, job), Labels::FromList({{"job", "api"}}));
  EXPECT_EQ(a.MatchLabels(false, job), Labels::FromList({{"instance", "h1"}, {"e", ""}}));
  std::vector<std::string> with_name = {"__name__", "job"};
  EXPECT_EQ(a.MatchLabels(true, with_name), Labels::FromList({{"__name__", "up"}, {"job", "api"}}));
}

TEST(Labels, IsValid) {
  const std::tuple<Labels, bool, bool> cases[] = {
      // labels, valid under UTF-8, valid under legacy
      {Labels::FromList({{"__name__", "up"}, {"job", "x"}}), true, true},
      {Labels::FromList({{"__name__", "a:b"}}), true, true},
      {Labels::FromList({{"__name__", "a.b"}}), true, false},
      {Labels::FromList({{"__name__", ""}}), false, false},
      {Labels::FromList({{"__name__", "\xff"}}), false, false},
      {Labels::FromList({{"a.b", "x"}}), true, false},
      {Labels::FromList({{"a:b", "x"}}), true, false},
      {Labels::FromList({{"ok", "\xff"}}), false, false},
      {Labels::FromList({{"", "x"}}), false, false},
      {Labels(), true, true},
  };
  for (const auto& [ls, utf8, legacy] : cases) {
    SCOPED_TRACE(ls.ToString());
    EXPECT_EQ(ls.IsValid(), utf8);
    EXPECT_EQ(ls.IsValid(ValidationScheme::kLegacy), legacy);
  }
}

TEST(LabelsBuilder, UpstreamSemantics) {
  Labels base = Labels::FromList({{"aaa", "111"}, {"bbb", "222"}, {"ccc", "333"}});
  struct Case {
    std::string name;
    std::function<void(LabelsBuilder&)> edit;
    Labels want;
  };
  const Case cases[] = {
      {"no edits", [](LabelsBuilder&) {}, base},
      {"del", [](LabelsBuilder& b) { b.Del("bbb"); },
       Labels::FromList({{"aaa", "111"}, {"ccc", "333"}})},
      {"set new", [](LabelsBuilder& b) { b.Set("ddd", "444"); },
       Labels::FromList({{"aaa", "111"}, {"bbb", "222"}, {"ccc", "333"}, {"ddd", "444"}})},
      {"set replaces", [](LabelsBuilder& b) { b.Set("aaa", "x"); },
       Labels::FromList({{"aaa", "x"}, {"bbb", "222"}, {"ccc", "333"}})},
      {"set empty deletes", [](LabelsBuilder& b) { b.Set("bbb", ""); },
       Labels::FromList({{"aaa", "111"}, {"ccc", "333"}})},
      {"set then del", [](LabelsBuilder& b) { b.Set("ddd", "4").Del("ddd"); }, base},
      {"del then set", [](LabelsBuilder& b) { b.Del("aaa").Set("aaa", "again"); },
       Labels::FromList({{"aaa", "again"}, {"bbb", "222"}, {"ccc", "333"}})},
      {"keep",
       [](LabelsBuilder& b) {
         b.Keep({"bbb", "zzz"});
       },
       Labels::FromList({{"bbb", "222"}})},
      {"keep then set", [](LabelsBuilder& b) { b.Keep({"aaa"}).Set("eee", "5"); },
       Labels::FromList({{"aaa", "111"}, {"eee", "5"}})},
      {"set before base start", [](LabelsBuilder& b) { b.Set("a", "0"); },
       Labels::FromList({{"a", "0"}, {"aaa", "111"}, {"bbb", "222"}, {"ccc", "333"}})},
      {"del all", [](LabelsBuilder& b) { b.Del("aaa").Del("bbb").Del("ccc"); }, Labels()},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    LabelsBuilder b(base);
    c.edit(b);
    Labels got = b.Build();
    EXPECT_EQ(got, c.want) << got.ToString();
    EXPECT_EQ(b.empty(), c.want.IsEmpty());
    for (const Label& l : c.want) EXPECT_EQ(b.Get(l.name), l.value);
    for (const Label& l : base) {
      if (!c.want.Has(l.name)) {
        EXPECT_EQ(b.Get(l.name), "");
      }
    }
  }
}

TEST(LabelsBuilder, AddFromScratch) {
  LabelsBuilder b;
  EXPECT_TRUE(b.empty());
  b.Add("job", "api").Add("__name__", "up").Add("empty", "").Add("instance", "h");
  EXPECT_FALSE(b.empty());
  EXPECT_EQ(b.Get("job"), "api");
  EXPECT_EQ(b.Build(), Labels::FromList({{"__name__", "up"}, {"instance", "h"}, {"job", "api"}}));
  b.Reset();
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.Build(), Labels());
  b.Add("only", "");
  EXPECT_TRUE(b.empty());
  b.Reset(Labels::FromList({{"x", "1"}}));
  EXPECT_EQ(b.Get("x"), "1");
  EXPECT_EQ(b.Build(), Labels::FromList({{"x", "1"}}));
  // Many added labels (beyond the builder's stack sort) stay sorted and stable.
  LabelsBuilder many;
  Pairs want;
  for (int i = 99; i >= 0; --i) {
    std::string n = "l" + std::to_string(i);
    many.Add(n, std::to_string(i));
    want.emplace_back(n, std::to_string(i));
  }
  std::sort(want.begin(), want.end());
  EXPECT_EQ(ToPairs(many.Build()), want);
}

}  // namespace
}  // namespace promkit::model

namespace promkit::model {
namespace {

TEST(Labels, FromStringsEmptyAndOdd) {
  EXPECT_TRUE(Labels::FromStrings({}).IsEmpty());
  // A trailing name without a value is ignored (upstream panics on an odd count).
  EXPECT_EQ(Labels::FromStrings({"a", "1", "b"}), Labels::FromStrings({"a", "1"}));
}

}  // namespace
}  // namespace promkit::model

// Cases re-expressed from upstream model/relabel/relabel_test.go plus Go regexp.Expand corners.
#include "relabel/relabel.h"

#include <optional>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "relabel/md5.h"

namespace promkit::relabel {
namespace {

using model::Labels;
using model::ValidationScheme;

struct Rule {
  std::vector<std::string> source;
  std::string regex;  // "" keeps the default
  std::string target;
  std::string replacement = "$1";
  Action action = Action::kReplace;
  uint64_t modulus = 0;
};

Config Make(const Rule& r) {
  Config c;
  c.source_labels = r.source;
  c.source_labels_set = !r.source.empty();
  if (!r.regex.empty()) c.regex = *Regexp::Compile(r.regex);
  c.target_label = r.target;
  c.replacement = r.replacement;
  c.action = r.action;
  c.modulus = r.modulus;
  return c;
}

struct Case {
  const char* name;
  Labels input;
  std::vector<Rule> rules;
  std::optional<Labels> output;  // nullopt: dropped
};

std::string Show(const std::optional<Labels>& l) { return l ? l->ToString() : "dropped"; }

TEST(Relabel, Table) {
  const std::vector<Case> cases = {
      {"replace with ${1}",
       Labels::FromStrings({"a", "foo", "b", "bar", "c", "baz"}),
       {{{"a"}, "f(.*)", "d", "ch${1}-ch${1}"}},
       Labels::FromStrings({"a", "foo", "b", "bar", "c", "baz", "d", "choo-choo"})},
      {"chained replaces",
       Labels::FromStrings({"a", "foo", "b", "bar", "c", "baz"}),
       {{{"a", "b"}, "f(.*);(.*)r", "a", "b${1}${2}m"},
        {{"c", "a"}, "(b).*b(.*)ba(.*)", "d", "$1$2$2$3"}},
       Labels::FromStrings({"a", "boobam", "b", "bar", "c", "baz", "d", "boooom"})},
      {"drop stops processing",
       Labels::FromStrings({"a", "foo"}),
       {{{"a"}, ".*o.*", "", "$1", Action::kDrop}, {{"a"}, "f(.*)", "d", "ch$1-ch$1"}},
       std::nullopt},
      {"drop on match",
       Labels::FromStrings({"a", "foo", "b", "bar"}),
       {{{"a"}, ".*o.*", "", "$1", Action::kDrop}},
       std::nullopt},
      {"group inside",
       Labels::FromStrings({"a", "abc"}),
       {{{"a"}, ".*(b).*", "d", "$1"}},
       Labels::FromStrings({"a", "abc", "d", "b"})},
      {"drop no match",
       Labels::FromStrings({"a", "foo"}),
       {{{"a"}, "no-match", "", "$1", Action::kDrop}},
       Labels::FromStrings({"a", "foo"})},
      {"anchored alternation does not match",
       Labels::FromStrings({"a", "foo"}),
       {{{"a"}, "f|o", "", "$1", Action::kDrop}},
       Labels::FromStrings({"a", "foo"})},
      {"keep no match",
       Labels::FromStrings({"a", "foo"}),
       {{{"a"}, "no-match", "", "$1", Action::kKeep}},
       std::nullopt},
      {"keep match",
       Labels::FromStrings({"a", "foo"}),
       {{{"a"}, "f.*", "", "$1", Action::kKeep}},
       Labels::FromStrings({"a", "foo"})},
      {"no replacement without match",
       Labels::FromStrings({"a", "boo"}),
       {{{"a"}, "f", "b", "bar"}},
       Labels::FromStrings({"a", "boo"})},
      {"blank replacement deletes",
       Labels::FromStrings({"a", "foo", "f", "baz"}),
       {{{"a"}, "(f).*", "$1", "$2"}},
       Labels::FromStrings({"a", "foo"})},
      {"hashmod",
       Labels::FromStrings({"a", "foo", "b", "bar", "c", "baz"}),
       {{{"c"}, "", "d", "$1", Action::kHashMod, 1000}},
       Labels::FromStrings({"a", "foo", "b", "bar", "c", "baz", "d", "976"})},
      {"hashmod newline",
       Labels::FromStrings({"a", "foo\nbar"}),
       {{{"a"}, "", "b", "$1", Action::kHashMod, 1000}},
       Labels::FromStrings({"a", "foo\nbar", "b", "734"})},
      {"labelmap",
       Labels::FromStrings({"a", "foo", "b1", "bar", "b2", "baz"}),
       {{{}, "(b.*)", "", "bar_${1}", Action::kLabelMap}},
       Labels::FromStrings(
           {"a", "foo", "b1", "bar", "b2", "baz", "bar_b1", "bar", "bar_b2", "baz"})},
      {"labelmap meta",
       Labels::FromStrings(
           {"a", "foo", "__meta_my_bar", "aaa", "__meta_my_baz", "bbb", "__meta_other", "ccc"}),
       {{{}, "__meta_(my.*)", "", "${1}", Action::kLabelMap}},
       Labels::FromStrings({"a", "foo", "__meta_my_bar", "aaa", "__meta_my_baz", "bbb",
                            "__meta_other", "ccc", "my_bar", "aaa", "my_baz", "bbb"})},
      {"target from group",
       Labels::FromStrings({"a", "some-name-value"}),
       {{{"a"}, "some-([^-]+)-([^,]+)", "${1}", "${2}"}},
       Labels::FromStrings({"a", "some-name-value", "name", "value"})},
      {"empty replacement from missing group",
       Labels::FromStrings({"a", "some-name-value"}),
       {{{"a"}, "some-([^-]+)-([^,]+)", "${1}", "${3}"}},
       Labels::FromStrings({"a", "some-name-value"})},
      {"empty target from missing group",
       Labels::FromStrings({"a", "some-name-0"}),
       {{{"a"}, "some-([^-]+)-([^,]+)", "${3}", "${1}"},
        {{"a"}, "some-([^-]+)(-[^,]+)", "${3}", "${1}"}},
       Labels::FromStrings({"a", "some-name-0"})},
      {"real-life tags",
       Labels::FromStrings({"__meta_sd_tags", "path:/secret,job:some-job,label:foo=bar"}),
       {{{"__meta_sd_tags"}, "(?:.+,|^)path:(/[^,]+).*", "__metrics_path__", "${1}"},
        {{"__meta_sd_tags"}, "(?:.+,|^)job:([^,]+).*", "job", "${1}"},
        {{"__meta_sd_tags"}, "(?:.+,|^)label:([^=]+)=([^,]+).*", "${1}", "${2}"}},
       Labels::FromStrings({"__meta_sd_tags", "path:/secret,job:some-job,label:foo=bar",
                            "__metrics_path__", "/secret", "job", "some-job", "foo", "bar"})},
      {"issue 12283: labeldrop then set then keep",
       Labels::FromStrings({"__meta_kubernetes_pod_container_port_name", "foo",
                            "__meta_kubernetes_pod_annotation_XXX_metrics_port", "9091"}),
       {{{}, "^__meta_kubernetes_pod_container_port_name$", "", "$1", Action::kLabelDrop},
        {{"__meta_kubernetes_pod_annotation_XXX_metrics_port"},
         "(.+)",
         "__meta_kubernetes_pod_container_port_name",
         "metrics"},
        {{"__meta_kubernetes_pod_container_port_name"}, "^metrics$", "", "$1", Action::kKeep}},
       Labels::FromStrings({"__meta_kubernetes_pod_annotation_XXX_metrics_port", "9091",
                            "__meta_kubernetes_pod_container_port_name", "metrics"})},
      {"labelkeep",
       Labels::FromStrings({"a", "foo", "b1", "bar", "b2", "baz"}),
       {{{}, "(b.*)", "", "$1", Action::kLabelKeep}},
       Labels::FromStrings({"b1", "bar", "b2", "baz"})},
      {"labeldrop",
       Labels::FromStrings({"a", "foo", "b1", "bar", "b2", "baz"}),
       {{{}, "(b.*)", "", "$1", Action::kLabelDrop}},
       Labels::FromStrings({"a", "foo"})},
      {"upper and lower",
       Labels::FromStrings({"foo", "bAr123Foo"}),
       {{{"foo"}, "", "foo_uppercase", "$1", Action::kUppercase},
        {{"foo"}, "", "foo_lowercase", "$1", Action::kLowercase}},
       Labels::FromStrings(
           {"foo", "bAr123Foo", "foo_lowercase", "bar123foo", "foo_uppercase", "BAR123FOO"})},
      {"unicode case (simple mapping: ß stays)",
       Labels::FromStrings({"foo", "ÄÖÜ straße Σ"}),
       {{{"foo"}, "", "lower", "$1", Action::kLowercase},
        {{"foo"}, "", "upper", "$1", Action::kUppercase}},
       Labels::FromStrings(
           {"foo", "ÄÖÜ straße Σ", "lower", "äöü straße σ", "upper", "ÄÖÜ STRAßE Σ"})},
      {"keepequal keeps",
       Labels::FromStrings({"__tmp_port", "1234", "__port1", "1234"}),
       {{{"__tmp_port"}, "", "__port1", "$1", Action::kKeepEqual}},
       Labels::FromStrings({"__tmp_port", "1234", "__port1", "1234"})},
      {"dropequal drops",
       Labels::FromStrings({"__tmp_port", "1234", "__port1", "1234"}),
       {{{"__tmp_port"}, "", "__port1", "$1", Action::kDropEqual}},
       std::nullopt},
      {"dropequal keeps",
       Labels::FromStrings({"__tmp_port", "1234", "__port2", "5678"}),
       {{{"__tmp_port"}, "", "__port2", "$1", Action::kDropEqual}},
       Labels::FromStrings({"__tmp_port", "1234", "__port2", "5678"})},
      {"keepequal drops",
       Labels::FromStrings({"__tmp_port", "1234", "__port2", "5678"}),
       {{{"__tmp_port"}, "", "__port2", "$1", Action::kKeepEqual}},
       std::nullopt},
      {"dot matches newline",
       Labels::FromStrings({"a", "line1\nline2"}),
       {{{"a"}, "line1.*line2", "d", "match${1}"}},
       Labels::FromStrings({"a", "line1\nline2", "d", "match"})},
      {"utf-8 source and target",
       Labels::FromStrings({"utf-8.label", "line1\nline2"}),
       {{{"utf-8.label"}, "line1.*line2", "utf-8.target${1}", "match${1}"}},
       Labels::FromStrings({"utf-8.label", "line1\nline2", "utf-8.target", "match"})},
      {"named groups in both styles",
       Labels::FromStrings({"a", "line1\nline2"}),
       {{{"a"}, "(line1).*(?<second>line2)", "label1_${1}", "val_${second}"},
        {{"a"}, "(line1).*(?P<second>line2)", "label2_$1", "val_$second"}},
       Labels::FromStrings(
           {"a", "line1\nline2", "label1_line1", "val_line2", "label2_line1", "val_line2"})},
      // Go's Expand reads "$1x" as the group named "1x", which does not exist.
      {"$1x is a name",
       Labels::FromStrings({"a", "foo"}),
       {{{"a"}, "(f)oo", "t", "$1x-${1}x"}},
       Labels::FromStrings({"a", "foo", "t", "-fx"})},
      {"$$ and malformed references",
       Labels::FromStrings({"a", "foo"}),
       {{{"a"}, "(foo)", "t", "$$1 ${1 $ ${}"}},
       Labels::FromStrings({"a", "foo", "t", "$1 ${1 $ ${}"})},
      {"empty value sets via fast path",
       Labels::FromStrings({"a", "foo"}),
       {{{"missing"}, "", "t", "fixed"}},
       Labels::FromStrings({"a", "foo", "t", "fixed"})},
      {"set then labelmap sees added label after base",
       Labels::FromStrings({"z_x", "base"}),
       {{{}, "", "a_x", "added"}, {{}, "[az]_(x)", "", "$1", Action::kLabelMap}},
       Labels::FromStrings({"z_x", "base", "a_x", "added", "x", "added"})},
  };
  for (const Case& c : cases) {
    std::vector<Config> configs;
    for (const Rule& r : c.rules) {
      configs.push_back(Make(r));
      ASSERT_TRUE(configs.back().Validate(ValidationScheme::kUtf8).ok()) << c.name;
    }
    std::optional<Labels> got = Process(c.input, configs);
    EXPECT_EQ(Show(got), Show(c.output)) << c.name;
  }
}

TEST(Relabel, HashModMatchesPrometheus) {
  // Values from upstream's tests and from Prometheus's documented sharding behaviour.
  EXPECT_EQ(HashMod("baz", 1000), 976u);
  EXPECT_EQ(HashMod("foo\nbar", 1000), 734u);
  auto md5 = Md5("");
  EXPECT_EQ(md5[0], 0xd4);
  EXPECT_EQ(md5[15], 0x7e);
  // 55 and 56 bytes straddle the padding boundary.
  std::string s55(55, 'a'), s56(56, 'a'), s64(64, 'a');
  auto hex = [](std::array<uint8_t, 16> d) {
    std::string out;
    for (uint8_t b : d) out += fmt::format("{:02x}", b);
    return out;
  };
  EXPECT_EQ(hex(Md5(s55)), "ef1772b6dff9a122358552954ad0df65");
  EXPECT_EQ(hex(Md5(s56)), "3b0c8ac703f828b04c6c197006d17218");
  EXPECT_EQ(hex(Md5(s64)), "014842d480b571495a4a0363793f7367");
  EXPECT_EQ(hex(Md5("The quick brown fox jumps over the lazy dog")),
            "9e107d9d372bb6826bd81d3542a419d6");
}

TEST(Relabel, Validate) {
  struct V {
    Rule rule;
    ValidationScheme scheme;
    std::string want;  // "" = valid
  };
  const std::vector<V> cases = {
      {{{}, "", "", "$1", Action::kReplace},
       ValidationScheme::kUtf8,
       "relabel configuration for replace action requires 'target_label' value"},
      {{{}, "", "", "$1", Action::kLowercase},
       ValidationScheme::kUtf8,
       "relabel configuration for lowercase action requires 'target_label' value"},
      {{{}, "", "${3}", "$1", Action::kLowercase}, ValidationScheme::kUtf8, ""},
      {{{}, "", "${3}", "$1", Action::kLowercase},
       ValidationScheme::kLegacy,
       "\"${3}\" is invalid 'target_label' for lowercase action"},
      {{{"a"}, "some-([^-]+)-([^,]+)", "${3}", "${1}"}, ValidationScheme::kUtf8, ""},
      {{{"a"}, "some-([^-]+)-([^,]+)", "0${3}", "${1}"}, ValidationScheme::kUtf8, ""},
      {{{"a"}, "some-([^-]+)-([^,]+)", "-${3}", "${1}"}, ValidationScheme::kUtf8, ""},
      {{{"a"}, "x", "-${3}", "${1}"},
       ValidationScheme::kLegacy,
       "\"-${3}\" is invalid 'target_label' for replace action"},
      {{{}, "__meta_(.+)", "", "${1}", Action::kLabelMap}, ValidationScheme::kLegacy, ""},
      {{{}, "__meta_(.+)", "", "a-${1}", Action::kLabelMap},
       ValidationScheme::kLegacy,
       "\"a-${1}\" is invalid 'replacement' for labelmap action"},
      {{{"a"}, "", "t", "$1", Action::kHashMod, 0},
       ValidationScheme::kUtf8,
       "relabel configuration for hashmod requires non-zero modulus"},
      {{{"a"}, "", "t", "x", Action::kUppercase},
       ValidationScheme::kUtf8,
       "'replacement' can not be set for uppercase action"},
      {{{"a"}, "foo", "t", "$1", Action::kKeepEqual},
       ValidationScheme::kUtf8,
       "keepequal action requires only 'source_labels' and `target_label`, and no other fields"},
      {{{"a"}, "", "", "$1", Action::kLabelDrop},
       ValidationScheme::kUtf8,
       "labeldrop action requires only 'regex', and no other fields"},
      {{{}, "", "t", "$1", Action::kLabelKeep},
       ValidationScheme::kUtf8,
       "labelkeep action requires only 'regex', and no other fields"},
  };
  for (const V& v : cases) {
    Config c = Make(v.rule);
    c.name_validation_scheme = v.scheme;
    util::Status st = c.Validate(ValidationScheme::kUtf8);
    EXPECT_EQ(st.ok() ? "" : std::string(st.message()), v.want) << v.rule.target;
  }
  Config empty;
  empty.action_empty = true;
  EXPECT_EQ(empty.Validate(ValidationScheme::kUtf8).message(), "relabel action cannot be empty");
  // An explicit "(.*)" is not the default regex for keepequal, as upstream compares pointers.
  Config explicit_default = Make({{"a"}, "(.*)", "t", "$1", Action::kKeepEqual});
  EXPECT_FALSE(explicit_default.Validate(ValidationScheme::kUtf8).ok());
}

TEST(Relabel, RegexErrorsReadAsGo) {
  auto re = Regexp::Compile("abc(def");
  ASSERT_FALSE(re.ok());
  EXPECT_EQ(re.status().message(), "error parsing regexp: missing closing ): `^(?s:abc(def)$`");
  auto re2 = Regexp::Compile("a**");
  ASSERT_FALSE(re2.ok());
  EXPECT_EQ(re2.status().message(),
            "error parsing regexp: invalid nested repetition operator: `**`");
  EXPECT_TRUE(Regexp::Compile("[^]a]").ok());
  EXPECT_EQ(Regexp::Compile("x").value().expr(), "x");
}

TEST(Relabel, ParseAction) {
  EXPECT_EQ(*ParseAction("HashMod"), Action::kHashMod);
  EXPECT_EQ(ParseAction("foo").status().message(), "unknown relabel action \"foo\"");
}

}  // namespace
}  // namespace promkit::relabel

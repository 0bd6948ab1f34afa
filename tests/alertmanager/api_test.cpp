// amtool's formatting of API v2 objects, checked against what Debian's amtool 0.25 printed for
// the same server responses (captured from prometheus-alertmanager 0.25), and its config file.
#include "alertmanager/api.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

namespace promkit::alertmanager::api {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kAlerts =
    R"([{"annotations":{"summary":"sum \u003cx\u003e"},"endsAt":"2026-11-22T05:39:54.181Z",)"
    R"("fingerprint":"60b7a6e749cd4da3","receivers":[{"name":"default"}],)"
    R"("startsAt":"2026-11-22T05:34:54.181Z","status":{"inhibitedBy":[],"silencedBy":[],)"
    R"("state":"active"},"updatedAt":"2026-11-22T05:34:54.181Z","generatorURL":"http://g",)"
    R"("labels":{"alertname":"foo","node":"a"}},{"annotations":{},)"
    R"("endsAt":"2026-11-22T05:39:54.238Z","fingerprint":"7aa01d38286fef93",)"
    R"("receivers":[{"name":"default"}],"startsAt":"2026-11-22T05:34:54.238Z",)"
    R"("status":{"inhibitedBy":[],"silencedBy":[],"state":"active"},)"
    R"("updatedAt":"2026-11-22T05:34:54.238Z","labels":{"alertname":"bar","sev":"crit"}}])";

constexpr std::string_view kDateFormat = "2006-01-02 15:04:05 MST";

std::vector<Alert> Alerts(std::string_view body) {
  auto a = DecodeAlerts(body);
  EXPECT_TRUE(a.ok()) << a.status().message();
  return a.ok() ? *a : std::vector<Alert>{};
}

TEST(FormatAlerts, AsAmtool) {
  // In reverse: the tables sort by start time, JSON keeps the order it got.
  std::vector<Alert> alerts = Alerts(kAlerts);
  ASSERT_EQ(alerts.size(), 2u);
  std::swap(alerts[0], alerts[1]);
  EXPECT_EQ(FormatAlerts(alerts, OutputFormat::kSimple, kDateFormat),
            "Alertname  Starts At                Summary  State   \n"
            "foo        2026-11-22 05:34:54 UTC  sum <x>  active  \n"
            "bar        2026-11-22 05:34:54 UTC           active  \n");
  EXPECT_EQ(FormatAlerts(alerts, OutputFormat::kExtended, kDateFormat),
            "Labels                      Annotations        Starts At                Ends At     "
            "             Generator URL  State   \n"
            "alertname=\"foo\" node=\"a\"    summary=\"sum <x>\"  2026-11-22 05:34:54 UTC  "
            "2026-11-22 05:39:54 UTC  http://g       active  \n"
            "alertname=\"bar\" sev=\"crit\"                     2026-11-22 05:34:54 UTC  "
            "2026-11-22 05:39:54 UTC                 active  \n");
  std::swap(alerts[0], alerts[1]);
  EXPECT_EQ(FormatAlerts(alerts, OutputFormat::kJson, kDateFormat), std::string(kAlerts) + "\n");
  EXPECT_EQ(FormatAlerts({}, OutputFormat::kJson, kDateFormat), "[]\n");
  EXPECT_EQ(FormatAlerts({}, OutputFormat::kSimple, kDateFormat),
            "Alertname  Starts At  Summary  State  \n");
  EXPECT_EQ(FormatAlerts(alerts, OutputFormat::kSimple, "2006-01-02T15:04"),
            "Alertname  Starts At         Summary  State   \n"
            "foo        2026-11-22T05:34  sum <x>  active  \n"
            "bar        2026-11-22T05:34           active  \n");
}

// -o json is Go's encoding of the decoded model: its field order, sorted maps, HTML-safe
// escaping, null kept, empty generatorURL and unknown fields dropped.
TEST(FormatAlerts, JsonReencodesAsTheModel) {
  std::vector<Alert> alerts =
      Alerts(R"([{"labels":{"b":"1","a":"<&>"},"status":{"state":"active","silencedBy":null,)"
             R"("inhibitedBy":[]},"startsAt":"2026-01-01T00:00:00.000Z",)"
             R"( "endsAt":"2026-01-01T00:05:00.000Z","extra":1,"generatorURL":"",)"
             R"("annotations":{},"fingerprint":"f","receivers":[],)"
             R"("updatedAt":"2026-01-01T00:00:00.000Z"}])");
  EXPECT_EQ(FormatAlerts(alerts, OutputFormat::kJson, kDateFormat),
            R"([{"annotations":{},"endsAt":"2026-01-01T00:05:00.000Z","fingerprint":"f",)"
            R"("receivers":[],"startsAt":"2026-01-01T00:00:00.000Z","status":{"inhibitedBy":[],)"
            R"("silencedBy":null,"state":"active"},"updatedAt":"2026-01-01T00:00:00.000Z",)"
            R"("labels":{"a":"\u003c\u0026\u003e","b":"1"}}])"
            "\n");
}

TEST(FormatAlerts, ZoneOffsets) {
  std::vector<Alert> alerts = Alerts(
      R"([{"labels":{"alertname":"x"},"annotations":{},"status":{"state":"active"},)"
      R"("startsAt":"2026-01-01T10:00:00.000+02:00","endsAt":"2026-01-01T10:05:00.000+02:00"}])");
  // Shown in the zone the server wrote.
  EXPECT_EQ(FormatAlerts(alerts, OutputFormat::kSimple, "2006-01-02 15:04:05 -0700"),
            "Alertname  Starts At                  Summary  State   \n"
            "x          2026-01-01 10:00:00 +0200           active  \n");
}

TEST(DecodeAlerts, Errors) {
  const std::tuple<std::string_view, std::string_view> cases[] = {
      {"not json", "cannot decode the response: the body is not JSON"},
      {"{}", "the alerts are not a JSON array"},
      {"[1]", "an alert is not a JSON object"},
      {R"([{"labels":{}}])", "alert has no startsAt"},
      {R"([{"startsAt":"yesterday"}])",
       R"(parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006")"},
  };
  for (const auto& [body, want] : cases) {
    SCOPED_TRACE(body);
    auto got = DecodeAlerts(body);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().message(), want);
  }
}

constexpr std::string_view kSilences =
    R"([{"id":"346d6982-3bf6-4f70-b9ac-60dddba1cc34","status":{"state":"active"},)"
    R"("updatedAt":"2026-11-22T05:34:59.240Z","comment":"x","createdBy":"root",)"
    R"("endsAt":"2026-11-22T06:34:59.238Z","matchers":[{"isEqual":true,"isRegex":false,)"
    R"("name":"alertname","value":"a=~("}],"startsAt":"2026-11-22T05:34:59.240Z"},)"
    R"({"id":"e562e6dd-f3e1-4ee4-82ce-ea7055586085","status":{"state":"active"},)"
    R"("updatedAt":"2026-11-22T05:34:59.103Z","comment":"hi","createdBy":"root",)"
    R"("endsAt":"2026-11-22T06:34:59.089Z","matchers":[{"isEqual":true,"isRegex":false,)"
    R"("name":"alertname","value":"foo"}],"startsAt":"2026-11-22T05:34:59.103Z"},)"
    R"({"id":"177c8b6e-93ee-4d24-89c9-e34b22eef143","status":{"state":"active"},)"
    R"("updatedAt":"2026-11-22T05:34:59.154Z","comment":"test \u003cc\u003e","createdBy":"me",)"
    R"("endsAt":"2026-11-22T06:34:59.146Z","matchers":[{"isEqual":true,"isRegex":false,)"
    R"("name":"alertname","value":"foo"},{"isEqual":false,"isRegex":true,"name":"node",)"
    R"("value":"a\"b"}],"startsAt":"2026-11-22T05:34:59.154Z"}])";

TEST(FormatSilences, AsAmtool) {
  auto silences = DecodeSilences(kSilences);
  ASSERT_TRUE(silences.ok()) << silences.status().message();
  EXPECT_EQ(FormatSilences(*silences, OutputFormat::kSimple, kDateFormat),
            "ID                                    Matchers                      Ends At          "
            "        Created By  Comment   \n"
            "e562e6dd-f3e1-4ee4-82ce-ea7055586085  alertname=\"foo\"               "
            "2026-11-22 06:34:59 UTC  root        hi        \n"
            "177c8b6e-93ee-4d24-89c9-e34b22eef143  alertname=\"foo\" node!~\"a\\\"b\"  "
            "2026-11-22 06:34:59 UTC  me          test <c>  \n"
            "346d6982-3bf6-4f70-b9ac-60dddba1cc34  alertname=\"a=~(\"              "
            "2026-11-22 06:34:59 UTC  root        x         \n");
  EXPECT_EQ(FormatSilences(*silences, OutputFormat::kExtended, kDateFormat),
            "ID                                    Matchers                        Starts At      "
            "          Ends At                  Updated At               Created By  Comment   \n"
            "e562e6dd-f3e1-4ee4-82ce-ea7055586085  {alertname=\"foo\"}               "
            "2026-11-22 05:34:59 UTC  2026-11-22 06:34:59 UTC  2026-11-22 05:34:59 UTC  root    "
            "    hi        \n"
            "177c8b6e-93ee-4d24-89c9-e34b22eef143  {alertname=\"foo\",node!~\"a\\\"b\"}  "
            "2026-11-22 05:34:59 UTC  2026-11-22 06:34:59 UTC  2026-11-22 05:34:59 UTC  me      "
            "    test <c>  \n"
            "346d6982-3bf6-4f70-b9ac-60dddba1cc34  {alertname=\"a=~(\"}              "
            "2026-11-22 05:34:59 UTC  2026-11-22 06:34:59 UTC  2026-11-22 05:34:59 UTC  root    "
            "    x         \n");
  EXPECT_EQ(FormatSilences(*silences, OutputFormat::kJson, kDateFormat),
            std::string(kSilences) + "\n");
}

TEST(FilterSilences, Table) {
  auto all = DecodeSilences(kSilences);
  ASSERT_TRUE(all.ok());
  auto at = [](std::string_view t) { return ParseApiTime(t)->unix_nanos; };
  const int64_t minute = 60'000'000'000;
  struct Case {
    std::string_view now;
    bool expired;
    int64_t within;
    std::string_view created_by;
    size_t want;
  };
  const Case cases[] = {
      {"2026-11-22T06:00:00Z", false, 0, "", 3},
      {"2026-11-22T06:00:00Z", true, 0, "", 0},
      {"2026-11-22T06:00:00Z", false, 30 * minute, "", 0},
      {"2026-11-22T06:00:00Z", false, 40 * minute, "", 3},
      {"2026-11-22T06:00:00Z", false, 0, "me", 1},
      {"2026-11-22T06:34:59.150Z", false, 0, "", 1},
      {"2026-11-22T06:34:59.150Z", true, 0, "", 2},
      {"2026-11-22T07:00:00Z", true, 10 * minute, "", 0},
      {"2026-11-22T07:00:00Z", true, 30 * minute, "root", 2},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << c.now << " expired=" << c.expired << " within=" << c.within
                                    << " by=" << c.created_by);
    EXPECT_EQ(FilterSilences(*all, at(c.now), c.expired, c.within, c.created_by).size(), c.want);
  }
}

TEST(AlertsMatching, EvaluatesMatchers) {
  std::vector<Alert> alerts = Alerts(kAlerts);
  const std::tuple<std::string_view, std::vector<std::string_view>> cases[] = {
      {"{alertname=\"foo\"}", {"foo"}},
      {"{alertname=~\"f.*|bar\"}", {"foo", "bar"}},
      {"{sev!=\"crit\"}", {"foo"}},
      {"{node=\"\"}", {"bar"}},
      {"{alertname=\"foo\",node!~\"a\"}", {}},
  };
  for (const auto& [ms, want] : cases) {
    SCOPED_TRACE(ms);
    auto matchers = ParseMatchers(ms);
    ASSERT_TRUE(matchers.ok()) << matchers.status().message();
    const std::vector<Alert> matched = AlertsMatching(alerts, *matchers);  // `got` views it
    std::vector<std::string_view> got;
    for (const Alert& a : matched) got.push_back(a.labels.at("alertname"));
    EXPECT_EQ(got, want);
  }
}

TEST(Status, ConfigAndCluster) {
  constexpr std::string_view body =
      R"({"cluster":{"name":"01H","peers":[{"address":"10.0.0.2:9094","name":"b"},)"
      R"({"address":"10.0.0.1:9094","name":"01H"}],"status":"ready"},)"
      R"("config":{"original":"route:\n  receiver: x\n"},"uptime":"2026-11-22T05:34:52.738Z",)"
      R"("versionInfo":{"branch":"HEAD","buildDate":"d","buildUser":"u","goVersion":"go1.19",)"
      R"("revision":"r","version":"0.25.0"}})";
  auto s = DecodeStatus(body);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(FormatConfig(*s, OutputFormat::kSimple), "route:\n  receiver: x\n\n");
  EXPECT_EQ(FormatConfig(*s, OutputFormat::kExtended),
            "route:\n  receiver: x\n\nbuildUser u\ngoVersion go1.19\nrevision r\nversion 0.25.0\n"
            "branch HEAD\nbuildDate d\nuptime 2026-11-22T05:34:52.738Z\n");
  EXPECT_EQ(FormatConfig(*s, OutputFormat::kJson), std::string(body) + "\n");
  EXPECT_EQ(FormatClusterStatus(*s, OutputFormat::kSimple),
            "Cluster Status:  ready\nNode Name:       01H\n");
  EXPECT_EQ(FormatClusterStatus(*s, OutputFormat::kExtended),
            "Cluster Status:  ready\nNode Name:       01H\n\nAddress        Name\n"
            "10.0.0.1:9094  01H  \n10.0.0.2:9094  b    \n");
  EXPECT_EQ(FormatClusterStatus(*s, OutputFormat::kJson),
            R"({"name":"01H","peers":[{"address":"10.0.0.2:9094","name":"b"},)"
            R"({"address":"10.0.0.1:9094","name":"01H"}],"status":"ready"})"
            "\n");
  EXPECT_FALSE(DecodeStatus(R"({"config":{"original":""}})").ok());
}

TEST(RequestBodies, AsAmtoolPostsThem) {
  PostableSilence s;
  s.id = "id-1";
  auto m = ParseMatcher("node!~a.*");
  ASSERT_TRUE(m.ok());
  s.matchers = {ToApiMatcher(*m)};
  s.starts_at = FormatApiTime(1'700'000'000'123'456'789);
  s.ends_at = "2099-01-01T00:00:00.000Z";
  s.created_by = "me";
  s.comment = "a <b>";
  EXPECT_EQ(EncodePostableSilence(s),
            R"({"id":"id-1","comment":"a \u003cb\u003e","createdBy":"me",)"
            R"("endsAt":"2099-01-01T00:00:00.000Z","matchers":[{"isEqual":false,"isRegex":true,)"
            R"("name":"node","value":"a.*"}],"startsAt":"2023-11-14T22:13:20.123Z"})");
  s.id.clear();
  EXPECT_EQ(EncodePostableSilence(s).substr(0, 12), R"({"comment":")");

  PostableAlert a;
  a.labels = {{"alertname", "x"}};
  a.ends_at_nanos = 0;
  EXPECT_EQ(EncodePostableAlerts({a}),
            R"([{"annotations":{},"endsAt":"1970-01-01T00:00:00.000Z",)"
            R"("startsAt":"0001-01-01T00:00:00.000Z","labels":{"alertname":"x"}}])");

  auto imported = DecodeSilenceImport(kSilences);
  ASSERT_TRUE(imported.ok()) << imported.status().message();
  ASSERT_EQ(imported->size(), 3u);
  EXPECT_EQ(EncodePostableSilence((*imported)[2]),
            R"({"id":"177c8b6e-93ee-4d24-89c9-e34b22eef143","comment":"test \u003cc\u003e",)"
            R"("createdBy":"me","endsAt":"2026-11-22T06:34:59.146Z","matchers":[{"isEqual":true,)"
            R"("isRegex":false,"name":"alertname","value":"foo"},{"isEqual":false,"isRegex":true,)"
            R"("name":"node","value":"a\"b"}],"startsAt":"2026-11-22T05:34:59.154Z"})");
  auto bad = DecodeSilenceImport("{\"a\":1}");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "couldn't unmarshal input data, is it JSON?: the input is not a JSON array of "
            "silences");
  EXPECT_EQ(*DecodeSilenceId(R"({"silenceID":"abc"})"), "abc");
  EXPECT_FALSE(DecodeSilenceId("{}").ok());
}

class AmtoolConfigTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("promkit-amtool-config-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  fs::path dir_;
};

TEST_F(AmtoolConfigTest, FirstFileWinsAndLegacyKeys) {
  const std::string home = Write("home.yml",
                                 "alertmanager.url: http://am:9093\noutput: json\n"
                                 "comment_required: false\n");
  const std::string etc = Write("etc.yml",
                                "output: extended\nauthor: ops\nrequire-comment: true\n"
                                "timeout: 5s\n");
  auto got = LoadAmtoolConfig({(dir_ / "missing.yml").string(), home, etc});
  ASSERT_TRUE(got.ok()) << got.status().message();
  const std::map<std::string, std::string> want = {{"alertmanager.url", "http://am:9093"},
                                                   {"author", "ops"},
                                                   {"output", "json"},
                                                   {"require-comment", "false"},
                                                   {"timeout", "5s"}};
  EXPECT_EQ(*got, want);
  // Within one file the new name wins over the legacy one.
  const std::string both = Write("both.yml", "comment_required: false\nrequire-comment: true\n");
  got = LoadAmtoolConfig({both});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->at("require-comment"), "true");
  got = LoadAmtoolConfig({Write("empty.yml", "")});
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->empty());
}

TEST_F(AmtoolConfigTest, Errors) {
  auto got = LoadAmtoolConfig({Write("seq.yml", "output: [json]\n")});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().message(),
            "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into string");
  got = LoadAmtoolConfig({Write("list.yml", "- a\n")});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().message(),
            "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into map[string]string");
  got = LoadAmtoolConfig({Write("bad.yml", "a: [\n")});
  ASSERT_FALSE(got.ok());
  EXPECT_TRUE(got.status().message().starts_with("yaml: line ")) << got.status().message();
}

}  // namespace
}  // namespace promkit::alertmanager::api

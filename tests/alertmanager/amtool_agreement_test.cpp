// `promkit` invoked as amtool against Debian's amtool 0.25 on upstream's alertmanager config
// fixtures (testdata/conformance/alertmanager-config) and ours (testdata/alertmanager):
// check-config on every file, `config routes show` on every config both load, and `config
// routes test` (with --tree and --verify.receivers) over label sets. Same exit code, stdout and
// stderr, except where current upstream (which promkit follows) changed what 0.25 does; every
// such case names the channels and why. A listed difference that disappears fails the test.
//
// One difference is normalized instead of listed: 0.25's --alertmanager.url defaults to
// http://localhost:9093/, so with --config.file it always warns "--config.file flag overrides
// the --alertmanager.url" on stderr; current upstream has no default and warns only when both
// are given. The routing cases therefore pass --alertmanager.url to promkit too.
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "testutil/subprocess.h"

namespace promkit {
namespace {

namespace fs = std::filesystem;
constexpr const char* kAmtool = "/usr/bin/amtool";
constexpr const char* kUrl = "--alertmanager.url=http://localhost:9093/";

enum Channel : unsigned { kExit = 1, kStdout = 2, kStderr = 4 };

struct Deviation {
  unsigned channels = 0;
  std::string why;
};

// check-config on upstream's fixtures: where current upstream differs from 0.25.
const std::map<std::string, Deviation>& CheckConfigDeviations() {
  static const std::map<std::string, Deviation> kDevs = {
      {"conf.mattermost-both-webhook-url-and-file.yml",
       {kStdout, "Mattermost receivers and global mattermost_webhook_url* are newer than 0.25"}},
      {"conf.mattermost-default-webhook-url-file.yml",
       {kExit | kStdout | kStderr,
        "Mattermost receivers and global mattermost_webhook_url* are newer than 0.25"}},
      {"conf.mattermost-default-webhook-url.yml",
       {kExit | kStdout | kStderr,
        "Mattermost receivers and global mattermost_webhook_url* are newer than 0.25"}},
      {"conf.mattermost-no-webhook-url.yml",
       {kStdout, "Mattermost receivers and global mattermost_webhook_url* are newer than 0.25"}},
      {"conf.mattermost-valid-receiver-both-webhook-url-and-file.yml",
       {kStdout, "Mattermost receivers and global mattermost_webhook_url* are newer than 0.25"}},
      {"conf.opsgenie-default-apikey-old-team.yml",
       {kStdout,
        "opsgenie's config moved to notify/opsgenie: the type is opsgenie.plain (0.25: "
        "config.plain)"}},
      {"conf.rocketchat-both-token-and-tokenfile.yml",
       {kStdout, "Rocket.Chat receivers and global rocketchat_* settings are newer than 0.25"}},
      {"conf.rocketchat-both-tokenid-and-tokenidfile.yml",
       {kStdout, "Rocket.Chat receivers and global rocketchat_* settings are newer than 0.25"}},
      {"conf.rocketchat-default-token-file.yml",
       {kExit | kStdout | kStderr,
        "Rocket.Chat receivers and global rocketchat_* settings are newer than 0.25"}},
      {"conf.rocketchat-default-token.yml",
       {kExit | kStdout | kStderr,
        "Rocket.Chat receivers and global rocketchat_* settings are newer than 0.25"}},
      {"conf.rocketchat-no-token.yml",
       {kStdout, "Rocket.Chat receivers and global rocketchat_* settings are newer than 0.25"}},
      {"conf.slack-both-file-and-token.yml",
       {kStdout, "Slack app tokens (slack_app_token*) are newer than 0.25"}},
      {"conf.slack-both-url-and-token.yml",
       {kStdout, "Slack app tokens (slack_app_token*) are newer than 0.25"}},
      {"conf.slack-default-app-token.yml",
       {kExit | kStdout | kStderr,
        "Slack app tokens (slack_app_token*, app_url) are newer than 0.25"}},
      {"conf.slack-no-api-url-or-token.yml",
       {kStdout,
        "with app tokens upstream words it `no Slack API URL nor App token set either inline or in "
        "a file`"}},
      {"conf.slack-update-message-and-webhook.yml", {kStdout, "update_message is newer than 0.25"}},
      {"conf.smtp-password-global-and-local.yml",
       {kExit | kStdout | kStderr, "smtp_auth_secret_file / auth_secret_file are newer than 0.25"}},
      {"conf.telegram-both-bot-token-and-file.yml",
       {kStdout, "bot_token_file is newer than 0.25 (0.25 fails on the missing bot_token)"}},
      {"conf.telegram-default-bot-token-file.yml",
       {kExit | kStdout | kStderr,
        "bot_token_file is newer than 0.25 (0.25 fails on the missing bot_token)"}},
      {"conf.telegram-default-bot-token.yml",
       {kExit | kStdout | kStderr, "0.25 does not inherit telegram_bot_token into receivers"}},
      {"conf.telegram-no-bot-token.yml",
       {kStdout, "upstream now words it `missing bot_token or bot_token_file on telegram_config`"}},
      {"conf.telegram-valid-receiver-both-bot-token-and-file.yml",
       {kStdout, "global telegram_bot_token* and bot_token_file are newer than 0.25"}},
      {"conf.wechat-both-file-and-secret.yml",
       {kStdout, "wechat_api_secret_file is newer than 0.25"}},
      {"conf.wechat-default-api-secret-file.yml",
       {kExit | kStdout | kStderr, "wechat_api_secret_file is newer than 0.25"}},
      {"conf.wechat-no-api-secret.yml",
       {kStdout,
        "upstream now words it `no global Wechat Api Secret set either inline or in a file`"}},
  };
  return kDevs;
}

struct Case {
  std::string dir;  // under testdata/
  std::vector<std::string> args;
  bool routing = false;  // pass --alertmanager.url to promkit (see above)
  Deviation dev = {};
};

std::vector<Case> Cases() {
  std::vector<Case> cases;
  const std::string conf = "conformance/alertmanager-config";
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(fs::path(PROMKIT_SOURCE_DIR) / "testdata" / conf)) {
    if (e.path().extension() == ".yml") files.push_back(e.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  for (const std::string& f : files) {
    Case c{conf, {"check-config", f}};
    if (auto it = CheckConfigDeviations().find(f); it != CheckConfigDeviations().end()) {
      c.dev = it->second;
    }
    cases.push_back(c);
  }
  // Configs both versions load: the routing tree and one routing test each.
  for (const char* f :
       {"conf.empty-fields.yml", "conf.good.yml", "conf.group-by-all.yml",
        "conf.http-config.good.yml", "conf.opsgenie-default-apikey-file.yml",
        "conf.opsgenie-default-apikey.yml", "conf.slack-default-api-url-file.yml",
        "conf.smtp-no-username-or-password.yml", "conf.sns-topic-arn.yml",
        "conf.victorops-default-apikey-file.yml", "conf.victorops-default-apikey.yml"}) {
    std::string flag = std::string("--config.file=") + f;
    cases.push_back({conf, {"config", "routes", flag}, true});
    cases.push_back({conf,
                     {"config", "routes", "test", flag, "--tree", "alertname=x", "service=database",
                      "severity=critical"},
                     true});
  }
  cases.push_back({conf,
                   {"config", "routes", "test", "--config.file=conf.good.yml", "--tree",
                    "service=database", "owner2=team-X", "owner=team-Y"},
                   true});
  // Ours.
  const std::string ours = "alertmanager";
  for (const char* f : {"routing.yml", "bad_receiver.yml", "bad_matcher.yml", "unknown_field.yml",
                        "empty.yml", "templates.yml", "bad_template.yml"}) {
    cases.push_back({ours, {"check-config", f}});
  }
  cases.push_back({ours, {"check-config", "routing.yml", "templates.yml", "bad_receiver.yml"}});
  cases.push_back({ours, {"check-config", "missing.yml"}});
  cases.push_back({ours, {"config", "routes", "show", "--config.file=routing.yml"}, true});
  cases.push_back({ours, {"config", "routes", "--config.file=missing.yml"}, true});
  cases.push_back({ours, {"config", "routes", "--config.file=bad_receiver.yml"}, true});
  const std::vector<std::vector<std::string>> label_sets = {
      {"alertname=Watchdog"},
      {"severity=critical", "team=db"},
      {"severity=critical", "team=frontend", "service=web-1"},
      {"team=frontend", "service=web-1", "env=prod"},
      {"team=frontend", "service=api-1", "env=dev"},
      {"team=frontend", "env=dev"},
      {"team=db", "cluster=eu-west"},
      {"team=db", "cluster=us-1"},
      {"team=db"},
      {},
      {"severity=critical"},
      {"team=\"db\""},
      {"foo"},
      {"a=b,c=d"},
  };
  for (const auto& ls : label_sets) {
    for (const char* extra : {"--tree", "--verify.receivers=db"}) {
      Case c{ours, {"config", "routes", "test", "--config.file=routing.yml", extra}, true};
      c.args.insert(c.args.end(), ls.begin(), ls.end());
      cases.push_back(c);
    }
  }
  const Deviation kNotEqual = {kStderr,
                               "upstream now reports `Labels must be specified as key=value "
                               "pairs` (0.25: `Failed to parse labels: labels must be ...`)"};
  const Deviation kBraces = {kStderr,
                             "the UTF-8 matcher parser rejects braces in a single matcher: "
                             "`unexpected open or close brace` (0.25: `bad matcher format`)"};
  // template render over our template files and data.
  const std::string glob = "--template.glob=templates/*.tmpl";
  const std::string data = "--template.data=template_data.json";
  for (const char* text :
       {"{{ template \"custom.title\" . }} {{ .CommonLabels.Names }} {{ len .Alerts.Firing }}",
        "{{ range .Alerts }}{{ .StartsAt }} {{ .Labels.alertname }} {{ .Fingerprint }}\n{{ end }}",
        "{{ .Foo }}", "{{ template \"nope\" . }}",
        "{{ .Receiver | toUpper }} {{ .ExternalURL }}"}) {
    cases.push_back(
        {ours, {"template", "render", glob, data, std::string("--template.text=") + text}});
  }
  cases.push_back(
      {ours, {"template", "render", "--template.glob=templates/bad/*.tmpl", "--template.text=x"}});
  cases.push_back({ours, {"template", "render", glob, "--template.text={{ .Receiver }}"}});
  cases.push_back({ours,
                   {"template", "render", glob, data,
                    "--template.text={{ template \"custom.text\" .Alerts.Firing }}"}});
  cases.push_back({ours,
                   {"template", "render", glob, data,
                    "--template.text={{ template \"slack.default.fallback\" . }}"},
                   false,
                   {kExit | kStdout | kStderr,
                    "Debian's amtool 0.25 build lacks upstream's embedded default templates "
                    "(`template \"slack.default.fallback\" not defined`)"}});
  cases.push_back({ours,
                   {"template", "render", glob, data, "--template.text={{ .CommonLabels }}"},
                   false,
                   {kStdout, "template.KV has a String method now (0.25 prints map[...])"}});
  cases.push_back({ours,
                   {"config", "routes", "test", "--config.file=routing.yml", "team!=db"},
                   true,
                   kNotEqual});
  cases.push_back({ours,
                   {"config", "routes", "test", "--config.file=routing.yml", "{team=db}"},
                   true,
                   kBraces});
  return cases;
}

TEST(AmtoolAgreement, Fixtures) {
  ASSERT_TRUE(fs::exists(kAmtool))
      << "Debian's amtool is needed: apt-get install prometheus-alertmanager";
  int agreed = 0;
  int deviations = 0;
  for (const Case& c : Cases()) {
    std::string name = c.dir + ":";
    for (const std::string& a : c.args) name += " " + a;
    SCOPED_TRACE(name);
    fs::path dir = fs::path(PROMKIT_SOURCE_DIR) / "testdata" / c.dir;
    std::vector<std::string> argv = {"amtool"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    std::vector<std::string> ours_argv = argv;
    if (c.routing) ours_argv.insert(ours_argv.begin() + 1, kUrl);
    auto ours = testutil::RunProcess(PROMKIT_BINARY, ours_argv, "", dir);
    auto theirs = testutil::RunProcess(kAmtool, argv, "", dir);
    const bool same[] = {ours.exit_code == theirs.exit_code, ours.out == theirs.out,
                         ours.err == theirs.err};
    const unsigned channels[] = {kExit, kStdout, kStderr};
    for (int k = 0; k < 3; ++k) {
      if (c.dev.channels & channels[k]) {
        EXPECT_FALSE(same[k]) << "channel " << channels[k] << " now agrees; drop it (" << c.dev.why
                              << ")";
      } else {
        EXPECT_TRUE(same[k]) << "channel " << channels[k] << "\nours (exit " << ours.exit_code
                             << "):\n"
                             << ours.out << "---\n"
                             << ours.err << "\namtool 0.25 (exit " << theirs.exit_code << "):\n"
                             << theirs.out << "---\n"
                             << theirs.err;
      }
    }
    if (c.dev.channels == 0) {
      ++agreed;
    } else {
      ++deviations;
    }
  }
  std::cout << "amtool agreement: " << agreed << " cases identical, " << deviations
            << " listed deviations\n";
}

}  // namespace
}  // namespace promkit

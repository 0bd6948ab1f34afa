// alertmanager.yml loading beyond the upstream fixtures: upstream's validations and messages
// (cases from upstream config_test.go), defaults and global inheritance.
#include "alertmanager/config.h"

#include <string>
#include <tuple>

#include <gtest/gtest.h>

namespace promkit::alertmanager {
namespace {

TEST(AlertmanagerLoad, Errors) {
  const std::tuple<std::string_view, std::string_view> cases[] = {
      {"", "no route provided in config"},
      {"route:\n", "no routes provided"},
      {"route:\n  group_by: [a]\nreceivers: [{name: x}]\n",
       "root route must specify a default receiver"},
      {"route:\n  receiver: x\nreceivers: [{name: y}]\n", "undefined receiver \"x\" used in route"},
      {"route:\n  receiver: x\n  routes:\n  - receiver: z\nreceivers: [{name: x}]\n",
       "undefined receiver \"z\" used in route"},
      {"route:\n  receiver: x\n  continue: true\nreceivers: [{name: x}]\n",
       "cannot have continue in root route"},
      {"route:\n  receiver: x\n  matchers: ['a=b']\nreceivers: [{name: x}]\n",
       "root route must not have any matchers"},
      {"route:\n  receiver: x\nreceivers: [{name: x}, {name: x}]\n",
       "notification config name \"x\" is not unique"},
      {"route:\n  receiver: x\nreceivers: [{}]\n", "missing name in receiver"},
      {"route:\n  receiver: x\n  routes:\n  - matchers: ['a=~\"(\"']\nreceivers: [{name: x}]\n",
       "error parsing regexp: missing closing ): `^(?:()$`"},
      {"route:\n  receiver: x\n  group_by: ['...', a]\nreceivers: [{name: x}]\n",
       "cannot have wildcard group_by (`...`) and other labels at the same time"},
      {"route:\n  receiver: x\n  group_by: [a, a]\nreceivers: [{name: x}]\n",
       "duplicated label \"a\" in group_by"},
      {"route:\n  receiver: x\n  group_interval: 0s\nreceivers: [{name: x}]\n",
       "group_interval cannot be zero"},
      {"route:\n  receiver: x\n  foo: 1\nreceivers: [{name: x}]\n",
       "yaml: unmarshal errors:\n  line 3: field foo not found in type config.plain"},
      {"route:\n  receiver: x\n  routes:\n  - receiver: x\n    mute_time_intervals: [w]\n"
       "receivers: [{name: x}]\n",
       "undefined time interval \"w\" used in route"},
      {"route:\n  receiver: x\nreceivers:\n- name: x\n  email_configs:\n  - to: a@b\n",
       "no global SMTP smarthost set"},
      {"route:\n  receiver: x\nreceivers:\n- name: x\n  webhook_configs:\n  - {}\n",
       "one of url or url_file must be configured"},
      {"route:\n  receiver: x\nreceivers:\n- name: x\n  webhook_configs:\n  - url: ftp://x\n",
       "invalid URL: unsupported scheme \"ftp\" for URL"},
      {"route:\n  receiver: x\nreceivers:\n- name: x\n  webhook_configs:\n"
       "  - url: 'http://h/{{ .GroupKey | toUpper }}'\n",
       "invalid template syntax: template: :1: function \"toUpper\" not defined"},
      {"route:\n  receiver: x\nreceivers:\n- name: x\n  pagerduty_configs:\n  - {}\n",
       "missing service or routing key in PagerDuty config"},
      {"global:\n  smtp_smarthost: localhost\nroute:\n  receiver: x\nreceivers: [{name: x}]\n",
       "address localhost: missing port in address"},
      {"time_intervals:\n- name: w\n  time_intervals:\n  - weekdays: [funday]\n"
       "route:\n  receiver: x\nreceivers: [{name: x}]\n",
       "funday is not a valid weekday"},
      {"time_intervals:\n- name: w\n  time_intervals:\n  - times:\n    - start_time: '10:00'\n"
       "      end_time: '09:00'\nroute:\n  receiver: x\nreceivers: [{name: x}]\n",
       "start time cannot be equal or greater than end time"},
      {"time_intervals:\n- name: w\n  time_intervals:\n  - location: Mars/Olympus\n"
       "route:\n  receiver: x\nreceivers: [{name: x}]\n",
       "unknown time zone Mars/Olympus"},
      {"route:\n  receiver: x\nreceivers: [{name: x}]\ninhibit_rules:\n- equal: ['']\n",
       "invalid label name \"\" in equal list"},
      {"route:\n  receiver: x\nreceivers: [{name: x}]\nevent_recorder:\n  kafka_outputs:\n"
       "  - {brokers: [b:9092], topic: t, acks: most}\n",
       "event_recorder kafka: unknown acks \"most\", must be \"none\", \"leader\", or \"all\""},
      {"route:\n  receiver: x\nreceivers: [{name: x}]\nevent_recorder:\n  kafka_outputs:\n"
       "  - {brokers: [b:9092]}\n",
       "event_recorder kafka output requires a topic"},
      {"route:\n  receiver: x\nreceivers: [{name: x}]\ntracing: {endpoint: x, client_type: udp}\n",
       "expected tracing client type to be to be http or grpc, but got udp"},
  };
  for (const auto& [in, want] : cases) {
    SCOPED_TRACE(in);
    auto cfg = Load(in);
    ASSERT_FALSE(cfg.ok());
    EXPECT_EQ(cfg.status().message(), want);
  }
}

TEST(AlertmanagerLoad, DefaultsAndInheritance) {
  auto cfg = Load(
      "global:\n  smtp_smarthost: 'mail:25'\n  smtp_from: am@x\n  resolve_timeout: 1m\n"
      "route:\n  receiver: x\n  group_by: ['...']\n  routes:\n  - matchers: ['b=\"2\"', a=1]\n"
      "    receiver: x\nreceivers:\n- name: x\n  email_configs:\n  - to: a@b\n"
      "  opsgenie_configs:\n  - api_key: k\n");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  EXPECT_EQ(cfg->global.resolve_timeout_ms, 60000);
  EXPECT_TRUE(cfg->route->group_by_all);
  EXPECT_EQ(MatchersString(cfg->route->routes[0]->matchers), "{a=\"1\",b=\"2\"}");
  const Receiver* r = cfg->FindReceiver("x");
  ASSERT_NE(r, nullptr);
  ASSERT_EQ(r->integrations.size(), 2u);
  EXPECT_EQ(r->integrations[0].Get("smarthost"), "mail:25");
  EXPECT_EQ(r->integrations[0].Get("from"), "am@x");
  EXPECT_EQ(r->integrations[0].Get("hello"), "localhost");
  EXPECT_EQ(r->integrations[0].Get("html"), "{{ template \"email.default.html\" . }}");
  EXPECT_FALSE(r->integrations[0].send_resolved);
  EXPECT_EQ(r->integrations[1].Get("api_url"), "https://api.opsgenie.com/");
  EXPECT_TRUE(r->integrations[1].send_resolved);
}

TEST(AlertmanagerLoad, TimeIntervals) {
  auto cfg = Load(
      "time_intervals:\n- name: offhours\n  time_intervals:\n  - times:\n"
      "    - {start_time: '00:00', end_time: '09:00'}\n    weekdays: ['monday:friday']\n"
      "    location: Europe/Berlin\nroute:\n  receiver: x\nreceivers: [{name: x}]\n");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  const NamedTimeInterval* t = cfg->FindTimeInterval("offhours");
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->time_intervals.size(), 1u);
  // 2024-01-08 (a Monday) 07:30 UTC is 08:30 in Berlin: inside; 08:30 UTC is 09:30: outside.
  EXPECT_TRUE(t->time_intervals[0].ContainsTime(1704699000));
  EXPECT_FALSE(t->time_intervals[0].ContainsTime(1704702600));
  // Saturday 2024-01-13 07:30 UTC.
  EXPECT_FALSE(t->time_intervals[0].ContainsTime(1705131000));
}

}  // namespace
}  // namespace promkit::alertmanager

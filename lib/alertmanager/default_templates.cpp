// Alertmanager's default notification templates, which every template set starts with (upstream
// embeds template/default.tmpl). Generated here from a few shapes so that each integration's
// *.default.* template renders the text upstream's renders: aliases of the building blocks, the
// Slack/Mattermost colors, and "Alerts Firing:"/"Alerts Resolved:" sections over the plain or
// Markdown alert lists.
#include <string>

#include "alertmanager/template.h"

namespace promkit::alertmanager {

namespace {

std::string Define(std::string_view name, std::string_view body) {
  return "{{ define \"" + std::string(name) + "\" }}" + std::string(body) + "{{ end }}\n";
}

std::string Call(std::string_view name) { return "{{ template \"" + std::string(name) + "\" . }}"; }

// The per-status sections. `trim`: the section opens with "-}}" and closes with "{{- end }}"
// (no blank lines around it); otherwise its own lines stay. `markdown`: "# " headings over
// the Markdown list.
std::string Sections(bool trim, bool markdown) {
  std::string list = markdown ? "__text_alert_list_markdown" : "__text_alert_list";
  std::string heading = markdown ? "# Alerts " : "Alerts ";
  std::string out;
  for (std::string_view which : {"Firing", "Resolved"}) {
    std::string w(which);
    out += "{{ if gt (len .Alerts." + w + ") 0 " + (trim ? "-}}" : "}}") + "\n";
    out += heading + w + ":\n";
    out += "{{ template \"" + list + "\" .Alerts." + w + " }}\n";
    out += trim ? "{{- end }}" : "{{ end }}";
    if (which == "Firing") out += "\n";
  }
  return out;
}

const std::string kAnnotations = "{{ .CommonAnnotations.SortedPairs.Values | join \" \" }}";

std::string Build() {
  std::string t;
  t += Define("__alertmanager", "Alertmanager");
  t += Define("__alertmanagerURL",
              "{{ .ExternalURL }}/#/alerts?receiver={{ .Receiver | urlquery }}");
  t += Define("__subject",
              "[{{ .Status | toUpper }}{{ if eq .Status \"firing\" }}:{{ .Alerts.Firing | len }}"
              "{{ end }}] {{ .GroupLabels.SortedPairs.Values | join \" \" }} {{ if gt (len "
              ".CommonLabels) (len .GroupLabels) }}({{ with .CommonLabels.Remove "
              ".GroupLabels.Names }}{{ .Values | join \" \" }}{{ end }}){{ end }}");
  t += Define("__description", "");
  t += Define("__text_alert_list",
              "{{ range . }}Labels:\n{{ range .Labels.SortedPairs }} - {{ .Name }} = {{ .Value }}\n"
              "{{ end }}Annotations:\n{{ range .Annotations.SortedPairs }} - {{ .Name }} = "
              "{{ .Value }}\n{{ end }}Source: {{ .GeneratorURL }}\n{{ end }}");
  t += Define("__text_alert_list_markdown",
              "{{ range . }}\nLabels:\n{{ range .Labels.SortedPairs }}  - {{ .Name }} = "
              "{{ .Value }}\n{{ end }}\nAnnotations:\n{{ range .Annotations.SortedPairs }}  - "
              "{{ .Name }} = {{ .Value }}\n{{ end }}\nSource: {{ .GeneratorURL }}\n{{ end }}\n");
  const std::string color = "{{ if eq .Status \"firing\" }}danger{{ else }}good{{ end }}";
  // Slack.
  t += Define("slack.default.title", Call("__subject"));
  t += Define("slack.default.username", Call("__alertmanager"));
  t += Define("slack.default.fallback",
              Call("slack.default.title") + " | " + Call("slack.default.titlelink"));
  for (const char* empty :
       {"slack.default.callbackid", "slack.default.pretext", "slack.default.iconemoji",
        "slack.default.iconurl", "slack.default.text", "slack.default.footer"}) {
    t += Define(empty, "");
  }
  t += Define("slack.default.titlelink", Call("__alertmanagerURL"));
  t += Define("slack.default.color", color);
  // PagerDuty, OpsGenie, WeChat, VictorOps.
  t += Define("pagerduty.default.description", Call("__subject"));
  t += Define("pagerduty.default.client", Call("__alertmanager"));
  t += Define("pagerduty.default.clientURL", Call("__alertmanagerURL"));
  t += Define("pagerduty.default.instances", Call("__text_alert_list"));
  t += Define("opsgenie.default.message", Call("__subject"));
  t += Define("opsgenie.default.description",
              kAnnotations + "\n" + Sections(true, false) + "\n{{- \"\" }}");
  t += Define("opsgenie.default.source", Call("__alertmanagerURL"));
  t += Define("wechat.default.message", Call("__subject") + "\n" + kAnnotations + "\n" +
                                            Sections(true, false) + "\nAlertmanagerUrl:\n" +
                                            Call("__alertmanagerURL") + "\n{{- \"\" }}");
  for (const char* empty : {"wechat.default.to_user", "wechat.default.to_party",
                            "wechat.default.to_tag", "wechat.default.agent_id"}) {
    t += Define(empty, "");
  }
  t += Define("victorops.default.state_message",
              kAnnotations + "\n" + Sections(true, false) + "\n{{- \"\" }}");
  t += Define("victorops.default.entity_display_name", Call("__subject"));
  t += Define("victorops.default.monitoring_tool", Call("__alertmanager"));
  // Pushover, SNS, Telegram, Discord, Webex: the sections keep their lines.
  t += Define("pushover.default.title", Call("__subject"));
  t += Define("pushover.default.message", kAnnotations + "\n" + Sections(false, false) + "\n");
  t += Define("pushover.default.url", Call("__alertmanagerURL"));
  t += Define("sns.default.subject", Call("__subject"));
  t += Define("sns.default.message", kAnnotations + "\n" + Sections(false, false) + "\n");
  t += Define("telegram.default.message", "\n" + Sections(false, false) + "\n");
  t += Define("discord.default.content", "");
  t += Define("discord.default.title", Call("__subject"));
  t += Define("discord.default.message", "\n" + Sections(false, false) + "\n");
  t += Define("webex.default.message", kAnnotations + "\n" + Sections(false, false) + "\n");
  // Teams, Jira, Mattermost: Markdown sections.
  t += Define("msteams.default.summary", Call("__subject"));
  t += Define("msteams.default.title", Call("__subject"));
  t += Define("msteams.default.text", "\n" + Sections(false, true) + "\n");
  t += Define("msteamsv2.default.title", Call("__subject"));
  t += Define("msteamsv2.default.text", "\n" + Sections(false, true) + "\n");
  t += Define("jira.default.summary", Call("__subject"));
  t += Define("jira.default.description", "\n" + Sections(false, true) + "\n");
  // The highest severity among firing alerts (else resolved ones): critical High, warning
  // Medium, info Low.
  std::string rank;
  for (std::string_view which : {"Firing", "Resolved"}) {
    std::string loop =
        "{{- range .Alerts." + std::string(which) +
        " -}}{{- $s := index .Labels \"severity\" -}}"
        "{{- if eq $s \"critical\" -}}{{- $p = \"High\" -}}"
        "{{- else if and (eq $s \"warning\") (ne $p \"High\") -}}{{- $p = \"Medium\" -}}"
        "{{- else if and (eq $s \"info\") (eq $p \"\") -}}{{- $p = \"Low\" -}}"
        "{{- end -}}{{- end -}}";
    rank += which == "Firing" ? loop : "{{- if eq $p \"\" -}}" + loop + "{{- end -}}";
  }
  t += "{{- define \"jira.default.priority\" -}}{{- $p := \"\" -}}" + rank +
       "{{- $p -}}{{- end -}}\n";
  // Rocket.Chat, Mattermost.
  t += Define("rocketchat.default.title", Call("__subject"));
  t += Define("rocketchat.default.alias", Call("__alertmanager"));
  t += Define("rocketchat.default.titlelink", Call("__alertmanagerURL"));
  for (const char* empty :
       {"rocketchat.default.emoji", "rocketchat.default.iconurl", "rocketchat.default.text"}) {
    t += Define(empty, "");
  }
  t += Define("mattermost.default.color", color);
  t += Define("mattermost.default.username", Call("__alertmanager"));
  t += Define("mattermost.default.title", Call("__subject"));
  t += Define("mattermost.default.titlelink", Call("__alertmanagerURL"));
  t += Define("mattermost.default.fallback",
              Call("mattermost.default.title") + " | " + Call("mattermost.default.titlelink"));
  t += Define("mattermost.default.text", "\n" + Sections(false, true) + "\n");
  // Email: the subject, and an HTML body of promkit's own (upstream's email.tmpl is a styled
  // page; TODO(#8): render the same markup).
  t += Define("email.default.subject", Call("__subject"));
  t += Define("email.default.html",
              "<!DOCTYPE html>\n<html><head><meta charset=\"UTF-8\"><title>" + Call("__subject") +
                  "</title></head>\n<body>\n<h2>" + Call("__subject") +
                  "</h2>\n{{ range .Alerts }}<p><strong>{{ .Status | toUpper }}</strong><br>"
                  "{{ range .Labels.SortedPairs }}{{ .Name }} = {{ .Value }}<br>{{ end }}"
                  "{{ range .Annotations.SortedPairs }}{{ .Name }} = {{ .Value }}<br>{{ end }}"
                  "<a href=\"{{ .GeneratorURL }}\">Source</a></p>\n{{ end }}"
                  "<p><a href=\"" +
                  Call("__alertmanagerURL") + "\">View in Alertmanager</a></p>\n</body></html>\n");
  return t;
}

}  // namespace

std::string_view DefaultTemplates() {
  static const std::string kText = Build();
  return kText;
}

}  // namespace promkit::alertmanager

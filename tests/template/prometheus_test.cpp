// Prometheus's template functions: the scenarios of upstream template/template_test.go
// (TestTemplateExpansion; histogram and uint64 inputs aside, which promkit values do not have),
// plus humanize* tables generated with upstream's functions under Go 1.19.
#include "template/prometheus.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "model/labels.h"

// Scenarios list only the fields they need, as upstream's struct literals do.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace promkit::tmpl {
namespace {

constexpr int64_t kNowMs = 1353755652000;

struct Scenario {
  std::string text;
  std::string output;  // or the error text when should_fail
  Value input;
  std::vector<QuerySample> query_result;
  bool should_fail = false;
  MissingKey missing_key = MissingKey::kZero;
};

Value Floats(std::vector<double> v) {
  std::vector<Value> items(v.begin(), v.end());
  return Value::List(std::move(items), "[]float64");
}
Value Ints(std::vector<int64_t> v) {
  std::vector<Value> items(v.begin(), v.end());
  return Value::List(std::move(items), "[]int64");
}
Value Strings(std::vector<std::string> v) {
  std::vector<Value> items(v.begin(), v.end());
  return Value::List(std::move(items), "[]string");
}
QuerySample S(std::initializer_list<std::string_view> labels, double v) {
  return QuerySample{model::Labels::FromStrings(labels), Value(v)};
}

Result<std::string> Expand(const Scenario& s) {
  PrometheusContext ctx;
  ctx.timestamp_ms = kNowMs;
  ctx.external_url = "http://testhost:9090/path/prefix";
  ctx.query = [&s](std::string_view, int64_t) -> Result<std::vector<QuerySample>> {
    return s.query_result;
  };
  // ExpandPrometheus forces missingkey=zero as upstream's default; other options go through
  // the engine directly with the same function set.
  if (s.missing_key == MissingKey::kZero) return ExpandPrometheus("test", s.text, s.input, ctx);
  Options o;
  o.missing_key = s.missing_key;
  Template t("test", PrometheusFuncs(ctx), o);
  if (Status st = t.Parse(s.text); !st.ok()) {
    return Status::InvalidArgument("error parsing template test: " + std::string(st.message()));
  }
  std::string out;
  if (Status st = t.Execute(s.input, &out); !st.ok()) {
    return Status::InvalidArgument("error executing template test: " + std::string(st.message()));
  }
  return out;
}

TEST(Prometheus, UpstreamExpansion) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const int64_t max64 = std::numeric_limits<int64_t>::max();
  const int64_t min64 = std::numeric_limits<int64_t>::min();
  const std::vector<Scenario> scenarios = {
      {"plain text", "plain text"},
      {"{{ 1 }}", "1"},
      {"{{ \u00a0}}",
       "error parsing template test: template: test:1: unrecognized character in action: U+00A0",
       {},
       {},
       true},
      {"{{ \"<b>\" }}", "<b>"},
      {"{{define \"x\"}}{{.arg0}} {{.arg1}}{{end}}{{template \"x\" (args 1 \"2\")}}", "1 2"},
      {"{{ query \"1.5\" | first | value }}",
       "1.5",
       {},
       {QuerySample{model::Labels(), Value(1.5)}}},
      {"{{ query \"metric{instance='a'}\" | first | value }}",
       "11",
       {},
       {S({"__name__", "metric", "instance", "a"}, 11)}},
      {"{{ query \"metric{instance='a'}\" | first | label \"instance\" }}",
       "a",
       {},
       {S({"__name__", "metric", "instance", "a"}, 11)}},
      {"{{ query \"metric{__value__='a'}\" | first | strvalue }}",
       "a",
       {},
       {S({"__name__", "metric", "__value__", "a"}, 11)}},
      {"{{ query \"metric{instance='a'}\" | first | label \"foo\" }}",
       "",
       {},
       {S({"__name__", "metric", "instance", "a"}, 11)}},
      {"{{ $x := query \"metric\" | first }}{{ $x.Labels.foo }}",
       "",
       {},
       {S({"__name__", "metric", "instance", "a"}, 11)}},
      {"{{ range query \"metric\" | sortByLabel \"instance\" }}{{.Labels.instance}}:{{.Value}}: "
       "{{end}}",
       "a:11: b:21: ",
       {},
       {S({"__name__", "metric", "instance", "b"}, 21),
        S({"__name__", "metric", "instance", "a"}, 11)}},
      {"{{ \"foo.example.com\" | stripPort }}", "foo.example.com"},
      {"{{ \"foo.example.com:12345\" | stripPort }}", "foo.example.com"},
      {"{{ \"192.0.2.1\" | stripPort }}", "192.0.2.1"},
      {"{{ \"192.0.2.1:12345\" | stripPort }}", "192.0.2.1"},
      {"{{ \"2001:0DB8::1\" | stripPort }}", "2001:0DB8::1"},
      {"{{ \"[2001:0DB8::1]:12345\" | stripPort }}", "2001:0DB8::1"},
      {"{{ \"[2001:0DB8::1]::12345\" | stripPort }}", "[2001:0DB8::1]::12345"},
      {"{{ .Foo }}", "<no value>"},
      {"{{ .Foo }}", "<no value>", {}, {}, false, MissingKey::kInvalid},
      {"{{ .Foo }}",
       "error executing template test: template: test:1:3: executing \"test\" at <.Foo>: nil "
       "data; no entry for key \"Foo\"",
       {},
       {},
       true,
       MissingKey::kError},
      {"{{", "error parsing template test: template: test:1: unclosed action", {}, {}, true},
      {"{{ query \"missing\" | first }}",
       "error executing template test: template: test:1:21: executing \"test\" at <first>: error "
       "calling first: first() called on vector with no elements",
       {},
       {},
       true},
      {"{{ (query \"missing\").banana }}",
       "error executing template test: template: test:1:10: executing \"test\" at <\"missing\">: "
       "can't evaluate field banana in type template.queryResult",
       {},
       {},
       true},
      {"{{ reReplaceAll \"(a)b\" \"x$1\" \"ab\" }}", "xa"},
      {"{{ range . }}{{ humanize . }}:{{ end }}",
       "0:1:1.235M:120m:", Floats({0.0, 1.0, 1234567.0, .12})},
      {"{{ range . }}{{ humanize . }}:{{ end }}",
       "0:1:1.235M:120m:", Strings({"0.0", "1.0", "1234567.0", ".12"})},
      {"{{ humanize \"one\" }}",
       "error executing template test: template: test:1:3: executing \"test\" at <humanize "
       "\"one\">: error calling humanize: strconv.ParseFloat: parsing \"one\": invalid syntax",
       {},
       {},
       true},
      {"{{ range . }}{{ humanize . }}:{{ end }}",
       "0:-1:1:1.235M:9.223E:", Ints({0, -1, 1, 1234567, max64})},
      {"{{ range . }}{{ humanize1024 . }}:{{ end }}",
       "0:1:1Mi:0.12:", Floats({0.0, 1.0, 1048576.0, .12})},
      {"{{ range . }}{{ humanize1024 . }}:{{ end }}",
       "0:1:1Mi:0.12:", Strings({"0.0", "1.0", "1048576.0", ".12"})},
      {"{{ humanize1024 \"one\" }}",
       "error executing template test: template: test:1:3: executing \"test\" at <humanize1024 "
       "\"one\">: error calling humanize1024: strconv.ParseFloat: parsing \"one\": invalid syntax",
       {},
       {},
       true},
      {"{{ range . }}{{ humanize1024 . }}:{{ end }}",
       "0:-1:1:1.177Mi:8Ei:", Ints({0, -1, 1, 1234567, max64})},
      {"{{ range . }}{{ humanizeDuration . }}:{{ end }}",
       "0s:1s:1m 0s:1h 0m 0s:1d 0h 0m 0s:1d 1h 0m 0s:-2d 3h 4m 5s:14m 59s:",
       Floats({0, 1, 60, 3600, 86400, 86400 + 3600, -(86400 * 2 + 3600 * 3 + 60 * 4 + 5), 899.99})},
      {"{{ range . }}{{ humanizeDuration . }}:{{ end }}",
       "0s:1s:1m 0s:1h 0m 0s:1d 0h 0m 0s:", Strings({"0", "1", "60", "3600", "86400"})},
      {"{{ range . }}{{ humanizeDuration . }}:{{ end }}",
       "100ms:100us:123.5ms:1m 0s:1m 0s:1.234s:12.35s:",
       Floats({.1, .0001, .12345, 60.1, 60.5, 1.2345, 12.345})},
      {"{{ range . }}{{ humanizeDuration . }}:{{ end }}",
       "100ms:100us:123.5ms:1m 0s:1m 0s:1.234s:12.35s:",
       Strings({".1", ".0001", ".12345", "60.1", "60.5", "1.2345", "12.345"})},
      {"{{ humanizeDuration \"one\" }}",
       "error executing template test: template: test:1:3: executing \"test\" at "
       "<humanizeDuration \"one\">: error calling humanizeDuration: strconv.ParseFloat: parsing "
       "\"one\": invalid syntax",
       {},
       {},
       true},
      {"{{ range . }}{{ humanizeDuration . }}:{{ end }}",
       "0s:-1s:1s:14d 6h 56m 7s:", Ints({0, -1, 1, 1234567})},
      {"{{ range . }}{{ humanize . }}:{{ humanize1024 . }}:{{ humanizeDuration . }}:"
       "{{humanizeTimestamp .}}:{{ end }}",
       "+Inf:+Inf:+Inf:+Inf:-Inf:-Inf:-Inf:-Inf:NaN:NaN:NaN:NaN:", Floats({inf, -inf, nan})},
      {"{{ range . }}{{ humanize . }}:{{ humanize1024 . }}:{{ humanizeDuration . }}:"
       "{{humanizeTimestamp .}}:{{ end }}",
       "+Inf:+Inf:+Inf:+Inf:-Inf:-Inf:-Inf:-Inf:NaN:NaN:NaN:NaN:",
       Strings({"+Inf", "-Inf", "NaN"})},
      {"{{ -0.22222 | humanizePercentage }}:{{ 0.0 | humanizePercentage }}:{{ 0.1234567 | "
       "humanizePercentage }}:{{ 1.23456 | humanizePercentage }}",
       "-22.22%:0%:12.35%:123.5%"},
      {"{{ range . }}{{ humanizePercentage . }}:{{ end }}",
       "0%:-100%:100%:1.235e+08%:9.223e+20%:", Ints({0, -1, 1, 1234567, max64})},
      {"{{ \"-0.22222\" | humanizePercentage }}:{{ \"0.0\" | humanizePercentage }}:{{ "
       "\"0.1234567\" | humanizePercentage }}:{{ \"1.23456\" | humanizePercentage }}",
       "-22.22%:0%:12.35%:123.5%"},
      {"{{ \"one\" | humanizePercentage }}",
       "error executing template test: template: test:1:11: executing \"test\" at "
       "<humanizePercentage>: error calling humanizePercentage: strconv.ParseFloat: parsing "
       "\"one\": invalid syntax",
       {},
       {},
       true},
      {"{{ range . }}{{ humanizeTimestamp . }}:{{ end }}",
       "1970-01-01 00:00:00 +0000 UTC:1969-12-31 23:59:59 +0000 UTC:1970-01-01 00:00:01 +0000 "
       "UTC:1970-01-15 06:56:07 +0000 UTC:2262-04-11 23:47:16 +0000 UTC:",
       Ints({0, -1, 1, 1234567, 9223372036})},
      {"{{ range . }}{{ humanizeTimestamp . }}:{{ end }}",
       "error executing template test: template: test:1:16: executing \"test\" at "
       "<humanizeTimestamp .>: error calling humanizeTimestamp: -9.223372036854776e+18 cannot be "
       "represented as a nanoseconds timestamp since it overflows int64",
       Ints({min64, max64}),
       {},
       true},
      {"{{ 1435065584.128 | humanizeTimestamp }}", "2015-06-23 13:19:44.128 +0000 UTC"},
      {"{{ \"1435065584.128\" | humanizeTimestamp }}", "2015-06-23 13:19:44.128 +0000 UTC"},
      {"{{ (1435065584.128 | toTime).Format \"2006\" }}", "2015"},
      {"{{ (\"1435065584.128\" | toTime).Format \"2006\" }}", "2015"},
      {"{{ (1800 | toDuration).String }}", "30m0s"},
      {"{{ (\"1800\" | toDuration).String }}", "30m0s"},
      {"{{ now }}", "1.353755652e+09"},
      {"{{ (now | toTime).Format \"Mon Jan 2 15:04:05 2006\" }}", "Sat Nov 24 11:14:12 2012"},
      {"{{ (\"-30m\" | parseDuration | toDuration | (now | toTime).Add).UnixMilli }}",
       "1353753852000"},
      {"{{ \"aa bb CC\" | title }}", "Aa Bb CC"},
      {"{{ \"aa bb CC\" | toUpper }}", "AA BB CC"},
      {"{{ \"aA bB CC\" | toLower }}", "aa bb cc"},
      {"{{ match \"a+\" \"aa\" }} {{ match \"a+\" \"b\" }}", "true false"},
      {"{{ graphLink \"up\" }}", "/graph?g0.expr=up&g0.tab=0"},
      {"{{ tableLink \"up\" }}", "/graph?g0.expr=up&g0.tab=1"},
      {"{{ pathPrefix }}", "/path/prefix"},
      {"{{ externalURL }}", "http://testhost:9090/path/prefix"},
      {"{{ printf \"%0.2f\" (parseDuration \"1h2m10ms\") }}", "3720.01"},
      {"{{ printf \"%0.2f\" (parseDuration \"-1h2m10ms\") }}", "-3720.01"},
      {"{{ \"foo.example.com\" | stripDomain }}", "foo"},
      {"{{ \"foo.example.com:12345\" | stripDomain }}", "foo:12345"},
      {"{{ \"192.0.2.1\" | stripDomain }}", "192.0.2.1"},
      {"{{ \"192.0.2.1:12345\" | stripDomain }}", "192.0.2.1:12345"},
      {"{{ \"2001:0DB8::1\" | stripDomain }}", "2001:0DB8::1"},
      {"{{ \"[2001:0DB8::1]:12345\" | stripDomain }}", "[2001:0DB8::1]:12345"},
      {"{{ \"[2001:0DB8::1]::12345\" | stripDomain }}", "[2001:0DB8::1]::12345"},
  };
  for (const Scenario& s : scenarios) {
    SCOPED_TRACE(s.text);
    Result<std::string> got = Expand(s);
    if (s.should_fail) {
      ASSERT_FALSE(got.ok()) << *got;
      EXPECT_EQ(got.status().message(), s.output);
    } else {
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      EXPECT_EQ(*got, s.output);
    }
  }
}

}  // namespace
}  // namespace promkit::tmpl

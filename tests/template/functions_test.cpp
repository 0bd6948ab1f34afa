// Generated tables for the helpers behind Prometheus's functions (humanize*, Go time layouts,
// regexp replacement and errors), and the behaviours of the engine Go's tables cannot show:
// host objects, alert template data, execution limits, option handling.
#include <memory>
#include <string>
#include <string_view>
#include <tuple>

#include <gtest/gtest.h>

#include "model/labels.h"
#include "template/gotime.h"
#include "template/prometheus.h"
#include "template/template.h"

namespace promkit::tmpl {
namespace {

TEST(Humanize, GoTable) {
  const std::tuple<double, std::string_view, std::string_view, std::string_view, std::string_view>
      cases[] = {
#include "template/humanize_cases.inc"
      };
  for (const auto& [v, h, h1024, dur, pct] : cases) {
    SCOPED_TRACE(v);
    EXPECT_EQ(Humanize(Value(v)).value(), h);
    EXPECT_EQ(Humanize1024(Value(v)).value(), h1024);
    EXPECT_EQ(HumanizeDuration(Value(v)).value(), dur);
    EXPECT_EQ(HumanizePercentage(Value(v)).value(), pct);
  }
}

TEST(Humanize, ConvertErrors) {
  EXPECT_EQ(Humanize(Value()).status().message(), "can't convert <nil> to float");
  EXPECT_EQ(Humanize(Value(true)).status().message(), "can't convert bool to float");
  EXPECT_EQ(Humanize(GoDuration::Make(1'500'000'000, true)).status().message(),
            "can't convert *time.Duration to float");
  EXPECT_EQ(Humanize(GoDuration::Make(1'500'000'000, false)).value(), "1.5");
}

TEST(GoTime, FormatTable) {
  const std::tuple<int64_t, std::string_view, std::string_view> cases[] = {
#include "template/time_format_cases.inc"
  };
  for (const auto& [nanos, layout, want] : cases) {
    SCOPED_TRACE(std::string(layout) + " @ " + std::to_string(nanos));
    EXPECT_EQ(FormatGoTime(nanos, layout), want);
  }
}

TEST(Regexp, ReplaceAllTable) {
  const std::tuple<std::string_view, std::string_view, std::string_view, std::string_view> cases[] =
      {
#include "template/rereplace_cases.inc"
      };
  for (const auto& [pattern, repl, text, want] : cases) {
    SCOPED_TRACE(pattern);
    EXPECT_EQ(ReReplaceAll(pattern, repl, text).value(), want);
  }
}

TEST(Regexp, ErrorTable) {
  const std::tuple<std::string_view, std::string_view> cases[] = {
#include "template/regexp_error_cases.inc"
  };
  for (const auto& [pattern, want] : cases) {
    SCOPED_TRACE(pattern);
    EXPECT_EQ(MatchString(pattern, "x").status().message(), want);
  }
  EXPECT_EQ(ReReplaceAll("(", "", "x").status().message(),
            "regexp: Compile(`(`): error parsing regexp: missing closing ): `(`");
}

TEST(Strings, CaseAndHosts) {
  const std::tuple<std::string_view, std::string_view, std::string_view, std::string_view> cases[] =
      {
          // input, title, upper, lower
          {"aa bb CC", "Aa Bb CC", "AA BB CC", "aa bb cc"},
          {"hello-world foo_bar", "Hello-World Foo_bar", "HELLO-WORLD FOO_BAR",
           "hello-world foo_bar"},
          {"élan über ÇA", "Élan Über ÇA", "ÉLAN ÜBER ÇA", "élan über ça"},
          {"", "", "", ""},
      };
  for (const auto& [in, title, upper, lower] : cases) {
    SCOPED_TRACE(in);
    EXPECT_EQ(Title(in), title);
    EXPECT_EQ(ToUpper(in), upper);
    EXPECT_EQ(ToLower(in), lower);
  }
  EXPECT_EQ(StripPort("host:"), "host");
  EXPECT_EQ(StripPort("[::1]"), "[::1]");
  EXPECT_EQ(StripDomain("a.b.c:80"), "a:80");
  EXPECT_EQ(StripDomain("::1"), "::1");
  EXPECT_EQ(StripDomain("01.2.3.4"), "01");  // Go's ParseIP rejects leading zeros
}

// A host object with a field, a method taking a string and a method taking an int.
class Widget : public HostObject {
 public:
  std::string TypeName() const override { return "*main.Widget"; }
  Member Lookup(std::string_view name) const override {
    if (name == "Name") return Member{Member::Kind::kField, {}, false};
    if (name == "Greet") return Member{Member::Kind::kMethod, {"string"}, false};
    if (name == "Twice") return Member{Member::Kind::kMethod, {"int"}, false};
    if (name == "Fail") return Member{Member::Kind::kMethod, {}, false};
    return Member{};
  }
  Result<Value> Field(std::string_view) const override { return Value("w"); }
  Result<Value> Call(std::string_view name, std::span<const Value> args) const override {
    if (name == "Greet") return Value("hi " + args[0].AsString());
    if (name == "Twice") return Value(2 * args[0].AsInt());
    return Status::InvalidArgument("broken");
  }
  std::string Format() const override { return "&{w}"; }
};

Result<std::string> Exec(std::string_view text, const Value& data, Options o = {},
                         FuncMap funcs = {}) {
  Template t("t", std::move(funcs), o);
  PROMKIT_RETURN_IF_ERROR(t.Parse(text));
  std::string out;
  PROMKIT_RETURN_IF_ERROR(t.Execute(data, &out));
  return out;
}

TEST(Engine, HostObjects) {
  const Value w = Value::Host(std::make_shared<Widget>());
  const std::tuple<std::string_view, std::string_view> cases[] = {
      {"{{.Name}} {{.Greet \"bob\"}} {{.Twice 21}} {{\"x\" | .Greet}} {{.}}",
       "w hi bob 42 hi x &{w}"},
      {"{{.Nope}}",
       "template: t:1:2: executing \"t\" at <.Nope>: can't evaluate field Nope in "
       "type *main.Widget"},
      {"{{.Name 1}}",
       "template: t:1:2: executing \"t\" at <.Name>: Name has arguments but cannot "
       "be invoked as function"},
      {"{{.Greet}}",
       "template: t:1:2: executing \"t\" at <.Greet>: wrong number of args for "
       "Greet: want 1 got 0"},
      {"{{.Greet 1}}", "template: t:1:9: executing \"t\" at <1>: expected string; found 1"},
      {"{{.Twice \"a\"}}",
       "template: t:1:9: executing \"t\" at <\"a\">: expected integer; found "
       "\"a\""},
      {"{{.Twice 1.5}}", "template: t:1:9: executing \"t\" at <1.5>: expected integer; found 1.5"},
      {"{{.Greet nil}}", "template: t:1:9: executing \"t\" at <nil>: cannot assign nil to string"},
      {"{{.Greet .Nope}}",
       "template: t:1:9: executing \"t\" at <.Nope>: can't evaluate field "
       "Nope in type *main.Widget"},
      {"{{.Fail}}", "template: t:1:2: executing \"t\" at <.Fail>: error calling Fail: broken"},
      {"{{1 | .Greet}}",
       "template: t:1:6: executing \"t\" at <.Greet>: wrong type for value; "
       "expected string; got int"},
      {"{{if .}}t{{end}} {{eq . .}} {{len .}}",
       "template: t:1:30: executing \"t\" at <len .>: error calling len: len of type "
       "*main.Widget"},
  };
  for (const auto& [text, want] : cases) {
    SCOPED_TRACE(text);
    Result<std::string> got = Exec(text, w);
    EXPECT_EQ(got.ok() ? *got : std::string(got.status().message()), want);
  }
}

TEST(Engine, AlertTemplateData) {
  const Value data = AlertTemplateData(
      model::Labels::FromStrings({"instance", "a:9090", "job", "x"}),
      model::Labels::FromStrings({"dc", "eu"}), "http://prom:9090", Value(0.123456));
  PrometheusContext ctx;
  ctx.external_url = "http://prom:9090";
  const std::tuple<std::string_view, std::string_view> cases[] = {
      {"{{$labels.instance | stripPort}} {{$value | humanizePercentage}} {{$externalLabels.dc}} "
       "[{{$labels.missing}}] {{$externalURL}}",
       "a 12.35% eu [] http://prom:9090"},
      {"{{ .Foo }}",
       "error executing template __alert_X: template: __alert_X:1:115: executing "
       "\"__alert_X\" at <.Foo>: can't evaluate field Foo in type struct { Labels "
       "map[string]string; ExternalLabels map[string]string; ExternalURL string; "
       "Value interface {} }"},
      {"{{ range $k, $v := $labels }}{{$k}}={{$v}};{{end}}", "instance=a:9090;job=x;"},
  };
  for (const auto& [text, want] : cases) {
    SCOPED_TRACE(text);
    Result<std::string> got = ExpandPrometheus(
        "__alert_X", std::string(kAlertTemplateDefs) + std::string(text), data, ctx);
    EXPECT_EQ(got.ok() ? *got : std::string(got.status().message()), want);
  }
}

TEST(Engine, MissingKeyOptions) {
  const Value data = Value::Map({{"s", Value::StringMap({{"a", "b"}})}, {"m", Value::Map({})}});
  const std::tuple<MissingKey, std::string_view, std::string_view> cases[] = {
      {MissingKey::kInvalid, "{{.s.x}}|{{.m.x}}|{{index .s \"x\"}}|{{index .m \"x\"}}",
       "<no value>|<no value>||<no value>"},
      {MissingKey::kZero, "{{.s.x}}|{{.m.x}}", "|<no value>"},
      {MissingKey::kError, "{{.s.a}}{{.s.x}}",
       "template: t:1:12: executing \"t\" at <.s.x>: map has no entry for key \"x\""},
  };
  for (const auto& [mode, text, want] : cases) {
    SCOPED_TRACE(text);
    Options o;
    o.missing_key = mode;
    Result<std::string> got = Exec(text, data, o);
    EXPECT_EQ(got.ok() ? *got : std::string(got.status().message()), want);
  }
}

TEST(Engine, Limits) {
  Options o;
  o.max_steps = 1000;
  EXPECT_EQ(Exec("{{range 100000}}.{{end}}", Value(), o).status().message(),
            "template: t:1:16: executing \"t\" at <.>: exceeded maximum number of execution steps "
            "(1000)");
  o = Options{};
  o.max_output = 10;
  EXPECT_EQ(Exec("{{range 20}}x{{end}}", Value(), o).status().message(),
            "template: t:1:12: executing \"t\" at <x>: output exceeds maximum size (10 bytes)");
  // Doubling a string is bounded by the output size, not by memory.
  EXPECT_FALSE(
      Exec("{{$x := \"ab\"}}{{range 100}}{{$x = printf \"%s%s\" $x $x}}{{end}}", Value(), o).ok());
  o = Options{};
  o.max_parse_depth = 50;
  std::string deep(60, '(');
  deep = "{{" + deep + "1" + std::string(60, ')') + "}}";
  EXPECT_EQ(Exec(deep, Value(), o).status().message(),
            "template: t:1: exceeded maximum nesting depth (50)");
  std::string nested;
  for (int i = 0; i < 60; ++i) nested += "{{if 1}}";
  EXPECT_FALSE(Exec(nested, Value(), o).ok());
}

TEST(Engine, RangeOverIntAndFlow) {
  // Go 1.22 ranges over integers; Prometheus 3 is built with it.
  EXPECT_EQ(
      Exec("{{range 3}}{{.}}{{end}}|{{range $i := 2}}{{$i}}{{end}}|{{range 0}}x{{else}}e{{end}}",
           Value())
          .value(),
      "012|01|e");
  EXPECT_EQ(Exec("{{range $i, $e := 3}}{{end}}", Value()).status().message(),
            "template: t:1:18: executing \"t\" at <3>: can't use 3 to iterate over more than one "
            "variable");
  // break and continue leave only the innermost range; variables set in the body persist.
  EXPECT_EQ(Exec("{{$n := 0}}{{range 3}}{{$o := .}}{{range 5}}{{if eq . 2}}{{break}}{{end}}"
                 "{{if eq . $o}}{{continue}}{{end}}{{$n = .}}{{$o}}{{.}} {{end}}{{end}}n={{$n}}",
                 Value())
                .value(),
            "01 10 20 21 n=1");
}

TEST(Engine, TemplateSets) {
  Template t("main");
  ASSERT_TRUE(t.Parse("{{define \"a\"}}A{{end}}{{template \"a\"}}").ok());
  ASSERT_TRUE(t.Parse("{{define \"a\"}}A2{{end}}").ok());  // redefinition replaces
  ASSERT_TRUE(t.Parse("{{define \"b\"}} {{end}}").ok());
  std::string out;
  ASSERT_TRUE(t.Execute(Value(), &out).ok());
  EXPECT_EQ(out, "A2");  // later empty main bodies do not replace the first one, as in Go
  out.clear();
  ASSERT_TRUE(t.ExecuteTemplate("a", Value(), &out).ok());
  EXPECT_EQ(out, "A2");
  EXPECT_EQ(t.ExecuteTemplate("zz", Value(), &out).message(),
            "template: no template \"zz\" associated with template \"main\"");
  EXPECT_EQ(t.DefinedTemplates(), "; defined templates are: \"a\", \"b\", \"main\"");
  Template empty("e");
  EXPECT_EQ(empty.Execute(Value(), &out).message(),
            "template: e: \"e\" is an incomplete or empty template");
}

TEST(Engine, FuncMapOverridesBuiltins) {
  FuncMap f;
  f["len"] = Func{{"any"}, false, [](std::span<const Value>) -> Result<Value> { return Value(7); }};
  f["and"] = Func{{"any", "any"}, false, [](std::span<const Value> a) -> Result<Value> {
                    return Value(a[0].Format() + "&" + a[1].Format());
                  }};
  EXPECT_EQ(Exec("{{len 1}} {{and 0 1}}", Value(), {}, f).value(), "7 0&1");
  EXPECT_EQ(Exec("{{nope}}", Value()).status().message(),
            "template: t:1: function \"nope\" not defined");
}

}  // namespace
}  // namespace promkit::tmpl

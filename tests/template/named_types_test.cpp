// Named slice and map types with methods (Value::List / TypedMap `methods`), as embedding
// programs define them (Alertmanager's template.Alerts and template.KV): methods resolve before
// map keys, as in Go, and a String method prints the value.
#include <span>
#include <string>

#include <gtest/gtest.h>

#include "template/template.h"
#include "template/value.h"

namespace promkit::tmpl {
namespace {

class Methods : public HostObject {
 public:
  std::string TypeName() const override { return "pkg.Named"; }
  Member Lookup(std::string_view name) const override {
    if (name == "Count" || name == "String") return Member{Member::Kind::kMethod, {}, false};
    if (name == "Pick") return Member{Member::Kind::kMethod, {"string"}, false};
    return Member{};
  }
  Result<Value> Call(std::string_view name, std::span<const Value> args) const override {
    if (name == "Count") return Value(int64_t{42});
    if (name == "Pick") return Value("picked " + args[0].AsString());
    return Value("stringer");
  }
  std::string Format() const override { return "stringer"; }
};

std::string Render(std::string_view text, const Value& data) {
  Template t("t");
  Status st = t.Parse(text);
  if (!st.ok()) return std::string(st.message());
  std::string out;
  st = t.Execute(data, &out);
  return st.ok() ? out : std::string(st.message());
}

TEST(NamedTypes, MethodsOnListsAndMaps) {
  auto methods = std::make_shared<Methods>();
  Value list = Value::List({Value("a"), Value("b")}, "pkg.List", methods);
  Value map = Value::TypedMap({{"Count", Value("key")}, {"x", Value("y")}}, "pkg.Map",
                              Value(std::string()), methods);
  Value data = Value::Map({{"L", list}, {"M", map}});
  EXPECT_EQ(Render("{{ .L.Count }} {{ len .L }} {{ range .L }}{{ . }}{{ end }}", data), "42 2 ab");
  EXPECT_EQ(Render("{{ .M.Count }} {{ .M.x }} {{ .M.Pick \"z\" }}", data), "42 y picked z");
  EXPECT_EQ(Render("{{ .M }}|{{ .L }}", data), "stringer|stringer");
  // Elements of a map[string]interface {} report their static type, as in Go.
  EXPECT_EQ(Render("{{ .L.Nope }}", data),
            "template: t:1:5: executing \"t\" at <.L.Nope>: can't evaluate field Nope in type "
            "interface {}");
}

TEST(ParseAs, NamesTheFileInErrors) {
  Template t("");
  ASSERT_TRUE(t.ParseAs("a.tmpl", "{{ define \"x\" }}{{ .Nope }}{{ end }}").ok());
  ASSERT_TRUE(t.Parse("{{ template \"x\" 1 }}").ok());
  std::string out;
  Status st = t.Execute(Value(), &out);
  EXPECT_EQ(st.message(),
            "template: a.tmpl:1:19: executing \"x\" at <.Nope>: can't evaluate field Nope in type "
            "int");
  Template bad("");
  EXPECT_EQ(bad.ParseAs("b.tmpl", "{{ .X }").message(),
            "template: b.tmpl:1: unexpected \"}\" in operand");
}

}  // namespace
}  // namespace promkit::tmpl

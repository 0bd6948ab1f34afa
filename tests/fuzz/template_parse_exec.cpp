// Fuzzes the text/template engine with Prometheus's functions: any input parses or fails with a
// Go-style "template: ..." error, and execution is bounded (steps, depth, output) so it always
// ends, with output or an error of the same form.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/labels.h"
#include "template/prometheus.h"
#include "template/template.h"
#include "util/check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace promkit;
  using namespace promkit::tmpl;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  PrometheusContext ctx;
  ctx.timestamp_ms = 1353755652000;
  ctx.external_url = "http://localhost:9090/prefix";
  ctx.query = [](std::string_view q, int64_t) -> Result<std::vector<QuerySample>> {
    if (q.empty()) return util::Status::InvalidArgument("empty query");
    return std::vector<QuerySample>{
        {model::Labels::FromStrings({"__name__", "up", "instance", "b:1"}), Value(1.5)},
        {model::Labels::FromStrings({"__name__", "up", "instance", "a:2"}), Value(0.0)}};
  };
  Options o;
  o.missing_key = MissingKey::kZero;
  o.max_steps = 20'000;
  o.max_depth = 50;
  o.max_output = 1 << 16;
  o.max_parse_depth = 200;
  Template t("fuzz", PrometheusFuncs(ctx), o);
  util::Status st = t.Parse(text);
  if (!st.ok()) {
    PROMKIT_CHECK(st.message().starts_with("template: ")) << "BUG: parse error " << st.ToString();
    return 0;
  }
  const Value dot =
      AlertTemplateData(model::Labels::FromStrings({"job", "j", "instance", "i:9"}),
                        model::Labels::FromStrings({"dc", "eu"}), ctx.external_url, Value(0.25));
  std::string out;
  st = t.Execute(dot, &out);
  PROMKIT_CHECK(out.size() <= o.max_output) << "BUG: output beyond the limit";
  if (!st.ok()) {
    PROMKIT_CHECK(st.message().starts_with("template: ")) << "BUG: exec error " << st.ToString();
  }
  return 0;
}

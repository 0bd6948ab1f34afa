// util::ParseYaml on the 5,000-rule file of BENCHMARKS.md's `check rules` comparison (the text
// tests/bench/gen_rules5000.py writes), through the fast reader and through the yaml-cpp front
// end alone (bytes = YAML text).
#include <string>

#include <benchmark/benchmark.h>
#include <fmt/core.h>

#include "util/yaml_tree.h"

namespace promkit::util {
namespace {

std::string Rules5000() {
  std::string out = "groups:\n";
  for (int g = 0; g < 100; ++g) {
    out += fmt::format("  - name: group_{}\n    rules:\n", g);
    for (int r = 0; r < 50; ++r) {
      if (r % 2 == 0) {
        out += fmt::format(
            "      - record: job:metric_{0}_{1}:rate5m\n"
            "        expr: sum by (job, instance) (rate(http_requests_total{{job=\"j{0}\","
            "code=~\"5..\"}}[5m])) / sum by (job, instance) (rate(http_requests_total"
            "{{job=\"j{0}\"}}[5m]))\n"
            "        labels:\n          team: t{1}\n",
            g, r);
      } else {
        out += fmt::format(
            "      - alert: Alert_{0}_{1}\n"
            "        expr: histogram_quantile(0.99, sum by (le, job) (rate("
            "req_duration_seconds_bucket{{job=\"j{0}\"}}[5m]))) > 0.5\n"
            "        for: 10m\n        labels:\n          severity: page\n"
            "        annotations:\n"
            "          summary: \"{{{{ $labels.job }}}} is slow: {{{{ $value | "
            "humanizeDuration }}}}\"\n",
            g, r);
      }
    }
  }
  return out;
}

template <Result<YamlNode> (*Parse)(std::string_view)>
void BM_Rules5000(benchmark::State& state) {
  const std::string text = Rules5000();
  for (auto _ : state) {
    Result<YamlNode> r = Parse(text);
    if (!r.ok()) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

BENCHMARK(BM_Rules5000<ParseYaml>)->Name("BM_ParseYaml/rules5000")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Rules5000<ParseYamlWithYamlCpp>)
    ->Name("BM_ParseYamlWithYamlCpp/rules5000")
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace promkit::util

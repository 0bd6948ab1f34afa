// Relabeling costs per label set: a Kubernetes-style target relabel chain (keep on an
// annotation, address rewrite, labelmap, a few replaces) and a metric relabel chain (drop by
// name regex, labeldrop, hashmod) over a typical series, as a scrape applies them to every
// target and every sample.
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "model/labels.h"
#include "relabel/relabel.h"

namespace promkit::relabel {
namespace {

Config Rule(Action action, std::vector<std::string> sources, std::string regex,
            std::string target = "", std::string replacement = "$1", uint64_t modulus = 0) {
  Config c;
  c.action = action;
  c.source_labels = std::move(sources);
  c.source_labels_set = !c.source_labels.empty();
  if (!regex.empty()) c.regex = *Regexp::Compile(regex);
  c.target_label = std::move(target);
  c.replacement = std::move(replacement);
  c.modulus = modulus;
  if (!c.Validate(model::ValidationScheme::kUtf8).ok()) std::abort();
  return c;
}

std::vector<Config> TargetRules() {
  return {
      Rule(Action::kKeep, {"__meta_kubernetes_pod_annotation_prometheus_io_scrape"}, "true"),
      Rule(Action::kReplace, {"__meta_kubernetes_pod_annotation_prometheus_io_path"}, "(.+)",
           "__metrics_path__"),
      Rule(Action::kReplace, {"__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"},
           "([^:]+)(?::\\d+)?;(\\d+)", "__address__", "$1:$2"),
      Rule(Action::kLabelMap, {}, "__meta_kubernetes_pod_label_(.+)", "", "$1"),
      Rule(Action::kReplace, {"__meta_kubernetes_namespace"}, "(.*)", "namespace"),
      Rule(Action::kReplace, {"__meta_kubernetes_pod_name"}, "(.*)", "pod"),
      Rule(Action::kReplace, {"__meta_kubernetes_pod_node_name"}, "(.*)", "node"),
  };
}

model::Labels Target() {
  return model::Labels::FromPairs({
      {"__address__", "10.1.2.3:8080"},
      {"__meta_kubernetes_namespace", "production"},
      {"__meta_kubernetes_pod_name", "api-server-7d9f8b6c5-x2x9q"},
      {"__meta_kubernetes_pod_node_name", "node-17"},
      {"__meta_kubernetes_pod_label_app", "api-server"},
      {"__meta_kubernetes_pod_label_pod_template_hash", "7d9f8b6c5"},
      {"__meta_kubernetes_pod_annotation_prometheus_io_scrape", "true"},
      {"__meta_kubernetes_pod_annotation_prometheus_io_port", "9102"},
      {"__meta_kubernetes_pod_annotation_prometheus_io_path", "/metrics"},
      {"__meta_kubernetes_pod_ip", "10.1.2.3"},
      {"__scheme__", "http"},
      {"__metrics_path__", "/metrics"},
      {"job", "kubernetes-pods"},
  });
}

std::vector<Config> MetricRules() {
  return {
      Rule(Action::kDrop, {"__name__"}, "go_gc_.*|process_.*|promhttp_.*"),
      Rule(Action::kLabelDrop, {}, "pod_template_hash|controller_revision_hash"),
      Rule(Action::kHashMod, {"instance"}, "", "__tmp_shard", "$1", 4),
      Rule(Action::kKeep, {"__tmp_shard"}, "0|1|2|3"),
  };
}

model::Labels Series() {
  return model::Labels::FromPairs({{"__name__", "http_requests_total"},
                                   {"code", "200"},
                                   {"handler", "/api/v1/query_range"},
                                   {"instance", "10.1.2.3:9102"},
                                   {"job", "kubernetes-pods"},
                                   {"method", "GET"},
                                   {"namespace", "production"},
                                   {"pod", "api-server-7d9f8b6c5-x2x9q"},
                                   {"pod_template_hash", "7d9f8b6c5"}});
}

void BM_TargetRelabel(benchmark::State& state) {
  const std::vector<Config> rules = TargetRules();
  const model::Labels target = Target();
  for (auto _ : state) benchmark::DoNotOptimize(Process(target, rules));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TargetRelabel);

void BM_MetricRelabel(benchmark::State& state) {
  const std::vector<Config> rules = MetricRules();
  const model::Labels series = Series();
  for (auto _ : state) benchmark::DoNotOptimize(Process(series, rules));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MetricRelabel);

// The drop rule's verdict alone: what a scrape pays per sample for a name filter.
void BM_MetricDropByName(benchmark::State& state) {
  const std::vector<Config> rules = {MetricRules()[0]};
  const model::Labels series = Series();
  for (auto _ : state) benchmark::DoNotOptimize(Process(series, rules));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MetricDropByName);

}  // namespace
}  // namespace promkit::relabel

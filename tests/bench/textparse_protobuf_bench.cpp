// Protobuf exposition parser throughput over a generated multi-MB body shaped like a large
// target's (labelled counters, classic histograms, native histograms with classic buckets,
// summaries). Reports bytes/s and entries/s, with and without building Labels per entry, and
// with parse_classic_histograms. Run: build/tests/bench/textparse_protobuf_bench
#include <cstdint>
#include <string>
#include <string_view>

#include <benchmark/benchmark.h>
#include <fmt/core.h>

#include "textparse/metrics.pb.h"
#include "textparse/protobuf.h"

namespace promkit::textparse {
namespace {

namespace pb = io::prometheus::client;

void AppendDelimited(std::string& out, const pb::MetricFamily& mf) {
  std::string bytes = mf.SerializeAsString();
  uint64_t n = bytes.size();
  while (n >= 0x80) {
    out.push_back(static_cast<char>(n | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
  out += bytes;
}

void AddLabel(pb::Metric* m, std::string name, std::string value) {
  pb::LabelPair* l = m->add_label();
  l->set_name(std::move(name));
  l->set_value(std::move(value));
}

// One group of families (~3 KB).
void AppendGroup(std::string& out, int f) {
  pb::MetricFamily counters;
  counters.set_name(fmt::format("http_requests_{}_total", f));
  counters.set_help("Total HTTP requests.");
  counters.set_type(pb::COUNTER);
  for (int i = 0; i < 8; ++i) {
    pb::Metric* m = counters.add_metric();
    AddLabel(m, "code", std::to_string(200 + i));
    AddLabel(m, "method", "GET");
    AddLabel(m, "path", fmt::format("/api/v1/{}", f % 17));
    m->mutable_counter()->set_value(1000.0 * f + i);
  }
  AppendDelimited(out, counters);

  pb::MetricFamily classic;
  classic.set_name(fmt::format("latency_seconds_{}", f));
  classic.set_type(pb::HISTOGRAM);
  pb::Metric* cm = classic.add_metric();
  AddLabel(cm, "service", fmt::format("svc-{}", f));
  pb::Histogram* ch = cm->mutable_histogram();
  ch->set_sample_count(370);
  ch->set_sample_sum(12.25);
  for (double le : {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5}) {
    pb::Bucket* b = ch->add_bucket();
    b->set_upper_bound(le);
    b->set_cumulative_count(static_cast<uint64_t>(le * 100) + f % 7);
  }
  AppendDelimited(out, classic);

  pb::MetricFamily native;
  native.set_name(fmt::format("native_seconds_{}", f));
  native.set_type(pb::HISTOGRAM);
  pb::Histogram* nh = native.add_metric()->mutable_histogram();
  nh->set_sample_count(100);
  nh->set_sample_sum(42);
  nh->set_schema(3);
  nh->set_zero_threshold(1e-128);
  nh->set_zero_count(4);
  for (int s = 0; s < 3; ++s) {
    pb::BucketSpan* sp = nh->add_positive_span();
    sp->set_offset(s == 0 ? -10 : 2);
    sp->set_length(8);
  }
  for (int i = 0; i < 24; ++i) nh->add_positive_delta(i % 3 == 0 ? 4 : -1);
  for (int i = 0; i < 3; ++i) {
    pb::Bucket* b = nh->add_bucket();
    b->set_upper_bound(i + 1.0);
    b->set_cumulative_count(30 * (i + 1));
  }
  AppendDelimited(out, native);

  pb::MetricFamily summary;
  summary.set_name(fmt::format("rpc_duration_seconds_{}", f));
  summary.set_type(pb::SUMMARY);
  pb::Summary* s = summary.add_metric()->mutable_summary();
  s->set_sample_count(9000 + f);
  s->set_sample_sum(17.5);
  for (double q : {0.5, 0.9, 0.99}) {
    pb::Quantile* qq = s->add_quantile();
    qq->set_quantile(q);
    qq->set_value(q / 100);
  }
  AppendDelimited(out, summary);
}

const std::string& Body() {
  static const std::string body = [] {
    std::string b;
    for (int f = 0; b.size() < (8u << 20); ++f) AppendGroup(b, f);
    return b;
  }();
  return body;
}

void Run(benchmark::State& state, bool labels, bool classic) {
  const std::string& body = Body();
  ProtobufOptions opts;
  opts.parse_classic_histograms = classic;
  int64_t entries = 0;
  for (auto _ : state) {
    auto p = NewProtobufParser(body, opts);
    while (p->Next()) {
      ++entries;
      if (labels && (p->entry() == Entry::kSeries || p->entry() == Entry::kHistogram)) {
        benchmark::DoNotOptimize(p->Labels());
      } else {
        benchmark::DoNotOptimize(p->SeriesBytes());
      }
    }
    if (!p->Err().ok()) state.SkipWithError(p->Err().ToString().c_str());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(body.size()));
  state.SetItemsProcessed(entries);
}

void BM_ProtobufParse(benchmark::State& state) { Run(state, false, false); }
void BM_ProtobufParseLabels(benchmark::State& state) { Run(state, true, false); }
void BM_ProtobufParseClassicToo(benchmark::State& state) { Run(state, false, true); }

BENCHMARK(BM_ProtobufParse)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ProtobufParseLabels)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ProtobufParseClassicToo)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace promkit::textparse

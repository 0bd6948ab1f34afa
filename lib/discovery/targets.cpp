#include "discovery/targets.h"

#include <span>
#include <string>

#include <fmt/core.h>

#include "util/duration.h"
#include "util/json_string.h"
#include "util/strings.h"

namespace promkit::discovery {

namespace {

void FillDiscovered(relabel::Builder& lb, const config::ScrapeConfig& cfg, const LabelSet& target,
                    const LabelSet& group) {
  lb.Reset(model::Labels());
  for (const auto& [name, value] : target) lb.Set(name, value);
  for (const auto& [name, value] : group) {
    if (!target.count(name)) lb.Set(name, value);
  }
  auto flag = [](const std::optional<bool>& b) { return b.value_or(false) ? "true" : "false"; };
  const std::pair<std::string_view, std::string> defaults[] = {
      {"job", cfg.job_name},
      {"__scrape_interval__", util::FormatDuration(cfg.scrape_interval_ms)},
      {"__scrape_timeout__", util::FormatDuration(cfg.scrape_timeout_ms)},
      {"__metrics_path__", cfg.metrics_path},
      {"__scheme__", cfg.scheme},
      {"__convert_classic_histograms_to_nhcb__", flag(cfg.convert_classic_histograms_to_nhcb)},
      {"__always_scrape_classic_histograms__", flag(cfg.always_scrape_classic_histograms)},
      {"__scrape_native_histograms__", flag(cfg.scrape_native_histograms)},
  };
  for (const auto& [name, value] : defaults) {
    if (lb.Get(name).empty()) lb.Set(name, value);
  }
  for (const auto& [param, values] : cfg.params) {
    std::string name = "__param_" + param;
    if (!values.empty() && lb.Get(name).empty()) lb.Set(name, values.front());
  }
}

// strconv.ParseBool.
bool IsGoBool(std::string_view v) {
  for (std::string_view ok :
       {"1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"}) {
    if (v == ok) return true;
  }
  return false;
}

util::Status Invalid(std::string msg) { return util::Status::InvalidArgument(std::move(msg)); }

}  // namespace

model::Labels DiscoveredLabels(const config::ScrapeConfig& cfg, const LabelSet& target,
                               const LabelSet& group) {
  relabel::Builder lb;
  FillDiscovered(lb, cfg, target, group);
  return lb.Build();
}

TargetLabels PopulateLabels(const config::ScrapeConfig& cfg, const LabelSet& target,
                            const LabelSet& group, bool trace) {
  TargetLabels out;
  relabel::Builder lb;
  FillDiscovered(lb, cfg, target, group);
  out.discovered = lb.Build();
  bool keep = true;
  if (trace) {
    for (size_t i = 0; i < cfg.relabel_configs.size() && keep; ++i) {
      RelabelStep step;
      step.index = i;
      step.action = cfg.relabel_configs[i].action;
      step.before = lb.Build();
      keep =
          relabel::ProcessBuilder(lb, std::span<const relabel::Config>(&cfg.relabel_configs[i], 1));
      step.dropped = !keep;
      if (keep) step.after = lb.Build();
      out.trace.push_back(std::move(step));
    }
  } else {
    keep = relabel::ProcessBuilder(lb, cfg.relabel_configs);
  }
  if (!keep) return out;
  auto fail = [&](util::Status st) {
    out.error = std::move(st);
    return out;
  };
  const std::string addr(lb.Get("__address__"));
  if (addr.empty()) return fail(Invalid("no address"));
  if (addr.find('/') != std::string::npos) {
    return fail(Invalid(fmt::format("{} is not a valid hostname", util::GoQuote(addr))));
  }
  const std::string interval(lb.Get("__scrape_interval__"));
  auto interval_ms = util::ParseDuration(interval);
  if (!interval_ms.ok()) return fail(interval_ms.status().Wrap("error parsing scrape interval"));
  if (*interval_ms == 0) return fail(Invalid("scrape interval cannot be 0"));
  const std::string timeout(lb.Get("__scrape_timeout__"));
  auto timeout_ms = util::ParseDuration(timeout);
  if (!timeout_ms.ok()) return fail(timeout_ms.status().Wrap("error parsing scrape timeout"));
  if (*timeout_ms == 0) return fail(Invalid("scrape timeout cannot be 0"));
  if (*timeout_ms > *interval_ms) {
    return fail(
        Invalid(fmt::format("scrape timeout cannot be greater than scrape interval ({} > {})",
                            util::GoQuote(timeout), util::GoQuote(interval))));
  }
  const std::pair<std::string_view, std::string_view> switches[] = {
      {"__convert_classic_histograms_to_nhcb__", "convert classic histograms to nhcb"},
      {"__always_scrape_classic_histograms__", "always scrape classic histograms"},
      {"__scrape_native_histograms__", "scrape native histograms"},
  };
  for (const auto& [name, desc] : switches) {
    std::string_view v = lb.Get(name);
    if (!v.empty() && !IsGoBool(v)) {
      return fail(
          Invalid(fmt::format("error parsing {}: strconv.ParseBool: parsing {}: invalid syntax",
                              desc, util::GoQuote(v))));
    }
  }
  for (const auto& [name, value] : lb.Snapshot()) {
    if (name.rfind("__meta_", 0) == 0) lb.Del(name);
  }
  if (lb.Get("instance").empty()) lb.Set("instance", addr);
  model::Labels res = lb.Build();
  for (const auto& l : res) {
    if (!util::IsValidUtf8(l.value)) {
      return fail(Invalid(fmt::format("invalid label value for {}: {}", util::GoQuote(l.name),
                                      util::GoQuote(l.value))));
    }
  }
  out.labels = std::move(res);
  return out;
}

std::string FormatLabels(const model::Labels& labels) {
  std::string out = "{";
  for (const auto& l : labels) {
    if (out.size() > 1) out += ", ";
    out += l.name;
    out += "=";
    util::AppendJsonString(out, l.value, util::JsonDialect::kJsoniterRaw);
  }
  return out + "}";
}

std::string FormatLabelDiff(const model::Labels& before, const model::Labels& after,
                            std::string_view indent) {
  std::string out;
  auto line = [&](char sign, std::string_view name, std::string_view value) {
    out += fmt::format("{}{} {}=", indent, sign, name);
    util::AppendJsonString(out, value, util::JsonDialect::kJsoniterRaw);
    out += "\n";
  };
  auto b = before.begin();
  auto a = after.begin();
  while (b != before.end() || a != after.end()) {
    if (a == after.end() || (b != before.end() && b->name < a->name)) {
      line('-', b->name, b->value);
      ++b;
    } else if (b == before.end() || a->name < b->name) {
      line('+', a->name, a->value);
      ++a;
    } else {
      if (a->value != b->value) {
        line('-', b->name, b->value);
        line('+', a->name, a->value);
      }
      ++a;
      ++b;
    }
  }
  return out;
}

}  // namespace promkit::discovery

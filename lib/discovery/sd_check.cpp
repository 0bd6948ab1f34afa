#include "discovery/sd_check.h"

#include <map>

#include <fmt/core.h>

#include "util/json_string.h"

namespace promkit::discovery {

namespace {

bool SameResult(const TargetLabels& a, const TargetLabels& b) {
  return a.discovered == b.discovered && a.labels == b.labels && a.error.ok() == b.error.ok() &&
         a.error.message() == b.error.message();
}

void AppendLabelsJson(std::string& out, const model::Labels& ls, std::string_view indent) {
  if (ls.empty()) {
    out += "{}";
    return;
  }
  out += "{";
  bool first = true;
  for (const auto& l : ls) {
    out += first ? "\n" : ",\n";
    first = false;
    out += indent;
    out += "  ";
    util::AppendJsonString(out, l.name, util::JsonDialect::kGoStd);
    out += ": ";
    util::AppendJsonString(out, l.value, util::JsonDialect::kGoStd);
  }
  out += "\n";
  out += indent;
  out += "}";
}

}  // namespace

std::vector<SdCheckResult> CheckResults(const config::ScrapeConfig& cfg,
                                        const std::vector<ProviderResult>& providers, bool trace) {
  // Groups by source, in the order sources first appear.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const TargetGroup*>> by_source;
  for (const ProviderResult& p : providers) {
    for (const TargetGroup& tg : p.groups) {
      auto [it, inserted] = by_source.try_emplace(tg.source);
      if (inserted) order.push_back(tg.source);
      it->second.push_back(&tg);
    }
  }
  std::vector<SdCheckResult> out;
  for (const std::string& source : order) {
    size_t first = out.size();
    for (const TargetGroup* tg : by_source[source]) {
      for (const LabelSet& target : tg->targets) {
        TargetLabels t = PopulateLabels(cfg, target, tg->labels, trace);
        bool dup = false;
        for (size_t i = first; i < out.size() && !dup; ++i) dup = SameResult(out[i].target, t);
        if (!dup) out.push_back(SdCheckResult{source, std::move(t)});
      }
    }
  }
  return out;
}

std::string RenderSdCheckJson(const std::vector<SdCheckResult>& results) {
  if (results.empty()) return "[]";
  std::string out = "[";
  for (size_t i = 0; i < results.size(); ++i) {
    const TargetLabels& t = results[i].target;
    out += i == 0 ? "\n" : ",\n";
    out += "  {\n    \"discoveredLabels\": ";
    AppendLabelsJson(out, t.discovered, "    ");
    out += ",\n    \"labels\": ";
    AppendLabelsJson(out, t.labels, "    ");
    if (!t.error.ok()) out += ",\n    \"error\": {}";
    out += "\n  }";
  }
  out += "\n]";
  return out;
}

std::string RenderSdCheckTrace(const std::vector<SdCheckResult>& results) {
  std::string out;
  for (size_t i = 0; i < results.size(); ++i) {
    const TargetLabels& t = results[i].target;
    out += fmt::format("target {} (source {}): {}\n", i + 1,
                       util::JsonString(results[i].source, util::JsonDialect::kJsoniterRaw),
                       FormatLabels(t.discovered));
    for (const RelabelStep& s : t.trace) {
      std::string_view action = relabel::ActionName(s.action);
      if (s.dropped) {
        out += fmt::format("  relabel_configs[{}] {}: dropped\n", s.index, action);
      } else if (s.before == s.after) {
        out += fmt::format("  relabel_configs[{}] {}: unchanged\n", s.index, action);
      } else {
        out += fmt::format("  relabel_configs[{}] {}:\n", s.index, action);
        out += FormatLabelDiff(s.before, s.after, "    ");
      }
    }
    if (!t.error.ok()) {
      out += fmt::format("  result: invalid target: {}\n", t.error.message());
    } else if (t.labels.empty()) {
      out += "  result: dropped\n";
    } else {
      out += fmt::format("  result: {}\n", FormatLabels(t.labels));
    }
  }
  return out;
}

}  // namespace promkit::discovery

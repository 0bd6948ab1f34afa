#include "repl_server.h"

#include <chrono>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "query_client.h"
#include "util/duration.h"

namespace promkit::cli {
namespace {

constexpr int64_t kNsPerMs = 1000000;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

promql::ErrorType ErrorTypeOf(const std::string& name) {
  for (promql::ErrorType t : {promql::ErrorType::kBadData, promql::ErrorType::kExecution,
                              promql::ErrorType::kTimeout, promql::ErrorType::kCanceled}) {
    if (promql::ErrorTypeName(t) == name) return t;
  }
  return promql::ErrorType::kInternal;
}

// `{name="value", ...}` for a selector's matchers (a metric name as a matcher too).
std::string SelectorText(const std::vector<model::Matcher>& matchers) {
  std::string out = "{";
  for (size_t i = 0; i < matchers.size(); ++i) {
    if (i > 0) out += ", ";
    out += matchers[i].ToString();
  }
  return out + "}";
}

// The API's answers, with a reply that failed turned into a status. Thread-safe: every call is
// an independent HTTP request.
class Client {
 public:
  Client(scrape::FetchOptions base, std::string server)
      : base_(std::move(base)), server_(std::move(server)) {}
  const std::string& server() const { return server_; }

  // Calls the endpoint; on success `r` holds the decoded data.
  util::Status Call(QueryEndpoint ep, const ServerCall& call, ServerReply& reply,
                    promql::ApiResponse& r) const {
    reply = CallServer(base_, server_, call);
    if (!reply.transport.empty()) return util::Status::IoError(reply.transport);
    if (!reply.error_type.empty()) {
      return util::Status::InvalidArgument(fmt::format("{}: {}", reply.error_type, reply.error));
    }
    return DecodeData(ep, reply.data, Mode::kPromkit, r);
  }

  util::Result<std::vector<std::string>> Strings(const std::string& path,
                                                 const std::string& match) const {
    ServerCall call;
    call.path = path;
    call.post_with_fallback = false;
    if (!match.empty()) call.params.emplace_back("match[]", match);
    ServerReply reply;
    promql::ApiResponse r;
    PROMKIT_RETURN_IF_ERROR(Call(QueryEndpoint::kLabels, call, reply, r));
    return std::move(r.strings);
  }

 private:
  scrape::FetchOptions base_;
  std::string server_;
};

// Completion from the server's label endpoints, cached for the session.
class ServerCompletion final : public repl::CompletionSource {
 public:
  explicit ServerCompletion(const Client* client) : client_(client) {}

  const std::vector<std::string>& MetricNames() override {
    if (!metric_names_) metric_names_ = Fetch("/api/v1/label/__name__/values", "");
    return *metric_names_;
  }

  std::vector<std::string> LabelNames(std::span<const std::string> metrics) override {
    if (metrics.empty()) return Names("");
    return repl::UnionOfLabelNames(
        metrics,
        [this](const std::string& m) -> const std::vector<std::string>& { return Names(m); });
  }

  const std::vector<std::string>& LabelValues(const std::string& label,
                                              const std::string& metric) override {
    auto key = std::pair(label, metric);
    auto it = label_values_.find(key);
    if (it != label_values_.end()) return it->second;
    std::vector<std::string> values =
        Fetch("/api/v1/label/" + PathEscape(label) + "/values", MetricMatch(metric));
    return label_values_.emplace(std::move(key), std::move(values)).first->second;
  }

  const util::Status& error() const { return error_; }

 private:
  static std::string MetricMatch(const std::string& metric) {
    if (metric.empty()) return "";
    return SelectorText({*model::Matcher::Make(model::MatchType::kEqual, "__name__", metric)});
  }

  const std::vector<std::string>& Names(const std::string& metric) {
    auto it = label_names_.find(metric);
    if (it != label_names_.end()) return it->second;
    return label_names_.emplace(metric, Fetch("/api/v1/labels", MetricMatch(metric))).first->second;
  }

  std::vector<std::string> Fetch(const std::string& path, const std::string& match) {
    util::Result<std::vector<std::string>> r = client_->Strings(path, match);
    if (r.ok()) return std::move(*r);
    if (error_.ok()) error_ = r.status();
    return {};
  }

  const Client* client_;
  util::Status error_;
  std::optional<std::vector<std::string>> metric_names_;
  std::map<std::string, std::vector<std::string>, std::less<>> label_names_;
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> label_values_;
};

class ServerBackend final : public repl::Backend {
 public:
  ServerBackend(scrape::FetchOptions base, std::string server)
      : client_(std::move(base), std::move(server)), completion_(&client_) {}

  const std::string& Name() const override { return client_.server(); }
  std::string Banner() const override { return client_.server() + ": Prometheus HTTP API"; }
  std::optional<int64_t> Newest(std::vector<std::string>& /*warnings*/) override { return NowMs(); }

  promql::Result Evaluate(const repl::EvalRequest& req, const std::atomic<bool>&) override {
    ServerCall call;
    call.params.emplace_back("query", req.query);
    if (req.range) {
      call.path = "/api/v1/query_range";
      call.params.emplace_back("start", FormatApiTime(req.start * kNsPerMs));
      call.params.emplace_back("end", FormatApiTime(req.end * kNsPerMs));
      call.params.emplace_back("step", FormatApiStep(req.step * kNsPerMs));
    } else {
      call.path = "/api/v1/query";
      call.params.emplace_back("time", FormatApiTime(req.start * kNsPerMs));
    }
    if (req.engine.timeout.count() > 0) {
      call.params.emplace_back("timeout", util::FormatDuration(req.engine.timeout.count()));
    }
    if (req.lookback_explicit) {
      call.params.emplace_back("lookback_delta",
                               util::FormatDuration(req.engine.lookback_delta_ms));
    }
    call.params.emplace_back("stats", "all");

    const auto t0 = std::chrono::steady_clock::now();
    ServerReply reply;
    promql::ApiResponse api;
    const util::Status st =
        client_.Call(req.range ? QueryEndpoint::kRange : QueryEndpoint::kInstant, call, reply, api);
    promql::Result r;
    r.stats.exec_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!reply.transport.empty()) {
      r.error_type = promql::ErrorType::kInternal;
      r.error = reply.transport;
      return r;
    }
    if (!reply.error_type.empty()) {
      r.error_type = ErrorTypeOf(reply.error_type);
      r.error = r.error_type == promql::ErrorType::kInternal
                    ? fmt::format("{}: {}", reply.error_type, reply.error)
                    : reply.error;
      return r;
    }
    if (!st.ok()) {
      r.error_type = promql::ErrorType::kInternal;
      r.error = fmt::format("unexpected response from {}: {}", client_.server(), st.message());
      return r;
    }
    r.value = std::move(api.value);
    for (std::string& w : reply.warnings) r.annotations.push_back({false, std::move(w)});
    for (std::string& i : reply.infos) r.annotations.push_back({true, std::move(i)});
    if (!reply.stats_json.empty()) {
      const nlohmann::json stats = nlohmann::json::parse(reply.stats_json, nullptr, false);
      if (stats.is_object() && stats.contains("samples") && stats["samples"].is_object()) {
        const nlohmann::json& s = stats["samples"];
        if (s.contains("totalQueryableSamples") && s["totalQueryableSamples"].is_number()) {
          r.stats.total_samples = s["totalQueryableSamples"].get<int64_t>();
        }
      }
    }
    return r;
  }

  util::Status SelectSeries(std::string_view selector, const std::vector<model::Matcher>&,
                            std::vector<model::Labels>& out, const std::atomic<bool>&) override {
    ServerCall call;
    call.path = "/api/v1/series";
    call.params.emplace_back("match[]", std::string(selector));
    ServerReply reply;
    promql::ApiResponse api;
    PROMKIT_RETURN_IF_ERROR(client_.Call(QueryEndpoint::kSeries, call, reply, api));
    out = std::move(api.series);
    std::sort(out.begin(), out.end());
    return util::Status::Ok();
  }

  // Two aggregations at `maxt` over a window reaching back exactly to `mint` (ranges are
  // left-open): the count of series with samples and the sum of their samples.
  repl::SelectorCount Count(const std::vector<model::Matcher>& matchers, int64_t mint, int64_t maxt,
                            const std::atomic<bool>& cancel) override {
    repl::SelectorCount c;
    const std::string window =
        fmt::format("count_over_time({}[{}ms])", SelectorText(matchers), maxt - mint + 1);
    for (int pass = 0; pass < 2; ++pass) {
      repl::EvalRequest req;
      req.query = (pass == 0 ? "count(" : "sum(") + window + ")";
      req.start = req.end = maxt;
      promql::Result r = Evaluate(req, cancel);
      if (!r.ok()) {
        c.status = util::Status::Internal(r.error);
        return c;
      }
      int64_t n = 0;
      if (r.value.kind == promql::ValueKind::kVector && !r.value.vector.empty()) {
        n = static_cast<int64_t>(r.value.vector.front().f);
      }
      (pass == 0 ? c.series : c.samples) = n;
    }
    return c;
  }

  repl::CompletionSource& completion() override { return completion_; }
  const util::Status& completion_error() const override { return completion_.error(); }

 private:
  Client client_;
  ServerCompletion completion_;
};

}  // namespace

std::shared_ptr<repl::Backend> NewServerBackend(scrape::FetchOptions base, std::string server) {
  return std::make_shared<ServerBackend>(std::move(base), std::move(server));
}

}  // namespace promkit::cli

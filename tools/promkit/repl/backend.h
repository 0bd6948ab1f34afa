#pragma once
// Where a repl session's data comes from: a data directory opened read-only (NewDirBackend,
// backend.cpp) or a Prometheus-compatible HTTP API (../repl_server.cpp). The session owns the
// statements, settings and output; a backend answers queries, series look-ups, .explain's counts
// and completion.
// Thread-safety: Evaluate, SelectSeries and Count run on a Runner's thread, possibly after the
// session gave up waiting (Ctrl-C) and while the session goes on using the backend: they must be
// safe to call concurrently with each other and with the session thread's calls. The other
// methods are called from the session's thread only. Sessions hold backends by shared_ptr, and
// work handed to a Runner keeps a reference, so a backend outlives abandoned work.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/labels.h"
#include "model/matchers.h"
#include "promql/engine.h"
#include "repl/complete.h"
#include "storage/interface.h"
#include "tsdb/db_readonly.h"
#include "util/status.h"

namespace promkit::cli::repl {

// One evaluation: an instant query (start == end, step 0) or a range query.
struct EvalRequest {
  std::string query;
  bool range = false;
  int64_t start = 0, end = 0, step = 0;  // ms
  promql::EngineOptions engine;
  // The lookback delta was chosen by the user (flag or .lookback), not left at the default: a
  // server is then asked for it instead of using its own.
  bool lookback_explicit = false;
};

// What one selector of .explain reads in its window.
struct SelectorCount {
  util::Status status;
  int64_t series = 0;   // series with at least one sample in the window
  int64_t samples = 0;  // samples in the window
};

class Backend {
 public:
  virtual ~Backend() = default;

  // Names the source in messages: the directory or the server URL.
  virtual const std::string& Name() const = 0;
  // One line describing the source, shown when the shell starts.
  virtual std::string Banner() const = 0;
  // The time "latest" means: the newest sample for a directory (nullopt when it holds none),
  // the current time for a server. Problems met on the way are appended to `warnings`.
  virtual std::optional<int64_t> Newest(std::vector<std::string>& warnings) = 0;

  virtual promql::Result Evaluate(const EvalRequest& req, const std::atomic<bool>& cancel) = 0;
  // The label sets of the series matching `selector` (also given parsed), sorted.
  virtual util::Status SelectSeries(std::string_view selector,
                                    const std::vector<model::Matcher>& matchers,
                                    std::vector<model::Labels>& out,
                                    const std::atomic<bool>& cancel) = 0;
  // Series and samples matching `matchers` in [mint, maxt].
  virtual SelectorCount Count(const std::vector<model::Matcher>& matchers, int64_t mint,
                              int64_t maxt, const std::atomic<bool>& cancel) = 0;

  // Metric names, label names and values, cached for the session.
  virtual CompletionSource& completion() = 0;
  // The first error completion met (completion itself cannot print it); OK when none.
  virtual const util::Status& completion_error() const = 0;
};

// The data directory as a storage::Queryable whose reads stop (failing with Canceled) once
// `cancel` turns true. `cancel` may be null. The db must outlive it.
class DbQueryable final : public storage::Queryable {
 public:
  DbQueryable(tsdb::DbReadOnly* db, const std::atomic<bool>* cancel) : db_(db), cancel_(cancel) {}
  util::Result<std::unique_ptr<storage::Querier>> NewQuerier(int64_t mint, int64_t maxt) override;

 private:
  tsdb::DbReadOnly* db_;
  const std::atomic<bool>* cancel_;
};

// Completion data from the index of the whole directory, fetched on first use and cached for
// the session (the directory is a read-only snapshot).
class IndexCompletion final : public CompletionSource {
 public:
  explicit IndexCompletion(tsdb::DbReadOnly* db) : db_(db) {}
  const std::vector<std::string>& MetricNames() override;
  std::vector<std::string> LabelNames(std::span<const std::string> metrics) override;
  const std::vector<std::string>& LabelValues(const std::string& label,
                                              const std::string& metric) override;
  // The first index error met (completion cannot print it), OK when none.
  const util::Status& error() const { return error_; }

 private:
  storage::Querier* Querier();
  const std::vector<std::string>& Names(const std::string& metric);

  tsdb::DbReadOnly* db_;
  std::unique_ptr<storage::Querier> querier_;
  util::Status error_;
  std::optional<std::vector<std::string>> metric_names_;
  std::map<std::string, std::vector<std::string>, std::less<>> label_names_;  // by metric
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> label_values_;
};

// A data directory opened read-only; `dir` names it in messages. With `warm_up`, the head
// (WAL) is replayed on a background thread right away, so the first prompt does not wait.
std::shared_ptr<Backend> NewDirBackend(std::unique_ptr<tsdb::DbReadOnly> db, std::string dir,
                                       bool warm_up);

}  // namespace promkit::cli::repl

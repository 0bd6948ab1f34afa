#pragma once
// A repl session over one data directory opened read-only: the evaluation settings (.at,
// .range, .lookback, .format, .stats), the statements' execution and the index-backed
// completion data. Results go to a Terminal (stdout/stderr with their colour and size); long
// work (queries, .explain, .series) goes through a Runner, which the interactive shell uses to
// let Ctrl-C interrupt it.
// Thread-safety: a Session is used by one thread; work handed to the Runner touches only the
// data directory (thread-safe) and values copied for it.

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "promql/engine.h"
#include "repl/complete.h"
#include "repl/time_spec.h"
#include "storage/interface.h"
#include "tsdb/db_readonly.h"

namespace promkit::cli::repl {

enum class Format : uint8_t { kAuto, kTable, kJson, kGraph, kCsv };
std::string_view FormatName(Format f);
util::Result<Format> ParseFormat(std::string_view s);

// Runs work that the user may interrupt.
class Runner {
 public:
  virtual ~Runner() = default;
  // Runs `work`, handing it a flag that turns true when the user interrupts. Returns false when
  // interrupted: the work may then still be finishing on another thread, and what it produces
  // must be ignored (it must own, or share ownership of, everything it writes).
  virtual bool Run(std::function<void(const std::atomic<bool>& cancel)> work) = 0;
};

// Runs work on the calling thread, uninterruptible (scripts).
class InlineRunner final : public Runner {
 public:
  bool Run(std::function<void(const std::atomic<bool>& cancel)> work) override;
};

// Where output goes and how it may look.
struct Terminal {
  std::FILE* out = stdout;
  std::FILE* err = stderr;
  bool color_out = false;
  bool color_err = false;
  // Columns and rows available to a graph, asked for each graph (the window may be resized).
  std::function<std::pair<int, int>()> size = [] { return std::pair{80, 24}; };
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

struct SessionOptions {
  promql::EngineOptions engine;
  Format format = Format::kAuto;
  bool stats = true;
  bool verbose = false;  // confirm settings changes (interactive use)
};

class Session {
 public:
  // Takes the opened directory; `dir` names it in messages. `runner` must outlive the session.
  // With `warm_up`, the head (WAL) is replayed on a background thread right away, so the first
  // prompt does not wait for it.
  Session(std::unique_ptr<tsdb::DbReadOnly> db, std::string dir, SessionOptions opts, Terminal term,
          Runner* runner, bool warm_up);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  enum class Outcome { kOk, kFailed, kQuit };
  // Runs one statement (a PromQL expression or a dot-command), printing its result or error.
  Outcome Execute(std::string_view statement);

  // A line about the directory: blocks, time range.
  std::string Banner() const;
  StatementCompletion CompleteAt(std::string_view text);
  CompletionSource& completion() { return completion_; }

 private:
  struct Window {
    bool range = false;
    int64_t start = 0, end = 0, step = 0;  // instant: start == end, step 0
  };

  Outcome Query(std::string_view text);
  Outcome Explain(std::string_view text);
  Outcome Series(std::string_view text);
  Outcome Labels(std::string_view args);
  Outcome Metrics(std::string_view args);
  Outcome SetAt(std::string_view args);
  Outcome SetRange(std::string_view args);
  Outcome SetLookback(std::string_view args);
  Outcome SetFormat(std::string_view args);
  Outcome SetStats(std::string_view args);
  Outcome Help();

  // The newest sample time (blocks' max times, the head's), computed once.
  int64_t Latest();
  util::Result<Window> CurrentWindow();
  int GraphWidth() const;
  // Parses `text` as PromQL; on failure prints the error (with a caret) and returns null.
  promql::parser::ExprPtr ParseOrReport(std::string_view text);
  void PrintError(std::string_view msg);
  void PrintNote(std::string_view msg);  // dimmed, on stderr
  void PrintStrings(const std::vector<std::string>& values);
  std::string Describe(const Window& w) const;

  std::unique_ptr<tsdb::DbReadOnly> db_;
  std::string dir_;
  SessionOptions opts_;
  Terminal term_;
  Runner* runner_;
  IndexCompletion completion_;
  std::optional<int64_t> latest_;
  TimeSpec at_;                    // instant queries (default: latest)
  std::optional<TimeSpec> start_;  // range queries when set, with end_ and step_
  std::optional<TimeSpec> end_;
  std::optional<int64_t> step_;  // ms; unset: fitted to the graph width
  std::jthread warm_up_;         // replays the head in the background
};

}  // namespace promkit::cli::repl

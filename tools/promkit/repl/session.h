#pragma once
// A repl session over a Backend (a data directory opened read-only, or a server): the
// evaluation settings (.at, .range, .lookback, .format, .stats), the statements' execution and
// completion. Results go to a Terminal (stdout/stderr with their colour and size); long work
// (queries, .explain, .series) goes through a Runner, which the interactive shell uses to let
// Ctrl-C interrupt it.
// Thread-safety: a Session is used by one thread; work handed to the Runner touches only the
// backend (see backend.h) and values copied for it.

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "promql/engine.h"
#include "repl/backend.h"
#include "repl/complete.h"
#include "repl/time_spec.h"

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

struct SessionOptions {
  promql::EngineOptions engine;
  Format format = Format::kAuto;
  bool stats = true;
  bool verbose = false;  // confirm settings changes (interactive use)
  // The lookback delta was given on the command line (a server is then asked to use it).
  bool lookback_explicit = false;
};

class Session {
 public:
  // Reads through `backend`. `runner` must outlive the session.
  Session(std::shared_ptr<Backend> backend, SessionOptions opts, Terminal term, Runner* runner);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  enum class Outcome { kOk, kFailed, kQuit };
  // Runs one statement (a PromQL expression or a dot-command), printing its result or error.
  Outcome Execute(std::string_view statement);

  // A line about the directory: blocks, time range.
  std::string Banner() const;
  StatementCompletion CompleteAt(std::string_view text);
  CompletionSource& completion() { return backend_->completion(); }

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

  // What "latest" means (Backend::Newest), computed once.
  int64_t Latest();
  util::Result<Window> CurrentWindow();
  int GraphWidth() const;
  // Parses `text` as PromQL; on failure prints the error (with a caret) and returns null.
  promql::parser::ExprPtr ParseOrReport(std::string_view text);
  void PrintError(std::string_view msg);
  void PrintNote(std::string_view msg);  // dimmed, on stderr
  void PrintStrings(const std::vector<std::string>& values);
  std::string Describe(const Window& w) const;

  std::shared_ptr<Backend> backend_;
  SessionOptions opts_;
  Terminal term_;
  Runner* runner_;
  std::optional<int64_t> latest_;
  TimeSpec at_;                    // instant queries (default: latest)
  std::optional<TimeSpec> start_;  // range queries when set, with end_ and step_
  std::optional<TimeSpec> end_;
  std::optional<int64_t> step_;  // ms; unset: fitted to the graph width
};

}  // namespace promkit::cli::repl

// `promkit repl [DB]`: an interactive PromQL shell over a data directory opened read-only
// (blocks and a replay of the WAL; nothing written, no lock taken), or, with -e or a script on
// stdin, the same statements run non-interactively. The statements, settings and output live
// in repl/ (Session); this file is the terminal glue: flags, libedit (line editing, history,
// completion) and Ctrl-C.
//
// Ctrl-C: a query runs on a worker thread while the main thread waits for it or for SIGINT
// (through a self-pipe). On SIGINT the query's storage reads start failing (the engine then
// stops at its next read) and the prompt comes back at once; a query busy computing in memory
// is left to finish on its thread and its result is dropped. At the prompt, Ctrl-C discards
// the line being typed.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <histedit.h>

#include "app.h"
#include "config/http_client_file.h"
#include "query_client.h"
#include "repl/backend.h"
#include "repl/input.h"
#include "repl/session.h"
#include "repl_server.h"
#include "scrape/http_config.h"
#include "tsdb/db_readonly.h"
#include "util/duration.h"
#include "util/strings.h"

namespace promkit::cli {
namespace {

struct ReplFlags {
  std::string db = "data/";
  std::vector<std::string> exprs;
  std::string format = "auto";
  std::string lookback_delta = "5m";
  std::string query_timeout = "2m";
  int64_t max_samples = 50000000;
  bool stats = false;
  CLI::Option* stats_opt = nullptr;
  CLI::Option* db_opt = nullptr;
  CLI::Option* lookback_opt = nullptr;
  std::string url;
  std::string http_config_file;
  std::vector<std::string> headers;
};

// ---------------------------------------------------------------------------------------------
// Signals: SIGINT writes a byte to a self-pipe that the prompt and the query wait watch.

int g_interrupt_pipe[2] = {-1, -1};

extern "C" void OnSigint(int) {
  const int saved = errno;
  const char b = 1;
  ssize_t n = write(g_interrupt_pipe[1], &b, 1);
  (void)n;
  errno = saved;
}

void DrainInterrupts() {
  char buf[64];
  while (read(g_interrupt_pipe[0], buf, sizeof buf) > 0) {
  }
}

bool InstallSigint() {
  if (pipe2(g_interrupt_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return false;
  struct sigaction sa {};
  sa.sa_handler = OnSigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocked poll wakes up
  return sigaction(SIGINT, &sa, nullptr) == 0;
}

// Runs work on a worker thread that the user may abandon with Ctrl-C.
class ThreadRunner final : public repl::Runner {
 public:
  bool Run(std::function<void(const std::atomic<bool>& cancel)> work) override {
    Reap();
    DrainInterrupts();  // a Ctrl-C pressed before the query started does not cancel it
    auto job = std::make_shared<Job>();
    if (pipe2(job->pipe, O_CLOEXEC) != 0) {
      work(job->cancel);  // no pipe, no interruption: run it here
      return true;
    }
    std::jthread thread([job, work = std::move(work)] {
      work(job->cancel);
      job->finished.store(true);
      const char b = 1;
      ssize_t n = write(job->pipe[1], &b, 1);
      (void)n;
    });
    for (;;) {
      pollfd fds[2] = {{job->pipe[0], POLLIN, 0}, {g_interrupt_pipe[0], POLLIN, 0}};
      if (poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        thread.join();
        return true;
      }
      if ((fds[0].revents & POLLIN) != 0) {
        thread.join();
        return true;
      }
      if ((fds[1].revents & POLLIN) != 0) {
        DrainInterrupts();
        job->cancel.store(true);
        // Reads fail from now on; give the engine a moment to unwind before giving up on it.
        pollfd done = {job->pipe[0], POLLIN, 0};
        if (poll(&done, 1, 500) > 0) {
          thread.join();
        } else {
          abandoned_.push_back(Abandoned{std::move(thread), job});
        }
        return false;
      }
    }
  }

  // Whether abandoned work is still running.
  bool Busy() {
    Reap();
    return !abandoned_.empty();
  }

 private:
  struct Job {
    std::atomic<bool> cancel{false};
    std::atomic<bool> finished{false};
    int pipe[2] = {-1, -1};
    ~Job() {
      for (int fd : pipe) {
        if (fd >= 0) close(fd);
      }
    }
  };
  struct Abandoned {
    std::jthread thread;
    std::shared_ptr<Job> job;
  };

  void Reap() {
    for (auto it = abandoned_.begin(); it != abandoned_.end();) {
      if (it->job->finished.load()) {
        it->thread.join();
        it = abandoned_.erase(it);
      } else {
        ++it;
      }
    }
  }

  std::vector<Abandoned> abandoned_;
};

// ---------------------------------------------------------------------------------------------
// Terminal properties.

bool ColorWanted(int fd) {
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  if (no_color != nullptr && no_color[0] != '\0') return false;
  if (term != nullptr && std::strcmp(term, "dumb") == 0) return false;
  return isatty(fd) == 1;
}

int EnvInt(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr) return 0;
  char* end = nullptr;
  long n = std::strtol(v, &end, 10);
  return end != v && *end == '\0' && n > 0 && n < 10000 ? static_cast<int>(n) : 0;
}

// The terminal's columns and rows: the window size of stdout when it is a terminal, else
// $COLUMNS and $LINES, else 80x24.
std::pair<int, int> TerminalSize() {
  winsize ws{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    return {ws.ws_col, ws.ws_row > 0 ? ws.ws_row : 24};
  }
  const int cols = EnvInt("COLUMNS"), rows = EnvInt("LINES");
  return {cols > 0 ? cols : 80, rows > 0 ? rows : 24};
}

// ---------------------------------------------------------------------------------------------
// libedit glue (its native API: key functions see the line and cursor as they are, and
// completion does not ring the bell). Its callbacks are plain functions; they reach the
// session through these globals, set only while the interactive loop runs.

repl::Session* g_session = nullptr;
std::string* g_pending = nullptr;  // earlier lines of a statement being continued
const char* g_prompt = "promql> ";
bool g_line_interrupted = false;
int g_winch_pipe[2] = {-1, -1};

extern "C" void OnSigwinch(int) {
  const int saved = errno;
  const char b = 1;
  ssize_t n = write(g_winch_pipe[1], &b, 1);
  (void)n;
  errno = saved;
}

extern "C" char* ReplPrompt(EditLine*) { return const_cast<char*>(g_prompt); }

// Reads one character for libedit (UTF-8 decoded), waking up for Ctrl-C and window size
// changes: SIGINT (the terminal's ISIG) or a raw ^C both end the line, which the loop drops.
extern "C" int ReplGetc(EditLine* el, wchar_t* wc) {
  int fd = STDIN_FILENO;
  FILE* in = nullptr;
  if (el_get(el, EL_GETFP, 0, &in) == 0 && in != nullptr) fd = fileno(in);
  for (;;) {
    pollfd fds[3] = {
        {fd, POLLIN, 0}, {g_interrupt_pipe[0], POLLIN, 0}, {g_winch_pipe[0], POLLIN, 0}};
    if (poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if ((fds[1].revents & POLLIN) != 0) {
      DrainInterrupts();
      g_line_interrupted = true;
      *wc = L'\n';
      return 1;
    }
    if ((fds[2].revents & POLLIN) != 0) {
      char buf[64];
      while (read(g_winch_pipe[0], buf, sizeof buf) > 0) {
      }
      el_resize(el);
      continue;
    }
    if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
    unsigned char b[4];
    ssize_t n = read(fd, b, 1);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return 0;
    if (b[0] == 3) {  // ^C arriving as a key (terminal without ISIG)
      g_line_interrupted = true;
      *wc = L'\n';
      return 1;
    }
    // UTF-8: the lead byte says how many continuation bytes follow (they arrive with it).
    const int more = b[0] >= 0xF0 ? 3 : b[0] >= 0xE0 ? 2 : b[0] >= 0xC0 ? 1 : 0;
    for (int i = 1; i <= more; ++i) {
      if (read(fd, &b[i], 1) != 1) return 0;
    }
    util::DecodedRune r =
        util::DecodeRune(std::string_view(reinterpret_cast<const char*>(b), 1 + more));
    *wc = static_cast<wchar_t>(r.rune);
    return 1;
  }
}

size_t Utf8Chars(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Prints candidates in columns under the line (libedit then redraws the prompt and line).
void ListCandidates(const std::vector<std::string>& cands) {
  constexpr size_t kMaxListed = 300;
  size_t width = 0;
  for (const std::string& c : cands) width = std::max(width, Utf8Chars(c));
  width += 2;
  const size_t term = static_cast<size_t>(TerminalSize().first);
  const size_t per_row = std::max<size_t>(1, term / width);
  const size_t shown = std::min(cands.size(), kMaxListed);
  const size_t rows = (shown + per_row - 1) / per_row;
  std::string out = "\n";
  for (size_t r = 0; r < rows; ++r) {
    std::string line;
    for (size_t c = 0; c < per_row; ++c) {
      const size_t i = c * rows + r;  // down the columns, as ls does
      if (i >= shown) continue;
      line += cands[i];
      line.append(width - Utf8Chars(cands[i]), ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  if (cands.size() > shown) out += fmt::format("... and {} more\n", cands.size() - shown);
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
}

// Tab: completes the word before the cursor to the candidates' common prefix; when that adds
// nothing and several candidates remain, lists them.
extern "C" unsigned char ReplComplete(EditLine* el, int) {
  const LineInfo* li = el_line(el);
  if (g_session == nullptr || li == nullptr) return CC_NORM;
  const std::string line(li->buffer, static_cast<size_t>(li->cursor - li->buffer));
  const std::string full = g_pending->empty() ? line : *g_pending + "\n" + line;
  repl::StatementCompletion c = g_session->CompleteAt(full);
  const size_t base = full.size() - line.size();
  if (c.candidates.empty() || c.word_start < base) return CC_NORM;
  const std::string typed = line.substr(c.word_start - base);
  // The candidates' longest common prefix, in whole UTF-8 characters.
  std::string common = c.candidates[0];
  for (const std::string& s : c.candidates) {
    size_t i = 0;
    while (i < common.size() && i < s.size()) {
      const size_t n = static_cast<size_t>(
          std::max(1, util::DecodeRune(std::string_view(common).substr(i)).width));
      if (common.compare(i, n, s, i, n) != 0) break;
      i += n;
    }
    common.resize(i);
  }
  if (common != typed && (common.size() > typed.size() || c.candidates.size() == 1)) {
    el_deletestr(el, static_cast<int>(Utf8Chars(typed)));
    el_insertstr(el, common.c_str());
    return CC_REFRESH;
  }
  if (c.candidates.size() > 1) {
    ListCandidates(c.candidates);
    return CC_REDISPLAY;
  }
  return CC_NORM;
}

std::string HistoryPath() {
  const char* home = std::getenv("HOME");
  if (home == nullptr || home[0] == '\0') return "";
  return std::string(home) + "/.promkit_history";
}

void SaveHistory(History* h, const std::string& path) {
  if (path.empty()) return;
  HistEvent ev;
  if (history(h, &ev, H_SAVE, path.c_str()) >= 0) chmod(path.c_str(), 0600);
}

int Interactive(repl::Session& session, ThreadRunner& runner) {
  std::string pending;
  g_session = &session;
  g_pending = &pending;
  if (pipe2(g_winch_pipe, O_CLOEXEC | O_NONBLOCK) == 0) {
    struct sigaction sa {};
    sa.sa_handler = OnSigwinch;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGWINCH, &sa, nullptr);
  }
  History* hist = history_init();
  HistEvent ev;
  history(hist, &ev, H_SETSIZE, 1000);
  const std::string history_path = HistoryPath();
  if (!history_path.empty()) history(hist, &ev, H_LOAD, history_path.c_str());

  EditLine* el = el_init("promkit", stdin, stdout, stderr);
  el_set(el, EL_EDITOR, "emacs");
  el_set(el, EL_SIGNAL, 0);  // our handlers: Ctrl-C interrupts, it does not kill
  el_set(el, EL_PROMPT, ReplPrompt);
  el_set(el, EL_GETCFN, ReplGetc);
  el_set(el, EL_HIST, history, hist);
  el_set(el, EL_ADDFN, "promkit-complete", "Complete PromQL", ReplComplete);
  el_set(el, EL_BIND, "^I", "promkit-complete", nullptr);
  el_source(el, nullptr);  // the user's ~/.editrc (e.g. "bind -v" for vi keys)

  fmt::print("promkit repl: {}\nType .help for commands, Ctrl-D to quit.\n", session.Banner());
  std::fflush(stdout);
  for (;;) {
    g_line_interrupted = false;
    g_prompt = pending.empty() ? "promql> " : "   ...> ";
    int count = 0;
    const char* raw = el_gets(el, &count);
    if (g_line_interrupted) {
      pending.clear();
      continue;
    }
    if (raw == nullptr || count <= 0) {  // Ctrl-D
      std::fputs("\n", stdout);
      break;
    }
    std::string line(raw, static_cast<size_t>(count));
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (pending.empty() && repl::IsBlankOrComment(line)) continue;
    pending = pending.empty() ? line : pending + "\n" + line;
    if (repl::NeedsMoreInput(pending)) continue;
    std::string statement = std::move(pending);
    pending.clear();
    // One history entry per statement, on one line so recalling it edits it as one.
    std::string entry = statement;
    for (char& c : entry) {
      if (c == '\n') c = ' ';
    }
    history(hist, &ev, H_ENTER, entry.c_str());
    SaveHistory(hist, history_path);
    if (session.Execute(statement) == repl::Session::Outcome::kQuit) break;
  }
  SaveHistory(hist, history_path);
  el_end(el);
  history_end(hist);
  g_session = nullptr;
  g_pending = nullptr;
  std::fflush(stdout);
  if (runner.Busy()) {
    // A canceled query still computing in memory: it holds nothing that needs an orderly
    // shutdown (the directory is only read), so leave without waiting for it.
    std::fflush(stderr);
    _exit(kExitOk);
  }
  return kExitOk;
}

std::string ReadAll(std::FILE* f) {
  std::string out;
  char buf[65536];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return out;
}

util::Result<std::shared_ptr<repl::Backend>> OpenDir(const std::string& dir, bool warm_up) {
  PROMKIT_ASSIGN_OR_RETURN(std::unique_ptr<tsdb::DbReadOnly> db, tsdb::DbReadOnly::Open(dir));
  return repl::NewDirBackend(std::move(db), dir, warm_up);
}

// --url with --http.config.file and --header, checked as `query` checks them.
util::Result<std::shared_ptr<repl::Backend>> OpenServer(const ReplFlags& f) {
  std::string url = f.url;
  if (std::string err = NormalizeServerUrl(url); !err.empty()) {
    return util::Status::InvalidArgument(err);
  }
  scrape::FetchOptions base;
  // The server gives up after --query.timeout; the client waits a little longer for its answer.
  const int64_t timeout_ms = util::ParseDuration(f.query_timeout).value_or(120000);
  base.timeout_ns = (timeout_ms + 10000) * 1000000;
  if (!f.http_config_file.empty()) {
    PROMKIT_ASSIGN_OR_RETURN(config::HTTPClientConfig hc,
                             config::LoadHTTPClientConfigFile(f.http_config_file));
    util::Status st = scrape::ApplyHttpClientConfig(hc, base);
    if (!st.ok()) return st.Wrap(fmt::format("--http.config.file {}", f.http_config_file));
  }
  for (const std::string& h : f.headers) {
    const size_t eq = h.find('=');
    if (eq == std::string::npos) {
      return util::Status::InvalidArgument(
          fmt::format("--header: expected KEY=VALUE, got {}", util::GoQuote(h)));
    }
    base.headers.emplace_back(h.substr(0, eq), h.substr(eq + 1));
  }
  return NewServerBackend(std::move(base), std::move(url));
}

int RunRepl(const ReplFlags& f) {
  if (!f.url.empty() && f.db_opt->count() > 0) {
    fmt::print(stderr, "promkit: error: give either a data directory or --url, not both\n");
    return kExitFailure;
  }
  if (f.url.empty() && (!f.http_config_file.empty() || !f.headers.empty())) {
    fmt::print(stderr, "promkit: error: --http.config.file and --header apply only with --url\n");
    return kExitFailure;
  }
  repl::SessionOptions opts;
  opts.engine.parser = PromtoolParserOptions();
  opts.engine.lookback_delta_ms = util::ParseDuration(f.lookback_delta).value_or(300000);
  opts.engine.timeout = std::chrono::milliseconds(util::ParseDuration(f.query_timeout).value_or(0));
  opts.engine.max_samples = f.max_samples;
  opts.format = repl::ParseFormat(f.format).value_or(repl::Format::kAuto);
  const bool interactive = f.exprs.empty() && isatty(STDIN_FILENO) == 1;
  opts.stats = f.stats_opt->count() > 0 ? f.stats : interactive;
  opts.verbose = interactive;
  opts.lookback_explicit = f.lookback_opt->count() > 0;

  util::Result<std::shared_ptr<repl::Backend>> backend =
      f.url.empty() ? OpenDir(f.db, /*warm_up=*/interactive) : OpenServer(f);
  if (!backend.ok()) {
    fmt::print(stderr, "promkit: error: {}\n", backend.status().ToString());
    return kExitFailure;
  }
  repl::Terminal term;
  term.color_out = ColorWanted(STDOUT_FILENO);
  term.color_err = ColorWanted(STDERR_FILENO);
  term.size = TerminalSize;

  if (interactive) {
    if (!InstallSigint()) {
      fmt::print(stderr, "promkit: error: cannot set up Ctrl-C handling: {}\n",
                 std::strerror(errno));
      return kExitFailure;
    }
    ThreadRunner runner;
    repl::Session session(std::move(*backend), opts, term, &runner);
    return Interactive(session, runner);
  }
  repl::InlineRunner runner;
  repl::Session session(std::move(*backend), opts, term, &runner);
  std::vector<repl::Statement> statements;
  if (!f.exprs.empty()) {
    for (const std::string& e : f.exprs) statements.push_back(repl::Statement{e, 1});
  } else {
    statements = repl::SplitStatements(ReadAll(stdin));
  }
  int code = kExitOk;
  for (const repl::Statement& s : statements) {
    const repl::Session::Outcome o = session.Execute(s.text);
    if (o == repl::Session::Outcome::kQuit) break;
    if (o == repl::Session::Outcome::kFailed) code = kExitFailure;
  }
  return code;
}

template <typename F>
CLI::Validator Checked(std::string name, F parse) {
  return CLI::Validator(
      [parse](std::string& v) -> std::string {
        auto r = parse(v);
        return r.ok() ? std::string() : r.status().ToString();
      },
      "", std::move(name));
}

}  // namespace

void RegisterRepl(CLI::App& root, Mode mode, int* exit_code) {
  if (mode != Mode::kPromkit) return;
  auto f = std::make_shared<ReplFlags>();
  CLI::App* cmd = root.add_subcommand(
      "repl",
      "Interactive PromQL shell over a local data directory, opened read-only (blocks and WAL), "
      "or over a Prometheus server's HTTP API with --url. Statements are PromQL expressions or "
      "dot-commands (.help); without a terminal on stdin, or with -e, they are read from stdin "
      "or the flags and run non-interactively.");
  f->db_opt = cmd->add_option("db", f->db, "Data directory (a live Prometheus directory is fine).")
                  ->default_str("data/");
  cmd->add_option("--url", f->url,
                  "Ask this Prometheus-compatible server (its /api/v1 endpoints) instead of "
                  "reading a data directory.")
      ->option_text("SERVER");
  cmd->add_option("--http.config.file", f->http_config_file,
                  "HTTP client configuration file for --url (basic auth, authorization, TLS), "
                  "as promtool's.")
      ->option_text("<filename>");
  cmd->add_option("--header", f->headers, "Extra header to send to the server with --url.")
      ->option_text("KEY=VALUE")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("-e,--execute", f->exprs,
                  "Run this statement (PromQL or a dot-command), then exit.")
      ->option_text("STATEMENT");
  std::vector<std::string> formats;
  for (std::string_view n : repl::FormatNames()) formats.emplace_back(n);
  cmd->add_option("--format", f->format,
                  "Output format (auto: graph for range queries, table otherwise).")
      ->default_str("auto")
      ->check(CLI::IsMember(formats));
  f->lookback_opt =
      cmd->add_option("--query.lookback-delta", f->lookback_delta,
                      "How far back to look for a sample of an instant vector selector (sent as "
                      "lookback_delta to a server).")
          ->default_str("5m")
          ->check(Checked("DURATION", [](const std::string& v) { return util::ParseDuration(v); }));
  cmd->add_option("--query.timeout", f->query_timeout,
                  "Maximum time a query may take (sent as timeout to a server).")
      ->default_str("2m")
      ->check(Checked("DURATION", [](const std::string& v) { return util::ParseDuration(v); }));
  cmd->add_option("--query.max-samples", f->max_samples,
                  "Maximum number of samples a query may hold in memory (data directories "
                  "only).")
      ->default_str("50000000");
  f->stats_opt = cmd->add_flag(
      "--stats", f->stats,
      "Print series, samples and time after each query on stderr (default when interactive).");
  cmd->callback([f, exit_code] { *exit_code = RunRepl(*f); });
}

}  // namespace promkit::cli

#pragma once
// A tiny HTTP/1.1 server on 127.0.0.1 for tests: canned responses chosen by a handler (status
// codes, slow responses, huge or gzip-compressed bodies, malformed bodies) and a record of the
// requests it saw. One connection at a time on a thread the server owns; every wait is bounded.
// Thread-safety: requests() may be called from the test thread while the server runs.

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace promkit::testutil {

struct HttpRequest {
  std::string method;
  std::string target;  // path and query as sent
  std::vector<std::pair<std::string, std::string>> headers;
  // The first header of that name (case-insensitive), or "".
  std::string Header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string reason = "OK";  // empty: a status line without a reason phrase
  std::vector<std::pair<std::string, std::string>> headers;  // Content-Length is added
  std::string body;
  int delay_ms = 0;                     // wait before sending anything (interrupted by Stop())
  bool close_without_response = false;  // read the request, then hang up
};

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  // Binds 127.0.0.1 on a free port and starts serving. ok() is false when that failed.
  explicit HttpServer(Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  bool ok() const { return listen_fd_ >= 0; }
  int port() const { return port_; }
  // "http://127.0.0.1:<port><path>"
  std::string Url(std::string_view path = "/metrics") const;
  std::vector<HttpRequest> requests() const;
  // Stops accepting and joins the thread; idempotent, bounded by the longest single wait (50ms
  // poll slices).
  void Stop();

 private:
  void Serve();
  void HandleConnection(int fd);
  // Waits `ms` unless the server stops or the client hangs up; false when cut short.
  bool SleepInterruptible(int fd, int ms);

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::vector<HttpRequest> requests_;
  std::thread thread_;
};

// gzip-compresses `data` (one member), for canned Content-Encoding: gzip responses.
std::string Gzip(std::string_view data);

// A port on 127.0.0.1 that was free a moment ago (bind to port 0, read it, close).
int FreeLoopbackPort();

}  // namespace promkit::testutil

#include "testutil/http_server.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstring>
#include <string>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <zlib.h>

namespace promkit::testutil {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

int BindLoopback(int* port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return -1;
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

// Sends all of `data` unless the peer goes away or the server stops; bounded by poll slices.
bool SendAll(int fd, std::string_view data, const std::atomic<bool>& stop) {
  size_t sent = 0;
  int idle_slices = 0;
  while (sent < data.size() && !stop.load()) {
    pollfd p{fd, POLLOUT, 0};
    int r = poll(&p, 1, 50);
    if (r == 0) {
      if (++idle_slices > 200) return false;  // a reader stuck for 10s: give up
      continue;
    }
    idle_slices = 0;
    if (r < 0 || (p.revents & (POLLERR | POLLHUP))) return false;
    ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return sent == data.size();
}

}  // namespace

std::string HttpRequest::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (EqualsIgnoreCase(n, name)) return v;
  }
  return "";
}

HttpServer::HttpServer(Handler handler) : handler_(std::move(handler)) {
  listen_fd_ = BindLoopback(&port_);
  if (listen_fd_ < 0) return;
  if (listen(listen_fd_, 16) != 0) {
    close(listen_fd_);
    listen_fd_ = -1;
    return;
  }
  thread_ = std::thread([this] { Serve(); });
}

HttpServer::~HttpServer() { Stop(); }

std::string HttpServer::Url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

std::vector<HttpRequest> HttpServer::requests() const {
  std::lock_guard<std::mutex> l(mu_);
  return requests_;
}

void HttpServer::Stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) {
    close(listen_fd_);
    listen_fd_ = -1;
  }
}

bool HttpServer::SleepInterruptible(int fd, int ms) {
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < end) {
    if (stop_.load()) return false;
    // A client that gave up (timeout) closes its end: stop waiting for it.
    pollfd p{fd, POLLIN | POLLRDHUP, 0};
    if (poll(&p, 1, 10) > 0) {
      char c;
      if ((p.revents & (POLLRDHUP | POLLHUP | POLLERR)) ||
          recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0) {
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  return true;
}

void HttpServer::Serve() {
  while (!stop_.load()) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    HandleConnection(fd);
    close(fd);
  }
}

void HttpServer::HandleConnection(int fd) {
  // Read the request head (no bodies: scrapes are GETs), at most 64 KiB and 5 s.
  std::string head;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (head.find("\r\n\r\n") == std::string::npos && head.size() < 65536) {
    if (stop_.load() || std::chrono::steady_clock::now() > deadline) return;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    char buf[4096];
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) return;
    head.append(buf, static_cast<size_t>(n));
  }
  HttpRequest req;
  size_t line_end = head.find("\r\n");
  std::string first = head.substr(0, line_end);
  size_t sp1 = first.find(' ');
  size_t sp2 = first.find(' ', sp1 == std::string::npos ? 0 : sp1 + 1);
  if (sp1 != std::string::npos) {
    req.method = first.substr(0, sp1);
    req.target =
        first.substr(sp1 + 1, sp2 == std::string::npos ? std::string::npos : sp2 - sp1 - 1);
  }
  size_t pos = line_end + 2;
  while (pos < head.size()) {
    size_t e = head.find("\r\n", pos);
    if (e == std::string::npos || e == pos) break;
    std::string line = head.substr(pos, e - pos);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string value = line.substr(colon + 1);
      size_t b = value.find_first_not_of(" \t");
      value = b == std::string::npos ? "" : value.substr(b);
      req.headers.emplace_back(line.substr(0, colon), value);
    }
    pos = e + 2;
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    requests_.push_back(req);
  }
  HttpResponse resp = handler_(req);
  if (resp.delay_ms > 0 && !SleepInterruptible(fd, resp.delay_ms)) return;
  if (resp.close_without_response) return;
  std::string out = "HTTP/1.1 " + std::to_string(resp.status);
  if (!resp.reason.empty()) out += " " + resp.reason;
  out += "\r\n";
  for (const auto& [n, v] : resp.headers) out += n + ": " + v + "\r\n";
  out += "Content-Length: " + std::to_string(resp.body.size()) + "\r\n";
  out += "Connection: close\r\n\r\n";
  if (!SendAll(fd, out, stop_)) return;
  if (req.method != "HEAD") SendAll(fd, resp.body, stop_);
  shutdown(fd, SHUT_WR);
}

std::string Gzip(std::string_view data) {
  z_stream zs;
  std::memset(&zs, 0, sizeof(zs));
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return "";
  }
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(data.size())) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return rc == Z_STREAM_END ? out : std::string();
}

int FreeLoopbackPort() {
  int port = 0;
  int fd = BindLoopback(&port);
  if (fd < 0) return 0;
  close(fd);
  return port;
}

}  // namespace promkit::testutil

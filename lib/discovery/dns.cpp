#include "discovery/dns.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>

#include <arpa/inet.h>
#include <fmt/core.h>
#include <netinet/in.h>

#include "util/file.h"
#include "util/strings.h"

namespace promkit::discovery {

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '\r') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string Fqdn(std::string_view s) {
  std::string out(s);
  if (out.empty() || out.back() != '.') out += '.';
  return out;
}

int CountLabels(std::string_view name) {
  if (name.empty() || name == ".") return 0;
  if (name.back() == '.') name.remove_suffix(1);
  return static_cast<int>(std::count(name.begin(), name.end(), '.')) + 1;
}

// Closes a socket on scope exit.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

struct Sockaddr {
  sockaddr_storage storage{};
  socklen_t len = 0;
  int family = AF_INET;
};

util::Result<Sockaddr> Resolve(const std::string& server, int port) {
  Sockaddr a;
  std::string host = server;
  if (size_t pct = host.find('%'); pct != std::string::npos) host.resize(pct);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&a.storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.storage);
  if (::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    a.len = sizeof(sockaddr_in);
    a.family = AF_INET;
    return a;
  }
  if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    a.len = sizeof(sockaddr_in6);
    a.family = AF_INET6;
    return a;
  }
  return util::Status::InvalidArgument(
      fmt::format("dial udp: address {}: no suitable address", JoinHostPort(server, port)));
}

int64_t MsLeft(Clock::time_point deadline) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
}

util::Status Timeout(std::string_view net, const std::string& addr) {
  return util::Status::IoError(fmt::format("read {} {}: i/o timeout", net, addr));
}

// Waits for `events` on fd until the deadline; false on timeout.
bool WaitFd(int fd, short events, Clock::time_point deadline) {
  while (true) {
    int64_t left = MsLeft(deadline);
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, static_cast<int>(left));
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) return false;
  }
}

util::Result<DnsMessage> ExchangeUdp(const Sockaddr& sa, const std::string& addr,
                                     const std::string& query, uint16_t id,
                                     Clock::time_point deadline) {
  Fd s{::socket(sa.family, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
  if (s.fd < 0) return util::Status::IoError(fmt::format("socket: {}", std::strerror(errno)));
  if (::connect(s.fd, reinterpret_cast<const sockaddr*>(&sa.storage), sa.len) != 0 ||
      ::send(s.fd, query.data(), query.size(), 0) != static_cast<ssize_t>(query.size())) {
    return util::Status::IoError(fmt::format("dial udp {}: {}", addr, std::strerror(errno)));
  }
  std::vector<uint8_t> buf(65535);
  while (true) {
    if (!WaitFd(s.fd, POLLIN, deadline)) return Timeout("udp", addr);
    ssize_t n = ::recv(s.fd, buf.data(), buf.size(), 0);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return util::Status::IoError(fmt::format("read udp {}: {}", addr, std::strerror(errno)));
    }
    auto m = DecodeDnsMessage(std::span<const uint8_t>(buf.data(), static_cast<size_t>(n)));
    // Stray or mangled datagrams are ignored, as a resolver must.
    if (m.ok() && m->id == id && m->response) return m;
  }
}

bool WriteAll(int fd, std::string_view data, Clock::time_point deadline) {
  while (!data.empty()) {
    if (!WaitFd(fd, POLLOUT, deadline)) return false;
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool ReadAll(int fd, uint8_t* out, size_t len, Clock::time_point deadline) {
  while (len > 0) {
    if (!WaitFd(fd, POLLIN, deadline)) return false;
    ssize_t n = ::recv(fd, out, len, 0);
    if (n == 0) return false;
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return false;
    }
    out += n;
    len -= static_cast<size_t>(n);
  }
  return true;
}

util::Result<DnsMessage> ExchangeTcp(const Sockaddr& sa, const std::string& addr,
                                     const std::string& query, uint16_t id,
                                     Clock::time_point deadline) {
  Fd s{::socket(sa.family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)};
  if (s.fd < 0) return util::Status::IoError(fmt::format("socket: {}", std::strerror(errno)));
  if (::connect(s.fd, reinterpret_cast<const sockaddr*>(&sa.storage), sa.len) != 0 &&
      errno != EINPROGRESS) {
    return util::Status::IoError(fmt::format("dial tcp {}: {}", addr, std::strerror(errno)));
  }
  if (!WaitFd(s.fd, POLLOUT, deadline)) return Timeout("tcp", addr);
  int err = 0;
  socklen_t elen = sizeof err;
  ::getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &err, &elen);
  if (err != 0) {
    return util::Status::IoError(fmt::format("dial tcp {}: {}", addr, std::strerror(err)));
  }
  std::string framed;
  framed += static_cast<char>(query.size() >> 8);
  framed += static_cast<char>(query.size() & 0xFF);
  framed += query;
  if (!WriteAll(s.fd, framed, deadline)) return Timeout("tcp", addr);
  uint8_t len[2];
  if (!ReadAll(s.fd, len, 2, deadline)) return Timeout("tcp", addr);
  std::vector<uint8_t> buf(static_cast<size_t>(len[0] << 8 | len[1]));
  if (!ReadAll(s.fd, buf.data(), buf.size(), deadline)) return Timeout("tcp", addr);
  PROMKIT_ASSIGN_OR_RETURN(DnsMessage m, DecodeDnsMessage(buf));
  if (m.id != id) return util::Status::IoError("dns: id mismatch");
  return m;
}

uint16_t RandomId() {
  static thread_local std::mt19937 rng(std::random_device{}());
  return static_cast<uint16_t>(rng());
}

}  // namespace

std::vector<std::string> ResolvConf::NameList(std::string_view name) const {
  if (!name.empty() && name.back() == '.') return {std::string(name)};
  bool has_ndots = CountLabels(name) > ndots;
  std::string fq = Fqdn(name);
  std::vector<std::string> names;
  if (has_ndots) names.push_back(fq);
  for (const std::string& s : search) names.push_back(Fqdn(fq + s));
  if (!has_ndots) names.push_back(fq);
  return names;
}

ResolvConf ParseResolvConf(std::string_view text) {
  ResolvConf c;
  for (std::string_view line : util::SplitString(text, "\n")) {
    std::vector<std::string_view> f = Fields(line);
    if (f.empty() || f[0][0] == '#' || f[0][0] == ';') continue;
    if (f[0] == "nameserver" && f.size() > 1) {
      c.servers.emplace_back(f[1]);
    } else if (f[0] == "domain" && f.size() > 1) {
      c.search = {Fqdn(f[1])};
    } else if (f[0] == "search") {
      c.search.clear();
      for (size_t i = 1; i < f.size(); ++i) c.search.push_back(Fqdn(f[i]));
    } else if (f[0] == "options") {
      for (size_t i = 1; i < f.size(); ++i) {
        if (f[i].substr(0, 6) == "ndots:") {
          int n = 0;
          for (char ch : f[i].substr(6)) {
            if (ch < '0' || ch > '9') break;
            n = std::min(n * 10 + (ch - '0'), 1000);
          }
          c.ndots = std::min(n, 15);
        }
      }
    }
  }
  return c;
}

util::Result<DnsMessage> Exchange(const std::string& server, int port, std::string_view fqdn,
                                  DnsType type, int64_t timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  const std::string addr = JoinHostPort(server, port);
  PROMKIT_ASSIGN_OR_RETURN(Sockaddr sa, Resolve(server, port));
  uint16_t id = RandomId();
  PROMKIT_ASSIGN_OR_RETURN(std::string query, EncodeDnsQuery(id, fqdn, type, /*edns=*/true));
  PROMKIT_ASSIGN_OR_RETURN(DnsMessage m, ExchangeUdp(sa, addr, query, id, deadline));
  if (!m.truncated) return m;
  id = RandomId();
  PROMKIT_ASSIGN_OR_RETURN(query, EncodeDnsQuery(id, fqdn, type, /*edns=*/false));
  PROMKIT_ASSIGN_OR_RETURN(m, ExchangeTcp(sa, addr, query, id, deadline));
  if (m.truncated) {
    return util::Status::IoError("got truncated message on TCP (64kiB limit exceeded?)");
  }
  return m;
}

util::Result<DnsMessage> LookupWithSearchPath(std::string_view name, DnsType type,
                                              const DnsOptions& opts, int64_t timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  auto text = util::ReadFile(opts.resolv_conf);
  if (!text.ok()) return text.status().Wrap("could not load resolv.conf");
  ResolvConf conf = ParseResolvConf(*text);
  if (opts.port != 0) conf.port = opts.port;
  bool all_valid = true;
  for (const std::string& lname : conf.NameList(name)) {
    bool answered = false;
    for (const std::string& server : conf.servers) {
      int64_t left = std::min(MsLeft(deadline), opts.exchange_timeout_ms);
      if (left <= 0) break;
      auto m = Exchange(server, conf.port, lname, type, left);
      if (!m.ok()) continue;
      if (m->rcode == kRcodeSuccess) return m;
      if (m->rcode == kRcodeNameError) {
        answered = true;
        break;
      }
    }
    if (!answered) all_valid = false;
  }
  if (all_valid) return DnsMessage{};
  return util::Status::IoError(fmt::format(
      "could not resolve {}: all servers responded with errors to at least one search domain",
      util::GoQuote(name)));
}

std::vector<TargetGroup> DnsDiscovery::Refresh(int64_t timeout_ms,
                                               std::vector<std::string>& errors) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  std::vector<TargetGroup> out;
  auto type = ParseDnsType(cfg_.type);
  if (!type.ok()) {
    errors.push_back(type.status().ToString());
    return out;
  }
  for (const std::string& name : cfg_.names) {
    auto m = LookupWithSearchPath(name, *type, opts_, std::max<int64_t>(MsLeft(deadline), 0));
    if (!m.ok()) {
      errors.push_back(m.status().ToString());
      continue;
    }
    TargetGroup tg;
    tg.source = name;
    for (const DnsRecord& rec : m->answers) {
      std::string address, srv_target, srv_port, mx_target, ns_target;
      auto trim_dot = [](std::string s) {
        while (!s.empty() && s.back() == '.') s.pop_back();
        return s;
      };
      switch (static_cast<DnsType>(rec.type)) {
        case DnsType::kSRV:
          srv_target = rec.target;
          srv_port = std::to_string(rec.port);
          address = JoinHostPort(trim_dot(rec.target), rec.port);
          break;
        case DnsType::kMX:
          mx_target = rec.target;
          address = JoinHostPort(trim_dot(rec.target), cfg_.port);
          break;
        case DnsType::kNS:
          ns_target = rec.target;
          address = JoinHostPort(trim_dot(rec.target), cfg_.port);
          break;
        case DnsType::kA:
        case DnsType::kAAAA:
          address = JoinHostPort(rec.address, cfg_.port);
          break;
        default:
          // CNAMEs come with A/AAAA answers; upstream skips them (and warns about others).
          continue;
      }
      tg.targets.push_back(LabelSet{{"__address__", address},
                                    {std::string(kDnsNameLabel), name},
                                    {std::string(kDnsSrvTargetLabel), srv_target},
                                    {std::string(kDnsSrvPortLabel), srv_port},
                                    {std::string(kDnsMxTargetLabel), mx_target},
                                    {std::string(kDnsNsTargetLabel), ns_target}});
    }
    out.push_back(std::move(tg));
  }
  return out;
}

}  // namespace promkit::discovery

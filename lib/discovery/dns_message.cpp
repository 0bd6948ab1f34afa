#include "discovery/dns_message.h"

#include <algorithm>
#include <cctype>

#include <arpa/inet.h>
#include <fmt/core.h>

namespace promkit::discovery {

namespace {

util::Status Corrupt(std::string_view what) {
  return util::Status::Corruption(fmt::format("dns: {}", what));
}

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> wire) : wire_(wire) {}
  size_t pos() const { return pos_; }
  void Seek(size_t p) { pos_ = p; }
  bool U8(uint8_t& v) {
    if (pos_ + 1 > wire_.size()) return false;
    v = wire_[pos_++];
    return true;
  }
  bool U16(uint16_t& v) {
    if (pos_ + 2 > wire_.size()) return false;
    v = static_cast<uint16_t>(wire_[pos_] << 8 | wire_[pos_ + 1]);
    pos_ += 2;
    return true;
  }
  bool U32(uint32_t& v) {
    uint16_t hi = 0, lo = 0;
    if (!U16(hi) || !U16(lo)) return false;
    v = static_cast<uint32_t>(hi) << 16 | lo;
    return true;
  }
  // A possibly compressed name starting at pos(); pos() ends after its in-place part.
  util::Status Name(std::string& out) {
    out.clear();
    size_t p = pos_;
    bool jumped = false;
    int jumps = 0;
    size_t total = 0;
    while (true) {
      if (p >= wire_.size()) return Corrupt("name runs past the message");
      uint8_t len = wire_[p];
      if ((len & 0xC0) == 0xC0) {
        if (p + 1 >= wire_.size()) return Corrupt("truncated compression pointer");
        size_t target = static_cast<size_t>(len & 0x3F) << 8 | wire_[p + 1];
        if (!jumped) pos_ = p + 2;
        jumped = true;
        // Each pointer must go backwards, which also rules out loops.
        if (target >= p || ++jumps > 126) return Corrupt("bad compression pointer");
        p = target;
        continue;
      }
      if ((len & 0xC0) != 0) return Corrupt("unknown label type");
      if (len == 0) {
        if (!jumped) pos_ = p + 1;
        break;
      }
      if (p + 1 + len > wire_.size()) return Corrupt("label runs past the message");
      total += len + 1;
      if (total > 255) return Corrupt("name longer than 255 bytes");
      for (size_t i = 0; i < len; ++i) {
        uint8_t c = wire_[p + 1 + i];
        switch (c) {
          case '.':
          case ' ':
          case '\'':
          case '@':
          case ';':
          case '(':
          case ')':
          case '"':
          case '\\':
            out += '\\';
            out += static_cast<char>(c);
            break;
          default:
            if (c < 0x20 || c > 0x7E) {
              out += fmt::format("\\{:03d}", c);
            } else {
              out += static_cast<char>(c);
            }
        }
      }
      out += '.';
      p += 1 + len;
    }
    if (out.empty()) out.push_back('.');
    return util::Status::Ok();
  }

 private:
  std::span<const uint8_t> wire_;
  size_t pos_ = 0;
};

void Put16(std::string& out, uint16_t v) {
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v & 0xFF);
}

// Go's net.IP.String() for 4 or 16 bytes: IPv4 dotted (also for IPv4-mapped IPv6), IPv6 in
// RFC 5952 form.
std::string IpString(const uint8_t* b, size_t n) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (n == 4) {
    ::inet_ntop(AF_INET, b, buf, sizeof buf);
    return buf;
  }
  bool mapped = true;
  for (int i = 0; i < 10; ++i) mapped = mapped && b[i] == 0;
  mapped = mapped && b[10] == 0xFF && b[11] == 0xFF;
  if (mapped) {
    ::inet_ntop(AF_INET, b + 12, buf, sizeof buf);
    return buf;
  }
  // inet_ntop also prints ::a.b.c.d for IPv4-compatible addresses, which Go does not: format
  // ourselves (longest run of two or more zero groups collapsed, leftmost on ties).
  uint16_t g[8];
  for (int i = 0; i < 8; ++i) g[i] = static_cast<uint16_t>(b[2 * i] << 8 | b[2 * i + 1]);
  int best = -1, best_len = 1;
  for (int i = 0; i < 8;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > best_len) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    out += fmt::format("{:x}", g[i]);
  }
  return out;
}

}  // namespace

util::Result<DnsType> ParseDnsType(std::string_view name) {
  if (name == "SRV") return DnsType::kSRV;
  if (name == "A") return DnsType::kA;
  if (name == "AAAA") return DnsType::kAAAA;
  if (name == "MX") return DnsType::kMX;
  if (name == "NS") return DnsType::kNS;
  return util::Status::InvalidArgument(fmt::format("invalid DNS-SD records type {}", name));
}

util::Result<std::string> EncodeDnsQuery(uint16_t id, std::string_view fqdn, DnsType type,
                                         bool edns, uint16_t udp_size) {
  std::string out;
  Put16(out, id);
  Put16(out, 0x0100);  // RD
  Put16(out, 1);       // QDCOUNT
  Put16(out, 0);
  Put16(out, 0);
  Put16(out, edns ? 1 : 0);  // ARCOUNT
  if (!fqdn.empty() && fqdn.back() == '.') fqdn.remove_suffix(1);
  size_t total = 1;
  while (!fqdn.empty()) {
    // Labels split on unescaped dots; "\." and "\DDD" are decoded.
    std::string label;
    size_t i = 0;
    for (; i < fqdn.size() && fqdn[i] != '.'; ++i) {
      if (fqdn[i] == '\\' && i + 1 < fqdn.size()) {
        if (i + 3 < fqdn.size() && std::isdigit(static_cast<unsigned char>(fqdn[i + 1])) &&
            std::isdigit(static_cast<unsigned char>(fqdn[i + 2])) &&
            std::isdigit(static_cast<unsigned char>(fqdn[i + 3]))) {
          int v = (fqdn[i + 1] - '0') * 100 + (fqdn[i + 2] - '0') * 10 + (fqdn[i + 3] - '0');
          if (v > 255) return util::Status::InvalidArgument("dns: bad escape in name");
          label += static_cast<char>(v);
          i += 3;
        } else {
          label += fqdn[++i];
        }
        continue;
      }
      label += fqdn[i];
    }
    if (label.empty() || label.size() > 63) {
      return util::Status::InvalidArgument(fmt::format("dns: bad domain name {}", fqdn));
    }
    total += label.size() + 1;
    if (total > 255) return util::Status::InvalidArgument("dns: domain name too long");
    out += static_cast<char>(label.size());
    out += label;
    fqdn.remove_prefix(std::min(fqdn.size(), i + 1));
  }
  out += '\0';
  Put16(out, static_cast<uint16_t>(type));
  Put16(out, 1);  // IN
  if (edns) {
    out += '\0';  // root owner
    Put16(out, static_cast<uint16_t>(DnsType::kOPT));
    Put16(out, udp_size);
    Put16(out, 0);  // extended rcode, version
    Put16(out, 0);  // flags (no DO)
    Put16(out, 0);  // rdlength
  }
  return out;
}

util::Result<DnsMessage> DecodeDnsMessage(std::span<const uint8_t> wire) {
  Reader r(wire);
  DnsMessage m;
  uint16_t flags = 0, qd = 0, an = 0, ns = 0, ar = 0;
  if (!r.U16(m.id) || !r.U16(flags) || !r.U16(qd) || !r.U16(an) || !r.U16(ns) || !r.U16(ar)) {
    return Corrupt("message shorter than its header");
  }
  m.response = flags & 0x8000;
  m.truncated = flags & 0x0200;
  m.rcode = flags & 0xF;
  std::string name;
  for (uint16_t i = 0; i < qd; ++i) {
    PROMKIT_RETURN_IF_ERROR(r.Name(name));
    uint16_t t = 0, c = 0;
    if (!r.U16(t) || !r.U16(c)) return Corrupt("truncated question");
  }
  const uint32_t total = static_cast<uint32_t>(an) + ns + ar;
  for (uint32_t i = 0; i < total; ++i) {
    DnsRecord rec;
    PROMKIT_RETURN_IF_ERROR(r.Name(rec.name));
    uint16_t rdlen = 0;
    if (!r.U16(rec.type) || !r.U16(rec.klass) || !r.U32(rec.ttl) || !r.U16(rdlen)) {
      return Corrupt("truncated resource record");
    }
    size_t start = r.pos();
    if (start + rdlen > wire.size()) return Corrupt("rdata runs past the message");
    size_t end = start + rdlen;
    if (i >= static_cast<uint32_t>(an) + ns) {
      // Additional section: only the OPT record's extended rcode matters.
      if (rec.type == static_cast<uint16_t>(DnsType::kOPT)) {
        m.rcode |= static_cast<int>(rec.ttl >> 24) << 4;
      }
      r.Seek(end);
      continue;
    }
    if (i >= an) {
      r.Seek(end);
      continue;
    }
    switch (static_cast<DnsType>(rec.type)) {
      case DnsType::kA:
        if (rdlen != 4) return Corrupt("A record of the wrong length");
        rec.address = IpString(wire.data() + start, 4);
        break;
      case DnsType::kAAAA:
        if (rdlen != 16) return Corrupt("AAAA record of the wrong length");
        rec.address = IpString(wire.data() + start, 16);
        break;
      case DnsType::kSRV:
        if (!r.U16(rec.priority) || !r.U16(rec.weight) || !r.U16(rec.port)) {
          return Corrupt("truncated SRV record");
        }
        PROMKIT_RETURN_IF_ERROR(r.Name(rec.target));
        break;
      case DnsType::kMX:
        if (!r.U16(rec.priority)) return Corrupt("truncated MX record");
        PROMKIT_RETURN_IF_ERROR(r.Name(rec.target));
        break;
      case DnsType::kNS:
      case DnsType::kCNAME:
        PROMKIT_RETURN_IF_ERROR(r.Name(rec.target));
        break;
      default:
        break;
    }
    if (r.pos() > end || (rec.type != static_cast<uint16_t>(DnsType::kA) &&
                          rec.type != static_cast<uint16_t>(DnsType::kAAAA) && r.pos() != end &&
                          (rec.type == static_cast<uint16_t>(DnsType::kSRV) ||
                           rec.type == static_cast<uint16_t>(DnsType::kMX) ||
                           rec.type == static_cast<uint16_t>(DnsType::kNS) ||
                           rec.type == static_cast<uint16_t>(DnsType::kCNAME)))) {
      return Corrupt("rdata length disagrees with its record");
    }
    r.Seek(end);
    m.answers.push_back(std::move(rec));
  }
  return m;
}

std::string JoinHostPort(std::string_view host, int port) {
  if (host.find(':') != std::string_view::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

}  // namespace promkit::discovery

#include "discovery/dns_message.h"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "discovery/dns.h"

namespace promkit::discovery {
namespace {

std::vector<uint8_t> Bytes(const std::string& s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}

TEST(EncodeDnsQuery, Layout) {
  auto q = EncodeDnsQuery(0x1234, "a.bc.", DnsType::kSRV, /*edns=*/true, 4096);
  ASSERT_TRUE(q.ok());
  const std::string want(
      "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x01"
      "\x01"
      "a\x02"
      "bc\x00\x00\x21\x00\x01"
      "\x00\x00\x29\x10\x00\x00\x00\x00\x00\x00\x00",
      12 + 6 + 4 + 11);
  EXPECT_EQ(*q, want);
  EXPECT_FALSE(EncodeDnsQuery(1, "a..b", DnsType::kA, false).ok());
  EXPECT_FALSE(EncodeDnsQuery(1, std::string(64, 'x'), DnsType::kA, false).ok());
}

// A response to the query above with compressed names: SRV, A, AAAA, MX, NS, CNAME answers.
std::string Response() {
  std::string m("\x12\x34\x81\x80\x00\x01\x00\x06\x00\x00\x00\x00", 12);
  m += std::string(
      "\x01"
      "a\x02"
      "bc\x00\x00\x21\x00\x01",
      10);  // question at offset 12
  auto rr = [&](uint16_t type, const std::string& rdata) {
    m += std::string("\xC0\x0C", 2);  // owner: pointer to a.bc.
    m += static_cast<char>(type >> 8);
    m += static_cast<char>(type & 0xFF);
    m += std::string("\x00\x01\x00\x00\x00\x3C", 6);
    m += static_cast<char>(rdata.size() >> 8);
    m += static_cast<char>(rdata.size() & 0xFF);
    m += rdata;
  };
  rr(33, std::string("\x00\x01\x00\x02\x23\x8c\x03"
                     "web\xC0\x0E",
                     12));  // web.bc.:9100
  rr(1, std::string("\x0a\x00\x00\x01", 4));
  rr(28, std::string("\xfd\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01", 16));
  rr(15, std::string("\x00\x0a\x02mx\xC0\x0C", 7));
  rr(2, std::string("\x03n.s\x00", 5));  // a dot inside a label
  rr(5, std::string("\xC0\x0C", 2));
  return m;
}

TEST(DecodeDnsMessage, Answers) {
  auto m = DecodeDnsMessage(Bytes(Response()));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->id, 0x1234);
  EXPECT_TRUE(m->response);
  EXPECT_FALSE(m->truncated);
  EXPECT_EQ(m->rcode, 0);
  ASSERT_EQ(m->answers.size(), 6u);
  EXPECT_EQ(m->answers[0].name, "a.bc.");
  EXPECT_EQ(m->answers[0].target, "web.bc.");
  EXPECT_EQ(m->answers[0].port, 9100);
  EXPECT_EQ(m->answers[0].priority, 1);
  EXPECT_EQ(m->answers[0].weight, 2);
  EXPECT_EQ(m->answers[1].address, "10.0.0.1");
  EXPECT_EQ(m->answers[2].address, "fd00::1");
  EXPECT_EQ(m->answers[3].target, "mx.a.bc.");
  EXPECT_EQ(m->answers[3].priority, 10);
  EXPECT_EQ(m->answers[4].target, "n\\.s.");
  EXPECT_EQ(m->answers[5].type, 5);
  EXPECT_EQ(m->answers[5].target, "a.bc.");
}

TEST(DecodeDnsMessage, RejectsMalformed) {
  std::string full = Response();
  for (size_t n = 0; n < full.size(); ++n) {
    SCOPED_TRACE(n);
    EXPECT_FALSE(DecodeDnsMessage(Bytes(full.substr(0, n))).ok());
  }
  // A pointer to itself.
  std::string loop("\x00\x01\x81\x80\x00\x01\x00\x00\x00\x00\x00\x00\xC0\x0C\x00\x01\x00\x01", 18);
  EXPECT_FALSE(DecodeDnsMessage(Bytes(loop)).ok());
}

TEST(IpString, AsGoPrintsIt) {
  auto aaaa = [](const std::string& ip16) {
    std::string m("\x00\x01\x81\x80\x00\x00\x00\x01\x00\x00\x00\x00", 12);
    m += std::string("\x00\x00\x1c\x00\x01\x00\x00\x00\x00\x00\x10", 11);
    m += ip16;
    auto d = DecodeDnsMessage(Bytes(m));
    return d.ok() ? d->answers.at(0).address : d.status().ToString();
  };
  EXPECT_EQ(aaaa(std::string("\0\0\0\0\0\0\0\0\0\0\xff\xff\x01\x02\x03\x04", 16)), "1.2.3.4");
  EXPECT_EQ(aaaa(std::string("\0\0\0\0\0\0\0\0\0\0\0\0\x01\x02\x03\x04", 16)), "::102:304");
  EXPECT_EQ(aaaa(std::string("\x20\x01\x0d\xb8\0\0\0\0\0\x01\0\0\0\0\0\x01", 16)),
            "2001:db8::1:0:0:1");
  EXPECT_EQ(aaaa(std::string(16, '\0')), "::");
}

TEST(ResolvConf, NameList) {
  ResolvConf c = ParseResolvConf(
      "# comment\nnameserver 10.0.0.1\nnameserver ::1\nsearch a.example b.example\n"
      "options ndots:2 timeout:1\n");
  EXPECT_EQ(c.servers, (std::vector<std::string>{"10.0.0.1", "::1"}));
  EXPECT_EQ(c.ndots, 2);
  EXPECT_EQ(c.NameList("x.y."), (std::vector<std::string>{"x.y."}));
  EXPECT_EQ(c.NameList("x.y"),
            (std::vector<std::string>{"x.y.a.example.", "x.y.b.example.", "x.y."}));
  EXPECT_EQ(c.NameList("x.y.z"),
            (std::vector<std::string>{"x.y.z.", "x.y.z.a.example.", "x.y.z.b.example."}));
  EXPECT_EQ(ParseResolvConf("domain d.example\n").search, (std::vector<std::string>{"d.example."}));
}

TEST(JoinHostPort, Brackets) {
  EXPECT_EQ(JoinHostPort("a", 1), "a:1");
  EXPECT_EQ(JoinHostPort("::1", 80), "[::1]:80");
}

}  // namespace
}  // namespace promkit::discovery

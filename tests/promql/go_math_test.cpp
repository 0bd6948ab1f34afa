// PromQL's atan(), `atan2`, ln(), log2() and log10() give Prometheus's bits: Go's math.Atan,
// Atan2 (Cephes' rational approximation), Log, Log2 and Log10 (FreeBSD's e_log.c) round
// differently from the C library for up to a quarter of all arguments.
// Found by tests/interop/promql_diff_test.cpp: idelta over `time() atan2 x` turned a last-place
// difference into one in the eighth digit. The expected bits were printed by Go 1.19's math
// package (math.Float64bits of math.Atan2, Atan, Log, Log2, Log10); glibc's answer differs for
// each.
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "promql/engine.h"
#include "storage/memory.h"

namespace promkit::promql {
namespace {

uint64_t Bits(double d) {
  uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

TEST(GoMath, AtanAndLogarithmsRoundAsGo) {
  struct Case {
    std::string expr;
    uint64_t want;
  };
  const Case cases[] = {
      {"(-0.0015239676725278932) atan2 (-0.31653724289408824)", 0xc009181f2a61d32bULL},
      {"(9.48085976830626) atan2 (-44.08793486861247)", 0x4007702d6c2a9825ULL},
      {"(1702415150.8854716) atan2 (311522.44431052485)", 0x3ff9213b73a859cdULL},
      {"(-0.0018970426594969673) atan2 (-1.9616379110849085)", 0xc00920004e4457e3ULL},
      {"(20.12268052480344) atan2 (-40.13911005817491)", 0x40056a439d69817cULL},
      {"(0.23626578475686372) atan2 (-2.292136874676684e-10)", 0x3ff921fb5486d82fULL},
      {"(-0.0011348413150963736) atan2 (-0.7047238355520093)", 0xc0091eaf0cf9ac33ULL},
      {"atan(vector(-0.908442104724114))", 0xbfe799451f2df8efULL},
      {"atan(vector(3.4044763364840325))", 0x3ff48fc5e8a8ddacULL},
      {"atan(vector(-61.64032146683107))", 0xbff8df899e616182ULL},
      {"atan(vector(10055250.272855671))", 0x3ff921fb3991fcd0ULL},
      {"ln(vector(48.0294540314198))", 0x400ef979da7f7a4cULL},
      {"ln(vector(11.748908347962805))", 0x4003b5c7f9ca8f00ULL},
      {"ln(vector(3.1121775448629556))", 0x3ff22a4816f8f47eULL},
      {"log2(vector(0.6126198293409872))", 0xbfe69f384f186484ULL},
      {"log2(vector(0.804665293112907))", 0xbfd41107163aa98cULL},
      {"log2(vector(70.94561232041299))", 0x401898357e10c43aULL},
      {"log10(vector(1516.8927195762917))", 0x40097298771b9cd2ULL},
      {"log10(vector(4.881700183544864e-05))", 0xc0113ee7377cec8fULL},
      {"log10(vector(83.7826772114596))", 0x3ffec53d5fb50aecULL},
      // Exact powers of two and ten, and the edges.
      {"log2(vector(1024))", Bits(10)},
      {"log2(vector(0.125))", Bits(-3)},
      {"log10(vector(1000))", Bits(3)},
      {"ln(vector(0))", Bits(-std::numeric_limits<double>::infinity())},
      {"ln(vector(Inf))", Bits(std::numeric_limits<double>::infinity())},
      // Special cases as Go's: atan2(-Inf, -Inf) = -3pi/4, atan2(-0, -1) = -pi.
      {"(-Inf) atan2 (-Inf)", Bits(-2.356194490192344928846982537459627163)},
      {"(-0) atan2 (-1)", Bits(-3.141592653589793)},
      {"atan(vector(Inf))", Bits(1.5707963267948966)},
  };
  storage::MemoryStorage db;
  Engine engine;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.expr);
    Result r = engine.InstantQuery(db, c.expr, 1000);
    ASSERT_TRUE(r.ok()) << r.error;
    double got = 0;
    if (r.value.kind == ValueKind::kScalar) {
      got = r.value.scalar.v;
    } else {
      ASSERT_EQ(r.value.vector.size(), 1u);
      got = r.value.vector[0].f;
    }
    EXPECT_EQ(fmt::format("{:016x}", Bits(got)), fmt::format("{:016x}", c.want));
  }
  // The vector form of the operator takes the same path.
  Result r = engine.InstantQuery(db, "vector(1702415150.8854716) atan2 311522.44431052485", 1000);
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.vector.size(), 1u);
  EXPECT_EQ(Bits(r.value.vector[0].f), 0x3ff9213b73a859cdULL);
}

}  // namespace
}  // namespace promkit::promql

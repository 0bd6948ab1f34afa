// PromQL's atan() and `atan2` give Prometheus's bits: Go's math.Atan/Atan2 (Cephes' rational
// approximation) round differently from the C library for about a quarter of all arguments.
// Found by tests/interop/promql_diff_test.cpp: idelta over `time() atan2 x` turned a last-place
// difference into one in the eighth digit. The expected bits were printed by Go 1.19's math
// package (math.Float64bits of math.Atan2 / math.Atan); glibc's answer differs for each.
#include <cstdint>
#include <cstring>
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

TEST(GoMath, Atan2AndAtanRoundAsGo) {
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

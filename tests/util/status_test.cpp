#include "util/status.h"

#include <gtest/gtest.h>

namespace promkit::util {
namespace {

Result<int> Half(int v) {
  if (v % 2 != 0) return Status::InvalidArgument("odd");
  return v / 2;
}

Status Quarter(int v, int* out) {
  PROMKIT_ASSIGN_OR_RETURN(int h, Half(v));
  PROMKIT_ASSIGN_OR_RETURN(*out, Half(h));
  return Status::Ok();
}

TEST(Status, OkAndWrap) {
  Status ok;
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.ToString(), "OK");
  EXPECT_TRUE(ok.Wrap("ctx").ok());
  Status st = Status::Corruption("checksum mismatch").Wrap("read TOC");
  EXPECT_EQ(st.code(), Code::kCorruption);
  EXPECT_EQ(st.ToString(), "read TOC: checksum mismatch");
  Status copy = st;
  EXPECT_EQ(copy.message(), st.message());
}

TEST(Result, ValueAndError) {
  int out = 0;
  EXPECT_TRUE(Quarter(8, &out).ok());
  EXPECT_EQ(out, 2);
  Status st = Quarter(6, &out);
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_EQ(st.message(), "odd");
  EXPECT_EQ(Half(3).value_or(-1), -1);
}

TEST(ResultDeathTest, ValueOfErrorAborts) {
  EXPECT_DEATH((void)Half(3).value(), "BUG: value\\(\\) of a failed Result: odd");
}

}  // namespace
}  // namespace promkit::util

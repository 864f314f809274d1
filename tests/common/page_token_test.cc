#include "server/common/page_token.h"

#include <string>

#include "gtest/gtest.h"
#include "server/common/status.h"

namespace glutecare {
namespace {

TEST(PageToken, RoundTripsIntegerAndTextKeys) {
  const std::string numeric =
      EncodePageToken("sessions:a", {.sort_key = int64_t{-42}, .pk = 7});
  absl::StatusOr<PageCursor> cursor = DecodePageToken("sessions:a", numeric);
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_EQ(std::get<int64_t>(cursor->sort_key), -42);
  EXPECT_EQ(cursor->pk, 7);

  const std::string text =
      EncodePageToken("pain", {.sort_key = std::string("2026-11-23"), .pk = 9});
  cursor = DecodePageToken("pain", text);
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_EQ(std::get<std::string>(cursor->sort_key), "2026-11-23");
}

TEST(PageToken, RejectsTokensOfOtherQueriesAndGarbage) {
  const std::string token =
      EncodePageToken("sessions:a", {.sort_key = int64_t{1}, .pk = 1});
  for (const std::string& bad :
       {EncodePageToken("sessions:b", {.sort_key = int64_t{1}, .pk = 1}),
        std::string("not base64!"), std::string("dGVzdA"), token + "x",
        std::string(5000, 'A')}) {
    SCOPED_TRACE(bad.substr(0, 40));
    absl::StatusOr<PageCursor> cursor = DecodePageToken("sessions:a", bad);
    ASSERT_FALSE(cursor.ok());
    EXPECT_EQ(FieldViolationsOf(cursor.status())[0].field, "page_token");
  }
}

}  // namespace
}  // namespace glutecare

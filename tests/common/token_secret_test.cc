#include "server/common/token_secret.h"

#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace glutecare {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(TokenSecret, IsPrefixedBase64UrlOf256RandomBits) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string secret = GenerateTokenSecret();
    ASSERT_EQ(secret.size(), 4u + 43u) << secret;
    EXPECT_EQ(secret.substr(0, 4), "gc1_");
    for (char c : secret.substr(4)) {
      EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' ||
                  c == '_')
          << secret;
    }
    EXPECT_TRUE(seen.insert(secret).second);
  }
}

TEST(TokenSecret, HashIsSha256) {
  // SHA-256("abc"), FIPS 180-2 appendix B.1.
  const std::string digest = HashTokenSecret("abc");
  ASSERT_EQ(digest.size(), 32u);
  static constexpr unsigned char kExpected[] = {
      0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
      0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
      0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
  EXPECT_EQ(digest, std::string(reinterpret_cast<const char*>(kExpected), 32));
}

TEST(ParseBearerHeader, AcceptsTheBearerScheme) {
  const std::string secret = GenerateTokenSecret();
  const std::string headers[] = {"Bearer " + secret, "bearer " + secret,
                                 "BEARER  " + secret + " "};
  for (const std::string& header : headers) {
    absl::StatusOr<std::string> parsed = ParseBearerHeader(header);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, secret);
  }
}

TEST(ParseBearerHeader, RefusesAnythingElseWithoutEchoingIt) {
  const std::string secret = GenerateTokenSecret();
  const std::string headers[] = {
      std::string(),
      "Basic dXNlcjpwYXNz",
      secret,
      "Bearer",
      "Bearer ",
      "Bearer " + secret.substr(0, 20),
      "Bearer " + secret + "x",
      "Bearer gc2_" + secret.substr(4),
      "Bearer " + secret.substr(0, 10) + "!" + secret.substr(11)};
  for (const std::string& header : headers) {
    SCOPED_TRACE(header);
    absl::StatusOr<std::string> parsed = ParseBearerHeader(header);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kUnauthenticated);
    if (header.size() > 7) {
      EXPECT_THAT(parsed.status().message(), Not(HasSubstr(header.substr(7))));
    }
  }
}

}  // namespace
}  // namespace glutecare

#include "server/common/token_secret.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace glutecare {
namespace {

constexpr absl::string_view kSecretPrefix = "gc1_";
constexpr size_t kSecretBytes = 32;  // 256 bits
// base64url of 32 bytes without padding.
constexpr size_t kEncodedSecretLength = 43;

bool IsBase64UrlChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
         c == '_';
}

}  // namespace

std::string GenerateTokenSecret() {
  std::array<unsigned char, kSecretBytes> bytes;
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    // Without randomness no token is safe to hand out.
    std::abort();
  }
  return absl::StrCat(
      kSecretPrefix,
      absl::WebSafeBase64Escape(absl::string_view(
          reinterpret_cast<const char*>(bytes.data()), bytes.size())));
}

std::string HashTokenSecret(absl::string_view secret) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest;
  SHA256(reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
         digest.data());
  return std::string(reinterpret_cast<const char*>(digest.data()),
                     digest.size());
}

absl::StatusOr<std::string> ParseBearerHeader(absl::string_view header) {
  if (header.empty()) {
    return absl::UnauthenticatedError(
        "no access token: send `authorization: Bearer {token}` "
        "(the CLI reads GLUTECARE_TOKEN or --token-file)");
  }
  absl::string_view secret = header;
  if (secret.size() < 7 ||
      !absl::EqualsIgnoreCase(secret.substr(0, 7), "Bearer ")) {
    return absl::UnauthenticatedError(
        "the authorization metadata must be `Bearer {token}`");
  }
  secret.remove_prefix(7);
  secret = absl::StripAsciiWhitespace(secret);
  bool well_formed = absl::ConsumePrefix(&secret, kSecretPrefix) &&
                     secret.size() == kEncodedSecretLength;
  for (size_t i = 0; well_formed && i < secret.size(); ++i) {
    well_formed = IsBase64UrlChar(secret[i]);
  }
  if (!well_formed) {
    return absl::UnauthenticatedError(
        "the access token is malformed: expected gc1_ and 43 characters of "
        "base64url");
  }
  return absl::StrCat(kSecretPrefix, secret);
}

}  // namespace glutecare

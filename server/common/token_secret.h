// Bearer token secrets: 256 random bits, shown to their holder once and
// stored only as a SHA-256 hash.
//
//   std::string secret = GenerateTokenSecret();      // "gc1_..." (47 chars)
//   std::string hash = HashTokenSecret(secret);      // 32 bytes, stored
//   absl::StatusOr<std::string> presented =
//       ParseBearerHeader("Bearer gc1_...");         // the secret again
//
// A plain SHA-256 is the right hash here: the secret is 256 bits of
// randomness, not a password, so there is nothing for a slow KDF to protect.
#ifndef GLUTECARE_SERVER_COMMON_TOKEN_SECRET_H_
#define GLUTECARE_SERVER_COMMON_TOKEN_SECRET_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace glutecare {

// `gc1_` followed by 32 bytes from the OS's CSPRNG (OpenSSL RAND_bytes) in
// unpadded base64url (43 characters). Thread-safe.
std::string GenerateTokenSecret();

// The SHA-256 digest of `secret`, 32 raw bytes.
std::string HashTokenSecret(absl::string_view secret);

// The secret from an `authorization` metadata value, `Bearer {secret}` (the
// scheme is case-insensitive). UNAUTHENTICATED, with a message that never
// repeats the value, when it is missing or malformed.
absl::StatusOr<std::string> ParseBearerHeader(absl::string_view header);

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_COMMON_TOKEN_SECRET_H_

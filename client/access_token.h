// The caller's access token: where the CLI finds it, how it travels on a
// call, and how a newly made token's secret is stored. The token is a secret:
// nothing here puts it in a message, a log line or an error.
//
//   absl::StatusOr<std::string> token =
//       ChooseAccessToken(options.token_file, std::getenv("GLUTECARE_TOKEN"));
//   grpc::ClientContext context;
//   AddBearerToken(*token, context);  // authorization: Bearer gc1_...
//
//   absl::StatusOr<SecretFile> out = CreateSecretFile("tess.token", "--out");
//   ... make the token ...
//   absl::Status written = out->Write(response.secret());
#ifndef GLUTECARE_CLIENT_ACCESS_TOKEN_H_
#define GLUTECARE_CLIENT_ACCESS_TOKEN_H_

#include <grpcpp/client_context.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/secret_file.h"

namespace glutecare::client {

// The environment variables that hold the token itself and the path of a
// file holding it.
inline constexpr absl::string_view kTokenVariable = "GLUTECARE_TOKEN";
inline constexpr absl::string_view kTokenFileVariable = "GLUTECARE_TOKEN_FILE";

// The token in the file at `path` (given with `flag`), without the
// whitespace around it, such as the newline that `glutecare token create
// --out` and `glutecare-server bootstrap` write after it. A usage error
// naming `flag` and `path` when the file cannot be read, is empty, is larger
// than a token file can be, or holds something that cannot be a token.
absl::StatusOr<std::string> ReadAccessTokenFile(const std::string& path,
                                                absl::string_view flag);

// The token to send: the one in `token_file` (--token-file or
// GLUTECARE_TOKEN_FILE) when that is set, otherwise `token_variable` (the
// value of GLUTECARE_TOKEN; null or empty when unset) without the whitespace
// around it. A usage error when neither is set, or when the token is not a
// run of printable ASCII characters without spaces.
absl::StatusOr<std::string> ChooseAccessToken(const std::string& token_file,
                                              const char* token_variable);

// Adds `authorization: Bearer {token}` to the metadata of the call that
// `context` is for; nothing when `token` is empty. Call credentials would not
// be sent on a plaintext channel, metadata is.
void AddBearerToken(absl::string_view token, grpc::ClientContext& context);

// SecretFile::Create for the path given with `flag` (such as --out), with
// its failure as a usage error naming `flag`.
absl::StatusOr<SecretFile> CreateSecretFile(const std::string& path,
                                            absl::string_view flag);

}  // namespace glutecare::client

#endif  // GLUTECARE_CLIENT_ACCESS_TOKEN_H_

// How the glutecare CLI reports a failure: one line on stderr and an exit code.
//
// Inside the client every failure is an absl::Status. Two kinds reach the top:
//  - a usage error (a bad flag, a missing identity, a malformed exercise spec),
//    made with UsageError(): exit code 2;
//  - an RPC error, made from the server's answer with FromGrpcStatus(), which
//    folds the google.rpc.BadRequest field violations into the message:
//    exit code 1;
//  - a submission kept in the local outbox because the server could not be
//    reached (client/outbox.h), made with KeptInOutbox(): exit code 3.
//
//   absl::Status status = FromGrpcStatus(grpc_status);
//   std::cerr << ErrorLine(status) << "\n";
//       // glutecare: INVALID_ARGUMENT: session.pain_before: must be 0-10 (got
//       11)
//   return ExitCodeFor(status);  // 1
#ifndef GLUTECARE_CLIENT_ERRORS_H_
#define GLUTECARE_CLIENT_ERRORS_H_

#include <grpcpp/support/status.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace glutecare::client {

// Exit codes of the `glutecare` binary.
inline constexpr int kExitSuccess = 0;
inline constexpr int kExitRpcError = 1;
inline constexpr int kExitUsageError = 2;
// The server could not be reached and the submission (session or pain
// report) is kept in the outbox, to be sent by a later command.
inline constexpr int kExitKeptInOutbox = 3;

// A usage error: the command line cannot be run as given. `message` says what
// to change, such as "no clinic given: pass --clinic or set GLUTECARE_CLINIC".
absl::Status UsageError(absl::string_view message);

// True when `status` was made by UsageError().
bool IsUsageError(const absl::Status& status);

// The outcome of a submission kept in the outbox: not OK (the server has
// not got it yet), but no failure either. `message` says what happens next.
absl::Status KeptInOutbox(absl::string_view message);

// True when `status` was made by KeptInOutbox().
bool IsKeptInOutbox(const absl::Status& status);

// The absl::Status for a gRPC call's outcome, with the same code. Its message
// is one line: the BadRequest field violations of the rich error details as
// `field: description` joined by "; ", or the status message when there are
// none.
absl::Status FromGrpcStatus(const grpc::Status& status);

// The one line to print on stderr for a non-OK `status`:
// `glutecare: usage: MESSAGE` for a usage error, `glutecare: MESSAGE` for a
// submission kept in the outbox, `glutecare: CODE: MESSAGE` otherwise. Line
// breaks inside the message become spaces.
std::string ErrorLine(const absl::Status& status);

// kExitSuccess, kExitUsageError, kExitKeptInOutbox or kExitRpcError for
// `status`.
int ExitCodeFor(const absl::Status& status);

}  // namespace glutecare::client

#endif  // GLUTECARE_CLIENT_ERRORS_H_

// Getting kept submissions to the server: when a session or pain report goes
// to the outbox instead of failing, and how the outbox is emptied later.
//
//   // A submission:
//   return SubmitOrKeep(context, &v1::SessionService::Stub::CreateSession,
//                       request, OutboxKind::kSession, PrintSession);
//
//   // Later, with the token of that later invocation:
//   DeliveryReport report = DeliverOutbox(outbox, connection, server);
//
// Redelivery never duplicates a record: CreateSession and CreatePainReport
// are idempotent by request_id on the server, and every kept request has one.
#ifndef GLUTECARE_CLIENT_DELIVERY_H_
#define GLUTECARE_CLIENT_DELIVERY_H_

#include <grpcpp/client_context.h>

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/command.h"
#include "client/connection.h"
#include "client/outbox.h"
#include "glutecare/v1/session_service.grpc.pb.h"

namespace glutecare::client {

// True when a submission that failed with `code`, after the connection's
// own retries, is kept in the outbox: the server was not reached or did not
// answer in time (UNAVAILABLE, DEADLINE_EXCEEDED). Every other error is the
// server's answer and is reported as it is.
bool ShouldKeepInOutbox(absl::StatusCode code);

// What a delivery attempt's outcome means for the entry.
enum class DeliveryVerdict {
  // The server has the record (OK, or ALREADY_EXISTS): remove the entry.
  kDelivered,
  // It may get through later (the server is unreachable or busy, or this
  // invocation's token may not submit for the entry's patient while another
  // may): keep it waiting.
  kKeepWaiting,
  // The server refused it for good (INVALID_ARGUMENT, NOT_FOUND,
  // FAILED_PRECONDITION, OUT_OF_RANGE, UNIMPLEMENTED): mark it failed.
  kFailed,
};

// The verdict on a delivery that ended with `code`.
DeliveryVerdict VerdictFor(absl::StatusCode code);

// What one DeliverOutbox() run did.
struct DeliveryReport {
  int delivered = 0;
  int failed = 0;
  // Entries for the server still waiting after the run.
  int waiting = 0;
  // Why the run stopped early (the server is unreachable); OK otherwise.
  absl::Status stopped_by;
};

// Sends the waiting entries of `outbox` for `server`, oldest first, through
// `connection` (its token, deadline and retries), applying VerdictFor() to
// each. Stops at the first entry the server did not get (UNAVAILABLE,
// DEADLINE_EXCEEDED). A non-OK status only when the outbox cannot be read or
// written.
absl::StatusOr<DeliveryReport> DeliverOutbox(Outbox& outbox,
                                             Connection& connection,
                                             absl::string_view server);

// The outbox of `context`, opened; created when `create` is true. NOT_FOUND
// when it does not exist and `create` is false.
absl::StatusOr<std::unique_ptr<Outbox>> OpenOutbox(
    const CommandContext& context, bool create);

// Keeps the request serialized in `request` (of `kind`, for `parent`, with
// `request_id`) in the outbox after `error`. Returns a KeptInOutbox() status
// saying so, or `error` itself when the outbox cannot take it.
absl::Status KeepInOutbox(const CommandContext& context, OutboxKind kind,
                          const std::string& parent,
                          const std::string& request_id,
                          const std::string& request,
                          const absl::Status& error);

// Calls the create `method` of SessionService with `request` and prints the
// response; when ShouldKeepInOutbox() says so, keeps the request in the
// outbox instead (see KeepInOutbox). REQUIRES: request.request_id() is set.
template <typename Request, typename Response>
absl::Status SubmitOrKeep(const CommandContext& context,
                          grpc::Status (v1::SessionService::Stub::*method)(
                              grpc::ClientContext*, const Request&, Response*),
                          const Request& request, OutboxKind kind,
                          void (*print_text)(const Response&, std::ostream&)) {
  const absl::StatusOr<Response> response =
      context.connection().Call(method, request, Idempotency::kIdempotent);
  if (!response.ok() && ShouldKeepInOutbox(response.status().code())) {
    return KeepInOutbox(context, kind, request.parent(), request.request_id(),
                        request.SerializeAsString(), response.status());
  }
  return context.PrintResult(response, print_text);
}

}  // namespace glutecare::client

#endif  // GLUTECARE_CLIENT_DELIVERY_H_

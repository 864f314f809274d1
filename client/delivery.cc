#include "client/delivery.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "client/errors.h"

namespace glutecare::client {
namespace {

// Sends one kept request of type Request with `method`.
template <typename Request, typename Response>
absl::Status Send(Connection& connection,
                  grpc::Status (v1::SessionService::Stub::*method)(
                      grpc::ClientContext*, const Request&, Response*),
                  const std::string& bytes) {
  Request request;
  if (!request.ParseFromString(bytes)) {
    return absl::InvalidArgumentError("the kept request does not parse");
  }
  return connection.Call(method, request, Idempotency::kIdempotent).status();
}

absl::Status SendEntry(Connection& connection, const OutboxEntry& entry) {
  switch (entry.kind) {
    case OutboxKind::kSession:
      return Send(connection, &v1::SessionService::Stub::CreateSession,
                  entry.request);
    case OutboxKind::kPainReport:
      return Send(connection, &v1::SessionService::Stub::CreatePainReport,
                  entry.request);
  }
  return absl::InternalError("unknown outbox kind");
}

// "CODE: message", as `outbox list` shows it.
std::string ErrorText(const absl::Status& status) {
  return absl::StrCat(absl::StatusCodeToString(status.code()), ": ",
                      status.message());
}

// `error`, saying why the outbox could not keep the submission.
absl::Status NotKept(const absl::Status& error, const absl::Status& why) {
  return absl::Status(
      error.code(),
      absl::StrCat(error.message(), " (and not kept: ", why.message(), ")"));
}

}  // namespace

bool ShouldKeepInOutbox(absl::StatusCode code) {
  return code == absl::StatusCode::kUnavailable ||
         code == absl::StatusCode::kDeadlineExceeded;
}

DeliveryVerdict VerdictFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
    case absl::StatusCode::kAlreadyExists:
      return DeliveryVerdict::kDelivered;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kUnimplemented:
      return DeliveryVerdict::kFailed;
    default:
      // UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL:
      // the server may take it later. UNAUTHENTICATED, PERMISSION_DENIED:
      // the token of this invocation may not be the submitter's, or has
      // expired; the submitter's next command delivers it.
      return DeliveryVerdict::kKeepWaiting;
  }
}

absl::StatusOr<DeliveryReport> DeliverOutbox(Outbox& outbox,
                                             Connection& connection,
                                             absl::string_view server) {
  absl::StatusOr<std::vector<OutboxEntry>> waiting = outbox.Waiting(server);
  if (!waiting.ok()) return waiting.status();
  DeliveryReport report;
  for (const OutboxEntry& entry : *waiting) {
    if (!report.stopped_by.ok()) {
      ++report.waiting;
      continue;
    }
    const absl::Status sent = SendEntry(connection, entry);
    absl::Status recorded;
    switch (VerdictFor(sent.code())) {
      case DeliveryVerdict::kDelivered:
        recorded = outbox.Remove(entry.id);
        ++report.delivered;
        break;
      case DeliveryVerdict::kFailed:
        recorded = outbox.MarkFailed(entry.id, ErrorText(sent));
        ++report.failed;
        break;
      case DeliveryVerdict::kKeepWaiting:
        recorded = outbox.NoteAttempt(entry.id, ErrorText(sent));
        ++report.waiting;
        if (ShouldKeepInOutbox(sent.code())) report.stopped_by = sent;
        break;
    }
    if (!recorded.ok()) return recorded;
  }
  return report;
}

absl::StatusOr<std::unique_ptr<Outbox>> OpenOutbox(
    const CommandContext& context, bool create) {
  absl::StatusOr<std::string> path = context.OutboxPath();
  if (!path.ok()) return path.status();
  return Outbox::Open(*path, create);
}

absl::Status KeepInOutbox(const CommandContext& context, OutboxKind kind,
                          const std::string& parent,
                          const std::string& request_id,
                          const std::string& request,
                          const absl::Status& error) {
  absl::StatusOr<std::unique_ptr<Outbox>> outbox =
      OpenOutbox(context, /*create=*/true);
  if (!outbox.ok()) return NotKept(error, outbox.status());
  const absl::StatusOr<int64_t> id = (*outbox)->Add({
      .server = context.server(),
      .parent = parent,
      .kind = kind,
      .request_id = request_id,
      .request = request,
      .last_error = ErrorText(error),
  });
  if (!id.ok()) return NotKept(error, id.status());
  const absl::StatusOr<int> waiting = (*outbox)->CountWaiting();
  return KeptInOutbox(absl::StrCat(
      "the server is unreachable; the ",
      kind == OutboxKind::kSession ? "session" : "pain report",
      " is kept in the outbox (", waiting.ok() ? *waiting : 1,
      " waiting) and will be sent by the next glutecare command or "
      "'glutecare sync'"));
}

}  // namespace glutecare::client

// Tests of client/errors.h: the one-line error of every failure and its exit
// code.
#include "client/errors.h"

#include <string>
#include <utility>
#include <vector>

#include "google/rpc/code.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace glutecare::client {
namespace {

// A grpc::Status as the server sends a validation failure: message plus a
// google.rpc.Status with one BadRequest (and an ErrorInfo) in its details.
grpc::Status StatusWithViolations(
    grpc::StatusCode code, const std::string& message,
    const std::vector<std::pair<std::string, std::string>>& violations) {
  google::rpc::Status rich_status;
  rich_status.set_code(code);
  rich_status.set_message(message);
  google::rpc::ErrorInfo info;
  info.set_reason("INVALID_FIELDS");
  info.set_domain("glutecare.example");
  rich_status.add_details()->PackFrom(info);
  google::rpc::BadRequest bad_request;
  for (const auto& [field, description] : violations) {
    auto* violation = bad_request.add_field_violations();
    violation->set_field(field);
    violation->set_description(description);
  }
  if (!violations.empty()) rich_status.add_details()->PackFrom(bad_request);
  return grpc::Status(code, message, rich_status.SerializeAsString());
}

TEST(FromGrpcStatus, ListsFieldViolationsOrElseTheMessageOnOneLine) {
  struct Case {
    std::string name;
    grpc::Status status;
    absl::StatusCode code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"one violation",
       StatusWithViolations(grpc::StatusCode::INVALID_ARGUMENT,
                            "invalid request: session.pain_before: ...",
                            {{"session.pain_before", "must be 0-10 (got 11)"}}),
       absl::StatusCode::kInvalidArgument,
       "session.pain_before: must be 0-10 (got 11)"},
      {"two violations",
       StatusWithViolations(
           grpc::StatusCode::INVALID_ARGUMENT, "invalid request",
           {{"patient.mrn", "must be 1-64 characters of [A-Za-z0-9._-]"},
            {"patient.time_zone", "unknown time zone \"Mars/Olympus\""}}),
       absl::StatusCode::kInvalidArgument,
       "patient.mrn: must be 1-64 characters of [A-Za-z0-9._-]; "
       "patient.time_zone: unknown time zone \"Mars/Olympus\""},
      {"details without violations",
       StatusWithViolations(grpc::StatusCode::NOT_FOUND,
                            "clinics/c1/patients/p9 not found", {}),
       absl::StatusCode::kNotFound, "clinics/c1/patients/p9 not found"},
      {"no details", grpc::Status(grpc::StatusCode::ABORTED, "stale etag"),
       absl::StatusCode::kAborted, "stale etag"},
      {"undecodable details",
       grpc::Status(grpc::StatusCode::INTERNAL, "boom", "\xff\xff not proto"),
       absl::StatusCode::kInternal, "boom"},
      {"multi-line message",
       grpc::Status(grpc::StatusCode::UNAVAILABLE,
                    "failed to connect\n  last error: refused\r\n"),
       absl::StatusCode::kUnavailable, "failed to connect last error: refused"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const absl::Status status = FromGrpcStatus(c.status);
    EXPECT_EQ(status.code(), c.code);
    EXPECT_EQ(status.message(), c.message);
    EXPECT_FALSE(IsUsageError(status));
  }
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
}

TEST(ErrorLine, IsOneLineNamingTheCodeOrUsage) {
  struct Case {
    absl::Status status;
    std::string line;
  };
  const std::vector<Case> cases = {
      {absl::InvalidArgumentError("session.pain_before: must be 0-10 (got 11)"),
       "glutecare: INVALID_ARGUMENT: session.pain_before: must be 0-10 (got "
       "11)"},
      {absl::UnavailableError("failed to connect"),
       "glutecare: UNAVAILABLE: failed to connect"},
      {absl::DeadlineExceededError(""), "glutecare: DEADLINE_EXCEEDED"},
      {absl::InternalError("line one\nline two"),
       "glutecare: INTERNAL: line one line two"},
      {absl::UnauthenticatedError(
           "the access token was revoked at 2025-03-03T10:00:00Z: ask the "
           "clinic's admin for a new one"),
       "glutecare: UNAUTHENTICATED: the access token was revoked at "
       "2025-03-03T10:00:00Z: ask the clinic's admin for a new one"},
      {absl::PermissionDeniedError(
           "a patient may not call /glutecare.v1.PatientService/ListPatients"),
       "glutecare: PERMISSION_DENIED: a patient may not call "
       "/glutecare.v1.PatientService/ListPatients"},
      {absl::ResourceExhaustedError("this token already has 8 calls in flight"),
       "glutecare: RESOURCE_EXHAUSTED: this token already has 8 calls in "
       "flight"},
      {UsageError("no clinic given: pass --clinic or set GLUTECARE_CLINIC"),
       "glutecare: usage: no clinic given: pass --clinic or set "
       "GLUTECARE_CLINIC"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.line);
    EXPECT_EQ(ErrorLine(c.status), c.line);
  }
}

TEST(ExitCodeFor, SeparatesSuccessUsageAndRpcErrors) {
  EXPECT_EQ(ExitCodeFor(absl::OkStatus()), kExitSuccess);
  EXPECT_EQ(ExitCodeFor(UsageError("bad flag")), kExitUsageError);
  EXPECT_EQ(ExitCodeFor(absl::InvalidArgumentError("bad field")),
            kExitRpcError);
  EXPECT_EQ(ExitCodeFor(absl::UnavailableError("down")), kExitRpcError);
  EXPECT_EQ(ExitCodeFor(absl::UnauthenticatedError("revoked")), kExitRpcError);
  EXPECT_EQ(ExitCodeFor(absl::PermissionDeniedError("not yours")),
            kExitRpcError);
  EXPECT_EQ(ExitCodeFor(absl::ResourceExhaustedError("busy")), kExitRpcError);
}

}  // namespace
}  // namespace glutecare::client

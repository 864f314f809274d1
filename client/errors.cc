#include "client/errors.h"

#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace glutecare::client {
namespace {

// The payload that marks a status as a usage error. Only its presence matters.
constexpr absl::string_view kUsageErrorPayload = "glutecare.client/usage-error";
// The payload that marks a submission kept in the outbox.
constexpr absl::string_view kKeptInOutboxPayload =
    "glutecare.client/kept-in-outbox";

// `text` on one line: each run of line breaks and the spaces around them
// becomes one space.
std::string OnOneLine(absl::string_view text) {
  std::vector<absl::string_view> lines =
      absl::StrSplit(text, absl::ByAnyChar("\r\n"), absl::SkipWhitespace());
  for (absl::string_view& line : lines) line = absl::StripAsciiWhitespace(line);
  return absl::StrJoin(lines, " ");
}

// The BadRequest field violations in a serialized google.rpc.Status, as
// `field: description` strings (empty when there are none or the details do
// not parse).
std::vector<std::string> FieldViolations(const std::string& error_details) {
  std::vector<std::string> violations;
  google::rpc::Status rich_status;
  if (error_details.empty() || !rich_status.ParseFromString(error_details)) {
    return violations;
  }
  for (const google::protobuf::Any& detail : rich_status.details()) {
    google::rpc::BadRequest bad_request;
    if (!detail.UnpackTo(&bad_request)) continue;
    for (const auto& violation : bad_request.field_violations()) {
      violations.push_back(
          absl::StrCat(violation.field(), ": ", violation.description()));
    }
  }
  return violations;
}

// A status with `code` and `message`, marked with the empty payload `marker`.
absl::Status Marked(absl::StatusCode code, absl::string_view message,
                    absl::string_view marker) {
  absl::Status status(code, message);
  status.SetPayload(marker, absl::Cord());
  return status;
}

}  // namespace

absl::Status UsageError(absl::string_view message) {
  return Marked(absl::StatusCode::kInvalidArgument, message,
                kUsageErrorPayload);
}

bool IsUsageError(const absl::Status& status) {
  return status.GetPayload(kUsageErrorPayload).has_value();
}

absl::Status KeptInOutbox(absl::string_view message) {
  return Marked(absl::StatusCode::kUnavailable, message, kKeptInOutboxPayload);
}

bool IsKeptInOutbox(const absl::Status& status) {
  return status.GetPayload(kKeptInOutboxPayload).has_value();
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  // gRPC and Abseil number their status codes alike.
  const auto code = static_cast<absl::StatusCode>(status.error_code());
  const std::vector<std::string> violations =
      FieldViolations(status.error_details());
  const std::string message = violations.empty()
                                  ? status.error_message()
                                  : absl::StrJoin(violations, "; ");
  return absl::Status(code, OnOneLine(message));
}

std::string ErrorLine(const absl::Status& status) {
  const std::string message = OnOneLine(status.message());
  if (IsUsageError(status)) return absl::StrCat("glutecare: usage: ", message);
  if (IsKeptInOutbox(status)) return absl::StrCat("glutecare: ", message);
  const std::string code = absl::StatusCodeToString(status.code());
  if (message.empty()) return absl::StrCat("glutecare: ", code);
  return absl::StrCat("glutecare: ", code, ": ", message);
}

int ExitCodeFor(const absl::Status& status) {
  if (status.ok()) return kExitSuccess;
  if (IsUsageError(status)) return kExitUsageError;
  return IsKeptInOutbox(status) ? kExitKeptInOutbox : kExitRpcError;
}

}  // namespace glutecare::client

#include "server/common/status.h"

#include <string>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"

namespace glutecare {

void Violations::Add(std::string field, std::string description) {
  violations_.push_back({std::move(field), std::move(description)});
}

void Violations::AddAll(const absl::Status& status) {
  for (FieldViolation& v : FieldViolationsOf(status)) {
    Add(std::move(v.field), std::move(v.description));
  }
}

absl::Status Violations::ToStatus() const {
  if (violations_.empty()) return absl::OkStatus();
  std::string message = "invalid request: ";
  google::rpc::BadRequest bad_request;
  for (size_t i = 0; i < violations_.size(); ++i) {
    const FieldViolation& v = violations_[i];
    absl::StrAppend(&message, i == 0 ? "" : "; ", v.field, ": ", v.description);
    auto* detail = bad_request.add_field_violations();
    detail->set_field(v.field);
    detail->set_description(v.description);
  }
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kBadRequestTypeUrl,
                    absl::Cord(bad_request.SerializeAsString()));
  return WithReason(std::move(status), reason::kInvalidField);
}

absl::Status InvalidFieldError(std::string field, std::string description) {
  Violations violations;
  violations.Add(std::move(field), std::move(description));
  return violations.ToStatus();
}

std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status) {
  std::vector<FieldViolation> result;
  absl::optional<absl::Cord> payload = status.GetPayload(kBadRequestTypeUrl);
  if (!payload.has_value()) return result;
  google::rpc::BadRequest bad_request;
  if (!bad_request.ParseFromString(std::string(*payload))) return result;
  for (const auto& v : bad_request.field_violations()) {
    result.push_back({v.field(), v.description()});
  }
  return result;
}

absl::Status WithReason(absl::Status status, absl::string_view reason) {
  if (status.ok()) return status;
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  status.SetPayload(kErrorInfoTypeUrl, absl::Cord(info.SerializeAsString()));
  return status;
}

std::string ErrorReasonOf(const absl::Status& status) {
  if (status.ok()) return "";
  if (absl::optional<absl::Cord> payload =
          status.GetPayload(kErrorInfoTypeUrl)) {
    google::rpc::ErrorInfo info;
    if (info.ParseFromString(std::string(*payload)) && !info.reason().empty()) {
      return info.reason();
    }
  }
  return std::string(DefaultReason(status.code()));
}

absl::string_view DefaultReason(absl::StatusCode code) {
  using Code = absl::StatusCode;
  static constexpr std::pair<Code, absl::string_view> kDefaults[] = {
      {Code::kOk, ""},
      {Code::kInvalidArgument, reason::kInvalidField},
      {Code::kNotFound, reason::kResourceNotFound},
      {Code::kAlreadyExists, reason::kResourceExists},
      {Code::kAborted, reason::kEtagMismatch},
      {Code::kFailedPrecondition, reason::kFailedPrecondition},
      {Code::kResourceExhausted, reason::kOverloaded},
      {Code::kUnavailable, reason::kTemporarilyUnavailable},
      {Code::kCancelled, reason::kCancelled},
      {Code::kDeadlineExceeded, reason::kDeadlineExceeded},
      {Code::kUnauthenticated, reason::kUnauthenticated},
      {Code::kPermissionDenied, reason::kPermissionDenied}};
  for (const auto& [known, name] : kDefaults) {
    if (known == code) return name;
  }
  return reason::kInternalError;
}

}  // namespace glutecare

// Error helpers shared by every layer of the server (the RETURN_IF_ERROR /
// ASSIGN_OR_RETURN macros are in common/status_macros.h).
//
// Inside the server, errors are absl::Status. A validation failure carries its
// google.rpc.BadRequest field violations as a status payload, and any error
// may carry the reason that names its cause (google.rpc.ErrorInfo.reason), so
// the transport layer (service/grpc_status.h) can send them as rich error
// details without any layer below it knowing about gRPC.
//
//   Violations violations;
//   if (score > 10) violations.Add("pain_report.score", "must be 0-10 (got
//   11)"); GLUTECARE_RETURN_IF_ERROR(violations.ToStatus());
//
//   return WithReason(absl::FailedPreconditionError("... is not open"),
//                     reason::kSuggestionNotOpen);
#ifndef GLUTECARE_SERVER_COMMON_STATUS_H_
#define GLUTECARE_SERVER_COMMON_STATUS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/status_macros.h"

namespace glutecare {

// One bad field of a request: `field` is its path from the request root, such
// as "session.exercises[1].sets"; `description` says what is wrong.
struct FieldViolation {
  std::string field;
  std::string description;

  friend bool operator==(const FieldViolation&,
                         const FieldViolation&) = default;
};

// Collects the field violations of one request, so that a caller learns about
// every bad field at once rather than one per round trip.
// Not thread-safe.
class Violations final {
 public:
  void Add(std::string field, std::string description);
  // Adds every field violation that `status` carries (see FieldViolationsOf):
  // the error of a parser such as ParseDate or PatientName::Parse joins the
  // others of the request. Adds nothing for a status that carries none.
  void AddAll(const absl::Status& status);
  bool empty() const { return violations_.empty(); }
  const std::vector<FieldViolation>& list() const { return violations_; }

  // OK when nothing was added; otherwise INVALID_ARGUMENT whose message lists
  // every violation and whose payload carries them as google.rpc.BadRequest.
  absl::Status ToStatus() const;

 private:
  std::vector<FieldViolation> violations_;
};

// INVALID_ARGUMENT for a single bad field.
absl::Status InvalidFieldError(std::string field, std::string description);

// The field violations carried by `status` (empty when it carries none).
std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status);

// The payload type URL under which field violations travel.
inline constexpr absl::string_view kBadRequestTypeUrl =
    "type.googleapis.com/google.rpc.BadRequest";

// Why a call failed, for a program to act on: the reason of the one
// google.rpc.ErrorInfo (domain glutecare.v1) that every failed call carries.
// The site that makes an error names its cause (WithReason); an error whose
// site named none gets its status code's default (DefaultReason). Stable:
// clients may branch on them. The README ("Errors") lists them.
namespace reason {

// INVALID_ARGUMENT: fields of the request are bad; google.rpc.BadRequest
// names them (every Violations::ToStatus and InvalidFieldError).
inline constexpr absl::string_view kInvalidField = "INVALID_FIELD";
// NOT_FOUND: the resource the request names does not exist, or is not the
// caller's to see.
inline constexpr absl::string_view kResourceNotFound = "RESOURCE_NOT_FOUND";
// ALREADY_EXISTS: a resource with that name, or that MRN, exists already.
inline constexpr absl::string_view kResourceExists = "RESOURCE_EXISTS";
// ABORTED: the etag given is not the resource's current one; read it again
// and reapply the change.
inline constexpr absl::string_view kEtagMismatch = "ETAG_MISMATCH";
// ABORTED: the outcome measure's intake changed while the response was
// scored against it; submit the response again.
inline constexpr absl::string_view kIntakeChanged = "INTAKE_CHANGED";
// FAILED_PRECONDITION: the suggestion was accepted or dismissed already.
inline constexpr absl::string_view kSuggestionNotOpen = "SUGGESTION_NOT_OPEN";
// FAILED_PRECONDITION: the program has a newer revision than the one the
// suggestion was made for; its next evaluation suggests afresh.
inline constexpr absl::string_view kProgramRevised = "PROGRAM_REVISED";
// FAILED_PRECONDITION: the alert is resolved, and a resolved alert stays
// resolved.
inline constexpr absl::string_view kAlertResolved = "ALERT_RESOLVED";
// FAILED_PRECONDITION: a patient's outcome response for a measure that no
// therapist has assigned to the patient.
inline constexpr absl::string_view kMeasureNotAssigned =
    "MEASURE_NOT_ASSIGNED";
// FAILED_PRECONDITION: the patient's FHIR Bundle is larger than one reply
// may carry; export the clinic's NDJSON instead.
inline constexpr absl::string_view kBundleTooLarge = "BUNDLE_TOO_LARGE";
// FAILED_PRECONDITION: an import into a clinic without an identifier_system.
inline constexpr absl::string_view kNoIdentifierSystem =
    "NO_IDENTIFIER_SYSTEM";
// RESOURCE_EXHAUSTED: the caller's token has as many calls in flight as the
// server allows one token; retry once some have finished.
inline constexpr absl::string_view kTooManyCallsInFlight =
    "TOO_MANY_CALLS_IN_FLIGHT";
// RESOURCE_EXHAUSTED: the server's queue of work is full; retry with backoff.
inline constexpr absl::string_view kOverloaded = "OVERLOADED";

// The defaults of the other codes (DefaultReason), one per code.
inline constexpr absl::string_view kFailedPrecondition = "FAILED_PRECONDITION";
inline constexpr absl::string_view kTemporarilyUnavailable =
    "TEMPORARILY_UNAVAILABLE";
inline constexpr absl::string_view kCancelled = "CANCELLED";
inline constexpr absl::string_view kDeadlineExceeded = "DEADLINE_EXCEEDED";
inline constexpr absl::string_view kUnauthenticated = "UNAUTHENTICATED";
inline constexpr absl::string_view kPermissionDenied = "PERMISSION_DENIED";
// INTERNAL, DATA_LOSS, UNKNOWN and any other code.
inline constexpr absl::string_view kInternalError = "INTERNAL_ERROR";

}  // namespace reason

// `status` naming `reason` as its cause, replacing any reason it named. An OK
// status stays OK.
absl::Status WithReason(absl::Status status, absl::string_view reason);

// The reason `status` names (WithReason), else DefaultReason of its code.
// Empty for OK.
std::string ErrorReasonOf(const absl::Status& status);

// The reason of an error whose site named none, by status code (see the
// list above): ABORTED is ETAG_MISMATCH, ALREADY_EXISTS is RESOURCE_EXISTS.
absl::string_view DefaultReason(absl::StatusCode code);

// The payload type URL under which a status carries its reason: a
// google.rpc.ErrorInfo with only the reason set.
inline constexpr absl::string_view kErrorInfoTypeUrl =
    "type.googleapis.com/google.rpc.ErrorInfo";

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_COMMON_STATUS_H_

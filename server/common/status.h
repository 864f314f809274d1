// Error helpers shared by every layer of the server (the RETURN_IF_ERROR /
// ASSIGN_OR_RETURN macros are in common/status_macros.h).
//
// Inside the server, errors are absl::Status. A validation failure carries its
// google.rpc.BadRequest field violations as a status payload, so the transport
// layer (service/grpc_status.h) can send them as rich error details without any
// layer below it knowing about gRPC.
//
//   Violations violations;
//   if (score > 10) violations.Add("pain_report.score", "must be 0-10 (got
//   11)"); GLUTECARE_RETURN_IF_ERROR(violations.ToStatus());
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

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_COMMON_STATUS_H_

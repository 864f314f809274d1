// Error helpers shared by every layer of the server.
//
// Inside the server, errors are absl::Status. A validation failure carries its
// google.rpc.BadRequest field violations as a status payload, so the transport
// layer (service/grpc_status.h) can send them as rich error details without any
// layer below it knowing about gRPC.
//
//   Violations violations;
//   if (score > 10) violations.Add("pain_report.score", "must be 0-10 (got 11)");
//   GLUTECARE_RETURN_IF_ERROR(violations.ToStatus());
#ifndef GLUTECARE_SERVER_COMMON_STATUS_H_
#define GLUTECARE_SERVER_COMMON_STATUS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace glutecare {

// One bad field of a request: `field` is its path from the request root, such
// as "session.exercises[1].sets"; `description` says what is wrong.
struct FieldViolation {
  std::string field;
  std::string description;

  friend bool operator==(const FieldViolation&, const FieldViolation&) = default;
};

// Collects the field violations of one request, so that a caller learns about
// every bad field at once rather than one per round trip.
// Not thread-safe.
class Violations final {
 public:
  void Add(std::string field, std::string description);
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

#define GLUTECARE_STATUS_CONCAT_INNER_(a, b) a##b
#define GLUTECARE_STATUS_CONCAT_(a, b) GLUTECARE_STATUS_CONCAT_INNER_(a, b)

// Returns from the enclosing function when `expr` (an absl::Status) is not OK.
#define GLUTECARE_RETURN_IF_ERROR(expr)                  \
  do {                                                   \
    if (::absl::Status glutecare_status_ = (expr);       \
        !glutecare_status_.ok()) {                       \
      return glutecare_status_;                          \
    }                                                    \
  } while (false)

// Evaluates `expr` (an absl::StatusOr<T>); returns its status when not OK,
// otherwise moves the value into `lhs`, which may be a declaration.
#define GLUTECARE_ASSIGN_OR_RETURN(lhs, expr)                                \
  GLUTECARE_ASSIGN_OR_RETURN_IMPL_(                                          \
      GLUTECARE_STATUS_CONCAT_(glutecare_statusor_, __LINE__), lhs, expr)
#define GLUTECARE_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                     \
  if (!statusor.ok()) return std::move(statusor).status();    \
  lhs = std::move(statusor).value()

#endif  // GLUTECARE_SERVER_COMMON_STATUS_H_

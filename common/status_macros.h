// GLUTECARE_RETURN_IF_ERROR and GLUTECARE_ASSIGN_OR_RETURN, which Abseil
// 20220623 lacks, for the server and the CLI alike.
//
//   GLUTECARE_RETURN_IF_ERROR(violations.ToStatus());
//   GLUTECARE_ASSIGN_OR_RETURN(v1::Patient patient, store.GetPatient(name));
#ifndef GLUTECARE_COMMON_STATUS_MACROS_H_
#define GLUTECARE_COMMON_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define GLUTECARE_STATUS_CONCAT_INNER_(a, b) a##b
#define GLUTECARE_STATUS_CONCAT_(a, b) GLUTECARE_STATUS_CONCAT_INNER_(a, b)

// Returns from the enclosing function when `expr` (an absl::Status) is not OK.
#define GLUTECARE_RETURN_IF_ERROR(expr)                                       \
  do {                                                                        \
    if (::absl::Status glutecare_status_ = (expr); !glutecare_status_.ok()) { \
      return glutecare_status_;                                               \
    }                                                                         \
  } while (false)

// Evaluates `expr` (an absl::StatusOr<T>); returns its status when not OK,
// otherwise moves the value into `lhs`, which may be a declaration.
#define GLUTECARE_ASSIGN_OR_RETURN(lhs, expr) \
  GLUTECARE_ASSIGN_OR_RETURN_IMPL_(           \
      GLUTECARE_STATUS_CONCAT_(glutecare_statusor_, __LINE__), lhs, expr)
#define GLUTECARE_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                     \
  if (!statusor.ok()) return std::move(statusor).status();    \
  lhs = std::move(statusor).value()

#endif  // GLUTECARE_COMMON_STATUS_MACROS_H_

// Resource names (AIP-122) from what a user types: either a full name such as
// `clinics/c1/patients/p1`, or just the last id, to be placed under a parent.
// Pure string functions, no gRPC.
//
//   JoinName("clinics/c1", "patients", "p1")       // "clinics/c1/patients/p1"
//   JoinName("", "clinics", "c1")                  // "clinics/c1"
//   CheckFullName("clinics/c1/patients/p1", "patients", "--patient")  // OK
//   ResolveTopLevelName("c1", "clinics", "--clinic")  // "clinics/c1"
//   LastSegment("clinics/c1/patients/p1")          // "p1"
//   ParentOf("clinics/c1/patients/p1")             // "clinics/c1"
#ifndef GLUTECARE_CLIENT_NAMES_H_
#define GLUTECARE_CLIENT_NAMES_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace glutecare::client {

// Collections of glutecare.v1 resource names that the commands share.
inline constexpr absl::string_view kPatients = "patients";
inline constexpr absl::string_view kPrograms = "programs";
inline constexpr absl::string_view kTherapists = "therapists";

// True when `text` is a full resource name (it has a `/`) rather than an id.
bool IsFullName(absl::string_view text);

// OK when `name` is a full name of a resource in `collection`: non-empty
// segments in collection/id pairs, the last pair's collection being
// `collection`. Otherwise a usage error naming `flag`. The last id may carry
// a revision suffix (`p1@2`): that is the caller's to check.
absl::Status CheckFullName(absl::string_view name, absl::string_view collection,
                           absl::string_view flag);

// The full name of `text` in `collection`: `text` itself when it is a full
// name (see CheckFullName), otherwise `text` as an id under the name that
// `parent` returns; `parent` is only called then. An empty `text` is a usage
// error naming `flag`.
absl::StatusOr<std::string> ResolveName(
    absl::string_view text, absl::string_view collection,
    absl::string_view flag,
    absl::FunctionRef<absl::StatusOr<std::string>()> parent);

// ResolveName for a resource that a user may also name by its parent's id and
// its own, `PARENT_ID/ID` (exactly one `/`): ID in `collection` under the name
// `parent_named(PARENT_ID)` returns. Any other `text` is ResolveName's, with
// `default_parent` for a lone ID.
//   ResolveChildName("p1/a1", "alerts", "ALERT", patient_named, patient)
//       // "clinics/c1/patients/p1/alerts/a1"
absl::StatusOr<std::string> ResolveChildName(
    absl::string_view text, absl::string_view collection,
    absl::string_view flag,
    absl::FunctionRef<absl::StatusOr<std::string>(absl::string_view)>
        parent_named,
    absl::FunctionRef<absl::StatusOr<std::string>()> default_parent);

// ResolveName for a top-level collection (clinics, exercises), whose ids need
// no parent.
absl::StatusOr<std::string> ResolveTopLevelName(absl::string_view text,
                                                absl::string_view collection,
                                                absl::string_view flag);

// OK when `name` names a resource rather than one of its revisions
// (`{name}@{revision_id}`); otherwise a usage error naming `flag`.
absl::Status CheckNoRevision(absl::string_view name, absl::string_view flag);

// `{parent}/{collection}/{id}`, or `{collection}/{id}` for an empty parent.
std::string JoinName(absl::string_view parent, absl::string_view collection,
                     absl::string_view id);

// The id part of a name: what follows the last `/` (all of `name` if none).
absl::string_view LastSegment(absl::string_view name);

// The parent of a name: all but its last collection/id pair ("" for a
// top-level name such as `clinics/c1`).
absl::string_view ParentOf(absl::string_view name);

// The clinic a name lies under: its first collection/id pair
// (`clinics/c1/patients/p1` -> `clinics/c1`).
absl::string_view ClinicOf(absl::string_view name);

}  // namespace glutecare::client

#endif  // GLUTECARE_CLIENT_NAMES_H_

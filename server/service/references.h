// Checks that a resource named inside a request body exists. A missing one is
// the client's mistake in that field, so it is INVALID_ARGUMENT naming the
// field, not NOT_FOUND (which is for the resource the call is about).
#ifndef GLUTECARE_SERVER_SERVICE_REFERENCES_H_
#define GLUTECARE_SERVER_SERVICE_REFERENCES_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/domain/resource_names.h"
#include "server/storage/store.h"

namespace glutecare {

// OK when `therapist` names an existing therapist.
absl::Status CheckTherapistExists(Store& store, absl::string_view therapist,
                                  absl::string_view field);

// The full revision name, `{program}@{revision_id}`, of the program revision
// that a session of `patient` performed at `perform_time` followed, from what
// the client sent (`requested`, already checked by CheckSession): a revision
// name must exist and is kept; a program name gets its revision in force at
// perform_time; empty gets that of the patient's only program active then
// (the rules are in server/domain/program_followed.h). INVALID_ARGUMENT
// naming `field` when the program or revision does not exist, or when no
// program or several were active.
absl::StatusOr<std::string> ResolveProgramRevision(Store& store,
                                                   const PatientName& patient,
                                                   absl::string_view requested,
                                                   absl::Time perform_time,
                                                   absl::string_view field);

// An optional therapist filter (a List request's `therapist` field): nullopt
// when empty, else a therapist name of `clinic`.
absl::StatusOr<std::optional<TherapistName>> ParseTherapistFilter(
    const std::string& therapist, const ClinicName& clinic,
    absl::string_view field);

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_REFERENCES_H_

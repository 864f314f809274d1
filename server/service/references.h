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
#include "server/domain/resource_names.h"
#include "server/storage/store.h"

namespace glutecare {

// OK when `therapist` names an existing therapist.
absl::Status CheckTherapistExists(Store& store, absl::string_view therapist,
                                  absl::string_view field);

// OK when `revision` (`{program}@{revision_id}`) names an existing revision.
absl::Status CheckProgramRevisionExists(Store& store,
                                        absl::string_view revision,
                                        absl::string_view field);

// An optional therapist filter (a List request's `therapist` field): nullopt
// when empty, else a therapist name of `clinic`.
absl::StatusOr<std::optional<TherapistName>> ParseTherapistFilter(
    const std::string& therapist, const ClinicName& clinic,
    absl::string_view field);

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_REFERENCES_H_

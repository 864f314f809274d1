#include "server/service/references.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/common/status.h"
#include "server/domain/resource_names.h"

namespace glutecare {
namespace {

absl::Status MissingReference(const absl::Status& lookup,
                              absl::string_view field, absl::string_view what) {
  if (absl::IsNotFound(lookup)) {
    return InvalidFieldError(std::string(field), absl::StrCat("no ", what));
  }
  return lookup;
}

}  // namespace

absl::Status CheckTherapistExists(Store& store, absl::string_view therapist,
                                  absl::string_view field) {
  GLUTECARE_ASSIGN_OR_RETURN(TherapistName name,
                             TherapistName::Parse(therapist, field));
  return MissingReference(store.GetTherapist(name).status(), field,
                          absl::StrCat("therapist ", therapist));
}

absl::Status CheckProgramRevisionExists(Store& store,
                                        absl::string_view revision,
                                        absl::string_view field) {
  GLUTECARE_ASSIGN_OR_RETURN(ProgramName name,
                             ProgramName::ParseWithRevision(revision, field));
  return MissingReference(store.GetProgram(name).status(), field,
                          absl::StrCat("program revision ", revision));
}

absl::StatusOr<std::optional<TherapistName>> ParseTherapistFilter(
    const std::string& therapist, const ClinicName& clinic,
    absl::string_view field) {
  if (therapist.empty()) return std::nullopt;
  GLUTECARE_ASSIGN_OR_RETURN(TherapistName name,
                             TherapistName::Parse(therapist, field));
  if (name.parent() != clinic) {
    return InvalidFieldError(
        std::string(field),
        absl::StrCat("must be a therapist of ", clinic.ToString()));
  }
  return name;
}

}  // namespace glutecare

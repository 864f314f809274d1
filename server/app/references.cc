#include "server/app/references.h"

#include <algorithm>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/common/status.h"
#include "server/domain/program_followed.h"
#include "server/domain/resource_names.h"
#include "server/domain/validation.h"

namespace glutecare {
namespace {

absl::Status MissingReference(const absl::Status& lookup,
                              absl::string_view field, absl::string_view what) {
  if (absl::IsNotFound(lookup)) {
    return InvalidFieldError(std::string(field), absl::StrCat("no ", what));
  }
  return lookup;
}

// OK when `revision` (`{program}@{revision_id}`) names an existing revision.
absl::Status CheckProgramRevisionExists(Store& store,
                                        absl::string_view revision,
                                        absl::string_view field) {
  GLUTECARE_ASSIGN_OR_RETURN(ProgramName name,
                             ProgramName::ParseWithRevision(revision, field));
  return MissingReference(store.GetProgram(name).status(), field,
                          absl::StrCat("program revision ", revision));
}

// `{program}@{revision_id}` of a stored revision.
std::string RevisionNameOf(const v1::Program& revision) {
  return absl::StrCat(revision.name(), "@", revision.revision_id());
}

// A program's revisions, oldest first. NOT_FOUND if it does not exist.
absl::StatusOr<std::vector<v1::Program>> RevisionsOldestFirst(
    Store& store, const ProgramName& program) {
  GLUTECARE_ASSIGN_OR_RETURN(
      std::vector<v1::Program> revisions,
      ListAll(store, &Store::ListProgramRevisions, program));
  std::reverse(revisions.begin(), revisions.end());  // stored newest first
  return revisions;
}

}  // namespace

absl::Status CheckTherapistExists(Store& store, absl::string_view therapist,
                                  absl::string_view field) {
  GLUTECARE_ASSIGN_OR_RETURN(TherapistName name,
                             TherapistName::Parse(therapist, field));
  return MissingReference(store.GetTherapist(name).status(), field,
                          absl::StrCat("therapist ", therapist));
}

absl::StatusOr<std::string> ResolveProgramRevision(Store& store,
                                                   const PatientName& patient,
                                                   absl::string_view requested,
                                                   absl::Time perform_time,
                                                   absl::string_view field) {
  if (requested.empty()) {
    GLUTECARE_ASSIGN_OR_RETURN(const std::vector<v1::Program> latest,
                               ListAll(store, &Store::ListPrograms, patient));
    std::vector<std::vector<v1::Program>> programs;
    for (const v1::Program& program : latest) {
      GLUTECARE_ASSIGN_OR_RETURN(ProgramName name,
                                 ProgramName::Parse(program.name(), field));
      GLUTECARE_ASSIGN_OR_RETURN(programs.emplace_back(),
                                 RevisionsOldestFirst(store, name));
    }
    GLUTECARE_ASSIGN_OR_RETURN(
        const std::vector<v1::Program>* followed,
        ProgramActiveAt(programs, perform_time, patient, field));
    return RevisionNameOf(*RevisionInForceAt(*followed, perform_time));
  }

  GLUTECARE_ASSIGN_OR_RETURN(ProgramName name,
                             ProgramName::ParseWithRevision(requested, field));
  if (name.revision_id != 0) {
    GLUTECARE_RETURN_IF_ERROR(
        CheckProgramRevisionExists(store, requested, field));
    return name.ToRevisionString();
  }
  absl::StatusOr<std::vector<v1::Program>> revisions =
      RevisionsOldestFirst(store, name);
  if (!revisions.ok()) {
    return MissingReference(revisions.status(), field,
                            absl::StrCat("program ", requested));
  }
  const v1::Program* in_force = RevisionInForceAt(*revisions, perform_time);
  if (in_force == nullptr) {
    return InvalidFieldError(
        std::string(field),
        absl::StrCat("program ", requested, " has no revision"));
  }
  return RevisionNameOf(*in_force);
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

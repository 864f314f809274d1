// Reads that commands make before their own call: whom a patient's token
// belongs to, a patient's record (for its time zone), a program, and a
// patient's active programs.
// Each is one idempotent call (or one List with all its pages).
#ifndef GLUTECARE_CLIENT_COMMANDS_LOOKUPS_H_
#define GLUTECARE_CLIENT_COMMANDS_LOOKUPS_H_

#include <string>

#include "absl/status/statusor.h"
#include "client/command.h"
#include "glutecare/v1/clinic.pb.h"
#include "glutecare/v1/program.pb.h"
#include "glutecare/v1/program_service.pb.h"

namespace glutecare::client {

// The patient of --patient (GLUTECARE_PATIENT); without it, for a patient's
// token, the patient it belongs to (one GetCallerAccessToken call), and for
// any other token CommandContext::Patient()'s usage error.
absl::StatusOr<std::string> PatientOrTokenHolder(const CommandContext& context);

// The patient named `patient` (`clinics/{clinic}/patients/{patient}`).
absl::StatusOr<v1::Patient> GetPatient(const CommandContext& context,
                                       const std::string& patient);

// The program named `program`, at its latest revision unless the name ends in
// `@{revision_id}`.
absl::StatusOr<v1::Program> GetProgram(const CommandContext& context,
                                       const std::string& program);

// The ACTIVE programs of `patient` (a ListPrograms response holding only
// those, with no next page).
absl::StatusOr<v1::ListProgramsResponse> ListActivePrograms(
    const CommandContext& context, const std::string& patient);

// Today's calendar day (`YYYY-MM-DD`) in the time zone of `patient`, or in
// this machine's zone when that zone's rules are not installed here.
absl::StatusOr<std::string> PatientToday(const CommandContext& context,
                                         const std::string& patient);

}  // namespace glutecare::client

#endif  // GLUTECARE_CLIENT_COMMANDS_LOOKUPS_H_

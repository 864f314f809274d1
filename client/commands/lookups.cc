#include "client/commands/lookups.h"

#include "absl/time/clock.h"
#include "client/paging.h"
#include "client/specs.h"
#include "common/status_macros.h"
#include "glutecare/v1/access_service.grpc.pb.h"
#include "glutecare/v1/patient_service.grpc.pb.h"
#include "glutecare/v1/program_service.grpc.pb.h"

namespace glutecare::client {

absl::StatusOr<std::string> PatientOrTokenHolder(
    const CommandContext& context) {
  if (context.HasPatient()) return context.Patient();
  GLUTECARE_ASSIGN_OR_RETURN(
      const v1::AccessToken token,
      context.connection().Call(&v1::AccessService::Stub::GetCallerAccessToken,
                                v1::GetCallerAccessTokenRequest(),
                                Idempotency::kIdempotent));
  if (token.role() == v1::ROLE_PATIENT) return token.subject();
  return context.Patient();
}

absl::StatusOr<v1::Patient> GetPatient(const CommandContext& context,
                                       const std::string& patient) {
  return context.CallOnName(&v1::PatientService::Stub::GetPatient, patient,
                            Idempotency::kIdempotent);
}

absl::StatusOr<v1::Program> GetProgram(const CommandContext& context,
                                       const std::string& program) {
  return context.CallOnName(&v1::ProgramService::Stub::GetProgram, program,
                            Idempotency::kIdempotent);
}

absl::StatusOr<v1::ListProgramsResponse> ListActivePrograms(
    const CommandContext& context, const std::string& patient) {
  v1::ListProgramsRequest request;
  request.set_parent(patient);
  GLUTECARE_ASSIGN_OR_RETURN(
      v1::ListProgramsResponse all,
      FetchAll(context.connection(), &v1::ProgramService::Stub::ListPrograms,
               std::move(request)));
  v1::ListProgramsResponse active;
  for (v1::Program& program : *all.mutable_programs()) {
    if (program.status() == v1::PROGRAM_STATUS_ACTIVE) {
      *active.add_programs() = std::move(program);
    }
  }
  return active;
}

absl::StatusOr<std::string> PatientToday(const CommandContext& context,
                                         const std::string& patient) {
  GLUTECARE_ASSIGN_OR_RETURN(const v1::Patient record,
                             GetPatient(context, patient));
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(record.time_zone(), &zone))
    zone = absl::LocalTimeZone();
  return LocalDate(absl::Now(), zone);
}

}  // namespace glutecare::client

#include "server/service/alert_engine.h"

#include "google/protobuf/util/time_util.h"
#include "server/common/status.h"
#include "server/domain/alert_rules.h"
#include "server/domain/calendar.h"

namespace glutecare {

absl::Status AlertEngine::EvaluatePatient(const PatientName& name,
                                          absl::Time now) {
  GLUTECARE_ASSIGN_OR_RETURN(v1::Patient patient, store_.GetPatient(name));
  GLUTECARE_ASSIGN_OR_RETURN(
      absl::TimeZone zone,
      LoadTimeZone(patient.time_zone(), "patient.time_zone"));
  const absl::CivilDay today = LocalDay(now, zone);
  GLUTECARE_ASSIGN_OR_RETURN(
      PatientActivity activity,
      store_.GetPatientActivity(
          name, {.from = FormatDate(today - (kAlertWindowDays - 1)),
                 .to = FormatDate(today)}));

  AlertInput input{.today = today};
  if (patient.has_baseline_pain()) input.baseline = patient.baseline_pain();
  input.programs = ProgramHistories(activity.programs, zone);
  input.sessions = std::move(activity.sessions);
  input.pain_reports = std::move(activity.pain_reports);
  if (!activity.last_session_date.empty()) {
    absl::StatusOr<absl::CivilDay> last =
        ParseDate(activity.last_session_date, "");
    if (last.ok()) input.last_session_day = *last;
  }
  const std::vector<AlertCandidate> candidates = EvaluateAlerts(input);
  GLUTECARE_ASSIGN_OR_RETURN(
      std::vector<v1::Alert> raised,
      store_.RecordAlerts(name, candidates,
                          google::protobuf::util::TimeUtil::SecondsToTimestamp(
                              absl::ToUnixSeconds(now))));
  if (!raised.empty()) hub_.Publish(name.parent().ToString());
  return absl::OkStatus();
}

absl::Status AlertEngine::EvaluateAll(absl::Time now) {
  absl::Status first_error;
  PageRequest clinics_page{.page_size = 100};
  do {
    GLUTECARE_ASSIGN_OR_RETURN(Page<v1::Clinic> clinics,
                               store_.ListClinics(clinics_page));
    for (const v1::Clinic& clinic : clinics.items) {
      GLUTECARE_ASSIGN_OR_RETURN(ClinicName clinic_name,
                                 ClinicName::Parse(clinic.name(), "clinic"));
      PageRequest patients_page{.page_size = 500};
      do {
        GLUTECARE_ASSIGN_OR_RETURN(
            Page<v1::Patient> patients,
            store_.ListPatients(clinic_name, std::nullopt, patients_page));
        for (const v1::Patient& patient : patients.items) {
          absl::StatusOr<PatientName> name =
              PatientName::Parse(patient.name(), "patient");
          absl::Status status =
              name.ok() ? EvaluatePatient(*name, now) : name.status();
          if (!status.ok() && first_error.ok()) first_error = status;
        }
        patients_page.page_token = std::move(patients.next_page_token);
      } while (!patients_page.page_token.empty());
    }
    clinics_page.page_token = std::move(clinics.next_page_token);
  } while (!clinics_page.page_token.empty());
  return first_error;
}

}  // namespace glutecare

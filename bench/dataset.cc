#include "bench/dataset.h"

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "server/common/status.h"
#include "server/domain/calendar.h"
#include "server/domain/resource_names.h"
#include "server/service/access_tokens.h"

namespace glutecare::bench {
namespace {

using google::protobuf::util::TimeUtil;

constexpr int kPatientsPerTherapist = 50;
constexpr const char* kExercises[] = {"glute-bridge", "clamshell",
                                      "bodyweight-squat"};

v1::Program MakeProgram(const std::string& name, const std::string& therapist,
                        absl::CivilDay start, absl::Time created) {
  v1::Program program;
  program.set_name(name);
  program.set_display_name("Glute strength");
  program.set_status(v1::PROGRAM_STATUS_ACTIVE);
  program.set_start_date(FormatDate(start));
  program.set_therapist(therapist);
  for (const char* exercise : kExercises) {
    v1::Prescription* p = program.add_prescriptions();
    p->set_exercise(absl::StrCat("exercises/", exercise));
    p->set_sets(3);
    p->set_reps(12);
    p->mutable_load()->set_type(v1::LOAD_TYPE_BODYWEIGHT);
    p->set_sessions_per_week(3);
  }
  *program.mutable_create_time() =
      TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(created));
  *program.mutable_revision_create_time() = program.create_time();
  return program;
}

}  // namespace

absl::StatusOr<Dataset> LoadDataset(Store& store, const DatasetOptions& options,
                                    absl::Time now) {
  absl::BitGen random(std::seed_seq{options.seed});
  Dataset dataset;
  const ClinicName clinic{"bench"};
  dataset.clinic = clinic.ToString();
  v1::Clinic clinic_message;
  clinic_message.set_name(clinic.ToString());
  clinic_message.set_display_name("Benchmark clinic");
  GLUTECARE_RETURN_IF_ERROR(store.CreateClinic(clinic_message).status());

  const absl::CivilDay today = absl::ToCivilDay(now, absl::UTCTimeZone());
  const absl::CivilDay first_day = today - options.days;
  const absl::Time program_created =
      absl::FromCivil(first_day, absl::UTCTimeZone());
  for (int i = 0; i < options.patients; ++i) {
    const TherapistName therapist{"bench",
                                  absl::StrCat("t", i / kPatientsPerTherapist)};
    if (i % kPatientsPerTherapist == 0) {
      v1::Therapist t;
      t.set_name(therapist.ToString());
      t.set_display_name(therapist.therapist);
      GLUTECARE_RETURN_IF_ERROR(store.CreateTherapist(t).status());
    }
    const PatientName patient{"bench", absl::StrCat("p", i)};
    v1::Patient p;
    p.set_name(patient.ToString());
    p.set_display_name(absl::StrCat("Patient ", i));
    p.set_mrn(absl::StrCat("MRN-", i));
    p.set_time_zone("UTC");
    p.add_pain_areas(v1::PAIN_AREA_LOWER_BACK);
    p.set_therapist(therapist.ToString());
    p.set_baseline_pain(absl::Uniform(random, 3, 8));
    GLUTECARE_RETURN_IF_ERROR(store.CreatePatient(p).status());
    dataset.patients.push_back(patient.ToString());

    const ProgramName program{"bench", patient.patient, "main"};
    GLUTECARE_RETURN_IF_ERROR(
        store
            .CreateProgram(MakeProgram(program.ToString(), therapist.ToString(),
                                       first_day, program_created))
            .status());
    const std::string revision = absl::StrCat(program.ToString(), "@1");

    // Most patients keep to their program; some drift off.
    const double adherence = absl::Uniform(random, 0.3, 1.0);
    int pain = p.baseline_pain();
    for (absl::CivilDay day = first_day; day < today; ++day) {
      pain = std::clamp(pain + absl::Uniform(random, -1, 2), 0, 10);
      const int weekday = static_cast<int>(absl::GetWeekday(day));
      if (weekday % 2 == 0 && absl::Bernoulli(random, adherence)) {
        v1::Session s;
        s.set_name(SessionName{"bench", patient.patient, GenerateResourceId()}
                       .ToString());
        *s.mutable_perform_time() = TimeUtil::SecondsToTimestamp(
            absl::ToUnixSeconds(absl::FromCivil(day, absl::UTCTimeZone())) +
            18 * 3600);
        s.set_local_date(FormatDate(day));
        s.set_program_revision(revision);
        for (const char* exercise : kExercises) {
          v1::PerformedExercise* e = s.add_exercises();
          e->set_exercise(absl::StrCat("exercises/", exercise));
          e->set_sets(3);
          e->set_reps(absl::Uniform(random, 8, 13));
          e->mutable_load()->set_type(v1::LOAD_TYPE_BODYWEIGHT);
        }
        s.set_pain_before(pain);
        s.set_pain_after(
            std::clamp(pain + absl::Uniform(random, -1, 2), 0, 10));
        s.set_pain_area(v1::PAIN_AREA_LOWER_BACK);
        s.set_difficulty(v1::DIFFICULTY_ABOUT_RIGHT);
        *s.mutable_create_time() = s.perform_time();
        GLUTECARE_RETURN_IF_ERROR(
            store.CreateSession(s, GenerateResourceId()).status());
        ++dataset.sessions;
      }
      if ((day - first_day) % 2 == 0) {
        v1::PainReport r;
        r.set_name(
            PainReportName{"bench", patient.patient, GenerateResourceId()}
                .ToString());
        r.set_local_date(FormatDate(day));
        r.set_area(v1::PAIN_AREA_LOWER_BACK);
        r.set_score(pain);
        GLUTECARE_RETURN_IF_ERROR(
            store.CreatePainReport(r, GenerateResourceId()).status());
        ++dataset.pain_reports;
      }
    }
  }
  v1::AccessToken token;
  token.set_role(v1::ROLE_THERAPIST);
  token.set_subject(TherapistName{"bench", "t0"}.ToString());
  token.set_display_name("glutecare-bench");
  GLUTECARE_ASSIGN_OR_RETURN(
      MintedToken minted, MintAccessToken(store, clinic, token, "bench", now));
  dataset.therapist_token = std::move(minted.secret);
  return dataset;
}

}  // namespace glutecare::bench

// libFuzzer target, in process: the request validators
// (server/domain/validation.h, outcomes/questionnaires.h) on glutecare.v1
// requests, without gRPC or storage in the way.
//
// Byte 0 picks the request type (kChecks below, modulo its size); the rest
// is the request as serialized on the wire (Debian bookworm has no
// libprotobuf-mutator, so the fuzzer mutates bytes and the ones that do not
// parse are skipped). Each request
// goes through the checks its handler makes before it reads the store, in
// the same order and with the same field paths. What must hold:
// - every violation names a field of the request (its path from the request
//   root) and says what is wrong in printable text;
// - what passes is what the next steps take for granted: a session's local
//   date derives in any time zone, an update merged with its mask passes or
//   fails as a whole, checked answers score (or too many are skipped);
// - Utf8Length, which every text check rests on, agrees with protobuf's own
//   UTF-8 check on the raw bytes.
//
//   build-asan/fuzz/glutecare_validation_fuzzer fuzz/corpus/validation
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "fuzz/fuzz_check.h"
#include "glutecare/v1/access_service.pb.h"
#include "glutecare/v1/audit_service.pb.h"
#include "glutecare/v1/clinic_service.pb.h"
#include "glutecare/v1/outcome_service.pb.h"
#include "glutecare/v1/patient_service.pb.h"
#include "glutecare/v1/program_service.pb.h"
#include "glutecare/v1/report_service.pb.h"
#include "glutecare/v1/session_service.pb.h"
#include "google/protobuf/stubs/common.h"
#include "server/domain/calendar.h"
#include "server/domain/exercise_catalog.h"
#include "server/domain/outcomes/questionnaires.h"
#include "server/domain/outcomes/scoring.h"
#include "server/domain/resource_names.h"
#include "server/domain/text.h"
#include "server/domain/validation.h"
#include "tests/testing/builders.h"

namespace glutecare::fuzz {
namespace {

// The server's clock in every check: fixed, so that a finding replays.
// 2026-11-24T08:30:00Z.
const absl::Time kNow = absl::FromUnixSeconds(1795509000);

// Time zones a patient may live in, from UTC-12 to UTC+14 and one with a
// half-hour offset.
const absl::TimeZone* const kZones = [] {
  static absl::TimeZone zones[4];
  absl::LoadTimeZone("Etc/GMT+12", &zones[0]);
  absl::LoadTimeZone("Pacific/Kiritimati", &zones[1]);
  absl::LoadTimeZone("Asia/Kolkata", &zones[2]);
  zones[3] = absl::UTCTimeZone();
  return zones;
}();
constexpr int kZoneCount = 4;

// Adds the violations of a failed name parse to `violations`.
template <typename Name>
absl::StatusOr<Name> ParseName(absl::string_view text, absl::string_view field,
                               Violations& violations) {
  absl::StatusOr<Name> name = Name::Parse(text, field);
  if (!name.ok()) {
    CheckFieldViolations(name.status(), field);
    for (FieldViolation& v : FieldViolationsOf(name.status())) {
      violations.Add(std::move(v.field), std::move(v.description));
    }
  }
  return name;
}

// Checks `violations` and that each names one of `fields` or a path below it.
void CheckViolationsUnder(const Violations& violations,
                          std::initializer_list<absl::string_view> fields) {
  CheckViolationList(violations);
  for (const FieldViolation& v : violations.list()) {
    bool known = false;
    for (absl::string_view field : fields)
      known |= IsFieldOrBelow(v.field, field);
    GLUTECARE_FUZZ_CHECK(
        known, "a violation of ", v.field,
        ", a field the request does not have: ", v.description);
  }
  const absl::Status status = violations.ToStatus();
  GLUTECARE_FUZZ_CHECK(
      violations.empty() == status.ok() &&
          (status.ok() || status.code() == absl::StatusCode::kInvalidArgument),
      status.ToString());
}

template <typename Request>
bool Parse(absl::string_view bytes, Request& request) {
  return request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

void CheckCreateTherapist(absl::string_view bytes) {
  v1::CreateTherapistRequest request;
  if (!Parse(bytes, request)) return;
  Violations violations;
  (void)ParseName<ClinicName>(request.parent(), "parent", violations);
  CheckOptionalResourceId(request.therapist_id(), "therapist_id", violations);
  CheckTherapist(request.therapist(), "therapist", violations);
  CheckViolationsUnder(violations, {"parent", "therapist_id", "therapist"});
}

void CheckCreatePatient(absl::string_view bytes) {
  v1::CreatePatientRequest request;
  if (!Parse(bytes, request)) return;
  Violations violations;
  const absl::StatusOr<ClinicName> clinic =
      ParseName<ClinicName>(request.parent(), "parent", violations);
  CheckOptionalResourceId(request.patient_id(), "patient_id", violations);
  CheckPatient(request.patient(), clinic.value_or(ClinicName{"c1"}), "patient",
               violations);
  CheckViolationsUnder(violations, {"parent", "patient_id", "patient"});
  if (!violations.empty()) return;
  GLUTECARE_FUZZ_CHECK(LoadTimeZone(request.patient().time_zone(), "").ok(),
                       "a checked patient's time zone does not load: ",
                       Quoted(request.patient().time_zone()));
}

// Patient p1 of clinic c1 as stored; with `intake_done` false, imported with
// its intake pending.
v1::Patient StoredPatient(bool intake_done) {
  v1::Patient patient;
  patient.set_name("clinics/c1/patients/p1");
  patient.set_display_name("Ana Lima");
  patient.set_mrn("MRN-1");
  patient.set_time_zone("Europe/Berlin");
  patient.set_therapist("clinics/c1/therapists/t1");
  if (intake_done) {
    patient.add_pain_areas(v1::PAIN_AREA_HIP);
    patient.set_baseline_pain(4);
  }
  return patient;
}

void CheckUpdatePatient(absl::string_view bytes, bool intake_done) {
  v1::UpdatePatientRequest request;
  if (!Parse(bytes, request)) return;
  static const auto* const kUpdatable = new absl::flat_hash_set<std::string>{
      "display_name", "mrn",       "time_zone",
      "pain_areas",   "therapist", "baseline_pain"};
  Violations violations;
  const absl::StatusOr<PatientName> name = ParseName<PatientName>(
      request.patient().name(), "patient.name", violations);
  if (!name.ok()) return;
  const v1::Patient current = StoredPatient(intake_done);
  const absl::StatusOr<v1::Patient> updated = ApplyUpdateMask(
      current, request.patient(), request.update_mask(), *kUpdatable);
  if (!updated.ok()) {
    CheckFieldViolations(updated.status(), "update_mask");
    return;
  }
  GLUTECARE_FUZZ_CHECK(updated->name() == current.name(),
                       "an update mask changes the name to ",
                       Quoted(updated->name()));
  CheckPatient(*updated, name->parent(), "patient", violations,
               IntakeRuleForUpdate(current));
  CheckViolationsUnder(violations, {"patient"});
}

void CheckCreateProgram(absl::string_view bytes) {
  v1::CreateProgramRequest request;
  if (!Parse(bytes, request)) return;
  Violations violations;
  const absl::StatusOr<PatientName> patient =
      ParseName<PatientName>(request.parent(), "parent", violations);
  CheckOptionalResourceId(request.program_id(), "program_id", violations);
  CheckProgram(request.program(), ExerciseCatalog::Default(),
               patient.ok() ? patient->parent() : ClinicName{"c1"}, "program",
               violations);
  CheckViolationsUnder(violations, {"parent", "program_id", "program"});
}

void CheckUpdateProgram(absl::string_view bytes) {
  v1::UpdateProgramRequest request;
  if (!Parse(bytes, request)) return;
  static const auto* const kUpdatable = new absl::flat_hash_set<std::string>{
      "display_name",  "status",    "start_date", "end_date",
      "prescriptions", "therapist", "notes",      "missed_session_alert_days"};
  Violations violations;
  const absl::StatusOr<ProgramName> name = ParseName<ProgramName>(
      request.program().name(), "program.name", violations);
  if (!name.ok()) return;
  v1::Program current = testing::Program("2026-11-01");
  current.set_name(name->ToString());
  current.set_therapist(TherapistName{name->clinic, "t1"}.ToString());
  const absl::StatusOr<v1::Program> updated = ApplyUpdateMask(
      current, request.program(), request.update_mask(), *kUpdatable);
  if (!updated.ok()) {
    CheckFieldViolations(updated.status(), "update_mask");
    return;
  }
  CheckProgram(*updated, ExerciseCatalog::Default(), name->parent().parent(),
               "program", violations);
  CheckViolationsUnder(violations, {"program"});
}

// The local date that a checked session or pain report gets in each of
// kZones from `local_date`: a day ParseDate takes, or a violation of
// `field`, which with `must_derive` is a broken property.
void CheckLocalDates(
    absl::FunctionRef<absl::StatusOr<std::string>(absl::TimeZone)> local_date,
    absl::string_view field, bool must_derive) {
  for (int i = 0; i < kZoneCount; ++i) {
    const absl::StatusOr<std::string> day = local_date(kZones[i]);
    if (!day.ok()) {
      GLUTECARE_FUZZ_CHECK(!must_derive, "no ", field, " in ", kZones[i].name(),
                           ": ", day.status().ToString());
      CheckFieldViolations(day.status(), field);
      continue;
    }
    GLUTECARE_FUZZ_CHECK(ParseDate(*day, "").ok(), field, " ", Quoted(*day));
  }
}

void CheckCreateSession(absl::string_view bytes) {
  v1::CreateSessionRequest request;
  if (!Parse(bytes, request)) return;
  Violations violations;
  const absl::StatusOr<PatientName> patient =
      ParseName<PatientName>(request.parent(), "parent", violations);
  if (!patient.ok()) return;
  CheckRequestId(request.request_id(), "request_id", violations);
  CheckSession(request.session(), ExerciseCatalog::Default(), *patient, kNow,
               "session", violations);
  CheckViolationsUnder(violations, {"request_id", "session"});
  if (!violations.empty()) return;
  CheckLocalDates(
      [&](absl::TimeZone zone) {
        return SessionLocalDate(request.session(), zone, "session");
      },
      "session.local_date",
      /*must_derive=*/request.session().local_date().empty());
}

void CheckCreatePainReport(absl::string_view bytes) {
  v1::CreatePainReportRequest request;
  if (!Parse(bytes, request)) return;
  Violations violations;
  const absl::StatusOr<PatientName> patient =
      ParseName<PatientName>(request.parent(), "parent", violations);
  if (!patient.ok()) return;
  CheckRequestId(request.request_id(), "request_id", violations);
  CheckPainReport(request.pain_report(), "pain_report", violations);
  CheckViolationsUnder(violations, {"request_id", "pain_report"});
  if (!violations.empty()) return;
  CheckLocalDates(
      [&](absl::TimeZone zone) {
        return PainReportLocalDate(request.pain_report(), zone, kNow,
                                   "pain_report");
      },
      "pain_report.local_date", /*must_derive=*/false);
}

void CheckCreateAccessToken(absl::string_view bytes) {
  v1::CreateAccessTokenRequest request;
  if (!Parse(bytes, request)) return;
  Violations violations;
  const absl::StatusOr<ClinicName> clinic =
      ParseName<ClinicName>(request.parent(), "parent", violations);
  if (!clinic.ok()) return;
  CheckNewAccessToken(request.access_token(), *clinic, kNow, "access_token",
                      violations);
  CheckViolationsUnder(violations, {"access_token"});
}

void CheckReportRange(absl::string_view bytes) {
  v1::GetAdherenceReportRequest request;
  if (!Parse(bytes, request)) return;
  const absl::CivilDay today = LocalDay(kNow, absl::UTCTimeZone());
  const absl::StatusOr<DateRange> range =
      ResolveReportRange(request.start_date(), request.end_date(), today);
  if (!range.ok()) {
    CheckFieldViolations(range.status(), "");
    Violations violations;
    for (FieldViolation& v : FieldViolationsOf(range.status())) {
      violations.Add(std::move(v.field), std::move(v.description));
    }
    CheckViolationsUnder(violations, {"start_date", "end_date"});
    return;
  }
  GLUTECARE_FUZZ_CHECK(
      range->start <= range->end && range->end - range->start < kMaxReportDays,
      "a range of ", range->end - range->start + 1, " days");
}

// CheckTimestamp: a finite time, or a violation and InfinitePast().
void CheckTimestampField(const google::protobuf::Timestamp& timestamp,
                         absl::string_view field, Violations& violations) {
  const size_t before = violations.list().size();
  const absl::Time time = CheckTimestamp(timestamp, field, violations);
  const bool finite =
      time != absl::InfinitePast() && time != absl::InfiniteFuture();
  GLUTECARE_FUZZ_CHECK(finite == (violations.list().size() == before),
                       timestamp.ShortDebugString(), " checks as ",
                       absl::FormatTime(time), " with ",
                       violations.list().size() - before, " violations");
}

void CheckListAuditEvents(absl::string_view bytes) {
  v1::ListAuditEventsRequest request;
  if (!Parse(bytes, request)) return;
  Violations violations;
  (void)ParseName<ClinicName>(request.parent(), "parent", violations);
  const absl::StatusOr<int32_t> page_size =
      EffectivePageSize(request.page_size());
  if (!page_size.ok()) {
    CheckFieldViolations(page_size.status(), "page_size");
  } else {
    GLUTECARE_FUZZ_CHECK(*page_size >= 1 && *page_size <= kMaxPageSize,
                         "page size ", *page_size);
  }
  if (request.has_start_time()) {
    CheckTimestampField(request.start_time(), "start_time", violations);
  }
  if (request.has_end_time()) {
    CheckTimestampField(request.end_time(), "end_time", violations);
  }
  CheckViolationsUnder(violations, {"parent", "start_time", "end_time"});
}

// The clinic of glutecare-server bootstrap (an MRN system URI, a name).
void CheckClinicFields(absl::string_view bytes) {
  v1::Clinic clinic;
  if (!Parse(bytes, clinic)) return;
  Violations violations;
  CheckClinic(clinic, "clinic", violations);
  CheckViolationsUnder(violations, {"clinic"});
}

void CheckSubmitOutcomeResponse(absl::string_view bytes) {
  v1::SubmitOutcomeResponseRequest request;
  if (!Parse(bytes, request)) return;
  Violations violations;
  (void)ParseName<PatientName>(request.parent(), "parent", violations);
  CheckRequestId(request.request_id(), "request_id", violations);
  const v1::OutcomeResponse& submitted = request.outcome_response();
  const bool scored = submitted.measure() == v1::OUTCOME_MEASURE_ODI ||
                      submitted.measure() == v1::OUTCOME_MEASURE_LEFS;
  if (!scored) return;
  const outcomes::Answers answers = outcomes::AnswersInItemOrder(
      outcomes::QuestionnaireOf(submitted.measure()), submitted.answers(),
      "outcome_response.answers", violations);
  CheckViolationsUnder(violations,
                       {"parent", "request_id", "outcome_response.answers"});
  if (!violations.empty()) return;
  const absl::StatusOr<outcomes::OutcomeScore> score =
      outcomes::Score(outcomes::ToMeasure(submitted.measure()), answers);
  GLUTECARE_FUZZ_CHECK(
      score.ok() ||
          score.status().code() == absl::StatusCode::kFailedPrecondition,
      "checked answers fail to score: ", score.status().ToString());
}

// The raw bytes as text: the UTF-8 check every text field rests on agrees
// with protobuf's, which decides what reaches the validators at all.
void CheckUtf8(absl::string_view bytes) {
  const bool ours = Utf8Length(bytes).has_value();
  const bool protobufs = google::protobuf::internal::IsStructurallyValidUTF8(
      bytes.data(), static_cast<int>(bytes.size()));
  GLUTECARE_FUZZ_CHECK(ours == protobufs, Quoted(bytes), " is ",
                       ours ? "" : "not ", "valid UTF-8 here but ",
                       protobufs ? "" : "not ", "for protobuf");
  if (!ours) return;
  Violations violations;
  CheckDisplayName(bytes, "display_name", violations);
  CheckViolationsUnder(violations, {"display_name"});
  QuoteForMessage(bytes);
}

// What byte 0 picks, in order; the seeds of fuzz/corpus/validation start with
// their index.
constexpr Check kChecks[] = {
    CheckCreateTherapist,
    CheckCreatePatient,
    [](absl::string_view bytes) {
      CheckUpdatePatient(bytes, /*intake_done=*/true);
    },
    [](absl::string_view bytes) {
      CheckUpdatePatient(bytes, /*intake_done=*/false);
    },
    CheckCreateProgram,
    CheckUpdateProgram,
    CheckCreateSession,
    CheckCreatePainReport,
    CheckCreateAccessToken,
    CheckReportRange,
    CheckListAuditEvents,
    CheckSubmitOutcomeResponse,
    CheckClinicFields,
    CheckUtf8,
};

}  // namespace
}  // namespace glutecare::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  glutecare::fuzz::RunPickedCheck(glutecare::fuzz::kChecks, data, size);
  return 0;
}

#include "server/domain/validation.h"

#include <functional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "tests/testing/builders.h"

namespace glutecare {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const ClinicName kClinic{"demo"};
const PatientName kPatient{"demo", "p1"};
const absl::Time kNow = absl::FromCivil(
    absl::CivilSecond(2026, 11, 23, 12, 0, 0), absl::UTCTimeZone());

std::vector<std::string> FieldsOf(const Violations& violations) {
  std::vector<std::string> fields;
  for (const FieldViolation& v : violations.list()) fields.push_back(v.field);
  return fields;
}

v1::Patient ValidPatient() {
  v1::Patient p;
  p.set_display_name("Ada Example");
  p.set_mrn("MRN-0001");
  p.set_time_zone("Europe/Berlin");
  p.add_pain_areas(v1::PAIN_AREA_LOWER_BACK);
  p.set_therapist("clinics/demo/therapists/t1");
  p.set_baseline_pain(6);
  return p;
}

v1::Prescription Prescribe(const std::string& exercise, v1::LoadType load) {
  return testing::Prescription(exercise, 3, 12, load);
}

v1::Program ValidProgram() {
  v1::Program program = testing::Program(
      "2026-11-23", {Prescribe("glute-bridge", v1::LOAD_TYPE_BODYWEIGHT),
                     Prescribe("clamshell", v1::LOAD_TYPE_BAND_LIGHT),
                     Prescribe("bodyweight-squat", v1::LOAD_TYPE_BODYWEIGHT)});
  program.set_display_name("Glute strength, phase 1");
  return program;
}

v1::Session ValidSession() {
  v1::Session s = testing::Session("clinics/demo/patients/p1/programs/g1@1");
  *s.mutable_perform_time() =
      google::protobuf::util::TimeUtil::SecondsToTimestamp(
          absl::ToUnixSeconds(kNow - absl::Hours(1)));
  s.set_pain_before(4);
  s.set_pain_after(3);
  s.set_pain_area(v1::PAIN_AREA_LOWER_BACK);
  s.set_difficulty(v1::DIFFICULTY_ABOUT_RIGHT);
  return s;
}

TEST(EffectivePageSize, DefaultsAndBounds) {
  EXPECT_EQ(*EffectivePageSize(0), kDefaultPageSize);
  EXPECT_EQ(*EffectivePageSize(1), 1);
  EXPECT_EQ(*EffectivePageSize(kMaxPageSize), kMaxPageSize);
  EXPECT_EQ(EffectivePageSize(-1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      FieldViolationsOf(EffectivePageSize(kMaxPageSize + 1).status())[0].field,
      "page_size");
}

TEST(CheckPatient, AcceptsAValidPatient) {
  Violations violations;
  CheckPatient(ValidPatient(), kClinic, "patient", violations);
  EXPECT_THAT(FieldsOf(violations), IsEmpty());
}

TEST(CheckPatient, IntakeMayBePendingOnlyWhereTheRuleSaysSo) {
  v1::Patient pending = ValidPatient();
  pending.clear_pain_areas();
  pending.clear_baseline_pain();
  Violations complete;
  CheckPatient(pending, kClinic, "patient", complete);
  EXPECT_THAT(FieldsOf(complete),
              ElementsAre("patient.pain_areas", "patient.baseline_pain"));
  Violations imported;
  CheckPatient(pending, kClinic, "patient", imported, kIntakeMayBePending);
  EXPECT_THAT(FieldsOf(imported), IsEmpty());

  // An update completes intake but never undoes it.
  Violations update;
  CheckPatient(pending, kClinic, "patient", update,
               IntakeRuleForUpdate(ValidPatient()));
  EXPECT_THAT(FieldsOf(update),
              ElementsAre("patient.pain_areas", "patient.baseline_pain"));
  Violations still_pending;
  CheckPatient(pending, kClinic, "patient", still_pending,
               IntakeRuleForUpdate(pending));
  EXPECT_THAT(FieldsOf(still_pending), IsEmpty());

  // What is there is checked either way.
  pending.add_pain_areas(v1::PAIN_AREA_HIP);
  pending.add_pain_areas(v1::PAIN_AREA_HIP);
  pending.set_baseline_pain(11);
  Violations bad;
  CheckPatient(pending, kClinic, "patient", bad, kIntakeMayBePending);
  EXPECT_THAT(FieldsOf(bad),
              ElementsAre("patient.pain_areas[1]", "patient.baseline_pain"));
}

TEST(CheckPatient, NamesEachBadField) {
  struct Case {
    const char* name;
    std::function<void(v1::Patient&)> mutate;
    const char* field;
  };
  const Case cases[] = {
      {"empty name", [](v1::Patient& p) { p.clear_display_name(); },
       "patient.display_name"},
      {"blank name", [](v1::Patient& p) { p.set_display_name("   "); },
       "patient.display_name"},
      {"long name",
       [](v1::Patient& p) { p.set_display_name(std::string(201, 'x')); },
       "patient.display_name"},
      {"invalid utf-8", [](v1::Patient& p) { p.set_display_name("Ada \xC3"); },
       "patient.display_name"},
      {"control char",
       [](v1::Patient& p) { p.set_display_name("Ada\nLovelace"); },
       "patient.display_name"},
      {"no mrn", [](v1::Patient& p) { p.clear_mrn(); }, "patient.mrn"},
      {"mrn with space", [](v1::Patient& p) { p.set_mrn("MRN 1"); },
       "patient.mrn"},
      {"long mrn", [](v1::Patient& p) { p.set_mrn(std::string(65, '1')); },
       "patient.mrn"},
      {"unknown zone",
       [](v1::Patient& p) { p.set_time_zone("Europe/Atlantis"); },
       "patient.time_zone"},
      {"no zone", [](v1::Patient& p) { p.clear_time_zone(); },
       "patient.time_zone"},
      {"no areas", [](v1::Patient& p) { p.clear_pain_areas(); },
       "patient.pain_areas"},
      {"unspecified area",
       [](v1::Patient& p) { p.add_pain_areas(v1::PAIN_AREA_UNSPECIFIED); },
       "patient.pain_areas[1]"},
      {"unknown area",
       [](v1::Patient& p) { p.add_pain_areas(static_cast<v1::PainArea>(42)); },
       "patient.pain_areas[1]"},
      {"duplicate area",
       [](v1::Patient& p) { p.add_pain_areas(v1::PAIN_AREA_LOWER_BACK); },
       "patient.pain_areas[1]"},
      {"no therapist", [](v1::Patient& p) { p.clear_therapist(); },
       "patient.therapist"},
      {"other clinic",
       [](v1::Patient& p) { p.set_therapist("clinics/other/therapists/t1"); },
       "patient.therapist"},
      {"no baseline", [](v1::Patient& p) { p.clear_baseline_pain(); },
       "patient.baseline_pain"},
      {"baseline 11", [](v1::Patient& p) { p.set_baseline_pain(11); },
       "patient.baseline_pain"},
      {"baseline -1", [](v1::Patient& p) { p.set_baseline_pain(-1); },
       "patient.baseline_pain"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    v1::Patient patient = ValidPatient();
    c.mutate(patient);
    Violations violations;
    CheckPatient(patient, kClinic, "patient", violations);
    EXPECT_THAT(FieldsOf(violations), ElementsAre(c.field));
  }
}

TEST(CheckPatient, PainScaleEdgesAreInclusive) {
  for (int pain : {0, 10}) {
    v1::Patient patient = ValidPatient();
    patient.set_baseline_pain(pain);
    Violations violations;
    CheckPatient(patient, kClinic, "patient", violations);
    EXPECT_TRUE(violations.empty()) << pain;
  }
}

TEST(CheckProgram, AcceptsTheThreeCoreExercises) {
  Violations violations;
  CheckProgram(ValidProgram(), ExerciseCatalog::Default(), kClinic, "program",
               violations);
  EXPECT_THAT(FieldsOf(violations), IsEmpty());
}

TEST(CheckProgram, NamesEachBadField) {
  struct Case {
    const char* name;
    std::function<void(v1::Program&)> mutate;
    const char* field;
  };
  const Case cases[] = {
      {"no title", [](v1::Program& p) { p.clear_display_name(); },
       "program.display_name"},
      {"no status", [](v1::Program& p) { p.clear_status(); }, "program.status"},
      {"unknown status",
       [](v1::Program& p) { p.set_status(static_cast<v1::ProgramStatus>(9)); },
       "program.status"},
      {"no start", [](v1::Program& p) { p.clear_start_date(); },
       "program.start_date"},
      {"bad start", [](v1::Program& p) { p.set_start_date("23.11.2026"); },
       "program.start_date"},
      {"end before start", [](v1::Program& p) { p.set_end_date("2026-11-22"); },
       "program.end_date"},
      {"no exercises", [](v1::Program& p) { p.clear_prescriptions(); },
       "program.prescriptions"},
      {"unknown exercise",
       [](v1::Program& p) {
         p.mutable_prescriptions(0)->set_exercise("exercises/deadlift");
       },
       "program.prescriptions[0].exercise"},
      {"malformed exercise",
       [](v1::Program& p) {
         p.mutable_prescriptions(0)->set_exercise("glute-bridge");
       },
       "program.prescriptions[0].exercise"},
      {"duplicate exercise",
       [](v1::Program& p) { *p.add_prescriptions() = p.prescriptions(0); },
       "program.prescriptions[3].exercise"},
      {"zero sets",
       [](v1::Program& p) { p.mutable_prescriptions(1)->set_sets(0); },
       "program.prescriptions[1].sets"},
      {"11 sets",
       [](v1::Program& p) { p.mutable_prescriptions(1)->set_sets(11); },
       "program.prescriptions[1].sets"},
      {"no reps",
       [](v1::Program& p) { p.mutable_prescriptions(1)->set_reps(0); },
       "program.prescriptions[1].reps"},
      {"101 reps",
       [](v1::Program& p) { p.mutable_prescriptions(1)->set_reps(101); },
       "program.prescriptions[1].reps"},
      {"reps and hold",
       [](v1::Program& p) { p.mutable_prescriptions(0)->set_hold_seconds(30); },
       "program.prescriptions[0].hold_seconds"},
      {"hold too long",
       [](v1::Program& p) {
         p.mutable_prescriptions(0)->clear_reps();
         p.mutable_prescriptions(0)->set_hold_seconds(301);
       },
       "program.prescriptions[0].hold_seconds"},
      {"no load",
       [](v1::Program& p) { p.mutable_prescriptions(0)->clear_load(); },
       "program.prescriptions[0].load"},
      {"load not for exercise",
       [](v1::Program& p) {
         p.mutable_prescriptions(1)->mutable_load()->set_type(
             v1::LOAD_TYPE_EXTERNAL_WEIGHT);
         p.mutable_prescriptions(1)->mutable_load()->set_weight_kg(5);
       },
       "program.prescriptions[1].load.type"},
      {"weight without kg",
       [](v1::Program& p) {
         p.mutable_prescriptions(0)->mutable_load()->set_type(
             v1::LOAD_TYPE_EXTERNAL_WEIGHT);
       },
       "program.prescriptions[0].load.weight_kg"},
      {"kg on a band",
       [](v1::Program& p) {
         p.mutable_prescriptions(1)->mutable_load()->set_weight_kg(2);
       },
       "program.prescriptions[1].load.weight_kg"},
      {"odd kg",
       [](v1::Program& p) {
         p.mutable_prescriptions(0)->mutable_load()->set_type(
             v1::LOAD_TYPE_EXTERNAL_WEIGHT);
         p.mutable_prescriptions(0)->mutable_load()->set_weight_kg(2.1);
       },
       "program.prescriptions[0].load.weight_kg"},
      {"nan kg",
       [](v1::Program& p) {
         p.mutable_prescriptions(0)->mutable_load()->set_type(
             v1::LOAD_TYPE_EXTERNAL_WEIGHT);
         p.mutable_prescriptions(0)->mutable_load()->set_weight_kg(
             std::nan(""));
       },
       "program.prescriptions[0].load.weight_kg"},
      {"15 per week",
       [](v1::Program& p) {
         p.mutable_prescriptions(2)->set_sessions_per_week(15);
       },
       "program.prescriptions[2].sessions_per_week"},
      {"other clinic therapist",
       [](v1::Program& p) { p.set_therapist("clinics/x/therapists/t"); },
       "program.therapist"},
      {"long notes",
       [](v1::Program& p) { p.set_notes(std::string(2001, 'n')); },
       "program.notes"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    v1::Program program = ValidProgram();
    c.mutate(program);
    Violations violations;
    CheckProgram(program, ExerciseCatalog::Default(), kClinic, "program",
                 violations);
    EXPECT_THAT(FieldsOf(violations), ElementsAre(c.field));
  }
}

TEST(CheckProgram, AcceptsHoldsAndExternalWeights) {
  v1::Program program = ValidProgram();
  program.mutable_prescriptions(0)->clear_reps();
  program.mutable_prescriptions(0)->set_hold_seconds(30);
  *program.add_prescriptions() =
      Prescribe("goblet-squat", v1::LOAD_TYPE_EXTERNAL_WEIGHT);
  program.mutable_prescriptions(3)->mutable_load()->set_weight_kg(8.25);
  program.set_end_date("2026-11-23");  // a one-day program is allowed
  Violations violations;
  CheckProgram(program, ExerciseCatalog::Default(), kClinic, "program",
               violations);
  EXPECT_THAT(FieldsOf(violations), IsEmpty());
}

TEST(CheckSession, AcceptsAValidSession) {
  Violations violations;
  CheckSession(ValidSession(), ExerciseCatalog::Default(), kPatient, kNow,
               "session", violations);
  EXPECT_THAT(FieldsOf(violations), IsEmpty());
}

// The service resolves an empty program revision, or one without
// `@{revision_id}`, to the revision in force at perform_time.
TEST(CheckSession, AcceptsAProgramWithoutRevisionOrNone) {
  for (const char* revision : {"", "clinics/demo/patients/p1/programs/g1"}) {
    SCOPED_TRACE(revision);
    v1::Session session = ValidSession();
    session.set_program_revision(revision);
    Violations violations;
    CheckSession(session, ExerciseCatalog::Default(), kPatient, kNow, "session",
                 violations);
    EXPECT_THAT(FieldsOf(violations), IsEmpty());
  }
}

TEST(CheckSession, NamesEachBadField) {
  struct Case {
    const char* name;
    std::function<void(v1::Session&)> mutate;
    const char* field;
  };
  const Case cases[] = {
      {"no time", [](v1::Session& s) { s.clear_perform_time(); },
       "session.perform_time"},
      {"in the future",
       [](v1::Session& s) {
         s.mutable_perform_time()->set_seconds(
             absl::ToUnixSeconds(kNow + absl::Hours(1)));
       },
       "session.perform_time"},
      {"far future",
       [](v1::Session& s) {
         s.mutable_perform_time()->set_seconds(253402300799);
       },
       "session.perform_time"},
      {"before 2000",
       [](v1::Session& s) { s.mutable_perform_time()->set_seconds(0); },
       "session.perform_time"},
      {"bad nanos",
       [](v1::Session& s) { s.mutable_perform_time()->set_nanos(-1); },
       "session.perform_time"},
      {"bad local date", [](v1::Session& s) { s.set_local_date("2026-11-31"); },
       "session.local_date"},
      {"revision 0",
       [](v1::Session& s) {
         s.set_program_revision("clinics/demo/patients/p1/programs/g1@0");
       },
       "session.program_revision"},
      {"not a program name",
       [](v1::Session& s) {
         s.set_program_revision("clinics/demo/patients/p1/sessions/g1");
       },
       "session.program_revision"},
      {"other patient's program",
       [](v1::Session& s) {
         s.set_program_revision("clinics/demo/patients/p2/programs/g1@1");
       },
       "session.program_revision"},
      {"other patient's program, no revision",
       [](v1::Session& s) {
         s.set_program_revision("clinics/demo/patients/p2/programs/g1");
       },
       "session.program_revision"},
      {"no exercises", [](v1::Session& s) { s.clear_exercises(); },
       "session.exercises"},
      {"unknown exercise",
       [](v1::Session& s) {
         s.mutable_exercises(0)->set_exercise("exercises/burpee");
       },
       "session.exercises[0].exercise"},
      {"zero sets", [](v1::Session& s) { s.mutable_exercises(0)->set_sets(0); },
       "session.exercises[0].sets"},
      {"201 reps",
       [](v1::Session& s) { s.mutable_exercises(0)->set_reps(201); },
       "session.exercises[0].reps"},
      {"no pain before", [](v1::Session& s) { s.clear_pain_before(); },
       "session.pain_before"},
      {"pain before 11", [](v1::Session& s) { s.set_pain_before(11); },
       "session.pain_before"},
      {"pain after -1", [](v1::Session& s) { s.set_pain_after(-1); },
       "session.pain_after"},
      {"unknown area",
       [](v1::Session& s) { s.set_pain_area(static_cast<v1::PainArea>(42)); },
       "session.pain_area"},
      {"no difficulty", [](v1::Session& s) { s.clear_difficulty(); },
       "session.difficulty"},
      {"unknown difficulty",
       [](v1::Session& s) { s.set_difficulty(static_cast<v1::Difficulty>(7)); },
       "session.difficulty"},
      {"bad notes", [](v1::Session& s) { s.set_notes("\xFF"); },
       "session.notes"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    v1::Session session = ValidSession();
    c.mutate(session);
    Violations violations;
    CheckSession(session, ExerciseCatalog::Default(), kPatient, kNow, "session",
                 violations);
    EXPECT_THAT(FieldsOf(violations), ElementsAre(c.field));
  }
}

TEST(CheckSession, ReportsEveryBadFieldAtOnce) {
  v1::Session session = ValidSession();
  session.set_pain_before(12);
  session.set_pain_after(-3);
  session.clear_difficulty();
  Violations violations;
  CheckSession(session, ExerciseCatalog::Default(), kPatient, kNow, "session",
               violations);
  EXPECT_THAT(FieldsOf(violations),
              ElementsAre("session.pain_before", "session.pain_after",
                          "session.difficulty"));
  absl::Status status = violations.ToStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(status).size(), 3u);
  EXPECT_NE(status.message().find("session.pain_before"),
            absl::string_view::npos);
}

TEST(SessionLocalDate, DerivesTheLocalDayAndChecksAGivenOne) {
  absl::TimeZone los_angeles;
  ASSERT_TRUE(absl::LoadTimeZone("America/Los_Angeles", &los_angeles));
  v1::Session session = ValidSession();
  // 2026-11-23 23:30 in Los Angeles is 2026-11-24 07:30 UTC.
  session.mutable_perform_time()->set_seconds(
      absl::ToUnixSeconds(absl::FromCivil(
          absl::CivilSecond(2026, 11, 23, 23, 30, 0), los_angeles)));
  EXPECT_EQ(*SessionLocalDate(session, los_angeles, "session"), "2026-11-23");
  session.set_local_date("2026-11-23");
  EXPECT_TRUE(SessionLocalDate(session, los_angeles, "session").ok());
  session.set_local_date("2026-11-24");
  absl::StatusOr<std::string> wrong =
      SessionLocalDate(session, los_angeles, "session");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(FieldViolationsOf(wrong.status())[0].field, "session.local_date");
}

TEST(PainReportLocalDate, DefaultsToTodayAndRefusesTomorrow) {
  absl::TimeZone tokyo;
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Tokyo", &tokyo));
  v1::PainReport report;
  // kNow is 12:00 UTC on 2026-11-23, which is 21:00 in Tokyo.
  EXPECT_EQ(*PainReportLocalDate(report, tokyo, kNow, "pain_report"),
            "2026-11-23");
  report.set_local_date("2026-11-20");
  EXPECT_EQ(*PainReportLocalDate(report, tokyo, kNow, "pain_report"),
            "2026-11-20");
  report.set_local_date("2026-11-24");
  EXPECT_FALSE(PainReportLocalDate(report, tokyo, kNow, "pain_report").ok());
  // At 16:00 UTC it is already the 24th in Tokyo.
  EXPECT_TRUE(
      PainReportLocalDate(report, tokyo, kNow + absl::Hours(4), "pain_report")
          .ok());
}

TEST(CheckPainReport, NamesEachBadField) {
  v1::PainReport report;
  report.set_area(v1::PAIN_AREA_KNEE);
  report.set_score(5);
  {
    Violations violations;
    CheckPainReport(report, "pain_report", violations);
    EXPECT_TRUE(violations.empty());
  }
  report.clear_score();
  report.set_area(v1::PAIN_AREA_UNSPECIFIED);
  report.set_local_date("yesterday");
  report.set_note(std::string(1001, 'n'));
  Violations violations;
  CheckPainReport(report, "pain_report", violations);
  EXPECT_THAT(FieldsOf(violations),
              ElementsAre("pain_report.local_date", "pain_report.area",
                          "pain_report.score", "pain_report.note"));
}

TEST(CheckRequestId, AcceptsUuidsAndRejectsOthers) {
  for (const char* ok :
       {"", "8f14e45f-ceea-4e7a-9f0e-2b0e5f4a1c2d", "retry_1"}) {
    Violations violations;
    CheckRequestId(ok, "request_id", violations);
    EXPECT_TRUE(violations.empty()) << ok;
  }
  for (const std::string& bad : {std::string("has space"), std::string(65, 'a'),
                                 std::string("semi;colon")}) {
    Violations violations;
    CheckRequestId(bad, "request_id", violations);
    EXPECT_THAT(FieldsOf(violations), ElementsAre("request_id")) << bad;
  }
}

TEST(ApplyUpdateMask, CopiesOnlyMaskedFieldsAndReplacesLists) {
  v1::Patient current = ValidPatient();
  current.add_pain_areas(v1::PAIN_AREA_HIP);
  v1::Patient update;
  update.set_display_name("Ada Lovelace");
  update.add_pain_areas(v1::PAIN_AREA_KNEE);
  update.set_mrn("ignored");
  google::protobuf::FieldMask mask;
  mask.add_paths("display_name");
  mask.add_paths("pain_areas");
  const absl::flat_hash_set<std::string> allowed = {"display_name", "mrn",
                                                    "pain_areas"};
  absl::StatusOr<v1::Patient> merged =
      ApplyUpdateMask(current, update, mask, allowed);
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(merged->display_name(), "Ada Lovelace");
  EXPECT_EQ(merged->mrn(), "MRN-0001");
  ASSERT_EQ(merged->pain_areas_size(), 1);
  EXPECT_EQ(merged->pain_areas(0), v1::PAIN_AREA_KNEE);
  EXPECT_EQ(merged->baseline_pain(), 6);
}

TEST(ApplyUpdateMask, RejectsPathsOutsideTheAllowedSet) {
  google::protobuf::FieldMask mask;
  mask.add_paths("name");
  absl::StatusOr<v1::Patient> merged =
      ApplyUpdateMask(ValidPatient(), v1::Patient(), mask, {"display_name"});
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(FieldViolationsOf(merged.status())[0].field, "update_mask");
}

}  // namespace
}  // namespace glutecare

#include "server/domain/fhir/export.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "server/domain/fhir/codes.h"
#include "server/domain/outcomes/questionnaires.h"
#include "tests/testing/builders.h"

namespace glutecare::fhir {
namespace {

using google::protobuf::util::TimeUtil;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

google::protobuf::Timestamp At(const std::string& rfc3339) {
  google::protobuf::Timestamp time;
  EXPECT_TRUE(TimeUtil::FromString(rfc3339, &time)) << rfc3339;
  return time;
}

v1::Patient Ana() {
  v1::Patient patient = testing::Patient("demo", "ana", "MRN-1002", "tess");
  patient.set_display_name("Ana Silva");
  patient.set_time_zone("America/New_York");
  patient.clear_pain_areas();
  patient.add_pain_areas(v1::PAIN_AREA_KNEE);
  patient.add_pain_areas(v1::PAIN_AREA_HIP);
  *patient.mutable_create_time() = At("2026-03-01T09:00:00Z");
  *patient.mutable_update_time() = At("2026-03-02T10:30:00Z");
  return patient;
}

v1::Program KneeProgram() {
  v1::Prescription bridge = testing::Prescription("glute-bridge");
  bridge.clear_reps();
  bridge.set_hold_seconds(30);
  v1::Prescription clamshell =
      testing::Prescription("clamshell", 3, 15, v1::LOAD_TYPE_BAND_MEDIUM);
  clamshell.set_notes("Slowly.");
  v1::Prescription squat = testing::Prescription(
      "goblet-squat", 3, 10, v1::LOAD_TYPE_EXTERNAL_WEIGHT, 2);
  squat.mutable_load()->set_weight_kg(8);
  v1::Program program =
      testing::Program("2026-03-01", {bridge, clamshell, squat});
  program.set_name("clinics/demo/patients/ana/programs/knee-1");
  program.set_revision_id(2);
  program.set_display_name("Knee, phase 1");
  program.set_therapist("clinics/demo/therapists/tess");
  program.set_notes("Stop if the knee swells.");
  *program.mutable_create_time() = At("2026-03-01T09:10:00Z");
  *program.mutable_revision_create_time() = At("2026-03-15T09:10:00Z");
  return program;
}

v1::Session Session(const std::string& id, const std::string& created) {
  v1::PerformedExercise bridge = testing::Performed("glute-bridge");
  bridge.clear_reps();
  bridge.set_hold_seconds(30);
  v1::Session session =
      testing::Session("clinics/demo/patients/ana/programs/knee-1@2", {bridge});
  session.set_name("clinics/demo/patients/ana/sessions/" + id);
  *session.mutable_perform_time() = At("2026-03-16T18:00:00Z");
  session.set_local_date("2026-03-16");
  session.set_pain_before(4);
  session.set_pain_after(3);
  session.set_pain_area(v1::PAIN_AREA_KNEE);
  session.set_difficulty(v1::DIFFICULTY_TOO_EASY);
  session.set_notes("Felt strong.");
  *session.mutable_create_time() = At(created);
  return session;
}

TEST(ResourceTypeTest, NamesRoundTrip) {
  for (ResourceType type : kResourceTypes) {
    EXPECT_EQ(ParseResourceType(ResourceTypeName(type)), type);
  }
  EXPECT_EQ(ParseResourceType("patient"), std::nullopt);
  EXPECT_EQ(ParseResourceType("Encounter"), std::nullopt);
}

TEST(ResourceTypesOfTest, NoneMeansEveryTypeAndTheOrderIsTheExports) {
  Violations violations;
  EXPECT_EQ(ResourceTypesOf({}, "resource_types", violations).size(),
            std::size(kResourceTypes));
  EXPECT_THAT(ResourceTypesOf({"Observation", "Patient"}, "resource_types",
                              violations),
              ElementsAre(ResourceType::kPatient, ResourceType::kObservation));
  EXPECT_TRUE(violations.empty());
}

TEST(ResourceTypesOfTest, UnknownAndRepeatedTypesAreViolations) {
  Violations violations;
  ResourceTypesOf({"Patient", "Encounter", "Patient"}, "resource_types",
                  violations);
  ASSERT_EQ(violations.list().size(), 2u);
  EXPECT_EQ(violations.list()[0].field, "resource_types[1]");
  EXPECT_THAT(violations.list()[0].description,
              HasSubstr("\"Encounter\" is not a resource type of the export"));
  EXPECT_EQ(violations.list()[1].field, "resource_types[2]");
  EXPECT_THAT(violations.list()[1].description, HasSubstr("listed twice"));
}

TEST(PatientResourceTest, CarriesTheMrnInTheClinicsSystemAndTheExtensions) {
  const Json patient = PatientResource(Ana(), "urn:oid:1.2.3");
  EXPECT_EQ(patient["resourceType"], "Patient");
  EXPECT_EQ(patient["id"], "ana");
  EXPECT_EQ(patient["meta"]["lastUpdated"], "2026-03-02T10:30:00Z");
  const Json& mrn = patient["identifier"][0];
  EXPECT_EQ(mrn["system"], "urn:oid:1.2.3");
  EXPECT_EQ(mrn["value"], "MRN-1002");
  EXPECT_EQ(mrn["type"]["coding"][0]["code"], "MR");
  EXPECT_EQ(patient["identifier"][1]["system"], kResourceNameSystem);
  EXPECT_EQ(patient["identifier"][1]["value"], "clinics/demo/patients/ana");
  EXPECT_EQ(patient["name"][0]["text"], "Ana Silva");
  EXPECT_EQ(patient["generalPractitioner"][0]["reference"],
            "Practitioner/tess");

  const Json& extensions = patient["extension"];
  ASSERT_EQ(extensions.size(), 4u);
  EXPECT_EQ(extensions[0]["url"], kTimeZoneExtension);
  EXPECT_EQ(extensions[0]["valueCode"], "America/New_York");
  EXPECT_EQ(extensions[1]["url"], kPainAreaExtension);
  EXPECT_EQ(extensions[1]["valueCodeableConcept"]["coding"][0]["system"],
            kSnomedSystem);
  EXPECT_EQ(extensions[1]["valueCodeableConcept"]["coding"][0]["code"],
            kKneeCode);
  EXPECT_EQ(extensions[2]["valueCodeableConcept"]["coding"][0]["code"],
            kHipCode);
  EXPECT_EQ(extensions[3]["url"], kBaselinePainExtension);
  EXPECT_EQ(extensions[3]["valueInteger"], 5);
}

TEST(PatientResourceTest, PendingIntakeLeavesOutPainAreasAndBaseline) {
  v1::Patient patient = Ana();
  patient.clear_pain_areas();
  patient.clear_baseline_pain();
  const Json resource = PatientResource(patient, "urn:oid:1.2.3");
  ASSERT_EQ(resource["extension"].size(), 1u);
  EXPECT_EQ(resource["extension"][0]["url"], kTimeZoneExtension);
}

TEST(PatientResourceTest, WithoutAnIdentifierSystemTheMrnHasNone) {
  const Json patient = PatientResource(Ana(), "");
  EXPECT_FALSE(patient["identifier"][0].contains("system"));
  EXPECT_EQ(patient["identifier"][0]["value"], "MRN-1002");
}

TEST(PractitionerResourceTest, IsTheTherapist) {
  v1::Therapist therapist;
  therapist.set_name("clinics/demo/therapists/tess");
  therapist.set_display_name("Tess Grant");
  *therapist.mutable_create_time() = At("2026-01-01T00:00:00Z");
  const Json resource = PractitionerResource(therapist);
  EXPECT_EQ(resource["resourceType"], "Practitioner");
  EXPECT_EQ(resource["id"], "tess");
  EXPECT_EQ(resource["name"][0]["text"], "Tess Grant");
  EXPECT_EQ(resource["meta"]["lastUpdated"], "2026-01-01T00:00:00Z");
}

TEST(CarePlanResourceTest, HasOneActivityPerPrescribedExercise) {
  const Json plan =
      CarePlanResource(KneeProgram(), ExerciseCatalog::Default(), {});
  EXPECT_EQ(plan["resourceType"], "CarePlan");
  EXPECT_EQ(plan["id"], "ana.knee-1");
  // Sessions change a CarePlan within one revision: no versionId.
  EXPECT_FALSE(plan["meta"].contains("versionId"));
  EXPECT_EQ(plan["meta"]["lastUpdated"], "2026-03-15T09:10:00Z");
  EXPECT_EQ(plan["status"], "active");
  EXPECT_EQ(plan["intent"], "plan");
  EXPECT_EQ(plan["category"][0]["coding"][0]["code"], kPhysicalTherapyCode);
  EXPECT_EQ(plan["subject"]["reference"], "Patient/ana");
  EXPECT_EQ(plan["author"]["reference"], "Practitioner/tess");
  EXPECT_EQ(plan["period"]["start"], "2026-03-01");
  EXPECT_EQ(plan["note"][0]["text"], "Stop if the knee swells.");
  ASSERT_EQ(plan["activity"].size(), 3u);

  const Json& bridge = plan["activity"][0]["detail"];
  EXPECT_EQ(bridge["code"]["coding"][0]["system"], kSnomedSystem);
  EXPECT_EQ(bridge["code"]["coding"][0]["code"], kExerciseTherapyCode);
  EXPECT_EQ(bridge["code"]["coding"][1]["system"], kExerciseCodeSystem);
  EXPECT_EQ(bridge["code"]["coding"][1]["code"], "glute-bridge");
  EXPECT_EQ(bridge["status"], "in-progress");
  EXPECT_EQ(bridge["scheduledTiming"]["repeat"]["frequency"], 3);
  EXPECT_EQ(bridge["scheduledTiming"]["repeat"]["period"], 1);
  EXPECT_EQ(bridge["scheduledTiming"]["repeat"]["periodUnit"], "wk");
  EXPECT_EQ(bridge["dailyAmount"]["value"], 3);
  EXPECT_EQ(bridge["dailyAmount"]["code"], kSetUnit);
  EXPECT_EQ(bridge["quantity"]["value"], 30);
  EXPECT_EQ(bridge["quantity"]["code"], "s");
  EXPECT_EQ(bridge["description"],
            "Glute bridge: 3 x 30 s holds, body weight, 3 sessions a week");

  const Json& clamshell = plan["activity"][1]["detail"];
  EXPECT_EQ(clamshell["quantity"]["value"], 15);
  EXPECT_EQ(clamshell["quantity"]["code"], kRepetitionUnit);
  EXPECT_THAT(clamshell["description"].get<std::string>(),
              HasSubstr("3 x 15 reps, medium band, 3 sessions a week. Slowly."));
  EXPECT_THAT(plan["activity"][2]["detail"]["description"].get<std::string>(),
              HasSubstr("3 x 10 reps, 8 kg, 2 sessions a week"));
  EXPECT_FALSE(plan["activity"][0].contains("outcomeReference"));
}

TEST(CarePlanResourceTest, TwoSessionsOnADayHaveNoDailyAmount) {
  v1::Program program = KneeProgram();
  program.mutable_prescriptions(0)->set_sessions_per_week(10);
  const Json plan = CarePlanResource(program, ExerciseCatalog::Default(), {});
  const Json& twice = plan["activity"][0]["detail"];
  EXPECT_EQ(twice["scheduledTiming"]["repeat"]["frequency"], 10);
  EXPECT_FALSE(twice.contains("dailyAmount"));
  EXPECT_TRUE(plan["activity"][1]["detail"].contains("dailyAmount"));
}

TEST(CarePlanResourceTest, StatusFollowsTheProgram) {
  struct Case {
    v1::ProgramStatus program;
    std::string plan;
    std::string activity;
  };
  const Case cases[] = {
      {v1::PROGRAM_STATUS_ACTIVE, "active", "in-progress"},
      {v1::PROGRAM_STATUS_PAUSED, "on-hold", "on-hold"},
      {v1::PROGRAM_STATUS_COMPLETED, "completed", "completed"},
      {v1::PROGRAM_STATUS_DISCONTINUED, "revoked", "stopped"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(v1::ProgramStatus_Name(c.program));
    v1::Program program = KneeProgram();
    program.set_status(c.program);
    const Json plan = CarePlanResource(program, ExerciseCatalog::Default(), {});
    EXPECT_EQ(plan["status"], c.plan);
    EXPECT_EQ(plan["activity"][0]["detail"]["status"], c.activity);
  }
}

TEST(CarePlanResourceTest, ActivitiesListTheSessionsThatDidTheirExercise) {
  SessionOutcomes outcomes;
  outcomes.Add(Session("s2", "2026-03-20T18:01:00Z"));  // the bridge only
  v1::Session both = Session("s1", "2026-03-16T18:01:00Z");
  v1::PerformedExercise* clamshell = both.add_exercises();
  clamshell->set_exercise("exercises/clamshell");
  clamshell->set_sets(3);
  clamshell->set_reps(15);
  outcomes.Add(both);
  v1::Session other = Session("s3", "2026-03-25T18:01:00Z");
  other.set_program_revision("clinics/demo/patients/ana/programs/hip-1@1");
  outcomes.Add(other);

  const Json plan =
      CarePlanResource(KneeProgram(), ExerciseCatalog::Default(), outcomes);
  const Json& bridge = plan["activity"][0]["outcomeReference"];
  ASSERT_EQ(bridge.size(), 2u);
  EXPECT_EQ(bridge[0]["reference"], "Procedure/ana.s2");
  EXPECT_EQ(bridge[1]["reference"], "Procedure/ana.s1");
  ASSERT_EQ(plan["activity"][1]["outcomeReference"].size(), 1u);
  EXPECT_EQ(plan["activity"][1]["outcomeReference"][0]["reference"],
            "Procedure/ana.s1");
  EXPECT_FALSE(plan["activity"][2].contains("outcomeReference"));
  // The latest session changed the plan after its revision was made.
  EXPECT_EQ(plan["meta"]["lastUpdated"], "2026-03-20T18:01:00Z");
}

TEST(ProcedureResourceTest, IsTheSessionBasedOnItsCarePlan) {
  const Json procedure = ProcedureResource(Session("s1", "2026-03-16T18:01:00Z"),
                                           ExerciseCatalog::Default());
  EXPECT_EQ(procedure["resourceType"], "Procedure");
  EXPECT_EQ(procedure["id"], "ana.s1");
  EXPECT_EQ(procedure["basedOn"][0]["reference"], "CarePlan/ana.knee-1");
  EXPECT_EQ(procedure["status"], "completed");
  EXPECT_EQ(procedure["code"]["coding"][0]["code"], kExerciseTherapyCode);
  EXPECT_EQ(procedure["subject"]["reference"], "Patient/ana");
  EXPECT_EQ(procedure["performer"][0]["actor"]["reference"], "Patient/ana");
  EXPECT_EQ(procedure["performedDateTime"], "2026-03-16T18:00:00Z");
  EXPECT_EQ(procedure["meta"]["lastUpdated"], "2026-03-16T18:01:00Z");
  EXPECT_EQ(procedure["bodySite"][0]["coding"][0]["code"], kKneeCode);
  EXPECT_EQ(procedure["extension"][0]["url"], kSessionDifficultyExtension);
  EXPECT_EQ(procedure["extension"][0]["valueCode"], "too-easy");
  EXPECT_EQ(procedure["note"][0]["text"],
            "Done: Glute bridge 3 x 30 s holds (body weight). Pain 4 before, "
            "3 after (0-10). Felt too-easy.");
  EXPECT_EQ(procedure["note"][1]["text"], "Felt strong.");
}

TEST(SessionPainObservationTest, ScoresBeforeAndAfterArePartOfTheProcedure) {
  const v1::Session session = Session("s1", "2026-03-16T18:01:00Z");
  const Json before = SessionPainObservation(session, SessionPain::kBefore);
  const Json after = SessionPainObservation(session, SessionPain::kAfter);
  EXPECT_EQ(before["id"], "ana.s1.pain-before");
  EXPECT_EQ(after["id"], "ana.s1.pain-after");
  for (const Json* observation : {&before, &after}) {
    EXPECT_EQ((*observation)["resourceType"], "Observation");
    EXPECT_EQ((*observation)["partOf"][0]["reference"], "Procedure/ana.s1");
    EXPECT_EQ((*observation)["code"]["coding"][0]["system"], kLoincSystem);
    EXPECT_EQ((*observation)["code"]["coding"][0]["code"], kPainSeverityCode);
    EXPECT_EQ((*observation)["effectiveDateTime"], "2026-03-16T18:00:00Z");
    EXPECT_EQ((*observation)["valueQuantity"]["code"], kScoreUnit);
    EXPECT_EQ((*observation)["valueQuantity"]["system"], kUcumSystem);
    EXPECT_EQ((*observation)["bodySite"]["coding"][0]["code"], kKneeCode);
  }
  EXPECT_EQ(before["valueQuantity"]["value"], 4);
  EXPECT_EQ(after["valueQuantity"]["value"], 3);
}

TEST(PainReportObservationTest, IsALoincPainScoreOnTheLocalDate) {
  v1::PainReport report;
  report.set_name("clinics/demo/patients/ana/painReports/r1");
  report.set_local_date("2026-03-17");
  report.set_area(v1::PAIN_AREA_LOWER_BACK);
  report.set_score(6);
  report.set_note("Long drive.");
  *report.mutable_create_time() = At("2026-03-17T20:00:00.250Z");
  const Json observation = PainReportObservation(report);
  EXPECT_EQ(observation["id"], "ana.r1");
  EXPECT_EQ(observation["status"], "final");
  EXPECT_EQ(observation["category"][0]["coding"][0]["code"], "survey");
  EXPECT_EQ(observation["code"]["coding"][0]["code"], "72514-3");
  EXPECT_EQ(observation["subject"]["reference"], "Patient/ana");
  EXPECT_EQ(observation["effectiveDateTime"], "2026-03-17");
  EXPECT_EQ(observation["issued"], "2026-03-17T20:00:00.250Z");
  EXPECT_EQ(observation["valueQuantity"]["value"], 6);
  EXPECT_EQ(observation["valueQuantity"]["unit"], "{score}");
  EXPECT_EQ(observation["bodySite"]["coding"][0]["code"], kLowerBackCode);
  EXPECT_EQ(observation["note"][0]["text"], "Long drive.");
  EXPECT_FALSE(observation.contains("partOf"));
}

v1::OutcomeResponse OdiFollowUp() {
  v1::OutcomeResponse response;
  response.set_name("clinics/demo/patients/ana/outcomeResponses/q2");
  response.set_measure(v1::OUTCOME_MEASURE_ODI);
  response.set_questionnaire_version(
      outcomes::QuestionnaireOf(v1::OUTCOME_MEASURE_ODI).version());
  // Submitted out of order, the second section skipped.
  for (const auto& [link_id, score] :
       std::vector<std::pair<std::string, int>>{{"odi-3", 2}, {"odi-1", 1}}) {
    v1::OutcomeAnswer* answer = response.add_answers();
    answer->set_link_id(link_id);
    answer->set_score(score);
  }
  response.add_answers()->set_link_id("odi-2");
  response.set_score(30);
  response.set_band("moderate");
  response.set_intake_response("clinics/demo/patients/ana/outcomeResponses/q1");
  response.set_change_since_intake(-14);
  response.set_important_change(true);
  *response.mutable_create_time() = At("2026-04-01T08:00:00Z");
  return response;
}

TEST(QuestionnaireResponseResourceTest, HoldsTheAnsweredItemsInOrderAndTheScore) {
  const Json resource = QuestionnaireResponseResource(OdiFollowUp());
  EXPECT_EQ(resource["resourceType"], "QuestionnaireResponse");
  EXPECT_EQ(resource["id"], "ana.q2");
  EXPECT_EQ(resource["meta"]["lastUpdated"], "2026-04-01T08:00:00Z");
  EXPECT_EQ(resource["identifier"]["value"],
            "clinics/demo/patients/ana/outcomeResponses/q2");
  EXPECT_EQ(resource["questionnaire"],
            absl::StrCat(kQuestionnaireBase, "odi|",
                         outcomes::QuestionnaireOf(v1::OUTCOME_MEASURE_ODI)
                             .version()));
  EXPECT_EQ(resource["status"], "completed");
  EXPECT_EQ(resource["subject"]["reference"], "Patient/ana");
  EXPECT_EQ(resource["author"]["reference"], "Patient/ana");
  EXPECT_EQ(resource["authored"], "2026-04-01T08:00:00Z");
  // The skipped section is left out; the rest follow the questionnaire.
  ASSERT_EQ(resource["item"].size(), 2u);
  EXPECT_EQ(resource["item"][0]["linkId"], "odi-1");
  EXPECT_EQ(resource["item"][0]["text"], "Pain intensity");
  EXPECT_EQ(resource["item"][0]["answer"][0]["valueInteger"], 1);
  EXPECT_EQ(resource["item"][1]["linkId"], "odi-3");
  EXPECT_EQ(resource["item"][1]["answer"][0]["valueInteger"], 2);

  ASSERT_EQ(resource["extension"].size(), 1u);
  const Json& score = resource["extension"][0];
  EXPECT_EQ(score["url"], kOutcomeScoreExtension);
  std::map<std::string, Json> parts;
  for (const Json& part : score["extension"]) parts[part["url"]] = part;
  EXPECT_EQ(parts["score"]["valueDecimal"], 30.0);
  EXPECT_EQ(parts["band"]["valueCode"], "moderate");
  EXPECT_EQ(parts["intake"]["valueReference"]["reference"],
            "QuestionnaireResponse/ana.q1");
  EXPECT_EQ(parts["changeSinceIntake"]["valueDecimal"], -14.0);
  EXPECT_EQ(parts["importantChange"]["valueBoolean"], true);
}

TEST(QuestionnaireResponseResourceTest, AnIntakeHasNoChangeAndAnOldVersionNoTexts) {
  v1::OutcomeResponse intake = OdiFollowUp();
  intake.set_intake(true);
  intake.clear_intake_response();
  intake.set_questionnaire_version("0-retired");
  const Json resource = QuestionnaireResponseResource(intake);
  EXPECT_EQ(resource["questionnaire"],
            absl::StrCat(kQuestionnaireBase, "odi|0-retired"));
  std::vector<std::string> parts;
  for (const Json& part : resource["extension"][0]["extension"]) {
    parts.push_back(part["url"]);
  }
  EXPECT_THAT(parts, ElementsAre("score", "band"));
  // Items keep their answers, without the texts of another version.
  ASSERT_EQ(resource["item"].size(), 2u);
  EXPECT_FALSE(resource["item"][0].contains("text"));
}

TEST(CollectionBundleTest, GivesEveryEntryAFullUrlUnderTheClinic) {
  v1::Therapist therapist;
  therapist.set_name("clinics/demo/therapists/tess");
  const Json bundle = CollectionBundle(
      ClinicName{"demo"}, "ana", At("2026-04-01T00:00:00Z"),
      {PatientResource(Ana(), "urn:oid:1.2.3"), PractitionerResource(therapist)});
  EXPECT_EQ(bundle["resourceType"], "Bundle");
  EXPECT_EQ(bundle["type"], "collection");
  EXPECT_EQ(bundle["timestamp"], "2026-04-01T00:00:00Z");
  ASSERT_EQ(bundle["entry"].size(), 2u);
  EXPECT_EQ(bundle["entry"][0]["fullUrl"],
            "https://glutecare.dev/fhir/clinics/demo/Patient/ana");
  EXPECT_EQ(bundle["entry"][1]["fullUrl"],
            "https://glutecare.dev/fhir/clinics/demo/Practitioner/tess");
  EXPECT_EQ(bundle["entry"][0]["resource"]["id"], "ana");
}

TEST(ToJsonLineTest, IsOneLineStartingWithTheResourceType) {
  v1::Patient patient = Ana();
  patient.set_display_name("Ana\nSilva");
  const std::string line = ToJsonLine(PatientResource(patient, ""));
  EXPECT_THAT(line, Not(HasSubstr("\n")));
  EXPECT_TRUE(absl::StartsWith(line, R"({"resourceType":"Patient","id":"ana")"))
      << line;
}

TEST(ToJsonLineTest, NeverThrowsOnBytesThatAreNotUtf8) {
  v1::Patient patient = Ana();
  patient.set_display_name("Ana \xff");
  std::string line;
  EXPECT_NO_THROW(line = ToJsonLine(PatientResource(patient, "")));
  EXPECT_THAT(line, HasSubstr("Ana \xef\xbf\xbd"));  // U+FFFD
}

}  // namespace
}  // namespace glutecare::fhir

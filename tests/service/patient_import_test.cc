// PatientImportService on a real server: a batch of records each created,
// updated, left unchanged or rejected on its own, nothing of a rejected
// record written, idempotent re-imports, the intake a therapist completes
// afterwards, concurrent imports of one MRN, and bad requests.
#include <grpcpp/grpcpp.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "glutecare/v1/patient_import_service.grpc.pb.h"
#include "glutecare/v1/patient_service.grpc.pb.h"
#include "glutecare/v1/program_service.grpc.pb.h"
#include "glutecare/v1/session_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/fhir/codes.h"
#include "tests/testing/builders.h"
#include "tests/testing/grpc_errors.h"
#include "tests/testing/served_clinic.h"

namespace glutecare {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;
using testing::ViolatedFields;
using Outcome = v1::ImportResult::Outcome;

// A FHIR Patient from an EHR: the MRN and a name, nothing of glutecare's.
std::string EhrPatient(const std::string& mrn, const std::string& name,
                       const std::string& more = "") {
  return absl::StrCat(
      R"({"resourceType": "Patient", "identifier": [{"system": ")",
      testing::ServedClinicTest::kMrnSystem, R"(", "value": ")", mrn,
      R"("}], "name": [{"text": ")", name, R"("}])", more, "}");
}

class PatientImportTest : public testing::ServedClinicTest {
 protected:
  void SetUp() override {
    ServedClinicTest::SetUp();
    imports_ = v1::PatientImportService::NewStub(channel_);
    patients_ = v1::PatientService::NewStub(channel_);
  }

  v1::ImportPatientsRequest Request(const std::vector<std::string>& records) {
    v1::ImportPatientsRequest request;
    request.set_parent("clinics/demo");
    for (const std::string& record : records) request.add_records(record);
    request.set_default_therapist("clinics/demo/therapists/t2");
    request.set_default_time_zone("America/Chicago");
    return request;
  }

  // Imports `request` as the integration account; the call must succeed.
  v1::ImportPatientsResponse Import(const v1::ImportPatientsRequest& request) {
    v1::ImportPatientsResponse response;
    const grpc::Status status = imports_->ImportPatients(
        Context(integration_token_).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.results_size(), request.records_size());
    for (int i = 0; i < response.results_size(); ++i) {
      EXPECT_EQ(response.results(i).index(), i);
    }
    return response;
  }

  grpc::Status ImportStatus(const v1::ImportPatientsRequest& request,
                            const std::string& token) {
    v1::ImportPatientsResponse response;
    return imports_->ImportPatients(Context(token).get(), request, &response);
  }

  std::vector<Outcome> Outcomes(const v1::ImportPatientsResponse& response) {
    std::vector<Outcome> outcomes;
    for (const auto& result : response.results()) {
      outcomes.push_back(result.outcome());
    }
    return outcomes;
  }

  v1::Patient Get(const std::string& name) {
    v1::GetPatientRequest request;
    request.set_name(name);
    v1::Patient patient;
    const grpc::Status status = patients_->GetPatient(
        Context(therapist_token_).get(), request, &patient);
    EXPECT_TRUE(status.ok()) << name << ": " << status.error_message();
    return patient;
  }

  std::vector<v1::Patient> AllPatients() {
    v1::ListPatientsRequest request;
    request.set_parent("clinics/demo");
    request.set_page_size(1000);
    v1::ListPatientsResponse response;
    EXPECT_TRUE(
        patients_
            ->ListPatients(Context(therapist_token_).get(), request, &response)
            .ok());
    return {response.patients().begin(), response.patients().end()};
  }

  std::unique_ptr<v1::PatientImportService::Stub> imports_;
  std::unique_ptr<v1::PatientService::Stub> patients_;
};

TEST_F(PatientImportTest, EachRecordOfABatchHasItsOwnOutcome) {
  const v1::Patient existing = CreatePatient("kept", "MRN-7");
  const v1::ImportPatientsResponse response = Import(Request({
      EhrPatient("MRN-1", "Ana Silva"),             // new
      "{\"resourceType\": \"Patient\", ",           // cut off
      EhrPatient("MRN-7", "Kept Renamed"),          // changed
      EhrPatient("MRN-7", "Kept Renamed"),          // the same
      R"({"resourceType": "Observation"})",         // not a Patient
      EhrPatient("MRN-2", "Bo", R"(, "generalPractitioner": [
          {"reference": "Practitioner/ghost"}])"),  // no such therapist
      EhrPatient("MRN 3", "Cy"),                    // a bad MRN
      EhrPatient("MRN-4", "Di",
                 absl::StrCat(R"(, "extension": [{"url": ")",
                              fhir::kBaselinePainExtension,
                              R"(", "valueInteger": 12}])")),  // pain over 10
  }));
  EXPECT_THAT(Outcomes(response),
              ElementsAre(v1::ImportResult::OUTCOME_CREATED,
                          v1::ImportResult::OUTCOME_REJECTED,
                          v1::ImportResult::OUTCOME_UPDATED,
                          v1::ImportResult::OUTCOME_UNCHANGED,
                          v1::ImportResult::OUTCOME_REJECTED,
                          v1::ImportResult::OUTCOME_REJECTED,
                          v1::ImportResult::OUTCOME_REJECTED,
                          v1::ImportResult::OUTCOME_REJECTED));
  EXPECT_EQ(response.results(0).patient(), "clinics/demo/patients/mrn-mrn-1");
  EXPECT_EQ(response.results(2).patient(), existing.name());
  EXPECT_EQ(response.results(3).patient(), existing.name());
  EXPECT_THAT(response.results(1).reason(),
              StartsWith("record: not valid JSON"));
  EXPECT_EQ(response.results(4).reason(),
            "resourceType: must be \"Patient\" (got \"Observation\")");
  EXPECT_EQ(response.results(5).reason(),
            "generalPractitioner[0].reference: Practitioner/ghost is not a "
            "therapist of clinics/demo");
  EXPECT_THAT(response.results(6).reason(),
              StartsWith("identifier[0].value: must be 1-64 characters"));
  EXPECT_EQ(response.results(7).reason(),
            "extension[0].valueInteger: must be 0-10 (got 12)");
  for (int i : {1, 4, 5, 6, 7}) {
    EXPECT_EQ(response.results(i).patient(), "") << i;
  }
  for (int i : {0, 2, 3}) EXPECT_EQ(response.results(i).reason(), "") << i;

  // The new patient: the defaults, and its intake pending.
  const v1::Patient ana = Get("clinics/demo/patients/mrn-mrn-1");
  EXPECT_EQ(ana.display_name(), "Ana Silva");
  EXPECT_EQ(ana.mrn(), "MRN-1");
  EXPECT_EQ(ana.time_zone(), "America/Chicago");
  EXPECT_EQ(ana.therapist(), "clinics/demo/therapists/t2");
  EXPECT_THAT(ana.pain_areas(), IsEmpty());
  EXPECT_FALSE(ana.has_baseline_pain());
  EXPECT_TRUE(ana.has_create_time());
  // The updated one: its name changed, what the EHR does not send kept.
  const v1::Patient kept = Get(existing.name());
  EXPECT_EQ(kept.display_name(), "Kept Renamed");
  EXPECT_EQ(kept.time_zone(), "Europe/Berlin");
  EXPECT_THAT(kept.pain_areas(), ElementsAre(v1::PAIN_AREA_HIP));
  EXPECT_EQ(kept.baseline_pain(), 6);
  EXPECT_EQ(kept.therapist(), "clinics/demo/therapists/t1");
  EXPECT_NE(kept.etag(), existing.etag());
  // Nothing of the rejected records was written.
  EXPECT_EQ(AllPatients().size(), 2u);
}

TEST_F(PatientImportTest, ImportingTheSameRecordsAgainChangesNothing) {
  const std::string full = absl::StrCat(
      R"({"resourceType": "Patient", "id": "ana",
          "identifier": [{"system": ")",
      kMrnSystem,
      R"(", "value": "MRN-1002"}],
          "name": [{"use": "official", "text": "Ana Silva"}],
          "generalPractitioner": [{"reference": "Practitioner/t1"}],
          "extension": [
            {"url": ")",
      fhir::kTimeZoneExtension,
      R"(", "valueCode": "America/New_York"},
            {"url": ")",
      fhir::kPainAreaExtension,
      R"(", "valueCodeableConcept": {"coding": [
              {"system": "http://snomed.info/sct", "code": "72696002"}]}},
            {"url": ")",
      fhir::kBaselinePainExtension, R"(", "valueInteger": 5}]})");
  const v1::ImportPatientsRequest request =
      Request({full, EhrPatient("MRN-2", "Bo Lee")});
  const v1::ImportPatientsResponse first = Import(request);
  EXPECT_THAT(Outcomes(first), ElementsAre(v1::ImportResult::OUTCOME_CREATED,
                                           v1::ImportResult::OUTCOME_CREATED));
  EXPECT_EQ(first.results(0).patient(), "clinics/demo/patients/ana");
  const v1::Patient ana = Get("clinics/demo/patients/ana");
  EXPECT_EQ(ana.therapist(), "clinics/demo/therapists/t1");
  EXPECT_EQ(ana.time_zone(), "America/New_York");
  EXPECT_THAT(ana.pain_areas(), ElementsAre(v1::PAIN_AREA_KNEE));
  EXPECT_EQ(ana.baseline_pain(), 5);

  for (int again = 0; again < 2; ++again) {
    const v1::ImportPatientsResponse next = Import(request);
    EXPECT_THAT(Outcomes(next),
                ElementsAre(v1::ImportResult::OUTCOME_UNCHANGED,
                            v1::ImportResult::OUTCOME_UNCHANGED));
    EXPECT_EQ(next.results(0).patient(), first.results(0).patient());
    EXPECT_EQ(next.results(1).patient(), first.results(1).patient());
  }
  EXPECT_EQ(Get("clinics/demo/patients/ana").etag(), ana.etag());
  EXPECT_EQ(AllPatients().size(), 2u);
}

TEST_F(PatientImportTest, AnIdTakenByAnotherMrnFallsBackToTheMrnsId) {
  CreatePatient("ana", "MRN-OTHER");
  const v1::ImportPatientsResponse response = Import(Request(
      {absl::StrReplaceAll(EhrPatient("MRN-1002", "Ana Silva"),
                           {{R"("resourceType": "Patient",)",
                             R"("resourceType": "Patient", "id": "ana",)"}})}));
  EXPECT_THAT(Outcomes(response),
              ElementsAre(v1::ImportResult::OUTCOME_CREATED));
  EXPECT_EQ(response.results(0).patient(),
            "clinics/demo/patients/mrn-mrn-1002");
}

TEST_F(PatientImportTest, ATherapistCompletesAnImportedPatientsIntake) {
  const v1::ImportPatientsResponse imported =
      Import(Request({EhrPatient("MRN-1", "Ana Silva")}));
  const std::string name = imported.results(0).patient();

  // Other changes while the intake is pending.
  v1::UpdatePatientRequest rename;
  rename.mutable_patient()->set_name(name);
  rename.mutable_patient()->set_display_name("Ana M. Silva");
  rename.mutable_update_mask()->add_paths("display_name");
  v1::Patient patient;
  grpc::Status status = patients_->UpdatePatient(
      Context(therapist_token_).get(), rename, &patient);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // A session must say where the pain was: there is no first pain area.
  auto programs = v1::ProgramService::NewStub(channel_);
  v1::Program created;
  status = programs->CreateProgram(
      Context(therapist_token_).get(),
      testing::ProgramRequest(name, "g1", testing::Program("2026-01-01")),
      &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  auto sessions = v1::SessionService::NewStub(channel_);
  v1::CreateSessionRequest session = testing::SessionRequest(
      name, "", testing::Session(absl::StrCat(name, "/programs/g1")));
  v1::Session* s = session.mutable_session();
  const std::string patient_token = Token(v1::ROLE_PATIENT, name);
  v1::Session stored;
  status =
      sessions->CreateSession(Context(patient_token).get(), session, &stored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("session.pain_area"));
  EXPECT_THAT(status.error_message(), HasSubstr("intake pending"));
  s->set_pain_area(v1::PAIN_AREA_KNEE);
  status =
      sessions->CreateSession(Context(patient_token).get(), session, &stored);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // The intake, then it cannot be undone.
  v1::UpdatePatientRequest intake;
  intake.mutable_patient()->set_name(name);
  intake.mutable_patient()->add_pain_areas(v1::PAIN_AREA_KNEE);
  intake.mutable_patient()->set_baseline_pain(4);
  intake.mutable_update_mask()->add_paths("pain_areas");
  intake.mutable_update_mask()->add_paths("baseline_pain");
  status = patients_->UpdatePatient(Context(therapist_token_).get(), intake,
                                    &patient);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(patient.pain_areas(), ElementsAre(v1::PAIN_AREA_KNEE));
  EXPECT_EQ(patient.baseline_pain(), 4);
  v1::UpdatePatientRequest undo;
  undo.mutable_patient()->set_name(name);
  undo.mutable_update_mask()->add_paths("pain_areas");
  undo.mutable_update_mask()->add_paths("baseline_pain");
  status =
      patients_->UpdatePatient(Context(therapist_token_).get(), undo, &patient);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status),
              ElementsAre("patient.pain_areas", "patient.baseline_pain"));

  // An EHR record imported again keeps what the therapist entered.
  const v1::ImportPatientsResponse again =
      Import(Request({EhrPatient("MRN-1", "Ana M. Silva")}));
  EXPECT_THAT(Outcomes(again),
              ElementsAre(v1::ImportResult::OUTCOME_UNCHANGED));
  EXPECT_EQ(Get(name).baseline_pain(), 4);
}

TEST_F(PatientImportTest, ConcurrentImportsOfOneMrnMakeOnePatient) {
  // Each import loses at most once to each other one: the server's 8
  // attempts (kMaxAttempts) cover 4 at once whatever the interleaving.
  constexpr int kThreads = 4;
  std::vector<v1::ImportPatientsResponse> responses(kThreads);
  std::vector<grpc::Status> statuses(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      v1::ImportPatientsRequest request =
          Request({EhrPatient("MRN-RACE", absl::StrCat("Name ", t))});
      statuses[t] = imports_->ImportPatients(Context(integration_token_).get(),
                                             request, &responses[t]);
    });
  }
  for (std::thread& thread : threads) thread.join();
  int created = 0;
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_TRUE(statuses[t].ok()) << statuses[t].error_message();
    ASSERT_EQ(responses[t].results_size(), 1);
    const v1::ImportResult& result = responses[t].results(0);
    EXPECT_NE(result.outcome(), v1::ImportResult::OUTCOME_REJECTED)
        << result.reason();
    EXPECT_EQ(result.patient(), "clinics/demo/patients/mrn-mrn-race");
    created += result.outcome() == v1::ImportResult::OUTCOME_CREATED;
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(AllPatients().size(), 1u);
}

TEST_F(PatientImportTest, BadRequestsNameTheirFields) {
  struct Case {
    const char* name;
    std::function<void(v1::ImportPatientsRequest&)> change;
    grpc::StatusCode code;
    std::vector<std::string> fields;
  };
  const std::vector<Case> cases = {
      {"no records",
       [](auto& r) { r.clear_records(); },
       grpc::StatusCode::INVALID_ARGUMENT,
       {"records"}},
      {"too many records",
       [](auto& r) {
         for (int i = 0; i < 1000; ++i) r.add_records("{}");
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       {"records"}},
      {"a malformed parent",
       [](auto& r) { r.set_parent("demo"); },
       grpc::StatusCode::INVALID_ARGUMENT,
       {"parent"}},
      {"another clinic's therapist",
       [](auto& r) { r.set_default_therapist("clinics/x/therapists/t1"); },
       grpc::StatusCode::INVALID_ARGUMENT,
       {"default_therapist"}},
      {"a therapist that does not exist",
       [](auto& r) { r.set_default_therapist("clinics/demo/therapists/t9"); },
       grpc::StatusCode::INVALID_ARGUMENT,
       {"default_therapist"}},
      {"an unknown time zone",
       [](auto& r) { r.set_default_time_zone("Mars/Olympus_Mons"); },
       grpc::StatusCode::INVALID_ARGUMENT,
       {"default_time_zone"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    v1::ImportPatientsRequest request = Request({EhrPatient("MRN-1", "Ana")});
    c.change(request);
    const grpc::Status status = ImportStatus(request, integration_token_);
    EXPECT_EQ(status.error_code(), c.code) << status.error_message();
    EXPECT_EQ(ViolatedFields(status), c.fields);
  }
  EXPECT_THAT(AllPatients(), IsEmpty());
}

TEST_F(PatientImportTest, AClinicWithoutAnMrnSystemCannotImport) {
  absl::StatusOr<std::string> admin =
      testing::BootstrapAdmin(dir_.File("glutecare.db"), "plain");
  ASSERT_TRUE(admin.ok()) << admin.status();
  v1::ImportPatientsRequest request = Request({EhrPatient("MRN-1", "Ana")});
  request.set_parent("clinics/plain");
  request.clear_default_therapist();
  const grpc::Status status = ImportStatus(request, *admin);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("--identifier-system"));
}

TEST_F(PatientImportTest, AdminsAndIntegrationsImportTherapistsDoNot) {
  const v1::ImportPatientsRequest request =
      Request({EhrPatient("MRN-1", "Ana")});
  EXPECT_TRUE(ImportStatus(request, admin_token_).ok());
  EXPECT_TRUE(ImportStatus(request, integration_token_).ok());
  EXPECT_EQ(ImportStatus(request, therapist_token_).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace glutecare

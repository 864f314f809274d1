// The round trip of issue 7: the Patients one server exports
// (FhirExportService.ExportClinicResources, type Patient) imported into a
// fresh server (PatientImportService) are the same patients: id, MRN, name,
// therapist, time zone, pain areas and baseline pain, an imported patient
// whose intake is pending included. Importing them again, into either
// server, changes nothing.
#include <grpcpp/grpcpp.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "glutecare/v1/fhir_export_service.grpc.pb.h"
#include "glutecare/v1/patient_import_service.grpc.pb.h"
#include "glutecare/v1/patient_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/served_clinic.h"

namespace glutecare {
namespace {

using ::testing::Each;
using ::testing::ElementsAreArray;
using ::testing::Property;
using ::testing::SizeIs;

// A server of its own: ServedClinicTest serves the clinic exported from;
// this one, a second server with the same clinic id, MRN system and
// therapists, is imported into.
class FhirRoundTripTest : public testing::ServedClinicTest {
 protected:
  void TearDown() override {
    if (second_ != nullptr) second_->TearDown();
    ServedClinicTest::TearDown();
  }

  // The clinic's Patient resources, one NDJSON line each.
  std::vector<std::string> ExportPatients() {
    auto exports = v1::FhirExportService::NewStub(channel_);
    v1::ExportClinicResourcesRequest request;
    request.set_parent("clinics/demo");
    request.add_resource_types("Patient");
    std::unique_ptr<grpc::ClientContext> context = Context(integration_token_);
    auto reader = exports->ExportClinicResources(context.get(), request);
    std::vector<std::string> lines;
    v1::FhirNdjsonChunk chunk;
    while (reader->Read(&chunk)) {
      EXPECT_EQ(chunk.resource_type(), "Patient");
      for (absl::string_view line :
           absl::StrSplit(chunk.ndjson(), '\n', absl::SkipEmpty())) {
        lines.emplace_back(line);
      }
    }
    const grpc::Status status = reader->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    return lines;
  }

  static v1::ImportPatientsResponse Import(
      testing::ServedClinicTest& server, const std::vector<std::string>& lines) {
    v1::ImportPatientsRequest request;
    request.set_parent("clinics/demo");
    for (const std::string& line : lines) request.add_records(line);
    v1::ImportPatientsResponse response;
    const grpc::Status status =
        v1::PatientImportService::NewStub(server.channel_)
            ->ImportPatients(Context(server.integration_token_).get(), request,
                             &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // Every patient of `server`'s clinic, by name, without what a server
  // stamps itself (times, etag).
  static std::map<std::string, v1::Patient> Patients(
      testing::ServedClinicTest& server) {
    v1::ListPatientsRequest request;
    request.set_parent("clinics/demo");
    request.set_page_size(1000);
    v1::ListPatientsResponse response;
    const grpc::Status status =
        v1::PatientService::NewStub(server.channel_)
            ->ListPatients(Context(server.therapist_token_).get(), request,
                           &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::map<std::string, v1::Patient> patients;
    for (v1::Patient patient : response.patients()) {
      patient.clear_create_time();
      patient.clear_update_time();
      patient.clear_etag();
      patients[patient.name()] = patient;
    }
    return patients;
  }

  // The fixture, for a second server.
  class Second final : public testing::ServedClinicTest {
   public:
    void TestBody() override {}
  };
  std::unique_ptr<Second> second_;
};

TEST_F(FhirRoundTripTest, ExportedPatientsImportAsTheSamePatients) {
  CreatePatient("ana", "MRN-1002");
  {
    // Every field: knee and lower back, baseline 0, therapist t2, another
    // time zone.
    v1::UpdatePatientRequest update;
    v1::Patient* p = update.mutable_patient();
    p->set_name("clinics/demo/patients/ana");
    p->set_mrn("MRN-1002");
    p->set_display_name("Ana Mar\xC3\xAD" "a Silva, Jr.");
    p->set_time_zone("America/New_York");
    p->add_pain_areas(v1::PAIN_AREA_KNEE);
    p->add_pain_areas(v1::PAIN_AREA_LOWER_BACK);
    p->set_baseline_pain(0);
    p->set_therapist("clinics/demo/therapists/t2");
    v1::Patient updated;
    const grpc::Status status =
        v1::PatientService::NewStub(channel_)->UpdatePatient(
            Context(therapist_token_).get(), update, &updated);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  CreatePatient("bo", "MRN_7.b");
  // One imported from an EHR, its intake pending.
  v1::ImportPatientsResponse ehr = Import(
      *this, {absl::StrCat(R"({"resourceType": "Patient", "identifier": [
          {"system": ")", kMrnSystem, R"(", "value": "EHR-9"}],
          "name": [{"given": ["Cy"], "family": "Lee"}]})")});
  ASSERT_THAT(ehr.results(), SizeIs(1));
  ASSERT_EQ(ehr.results(0).outcome(), v1::ImportResult::OUTCOME_REJECTED)
      << "no default therapist or time zone: rejected";
  {
    v1::ImportPatientsRequest request;
    request.set_parent("clinics/demo");
    request.add_records(absl::StrCat(
        R"({"resourceType": "Patient", "identifier": [{"system": ")",
        kMrnSystem, R"(", "value": "EHR-9"}], "name": [{"given": ["Cy"],
        "family": "Lee"}]})"));
    request.set_default_therapist("clinics/demo/therapists/t1");
    request.set_default_time_zone("Australia/Adelaide");
    v1::ImportPatientsResponse response;
    ASSERT_TRUE(v1::PatientImportService::NewStub(channel_)
                    ->ImportPatients(Context(integration_token_).get(),
                                     request, &response)
                    .ok());
    ASSERT_EQ(response.results(0).outcome(),
              v1::ImportResult::OUTCOME_CREATED);
  }
  const std::map<std::string, v1::Patient> original = Patients(*this);
  ASSERT_EQ(original.size(), 3u);

  const std::vector<std::string> lines = ExportPatients();
  ASSERT_THAT(lines, SizeIs(3));

  second_ = std::make_unique<Second>();
  second_->SetUp();
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const v1::ImportPatientsResponse imported = Import(*second_, lines);
  EXPECT_THAT(imported.results(),
              Each(Property(&v1::ImportResult::outcome,
                            v1::ImportResult::OUTCOME_CREATED)));
  const std::map<std::string, v1::Patient> copy = Patients(*second_);
  ASSERT_EQ(copy.size(), original.size());
  for (const auto& [name, patient] : original) {
    SCOPED_TRACE(name);
    auto found = copy.find(name);
    ASSERT_NE(found, copy.end());
    EXPECT_EQ(found->second.DebugString(), patient.DebugString());
  }

  // Nothing changes on either side when the export is imported again.
  for (testing::ServedClinicTest* server :
       {static_cast<testing::ServedClinicTest*>(this),
        static_cast<testing::ServedClinicTest*>(second_.get())}) {
    EXPECT_THAT(Import(*server, lines).results(),
                Each(Property(&v1::ImportResult::outcome,
                              v1::ImportResult::OUTCOME_UNCHANGED)));
  }
}

}  // namespace
}  // namespace glutecare

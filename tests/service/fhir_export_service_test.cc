// FhirExportService on a real server: the RPCs. What an export holds is
// tested in fhir_export_test.cc and tests/domain/fhir; who may call it in
// access_test.cc.
#include <grpcpp/grpcpp.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "glutecare/v1/fhir_export_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "server/common/clock.h"
#include "tests/service/server_test.h"
#include "tests/testing/grpc_errors.h"

namespace glutecare {
namespace {

using ::google::protobuf::Timestamp;
using ::testing::ElementsAre;
using testing::ViolatedFields;

// ServerTest with a session of p1's to export.
class FhirExportServiceTest : public ServerTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServerTest::SetUp());
    v1::Session stored;
    grpc::Status status = sessions_->CreateSession(
        PatientContext().get(), SessionRequest("fhir-1"), &stored);
    ASSERT_TRUE(status.ok()) << status.error_message();
    exports_ = v1::FhirExportService::NewStub(channel_);
  }

  // Reads a whole ExportClinicResources stream as the integration;
  // `chunks` receives what came, and it ends after `max_chunks` (then the
  // call is cancelled).
  grpc::Status ExportClinic(const v1::ExportClinicResourcesRequest& request,
                            std::vector<v1::FhirNdjsonChunk>& chunks,
                            size_t max_chunks = 1000) {
    std::unique_ptr<grpc::ClientContext> context = Context(integration_token_);
    auto reader = exports_->ExportClinicResources(context.get(), request);
    v1::FhirNdjsonChunk chunk;
    while (chunks.size() < max_chunks && reader->Read(&chunk)) {
      chunks.push_back(chunk);
    }
    if (chunks.size() == max_chunks) context->TryCancel();
    return reader->Finish();
  }

  std::unique_ptr<v1::FhirExportService::Stub> exports_;
};

TEST_F(FhirExportServiceTest, ExportPatientBundleIsTheRecordAsAFhirBundle) {
  v1::ExportPatientBundleRequest request;
  request.set_patient("clinics/demo/patients/p1");
  v1::FhirBundle bundle;
  const grpc::Status status =
      exports_->ExportPatientBundle(Context().get(), request, &bundle);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const nlohmann::json json =
      nlohmann::json::parse(bundle.json(), nullptr, false);
  ASSERT_FALSE(json.is_discarded());
  EXPECT_EQ(json["resourceType"], "Bundle");
  std::multiset<std::string> types;
  for (const auto& entry : json["entry"]) {
    types.insert(entry["resource"]["resourceType"].get<std::string>());
  }
  EXPECT_EQ(types.count("Patient"), 1u);
  EXPECT_EQ(types.count("Practitioner"), 1u);
  EXPECT_EQ(types.count("CarePlan"), 1u);
  EXPECT_EQ(types.count("Procedure"), 1u);
  EXPECT_EQ(types.count("Observation"), 2u);  // pain before and after
  EXPECT_EQ(json["entry"][0]["fullUrl"],
            "https://glutecare.dev/fhir/clinics/demo/Patient/p1");
}

TEST_F(FhirExportServiceTest, ExportClinicResourcesStreamsEveryType) {
  const Timestamp before = NowTimestamp();
  v1::ExportClinicResourcesRequest request;
  request.set_parent("clinics/demo");
  std::vector<v1::FhirNdjsonChunk> chunks;
  const grpc::Status status = ExportClinic(request, chunks);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::set<std::string> types;
  for (const v1::FhirNdjsonChunk& chunk : chunks) {
    types.insert(chunk.resource_type());
    EXPECT_TRUE(absl::EndsWith(chunk.ndjson(), "\n"));
    // A minute before the export began.
    EXPECT_LT(chunk.transaction_time(), before);
    EXPECT_GT(
        chunk.transaction_time(),
        before - google::protobuf::util::TimeUtil::SecondsToDuration(120));
  }
  EXPECT_EQ(types, (std::set<std::string>{"Patient", "Practitioner", "CarePlan",
                                          "Procedure", "Observation"}));

  // Nothing changed since the last export: one empty chunk.
  *request.mutable_since() = NowTimestamp();
  chunks.clear();
  ASSERT_TRUE(ExportClinic(request, chunks).ok());
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].ndjson(), "");
  EXPECT_EQ(chunks[0].resource_type(), "");
}

TEST_F(FhirExportServiceTest, BadExportRequestsNameTheirFields) {
  v1::ExportPatientBundleRequest bundle_request;
  bundle_request.set_patient("clinics/demo/patients/Not_An_Id");
  v1::FhirBundle bundle;
  grpc::Status status =
      exports_->ExportPatientBundle(Context().get(), bundle_request, &bundle);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("patient"));
  bundle_request.set_patient("clinics/demo/patients/nobody");
  status =
      exports_->ExportPatientBundle(Context().get(), bundle_request, &bundle);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);

  v1::ExportClinicResourcesRequest request;
  request.set_parent("clinics/demo");
  request.add_resource_types("Patient");
  request.add_resource_types("Encounter");
  request.add_resource_types("Patient");
  request.mutable_since()->set_nanos(-1);
  std::vector<v1::FhirNdjsonChunk> chunks;
  status = ExportClinic(request, chunks);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status),
              ElementsAre("since", "resource_types[1]", "resource_types[2]"));
  EXPECT_TRUE(chunks.empty());
}

TEST_F(FhirExportServiceTest, AnExportTheClientCancelsEndsAndTheServerGoesOn) {
  v1::ExportClinicResourcesRequest request;
  request.set_parent("clinics/demo");
  std::vector<v1::FhirNdjsonChunk> chunks;
  const grpc::Status cancelled = ExportClinic(request, chunks, 1);
  EXPECT_EQ(chunks.size(), 1u);
  EXPECT_THAT(
      cancelled.error_code(),
      ::testing::AnyOf(grpc::StatusCode::CANCELLED, grpc::StatusCode::OK));
  chunks.clear();
  const grpc::Status again = ExportClinic(request, chunks);
  EXPECT_TRUE(again.ok()) << again.error_message();
  EXPECT_GE(chunks.size(), 5u);
}

}  // namespace
}  // namespace glutecare

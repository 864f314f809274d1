// What concerns the server as a whole, on a real GlutecareServer over a
// real SQLite file, driven through the generated gRPC stubs: health, the
// names, times and etags of what it creates, references across services,
// and the size of a request. Each service's own tests are in
// {service}_service_test.cc (the fixture: server_test.h).

#include "tests/service/server_test.h"

#include <grpcpp/grpcpp.h>

#include <string>

#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/grpc_errors.h"

namespace glutecare {
namespace {

using ::testing::ElementsAre;
using testing::ViolatedFields;

TEST_F(ServerTest, HealthServiceReportsServing) {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(health->Check(Context().get(), request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(ServerTest, CreatedResourcesCarryNamesTimesAndEtags) {
  EXPECT_EQ(patient_.name(), "clinics/demo/patients/p1");
  EXPECT_TRUE(patient_.has_create_time());
  EXPECT_FALSE(patient_.etag().empty());
  EXPECT_EQ(program_.name(), "clinics/demo/patients/p1/programs/g1");
  EXPECT_EQ(program_.revision_id(), 1);
  // An empty program therapist means the patient's own.
  EXPECT_EQ(program_.therapist(), "clinics/demo/therapists/t1");
}

TEST_F(ServerTest, UnknownReferencesAreFieldErrorsAndMissingParentsNotFound) {
  v1::Session session;
  v1::CreateSessionRequest no_revision = SessionRequest("x", 7);
  grpc::Status status =
      sessions_->CreateSession(PatientContext().get(), no_revision, &session);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("session.program_revision"));

  v1::CreateSessionRequest no_patient = SessionRequest("y");
  no_patient.set_parent("clinics/demo/patients/nobody");
  no_patient.mutable_session()->set_program_revision(
      "clinics/demo/patients/nobody/programs/g1@1");
  EXPECT_EQ(
      sessions_->CreateSession(PatientContext().get(), no_patient, &session)
          .error_code(),
      grpc::StatusCode::NOT_FOUND);

  v1::CreatePatientRequest ghost_therapist = PatientRequest("p2", "MRN-2");
  ghost_therapist.mutable_patient()->set_therapist(
      "clinics/demo/therapists/ghost");
  v1::Patient patient;
  status = patients_->CreatePatient(Context().get(), ghost_therapist, &patient);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("patient.therapist"));

  v1::CreatePatientRequest other_clinic = PatientRequest("p2", "MRN-2");
  other_clinic.set_parent("clinics/elsewhere");
  other_clinic.mutable_patient()->set_therapist(
      "clinics/elsewhere/therapists/t1");
  EXPECT_EQ(patients_->CreatePatient(Context().get(), other_clinic, &patient)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::GetPatientRequest malformed;
  malformed.set_name("patients/p1");
  status = patients_->GetPatient(Context().get(), malformed, &patient);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("name"));
}

TEST_F(ServerTest, OversizedRequestsAreRefused) {
  v1::CreateSessionRequest request = SessionRequest("huge");
  request.mutable_session()->set_notes(std::string(2 << 20, 'x'));
  v1::Session session;
  EXPECT_EQ(sessions_->CreateSession(PatientContext().get(), request, &session)
                .error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(CountSessions(), 0);
}

}  // namespace
}  // namespace glutecare

// PatientService on a real server: duplicates and masked updates.

#include <grpcpp/grpcpp.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/service/server_test.h"

namespace glutecare {
namespace {

using ::testing::HasSubstr;

TEST_F(ServerTest, DuplicatesAreAlreadyExists) {
  v1::Patient patient;
  grpc::Status status = patients_->CreatePatient(
      Context().get(), PatientRequest("p2", "MRN-1"), &patient);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(status.error_message(), HasSubstr("MRN-1"));
  status = patients_->CreatePatient(Context().get(),
                                    PatientRequest("p1", "MRN-9"), &patient);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(ServerTest, UpdatePatientAppliesTheMask) {
  v1::UpdatePatientRequest update;
  update.mutable_patient()->set_name("clinics/demo/patients/p1");
  update.mutable_patient()->set_baseline_pain(4);
  update.mutable_patient()->set_display_name("ignored: not in the mask");
  update.mutable_update_mask()->add_paths("baseline_pain");
  v1::Patient updated;
  ASSERT_TRUE(patients_->UpdatePatient(Context().get(), update, &updated).ok());
  EXPECT_EQ(updated.baseline_pain(), 4);
  EXPECT_EQ(updated.display_name(), "Pat Patient");

  update.mutable_patient()->set_etag(patient_.etag());  // stale now
  EXPECT_EQ(
      patients_->UpdatePatient(Context().get(), update, &updated).error_code(),
      grpc::StatusCode::ABORTED);
}

}  // namespace
}  // namespace glutecare

// DashboardService on a real server: the patients who need attention come
// first.

#include <grpcpp/grpcpp.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/service/server_test.h"

namespace glutecare {
namespace {

using ::testing::HasSubstr;

TEST_F(SuggestionTest, DashboardPutsPatientsNeedingAttentionFirst) {
  v1::Patient calm;
  ASSERT_TRUE(
      patients_
          ->CreatePatient(Context().get(), PatientRequest("p2", "MRN-2"), &calm)
          .ok());
  Submit("hurt", 9);  // p1: a post-exercise pain alert

  v1::ListPatientStatusesRequest request;
  request.set_parent("clinics/demo");
  request.set_therapist("clinics/demo/therapists/t1");
  v1::ListPatientStatusesResponse response;
  grpc::Status status =
      dashboard_->ListPatientStatuses(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.statuses_size(), 2);
  EXPECT_EQ(response.statuses(0).patient(), "clinics/demo/patients/p1");
  EXPECT_GE(response.statuses(0).unresolved_alerts(), 1);
  EXPECT_GT(response.statuses(0).attention_score(),
            response.statuses(1).attention_score());
  EXPECT_THAT(response.statuses(0).reasons(0), HasSubstr("unresolved alert"));

  // Paging one at a time gives the same order.
  request.set_page_size(1);
  v1::ListPatientStatusesResponse first, second;
  ASSERT_TRUE(
      dashboard_->ListPatientStatuses(Context().get(), request, &first).ok());
  request.set_page_token(first.next_page_token());
  ASSERT_TRUE(
      dashboard_->ListPatientStatuses(Context().get(), request, &second).ok());
  EXPECT_EQ(first.statuses(0).patient(), "clinics/demo/patients/p1");
  EXPECT_EQ(second.statuses(0).patient(), "clinics/demo/patients/p2");
  EXPECT_TRUE(second.next_page_token().empty());

  // Resolving the alerts lowers p1's score at once.
  for (const v1::Alert& alert : List("clinics/demo/patients/p1")) {
    v1::ResolveAlertRequest resolve;
    resolve.set_name(alert.name());
    v1::Alert resolved;
    ASSERT_TRUE(
        alerts_->ResolveAlert(Context().get(), resolve, &resolved).ok());
  }
  request.clear_page_token();
  request.set_page_size(10);
  ASSERT_TRUE(
      dashboard_->ListPatientStatuses(Context().get(), request, &response)
          .ok());
  for (const v1::PatientStatus& s : response.statuses()) {
    EXPECT_EQ(s.unresolved_alerts(), 0) << s.patient();
  }
}

}  // namespace
}  // namespace glutecare

// ReportService on a real server: adherence and pain trend reports.

#include <grpcpp/grpcpp.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "glutecare/v1/report_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/service/server_test.h"
#include "tests/testing/grpc_errors.h"

namespace glutecare {
namespace {

using ::testing::ElementsAre;
using testing::ViolatedFields;

class ReportTest : public ServerTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServerTest::SetUp());
    reports_ = v1::ReportService::NewStub(channel_);
  }

  // Submits a session done at noon, New York time, on `day`.
  void SubmitOn(absl::CivilDay day, int pain_before, int pain_after) {
    absl::TimeZone new_york;
    ASSERT_TRUE(absl::LoadTimeZone("America/New_York", &new_york));
    v1::CreateSessionRequest request =
        SessionRequest(absl::StrCat("r-", absl::FormatCivilTime(day)));
    request.mutable_session()->mutable_perform_time()->set_seconds(
        absl::ToUnixSeconds(
            absl::FromCivil(absl::CivilHour(day) + 12, new_york)));
    request.mutable_session()->set_pain_before(pain_before);
    request.mutable_session()->set_pain_after(pain_after);
    v1::Session session;
    grpc::Status status =
        sessions_->CreateSession(PatientContext().get(), request, &session);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  std::unique_ptr<v1::ReportService::Stub> reports_;
};

TEST_F(ReportTest, AdherenceAndPainOverAFixedRange) {
  // The program (3 per week) started 2026-11-01; this is the week of Monday
  // 2026-11-02 in full.
  const absl::CivilDay monday(2026, 11, 2);
  SubmitOn(monday, 6, 4);
  SubmitOn(monday + 2, 5, 3);
  SubmitOn(monday + 4, 4, 7);

  v1::GetAdherenceReportRequest adherence_request;
  adherence_request.set_patient("clinics/demo/patients/p1");
  adherence_request.set_start_date("2026-11-02");
  adherence_request.set_end_date("2026-11-08");
  v1::AdherenceReport adherence;
  grpc::Status status = reports_->GetAdherenceReport(
      Context().get(), adherence_request, &adherence);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(adherence.patient(), "clinics/demo/patients/p1");
  ASSERT_EQ(adherence.weeks_size(), 1);
  EXPECT_EQ(adherence.completed_sessions(), 3);
  EXPECT_NEAR(adherence.adherence_percent(), 100.0, 1e-9);
  EXPECT_EQ(adherence.data_days(), 3);
  EXPECT_EQ(adherence.days_since_last_session(), 2);
  EXPECT_EQ(adherence.current_streak_weeks(), 1);

  v1::GetPainTrendReportRequest pain_request;
  pain_request.set_patient("clinics/demo/patients/p1");
  pain_request.set_start_date("2026-11-02");
  pain_request.set_end_date("2026-11-08");
  v1::PainTrendReport pain;
  status = reports_->GetPainTrendReport(Context().get(), pain_request, &pain);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(pain.areas_size(), 1);
  EXPECT_EQ(pain.areas(0).days_size(), 3);
  EXPECT_DOUBLE_EQ(pain.areas(0).days(0).mean(), 5.0);
  EXPECT_EQ(pain.sessions_safe(), 1);
  EXPECT_EQ(pain.sessions_acceptable(), 1);
  EXPECT_EQ(pain.sessions_unacceptable(), 1);
  // Baseline 6; the 7-day mean on Nov 6 is (6+4+5+3+4+7)/6 = 4.83.
  EXPECT_NEAR(pain.areas(0).change_from_baseline().points(), 29.0 / 6 - 6,
              1e-9);
}

TEST_F(ReportTest, DefaultsToTheLast28DaysAndValidatesRanges) {
  v1::GetAdherenceReportRequest request;
  request.set_patient("clinics/demo/patients/p1");
  v1::AdherenceReport report;
  ASSERT_TRUE(
      reports_->GetAdherenceReport(Context().get(), request, &report).ok());
  absl::StatusOr<absl::CivilDay> start, end;
  absl::CivilDay start_day, end_day;
  ASSERT_TRUE(absl::ParseCivilTime(report.start_date(), &start_day));
  ASSERT_TRUE(absl::ParseCivilTime(report.end_date(), &end_day));
  EXPECT_EQ(end_day - start_day, 27);

  request.set_start_date("2026-11-10");
  request.set_end_date("2026-11-01");
  grpc::Status status =
      reports_->GetAdherenceReport(Context().get(), request, &report);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("start_date"));
  request.set_start_date("2024-01-01");
  status = reports_->GetAdherenceReport(Context().get(), request, &report);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("start_date"));
  request.set_start_date("");
  request.set_end_date("11/01/2026");
  status = reports_->GetAdherenceReport(Context().get(), request, &report);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("end_date"));
  request.set_end_date("");
  request.set_patient("clinics/demo/patients/nobody");
  EXPECT_EQ(reports_->GetAdherenceReport(Context().get(), request, &report)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace glutecare

// Outcome scores beside pain and adherence (issue 8), through a real
// GlutecareServer: the adherence and pain reports show the latest response
// per measure up to their last day, and a submitted response refreshes the
// patient's dashboard status.
#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "glutecare/v1/dashboard_service.grpc.pb.h"
#include "glutecare/v1/outcome_service.grpc.pb.h"
#include "glutecare/v1/report_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/served_clinic.h"

namespace glutecare {
namespace {

using ::testing::IsEmpty;

class OutcomeScoresTest : public testing::ServedClinicTest {
 protected:
  static constexpr char kPatient[] = "clinics/demo/patients/p1";

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServedClinicTest::SetUp());
    CreatePatient("p1", "MRN-1");
    patient_token_ = Token(v1::ROLE_PATIENT, kPatient);
    outcomes_ = v1::OutcomeService::NewStub(channel_);
    reports_ = v1::ReportService::NewStub(channel_);
    dashboard_ = v1::DashboardService::NewStub(channel_);
  }

  // The therapist assigns the ODI; the patient answers it twice: the intake
  // (17 of 50 = 34%), then a follow-up (11 of 50 = 22%, 12 points better).
  void SubmitOdiIntakeAndFollowUp() {
    v1::CreateOutcomeAssignmentRequest assign;
    assign.set_parent(kPatient);
    assign.mutable_outcome_assignment()->set_measure(v1::OUTCOME_MEASURE_ODI);
    assign.mutable_outcome_assignment()->set_every_weeks(4);
    v1::OutcomeAssignment assignment;
    const grpc::Status assigned = outcomes_->CreateOutcomeAssignment(
        Context(therapist_token_).get(), assign, &assignment);
    ASSERT_TRUE(assigned.ok()) << assigned.error_message();
    ASSERT_NO_FATAL_FAILURE(
        SubmitOdi({2, 2, 2, 2, 2, 2, 2, 1, 1, 1}, &intake_));
    ASSERT_NO_FATAL_FAILURE(
        SubmitOdi({1, 1, 1, 1, 1, 1, 1, 1, 2, 1}, &follow_up_));
    ASSERT_TRUE(intake_.intake());
    ASSERT_EQ(follow_up_.intake_response(), intake_.name());
  }

  void SubmitOdi(const std::vector<int>& scores, v1::OutcomeResponse* stored) {
    v1::SubmitOutcomeResponseRequest request;
    request.set_parent(kPatient);
    request.mutable_outcome_response()->set_measure(v1::OUTCOME_MEASURE_ODI);
    for (size_t i = 0; i < scores.size(); ++i) {
      v1::OutcomeAnswer& answer =
          *request.mutable_outcome_response()->add_answers();
      answer.set_link_id(absl::StrCat("odi-", i + 1));
      answer.set_score(scores[i]);
    }
    const grpc::Status status = outcomes_->SubmitOutcomeResponse(
        Context(patient_token_).get(), request, stored);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // Both reports of p1, ending on `end_date` (empty: the patient's today).
  void GetReports(const std::string& end_date, v1::AdherenceReport* adherence,
                  v1::PainTrendReport* pain) {
    v1::GetAdherenceReportRequest adherence_request;
    adherence_request.set_patient(kPatient);
    adherence_request.set_end_date(end_date);
    grpc::Status status = reports_->GetAdherenceReport(
        Context(therapist_token_).get(), adherence_request, adherence);
    ASSERT_TRUE(status.ok()) << status.error_message();
    v1::GetPainTrendReportRequest pain_request;
    pain_request.set_patient(kPatient);
    pain_request.set_end_date(end_date);
    status = reports_->GetPainTrendReport(Context(therapist_token_).get(),
                                          pain_request, pain);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // p1's dashboard status.
  v1::PatientStatus Status() {
    v1::ListPatientStatusesRequest request;
    request.set_parent("clinics/demo");
    v1::ListPatientStatusesResponse response;
    const grpc::Status status = dashboard_->ListPatientStatuses(
        Context(therapist_token_).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    for (const v1::PatientStatus& patient : response.statuses()) {
      if (patient.patient() == kPatient) return patient;
    }
    ADD_FAILURE() << "no status for " << kPatient;
    return v1::PatientStatus();
  }

  // Expects `scores` to be the follow-up beside the intake.
  void ExpectFollowUpBesideIntake(
      const google::protobuf::RepeatedPtrField<v1::OutcomeScoreSummary>&
          scores) {
    ASSERT_EQ(scores.size(), 1);
    const v1::OutcomeScoreSummary& odi = scores[0];
    EXPECT_EQ(odi.measure(), v1::OUTCOME_MEASURE_ODI);
    EXPECT_EQ(odi.response(), follow_up_.name());
    EXPECT_EQ(odi.local_date(), follow_up_.local_date());
    EXPECT_DOUBLE_EQ(odi.score(), 22);
    EXPECT_EQ(odi.band(), "moderate");
    EXPECT_FALSE(odi.intake());
    EXPECT_EQ(odi.intake_response(), intake_.name());
    EXPECT_DOUBLE_EQ(odi.intake_score(), 34);
    EXPECT_EQ(odi.intake_date(), intake_.local_date());
    EXPECT_DOUBLE_EQ(odi.change_since_intake(), -12);
    EXPECT_DOUBLE_EQ(odi.improvement(), 12);
    EXPECT_TRUE(odi.important_change());
  }

  std::string patient_token_;
  std::unique_ptr<v1::OutcomeService::Stub> outcomes_;
  std::unique_ptr<v1::ReportService::Stub> reports_;
  std::unique_ptr<v1::DashboardService::Stub> dashboard_;
  v1::OutcomeResponse intake_;
  v1::OutcomeResponse follow_up_;
};

TEST_F(OutcomeScoresTest, BothReportsShowTheLatestScoreBesideTheIntake) {
  ASSERT_NO_FATAL_FAILURE(SubmitOdiIntakeAndFollowUp());
  v1::AdherenceReport adherence;
  v1::PainTrendReport pain;
  ASSERT_NO_FATAL_FAILURE(GetReports("", &adherence, &pain));
  ExpectFollowUpBesideIntake(adherence.outcome_scores());
  ExpectFollowUpBesideIntake(pain.outcome_scores());
}

TEST_F(OutcomeScoresTest, AReportLeavesOutResponsesAfterItsLastDay) {
  ASSERT_NO_FATAL_FAILURE(SubmitOdiIntakeAndFollowUp());
  absl::CivilDay today;
  ASSERT_TRUE(absl::ParseCivilTime(intake_.local_date(), &today));
  const std::string yesterday = absl::FormatCivilTime(today - 1);
  v1::AdherenceReport adherence;
  v1::PainTrendReport pain;
  ASSERT_NO_FATAL_FAILURE(GetReports(yesterday, &adherence, &pain));
  ASSERT_EQ(adherence.end_date(), yesterday);
  EXPECT_THAT(adherence.outcome_scores(), IsEmpty());
  EXPECT_THAT(pain.outcome_scores(), IsEmpty());
}

TEST_F(OutcomeScoresTest, WithoutResponsesTheScoresAreEmpty) {
  v1::AdherenceReport adherence;
  v1::PainTrendReport pain;
  ASSERT_NO_FATAL_FAILURE(GetReports("", &adherence, &pain));
  EXPECT_THAT(adherence.outcome_scores(), IsEmpty());
  EXPECT_THAT(pain.outcome_scores(), IsEmpty());
  EXPECT_THAT(Status().outcome_scores(), IsEmpty());
}

// No session or check-in follows the responses: the submission itself must
// refresh the status.
TEST_F(OutcomeScoresTest, ASubmittedResponseRefreshesTheDashboardStatus) {
  ASSERT_THAT(Status().outcome_scores(), IsEmpty());
  ASSERT_NO_FATAL_FAILURE(SubmitOdiIntakeAndFollowUp());
  ExpectFollowUpBesideIntake(Status().outcome_scores());
}

}  // namespace
}  // namespace glutecare

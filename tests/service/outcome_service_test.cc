// OutcomeService through a real GlutecareServer: definitions, assignment,
// submission scored by the domain (skipped items included), the change since
// intake, validation, and idempotent retries.
#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "glutecare/v1/outcome_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/grpc_errors.h"
#include "tests/testing/served_clinic.h"

namespace glutecare {
namespace {

using ::testing::DoubleEq;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::ViolatedFields;

class OutcomeServiceTest : public testing::ServedClinicTest {
 protected:
  static constexpr char kPatient[] = "clinics/demo/patients/p1";

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServedClinicTest::SetUp());
    outcomes_ = v1::OutcomeService::NewStub(channel_);
    CreatePatient("p1", "MRN-1");
    patient_token_ = Token(v1::ROLE_PATIENT, kPatient);
  }

  grpc::Status Assign(v1::OutcomeMeasure measure, int every_weeks,
                      v1::OutcomeAssignment* assignment) {
    v1::CreateOutcomeAssignmentRequest request;
    request.set_parent(kPatient);
    request.mutable_outcome_assignment()->set_measure(measure);
    request.mutable_outcome_assignment()->set_every_weeks(every_weeks);
    return outcomes_->CreateOutcomeAssignment(Context(therapist_token_).get(),
                                              request, assignment);
  }

  // Answers item i (from 1) with scores[i-1]; nullopt leaves it out.
  static v1::SubmitOutcomeResponseRequest Submission(
      v1::OutcomeMeasure measure, const std::vector<std::optional<int>>& scores,
      const std::string& request_id = "") {
    v1::SubmitOutcomeResponseRequest request;
    request.set_parent(kPatient);
    request.set_request_id(request_id);
    v1::OutcomeResponse& response = *request.mutable_outcome_response();
    response.set_measure(measure);
    const std::string prefix =
        measure == v1::OUTCOME_MEASURE_ODI ? "odi-" : "lefs-";
    for (size_t i = 0; i < scores.size(); ++i) {
      if (!scores[i].has_value()) continue;
      v1::OutcomeAnswer& answer = *response.add_answers();
      answer.set_link_id(absl::StrCat(prefix, i + 1));
      answer.set_score(*scores[i]);
    }
    return request;
  }

  grpc::Status Submit(const v1::SubmitOutcomeResponseRequest& request,
                      v1::OutcomeResponse* response) {
    return outcomes_->SubmitOutcomeResponse(Context(patient_token_).get(),
                                            request, response);
  }

  // Assign, which must succeed: the assignment made.
  v1::OutcomeAssignment Assigned(v1::OutcomeMeasure measure, int every_weeks) {
    v1::OutcomeAssignment assignment;
    const grpc::Status status = Assign(measure, every_weeks, &assignment);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return assignment;
  }

  // Submit, which must succeed: the response as scored and stored.
  v1::OutcomeResponse Submitted(
      const v1::SubmitOutcomeResponseRequest& request) {
    v1::OutcomeResponse response;
    const grpc::Status status = Submit(request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // What the List `method` returns for the patient, as the holder of
  // `token`; a failed call fails the test.
  template <typename Request, typename Response>
  Response ListOfPatient(grpc::Status (v1::OutcomeService::Stub::*method)(
                             grpc::ClientContext*, const Request&, Response*),
                         const std::string& token) {
    Request request;
    request.set_parent(kPatient);
    Response response;
    const grpc::Status status =
        ((*outcomes_).*method)(Context(token).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  std::unique_ptr<v1::OutcomeService::Stub> outcomes_;
  std::string patient_token_;
};

TEST_F(OutcomeServiceTest, ServesBothDefinitions) {
  v1::ListQuestionnairesResponse list;
  ASSERT_TRUE(outcomes_
                  ->ListQuestionnaires(Context(patient_token_).get(),
                                       v1::ListQuestionnairesRequest(), &list)
                  .ok());
  ASSERT_EQ(list.questionnaires_size(), 2);
  EXPECT_EQ(list.questionnaires(0).name(), "questionnaires/odi");
  EXPECT_EQ(list.questionnaires(0).items_size(), 10);
  EXPECT_EQ(list.questionnaires(1).items_size(), 20);

  v1::GetQuestionnaireRequest get;
  get.set_name("questionnaires/lefs");
  v1::Questionnaire lefs;
  ASSERT_TRUE(
      outcomes_->GetQuestionnaire(Context(patient_token_).get(), get, &lefs)
          .ok());
  EXPECT_EQ(lefs.items(0).options(0).text(),
            "Extreme difficulty or unable to perform activity");
  get.set_name("questionnaires/sf36");
  EXPECT_EQ(
      outcomes_->GetQuestionnaire(Context(patient_token_).get(), get, &lefs)
          .error_code(),
      grpc::StatusCode::NOT_FOUND);
}

TEST_F(OutcomeServiceTest, AssignmentIsDueFromIntakeThenEveryNWeeks) {
  v1::OutcomeAssignment assignment = Assigned(v1::OUTCOME_MEASURE_ODI, 4);
  EXPECT_EQ(assignment.name(),
            "clinics/demo/patients/p1/outcomeAssignments/odi");
  EXPECT_EQ(assignment.assigned_by(), "clinics/demo/therapists/t1");
  EXPECT_EQ(assignment.next_due_date(), assignment.start_date());
  EXPECT_TRUE(assignment.due());

  const v1::OutcomeResponse intake = Submitted(
      Submission(v1::OUTCOME_MEASURE_ODI, {2, 2, 2, 2, 2, 2, 2, 2, 2, 2}));
  const v1::ListOutcomeAssignmentsResponse listed = ListOfPatient(
      &v1::OutcomeService::Stub::ListOutcomeAssignments, therapist_token_);
  ASSERT_EQ(listed.outcome_assignments_size(), 1);
  const v1::OutcomeAssignment& after = listed.outcome_assignments(0);
  EXPECT_EQ(after.intake_date(), intake.local_date());
  EXPECT_EQ(after.response_count(), 1);
  EXPECT_FALSE(after.due());
  EXPECT_FALSE(after.next_due_date().empty());
  EXPECT_GT(after.next_due_date(), intake.local_date());

  // One assignment per measure.
  EXPECT_EQ(Assign(v1::OUTCOME_MEASURE_ODI, 2, &assignment).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(OutcomeServiceTest, ScoresOdiWithSkippedSectionsAndFlagsChange) {
  const v1::OutcomeAssignment assignment = Assigned(v1::OUTCOME_MEASURE_ODI, 4);

  // Intake: 9 sections answered (one skipped), sum 27 of 45 -> 60% severe.
  const v1::OutcomeResponse intake = Submitted(Submission(
      v1::OUTCOME_MEASURE_ODI, {3, 3, 3, 3, std::nullopt, 3, 3, 3, 3, 3}));
  EXPECT_THAT(intake.score(), DoubleEq(60));
  EXPECT_EQ(intake.band(), "severe");
  EXPECT_EQ(intake.answered_items(), 9);
  EXPECT_TRUE(intake.intake());
  EXPECT_EQ(intake.assignment(), assignment.name());
  EXPECT_EQ(intake.questionnaire_version(), "1");

  // Follow-up: sum 20 of 50 -> 40%, 20 points better: important.
  const v1::OutcomeResponse follow_up = Submitted(
      Submission(v1::OUTCOME_MEASURE_ODI, {2, 2, 2, 2, 2, 2, 2, 2, 2, 2}));
  EXPECT_THAT(follow_up.score(), DoubleEq(40));
  EXPECT_EQ(follow_up.band(), "moderate");
  EXPECT_FALSE(follow_up.intake());
  EXPECT_EQ(follow_up.intake_response(), intake.name());
  EXPECT_THAT(follow_up.change_since_intake(), DoubleEq(-20));
  EXPECT_THAT(follow_up.improvement(), DoubleEq(20));
  EXPECT_TRUE(follow_up.important_change());

  // Another: sum 26 of 50 -> 52%, 8 points from the intake: not important.
  const v1::OutcomeResponse small = Submitted(
      Submission(v1::OUTCOME_MEASURE_ODI, {3, 3, 3, 3, 3, 3, 2, 2, 2, 2}));
  EXPECT_THAT(small.change_since_intake(), DoubleEq(-8));
  EXPECT_FALSE(small.important_change());
  EXPECT_EQ(small.intake_response(), intake.name());

  v1::GetOutcomeResponseRequest get;
  get.set_name(follow_up.name());
  v1::OutcomeResponse got;
  ASSERT_TRUE(
      outcomes_->GetOutcomeResponse(Context(therapist_token_).get(), get, &got)
          .ok());
  EXPECT_EQ(got.SerializeAsString(), follow_up.SerializeAsString());

  const v1::ListOutcomeResponsesResponse listed = ListOfPatient(
      &v1::OutcomeService::Stub::ListOutcomeResponses, therapist_token_);
  ASSERT_EQ(listed.outcome_responses_size(), 3);
  EXPECT_EQ(listed.outcome_responses(0).name(), small.name());  // newest first
}

TEST_F(OutcomeServiceTest, ScoresLefsAndNeedsEveryItem) {
  Assigned(v1::OUTCOME_MEASURE_LEFS, 0);
  std::vector<std::optional<int>> intake_scores(20, 2);  // 40 of 80
  const v1::OutcomeResponse intake =
      Submitted(Submission(v1::OUTCOME_MEASURE_LEFS, intake_scores));
  EXPECT_THAT(intake.score(), DoubleEq(40));
  EXPECT_EQ(intake.band(), "");

  std::vector<std::optional<int>> better(20, 2);
  for (int i = 0; i < 9; ++i) better[i] = 3;  // 49: +9, the MCID
  const v1::OutcomeResponse follow_up =
      Submitted(Submission(v1::OUTCOME_MEASURE_LEFS, better));
  EXPECT_THAT(follow_up.change_since_intake(), DoubleEq(9));
  EXPECT_THAT(follow_up.improvement(), DoubleEq(9));
  EXPECT_TRUE(follow_up.important_change());

  std::vector<std::optional<int>> skipped(20, 4);
  skipped[7] = std::nullopt;
  v1::OutcomeResponse refused;
  EXPECT_EQ(Submit(Submission(v1::OUTCOME_MEASURE_LEFS, skipped), &refused)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(OutcomeServiceTest, RefusesOdiWithThreeSectionsSkipped) {
  Assigned(v1::OUTCOME_MEASURE_ODI, 4);
  v1::OutcomeResponse response;
  EXPECT_EQ(Submit(Submission(v1::OUTCOME_MEASURE_ODI,
                              {1, 1, 1, 1, 1, 1, 1, std::nullopt, std::nullopt,
                               std::nullopt}),
                   &response)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(OutcomeServiceTest, SubmissionWithoutAssignmentFails) {
  v1::OutcomeResponse response;
  const grpc::Status status = Submit(
      Submission(v1::OUTCOME_MEASURE_ODI, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}),
      &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(OutcomeServiceTest, ValidationNamesTheFields) {
  v1::OutcomeAssignment assignment;
  v1::CreateOutcomeAssignmentRequest assign;
  assign.set_parent(kPatient);
  assign.mutable_outcome_assignment()->set_every_weeks(53);
  grpc::Status status = outcomes_->CreateOutcomeAssignment(
      Context(therapist_token_).get(), assign, &assignment);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status),
              ElementsAre("outcome_assignment.measure",
                          "outcome_assignment.every_weeks"));

  Assigned(v1::OUTCOME_MEASURE_ODI, 4);
  v1::SubmitOutcomeResponseRequest submit =
      Submission(v1::OUTCOME_MEASURE_ODI, {6, 1}, "bad id!");
  v1::OutcomeAnswer& unknown =
      *submit.mutable_outcome_response()->add_answers();
  unknown.set_link_id("odi-11");
  unknown.set_score(1);
  v1::OutcomeAnswer& twice = *submit.mutable_outcome_response()->add_answers();
  twice.set_link_id("odi-2");
  v1::OutcomeResponse response;
  status = Submit(submit, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status),
              ElementsAre("request_id", "outcome_response.answers[0].score",
                          "outcome_response.answers[2].link_id",
                          "outcome_response.answers[3].link_id"));

  EXPECT_THAT(ListOfPatient(&v1::OutcomeService::Stub::ListOutcomeResponses,
                            therapist_token_)
                  .outcome_responses(),
              IsEmpty());
}

TEST_F(OutcomeServiceTest, RetryWithRequestIdStoresOneResponse) {
  Assigned(v1::OUTCOME_MEASURE_ODI, 4);
  const v1::SubmitOutcomeResponseRequest request = Submission(
      v1::OUTCOME_MEASURE_ODI, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, "retry-1");
  const v1::OutcomeResponse first = Submitted(request);
  const v1::OutcomeResponse second = Submitted(request);
  EXPECT_EQ(first.name(), second.name());
  EXPECT_TRUE(second.intake());

  const v1::ListOutcomeAssignmentsResponse listed = ListOfPatient(
      &v1::OutcomeService::Stub::ListOutcomeAssignments, patient_token_);
  ASSERT_EQ(listed.outcome_assignments_size(), 1);
  EXPECT_EQ(listed.outcome_assignments(0).response_count(), 1);
}

}  // namespace
}  // namespace glutecare

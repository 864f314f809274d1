// SuggestionService on a real server: what sessions suggest, accepting and
// dismissing it, and what a new program revision does to it.

#include <grpcpp/grpcpp.h>

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/service/server_test.h"
#include "tests/testing/grpc_errors.h"

namespace glutecare {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::ViolatedFields;

TEST_F(SuggestionTest,
       UnacceptablePainSuggestsARegressionThatAcceptingApplies) {
  Submit("hurt", 8);  // glute-bridge 3x12 at body weight, pain after 8
  std::vector<v1::Suggestion> open = ListSuggestions(v1::SUGGESTION_STATE_OPEN);
  ASSERT_EQ(open.size(), 1u);
  const v1::Suggestion suggestion = open[0];
  EXPECT_EQ(suggestion.kind(), v1::SUGGESTION_KIND_REGRESS);
  EXPECT_EQ(suggestion.exercise(), "exercises/glute-bridge");
  EXPECT_EQ(suggestion.current().reps(), 12);
  EXPECT_EQ(suggestion.proposed().reps(), 9);
  EXPECT_EQ(suggestion.based_on_revision(), 1);
  EXPECT_THAT(suggestion.reasons(0), HasSubstr("8/10"));

  v1::AcceptSuggestionRequest accept;
  accept.set_name(suggestion.name());
  v1::Program revised;
  grpc::Status status =
      suggestions_->AcceptSuggestion(Context().get(), accept, &revised);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(revised.revision_id(), 2);
  EXPECT_EQ(revised.prescriptions(0).reps(), 9);
  EXPECT_EQ(revised.prescriptions(1).exercise(), "exercises/clamshell");

  std::vector<v1::Suggestion> accepted =
      ListSuggestions(v1::SUGGESTION_STATE_ACCEPTED);
  ASSERT_EQ(accepted.size(), 1u);
  EXPECT_EQ(accepted[0].accepted_revision(), 2);
  EXPECT_EQ(suggestions_->AcceptSuggestion(Context().get(), accept, &revised)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(SuggestionTest, DismissedSuggestionsStayDismissedForTheirRevision) {
  Submit("hurt-1", 7);
  std::vector<v1::Suggestion> open = ListSuggestions(v1::SUGGESTION_STATE_OPEN);
  ASSERT_EQ(open.size(), 1u);
  v1::DismissSuggestionRequest dismiss;
  dismiss.set_name(open[0].name());
  v1::Suggestion dismissed;
  ASSERT_TRUE(
      suggestions_->DismissSuggestion(Context().get(), dismiss, &dismissed)
          .ok());
  EXPECT_EQ(dismissed.state(), v1::SUGGESTION_STATE_DISMISSED);

  Submit("hurt-2", 7);  // the same finding for the same revision
  EXPECT_TRUE(ListSuggestions(v1::SUGGESTION_STATE_OPEN).empty());
  EXPECT_EQ(
      suggestions_->DismissSuggestion(Context().get(), dismiss, &dismissed)
          .error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);

  v1::ListSuggestionsRequest bad;
  bad.set_parent("clinics/demo/patients/p1");
  v1::ListSuggestionsResponse response;
  EXPECT_THAT(ViolatedFields(suggestions_->ListSuggestions(Context().get(), bad,
                                                           &response)),
              ElementsAre("parent"));
}

// Regression test (review finding): a new revision dismisses the open
// suggestions about the old one, which could never be accepted any more.
TEST_F(SuggestionTest, ANewRevisionDismissesOpenSuggestionsOfTheOldOne) {
  Submit("hurt", 8);
  ASSERT_EQ(ListSuggestions(v1::SUGGESTION_STATE_OPEN).size(), 1u);
  v1::UpdateProgramRequest update;
  update.mutable_program()->set_name(program_.name());
  update.mutable_program()->set_notes("Easier week after the flare.");
  update.mutable_update_mask()->add_paths("notes");
  v1::Program revised;
  ASSERT_TRUE(programs_->UpdateProgram(Context().get(), update, &revised).ok());
  // The finding still holds for revision 2 (only the notes changed), so it
  // is made again about revision 2; the one about revision 1 is dismissed.
  for (const v1::Suggestion& open :
       ListSuggestions(v1::SUGGESTION_STATE_OPEN)) {
    EXPECT_EQ(open.based_on_revision(), 2);
  }
  std::vector<v1::Suggestion> dismissed =
      ListSuggestions(v1::SUGGESTION_STATE_DISMISSED);
  ASSERT_EQ(dismissed.size(), 1u);
  EXPECT_EQ(dismissed[0].based_on_revision(), 1);
  EXPECT_THAT(dismissed[0].reasons(dismissed[0].reasons_size() - 1),
              HasSubstr("the program changed"));
}

}  // namespace
}  // namespace glutecare

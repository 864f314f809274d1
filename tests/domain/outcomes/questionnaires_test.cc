#include "server/domain/outcomes/questionnaires.h"

#include <optional>
#include <string>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace glutecare::outcomes {
namespace {

using ::testing::ElementsAre;

TEST(Questionnaires, OdiHasTenSectionsScoredZeroToFive) {
  const v1::Questionnaire& odi = QuestionnaireOf(v1::OUTCOME_MEASURE_ODI);
  EXPECT_EQ(odi.name(), "questionnaires/odi");
  EXPECT_EQ(odi.version(), "1");
  ASSERT_EQ(odi.items_size(), kOdiSections);
  for (const v1::QuestionnaireItem& item : odi.items()) {
    SCOPED_TRACE(item.link_id());
    ASSERT_EQ(item.options_size(), kOdiMaxSectionScore + 1);
    EXPECT_EQ(item.options(0).score(), 0);
    EXPECT_EQ(item.options(5).score(), 5);
  }
  EXPECT_EQ(odi.items(9).link_id(), "odi-10");
}

TEST(Questionnaires, LefsHasTwentyActivitiesWithBinkleysOptions) {
  const v1::Questionnaire& lefs = QuestionnaireOf(v1::OUTCOME_MEASURE_LEFS);
  EXPECT_EQ(FindQuestionnaire("lefs"), &lefs);
  ASSERT_EQ(lefs.items_size(), kLefsItems);
  EXPECT_EQ(lefs.items(19).text(), "Rolling over in bed");
  for (const v1::QuestionnaireItem& item : lefs.items()) {
    ASSERT_EQ(item.options_size(), kLefsMaxItemScore + 1);
    EXPECT_EQ(item.options(0).text(),
              "Extreme difficulty or unable to perform activity");
    EXPECT_EQ(item.options(4).text(), "No difficulty");
  }
  EXPECT_EQ(FindQuestionnaire("sf36"), nullptr);
}

TEST(AnswersInItemOrder, OrdersByLinkIdAndSkipsMissingItems) {
  const v1::Questionnaire& odi = QuestionnaireOf(v1::OUTCOME_MEASURE_ODI);
  google::protobuf::RepeatedPtrField<v1::OutcomeAnswer> answers;
  auto add = [&](const std::string& link_id, std::optional<int> score) {
    v1::OutcomeAnswer* answer = answers.Add();
    answer->set_link_id(link_id);
    if (score) answer->set_score(*score);
  };
  add("odi-3", 4);
  add("odi-1", 2);
  add("odi-2", std::nullopt);
  Violations violations;
  const Answers ordered = AnswersInItemOrder(odi, answers, "a", violations);
  EXPECT_TRUE(violations.empty());
  ASSERT_EQ(ordered.size(), 10u);
  EXPECT_EQ(ordered[0], 2);
  EXPECT_EQ(ordered[1], std::nullopt);
  EXPECT_EQ(ordered[2], 4);
  EXPECT_EQ(ordered[9], std::nullopt);
}

TEST(AnswersInItemOrder, NamesUnknownRepeatedAndOutOfRangeAnswers) {
  const v1::Questionnaire& lefs = QuestionnaireOf(v1::OUTCOME_MEASURE_LEFS);
  google::protobuf::RepeatedPtrField<v1::OutcomeAnswer> answers;
  auto add = [&](const std::string& link_id, int score) {
    v1::OutcomeAnswer* answer = answers.Add();
    answer->set_link_id(link_id);
    answer->set_score(score);
  };
  add("lefs-1", 5);   // LEFS options go to 4
  add("odi-1", 1);    // another questionnaire's item
  add("lefs-2", 1);
  add("lefs-2", 2);   // twice
  Violations violations;
  AnswersInItemOrder(lefs, answers, "r.answers", violations);
  std::vector<std::string> fields;
  for (const auto& violation : violations.list()) fields.push_back(violation.field);
  EXPECT_THAT(fields, ElementsAre("r.answers[0].score", "r.answers[1].link_id",
                                  "r.answers[3].link_id"));
}

// Found by glutecare_validation_fuzzer: an unknown link_id went into the
// violation as it came, control characters and all, however long.
TEST(AnswersInItemOrder, QuotesAnUnknownLinkIdSafelyInTheViolation) {
  const v1::Questionnaire& odi = QuestionnaireOf(v1::OUTCOME_MEASURE_ODI);
  google::protobuf::RepeatedPtrField<v1::OutcomeAnswer> answers;
  answers.Add()->set_link_id("odi-\x19\x1b[2J");
  answers.Add()->set_link_id(std::string(5000, 'x'));
  Violations violations;
  AnswersInItemOrder(odi, answers, "r.answers", violations);
  ASSERT_EQ(violations.list().size(), 2u);
  EXPECT_EQ(violations.list()[0].description,
            "no item \"odi-\\x19\\x1b[2J\" in questionnaires/odi");
  EXPECT_LT(violations.list()[1].description.size(), 200u);
}

TEST(NextDueDate, IsTheStartUntilTheIntakeThenEveryNWeeksAfterIt) {
  v1::OutcomeAssignment assignment;
  assignment.set_start_date("2026-11-02");
  assignment.set_every_weeks(4);
  EXPECT_EQ(NextDueDate(assignment), absl::CivilDay(2026, 11, 2));

  assignment.set_intake_date("2026-11-03");
  assignment.set_last_response_date("2026-11-03");
  EXPECT_EQ(NextDueDate(assignment), absl::CivilDay(2026, 12, 1));
  // A follow-up done early or late keeps the schedule anchored at intake.
  assignment.set_last_response_date("2026-12-05");
  EXPECT_EQ(NextDueDate(assignment), absl::CivilDay(2026, 12, 29));
  assignment.set_last_response_date("2026-11-30");
  EXPECT_EQ(NextDueDate(assignment), absl::CivilDay(2026, 12, 1));

  assignment.set_every_weeks(0);  // the intake only
  EXPECT_EQ(NextDueDate(assignment), std::nullopt);
}

}  // namespace
}  // namespace glutecare::outcomes

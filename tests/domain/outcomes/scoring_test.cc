#include "server/domain/outcomes/scoring.h"

#include <optional>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace glutecare::outcomes {
namespace {

constexpr std::nullopt_t kSkipped = std::nullopt;

// Worked by hand: sum over (5 x answered) x 100.
TEST(ScoreOdi, FollowsThePublishedRuleWithSkippedSections) {
  struct Case {
    const char* what;
    Answers answers;
    double percent;
    int answered;
    const char* band;
  };
  const Case cases[] = {
      {"all ten answered: 18 / 50", {3, 2, 1, 2, 3, 1, 0, 2, 3, 1}, 36.0, 10,
       "moderate"},
      {"one skipped: 17 / 45", {3, 2, kSkipped, 2, 3, 1, 0, 2, 3, 1},
       100.0 * 17 / 45, 9, "moderate"},
      {"two skipped: 40 / 40",
       {5, 5, kSkipped, 5, 5, 5, kSkipped, 5, 5, 5}, 100.0, 8, "bed-bound"},
      {"none: 0 / 50", {0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0.0, 10, "minimal"},
      {"one skipped, exactly 20%: 9 / 45",
       {1, 1, 1, 1, 1, 1, 1, 1, 1, kSkipped}, 20.0, 9, "minimal"},
      {"one skipped, just above 20%: 10 / 45",
       {2, 1, 1, 1, 1, 1, 1, 1, 1, kSkipped}, 100.0 * 10 / 45, 9,
       "moderate"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    absl::StatusOr<OutcomeScore> score = ScoreOdi(c.answers);
    ASSERT_TRUE(score.ok()) << score.status();
    EXPECT_DOUBLE_EQ(score->value, c.percent);
    EXPECT_EQ(score->answered, c.answered);
    EXPECT_EQ(score->band, c.band);
  }
}

TEST(ScoreOdi, RefusesWhatCannotBeScored) {
  EXPECT_EQ(ScoreOdi({kSkipped, kSkipped, kSkipped, 1, 1, 1, 1, 1, 1, 1})
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<OutcomeScore> out_of_range =
      ScoreOdi({1, 1, 6, 1, 1, 1, 1, 1, 1, 1});
  EXPECT_EQ(out_of_range.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(out_of_range.status().message(), ::testing::HasSubstr("item 3"));
  EXPECT_EQ(ScoreOdi({1, 1, 1}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(OdiBand, BandsAreInclusiveAtTheirUpperEdge) {
  struct Case {
    double percent;
    const char* band;
  };
  for (const Case& c : {Case{0, "minimal"}, Case{20, "minimal"},
                        Case{20.5, "moderate"}, Case{40, "moderate"},
                        Case{41, "severe"}, Case{60, "severe"},
                        Case{61, "crippled"}, Case{80, "crippled"},
                        Case{81, "bed-bound"}, Case{100, "bed-bound"}}) {
    SCOPED_TRACE(c.percent);
    EXPECT_EQ(OdiBand(c.percent), c.band);
  }
}

TEST(ScoreLefs, SumsTwentyItemsAndNeedsThemAll) {
  Answers answers(kLefsItems, 4);
  absl::StatusOr<OutcomeScore> best = ScoreLefs(answers);
  ASSERT_TRUE(best.ok());
  EXPECT_EQ(best->value, 80);
  // By hand: 10 items at 3, 5 at 2, 5 at 1 = 30 + 10 + 5 = 45.
  for (int i = 0; i < kLefsItems; ++i) answers[i] = i < 10 ? 3 : i < 15 ? 2 : 1;
  absl::StatusOr<OutcomeScore> worked = ScoreLefs(answers);
  ASSERT_TRUE(worked.ok());
  EXPECT_EQ(worked->value, 45);
  EXPECT_TRUE(worked->band.empty());

  answers[7] = kSkipped;
  EXPECT_EQ(ScoreLefs(answers).status().code(),
            absl::StatusCode::kFailedPrecondition);
  answers[7] = 5;
  EXPECT_EQ(ScoreLefs(answers).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CompareWithIntake, FlagsChangesThatReachTheImportantChange) {
  struct Case {
    Measure measure;
    double intake;
    double current;
    double improvement;
    bool important;
  };
  for (const Case& c : {
           Case{Measure::kOdi, 46, 36, 10, true},    // ODI down 10: better
           Case{Measure::kOdi, 46, 37, 9, false},
           Case{Measure::kOdi, 30, 40, -10, true},   // worse by 10
           Case{Measure::kLefs, 40, 49, 9, true},    // LEFS up 9: better
           Case{Measure::kLefs, 40, 48, 8, false},
           Case{Measure::kLefs, 40, 31, -9, true},   // worse by 9
       }) {
    SCOPED_TRACE(::testing::Message() << c.intake << " -> " << c.current);
    const OutcomeChange change =
        CompareWithIntake(c.measure, c.intake, c.current);
    EXPECT_DOUBLE_EQ(change.improvement, c.improvement);
    EXPECT_EQ(change.important, c.important);
  }
}

}  // namespace
}  // namespace glutecare::outcomes

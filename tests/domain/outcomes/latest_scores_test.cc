#include "server/domain/outcomes/latest_scores.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace glutecare::outcomes {
namespace {

using ::testing::IsEmpty;

constexpr absl::CivilDay kEnd(2026, 11, 28);

// A stored response `id` to `measure` on `date`; `intake` names the intake
// response (empty: this is the intake). The change fields are left to the
// caller.
v1::OutcomeResponse Response(v1::OutcomeMeasure measure, const std::string& id,
                             const std::string& date, double score,
                             const std::string& intake = "") {
  v1::OutcomeResponse response;
  response.set_name("clinics/c/patients/p/outcomeResponses/" + id);
  response.set_measure(measure);
  response.set_local_date(date);
  response.set_score(score);
  if (measure == v1::OUTCOME_MEASURE_ODI) response.set_band("moderate");
  if (intake.empty()) {
    response.set_intake(true);
  } else {
    response.set_intake_response("clinics/c/patients/p/outcomeResponses/" +
                                 intake);
  }
  return response;
}

// An ODI follow-up of `score` against an intake of 34: the change as the
// service stores it.
v1::OutcomeResponse OdiFollowUp(const std::string& id, const std::string& date,
                                double score) {
  v1::OutcomeResponse response =
      Response(v1::OUTCOME_MEASURE_ODI, id, date, score, "odi-intake");
  response.set_change_since_intake(score - 34);
  response.set_improvement(34 - score);
  response.set_important_change(34 - score >= 10 || score - 34 >= 10);
  return response;
}

// The ODI intake the follow-ups compare with: 34% on 2026-10-01.
v1::OutcomeResponse OdiIntake() {
  return Response(v1::OUTCOME_MEASURE_ODI, "odi-intake", "2026-10-01", 34);
}

TEST(LatestOutcomeScores, IsEmptyWithoutResponses) {
  EXPECT_THAT(LatestOutcomeScores({}, kEnd), IsEmpty());
}

TEST(LatestOutcomeScores, ShowsTheLatestBesideItsIntake) {
  const auto scores =
      LatestOutcomeScores({OdiIntake(), OdiFollowUp("a", "2026-10-29", 30),
                           OdiFollowUp("b", "2026-11-26", 22)},
                          kEnd);
  ASSERT_EQ(scores.size(), 1);
  const v1::OutcomeScoreSummary& odi = scores[0];
  EXPECT_EQ(odi.measure(), v1::OUTCOME_MEASURE_ODI);
  EXPECT_EQ(odi.response(), "clinics/c/patients/p/outcomeResponses/b");
  EXPECT_EQ(odi.local_date(), "2026-11-26");
  EXPECT_DOUBLE_EQ(odi.score(), 22);
  EXPECT_EQ(odi.band(), "moderate");
  EXPECT_FALSE(odi.intake());
  EXPECT_EQ(odi.intake_response(), OdiIntake().name());
  EXPECT_DOUBLE_EQ(odi.intake_score(), 34);
  EXPECT_EQ(odi.intake_date(), "2026-10-01");
  EXPECT_DOUBLE_EQ(odi.change_since_intake(), -12);
  EXPECT_DOUBLE_EQ(odi.improvement(), 12);
  EXPECT_TRUE(odi.important_change());
}

TEST(LatestOutcomeScores, ChoosesByTheDayOnOrBeforeTheLastDay) {
  struct Case {
    const char* what;
    absl::CivilDay last_day;
    // The response shown, or empty for none.
    std::string shown;
  };
  const std::vector<v1::OutcomeResponse> responses = {
      OdiIntake(), OdiFollowUp("a", "2026-10-29", 30),
      OdiFollowUp("b", "2026-11-26", 22)};
  const Case cases[] = {
      {"the day of the latest counts", absl::CivilDay(2026, 11, 26), "b"},
      {"a response after the last day is left out",
       absl::CivilDay(2026, 11, 25), "a"},
      {"only the intake is old enough", absl::CivilDay(2026, 10, 28),
       "odi-intake"},
      {"nothing is old enough", absl::CivilDay(2026, 9, 30), ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    const auto scores = LatestOutcomeScores(responses, c.last_day);
    if (c.shown.empty()) {
      EXPECT_THAT(scores, IsEmpty());
      continue;
    }
    ASSERT_EQ(scores.size(), 1);
    EXPECT_EQ(scores[0].response(),
              "clinics/c/patients/p/outcomeResponses/" + c.shown);
  }
}

TEST(LatestOutcomeScores, AnIntakeAloneIsItsOwnBaseline) {
  const auto scores = LatestOutcomeScores({OdiIntake()}, kEnd);
  ASSERT_EQ(scores.size(), 1);
  EXPECT_TRUE(scores[0].intake());
  EXPECT_EQ(scores[0].intake_response(), OdiIntake().name());
  EXPECT_DOUBLE_EQ(scores[0].intake_score(), 34);
  EXPECT_EQ(scores[0].intake_date(), "2026-10-01");
  EXPECT_DOUBLE_EQ(scores[0].change_since_intake(), 0);
  EXPECT_FALSE(scores[0].important_change());
}

TEST(LatestOutcomeScores, OfTwoOnOneDayTheLaterStoredWins) {
  const auto scores =
      LatestOutcomeScores({OdiIntake(), OdiFollowUp("first", "2026-11-20", 30),
                           OdiFollowUp("second", "2026-11-20", 26)},
                          kEnd);
  ASSERT_EQ(scores.size(), 1);
  EXPECT_EQ(scores[0].response(),
            "clinics/c/patients/p/outcomeResponses/second");
  // The intake's own day is shared too: a follow-up on it still wins.
  const auto same_day = LatestOutcomeScores(
      {OdiIntake(), OdiFollowUp("again", "2026-10-01", 33)}, kEnd);
  ASSERT_EQ(same_day.size(), 1);
  EXPECT_FALSE(same_day[0].intake());
}

TEST(LatestOutcomeScores, OneEntryPerMeasureInMeasureOrder) {
  v1::OutcomeResponse lefs_intake =
      Response(v1::OUTCOME_MEASURE_LEFS, "lefs-intake", "2026-09-15", 40);
  v1::OutcomeResponse lefs = Response(v1::OUTCOME_MEASURE_LEFS, "lefs-2",
                                      "2026-11-27", 49, "lefs-intake");
  lefs.set_change_since_intake(9);
  lefs.set_improvement(9);
  lefs.set_important_change(true);
  // The LEFS stored first; the ODI still comes first.
  const auto scores = LatestOutcomeScores(
      {lefs_intake, OdiIntake(), lefs, OdiFollowUp("b", "2026-11-26", 22)},
      kEnd);
  ASSERT_EQ(scores.size(), 2);
  EXPECT_EQ(scores[0].measure(), v1::OUTCOME_MEASURE_ODI);
  EXPECT_DOUBLE_EQ(scores[0].intake_score(), 34);
  EXPECT_EQ(scores[1].measure(), v1::OUTCOME_MEASURE_LEFS);
  EXPECT_DOUBLE_EQ(scores[1].score(), 49);
  EXPECT_DOUBLE_EQ(scores[1].intake_score(), 40);
  EXPECT_EQ(scores[1].intake_date(), "2026-09-15");
  EXPECT_EQ(scores[1].band(), "");
  EXPECT_DOUBLE_EQ(scores[1].improvement(), 9);
}

TEST(LatestOutcomeScores, AMissingIntakeIsRecoveredFromTheChange) {
  const auto scores =
      LatestOutcomeScores({OdiFollowUp("b", "2026-11-26", 22)}, kEnd);
  ASSERT_EQ(scores.size(), 1);
  EXPECT_DOUBLE_EQ(scores[0].intake_score(), 34);
  EXPECT_EQ(scores[0].intake_date(), "");
  EXPECT_EQ(scores[0].intake_response(), OdiIntake().name());
}

}  // namespace
}  // namespace glutecare::outcomes

// Tests of client/views/outcome.h: scores in their unit, and the latest
// score beside the intake in full and in brief.
#include "client/views/outcome.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/client/views/text_proto.h"

namespace glutecare::client {
namespace {

TEST(FormatOutcomeScore, UsesTheMeasuresUnit) {
  EXPECT_EQ(FormatOutcomeScore(v1::OUTCOME_MEASURE_ODI, 42), "42%");
  EXPECT_EQ(FormatOutcomeScore(v1::OUTCOME_MEASURE_ODI, 100.0 * 16 / 45),
            "35.56%");
  EXPECT_EQ(FormatOutcomeScore(v1::OUTCOME_MEASURE_LEFS, 57), "57/80");
  EXPECT_EQ(MeasureLabel(v1::OUTCOME_MEASURE_LEFS), "LEFS");
  EXPECT_EQ(MeasureLabel(v1::OUTCOME_MEASURE_UNSPECIFIED), "?");
}

struct Case {
  const char* what;
  const char* summary;  // text format
  std::string full;
  std::string brief;
};

TEST(FormatOutcomeSummary, SaysTheChangeSinceIntakeAndWhetherItMatters) {
  const std::vector<Case> cases = {
      {"an important ODI improvement", kOdiImprovement,
       "ODI 22% (moderate) on 2026-11-12, 12 points better than intake 34% "
       "on 2026-10-01 (important change)",
       "ODI 22% -12 better"},
      {"a LEFS worsening within the noise",
       R"pb(measure: OUTCOME_MEASURE_LEFS
            local_date: "2026-11-20"
            score: 43
            intake_score: 46
            intake_date: "2026-10-01"
            change_since_intake: -3
            improvement: -3)pb",
       "LEFS 43/80 on 2026-11-20, 3 points worse than intake 46/80 on "
       "2026-10-01 (within the noise)",
       "LEFS 43/80 -3 stable"},
      {"an important LEFS worsening",
       R"pb(measure: OUTCOME_MEASURE_LEFS
            local_date: "2026-11-20"
            score: 30
            intake_score: 40
            intake_date: "2026-10-01"
            change_since_intake: -10
            improvement: -10
            important_change: true)pb",
       "LEFS 30/80 on 2026-11-20, 10 points worse than intake 40/80 on "
       "2026-10-01 (important change)",
       "LEFS 30/80 -10 worse"},
      {"one point, no change, an unknown intake date",
       R"pb(measure: OUTCOME_MEASURE_LEFS
            local_date: "2026-11-20"
            score: 41
            intake_score: 40
            change_since_intake: 1
            improvement: 1)pb",
       "LEFS 41/80 on 2026-11-20, 1 point better than intake 40/80 "
       "(within the noise)",
       "LEFS 41/80 +1 stable"},
      {"unchanged",
       R"pb(measure: OUTCOME_MEASURE_ODI
            local_date: "2026-11-20"
            score: 34
            band: "moderate"
            intake_score: 34
            intake_date: "2026-10-01")pb",
       "ODI 34% (moderate) on 2026-11-20, unchanged since intake 34% on "
       "2026-10-01",
       "ODI 34% +0 stable"},
      {"the intake alone",
       R"pb(measure: OUTCOME_MEASURE_ODI
            local_date: "2026-10-01"
            score: 34
            band: "moderate"
            intake: true
            intake_score: 34
            intake_date: "2026-10-01")pb",
       "ODI 34% (moderate) on 2026-10-01, the intake", "ODI 34% intake"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    const auto summary = ParseTextProto<v1::OutcomeScoreSummary>(c.summary);
    EXPECT_EQ(FormatOutcomeSummary(summary), c.full);
    google::protobuf::RepeatedPtrField<v1::OutcomeScoreSummary> one;
    *one.Add() = summary;
    EXPECT_EQ(FormatOutcomeScoresBrief(one), c.brief);
  }
}

TEST(FormatOutcomeScoresBrief, JoinsTheMeasuresAndIsEmptyWithoutAny) {
  EXPECT_EQ(FormatOutcomeScoresBrief({}), "");
  const auto odi = ParseTextProto<v1::OutcomeScoreSummary>(kOdiImprovement);
  const auto lefs = ParseTextProto<v1::OutcomeScoreSummary>(R"pb(
    measure: OUTCOME_MEASURE_LEFS
    score: 49
    change_since_intake: 9
    improvement: 9
    important_change: true
  )pb");
  google::protobuf::RepeatedPtrField<v1::OutcomeScoreSummary> both;
  *both.Add() = odi;
  *both.Add() = lefs;
  EXPECT_EQ(FormatOutcomeScoresBrief(both),
            "ODI 22% -12 better, LEFS 49/80 +9 better");
}

}  // namespace
}  // namespace glutecare::client

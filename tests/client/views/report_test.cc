// Tests of client/views/report.h: rounding, the daily series and its
// sparkline, pain changes, and the two report views.
#include "client/views/report.h"

#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/client/views/text_proto.h"

namespace glutecare::client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;

TEST(FormatNumbers, PercentIsWholeAndDecimalHasOneDigit) {
  EXPECT_EQ(FormatPercent(66.666), "67%");
  EXPECT_EQ(FormatPercent(0), "0%");
  EXPECT_EQ(FormatPercent(100), "100%");
  EXPECT_EQ(FormatDecimal(2.9999999999999996), "3.0");
  EXPECT_EQ(FormatDecimal(1.2857), "1.3");
  EXPECT_EQ(FormatDecimal(0), "0.0");
}

TEST(DailyMeans, PutsEachDayOnTheCalendarAndLeavesGaps) {
  const v1::AreaPainTrend trend = ParseTextProto<v1::AreaPainTrend>(R"pb(
    days { date: "2026-11-01" mean: 6 }
    days { date: "2026-11-03" mean: 4.5 }
    days { date: "2026-11-09" mean: 1 }  # outside the range
  )pb");
  EXPECT_THAT(
      DailyMeans(trend.days(), "2026-11-01", "2026-11-04"),
      ElementsAre(Optional(6.0), std::nullopt, Optional(4.5), std::nullopt));
}

TEST(DailyMeans, IsEmptyForBadOrReversedDates) {
  const v1::AreaPainTrend trend;
  EXPECT_TRUE(DailyMeans(trend.days(), "2026-11-04", "2026-11-01").empty());
  EXPECT_TRUE(DailyMeans(trend.days(), "yesterday", "2026-11-01").empty());
  EXPECT_EQ(DailyMeans(trend.days(), "2026-11-01", "2026-11-01").size(), 1u);
}

TEST(Sparkline, MapsZeroToTenOntoEightBlocks) {
  struct Case {
    double value;
    std::string block;
  };
  const std::vector<Case> cases = {
      {0, "▁"},   {1.24, "▁"}, {1.25, "▂"}, {2.5, "▃"}, {4, "▄"},  {5, "▅"},
      {6.5, "▆"}, {8, "▇"},    {9, "█"},    {10, "█"},  {11, "█"}, {-1, "▁"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.value);
    EXPECT_EQ(Sparkline({c.value}, kMaxPainScore), c.block);
  }
}

TEST(Sparkline, ShowsAMissingDayAsASpace) {
  EXPECT_EQ(Sparkline({6.0, 5.5, 5.0, std::nullopt, 4.0, 3.0, 3.0, 2.0},
                      kMaxPainScore),
            "▅▅▅ ▄▃▃▂");
  EXPECT_EQ(Sparkline({}, kMaxPainScore), "");
}

TEST(FormatPainChange, NamesPointsPercentAndSignificance) {
  struct Case {
    std::string change;
    std::string full;
    std::string brief;
  };
  const std::vector<Case> cases = {
      {"from: 6 to: 3.5 points: -2.5 percent: -41.67 "
       "significance: PAIN_CHANGE_SIGNIFICANCE_IMPROVED",
       "-2.5 points (-42%), improved (6.0 -> 3.5)", "-2.5 better"},
      {"from: 0 to: 2 points: 2 significance: "
       "PAIN_CHANGE_SIGNIFICANCE_WORSENED",
       "+2.0 points, worsened (0.0 -> 2.0)", "+2.0 worse"},
      {"from: 4 to: 4.01 points: 0.01 percent: 0.25 "
       "significance: PAIN_CHANGE_SIGNIFICANCE_NOT_IMPORTANT",
       "+0.0 points (+0%), not important (4.0 -> 4.0)", "+0.0 stable"},
      {"from: 4 to: 3.98 points: -0.02 percent: -0.5",
       "+0.0 points (+0%) (4.0 -> 4.0)", "+0.0"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.change);
    const auto change = ParseTextProto<v1::PainChange>(c.change);
    EXPECT_EQ(FormatPainChange(change), c.full);
    EXPECT_EQ(FormatPainChangeBrief(change), c.brief);
  }
}

TEST(PrintAdherenceReport, ShowsTotalsWeeksAndExercises) {
  auto report = ParseTextProto<v1::AdherenceReport>(R"pb(
    patient: "clinics/c1/patients/p1"
    start_date: "2026-11-02"
    end_date: "2026-11-15"
    weeks {
      week_start_date: "2026-11-02"
      days_in_range: 7
      prescribed_sessions: 2.9999999999999996
      completed_sessions: 3
      adherence_percent: 100
    }
    weeks {
      week_start_date: "2026-11-09"
      days_in_range: 7
      prescribed_sessions: 3
      completed_sessions: 1
      adherence_percent: 33.3333
    }
    prescribed_sessions: 6
    completed_sessions: 4
    adherence_percent: 66.6667
    exercises {
      exercise: "exercises/glute-bridge"
      prescribed_volume: 215.99999
      completed_volume: 144
      completion_percent: 66.6667
    }
    current_streak_weeks: 1
    days_since_last_session: 2
    data_days: 5
  )pb");
  *report.add_outcome_scores() =
      ParseTextProto<v1::OutcomeScoreSummary>(kOdiImprovement);
  *report.add_outcome_scores() = ParseTextProto<v1::OutcomeScoreSummary>(R"pb(
    measure: OUTCOME_MEASURE_LEFS
    local_date: "2026-10-01"
    score: 40
    intake: true
    intake_score: 40
    intake_date: "2026-10-01"
  )pb");
  std::ostringstream out;
  PrintAdherenceReport(report, out);
  EXPECT_EQ(out.str(),
            "patient:                  clinics/c1/patients/p1\n"
            "range:                    2026-11-02 .. 2026-11-15\n"
            "adherence:                67%\n"
            "sessions:                 4 done of 6.0 prescribed\n"
            "streak:                   1 week\n"
            "days since last session:  2\n"
            "data days:                5\n"
            "function:                 ODI 22% (moderate) on 2026-11-12, 12 "
            "points better than intake 34% on 2026-10-01 (important change)\n"
            "function:                 LEFS 40/80 on 2026-10-01, the intake\n"
            "\n"
            "WEEK OF     DAYS  PRESCRIBED  DONE  ADHERENCE\n"
            "2026-11-02  7     3.0         3     100%\n"
            "2026-11-09  7     3.0         1     33%\n"
            "\n"
            "EXERCISE      PRESCRIBED VOLUME  DONE  COMPLETION\n"
            "glute-bridge  216.0              144   67%\n");
}

TEST(PrintAdherenceReport, SaysWhenThereWasNoSession) {
  std::ostringstream out;
  PrintAdherenceReport(v1::AdherenceReport(), out);
  EXPECT_THAT(out.str(), HasSubstr("days since last session:  no session yet"));
  EXPECT_THAT(out.str(), HasSubstr("streak:                   0 weeks"));
}

TEST(PrintPainTrendReport, ShowsSparklinesDaysChangesAndZones) {
  const auto report = ParseTextProto<v1::PainTrendReport>(R"pb(
    patient: "clinics/c1/patients/p1"
    start_date: "2026-11-01"
    end_date: "2026-11-04"
    areas {
      area: PAIN_AREA_LOWER_BACK
      days { date: "2026-11-01" mean: 6 reports: 2 rolling_7_day_mean: 6 }
      days { date: "2026-11-03" mean: 3 reports: 1 rolling_7_day_mean: 5 }
      change_from_baseline {
        from: 6
        to: 5
        points: -1
        percent: -16.7
        significance: PAIN_CHANGE_SIGNIFICANCE_NOT_IMPORTANT
      }
    }
    areas {
      area: PAIN_AREA_HIP
      days { date: "2026-11-04" mean: 10 reports: 1 rolling_7_day_mean: 10 }
    }
    sessions_safe: 1
    sessions_acceptable: 2
    sessions_unacceptable: 3
  )pb");
  std::ostringstream out;
  PrintPainTrendReport(report, out);
  EXPECT_EQ(out.str(),
            "patient:   clinics/c1/patients/p1\n"
            "range:     2026-11-01 .. 2026-11-04\n"
            "function:  no outcome measure answered by 2026-11-04\n"
            "\n"
            "lower-back  ▅ ▃   (0-10, 2026-11-01 .. 2026-11-04)\n"
            "hip            █  (0-10, 2026-11-01 .. 2026-11-04)\n"
            "\n"
            "lower-back\n"
            "DATE        MEAN  REPORTS  7-DAY MEAN\n"
            "2026-11-01  6.0   2        6.0\n"
            "2026-11-03  3.0   1        5.0\n"
            "change from baseline:    -1.0 points (-17%), not important "
            "(6.0 -> 5.0)\n"
            "change from first week:  -\n"
            "\n"
            "hip\n"
            "DATE        MEAN  REPORTS  7-DAY MEAN\n"
            "2026-11-04  10.0  1        10.0\n"
            "change from baseline:    -\n"
            "change from first week:  -\n"
            "\n"
            "sessions by pain after:  1 safe (0-3), 2 acceptable (4-5), "
            "3 unacceptable (6-10)\n");
}

TEST(PrintPainTrendReport, ShowsFunctionBesidePain) {
  const auto report = ParseTextProto<v1::PainTrendReport>(R"pb(
    end_date: "2026-11-28"
    outcome_scores {
      measure: OUTCOME_MEASURE_LEFS
      local_date: "2026-11-20"
      score: 43
      intake_score: 46
      intake_date: "2026-10-01"
      change_since_intake: -3
      improvement: -3
    }
  )pb");
  std::ostringstream out;
  PrintPainTrendReport(report, out);
  EXPECT_THAT(out.str(),
              HasSubstr("function:  LEFS 43/80 on 2026-11-20, 3 points worse "
                        "than intake 46/80 on 2026-10-01 (within the "
                        "noise)\n"));
}

TEST(PrintPainTrendReport, SaysWhenNoPainWasReported) {
  std::ostringstream out;
  PrintPainTrendReport(v1::PainTrendReport(), out);
  EXPECT_THAT(out.str(), HasSubstr("no pain reported in the range\n"));
}

}  // namespace
}  // namespace glutecare::client

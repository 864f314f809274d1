#include "server/domain/pain_trend.h"

#include "gtest/gtest.h"

namespace glutecare {
namespace {

constexpr absl::CivilDay kStart{2026, 11, 1};

TEST(ComputePainTrend, DailyMeansAndRollingMeansPerArea) {
  PainTrendInput input{.start = kStart, .end = kStart + 13, .baseline = 6};
  input.scores = {
      {kStart - 2, v1::PAIN_AREA_LOWER_BACK, 8},  // look-back only
      {kStart, v1::PAIN_AREA_LOWER_BACK, 6},
      {kStart, v1::PAIN_AREA_LOWER_BACK, 4},
      {kStart + 3, v1::PAIN_AREA_LOWER_BACK, 5},
      {kStart + 12, v1::PAIN_AREA_LOWER_BACK, 3},
      {kStart + 1, v1::PAIN_AREA_KNEE, 2},
  };
  const v1::PainTrendReport report = ComputePainTrend(input);
  ASSERT_EQ(report.areas_size(), 2);
  const v1::AreaPainTrend& back = report.areas(0);
  EXPECT_EQ(back.area(), v1::PAIN_AREA_LOWER_BACK);
  ASSERT_EQ(back.days_size(), 3);
  EXPECT_EQ(back.days(0).date(), "2026-11-01");
  EXPECT_DOUBLE_EQ(back.days(0).mean(), 5.0);
  EXPECT_EQ(back.days(0).reports(), 2);
  EXPECT_DOUBLE_EQ(back.days(0).rolling_7_day_mean(), 6.0);   // (8+6+4)/3
  EXPECT_DOUBLE_EQ(back.days(1).rolling_7_day_mean(), 5.75);  // (8+6+4+5)/4
  EXPECT_DOUBLE_EQ(back.days(2).rolling_7_day_mean(), 3.0);   // only day 12
  // From baseline 6 to 3: -3 points, improved.
  EXPECT_DOUBLE_EQ(back.change_from_baseline().points(), -3.0);
  EXPECT_EQ(back.change_from_baseline().significance(),
            v1::PAIN_CHANGE_SIGNIFICANCE_IMPROVED);
  // First week (Nov 1-7): (6+4+5)/3 = 5 -> 3.
  EXPECT_DOUBLE_EQ(back.change_from_first_week().from(), 5.0);
  EXPECT_EQ(report.areas(1).area(), v1::PAIN_AREA_KNEE);
}

TEST(ComputePainTrend, WithoutBaselineOrDataThereIsNoChange) {
  PainTrendInput input{.start = kStart, .end = kStart + 6};
  input.scores = {{kStart - 1, v1::PAIN_AREA_HIP, 5}};  // before the range
  EXPECT_EQ(ComputePainTrend(input).areas_size(), 0);
  input.scores.push_back({kStart + 1, v1::PAIN_AREA_HIP, 5});
  const v1::PainTrendReport report = ComputePainTrend(input);
  ASSERT_EQ(report.areas_size(), 1);
  EXPECT_FALSE(report.areas(0).has_change_from_baseline());
  EXPECT_TRUE(report.areas(0).has_change_from_first_week());
}

TEST(ComputePainTrend, ClassesPainAfterExerciseByZone) {
  PainTrendInput input{.start = kStart, .end = kStart};
  input.post_exercise_pain = {0, 3, 4, 5, 6, 9};
  const v1::PainTrendReport report = ComputePainTrend(input);
  EXPECT_EQ(report.sessions_safe(), 2);
  EXPECT_EQ(report.sessions_acceptable(), 2);
  EXPECT_EQ(report.sessions_unacceptable(), 2);
}

}  // namespace
}  // namespace glutecare

#include "server/domain/pain_rules.h"

#include "gtest/gtest.h"

namespace glutecare {
namespace {

TEST(ExercisePainZone, FollowsThePainMonitoringModel) {
  struct Case {
    int score;
    v1::PainZone zone;
  };
  const Case cases[] = {
      {0, v1::PAIN_ZONE_SAFE},         {3, v1::PAIN_ZONE_SAFE},
      {4, v1::PAIN_ZONE_ACCEPTABLE},   {5, v1::PAIN_ZONE_ACCEPTABLE},
      {6, v1::PAIN_ZONE_UNACCEPTABLE}, {10, v1::PAIN_ZONE_UNACCEPTABLE},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.score);
    EXPECT_EQ(ExercisePainZone(c.score), c.zone);
  }
}

TEST(MakePainChange, FlagsTwoPointsOrThirtyPercent) {
  struct Case {
    double from;
    double to;
    v1::PainChangeSignificance significance;
  };
  const Case cases[] = {
      {6, 4, v1::PAIN_CHANGE_SIGNIFICANCE_IMPROVED},         // -2 points
      {6, 4.01, v1::PAIN_CHANGE_SIGNIFICANCE_IMPROVED},      // -1.99 but -33%
      {8, 6.5, v1::PAIN_CHANGE_SIGNIFICANCE_NOT_IMPORTANT},  // -1.5, -18.75%
      {3, 2.1, v1::PAIN_CHANGE_SIGNIFICANCE_IMPROVED},       // -0.9 but -30%
      {3, 2.2, v1::PAIN_CHANGE_SIGNIFICANCE_NOT_IMPORTANT},  // -26.7%
      {4, 6, v1::PAIN_CHANGE_SIGNIFICANCE_WORSENED},         // +2
      {5, 6.4, v1::PAIN_CHANGE_SIGNIFICANCE_NOT_IMPORTANT},  // +1.4, +28%
      {2, 2.6, v1::PAIN_CHANGE_SIGNIFICANCE_WORSENED},       // +30%
      {0, 1.9,
       v1::PAIN_CHANGE_SIGNIFICANCE_NOT_IMPORTANT},  // no percent from 0
      {0, 2, v1::PAIN_CHANGE_SIGNIFICANCE_WORSENED},
      {5, 5, v1::PAIN_CHANGE_SIGNIFICANCE_NOT_IMPORTANT},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << c.from << " -> " << c.to);
    const v1::PainChange change = MakePainChange(c.from, c.to);
    EXPECT_EQ(change.significance(), c.significance);
    EXPECT_DOUBLE_EQ(change.points(), c.to - c.from);
    EXPECT_EQ(change.has_percent(), c.from > 0);
  }
}

}  // namespace
}  // namespace glutecare

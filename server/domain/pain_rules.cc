#include "server/domain/pain_rules.h"

namespace glutecare {

v1::PainZone ExercisePainZone(int score) {
  if (score <= kMaxSafeExercisePain) return v1::PAIN_ZONE_SAFE;
  if (score <= kMaxAcceptableExercisePain) return v1::PAIN_ZONE_ACCEPTABLE;
  return v1::PAIN_ZONE_UNACCEPTABLE;
}

v1::PainChange MakePainChange(double from, double to) {
  // Scores are means of integers; compare with a little slack so that a
  // change of exactly 2 points computed in floating point still counts.
  constexpr double kSlack = 1e-9;
  v1::PainChange change;
  change.set_from(from);
  change.set_to(to);
  const double points = to - from;
  change.set_points(points);
  bool worse = points >= kImportantChangePoints - kSlack;
  bool better = points <= -kImportantChangePoints + kSlack;
  if (from > 0) {
    const double percent = points / from * 100.0;
    change.set_percent(percent);
    worse =
        worse || (points > 0 && percent >= kImportantChangePercent - kSlack);
    better =
        better || (points < 0 && percent <= -kImportantChangePercent + kSlack);
  }
  change.set_significance(worse ? v1::PAIN_CHANGE_SIGNIFICANCE_WORSENED
                          : better
                              ? v1::PAIN_CHANGE_SIGNIFICANCE_IMPROVED
                              : v1::PAIN_CHANGE_SIGNIFICANCE_NOT_IMPORTANT);
  return change;
}

}  // namespace glutecare

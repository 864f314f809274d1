// Pain rules from CLINICAL.md: the pain-monitoring zones for exercise
// (Silbernagel 2007) and what counts as a clinically important change
// (Farrar 2001: about 2 points or 30% on the 0-10 scale).
#ifndef GLUTECARE_SERVER_DOMAIN_PAIN_RULES_H_
#define GLUTECARE_SERVER_DOMAIN_PAIN_RULES_H_

#include "glutecare/v1/report.pb.h"

namespace glutecare {

// Pain during or after exercise of 0-3 is safe, 4-5 acceptable, above 5
// unacceptable (CLINICAL.md, "Pain-monitoring model").
inline constexpr int kMaxSafeExercisePain = 3;
inline constexpr int kMaxAcceptableExercisePain = 5;

// A change of at least 2 points or at least 30% is clinically important
// (CLINICAL.md, "Clinically important change").
inline constexpr double kImportantChangePoints = 2.0;
inline constexpr double kImportantChangePercent = 30.0;

// The zone of a 0-10 pain score taken during or after exercise.
v1::PainZone ExercisePainZone(int score);

// The change from `from` to `to` (both 0-10), with its significance.
v1::PainChange MakePainChange(double from, double to);

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_DOMAIN_PAIN_RULES_H_

// Pain trends: a daily series per body area with a 7-day rolling mean, the
// change from baseline and from the first week flagged when clinically
// important, and pain after exercise by pain-monitoring zone (pain_rules.h).
#ifndef GLUTECARE_SERVER_DOMAIN_PAIN_TREND_H_
#define GLUTECARE_SERVER_DOMAIN_PAIN_TREND_H_

#include <optional>
#include <vector>

#include "absl/time/civil_time.h"
#include "glutecare/v1/clinic.pb.h"
#include "glutecare/v1/report.pb.h"
#include "glutecare/v1/session.pb.h"

namespace glutecare {

// One 0-10 score reported on a day for an area: a check-in, or the pain
// before or after a session.
struct PainScore {
  absl::CivilDay day;
  v1::PainArea area;
  int score;
};

// Every score in `sessions` (pain before and after, in the session's pain
// area) and `reports` (check-ins), by local date. Entries whose local_date
// does not parse are skipped.
std::vector<PainScore> PainScoresOf(const std::vector<v1::Session>& sessions,
                                    const std::vector<v1::PainReport>& reports);

// Days that a rolling mean looks back over, the day itself included.
inline constexpr int kRollingDays = 7;

struct PainTrendInput {
  // The range, inclusive. REQUIRES: start <= end.
  absl::CivilDay start;
  absl::CivilDay end;
  // The patient's baseline pain (0-10), if known.
  std::optional<int> baseline;
  // Every score from start - 6 to end (the days before start feed the first
  // rolling means), any order.
  std::vector<PainScore> scores;
  // The pain after each session within [start, end].
  std::vector<int> post_exercise_pain;
};

// The report for `input`; the caller fills in PainTrendReport.patient.
v1::PainTrendReport ComputePainTrend(const PainTrendInput& input);

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_DOMAIN_PAIN_TREND_H_

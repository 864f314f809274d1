// Patient-reported outcome measures (PROMs): the Oswestry Disability Index
// (lower back) and the Lower Extremity Functional Scale (hips and knees),
// their scoring, and whether a change since intake is real.
//
//   absl::StatusOr<OutcomeScore> odi = ScoreOdi({3, 2, std::nullopt, ...});
//   OutcomeChange change = CompareWithIntake(Measure::kOdi, 46, odi->value);
//   if (change.important) ...
//
// Scoring follows the published rules (../shared/CLINICAL.md, "Outcome
// measures"):
// - ODI: 10 sections scored 0-5; score % = sum / (5 x sections answered) x
//   100, so a skipped section lowers the denominator by 5. Bands: 0-20
//   minimal, 21-40 moderate, 41-60 severe, 61-80 crippled, 81-100 bed-bound
//   (a fractional score belongs to the band it does not exceed: 20.5 is
//   moderate). The project scores no ODI with more than 2 sections skipped:
//   with 7 answers one section moves the score by 14 points, beyond the
//   measure's ~10-point detectable change.
// - LEFS: 20 items scored 0-4, total 0-80, higher is better. Binkley (1999)
//   gives no rule for missing items, so a LEFS is scored only when every item
//   is answered.
// - A change since intake is important when it reaches the minimal
//   detectable change of the ODI (10 points) or the minimal clinically
//   important difference of the LEFS (9 points).
#ifndef GLUTECARE_SERVER_DOMAIN_OUTCOMES_SCORING_H_
#define GLUTECARE_SERVER_DOMAIN_OUTCOMES_SCORING_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace glutecare::outcomes {

enum class Measure { kOdi, kLefs };

// An answer per item, in item order: the score of the chosen option, or
// nullopt for a skipped item.
using Answers = std::vector<std::optional<int>>;

inline constexpr int kOdiSections = 10;
inline constexpr int kOdiMaxSectionScore = 5;
inline constexpr int kOdiMaxSkipped = 2;
inline constexpr int kLefsItems = 20;
inline constexpr int kLefsMaxItemScore = 4;
// ODI minimum detectable change, LEFS minimal clinically important
// difference, in points (CLINICAL.md).
inline constexpr double kOdiImportantChange = 10;
inline constexpr double kLefsImportantChange = 9;

struct OutcomeScore {
  // ODI: percent, 0-100 (lower is better). LEFS: 0-80 (higher is better).
  double value = 0;
  int answered = 0;
  // ODI only: "minimal", "moderate", "severe", "crippled" or "bed-bound".
  std::string band;
};

// INVALID_ARGUMENT for the wrong number of answers or a score out of range
// (naming the item, from 1); FAILED_PRECONDITION when too many items are
// skipped to score.
absl::StatusOr<OutcomeScore> ScoreOdi(const Answers& answers);
absl::StatusOr<OutcomeScore> ScoreLefs(const Answers& answers);
absl::StatusOr<OutcomeScore> Score(Measure measure, const Answers& answers);

// The ODI band of a percentage.
std::string OdiBand(double percent);

struct OutcomeChange {
  // Current minus intake, in the measure's points.
  double change = 0;
  // Positive when the patient is better: a lower ODI, a higher LEFS.
  double improvement = 0;
  // |change| reaches the measure's important-change threshold.
  bool important = false;
};

OutcomeChange CompareWithIntake(Measure measure, double intake,
                                double current);

}  // namespace glutecare::outcomes

#endif  // GLUTECARE_SERVER_DOMAIN_OUTCOMES_SCORING_H_

#include "server/domain/outcomes/scoring.h"

#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace glutecare::outcomes {
namespace {

// Checks the count and ranges of `answers`; returns the sum and the number
// answered.
absl::Status CheckAnswers(const Answers& answers, int items, int max_score,
                          absl::string_view measure, int* sum,
                          int* answered) {
  if (static_cast<int>(answers.size()) != items) {
    return absl::InvalidArgumentError(
        absl::StrCat(measure, " has ", items, " items; got ", answers.size(),
                     " answers"));
  }
  *sum = 0;
  *answered = 0;
  for (int i = 0; i < items; ++i) {
    if (!answers[i].has_value()) continue;
    if (*answers[i] < 0 || *answers[i] > max_score) {
      return absl::InvalidArgumentError(
          absl::StrCat(measure, " item ", i + 1, " is scored 0-", max_score,
                       "; got ", *answers[i]));
    }
    *sum += *answers[i];
    ++*answered;
  }
  return absl::OkStatus();
}

}  // namespace

std::string OdiBand(double percent) {
  if (percent <= 20) return "minimal";
  if (percent <= 40) return "moderate";
  if (percent <= 60) return "severe";
  if (percent <= 80) return "crippled";
  return "bed-bound";
}

absl::StatusOr<OutcomeScore> ScoreOdi(const Answers& answers) {
  int sum = 0;
  int answered = 0;
  absl::Status status = CheckAnswers(answers, kOdiSections,
                                     kOdiMaxSectionScore, "ODI", &sum,
                                     &answered);
  if (!status.ok()) return status;
  if (kOdiSections - answered > kOdiMaxSkipped) {
    return absl::FailedPreconditionError(absl::StrCat(
        "ODI with ", kOdiSections - answered, " sections skipped: at most ",
        kOdiMaxSkipped, " may be skipped for a score"));
  }
  OutcomeScore score;
  score.answered = answered;
  score.value = 100.0 * sum / (kOdiMaxSectionScore * answered);
  score.band = OdiBand(score.value);
  return score;
}

absl::StatusOr<OutcomeScore> ScoreLefs(const Answers& answers) {
  int sum = 0;
  int answered = 0;
  absl::Status status = CheckAnswers(answers, kLefsItems, kLefsMaxItemScore,
                                     "LEFS", &sum, &answered);
  if (!status.ok()) return status;
  if (answered != kLefsItems) {
    return absl::FailedPreconditionError(absl::StrCat(
        "LEFS with ", kLefsItems - answered,
        " items skipped: it is scored only when every item is answered"));
  }
  return OutcomeScore{.value = static_cast<double>(sum), .answered = answered};
}

absl::StatusOr<OutcomeScore> Score(Measure measure, const Answers& answers) {
  return measure == Measure::kOdi ? ScoreOdi(answers) : ScoreLefs(answers);
}

OutcomeChange CompareWithIntake(Measure measure, double intake,
                                double current) {
  OutcomeChange out;
  out.change = current - intake;
  out.improvement = measure == Measure::kOdi ? -out.change : out.change;
  const double threshold =
      measure == Measure::kOdi ? kOdiImportantChange : kLefsImportantChange;
  out.important = std::abs(out.change) >= threshold;
  return out;
}

}  // namespace glutecare::outcomes

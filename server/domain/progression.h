// Pain-gated progression (issue 3, CLINICAL.md): when to suggest making a
// prescribed exercise harder or easier, and what the next step is.
//
// Progress an exercise when, over the last 14 days under the current
// revision, adherence was at least 80%, pain after every session was in the
// safe zone (0-3), there was no flare, and the patient either found the
// latest session too easy or did every prescribed rep. Regress it after a
// session with that exercise that ended in unacceptable pain (above 5) or
// was followed by a flare.
//
// The next step, harder: the next rung of the load ladder the exercise allows
// (body weight -> band light -> medium -> heavy -> external weight); then
// more reps (to 15, or holds to 60 s); then one more set (to 4); then the next
// variant (bridge -> single-leg bridge -> hip thrust, ...); then 10% more
// weight. Easier is the same ladder downwards.
#ifndef GLUTECARE_SERVER_DOMAIN_PROGRESSION_H_
#define GLUTECARE_SERVER_DOMAIN_PROGRESSION_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "glutecare/v1/program.pb.h"
#include "glutecare/v1/session.pb.h"
#include "glutecare/v1/suggestion.pb.h"
#include "server/domain/exercise_catalog.h"

namespace glutecare {

inline constexpr int kProgressionWindowDays = 14;
inline constexpr double kProgressionAdherencePercent = 80.0;

// A suggestion before it is stored.
struct SuggestionCandidate {
  v1::SuggestionKind kind;
  v1::Prescription current;
  v1::Prescription proposed;
  std::vector<std::string> reasons;
};

struct ProgressionInput {
  // The patient's today.
  absl::CivilDay today;
  // The program's latest revision and the day it came into force.
  v1::Program revision;
  absl::CivilDay revision_from;
  // The patient's sessions and check-ins with local_date in
  // [today - kProgressionWindowDays, today] (one day more than the window, so
  // a flare after the window's first session can be seen).
  std::vector<v1::Session> sessions;
  std::vector<v1::PainReport> pain_reports;
};

// One suggestion per prescribed exercise that should change, if any.
// Nothing for a revision that is not ACTIVE.
std::vector<SuggestionCandidate> SuggestProgressions(
    const ProgressionInput& input, const ExerciseCatalog& catalog);

// The next harder / easier prescription, or nullopt at the end of the ladder.
std::optional<v1::Prescription> HarderStep(const v1::Prescription& current,
                                           const ExerciseCatalog& catalog);
std::optional<v1::Prescription> EasierStep(const v1::Prescription& current,
                                           const ExerciseCatalog& catalog);

// `program` with the prescription of `exercise` replaced by `proposed`.
// FAILED_PRECONDITION when the program no longer prescribes `exercise`, or
// already prescribes the proposed exercise elsewhere.
absl::StatusOr<v1::Program> ApplySuggestion(const v1::Program& program,
                                            const v1::Suggestion& suggestion);

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_DOMAIN_PROGRESSION_H_

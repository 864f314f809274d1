// The outcome scores shown beside pain and adherence (the adherence and pain
// reports, the dashboard): per measure, the latest response on or before a
// day, with its intake's score and date.
//
//   // responses: every response of one patient, oldest first
//   *report.mutable_outcome_scores() =
//       LatestOutcomeScores(responses, report_end_day);
//
// Pure: no storage, no clock.
#ifndef GLUTECARE_SERVER_DOMAIN_OUTCOMES_LATEST_SCORES_H_
#define GLUTECARE_SERVER_DOMAIN_OUTCOMES_LATEST_SCORES_H_

#include <vector>

#include "absl/time/civil_time.h"
#include "glutecare/v1/outcome.pb.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace glutecare::outcomes {

// For each measure, the latest of `responses` whose local_date is on or
// before `last_day` (the patient's calendar), summarised with its intake;
// in OutcomeMeasure order (ODI, then LEFS); a measure with no such response
// is left out, so no responses give an empty list.
//
// `responses` are one patient's, in the order they were stored (oldest
// first): of two on the same day the later one is the latest. The intake is
// looked up among `responses` by the latest's intake_response, so pass them
// all, not only those before `last_day`; should it be missing, intake_score
// is recovered from the stored change and intake_date stays empty.
// REQUIRES: every local_date is `YYYY-MM-DD`.
google::protobuf::RepeatedPtrField<v1::OutcomeScoreSummary> LatestOutcomeScores(
    const std::vector<v1::OutcomeResponse>& responses, absl::CivilDay last_day);

}  // namespace glutecare::outcomes

#endif  // GLUTECARE_SERVER_DOMAIN_OUTCOMES_LATEST_SCORES_H_

// How outcome measure scores read for people: a measure's label, a score in
// the measure's unit, and the latest score beside the intake, in full (the
// reports) and in brief (a dashboard cell). Pure functions of the messages,
// no gRPC.
//
//   FormatOutcomeScore(v1::OUTCOME_MEASURE_ODI, 22);    // "22%"
//   FormatOutcomeScore(v1::OUTCOME_MEASURE_LEFS, 49);   // "49/80"
//   FormatOutcomeSummary(odi);
//   // "ODI 22% (moderate) on 2026-11-20, 12 points better than intake 34%
//   //  on 2026-10-01 (important change)"
//   FormatOutcomeScoresBrief(status.outcome_scores());
//   // "ODI 22% -12 better, LEFS 49/80 +3 stable"
#ifndef GLUTECARE_CLIENT_VIEWS_OUTCOME_H_
#define GLUTECARE_CLIENT_VIEWS_OUTCOME_H_

#include <string>

#include "glutecare/v1/outcome.pb.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace glutecare::client {

// "ODI", "LEFS", or "?" for an unset or unknown measure.
std::string MeasureLabel(v1::OutcomeMeasure measure);

// A score in the measure's unit, to 4 significant digits: the ODI in percent
// ("42%", "35.56%"), the LEFS out of 80 ("57/80").
std::string FormatOutcomeScore(v1::OutcomeMeasure measure, double score);

// The latest score beside the intake, in a sentence:
//   "ODI 22% (moderate) on 2026-11-20, 12 points better than intake 34% on
//    2026-10-01 (important change)"
//   "LEFS 43/80 on 2026-11-20, 3 points worse than intake 46/80 on
//    2026-10-01 (within the noise)"
//   "ODI 34% (moderate) on 2026-10-01, the intake"
std::string FormatOutcomeSummary(const v1::OutcomeScoreSummary& summary);

// Each measure's latest score and change in brief, for a table cell, joined
// by ", ": "ODI 22% -12 better" ("worse"; "stable" when the change is not
// important), "ODI 34% intake". Empty without scores.
std::string FormatOutcomeScoresBrief(
    const google::protobuf::RepeatedPtrField<v1::OutcomeScoreSummary>&
        summaries);

}  // namespace glutecare::client

#endif  // GLUTECARE_CLIENT_VIEWS_OUTCOME_H_

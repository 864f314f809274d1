// The questionnaire definitions glutecare scores, as data: the Oswestry
// Disability Index and the Lower Extremity Functional Scale, each a versioned
// v1::Questionnaire, and the glue from a submitted response to the scoring
// (scoring.h) and from an assignment to its schedule.
//
//   const v1::Questionnaire& odi = QuestionnaireOf(v1::OUTCOME_MEASURE_ODI);
//   Violations violations;
//   Answers answers = AnswersInItemOrder(odi, response.answers(),
//                                        "outcome_response.answers",
//                                        violations);
//   absl::StatusOr<OutcomeScore> score = Score(Measure::kOdi, answers);
//
// A new wording is a new version: responses record the version they
// answered, so an old response keeps meaning what it meant.
#ifndef GLUTECARE_SERVER_DOMAIN_OUTCOMES_QUESTIONNAIRES_H_
#define GLUTECARE_SERVER_DOMAIN_OUTCOMES_QUESTIONNAIRES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "glutecare/v1/outcome.pb.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "server/common/status.h"
#include "server/domain/outcomes/scoring.h"

namespace glutecare::outcomes {

// Every definition, ODI first. Built once; thread-safe.
const std::vector<v1::Questionnaire>& AllQuestionnaires();

// The definition of `measure`. REQUIRES: measure is ODI or LEFS.
const v1::Questionnaire& QuestionnaireOf(v1::OutcomeMeasure measure);

// The definition whose id (`odi`, `lefs`) is `id`, or nullptr.
const v1::Questionnaire* FindQuestionnaire(absl::string_view id);

// `odi` or `lefs`: the questionnaire id, also the id of a patient's
// assignment of the measure. Empty for UNSPECIFIED.
std::string MeasureId(v1::OutcomeMeasure measure);

// The scoring measure. REQUIRES: measure is ODI or LEFS.
Measure ToMeasure(v1::OutcomeMeasure measure);

// The answers of a response in the questionnaire's item order; an item with
// no answer, or an answer without a score, is skipped (nullopt). Adds a
// violation under `field` (`field[i].link_id`, `field[i].score`) for an
// unknown or repeated link_id and for a score that is no option of its item.
Answers AnswersInItemOrder(
    const v1::Questionnaire& questionnaire,
    const google::protobuf::RepeatedPtrField<v1::OutcomeAnswer>& answers,
    absl::string_view field, Violations& violations);

// When an assignment's next response is due (see
// OutcomeAssignment.next_due_date), from its start_date, intake_date,
// last_response_date and every_weeks; nullopt when nothing more is
// scheduled. Dates are the patient's calendar days. REQUIRES: the dates set
// are valid `YYYY-MM-DD`.
std::optional<absl::CivilDay> NextDueDate(
    const v1::OutcomeAssignment& assignment);

}  // namespace glutecare::outcomes

#endif  // GLUTECARE_SERVER_DOMAIN_OUTCOMES_QUESTIONNAIRES_H_

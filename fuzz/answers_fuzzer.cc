// libFuzzer target, in process: the answers of an outcome measure, from the
// file a patient gives `glutecare outcomes submit --file` to the score the
// server computes.
//
// Byte 0 picks the measure (even: ODI, odd: LEFS); the rest is the answer
// file. The path is the one a submission takes: client::ParseAnswerList
// reads the file against the questionnaire's item count, the CLI builds the
// v1::OutcomeResponse (one answer per item, by link_id), and the server
// orders the answers by item (outcomes::AnswersInItemOrder) and scores them.
// What must hold:
// - the CLI's list has one entry per item, or the file is a usage error;
// - the server finds every item the CLI answered (no link_id violation), and
//   its violations are about scores, naming the answer;
// - a response without violations scores within the measure's range
//   (ODI 0-100 %, LEFS 0-80) from the items answered, or is
//   FAILED_PRECONDITION for too many skipped items; never INVALID_ARGUMENT.
//
//   build-asan/fuzz/glutecare_answers_fuzzer fuzz/corpus/answers
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "client/errors.h"
#include "client/specs.h"
#include "fuzz/fuzz_check.h"
#include "glutecare/v1/outcome.pb.h"
#include "server/domain/outcomes/questionnaires.h"
#include "server/domain/outcomes/scoring.h"

namespace glutecare::fuzz {
namespace {

constexpr absl::string_view kField = "outcome_response.answers";

void CheckAnswerFile(v1::OutcomeMeasure measure, absl::string_view text) {
  const v1::Questionnaire& questionnaire = outcomes::QuestionnaireOf(measure);
  const absl::StatusOr<std::vector<std::optional<int>>> parsed =
      client::ParseAnswerList(text, questionnaire.items_size(), "--file");
  if (!parsed.ok()) {
    GLUTECARE_FUZZ_CHECK(client::IsUsageError(parsed.status()),
                         parsed.status().ToString());
    return;
  }
  GLUTECARE_FUZZ_CHECK(
      static_cast<int>(parsed->size()) == questionnaire.items_size(),
      parsed->size(), " answers for ", questionnaire.items_size(), " items");

  // What `glutecare outcomes submit` sends.
  v1::OutcomeResponse response;
  response.set_measure(measure);
  for (size_t i = 0; i < parsed->size(); ++i) {
    v1::OutcomeAnswer& answer = *response.add_answers();
    answer.set_link_id(questionnaire.items(static_cast<int>(i)).link_id());
    if ((*parsed)[i].has_value()) answer.set_score(*(*parsed)[i]);
  }

  Violations violations;
  const outcomes::Answers answers = outcomes::AnswersInItemOrder(
      questionnaire, response.answers(), kField, violations);
  CheckViolationList(violations);
  for (const FieldViolation& v : violations.list()) {
    GLUTECARE_FUZZ_CHECK(
        absl::StartsWith(v.field, kField) && absl::EndsWith(v.field, "].score"),
        "a violation of ", v.field, " for what the CLI sent: ", v.description);
  }
  if (!violations.empty()) return;
  GLUTECARE_FUZZ_CHECK(answers == *parsed,
                       "the server reads other answers than the CLI sent");

  const outcomes::Measure scored = outcomes::ToMeasure(measure);
  const absl::StatusOr<outcomes::OutcomeScore> score =
      outcomes::Score(scored, answers);
  if (!score.ok()) {
    GLUTECARE_FUZZ_CHECK(
        score.status().code() == absl::StatusCode::kFailedPrecondition,
        "checked answers fail to score: ", score.status().ToString());
    return;
  }
  int answered = 0;
  for (const std::optional<int>& answer : answers)
    answered += answer.has_value();
  GLUTECARE_FUZZ_CHECK(score->answered == answered, "score counts ",
                       score->answered, " answers of ", answered);
  const double max = scored == outcomes::Measure::kOdi
                         ? 100.0
                         : outcomes::kLefsItems * outcomes::kLefsMaxItemScore;
  GLUTECARE_FUZZ_CHECK(score->value >= 0 && score->value <= max, "score ",
                       score->value, " outside 0-", max);
  if (scored == outcomes::Measure::kOdi) {
    GLUTECARE_FUZZ_CHECK(score->band == outcomes::OdiBand(score->value), "ODI ",
                         score->value, " in band ", score->band);
  }
}

constexpr Check kChecks[] = {
    [](absl::string_view rest) {
      CheckAnswerFile(v1::OUTCOME_MEASURE_ODI, rest);
    },
    [](absl::string_view rest) {
      CheckAnswerFile(v1::OUTCOME_MEASURE_LEFS, rest);
    },
};

}  // namespace
}  // namespace glutecare::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  glutecare::fuzz::RunPickedCheck(glutecare::fuzz::kChecks, data, size);
  return 0;
}

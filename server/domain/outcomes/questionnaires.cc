#include "server/domain/outcomes/questionnaires.h"

#include <cassert>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "server/domain/calendar.h"
#include "server/domain/text.h"

namespace glutecare::outcomes {
namespace {

struct ItemText {
  const char* link_id;
  const char* text;
};

v1::Questionnaire MakeQuestionnaire(
    v1::OutcomeMeasure measure, const char* version, const char* title,
    const char* instructions, const std::vector<ItemText>& items,
    const std::vector<std::vector<const char*>>& options_per_item) {
  v1::Questionnaire questionnaire;
  questionnaire.set_name(absl::StrCat("questionnaires/", MeasureId(measure)));
  questionnaire.set_measure(measure);
  questionnaire.set_version(version);
  questionnaire.set_title(title);
  questionnaire.set_instructions(instructions);
  for (size_t i = 0; i < items.size(); ++i) {
    v1::QuestionnaireItem& item = *questionnaire.add_items();
    item.set_link_id(items[i].link_id);
    item.set_text(items[i].text);
    const auto& options =
        options_per_item.size() == 1 ? options_per_item[0] : options_per_item[i];
    for (size_t score = 0; score < options.size(); ++score) {
      v1::QuestionnaireOption& option = *item.add_options();
      option.set_score(static_cast<int>(score));
      option.set_text(options[score]);
    }
  }
  return questionnaire;
}

// The ODI's official section statements are copyrighted and licensed by the
// MAPI Research Trust. These section titles and option anchors are the
// project's own short, neutral wording, not the official text; a clinic
// holding a licence would add the official wording as a new version. The
// scoring (10 sections, 0-5 each) is the published rule (CLINICAL.md).
v1::Questionnaire MakeOdi() {
  const std::vector<const char*> pain = {
      "No pain at the moment",         "Very mild pain",
      "Moderate pain",                 "Fairly severe pain",
      "Very severe pain",              "The worst pain imaginable"};
  const std::vector<const char*> limitation = {
      "No limitation",        "Slight limitation", "Moderate limitation",
      "Marked limitation",    "Severe limitation", "Completely prevented"};
  std::vector<std::vector<const char*>> options(kOdiSections, limitation);
  options[0] = pain;
  return MakeQuestionnaire(
      v1::OUTCOME_MEASURE_ODI, "1", "Oswestry Disability Index (lower back)",
      "How much does your back (or leg) trouble limit you today? Choose the "
      "one answer per section that fits best; skip a section that does not "
      "apply to you.",
      {{"odi-1", "Pain intensity"},
       {"odi-2", "Personal care (washing, dressing)"},
       {"odi-3", "Lifting"},
       {"odi-4", "Walking"},
       {"odi-5", "Sitting"},
       {"odi-6", "Standing"},
       {"odi-7", "Sleeping"},
       {"odi-8", "Sex life (if applicable)"},
       {"odi-9", "Social life"},
       {"odi-10", "Travelling"}},
      options);
}

// LEFS items and options as published (Binkley 1999), freely available.
v1::Questionnaire MakeLefs() {
  return MakeQuestionnaire(
      v1::OUTCOME_MEASURE_LEFS, "1",
      "Lower Extremity Functional Scale (hips and knees)",
      "Today, do you or would you have any difficulty at all with the "
      "following activities because of your lower limb problem?",
      {{"lefs-1", "Any of your usual work, housework, or school activities"},
       {"lefs-2", "Your usual hobbies, recreational or sporting activities"},
       {"lefs-3", "Getting into or out of the bath"},
       {"lefs-4", "Walking between rooms"},
       {"lefs-5", "Putting on your shoes or socks"},
       {"lefs-6", "Squatting"},
       {"lefs-7", "Lifting an object, like a bag of groceries from the floor"},
       {"lefs-8", "Performing light activities around your home"},
       {"lefs-9", "Performing heavy activities around your home"},
       {"lefs-10", "Getting into or out of a car"},
       {"lefs-11", "Walking 2 blocks"},
       {"lefs-12", "Walking a mile"},
       {"lefs-13", "Going up or down 10 stairs (about 1 flight of stairs)"},
       {"lefs-14", "Standing for 1 hour"},
       {"lefs-15", "Sitting for 1 hour"},
       {"lefs-16", "Running on even ground"},
       {"lefs-17", "Running on uneven ground"},
       {"lefs-18", "Making sharp turns while running fast"},
       {"lefs-19", "Hopping"},
       {"lefs-20", "Rolling over in bed"}},
      {{"Extreme difficulty or unable to perform activity",
        "Quite a bit of difficulty", "Moderate difficulty",
        "A little bit of difficulty", "No difficulty"}});
}

}  // namespace

const std::vector<v1::Questionnaire>& AllQuestionnaires() {
  static const auto* const kAll =
      new std::vector<v1::Questionnaire>{MakeOdi(), MakeLefs()};
  return *kAll;
}

const v1::Questionnaire& QuestionnaireOf(v1::OutcomeMeasure measure) {
  assert(measure == v1::OUTCOME_MEASURE_ODI ||
         measure == v1::OUTCOME_MEASURE_LEFS);
  return AllQuestionnaires()[measure == v1::OUTCOME_MEASURE_ODI ? 0 : 1];
}

const v1::Questionnaire* FindQuestionnaire(absl::string_view id) {
  for (const v1::Questionnaire& questionnaire : AllQuestionnaires()) {
    if (MeasureId(questionnaire.measure()) == id) return &questionnaire;
  }
  return nullptr;
}

std::string MeasureId(v1::OutcomeMeasure measure) {
  switch (measure) {
    case v1::OUTCOME_MEASURE_ODI:
      return "odi";
    case v1::OUTCOME_MEASURE_LEFS:
      return "lefs";
    default:
      return "";
  }
}

Measure ToMeasure(v1::OutcomeMeasure measure) {
  assert(measure == v1::OUTCOME_MEASURE_ODI ||
         measure == v1::OUTCOME_MEASURE_LEFS);
  return measure == v1::OUTCOME_MEASURE_ODI ? Measure::kOdi : Measure::kLefs;
}

Answers AnswersInItemOrder(
    const v1::Questionnaire& questionnaire,
    const google::protobuf::RepeatedPtrField<v1::OutcomeAnswer>& answers,
    absl::string_view field, Violations& violations) {
  absl::flat_hash_map<std::string, int> index_of;
  for (int i = 0; i < questionnaire.items_size(); ++i) {
    index_of[questionnaire.items(i).link_id()] = i;
  }
  Answers ordered(questionnaire.items_size());
  std::vector<bool> seen(questionnaire.items_size(), false);
  for (int i = 0; i < answers.size(); ++i) {
    const v1::OutcomeAnswer& answer = answers[i];
    const std::string at = absl::StrCat(field, "[", i, "]");
    auto it = index_of.find(answer.link_id());
    if (it == index_of.end()) {
      violations.Add(absl::StrCat(at, ".link_id"),
                     absl::StrCat("no item ", QuoteForMessage(answer.link_id()),
                                  " in ", questionnaire.name()));
      continue;
    }
    if (seen[it->second]) {
      violations.Add(absl::StrCat(at, ".link_id"),
                     absl::StrCat("item ", answer.link_id(),
                                  " is answered more than once"));
      continue;
    }
    seen[it->second] = true;
    if (!answer.has_score()) continue;  // skipped
    const int max_score = questionnaire.items(it->second).options_size() - 1;
    if (answer.score() < 0 || answer.score() > max_score) {
      violations.Add(absl::StrCat(at, ".score"),
                     absl::StrCat("must be 0-", max_score, " (got ",
                                  answer.score(), ")"));
      continue;
    }
    ordered[it->second] = answer.score();
  }
  return ordered;
}

std::optional<absl::CivilDay> NextDueDate(
    const v1::OutcomeAssignment& assignment) {
  auto day = [](const std::string& text) {
    absl::CivilDay parsed;
    const bool ok = absl::ParseCivilTime(text, &parsed);
    assert(ok);
    (void)ok;
    return parsed;
  };
  if (assignment.intake_date().empty()) return day(assignment.start_date());
  if (assignment.every_weeks() <= 0) return std::nullopt;
  const absl::CivilDay intake = day(assignment.intake_date());
  const absl::CivilDay last = day(assignment.last_response_date());
  const int period = 7 * assignment.every_weeks();
  // The first intake + k * period (k >= 1) after the latest response.
  const int64_t k = (last - intake) / period + 1;
  return intake + k * period;
}

}  // namespace glutecare::outcomes

// `glutecare outcomes assign|assignments|submit|list|show`: outcome measures
// (ODI, LEFS). A therapist assigns a measure to a patient; the patient
// answers it item by item (at a prompt, or from --answers or --file); the
// server scores it and compares it with the intake.
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "client/command.h"
#include "client/commands/commands.h"
#include "client/connection.h"
#include "client/errors.h"
#include "client/names.h"
#include "client/paging.h"
#include "client/specs.h"
#include "client/views/outcome.h"
#include "common/status_macros.h"
#include "glutecare/v1/outcome_service.grpc.pb.h"

namespace glutecare::client {
namespace {

// Set to 1, the environment variable that makes `outcomes submit` prompt
// even when stdin is not a terminal (for scripts and tests that pipe the
// answers in).
constexpr char kForcePromptEnv[] = "GLUTECARE_PROMPT";

struct OutcomesAssignFlags {
  std::string measure;
  int every_weeks = 0;
};

struct OutcomesSubmitFlags {
  std::string measure;
  std::string answers;
  std::string file;
  bool prompt = false;
  std::optional<std::string> request_id;
};

struct OutcomesAssignmentsFlags {};

absl::StatusOr<v1::OutcomeMeasure> ParseMeasure(absl::string_view text) {
  const std::string lower = absl::AsciiStrToLower(text);
  if (lower == "odi") return v1::OUTCOME_MEASURE_ODI;
  if (lower == "lefs") return v1::OUTCOME_MEASURE_LEFS;
  return UsageError(
      absl::StrCat("--measure: must be odi or lefs (got \"", text, "\")"));
}

// "intake", or the change with whether it is important.
std::string FormatChange(const v1::OutcomeResponse& response) {
  if (response.intake()) return "intake";
  return absl::StrFormat(
      "%+.4g (%s, %s)", response.change_since_intake(),
      response.improvement() > 0
          ? "better"
          : (response.improvement() < 0 ? "worse" : "unchanged"),
      response.important_change() ? "important" : "within the noise");
}

void PrintAssignment(const v1::OutcomeAssignment& assignment,
                     std::ostream& out) {
  Fields()
      .Add("name", assignment.name())
      .Add("measure", MeasureLabel(assignment.measure()))
      .Add("schedule", assignment.every_weeks() == 0
                           ? "intake only"
                           : absl::StrCat("intake, then every ",
                                          assignment.every_weeks(), " weeks"))
      .Add("assigned by", assignment.assigned_by())
      .Add("responses", absl::StrCat(assignment.response_count()))
      .Add("next due", assignment.next_due_date().empty()
                           ? "-"
                           : absl::StrCat(assignment.next_due_date(),
                                          assignment.due() ? " (due)" : ""))
      .Print(out);
}

void PrintResponse(const v1::OutcomeResponse& response, std::ostream& out) {
  std::vector<std::string> answers;
  for (const v1::OutcomeAnswer& answer : response.answers()) {
    answers.push_back(absl::StrCat(
        answer.link_id(), "=",
        answer.has_score() ? absl::StrCat(answer.score()) : std::string("-")));
  }
  Fields()
      .Add("name", response.name())
      .Add("measure",
           absl::StrCat(MeasureLabel(response.measure()), " (version ",
                        response.questionnaire_version(), ")"))
      .Add("local date", response.local_date())
      .Add("score", FormatOutcomeScore(response.measure(), response.score()))
      .Add("band", response.band().empty() ? "-" : response.band())
      .Add("answered", absl::StrCat(response.answered_items(), " items"))
      .Add("change since intake", FormatChange(response))
      .Add("answers", absl::StrJoin(answers, " "))
      .Print(out);
}

absl::Status Assign(const CommandContext& context,
                    const OutcomesAssignFlags& flags) {
  v1::CreateOutcomeAssignmentRequest request;
  GLUTECARE_ASSIGN_OR_RETURN(v1::OutcomeMeasure measure,
                             ParseMeasure(flags.measure));
  GLUTECARE_ASSIGN_OR_RETURN(*request.mutable_parent(), context.Patient());
  request.mutable_outcome_assignment()->set_measure(measure);
  request.mutable_outcome_assignment()->set_every_weeks(flags.every_weeks);
  return context.CallAndPrint(
      &v1::OutcomeService::Stub::CreateOutcomeAssignment, request,
      Idempotency::kNotIdempotent, PrintAssignment);
}

absl::Status ListAssignments(const CommandContext& context,
                             const OutcomesAssignmentsFlags&) {
  v1::ListOutcomeAssignmentsRequest request;
  GLUTECARE_ASSIGN_OR_RETURN(*request.mutable_parent(), context.Patient());
  GLUTECARE_ASSIGN_OR_RETURN(
      v1::ListOutcomeAssignmentsResponse response,
      context.connection().Call(
          &v1::OutcomeService::Stub::ListOutcomeAssignments, request,
          Idempotency::kIdempotent));
  context.Print<v1::ListOutcomeAssignmentsResponse>(
      response,
      [](const v1::ListOutcomeAssignmentsResponse& list, std::ostream& out) {
        Table table({"MEASURE", "EVERY WEEKS", "START", "INTAKE", "RESPONSES",
                     "NEXT DUE", "DUE"});
        for (const v1::OutcomeAssignment& a : list.outcome_assignments()) {
          table.AddRow({MeasureLabel(a.measure()),
                        absl::StrCat(a.every_weeks()), a.start_date(),
                        a.intake_date().empty() ? "-" : a.intake_date(),
                        absl::StrCat(a.response_count()),
                        a.next_due_date().empty() ? "-" : a.next_due_date(),
                        a.due() ? "yes" : "no"});
        }
        table.Print(out);
      });
  return absl::OkStatus();
}

// Asks each item of `questionnaire` on `err`, reading the answers from `in`:
// the option's score, or an empty line to skip. A bad answer is asked again,
// at most 3 times.
absl::StatusOr<std::vector<std::optional<int>>> PromptAnswers(
    const v1::Questionnaire& questionnaire, std::istream& in,
    std::ostream& err) {
  err << questionnaire.title() << "\n" << questionnaire.instructions() << "\n";
  std::vector<std::optional<int>> answers;
  for (int i = 0; i < questionnaire.items_size(); ++i) {
    const v1::QuestionnaireItem& item = questionnaire.items(i);
    err << "\n"
        << i + 1 << "/" << questionnaire.items_size() << ". " << item.text()
        << "\n";
    for (const v1::QuestionnaireOption& option : item.options()) {
      err << "  " << option.score() << ") " << option.text() << "\n";
    }
    const int max_score = item.options_size() - 1;
    std::optional<int> answer;
    bool answered = false;
    for (int attempt = 0; attempt < 3 && !answered; ++attempt) {
      err << "Answer 0-" << max_score << " (empty to skip): " << std::flush;
      std::string line;
      if (!std::getline(in, line)) {
        return UsageError(
            absl::StrCat("stdin ended before item ", i + 1, " was answered"));
      }
      const absl::string_view text = absl::StripAsciiWhitespace(line);
      int score = 0;
      if (text.empty()) {
        answered = true;
      } else if (absl::SimpleAtoi(text, &score) && score >= 0 &&
                 score <= max_score) {
        answer = score;
        answered = true;
      } else {
        err << "Please type a number from 0 to " << max_score
            << ", or nothing to skip.\n";
      }
    }
    if (!answered) {
      return UsageError(absl::StrCat("no valid answer to item ", i + 1));
    }
    answers.push_back(answer);
  }
  return answers;
}

bool ForcePrompt() {
  const char* value = std::getenv(kForcePromptEnv);
  return value != nullptr && std::string(value) == "1";
}

absl::Status Submit(const CommandContext& context,
                    const OutcomesSubmitFlags& flags) {
  GLUTECARE_ASSIGN_OR_RETURN(v1::OutcomeMeasure measure,
                             ParseMeasure(flags.measure));
  if (!flags.answers.empty() && !flags.file.empty()) {
    return UsageError("give --answers or --file, not both");
  }
  const bool prompt = flags.answers.empty() && flags.file.empty();
  if (prompt && !flags.prompt && !ForcePrompt() && !isatty(STDIN_FILENO)) {
    return UsageError(
        "no answers: give --answers or --file, or run it at a terminal (or "
        "with --prompt) to answer item by item");
  }
  GLUTECARE_ASSIGN_OR_RETURN(const std::string parent, context.Patient());

  v1::GetQuestionnaireRequest get;
  get.set_name(
      absl::StrCat("questionnaires/", absl::AsciiStrToLower(flags.measure)));
  GLUTECARE_ASSIGN_OR_RETURN(
      v1::Questionnaire questionnaire,
      context.connection().Call(&v1::OutcomeService::Stub::GetQuestionnaire,
                                get, Idempotency::kIdempotent));

  std::vector<std::optional<int>> answers;
  if (!flags.answers.empty()) {
    GLUTECARE_ASSIGN_OR_RETURN(
        answers, ParseAnswerList(flags.answers, questionnaire.items_size(),
                                 "--answers"));
  } else if (!flags.file.empty()) {
    std::ifstream file(flags.file);
    if (!file) {
      return UsageError(absl::StrCat("--file: cannot read ", flags.file));
    }
    std::stringstream text;
    text << file.rdbuf();
    GLUTECARE_ASSIGN_OR_RETURN(
        answers,
        ParseAnswerList(text.str(), questionnaire.items_size(), "--file"));
  } else {
    GLUTECARE_ASSIGN_OR_RETURN(
        answers, PromptAnswers(questionnaire, std::cin, std::cerr));
  }

  v1::SubmitOutcomeResponseRequest request;
  request.set_parent(parent);
  request.set_request_id(flags.request_id.value_or(NewRequestId()));
  v1::OutcomeResponse& response = *request.mutable_outcome_response();
  response.set_measure(measure);
  for (size_t i = 0; i < answers.size(); ++i) {
    v1::OutcomeAnswer& answer = *response.add_answers();
    answer.set_link_id(questionnaire.items(static_cast<int>(i)).link_id());
    if (answers[i].has_value()) answer.set_score(*answers[i]);
  }
  return context.CallAndPrint(&v1::OutcomeService::Stub::SubmitOutcomeResponse,
                              request, Idempotency::kIdempotent, PrintResponse);
}

Columns<v1::OutcomeResponse> ResponseColumns() {
  return {{"ID", "LOCAL DATE", "MEASURE", "SCORE", "BAND", "ANSWERED",
           "CHANGE SINCE INTAKE"},
          [](const v1::OutcomeResponse& response) -> std::vector<std::string> {
            return {std::string(LastSegment(response.name())),
                    response.local_date(),
                    MeasureLabel(response.measure()),
                    FormatOutcomeScore(response.measure(), response.score()),
                    response.band().empty() ? "-" : response.band(),
                    absl::StrCat(response.answered_items()),
                    FormatChange(response)};
          }};
}

}  // namespace

void AddOutcomeCommands(CLI::App& root, ChosenAction& chosen) {
  CLI::App& group = AddCommandGroup(
      root, "outcomes",
      "Outcome measures (ODI, LEFS) of the patient (--patient)");

  auto [assign, assign_flags] = AddLeafCommand(
      group, chosen, "assign",
      "Assigns a measure to the patient (as the therapist)", Assign);
  assign.add_option("--measure", assign_flags.measure, "odi or lefs")
      ->required();
  assign.add_option("--every-weeks", assign_flags.every_weeks,
                    "Weeks between follow-ups after the intake, 0-52 (default "
                    "0: the intake only)");

  AddLeafCommand(group, chosen, "assignments",
                 "Lists the patient's measures and when each is next due",
                 ListAssignments);

  auto [submit, submit_flags] = AddLeafCommand(
      group, chosen, "submit",
      "Answers a measure (as the patient): from --answers, --file, or item "
      "by item at the terminal",
      Submit);
  submit.add_option("--measure", submit_flags.measure, "odi or lefs")
      ->required();
  submit.add_option("--answers", submit_flags.answers,
                    "One score per item in order, comma-separated; - skips "
                    "an item (e.g. 3,2,-,1,...)");
  submit.add_option("--file", submit_flags.file,
                    "A file of answers as for --answers (commas, blanks or "
                    "newlines between them; # starts a comment)");
  submit.add_flag("--prompt", submit_flags.prompt,
                  "Ask item by item even when stdin is not a terminal (also "
                  "GLUTECARE_PROMPT=1)");
  AddRequestIdOption(submit, submit_flags.request_id);

  AddListCommand(
      group, chosen, "list",
      "Lists the patient's scored responses, newest first",
      &CommandContext::Patient, &v1::OutcomeService::Stub::ListOutcomeResponses,
      &v1::ListOutcomeResponsesResponse::outcome_responses, ResponseColumns());

  AddCallOnNameCommand(
      group, chosen, "show", "Shows a scored response",
      ArgumentNaming(Under::kPatient, "outcomeResponses", "RESPONSE",
                     "The response's id or full name"),
      &v1::OutcomeService::Stub::GetOutcomeResponse, Idempotency::kIdempotent,
      PrintResponse);
}

}  // namespace glutecare::client

// `glutecare suggestions list|accept|dismiss`: the server's pain-gated
// suggestions to make a prescribed exercise harder (progress) or easier
// (regress). Accepting one makes a new program revision.
#include <optional>
#include <ostream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "client/command.h"
#include "client/commands/commands.h"
#include "client/connection.h"
#include "client/errors.h"
#include "client/names.h"
#include "client/paging.h"
#include "client/specs.h"
#include "client/views/program.h"
#include "client/views/suggestion.h"
#include "common/status_macros.h"
#include "glutecare/v1/suggestion_service.grpc.pb.h"

namespace glutecare::client {
namespace {

struct SuggestionsListFlags {
  std::optional<std::string> program;  // default: every program
  std::optional<std::string> state;
  PageFlags paging;
};

// The full name of SUGGESTION: a full name, or PROGRAM/SUGGESTION_ID under
// --patient.
absl::StatusOr<std::string> SuggestionName(const CommandContext& context,
                                           const std::string& suggestion) {
  return ResolveChildName(
      suggestion, "suggestions", "SUGGESTION",
      [&](absl::string_view program) {
        return context.NameInPatient(kPrograms, program, "SUGGESTION");
      },
      [&]() -> absl::StatusOr<std::string> {
        return UsageError(absl::StrCat(
            "SUGGESTION \"", suggestion,
            "\" needs its program: give PROGRAM/ID or the full name"));
      });
}

absl::Status ListSuggestions(const CommandContext& context,
                             const SuggestionsListFlags& flags) {
  v1::ListSuggestionsRequest request;
  GLUTECARE_RETURN_IF_ERROR(SetStateFilter(flags.state, request));
  if (flags.program.has_value()) {
    GLUTECARE_ASSIGN_OR_RETURN(
        *request.mutable_parent(),
        context.NameInPatient(kPrograms, *flags.program, "--program"));
    GLUTECARE_RETURN_IF_ERROR(CheckNoRevision(request.parent(), "--program"));
  } else {
    GLUTECARE_ASSIGN_OR_RETURN(const std::string patient, context.Patient());
    request.set_parent(JoinName(patient, kPrograms, "-"));
  }
  return ListAndPrint(context, &v1::SuggestionService::Stub::ListSuggestions,
                      std::move(request), flags.paging,
                      &v1::ListSuggestionsResponse::suggestions,
                      SuggestionColumns());
}

// SUGGESTION of `suggestions accept` and `suggestions dismiss`.
ResourceArgument SuggestionArgument() {
  return {"SUGGESTION",
          "The suggestion: PROGRAM/ID (of --patient) or the full name",
          SuggestionName};
}

}  // namespace

void AddSuggestionCommands(CLI::App& root, ChosenAction& chosen) {
  CLI::App& group = AddCommandGroup(
      root, "suggestions",
      "Suggestions to progress or regress the exercises of the patient "
      "(--patient)");

  auto [list, list_flags] = AddLeafCommand(
      group, chosen, "list", "Lists the patient's suggestions, newest first",
      ListSuggestions);
  list.add_option("--program", list_flags.program,
                  "Only this program's: ID or full name (default: every "
                  "program of the patient)");
  list.add_option("--state", list_flags.state,
                  "Only suggestions in this state: open, accepted or "
                  "dismissed");
  AddPageFlags(list, list_flags.paging);

  // A second try of either fails (the suggestion is no longer open), so a
  // timeout is not retried.
  AddCallOnNameCommand(
      group, chosen, "accept",
      "Accepts an open suggestion and prints the program revision it makes",
      SuggestionArgument(), &v1::SuggestionService::Stub::AcceptSuggestion,
      Idempotency::kNotIdempotent, PrintProgram);
  AddCallOnNameCommand(group, chosen, "dismiss", "Dismisses an open suggestion",
                       SuggestionArgument(),
                       &v1::SuggestionService::Stub::DismissSuggestion,
                       Idempotency::kNotIdempotent, PrintSuggestion);
}

}  // namespace glutecare::client

#include "client/views/suggestion.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/names.h"
#include "client/specs.h"

namespace glutecare::client {

Columns<v1::Suggestion> SuggestionColumns() {
  return {{"PROGRAM", "ID", "EXERCISE", "KIND", "CHANGE", "STATE", "REASONS"},
          [](const v1::Suggestion& suggestion) -> std::vector<std::string> {
            return {std::string(LastSegment(ParentOf(suggestion.name()))),
                    std::string(LastSegment(suggestion.name())),
                    std::string(LastSegment(suggestion.exercise())),
                    FriendlyName(suggestion.kind()),
                    FormatSuggestedChange(suggestion),
                    FriendlyName(suggestion.state()),
                    absl::StrJoin(suggestion.reasons(), "; ")};
          }};
}

std::string FormatSuggestedChange(const v1::Suggestion& suggestion) {
  return absl::StrCat(FormatExerciseSpec(suggestion.current()), " -> ",
                      FormatExerciseSpec(suggestion.proposed()));
}

void PrintSuggestion(const v1::Suggestion& suggestion, std::ostream& out) {
  Fields fields;
  fields.Add("name", suggestion.name())
      .Add("exercise", std::string(LastSegment(suggestion.exercise())))
      .Add("kind", FriendlyName(suggestion.kind()))
      .Add("change", FormatSuggestedChange(suggestion))
      .Add("state", FriendlyName(suggestion.state()))
      .Add("based on revision", absl::StrCat(suggestion.based_on_revision()))
      .Add("accepted revision",
           suggestion.accepted_revision() > 0
               ? absl::StrCat(suggestion.accepted_revision())
               : "");
  for (const std::string& reason : suggestion.reasons()) {
    fields.Add("reason", reason);
  }
  fields.Add("created", FormatTimestamp(suggestion.create_time()))
      .Add("updated", FormatTimestamp(suggestion.update_time()))
      .Print(out);
}

}  // namespace glutecare::client

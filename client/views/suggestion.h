// How progression suggestions read for people: a row of `suggestions list`
// and the whole suggestion after `suggestions dismiss`. Pure functions of the
// messages, no gRPC.
#ifndef GLUTECARE_CLIENT_VIEWS_SUGGESTION_H_
#define GLUTECARE_CLIENT_VIEWS_SUGGESTION_H_

#include <ostream>
#include <string>

#include "client/output.h"
#include "glutecare/v1/suggestion.pb.h"

namespace glutecare::client {

// PROGRAM, ID, EXERCISE, KIND, CHANGE, STATE, REASONS: the program's and the
// suggestion's ids are what `suggestions accept PROGRAM/ID` takes.
Columns<v1::Suggestion> SuggestionColumns();

// The current and the proposed prescription in the exercise spec grammar:
// "clamshell:3x15@band-light -> clamshell:3x15@band-medium".
std::string FormatSuggestedChange(const v1::Suggestion& suggestion);

// Every field of `suggestion`, one per line, each reason on its own.
void PrintSuggestion(const v1::Suggestion& suggestion, std::ostream& out);

}  // namespace glutecare::client

#endif  // GLUTECARE_CLIENT_VIEWS_SUGGESTION_H_

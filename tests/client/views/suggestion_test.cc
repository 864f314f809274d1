// Tests of client/views/suggestion.h: the list row and the view.
#include "client/views/suggestion.h"

#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/client/views/text_proto.h"

namespace glutecare::client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

v1::Suggestion BandSuggestion() {
  return ParseTextProto<v1::Suggestion>(R"pb(
    name: "clinics/c1/patients/p1/programs/phase-1/suggestions/s1"
    exercise: "exercises/clamshell"
    kind: SUGGESTION_KIND_PROGRESS
    current {
      exercise: "exercises/clamshell"
      sets: 3
      reps: 15
      load { type: LOAD_TYPE_BAND_LIGHT }
    }
    proposed {
      exercise: "exercises/clamshell"
      sets: 3
      reps: 15
      load { type: LOAD_TYPE_BAND_MEDIUM }
    }
    reasons: "adherence 100% over 14 days"
    reasons: "pain after every session 0-3"
    state: SUGGESTION_STATE_OPEN
    based_on_revision: 2
  )pb");
}

TEST(FormatSuggestedChange, WritesBothPrescriptionsAsSpecs) {
  EXPECT_EQ(FormatSuggestedChange(BandSuggestion()),
            "clamshell:3x15@band-light -> clamshell:3x15@band-medium");
  v1::Suggestion hold;
  hold.mutable_current()->set_exercise("exercises/glute-bridge");
  hold.mutable_current()->set_sets(3);
  hold.mutable_current()->set_hold_seconds(30);
  hold.mutable_proposed()->set_exercise("exercises/single-leg-bridge");
  hold.mutable_proposed()->set_sets(3);
  hold.mutable_proposed()->set_hold_seconds(20);
  EXPECT_EQ(FormatSuggestedChange(hold),
            "glute-bridge:3x30s -> single-leg-bridge:3x20s");
}

TEST(SuggestionColumns, NameTheProgramAndSuggestionIdsAndJoinTheReasons) {
  const Columns<v1::Suggestion> columns = SuggestionColumns();
  EXPECT_THAT(columns.headers, ElementsAre("PROGRAM", "ID", "EXERCISE", "KIND",
                                           "CHANGE", "STATE", "REASONS"));
  EXPECT_THAT(
      columns.cells(BandSuggestion()),
      ElementsAre("phase-1", "s1", "clamshell", "progress",
                  "clamshell:3x15@band-light -> clamshell:3x15@band-medium",
                  "open",
                  "adherence 100% over 14 days; pain after every session 0-3"));
}

TEST(PrintSuggestion, ShowsEachReasonOnItsOwnLine) {
  std::ostringstream out;
  PrintSuggestion(BandSuggestion(), out);
  EXPECT_THAT(out.str(), HasSubstr("reason:             adherence 100% over "
                                   "14 days\n"
                                   "reason:             pain after every "
                                   "session 0-3\n"));
  EXPECT_THAT(out.str(), HasSubstr("based on revision:  2\n"
                                   "accepted revision:  -\n"));
}

}  // namespace
}  // namespace glutecare::client

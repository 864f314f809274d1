#include "server/domain/suggestion_plan.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace glutecare {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const ProgramName kProgram{"c", "p", "g"};

google::protobuf::Timestamp At(int64_t seconds) {
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  return t;
}

SuggestionCandidate Candidate(const std::string& exercise,
                              v1::SuggestionKind kind) {
  SuggestionCandidate candidate{.kind = kind, .reasons = {"why"}};
  candidate.current.set_exercise(absl::StrCat("exercises/", exercise));
  candidate.proposed.set_exercise(absl::StrCat("exercises/", exercise));
  return candidate;
}

v1::Suggestion Open(const std::string& id, const std::string& exercise,
                    v1::SuggestionKind kind, int64_t revision) {
  v1::Suggestion s;
  s.set_name(SuggestionName{"c", "p", "g", id}.ToString());
  s.set_exercise(absl::StrCat("exercises/", exercise));
  s.set_kind(kind);
  s.set_state(v1::SUGGESTION_STATE_OPEN);
  s.set_based_on_revision(revision);
  return s;
}

// "id:exercise:STATE" of each suggestion, for compact expectations.
std::vector<std::string> Summary(const std::vector<v1::Suggestion>& list) {
  std::vector<std::string> out;
  for (const v1::Suggestion& s : list) {
    out.push_back(absl::StrCat(s.name().substr(s.name().rfind('/') + 1), ":",
                               s.exercise().substr(10), ":",
                               v1::SuggestionState_Name(s.state()).substr(17)));
  }
  return out;
}

TEST(PlanSuggestions, RecordsSkipsAndSupersedes) {
  constexpr auto kHarder = v1::SUGGESTION_KIND_PROGRESS;
  constexpr auto kEasier = v1::SUGGESTION_KIND_REGRESS;
  struct Case {
    std::string name;
    StoredSuggestions stored;
    std::vector<SuggestionCandidate> candidates;
    std::vector<std::string> inserts;
    std::vector<std::string> updates;
  };
  const Case cases[] = {
      {"nothing stored: each candidate is new",
       {},
       {Candidate("glute-bridge", kHarder), Candidate("clamshell", kHarder)},
       {"n1:glute-bridge:OPEN", "n2:clamshell:OPEN"},
       {}},
      {"suggested before for this revision: skipped, even if dismissed since",
       {.made_for_revision = {{"exercises/glute-bridge", kHarder}}},
       {Candidate("glute-bridge", kHarder)},
       {},
       {}},
      {"the other kind for this revision is not the same suggestion",
       {.open = {Open("old", "glute-bridge", kEasier, 2)},
        .made_for_revision = {{"exercises/glute-bridge", kEasier}}},
       {Candidate("glute-bridge", kHarder)},
       {"n1:glute-bridge:OPEN"},
       {"old:glute-bridge:DISMISSED"}},
      {"an open one from an older revision is superseded",
       {.open = {Open("old", "glute-bridge", kHarder, 1)}},
       {Candidate("glute-bridge", kHarder)},
       {"n1:glute-bridge:OPEN"},
       {"old:glute-bridge:DISMISSED"}},
      {"an open one for another exercise stays",
       {.open = {Open("old", "clamshell", kHarder, 1)}},
       {Candidate("glute-bridge", kHarder)},
       {"n1:glute-bridge:OPEN"},
       {}},
      {"a second candidate for one exercise supersedes the first",
       {},
       {Candidate("glute-bridge", kHarder), Candidate("glute-bridge", kEasier)},
       {"n1:glute-bridge:DISMISSED", "n2:glute-bridge:OPEN"},
       {}},
      {"the same candidate twice is made once",
       {},
       {Candidate("glute-bridge", kHarder), Candidate("glute-bridge", kHarder)},
       {"n1:glute-bridge:OPEN"},
       {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    int next = 0;
    const SuggestionPlan plan =
        PlanSuggestions(kProgram, 2, c.stored, c.candidates, At(100),
                        [&] { return absl::StrCat("n", ++next); });
    EXPECT_EQ(Summary(plan.inserts), c.inserts);
    EXPECT_EQ(Summary(plan.updates), c.updates);
  }
}

TEST(PlanSuggestions, ANewSuggestionCarriesTheCandidateAndTheRevision) {
  SuggestionCandidate candidate =
      Candidate("glute-bridge", v1::SUGGESTION_KIND_PROGRESS);
  candidate.proposed.set_sets(4);
  const SuggestionPlan plan = PlanSuggestions(
      kProgram, 3, {}, {candidate}, At(100), [] { return std::string("x"); });
  ASSERT_EQ(plan.inserts.size(), 1u);
  const v1::Suggestion& s = plan.inserts[0];
  EXPECT_EQ(s.name(), "clinics/c/patients/p/programs/g/suggestions/x");
  EXPECT_EQ(s.kind(), v1::SUGGESTION_KIND_PROGRESS);
  EXPECT_EQ(s.proposed().sets(), 4);
  EXPECT_THAT(s.reasons(), ElementsAre("why"));
  EXPECT_EQ(s.based_on_revision(), 3);
  EXPECT_EQ(s.create_time().seconds(), 100);
  EXPECT_EQ(s.update_time().seconds(), 100);
}

TEST(PlanSuggestions, ASupersededOneSaysWhyAndWhen) {
  const SuggestionPlan plan = PlanSuggestions(
      kProgram, 2,
      {.open = {Open("old", "glute-bridge", v1::SUGGESTION_KIND_PROGRESS, 1)}},
      {Candidate("glute-bridge", v1::SUGGESTION_KIND_REGRESS)}, At(100),
      [] { return std::string("x"); });
  ASSERT_EQ(plan.updates.size(), 1u);
  EXPECT_THAT(plan.updates[0].reasons(),
              ElementsAre("superseded by a newer suggestion"));
  EXPECT_EQ(plan.updates[0].update_time().seconds(), 100);
}

TEST(DismissForNewRevision, DismissesEveryOpenOneSayingWhichRevision) {
  const std::vector<v1::Suggestion> dismissed = DismissForNewRevision(
      {Open("a", "glute-bridge", v1::SUGGESTION_KIND_PROGRESS, 1),
       Open("b", "clamshell", v1::SUGGESTION_KIND_REGRESS, 1)},
      2, At(50));
  EXPECT_THAT(Summary(dismissed),
              ElementsAre("a:glute-bridge:DISMISSED", "b:clamshell:DISMISSED"));
  EXPECT_THAT(dismissed[1].reasons(),
              ElementsAre("the program changed (revision 2)"));
  EXPECT_EQ(dismissed[1].update_time().seconds(), 50);
  EXPECT_THAT(DismissForNewRevision({}, 2, At(50)), IsEmpty());
}

TEST(CheckAcceptable, OnlyAnOpenSuggestionOfTheLatestRevision) {
  v1::Suggestion s = Open("a", "glute-bridge", v1::SUGGESTION_KIND_PROGRESS, 2);
  EXPECT_TRUE(CheckAcceptable(s, 2).ok());
  EXPECT_EQ(CheckAcceptable(s, 3).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(CheckAcceptable(s, 3).message()),
              ::testing::HasSubstr("(revision 2, now 3)"));
  s.set_state(v1::SUGGESTION_STATE_DISMISSED);
  EXPECT_EQ(CheckAcceptable(s, 2).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(Accepted, RecordsTheRevisionItBecame) {
  const v1::Suggestion s = Accepted(
      Open("a", "glute-bridge", v1::SUGGESTION_KIND_PROGRESS, 2), 3, At(70));
  EXPECT_EQ(s.state(), v1::SUGGESTION_STATE_ACCEPTED);
  EXPECT_EQ(s.accepted_revision(), 3);
  EXPECT_EQ(s.update_time().seconds(), 70);
}

TEST(Dismissed, OnlyAnOpenSuggestion) {
  absl::StatusOr<v1::Suggestion> s = Dismissed(
      Open("a", "glute-bridge", v1::SUGGESTION_KIND_PROGRESS, 2), At(70));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->state(), v1::SUGGESTION_STATE_DISMISSED);
  EXPECT_EQ(s->update_time().seconds(), 70);
  EXPECT_EQ(Dismissed(*s, At(80)).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace glutecare

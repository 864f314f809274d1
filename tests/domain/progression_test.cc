#include "server/domain/progression.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/calendar.h"

namespace glutecare {
namespace {

constexpr absl::CivilDay kToday{2026, 11, 25};

v1::Prescription Rx(const std::string& exercise, v1::LoadType load, int sets,
                    int reps, double kg = 0) {
  v1::Prescription p;
  p.set_exercise("exercises/" + exercise);
  p.mutable_load()->set_type(load);
  p.mutable_load()->set_weight_kg(kg);
  p.set_sets(sets);
  p.set_reps(reps);
  p.set_sessions_per_week(3);
  return p;
}

std::string Spec(const v1::Prescription& p) {
  return absl::StrCat(p.exercise().substr(10), ":", p.sets(), "x", p.reps(),
                      "@", v1::LoadType_Name(p.load().type()).substr(10),
                      p.load().weight_kg() > 0
                          ? absl::StrCat("/", p.load().weight_kg(), "kg")
                          : "");
}

TEST(HarderStep, ClimbsTheLadderThenVolumeThenVariantThenWeight) {
  const ExerciseCatalog& catalog = ExerciseCatalog::Default();
  struct Case {
    v1::Prescription from;
    std::string to;
  };
  const Case cases[] = {
      {Rx("glute-bridge", v1::LOAD_TYPE_BODYWEIGHT, 3, 12),
       "glute-bridge:3x12@BAND_LIGHT"},
      {Rx("glute-bridge", v1::LOAD_TYPE_BAND_HEAVY, 3, 12),
       "glute-bridge:3x12@EXTERNAL_WEIGHT/2kg"},
      // Clamshells take no weight: more reps, then a set, then the variant.
      {Rx("clamshell", v1::LOAD_TYPE_BAND_HEAVY, 3, 12),
       "clamshell:3x15@BAND_HEAVY"},
      {Rx("clamshell", v1::LOAD_TYPE_BAND_HEAVY, 3, 15),
       "clamshell:4x15@BAND_HEAVY"},
      {Rx("clamshell", v1::LOAD_TYPE_BAND_HEAVY, 4, 15),
       "banded-clamshell:3x10@BAND_LIGHT"},
      // Split squat is the last variant: 10% more weight.
      {Rx("split-squat", v1::LOAD_TYPE_EXTERNAL_WEIGHT, 4, 15, 10),
       "split-squat:4x15@EXTERNAL_WEIGHT/11kg"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(Spec(c.from));
    std::optional<v1::Prescription> next = HarderStep(c.from, catalog);
    ASSERT_TRUE(next.has_value());
    EXPECT_EQ(Spec(*next), c.to);
  }
}

TEST(EasierStep, ComesDownTheSameLadder) {
  const ExerciseCatalog& catalog = ExerciseCatalog::Default();
  struct Case {
    v1::Prescription from;
    std::string to;
  };
  const Case cases[] = {
      {Rx("goblet-squat", v1::LOAD_TYPE_EXTERNAL_WEIGHT, 3, 10, 10),
       "goblet-squat:3x10@EXTERNAL_WEIGHT/8kg"},
      {Rx("glute-bridge", v1::LOAD_TYPE_EXTERNAL_WEIGHT, 3, 10, 2),
       "glute-bridge:3x10@BAND_HEAVY"},
      {Rx("clamshell", v1::LOAD_TYPE_BAND_MEDIUM, 3, 15),
       "clamshell:3x15@BAND_LIGHT"},
      {Rx("clamshell", v1::LOAD_TYPE_BODYWEIGHT, 3, 15),
       "clamshell:3x12@BODYWEIGHT"},
      {Rx("clamshell", v1::LOAD_TYPE_BODYWEIGHT, 2, 5),
       "clamshell:1x5@BODYWEIGHT"},
      {Rx("banded-clamshell", v1::LOAD_TYPE_BAND_LIGHT, 1, 5),
       "clamshell:1x5@BODYWEIGHT"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(Spec(c.from));
    std::optional<v1::Prescription> easier = EasierStep(c.from, catalog);
    ASSERT_TRUE(easier.has_value());
    EXPECT_EQ(Spec(*easier), c.to);
  }
  EXPECT_FALSE(
      EasierStep(Rx("glute-bridge", v1::LOAD_TYPE_BODYWEIGHT, 1, 5), catalog)
          .has_value());
}

v1::Session Done(absl::CivilDay day, int pain_after, int reps,
                 v1::Difficulty difficulty = v1::DIFFICULTY_ABOUT_RIGHT) {
  v1::Session s;
  s.set_name("clinics/c/patients/p/sessions/" + FormatDate(day));
  s.set_local_date(FormatDate(day));
  s.set_pain_area(v1::PAIN_AREA_HIP);
  s.set_pain_before(2);
  s.set_pain_after(pain_after);
  s.set_difficulty(difficulty);
  s.set_program_revision("clinics/c/patients/p/programs/g@1");
  v1::PerformedExercise* e = s.add_exercises();
  e->set_exercise("exercises/glute-bridge");
  e->set_sets(3);
  e->set_reps(reps);
  return s;
}

ProgressionInput Input(int revision_age_days) {
  ProgressionInput input{.today = kToday,
                         .revision_from = kToday - revision_age_days};
  input.revision.set_name("clinics/c/patients/p/programs/g");
  input.revision.set_revision_id(1);
  input.revision.set_status(v1::PROGRAM_STATUS_ACTIVE);
  input.revision.set_start_date("2026-10-01");
  *input.revision.add_prescriptions() =
      Rx("glute-bridge", v1::LOAD_TYPE_BODYWEIGHT, 3, 12);
  return input;
}

// Three sessions a week for two weeks, every rep done, pain safe.
void AddGoodWeeks(ProgressionInput& input) {
  for (int back : {13, 11, 9, 6, 4, 2}) {
    input.sessions.push_back(Done(kToday - back, 2, 12));
  }
}

TEST(SuggestProgressions, ProgressesAfterTwoGoodWeeks) {
  ProgressionInput input = Input(30);
  AddGoodWeeks(input);
  std::vector<SuggestionCandidate> s =
      SuggestProgressions(input, ExerciseCatalog::Default());
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].kind, v1::SUGGESTION_KIND_PROGRESS);
  EXPECT_EQ(s[0].proposed.load().type(), v1::LOAD_TYPE_BAND_LIGHT);
  EXPECT_THAT(s[0].reasons[0], ::testing::HasSubstr("100%"));
}

TEST(SuggestProgressions, HoldsBackWhenAConditionFails) {
  struct Case {
    const char* name;
    std::function<void(ProgressionInput&)> change;
  };
  const Case cases[] = {
      {"revision too new",
       [](ProgressionInput& in) { in.revision_from = kToday - 5; }},
      {"adherence below 80%",
       [](ProgressionInput& in) { in.sessions.resize(4); }},
      {"pain after 4 is not safe",
       [](ProgressionInput& in) { in.sessions[2].set_pain_after(4); }},
      {"reps missed, not too easy",
       [](ProgressionInput& in) {
         in.sessions[3].mutable_exercises(0)->set_reps(8);
       }},
      {"paused",
       [](ProgressionInput& in) {
         in.revision.set_status(v1::PROGRAM_STATUS_PAUSED);
       }},
      // Regression test: another program's sessions do not count here.
      {"sessions of another program",
       [](ProgressionInput& in) {
         for (int i = 2; i < 6; ++i) {
           in.sessions[i].set_program_revision(
               "clinics/c/patients/p/programs/other@1");
         }
       }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ProgressionInput input = Input(30);
    AddGoodWeeks(input);
    c.change(input);
    EXPECT_THAT(SuggestProgressions(input, ExerciseCatalog::Default()),
                ::testing::IsEmpty());
  }
}

TEST(SuggestProgressions, TooEasyProgressesEvenWithMissedReps) {
  ProgressionInput input = Input(30);
  AddGoodWeeks(input);
  input.sessions[3].mutable_exercises(0)->set_reps(8);
  input.sessions.back().set_difficulty(v1::DIFFICULTY_TOO_EASY);
  std::vector<SuggestionCandidate> s =
      SuggestProgressions(input, ExerciseCatalog::Default());
  ASSERT_EQ(s.size(), 1u);
  EXPECT_THAT(s[0].reasons.back(), ::testing::HasSubstr("too easy"));
}

TEST(SuggestProgressions, RegressesOnUnacceptablePainOrAFlare) {
  ProgressionInput input = Input(3);  // even under a new revision
  input.revision.mutable_prescriptions(0)->mutable_load()->set_type(
      v1::LOAD_TYPE_BAND_MEDIUM);
  input.sessions = {Done(kToday - 1, 7, 12)};
  std::vector<SuggestionCandidate> s =
      SuggestProgressions(input, ExerciseCatalog::Default());
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].kind, v1::SUGGESTION_KIND_REGRESS);
  EXPECT_EQ(s[0].proposed.load().type(), v1::LOAD_TYPE_BAND_LIGHT);
  EXPECT_THAT(s[0].reasons[0], ::testing::HasSubstr("7/10"));

  // A flare: pain the next day above the day before.
  input.sessions = {Done(kToday - 2, 3, 12)};
  v1::PainReport before, after;
  before.set_local_date(FormatDate(kToday - 3));
  before.set_area(v1::PAIN_AREA_HIP);
  before.set_score(3);
  after = before;
  after.set_local_date(FormatDate(kToday - 1));
  after.set_score(6);
  input.pain_reports = {before, after};
  s = SuggestProgressions(input, ExerciseCatalog::Default());
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].kind, v1::SUGGESTION_KIND_REGRESS);
  EXPECT_THAT(s[0].reasons[0], ::testing::HasSubstr("flared"));
}

// Regression test: after a regression is accepted (revision 2), the painful
// session that followed revision 1 must not ease the program again.
TEST(SuggestProgressions, RegressesOnlyForSessionsUnderThisRevision) {
  ProgressionInput input = Input(0);
  input.revision.set_revision_id(2);
  input.sessions = {Done(kToday, 8, 12)};  // followed g@1
  EXPECT_THAT(SuggestProgressions(input, ExerciseCatalog::Default()),
              ::testing::IsEmpty());
  input.sessions[0].set_program_revision("clinics/c/patients/p/programs/g@2");
  EXPECT_EQ(SuggestProgressions(input, ExerciseCatalog::Default()).size(), 1u);
}

TEST(ApplySuggestion, ReplacesThePrescription) {
  v1::Program program = Input(30).revision;
  *program.add_prescriptions() =
      Rx("clamshell", v1::LOAD_TYPE_BAND_LIGHT, 3, 15);
  v1::Suggestion suggestion;
  suggestion.set_exercise("exercises/glute-bridge");
  *suggestion.mutable_proposed() =
      Rx("single-leg-bridge", v1::LOAD_TYPE_BODYWEIGHT, 3, 10);
  absl::StatusOr<v1::Program> applied = ApplySuggestion(program, suggestion);
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(applied->prescriptions(0).exercise(),
            "exercises/single-leg-bridge");
  EXPECT_EQ(applied->prescriptions(1).exercise(), "exercises/clamshell");

  suggestion.set_exercise("exercises/bodyweight-squat");
  EXPECT_EQ(ApplySuggestion(program, suggestion).status().code(),
            absl::StatusCode::kFailedPrecondition);
  suggestion.set_exercise("exercises/glute-bridge");
  suggestion.mutable_proposed()->set_exercise("exercises/clamshell");
  EXPECT_EQ(ApplySuggestion(program, suggestion).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace glutecare

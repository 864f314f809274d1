#include "server/domain/adherence.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/domain/calendar.h"
#include "tests/testing/builders.h"

namespace glutecare {
namespace {

// 2026-11-02 is a Monday.
constexpr absl::CivilDay kMonday{2026, 11, 2};

// A program from `start` of the glute bridge, 3 x 10, and the clamshell, 2
// holds of 20 s, each `per_week` sessions a week.
v1::Program Program(int per_week, const std::string& start,
                    v1::ProgramStatus status = v1::PROGRAM_STATUS_ACTIVE) {
  v1::Prescription clamshell = testing::Prescription(
      "clamshell", 2, /*reps=*/0, v1::LOAD_TYPE_BODYWEIGHT, per_week);
  clamshell.set_hold_seconds(20);
  v1::Program program = testing::Program(
      start, {testing::Prescription("glute-bridge", 3, 10,
                                    v1::LOAD_TYPE_BODYWEIGHT, per_week),
              clamshell});
  program.set_status(status);
  return program;
}

v1::Session Session(absl::CivilDay day, int bridge_sets = 3) {
  v1::Session session;
  session.set_local_date(FormatDate(day));
  v1::PerformedExercise* e = session.add_exercises();
  e->set_exercise("exercises/glute-bridge");
  e->set_sets(bridge_sets);
  e->set_reps(10);
  return session;
}

AdherenceInput Input(absl::CivilDay start, absl::CivilDay end,
                     std::vector<absl::CivilDay> session_days) {
  AdherenceInput input{.start = start, .end = end};
  for (absl::CivilDay day : session_days) {
    if (day >= start && day <= end) input.sessions.push_back(Session(day));
    input.session_days.push_back(day);
  }
  return input;
}

TEST(WeekStart, IsMonday) {
  for (int i = 0; i < 7; ++i) EXPECT_EQ(WeekStart(kMonday + i), kMonday);
  EXPECT_EQ(WeekStart(kMonday - 1), kMonday - 7);
}

TEST(ComputeAdherence, CountsWeeksAgainstThePrescription) {
  AdherenceInput input = Input(kMonday, kMonday + 13,
                               {kMonday, kMonday + 2, kMonday + 4,  // 3 of 3
                                kMonday + 8});                      // 1 of 3
  input.programs = {{{kMonday, Program(3, "2026-11-01")}}};
  const v1::AdherenceReport report = ComputeAdherence(input);
  ASSERT_EQ(report.weeks_size(), 2);
  EXPECT_EQ(report.weeks(0).week_start_date(), "2026-11-02");
  EXPECT_NEAR(report.weeks(0).prescribed_sessions(), 3.0, 1e-9);
  EXPECT_EQ(report.weeks(0).completed_sessions(), 3);
  EXPECT_NEAR(report.weeks(0).adherence_percent(), 100.0, 1e-9);
  EXPECT_NEAR(report.weeks(1).adherence_percent(), 100.0 / 3, 1e-9);
  EXPECT_NEAR(report.adherence_percent(), 4.0 / 6 * 100, 1e-9);
  EXPECT_EQ(report.completed_sessions(), 4);
  EXPECT_EQ(report.data_days(), 4);
  EXPECT_EQ(report.days_since_last_session(), 5);
}

TEST(ComputeAdherence, ExerciseVolumeUsesRepsOrHoldSeconds) {
  AdherenceInput input = Input(kMonday, kMonday + 6, {kMonday});
  input.programs = {{{kMonday, Program(3, "2026-11-01")}}};
  const v1::AdherenceReport report = ComputeAdherence(input);
  ASSERT_EQ(report.exercises_size(), 2);
  EXPECT_EQ(report.exercises(0).exercise(), "exercises/glute-bridge");
  EXPECT_NEAR(report.exercises(0).prescribed_volume(), 3 * 3 * 10, 1e-9);
  EXPECT_EQ(report.exercises(0).completed_volume(), 30);
  EXPECT_NEAR(report.exercises(0).completion_percent(), 100.0 / 3, 1e-9);
  EXPECT_EQ(report.exercises(1).exercise(), "exercises/clamshell");
  EXPECT_NEAR(report.exercises(1).prescribed_volume(), 3 * 2 * 20, 1e-9);
  EXPECT_EQ(report.exercises(1).completed_volume(), 0);
}

// A revision made mid-range applies from its own day on (issue 3: "adherence
// is measured against the program revision in force on each day").
TEST(ComputeAdherence, UsesTheRevisionInForceOnEachDay) {
  AdherenceInput input = Input(kMonday, kMonday + 13, {});
  input.programs = {{{kMonday - 30, Program(7, "2026-10-01")},
                     {kMonday + 7, Program(2, "2026-10-01")}}};
  const v1::AdherenceReport report = ComputeAdherence(input);
  ASSERT_EQ(report.weeks_size(), 2);
  EXPECT_NEAR(report.weeks(0).prescribed_sessions(), 7.0, 1e-9);
  EXPECT_NEAR(report.weeks(1).prescribed_sessions(), 2.0, 1e-9);
  EXPECT_NEAR(report.prescribed_sessions(), 9.0, 1e-9);
}

TEST(ComputeAdherence, PausedProgramsAndDaysOutsideTheProgramPrescribeNothing) {
  AdherenceInput input = Input(kMonday, kMonday + 6, {kMonday + 1});
  // Starts on Thursday and ends on Saturday: 3 active days.
  v1::Program program = Program(7, "2026-11-05");
  program.set_end_date("2026-11-07");
  input.programs = {
      {{kMonday, program}},
      {{kMonday, Program(3, "2026-11-01", v1::PROGRAM_STATUS_PAUSED)}}};
  const v1::AdherenceReport report = ComputeAdherence(input);
  EXPECT_NEAR(report.prescribed_sessions(), 3.0, 1e-9);
  EXPECT_EQ(report.completed_sessions(), 1);
}

TEST(ComputeAdherence, EmptyDataGivesZerosNotNaN) {
  const v1::AdherenceReport report =
      ComputeAdherence(Input(kMonday, kMonday + 27, {}));
  EXPECT_EQ(report.weeks_size(), 4);
  EXPECT_EQ(report.adherence_percent(), 0);
  EXPECT_EQ(report.completed_sessions(), 0);
  EXPECT_EQ(report.data_days(), 0);
  EXPECT_FALSE(report.has_days_since_last_session());
  EXPECT_EQ(report.current_streak_weeks(), 0);
  EXPECT_EQ(report.exercises_size(), 0);
}

TEST(ComputeAdherence, PainCheckInsCountAsDataDays) {
  AdherenceInput input = Input(kMonday, kMonday + 6, {kMonday});
  input.pain_report_days = {kMonday, kMonday + 1, kMonday + 1, kMonday + 9};
  EXPECT_EQ(ComputeAdherence(input).data_days(), 2);
}

TEST(ComputeAdherence, StreakCountsMetWeeksBackFromTheLastOne) {
  struct Case {
    const char* name;
    std::vector<absl::CivilDay> days;
    absl::CivilDay end;
    int streak;
  };
  const absl::CivilDay w0 = kMonday, w1 = kMonday + 7, w2 = kMonday + 14;
  const Case cases[] = {
      {"three met weeks, current week in progress",
       {w0, w0 + 1, w0 + 2, w1, w1 + 1, w1 + 2, w2},
       w2 + 2,
       2},
      {"current week already met counts",
       {w0, w0 + 1, w0 + 2, w1, w1 + 1, w1 + 2, w2, w2 + 1, w2 + 2},
       w2 + 3,
       3},
      {"a missed week breaks it",
       {w0, w0 + 1, w0 + 2, w1, w2, w2 + 1, w2 + 2},
       w2 + 6,
       1},
      {"two of three is not met", {w1, w1 + 1, w2, w2 + 1}, w2 + 6, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    AdherenceInput input = Input(c.end - 27, c.end, c.days);
    input.programs = {{{kMonday, Program(3, "2026-11-02")}}};
    EXPECT_EQ(ComputeAdherence(input).current_streak_weeks(), c.streak);
  }
}

}  // namespace
}  // namespace glutecare

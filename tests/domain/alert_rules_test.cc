#include "server/domain/alert_rules.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/calendar.h"

namespace glutecare {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// A Wednesday.
constexpr absl::CivilDay kToday{2026, 11, 25};

v1::Program BridgeProgram(int per_week, const std::string& start) {
  v1::Program program;
  program.set_status(v1::PROGRAM_STATUS_ACTIVE);
  program.set_start_date(start);
  v1::Prescription* p = program.add_prescriptions();
  p->set_exercise("exercises/glute-bridge");
  p->set_sets(3);
  p->set_reps(10);
  p->set_sessions_per_week(per_week);
  return program;
}

v1::Session Session(absl::CivilDay day, int before, int after,
                    v1::PainArea area = v1::PAIN_AREA_LOWER_BACK) {
  v1::Session s;
  s.set_name("clinics/c/patients/p/sessions/s" + FormatDate(day));
  s.set_local_date(FormatDate(day));
  s.set_pain_before(before);
  s.set_pain_after(after);
  s.set_pain_area(area);
  return s;
}

v1::PainReport CheckIn(absl::CivilDay day, int score,
                       v1::PainArea area = v1::PAIN_AREA_LOWER_BACK) {
  v1::PainReport r;
  r.set_name("clinics/c/patients/p/painReports/r" + FormatDate(day));
  r.set_local_date(FormatDate(day));
  r.set_area(area);
  r.set_score(score);
  return r;
}

// An input where no rule fires: three sessions a week, kept up, low pain.
AlertInput Quiet() {
  AlertInput input{.today = kToday, .baseline = 5};
  input.programs = {{{kToday - 60, BridgeProgram(3, "2026-10-01")}}};
  for (absl::CivilDay day = kToday - 20; day <= kToday; day += 2) {
    input.sessions.push_back(Session(day, 3, 3));
  }
  input.last_session_day = *ParseDate(input.sessions.back().local_date(), "");
  return input;
}

std::vector<v1::AlertRule> Rules(const std::vector<AlertCandidate>& fired) {
  std::vector<v1::AlertRule> rules;
  for (const AlertCandidate& c : fired) rules.push_back(c.rule);
  return rules;
}

TEST(EvaluateAlerts, QuietDataRaisesNothing) {
  EXPECT_THAT(Rules(EvaluateAlerts(Quiet())), IsEmpty());
}

TEST(EvaluateAlerts, PostExercisePainAboveFive) {
  for (int pain_after : {5, 6}) {
    SCOPED_TRACE(pain_after);
    AlertInput input = Quiet();
    input.sessions.back().set_pain_after(pain_after);
    // A 5 is acceptable; the day after carries no data, so no flare either.
    const std::vector<AlertCandidate> fired = EvaluateAlerts(input);
    if (pain_after == 5) {
      EXPECT_THAT(Rules(fired), IsEmpty());
    } else {
      ASSERT_THAT(Rules(fired), ElementsAre(v1::ALERT_RULE_POST_EXERCISE_PAIN));
      EXPECT_EQ(fired[0].trigger_key, input.sessions.back().name());
      EXPECT_THAT(fired[0].evidence, ElementsAre(input.sessions.back().name()));
      EXPECT_THAT(fired[0].summary, ::testing::HasSubstr("6/10"));
    }
  }
}

TEST(EvaluateAlerts, FlareWhenNextDayPainRisesMoreThanTheUsualTenPercent) {
  struct Case {
    int day_before;
    int day_after;
    bool flare;
  };
  const Case cases[] = {
      {4, 4, false}, {4, 5, true}, {3, 2, false}, {0, 1, true}};
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << c.day_before << " -> " << c.day_after);
    AlertInput input{.today = kToday, .baseline = 9};
    input.sessions = {Session(kToday - 2, 3, 3)};
    input.last_session_day = kToday - 2;
    input.pain_reports = {CheckIn(kToday - 3, c.day_before),
                          CheckIn(kToday - 1, c.day_after)};
    const std::vector<AlertCandidate> fired = EvaluateAlerts(input);
    if (c.flare) {
      ASSERT_THAT(Rules(fired), ElementsAre(v1::ALERT_RULE_FLARE));
      EXPECT_EQ(fired[0].local_date, FormatDate(kToday - 1));
    } else {
      EXPECT_THAT(Rules(fired), IsEmpty());
    }
  }
}

TEST(EvaluateAlerts, FlareFallsBackToPainBeforeTheSession) {
  AlertInput input{.today = kToday, .baseline = 9};
  input.sessions = {Session(kToday - 2, 2, 3)};
  input.last_session_day = kToday - 2;
  input.pain_reports = {CheckIn(kToday - 1, 4)};
  EXPECT_THAT(Rules(EvaluateAlerts(input)), ElementsAre(v1::ALERT_RULE_FLARE));
}

TEST(EvaluateAlerts, SevenDayMeanTwoPointsAboveBaseline) {
  for (int score : {6, 7}) {
    SCOPED_TRACE(score);
    AlertInput input{.today = kToday, .baseline = 5};
    input.pain_reports = {CheckIn(kToday - 1, score), CheckIn(kToday, score)};
    const std::vector<AlertCandidate> fired = EvaluateAlerts(input);
    if (score == 7) {
      ASSERT_THAT(Rules(fired),
                  ElementsAre(v1::ALERT_RULE_PAIN_ABOVE_BASELINE));
      EXPECT_EQ(fired[0].trigger_key, "lower-back@" + FormatDate(kToday));
    } else {
      EXPECT_THAT(Rules(fired), IsEmpty());
    }
  }
}

TEST(EvaluateAlerts, MissedSessionsAfterTheProgramsLimit) {
  struct Case {
    int days_since_last;
    int limit;  // 0: the default of 3
    bool fires;
  };
  // The last session was `days_since_last` days ago; today is not over, so
  // the days missed are those in between.
  const Case cases[] = {
      {3, 0, false}, {4, 0, true}, {2, 1, true}, {5, 5, false}, {6, 5, true}};
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << c.days_since_last << " / " << c.limit);
    AlertInput input{.today = kToday};
    v1::Program program = BridgeProgram(7, "2026-10-01");
    program.set_missed_session_alert_days(c.limit);
    input.programs = {{{kToday - 60, program}}};
    input.last_session_day = kToday - c.days_since_last;
    const std::vector<v1::AlertRule> rules = Rules(EvaluateAlerts(input));
    EXPECT_EQ(
        std::count(rules.begin(), rules.end(), v1::ALERT_RULE_MISSED_SESSIONS),
        c.fires ? 1 : 0);
  }
}

TEST(EvaluateAlerts, NoMissedSessionsWithoutAnActiveProgram) {
  AlertInput input{.today = kToday};
  v1::Program paused = BridgeProgram(3, "2026-10-01");
  paused.set_status(v1::PROGRAM_STATUS_PAUSED);
  input.programs = {{{kToday - 60, paused}}};
  EXPECT_THAT(Rules(EvaluateAlerts(input)), IsEmpty());
}

TEST(EvaluateAlerts, LowAdherenceInTheLastFinishedWeek) {
  const absl::CivilDay last_monday = WeekStart(kToday) - 7;
  for (int sessions : {1, 2}) {
    SCOPED_TRACE(sessions);
    AlertInput input{.today = kToday};
    input.programs = {{{kToday - 60, BridgeProgram(3, "2026-10-01")}}};
    for (int i = 0; i < sessions; ++i) {
      input.sessions.push_back(Session(last_monday + 2 * i, 2, 2));
    }
    input.sessions.push_back(Session(kToday - 1, 2, 2));
    input.last_session_day = kToday - 1;
    const std::vector<AlertCandidate> fired = EvaluateAlerts(input);
    if (sessions == 1) {
      ASSERT_THAT(Rules(fired), ElementsAre(v1::ALERT_RULE_LOW_ADHERENCE));
      EXPECT_EQ(fired[0].trigger_key, FormatDate(last_monday));
      EXPECT_THAT(fired[0].summary, ::testing::HasSubstr("33%"));
    } else {
      EXPECT_THAT(Rules(fired), IsEmpty());  // 2 of 3 is 67%
    }
  }
}

}  // namespace
}  // namespace glutecare

namespace glutecare {
namespace {

// Regression test for the review finding "false flare alerts": pain right
// after a session is not the next-morning pain that defines a flare.
TEST(EvaluateAlerts, PainRightAfterTheNextSessionIsNotAFlare) {
  AlertInput input{.today = kToday, .baseline = 9};
  input.sessions = {Session(kToday - 3, 2, 3), Session(kToday - 2, 2, 3)};
  input.last_session_day = kToday - 2;
  EXPECT_THAT(Rules(EvaluateAlerts(input)), IsEmpty());
}

// Regression test: a session on the first day of the data has no known day
// before; it must not fall back to its pain_before and raise an old flare.
TEST(EvaluateAlerts, NoFlareForASessionOnTheFirstDayOfTheData) {
  AlertInput input{.today = kToday, .baseline = 9, .data_from = kToday - 5};
  input.sessions = {Session(kToday - 5, 3, 3)};
  input.last_session_day = kToday - 5;
  input.pain_reports = {CheckIn(kToday - 4, 5)};
  EXPECT_THAT(Rules(EvaluateAlerts(input)), IsEmpty());
  input.data_from = kToday - 6;  // now its day before is known to be empty
  EXPECT_THAT(Rules(EvaluateAlerts(input)), ElementsAre(v1::ALERT_RULE_FLARE));
}

// Regression test: flares in two areas on the same day are two events.
TEST(EvaluateAlerts, FlaresInTwoAreasHaveTheirOwnKeys) {
  AlertInput input{.today = kToday, .baseline = 9};
  input.sessions = {Session(kToday - 2, 2, 3, v1::PAIN_AREA_HIP),
                    Session(kToday - 2, 2, 3, v1::PAIN_AREA_KNEE)};
  input.sessions[1].set_name("clinics/c/patients/p/sessions/knee");
  input.last_session_day = kToday - 2;
  input.pain_reports = {CheckIn(kToday - 1, 5, v1::PAIN_AREA_HIP),
                        CheckIn(kToday - 1, 5, v1::PAIN_AREA_KNEE)};
  const std::vector<AlertCandidate> fired = EvaluateAlerts(input);
  ASSERT_EQ(fired.size(), 2u);
  EXPECT_NE(fired[0].trigger_key, fired[1].trigger_key);
}

}  // namespace
}  // namespace glutecare

#include "server/domain/alert_rules.h"

#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/calendar.h"
#include "tests/testing/builders.h"

namespace glutecare {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// A Wednesday.
constexpr absl::CivilDay kToday{2026, 11, 25};

// An active program from `start` of the glute bridge, 3 x 10, `per_week`
// sessions a week.
v1::Program BridgeProgram(int per_week, const std::string& start) {
  return testing::Program(
      start, {testing::Prescription("glute-bridge", 3, 10,
                                    v1::LOAD_TYPE_BODYWEIGHT, per_week)});
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
    SCOPED_TRACE(::testing::Message() << c.day_before << " -> " << c.day_after);
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
    SCOPED_TRACE(::testing::Message() << c.days_since_last << " / " << c.limit);
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

namespace glutecare {
namespace {

UnresolvedAlert Unresolved(v1::AlertRule rule, std::vector<std::string> keys,
                           v1::AlertState state = v1::ALERT_STATE_OPEN) {
  UnresolvedAlert unresolved{.trigger_keys = std::move(keys)};
  unresolved.alert.set_name("clinics/c/patients/p/alerts/a1");
  unresolved.alert.set_rule(rule);
  unresolved.alert.set_state(state);
  return unresolved;
}

std::string SessionName(absl::CivilDay day) {
  return "clinics/c/patients/p/sessions/s" + FormatDate(day);
}

TEST(ClearedAlerts, MissedSessionsClearOnceASessionEndsTheGapAndNoneFollows) {
  // The alert counts the days without a session from kGapStart.
  const absl::CivilDay kGapStart = kToday - 10;
  const std::string kKey = "since " + FormatDate(kGapStart);
  struct Case {
    const char* what;
    std::vector<std::string> keys;
    v1::AlertState state;
    // Sessions in the window, as days before today.
    std::vector<int> sessions_days_ago;
    // The patient's last session, as days before today (-1: none at all).
    int last_session_days_ago;
    // The program's Program.missed_session_alert_days (0: the default, 3).
    int alert_days;
    // The session the clearance names, as days before today (-1: none).
    int cleared_by_days_ago;
    bool cleared;
  };
  const Case cases[] = {
      {"no session yet", {kKey}, v1::ALERT_STATE_OPEN, {}, -1, 0, -1, false},
      {"only the session before the gap", {kKey}, v1::ALERT_STATE_OPEN, {11},
       11, 0, -1, false},
      {"a late-delivered session done two days ago", {kKey},
       v1::ALERT_STATE_OPEN, {11, 2}, 2, 0, 2, true},
      {"a session today", {kKey}, v1::ALERT_STATE_OPEN, {0}, 0, 0, 0, true},
      {"the first of two, whatever their order", {kKey}, v1::ALERT_STATE_OPEN,
       {2, 6}, 2, 0, 6, true},
      {"acknowledged alerts clear alike", {kKey}, v1::ALERT_STATE_ACKNOWLEDGED,
       {3}, 3, 0, 3, true},
      {"the gap ended, but the days since are as many as the program allows",
       {kKey}, v1::ALERT_STATE_OPEN, {10}, 10, 0, -1, false},
      {"the session is older than the window: none named",
       {"since " + FormatDate(kToday - 40)}, v1::ALERT_STATE_OPEN, {}, 30, 40,
       -1, true},
      {"an older gap ended, the latest did not",
       {"since " + FormatDate(kToday - 20), kKey}, v1::ALERT_STATE_OPEN, {15},
       15, 0, -1, false},
      {"no key to tell the gap", {}, v1::ALERT_STATE_OPEN, {3}, 3, 0, -1,
       false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    AlertInput input{.today = kToday};
    v1::Program program = BridgeProgram(3, "2026-10-01");
    program.set_missed_session_alert_days(c.alert_days);
    input.programs = {{{kToday - 60, program}}};
    for (int days_ago : c.sessions_days_ago) {
      input.sessions.push_back(Session(kToday - days_ago, 3, 3));
    }
    if (c.last_session_days_ago >= 0) {
      input.last_session_day = kToday - c.last_session_days_ago;
    }
    const std::vector<AlertClearance> cleared = ClearedAlerts(
        input, {Unresolved(v1::ALERT_RULE_MISSED_SESSIONS, c.keys, c.state)});
    if (!c.cleared) {
      EXPECT_THAT(cleared, IsEmpty());
      continue;
    }
    ASSERT_EQ(cleared.size(), 1u);
    EXPECT_EQ(cleared[0].alert, "clinics/c/patients/p/alerts/a1");
    EXPECT_EQ(cleared[0].trigger_keys_seen, c.keys.size());
    if (c.cleared_by_days_ago >= 0) {
      EXPECT_THAT(cleared[0].evidence,
                  ElementsAre(SessionName(kToday - c.cleared_by_days_ago)));
      EXPECT_THAT(cleared[0].summary,
                  HasSubstr("A session on " +
                            FormatDate(kToday - c.cleared_by_days_ago)));
    } else {
      EXPECT_THAT(cleared[0].evidence, IsEmpty());
      EXPECT_THAT(cleared[0].summary,
                  HasSubstr("the last session was on " +
                            FormatDate(*input.last_session_day)));
    }
  }
}

TEST(ClearedAlerts, LowAdherenceClearsWhenTheLastFinishedWeekReachesFifty) {
  // Three sessions a week; the last finished week starts on kMonday.
  const absl::CivilDay kMonday = WeekStart(kToday) - 7;
  struct Case {
    const char* what;
    std::vector<absl::CivilDay> keys;
    // Sessions, in the order given to the rules.
    std::vector<absl::CivilDay> sessions;
    bool cleared;
  };
  const Case cases[] = {
      {"still 1 of 3", {kMonday}, {kMonday + 1}, false},
      {"2 of 3 once a late session arrived", {kMonday},
       {kMonday + 1, kMonday + 4}, true},
      {"an earlier week, and the patient kept up since", {kMonday - 7},
       {kMonday - 7, kMonday + 1, kMonday + 3}, true},
      {"an earlier week made up late, but the last one is low", {kMonday - 7},
       {kMonday - 7, kMonday - 5, kMonday + 1}, false},
      {"the latest week is still low", {kMonday - 7, kMonday},
       {kMonday - 7, kMonday - 5, kMonday + 1}, false},
      {"the latest week cleared", {kMonday - 7, kMonday},
       {kMonday - 7, kMonday + 1, kMonday + 3}, true},
      {"the current week is not finished", {WeekStart(kToday)},
       {kMonday + 1, kMonday + 3, kToday - 1, kToday}, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    AlertInput input{.today = kToday};
    input.programs = {{{kToday - 60, BridgeProgram(3, "2026-10-01")}}};
    std::vector<std::string> keys;
    for (absl::CivilDay key : c.keys) keys.push_back(FormatDate(key));
    for (absl::CivilDay day : c.sessions) {
      input.sessions.push_back(Session(day, 3, 3));
    }
    input.last_session_day = c.sessions.back();
    const std::vector<AlertClearance> cleared = ClearedAlerts(
        input, {Unresolved(v1::ALERT_RULE_LOW_ADHERENCE, keys)});
    if (!c.cleared) {
      EXPECT_THAT(cleared, IsEmpty());
      continue;
    }
    ASSERT_EQ(cleared.size(), 1u);
    std::vector<std::string> in_week;
    for (absl::CivilDay day : c.sessions) {
      if (day >= kMonday && day <= kMonday + 6) {
        in_week.push_back(SessionName(day));
      }
    }
    EXPECT_EQ(cleared[0].evidence, in_week);
    EXPECT_THAT(cleared[0].summary,
                HasSubstr("week of " + FormatDate(kMonday) + " was 67%"));
  }
}

// The reported case, at the level of the rules: a program entered with a
// start 280 days back fires "none since the program started"; a session
// done two days ago and delivered late clears it, and fires nothing new.
TEST(ClearedAlerts, ALateSessionClearsTheGapCountedFromAnOldProgramStart) {
  AlertInput input{.today = kToday};
  input.programs = {{{kToday, BridgeProgram(3, FormatDate(kToday - 280))}}};
  // Low adherence in the last week fires too: the program prescribed it.
  const std::vector<AlertCandidate> fired = EvaluateAlerts(input);
  ASSERT_THAT(Rules(fired), ElementsAre(v1::ALERT_RULE_MISSED_SESSIONS,
                                        v1::ALERT_RULE_LOW_ADHERENCE));
  EXPECT_THAT(fired[0].summary,
              HasSubstr("No session for 280 days (none since the program "
                        "started)"));
  const UnresolvedAlert raised = Unresolved(v1::ALERT_RULE_MISSED_SESSIONS,
                                            {fired[0].trigger_key});
  EXPECT_THAT(ClearedAlerts(input, {raised}), IsEmpty());

  input.sessions.push_back(Session(kToday - 2, 3, 3));
  input.last_session_day = kToday - 2;
  const std::vector<AlertClearance> cleared = ClearedAlerts(input, {raised});
  ASSERT_EQ(cleared.size(), 1u);
  EXPECT_THAT(cleared[0].evidence, ElementsAre(SessionName(kToday - 2)));
  EXPECT_THAT(Rules(EvaluateAlerts(input)),
              ElementsAre(v1::ALERT_RULE_LOW_ADHERENCE));
}

TEST(ClearedAlerts, PainAlertsNeverClear) {
  // Quiet data: pain low and settled, sessions kept up.
  const AlertInput input = Quiet();
  const std::vector<UnresolvedAlert> pain = {
      Unresolved(v1::ALERT_RULE_POST_EXERCISE_PAIN,
                 {input.sessions.front().name()}),
      Unresolved(v1::ALERT_RULE_FLARE,
                 {"lower-back@" + FormatDate(kToday - 20)}),
      Unresolved(v1::ALERT_RULE_PAIN_ABOVE_BASELINE,
                 {"lower-back@" + FormatDate(kToday - 20)},
                 v1::ALERT_STATE_ACKNOWLEDGED)};
  EXPECT_THAT(ClearedAlerts(input, pain), IsEmpty());
}

}  // namespace
}  // namespace glutecare

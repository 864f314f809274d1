#include "server/domain/alert_rules.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "server/domain/calendar.h"
#include "server/domain/pain_rules.h"
#include "server/domain/pain_trend.h"

namespace glutecare {
namespace {

// MISSED_SESSIONS keys are this and the first day without a session.
constexpr absl::string_view kMissedSinceKeyPrefix = "since ";

std::string AreaLabel(v1::PainArea area) {
  switch (area) {
    case v1::PAIN_AREA_LOWER_BACK:
      return "lower-back";
    case v1::PAIN_AREA_HIP:
      return "hip";
    case v1::PAIN_AREA_KNEE:
      return "knee";
    default:
      return "unspecified";
  }
}

// Sum and count of the pain scores of one area on one day.
struct DayPain {
  int sum = 0;
  int count = 0;
  double mean() const { return static_cast<double>(sum) / count; }
};
using PainByDay = std::map<absl::CivilDay, DayPain>;

void PostExercisePain(const AlertInput& input,
                      std::vector<AlertCandidate>& out) {
  for (const v1::Session& s : input.sessions) {
    if (ExercisePainZone(s.pain_after()) != v1::PAIN_ZONE_UNACCEPTABLE)
      continue;
    out.push_back(
        {v1::ALERT_RULE_POST_EXERCISE_PAIN,
         s.name(),
         s.local_date(),
         absl::StrCat("Pain after the session on ", s.local_date(), " was ",
                      s.pain_after(), "/10 (", AreaLabel(s.pain_area()),
                      "), above ", kMaxAcceptableExercisePain,
                      ": the unacceptable zone."),
         {s.name()}});
  }
}

// Resting pain per area and day: check-ins and the pain just before each
// session. Pain right after exercising is left out: it is expected to rise
// and settle, and is not the next-morning pain that defines a flare.
std::map<int, PainByDay> RestingPain(const AlertInput& input) {
  std::map<int, PainByDay> resting;
  auto add = [&](absl::string_view date, v1::PainArea area, int score) {
    absl::StatusOr<absl::CivilDay> day = ParseDate(date, "");
    if (!day.ok()) return;
    DayPain& pain = resting[area][*day];
    pain.sum += score;
    ++pain.count;
  };
  for (const v1::Session& s : input.sessions) {
    add(s.local_date(), s.pain_area(), s.pain_before());
  }
  for (const v1::PainReport& r : input.pain_reports) {
    add(r.local_date(), r.area(), r.score());
  }
  return resting;
}

// Resting pain on the day after a session against the day before it; without
// data the day before, the pain just before the session stands in for it.
void Flares(const AlertInput& input, std::vector<AlertCandidate>& out) {
  const std::map<int, PainByDay> resting = RestingPain(input);
  const absl::CivilDay data_from =
      input.data_from.value_or(input.today - (kAlertWindowDays - 1));
  for (const v1::Session& s : input.sessions) {
    absl::StatusOr<absl::CivilDay> day = ParseDate(s.local_date(), "");
    if (!day.ok() || *day <= data_from) continue;
    const auto area = resting.find(s.pain_area());
    if (area == resting.end()) continue;
    const auto after = area->second.find(*day + 1);
    if (after == area->second.end()) continue;
    const auto before_day = area->second.find(*day - 1);
    const double before = before_day != area->second.end()
                              ? before_day->second.mean()
                              : s.pain_before();
    const double next = after->second.mean();
    if (next <= before || next - before <= kUsualPainRiseFraction * before) {
      continue;
    }
    out.push_back(
        {v1::ALERT_RULE_FLARE,
         absl::StrCat(AreaLabel(s.pain_area()), "@", FormatDate(*day)),
         FormatDate(*day + 1),
         absl::StrFormat(
             "Flare: %s pain on %s (%.1f) was higher than before "
             "the session on %s (%.1f); consider reducing the load.",
             AreaLabel(s.pain_area()), FormatDate(*day + 1), next,
             s.local_date(), before),
         {s.name()}});
  }
}

void PainAboveBaseline(const AlertInput& input,
                       const std::map<int, PainByDay>& pain_by_area,
                       std::vector<AlertCandidate>& out) {
  if (!input.baseline.has_value()) return;
  for (const auto& [area, days] : pain_by_area) {
    if (days.empty()) continue;
    const absl::CivilDay last = days.rbegin()->first;
    int sum = 0, count = 0;
    for (auto it = days.lower_bound(last - (kRollingDays - 1));
         it != days.end(); ++it) {
      sum += it->second.sum;
      count += it->second.count;
    }
    const double mean = static_cast<double>(sum) / count;
    if (mean < *input.baseline + kImportantChangePoints) continue;
    out.push_back(
        {v1::ALERT_RULE_PAIN_ABOVE_BASELINE,
         absl::StrCat(AreaLabel(static_cast<v1::PainArea>(area)), "@",
                      FormatDate(last)),
         FormatDate(last),
         absl::StrFormat("7-day mean %s pain on %s is %.1f, %.1f points above "
                         "the baseline of %d.",
                         AreaLabel(static_cast<v1::PainArea>(area)),
                         FormatDate(last), mean, mean - *input.baseline,
                         *input.baseline),
         {}});
  }
}

void MissedSessions(const AlertInput& input, std::vector<AlertCandidate>& out) {
  // The strictest alert setting among the programs active today, and the
  // earliest day any of them has been prescribing since.
  int alert_days = 0;
  std::optional<absl::CivilDay> active_since;
  for (const ProgramHistory& history : input.programs) {
    const v1::Program* program = RevisionOn(history, input.today);
    if (program == nullptr ||
        PrescribedSessionsOn(*program, input.today) <= 0) {
      continue;
    }
    const int days = program->missed_session_alert_days() > 0
                         ? program->missed_session_alert_days()
                         : kDefaultMissedSessionAlertDays;
    alert_days = alert_days == 0 ? days : std::min(alert_days, days);
    absl::StatusOr<absl::CivilDay> start = ParseDate(program->start_date(), "");
    if (start.ok() && (!active_since || *start < *active_since)) {
      active_since = *start;
    }
  }
  if (alert_days == 0 || !active_since.has_value()) return;
  // Whole days without a session before today (today is not over yet).
  const absl::CivilDay since = input.last_session_day.has_value() &&
                                       *input.last_session_day >= *active_since
                                   ? *input.last_session_day + 1
                                   : *active_since;
  const int missed = static_cast<int>(input.today - since);
  if (missed < alert_days) return;
  const std::string last =
      input.last_session_day.has_value()
          ? absl::StrCat("the last was on ",
                         FormatDate(*input.last_session_day))
          : "none since the program started";
  out.push_back({v1::ALERT_RULE_MISSED_SESSIONS,
                 absl::StrCat(kMissedSinceKeyPrefix, FormatDate(since)),
                 FormatDate(input.today - 1),
                 absl::StrCat("No session for ", missed, " days (", last,
                              "); the program alerts after ", alert_days, "."),
                 {}});
}

// Adherence in the week from `monday`, in whole prescribed sessions.
struct WeekAdherence {
  // Sessions the week prescribed, rounded; below 1 the week asks for none.
  double prescribed = 0;
  int completed = 0;
  // completed / prescribed, at most 100.
  double percent = 0;
};

WeekAdherence AdherenceInWeek(const AlertInput& input, absl::CivilDay monday) {
  AdherenceInput week{.start = monday, .end = monday + 6};
  week.programs = input.programs;
  week.sessions = input.sessions;
  const v1::AdherenceReport report = ComputeAdherence(week);
  WeekAdherence adherence{.prescribed = std::round(report.prescribed_sessions()),
                          .completed = report.completed_sessions()};
  if (adherence.prescribed >= 1) {
    adherence.percent =
        std::min(100.0, adherence.completed / adherence.prescribed * 100.0);
  }
  return adherence;
}

void LowAdherence(const AlertInput& input, std::vector<AlertCandidate>& out) {
  const absl::CivilDay monday = WeekStart(input.today) - 7;
  const WeekAdherence week = AdherenceInWeek(input, monday);
  if (week.prescribed < 1 || week.percent >= kLowAdherencePercent) return;
  out.push_back(
      {v1::ALERT_RULE_LOW_ADHERENCE,
       FormatDate(monday),
       FormatDate(monday + 6),
       absl::StrFormat("Adherence in the week of %s was %.0f%% (%d of %.0f "
                       "sessions), below %.0f%%.",
                       FormatDate(monday), week.percent, week.completed,
                       week.prescribed, kLowAdherencePercent),
       {}});
}

// The day a trigger key of MISSED_SESSIONS or LOW_ADHERENCE names.
std::optional<absl::CivilDay> KeyDay(absl::string_view key) {
  absl::ConsumePrefix(&key, kMissedSinceKeyPrefix);
  absl::StatusOr<absl::CivilDay> day = ParseDate(key, "");
  if (!day.ok()) return std::nullopt;
  return *day;
}

// Whether the days without a session counted from `since` have ended, and
// no later gap has grown long enough to fire the rule again (that one the
// store records on the same alert, as its latest event). The clearance names
// the first session on or after `since`.
std::optional<AlertClearance> MissedSessionsCleared(const AlertInput& input,
                                                    absl::CivilDay since) {
  if (!input.last_session_day.has_value() || *input.last_session_day < since) {
    return std::nullopt;
  }
  std::vector<AlertCandidate> still_missed;
  MissedSessions(input, still_missed);
  if (!still_missed.empty()) return std::nullopt;
  const std::string from = FormatDate(since);
  const v1::Session* first = nullptr;
  for (const v1::Session& s : input.sessions) {
    if (s.local_date() < from) continue;
    if (first == nullptr ||
        std::make_tuple(s.local_date(), s.perform_time().seconds(),
                        s.perform_time().nanos()) <
            std::make_tuple(first->local_date(),
                            first->perform_time().seconds(),
                            first->perform_time().nanos())) {
      first = &s;
    }
  }
  AlertClearance cleared;
  if (first != nullptr) {
    cleared.summary =
        absl::StrCat("A session on ", first->local_date(),
                     " ended the days without one counted from ", from, ".");
    cleared.evidence.push_back(first->name());
  } else {
    // The first one is older than the window: the last one shows it.
    cleared.summary = absl::StrCat(
        "The days without a session counted from ", from,
        " have ended; the last session was on ",
        FormatDate(*input.last_session_day), ".");
  }
  return cleared;
}

// Whether the last finished week, the alert's week (`monday`) or a later
// one, has reached kLowAdherencePercent. The clearance names its sessions.
std::optional<AlertClearance> LowAdherenceCleared(const AlertInput& input,
                                                  absl::CivilDay monday) {
  const absl::CivilDay last_week = WeekStart(input.today) - 7;
  if (last_week < monday) return std::nullopt;
  const WeekAdherence week = AdherenceInWeek(input, last_week);
  if (week.prescribed < 1 || week.percent < kLowAdherencePercent) {
    return std::nullopt;
  }
  AlertClearance cleared;
  cleared.summary = absl::StrFormat(
      "Adherence in the week of %s was %.0f%% (%d of %.0f sessions), at "
      "least %.0f%%.",
      FormatDate(last_week), week.percent, week.completed, week.prescribed,
      kLowAdherencePercent);
  const std::string first = FormatDate(last_week);
  const std::string last = FormatDate(last_week + 6);
  for (const v1::Session& s : input.sessions) {
    if (s.local_date() >= first && s.local_date() <= last) {
      cleared.evidence.push_back(s.name());
    }
  }
  return cleared;
}

}  // namespace

std::vector<AlertCandidate> EvaluateAlerts(const AlertInput& input) {
  std::map<int, PainByDay> pain_by_area;
  for (const PainScore& score :
       PainScoresOf(input.sessions, input.pain_reports)) {
    DayPain& day = pain_by_area[score.area][score.day];
    day.sum += score.score;
    ++day.count;
  }
  std::vector<AlertCandidate> candidates;
  PostExercisePain(input, candidates);
  Flares(input, candidates);
  PainAboveBaseline(input, pain_by_area, candidates);
  MissedSessions(input, candidates);
  LowAdherence(input, candidates);
  return candidates;
}

std::vector<AlertClearance> ClearedAlerts(
    const AlertInput& input, const std::vector<UnresolvedAlert>& unresolved) {
  std::vector<AlertClearance> cleared;
  for (const UnresolvedAlert& open : unresolved) {
    std::optional<absl::CivilDay> latest;
    for (const std::string& key : open.trigger_keys) {
      const std::optional<absl::CivilDay> day = KeyDay(key);
      if (day.has_value() && (!latest || *day > *latest)) latest = day;
    }
    if (!latest.has_value()) continue;
    std::optional<AlertClearance> clearance;
    switch (open.alert.rule()) {
      case v1::ALERT_RULE_MISSED_SESSIONS:
        clearance = MissedSessionsCleared(input, *latest);
        break;
      case v1::ALERT_RULE_LOW_ADHERENCE:
        clearance = LowAdherenceCleared(input, *latest);
        break;
      default:  // the pain rules never clear (see the header)
        break;
    }
    if (!clearance.has_value()) continue;
    clearance->alert = open.alert.name();
    clearance->trigger_keys_seen = open.trigger_keys.size();
    cleared.push_back(*std::move(clearance));
  }
  return cleared;
}

}  // namespace glutecare

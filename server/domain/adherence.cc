#include "server/domain/adherence.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "server/domain/calendar.h"

namespace glutecare {
namespace {

// Sums of floating-point sevenths are compared with this slack.
constexpr double kEpsilon = 1e-9;

double Percent(double done, double prescribed) {
  if (prescribed <= kEpsilon) return 0;
  return std::min(100.0, done / prescribed * 100.0);
}

bool InProgramDates(const v1::Program& program, absl::CivilDay day) {
  absl::StatusOr<absl::CivilDay> start = ParseDate(program.start_date(), "");
  if (!start.ok() || day < *start) return false;
  if (program.end_date().empty()) return true;
  absl::StatusOr<absl::CivilDay> end = ParseDate(program.end_date(), "");
  return end.ok() && day <= *end;
}

double SessionsPrescribedOnDay(const std::vector<ProgramHistory>& programs,
                               absl::CivilDay day) {
  double total = 0;
  for (const ProgramHistory& history : programs) {
    if (const v1::Program* revision = RevisionOn(history, day)) {
      total += PrescribedSessionsOn(*revision, day);
    }
  }
  return total;
}

}  // namespace

std::vector<ProgramHistory> ProgramHistories(
    const std::vector<std::vector<v1::Program>>& programs,
    absl::TimeZone zone) {
  std::vector<ProgramHistory> histories;
  histories.reserve(programs.size());
  for (const std::vector<v1::Program>& revisions : programs) {
    ProgramHistory& history = histories.emplace_back();
    for (const v1::Program& revision : revisions) {
      const auto& made = revision.revision_create_time();
      history.push_back(
          {LocalDay(absl::FromUnixSeconds(made.seconds()), zone), revision});
    }
  }
  return histories;
}

const v1::Program* RevisionOn(const ProgramHistory& history,
                              absl::CivilDay day) {
  const v1::Program* in_force = nullptr;
  for (size_t i = 0; i < history.size(); ++i) {
    if (i == 0 || history[i].from <= day) in_force = &history[i].revision;
  }
  return in_force;
}

double PrescribedSessionsOn(const v1::Program& program, absl::CivilDay day) {
  if (program.status() != v1::PROGRAM_STATUS_ACTIVE ||
      !InProgramDates(program, day)) {
    return 0;
  }
  int32_t per_week = 0;
  for (const v1::Prescription& p : program.prescriptions()) {
    per_week = std::max(per_week, p.sessions_per_week());
  }
  return per_week / 7.0;
}

int64_t Volume(int32_t sets, int32_t reps, int32_t hold_seconds) {
  return int64_t{sets} * (hold_seconds > 0 ? hold_seconds : reps);
}

absl::CivilDay WeekStart(absl::CivilDay day) {
  const int offset = (static_cast<int>(absl::GetWeekday(day)) -
                      static_cast<int>(absl::Weekday::monday) + 7) %
                     7;
  return day - offset;
}

v1::AdherenceReport ComputeAdherence(const AdherenceInput& input) {
  v1::AdherenceReport report;
  report.set_start_date(FormatDate(input.start));
  report.set_end_date(FormatDate(input.end));

  // Sessions done per day, and volume per exercise, within the range.
  absl::flat_hash_map<absl::CivilDay, int> done_on_day;
  absl::flat_hash_map<std::string, int64_t> done_volume;
  absl::flat_hash_set<absl::CivilDay> data_days;
  for (const v1::Session& session : input.sessions) {
    absl::StatusOr<absl::CivilDay> day = ParseDate(session.local_date(), "");
    if (!day.ok() || *day < input.start || *day > input.end) continue;
    ++done_on_day[*day];
    data_days.insert(*day);
    for (const v1::PerformedExercise& e : session.exercises()) {
      done_volume[e.exercise()] += Volume(e.sets(), e.reps(), e.hold_seconds());
    }
  }
  for (absl::CivilDay day : input.pain_report_days) {
    if (day >= input.start && day <= input.end) data_days.insert(day);
  }
  report.set_data_days(static_cast<int32_t>(data_days.size()));

  // Prescribed sessions and volume, day by day, week by week.
  std::vector<std::string> exercise_order;
  absl::flat_hash_map<std::string, double> prescribed_volume;
  double prescribed_total = 0;
  int completed_total = 0;
  v1::WeeklyAdherence* week = nullptr;
  for (absl::CivilDay day = input.start; day <= input.end; ++day) {
    const std::string week_start = FormatDate(WeekStart(day));
    if (week == nullptr || week->week_start_date() != week_start) {
      week = report.add_weeks();
      week->set_week_start_date(week_start);
    }
    week->set_days_in_range(week->days_in_range() + 1);
    const auto done = done_on_day.find(day);
    const int completed = done == done_on_day.end() ? 0 : done->second;
    week->set_completed_sessions(week->completed_sessions() + completed);
    completed_total += completed;

    for (const ProgramHistory& history : input.programs) {
      const v1::Program* revision = RevisionOn(history, day);
      if (revision == nullptr) continue;
      const double sessions = PrescribedSessionsOn(*revision, day);
      if (sessions <= 0) continue;
      week->set_prescribed_sessions(week->prescribed_sessions() + sessions);
      prescribed_total += sessions;
      for (const v1::Prescription& p : revision->prescriptions()) {
        auto [it, inserted] = prescribed_volume.try_emplace(p.exercise(), 0.0);
        if (inserted) exercise_order.push_back(p.exercise());
        it->second += Volume(p.sets(), p.reps(), p.hold_seconds()) *
                      p.sessions_per_week() / 7.0;
      }
    }
  }
  for (v1::WeeklyAdherence& w : *report.mutable_weeks()) {
    w.set_adherence_percent(
        Percent(w.completed_sessions(), w.prescribed_sessions()));
  }
  report.set_prescribed_sessions(prescribed_total);
  report.set_completed_sessions(completed_total);
  report.set_adherence_percent(Percent(completed_total, prescribed_total));

  // Exercises done but never prescribed in the range still show, last.
  for (const v1::Session& session : input.sessions) {
    for (const v1::PerformedExercise& e : session.exercises()) {
      if (prescribed_volume.try_emplace(e.exercise(), 0.0).second) {
        exercise_order.push_back(e.exercise());
      }
    }
  }
  for (const std::string& exercise : exercise_order) {
    v1::ExerciseCompletion* completion = report.add_exercises();
    completion->set_exercise(exercise);
    completion->set_prescribed_volume(prescribed_volume[exercise]);
    const auto done = done_volume.find(exercise);
    completion->set_completed_volume(done == done_volume.end() ? 0
                                                               : done->second);
    completion->set_completion_percent(Percent(
        completion->completed_volume(), completion->prescribed_volume()));
  }

  // Days since the last session, and the weekly streak, from the history.
  absl::flat_hash_map<absl::CivilDay, int> sessions_in_week;
  absl::CivilDay last_session;
  bool any_session = false;
  for (absl::CivilDay day : input.session_days) {
    if (day > input.end) continue;
    ++sessions_in_week[WeekStart(day)];
    if (!any_session || day > last_session) last_session = day;
    any_session = true;
  }
  if (any_session) {
    report.set_days_since_last_session(
        static_cast<int32_t>(input.end - last_session));
  }
  int streak = 0;
  const absl::CivilDay current_week = WeekStart(input.end);
  for (int back = 0; back < kMaxStreakWeeks; ++back) {
    const absl::CivilDay monday = current_week - 7 * back;
    // The whole week's prescription, so a week in progress must be fully
    // met before it counts.
    double prescribed = 0;
    for (absl::CivilDay day = monday; day <= monday + 6; ++day) {
      prescribed += SessionsPrescribedOnDay(input.programs, day);
    }
    // Partial weeks prescribe fractions; a week asks for its prescription
    // rounded to whole sessions. A week that asks for none (paused, not
    // started) neither counts nor breaks the streak.
    const double required = std::round(prescribed);
    if (required < 1) continue;
    const auto found = sessions_in_week.find(monday);
    const int done = found == sessions_in_week.end() ? 0 : found->second;
    if (done >= required) {
      ++streak;
    } else if (back > 0) {
      break;
    }
  }
  report.set_current_streak_weeks(streak);
  return report;
}

}  // namespace glutecare

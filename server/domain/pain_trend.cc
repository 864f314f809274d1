#include "server/domain/pain_trend.h"

#include <map>

#include "server/domain/calendar.h"
#include "server/domain/pain_rules.h"

namespace glutecare {
namespace {

// Sum and count of the scores of one day.
struct DayTotal {
  int sum = 0;
  int count = 0;
};

double MeanOver(const std::map<absl::CivilDay, DayTotal>& days,
                absl::CivilDay first, absl::CivilDay last) {
  int sum = 0, count = 0;
  for (auto it = days.lower_bound(first); it != days.end() && it->first <= last;
       ++it) {
    sum += it->second.sum;
    count += it->second.count;
  }
  return count == 0 ? 0.0 : static_cast<double>(sum) / count;
}

}  // namespace

std::vector<PainScore> PainScoresOf(
    const std::vector<v1::Session>& sessions,
    const std::vector<v1::PainReport>& reports) {
  std::vector<PainScore> scores;
  scores.reserve(2 * sessions.size() + reports.size());
  for (const v1::Session& session : sessions) {
    absl::StatusOr<absl::CivilDay> day = ParseDate(session.local_date(), "");
    if (!day.ok()) continue;
    scores.push_back({*day, session.pain_area(), session.pain_before()});
    scores.push_back({*day, session.pain_area(), session.pain_after()});
  }
  for (const v1::PainReport& report : reports) {
    absl::StatusOr<absl::CivilDay> day = ParseDate(report.local_date(), "");
    if (!day.ok()) continue;
    scores.push_back({*day, report.area(), report.score()});
  }
  return scores;
}

v1::PainTrendReport ComputePainTrend(const PainTrendInput& input) {
  v1::PainTrendReport report;
  report.set_start_date(FormatDate(input.start));
  report.set_end_date(FormatDate(input.end));

  // Per area (in PainArea order), per day (ordered).
  std::map<int, std::map<absl::CivilDay, DayTotal>> by_area;
  for (const PainScore& s : input.scores) {
    if (s.day < input.start - (kRollingDays - 1) || s.day > input.end) continue;
    DayTotal& total = by_area[s.area][s.day];
    total.sum += s.score;
    ++total.count;
  }

  for (const auto& [area, days] : by_area) {
    auto first_in_range = days.lower_bound(input.start);
    if (first_in_range == days.end()) continue;  // only look-back data
    v1::AreaPainTrend* trend = report.add_areas();
    trend->set_area(static_cast<v1::PainArea>(area));
    for (auto it = first_in_range; it != days.end(); ++it) {
      v1::DailyPain* daily = trend->add_days();
      daily->set_date(FormatDate(it->first));
      daily->set_mean(static_cast<double>(it->second.sum) / it->second.count);
      daily->set_reports(it->second.count);
      daily->set_rolling_7_day_mean(
          MeanOver(days, it->first - (kRollingDays - 1), it->first));
    }
    const double latest = trend->days().rbegin()->rolling_7_day_mean();
    if (input.baseline.has_value()) {
      *trend->mutable_change_from_baseline() =
          MakePainChange(*input.baseline, latest);
    }
    const absl::CivilDay week_start = first_in_range->first;
    *trend->mutable_change_from_first_week() = MakePainChange(
        MeanOver(days, week_start, week_start + (kRollingDays - 1)), latest);
  }

  for (int pain : input.post_exercise_pain) {
    switch (ExercisePainZone(pain)) {
      case v1::PAIN_ZONE_SAFE:
        report.set_sessions_safe(report.sessions_safe() + 1);
        break;
      case v1::PAIN_ZONE_ACCEPTABLE:
        report.set_sessions_acceptable(report.sessions_acceptable() + 1);
        break;
      default:
        report.set_sessions_unacceptable(report.sessions_unacceptable() + 1);
        break;
    }
  }
  return report;
}

}  // namespace glutecare

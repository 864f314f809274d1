#include "server/domain/patient_status.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"

namespace glutecare {

v1::PatientStatus ComputePatientStatus(const StatusInput& input) {
  v1::PatientStatus status;
  status.set_patient(input.patient.name());
  status.set_display_name(input.patient.display_name());
  status.set_therapist(input.patient.therapist());
  status.set_unresolved_alerts(input.unresolved_alerts);
  status.set_adherence_percent(input.adherence.adherence_percent());
  status.set_prescribed_sessions(input.adherence.prescribed_sessions());
  if (input.adherence.has_days_since_last_session()) {
    status.set_days_since_last_session(
        input.adherence.days_since_last_session());
  }

  // The area that hurts most, by its latest 7-day mean.
  const v1::AreaPainTrend* worst = nullptr;
  for (const v1::AreaPainTrend& area : input.pain.areas()) {
    if (area.days().empty()) continue;
    if (worst == nullptr || area.days().rbegin()->rolling_7_day_mean() >
                                worst->days().rbegin()->rolling_7_day_mean()) {
      worst = &area;
    }
  }
  if (worst != nullptr) {
    status.set_pain_7_day_mean(worst->days().rbegin()->rolling_7_day_mean());
    if (worst->has_change_from_baseline()) {
      *status.mutable_pain_change_from_baseline() =
          worst->change_from_baseline();
    }
  }

  // The parts of the score, largest first in the reasons.
  std::vector<std::pair<double, std::string>> parts;
  if (input.unresolved_alerts > 0) {
    parts.push_back(
        {kAttentionPerAlert * input.unresolved_alerts,
         absl::StrFormat("%d unresolved alert%s", input.unresolved_alerts,
                         input.unresolved_alerts == 1 ? "" : "s")});
  }
  if (input.adherence.prescribed_sessions() >= 1) {
    const double missing = 100.0 - input.adherence.adherence_percent();
    if (missing > 0) {
      parts.push_back({kAttentionForNoAdherence * missing / 100.0,
                       absl::StrFormat("adherence %.0f%% over 28 days",
                                       input.adherence.adherence_percent())});
    }
  }
  if (status.has_pain_change_from_baseline() &&
      status.pain_change_from_baseline().points() > 0) {
    const double points = status.pain_change_from_baseline().points();
    parts.push_back(
        {kAttentionPerPainPoint * points,
         absl::StrFormat("pain %.1f points above baseline", points)});
  }
  if (status.has_days_since_last_session() &&
      status.prescribed_sessions() >= 1 &&
      status.days_since_last_session() > kGraceDaysWithoutSession) {
    const int days = status.days_since_last_session();
    parts.push_back(
        {std::min(kMaxAttentionForMissedDays,
                  static_cast<double>(days - kGraceDaysWithoutSession)),
         absl::StrFormat("%d days since the last session", days)});
  }
  std::stable_sort(
      parts.begin(), parts.end(),
      [](const auto& a, const auto& b) { return a.first > b.first; });
  double score = 0;
  for (auto& [points, reason] : parts) {
    score += points;
    status.add_reasons(std::move(reason));
  }
  status.set_attention_score(score);
  return status;
}

}  // namespace glutecare

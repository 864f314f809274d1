#include "server/domain/outcomes/latest_scores.h"

#include <map>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "server/domain/calendar.h"

namespace glutecare::outcomes {
namespace {

v1::OutcomeScoreSummary Summarise(const v1::OutcomeResponse& latest,
                                  const v1::OutcomeResponse* intake) {
  v1::OutcomeScoreSummary summary;
  summary.set_measure(latest.measure());
  summary.set_response(latest.name());
  summary.set_local_date(latest.local_date());
  summary.set_score(latest.score());
  summary.set_band(latest.band());
  summary.set_intake(latest.intake());
  if (latest.intake()) {
    summary.set_intake_response(latest.name());
    summary.set_intake_score(latest.score());
    summary.set_intake_date(latest.local_date());
    return summary;
  }
  summary.set_intake_response(latest.intake_response());
  if (intake != nullptr) {
    summary.set_intake_score(intake->score());
    summary.set_intake_date(intake->local_date());
  } else {
    summary.set_intake_score(latest.score() - latest.change_since_intake());
  }
  summary.set_change_since_intake(latest.change_since_intake());
  summary.set_improvement(latest.improvement());
  summary.set_important_change(latest.important_change());
  return summary;
}

}  // namespace

google::protobuf::RepeatedPtrField<v1::OutcomeScoreSummary> LatestOutcomeScores(
    const std::vector<v1::OutcomeResponse>& responses,
    absl::CivilDay last_day) {
  // `YYYY-MM-DD` strings order as the days do.
  const std::string last_date = FormatDate(last_day);
  absl::flat_hash_map<std::string, const v1::OutcomeResponse*> by_name;
  // Ordered by measure, for the output's order.
  std::map<v1::OutcomeMeasure, const v1::OutcomeResponse*> latest;
  for (const v1::OutcomeResponse& response : responses) {
    by_name[response.name()] = &response;
    if (response.local_date() > last_date) continue;
    const v1::OutcomeResponse*& best = latest[response.measure()];
    if (best == nullptr || response.local_date() >= best->local_date()) {
      best = &response;
    }
  }
  google::protobuf::RepeatedPtrField<v1::OutcomeScoreSummary> summaries;
  for (const auto& [measure, response] : latest) {
    auto intake = by_name.find(response->intake_response());
    *summaries.Add() = Summarise(
        *response, intake == by_name.end() ? nullptr : intake->second);
  }
  return summaries;
}

}  // namespace glutecare::outcomes

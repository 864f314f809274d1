#include "server/domain/alert_plan.h"

#include <map>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/common/status.h"
#include "server/domain/plan_work.h"

namespace glutecare {

AlertPlan PlanAlerts(const PatientName& patient, const TherapistName& therapist,
                     const StoredAlerts& stored,
                     const std::vector<AlertCandidate>& candidates,
                     const google::protobuf::Timestamp& now,
                     absl::FunctionRef<std::string()> new_id) {
  // Every alert the plan may change: the stored unresolved ones first, then
  // the new ones, so that a later candidate sees what an earlier one did.
  PlanWork<v1::Alert> work(stored.unresolved);
  // The unresolved alert of `work` that `matches`, if any.
  auto find_unresolved = [&work](auto matches) -> std::optional<size_t> {
    for (size_t i = 0; i < work.size(); ++i) {
      if (work[i].state() != v1::ALERT_STATE_RESOLVED && matches(work[i])) {
        return i;
      }
    }
    return std::nullopt;
  };
  // The alert each recorded (rule, trigger_key) went to, by name.
  std::map<std::pair<int, std::string>, std::string> recorded;
  for (const AlertTrigger& trigger : stored.triggers) {
    recorded.emplace(std::make_pair(trigger.rule, trigger.trigger_key),
                     trigger.alert);
  }
  // The last candidate of each rule is its latest event.
  std::map<int, size_t> last_of_rule;
  for (size_t i = 0; i < candidates.size(); ++i) {
    last_of_rule[candidates[i].rule] = i;
  }

  AlertPlan plan;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const AlertCandidate& candidate = candidates[i];
    auto seen = recorded.find(std::make_pair(candidate.rule,
                                             candidate.trigger_key));
    if (seen != recorded.end()) {
      // The rule's latest event again: while its alert is unresolved, the
      // alert tells the event's latest numbers.
      if (last_of_rule[candidate.rule] != i) continue;
      const std::optional<size_t> at = find_unresolved(
          [&](const v1::Alert& alert) { return alert.name() == seen->second; });
      if (!at.has_value()) continue;
      v1::Alert& alert = work[*at];
      if (alert.summary() == candidate.summary &&
          alert.local_date() == candidate.local_date) {
        continue;
      }
      alert.set_summary(candidate.summary);
      alert.set_local_date(candidate.local_date);
      work.MarkChanged(*at);
      continue;
    }

    std::optional<size_t> at = find_unresolved(
        [&](const v1::Alert& alert) { return alert.rule() == candidate.rule; });
    if (at.has_value()) {
      // The same rule again while the therapist is on it: one alert, more
      // evidence, and the summary of the latest event.
      v1::Alert& alert = work[*at];
      for (const std::string& evidence : candidate.evidence) {
        alert.add_evidence(evidence);
      }
      alert.set_summary(candidate.summary);
      alert.set_local_date(candidate.local_date);
      work.MarkChanged(*at);
    } else {
      at = work.size();
      v1::Alert& alert = work.Add();
      alert.set_name(
          AlertName{patient.clinic, patient.patient, new_id()}.ToString());
      alert.set_rule(candidate.rule);
      alert.set_state(v1::ALERT_STATE_OPEN);
      alert.set_summary(candidate.summary);
      alert.set_local_date(candidate.local_date);
      for (const std::string& evidence : candidate.evidence) {
        alert.add_evidence(evidence);
      }
      alert.set_therapist(therapist.ToString());
      *alert.mutable_create_time() = now;
      *alert.mutable_update_time() = now;
    }
    const std::string& name = work[*at].name();
    plan.triggers.push_back({.rule = candidate.rule,
                             .trigger_key = candidate.trigger_key,
                             .alert = name});
    recorded.emplace(std::make_pair(candidate.rule, candidate.trigger_key),
                     name);
  }

  std::move(work).Split(&plan.inserts, &plan.updates);
  return plan;
}

std::vector<v1::Alert> ResolveCleared(
    const std::vector<CountedAlert>& stored,
    const std::vector<AlertClearance>& clearances,
    const google::protobuf::Timestamp& now) {
  absl::flat_hash_map<std::string, CountedAlert> by_name;
  for (const CountedAlert& counted : stored) {
    by_name.emplace(counted.alert.name(), counted);
  }
  std::vector<v1::Alert> resolved;
  for (const AlertClearance& clearance : clearances) {
    auto found = by_name.find(clearance.alert);
    if (found == by_name.end()) continue;
    v1::Alert& alert = found->second.alert;
    // A therapist resolved it meanwhile: theirs stands.
    if (alert.state() == v1::ALERT_STATE_RESOLVED) continue;
    // Another evaluation recorded an event on it since the decision.
    if (found->second.trigger_keys != clearance.trigger_keys_seen) continue;
    alert.set_state(v1::ALERT_STATE_RESOLVED);
    alert.set_resolution(v1::ALERT_RESOLUTION_CONDITION_CLEARED);
    alert.set_resolution_summary(clearance.summary);
    alert.mutable_resolution_evidence()->Assign(clearance.evidence.begin(),
                                                clearance.evidence.end());
    *alert.mutable_update_time() = now;
    resolved.push_back(alert);
  }
  return resolved;
}

absl::StatusOr<std::optional<v1::Alert>> MovedByTherapist(
    const v1::Alert& alert, v1::AlertState state,
    const google::protobuf::Timestamp& now) {
  if (alert.state() == state) return std::nullopt;
  if (alert.state() == v1::ALERT_STATE_RESOLVED) {
    return WithReason(
        absl::FailedPreconditionError(absl::StrCat(
            alert.name(), " is resolved; a resolved alert stays resolved")),
        reason::kAlertResolved);
  }
  v1::Alert moved = alert;
  moved.set_state(state);
  if (state == v1::ALERT_STATE_RESOLVED) {
    moved.set_resolution(v1::ALERT_RESOLUTION_THERAPIST);
  }
  *moved.mutable_update_time() = now;
  return moved;
}

}  // namespace glutecare

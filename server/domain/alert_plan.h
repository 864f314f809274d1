// How stored alerts change: the rules a Store applies inside its write
// transactions, as pure functions of what the transaction read. Every backend
// reads what a function names, calls it, and writes what it returns, so the
// rules live here once and not in each backend's SQL.
//
//   StoredAlerts stored = ...;  // read in the write transaction
//   AlertPlan plan = PlanAlerts(patient, therapist, stored, candidates, now,
//                               GenerateResourceId);
//   ... update plan.updates, insert plan.inserts, then plan.triggers ...
#ifndef GLUTECARE_SERVER_DOMAIN_ALERT_PLAN_H_
#define GLUTECARE_SERVER_DOMAIN_ALERT_PLAN_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "glutecare/v1/alert.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "server/domain/alert_rules.h"
#include "server/domain/resource_names.h"

namespace glutecare {

// An event a rule fired on, recorded on the alert it raised or joined, so
// that the same event never raises twice.
struct AlertTrigger {
  v1::AlertRule rule;
  std::string trigger_key;
  // The alert's resource name.
  std::string alert;
};

// What PlanAlerts needs to know about one patient's stored alerts, read in
// the transaction that writes the plan.
struct StoredAlerts {
  // The patient's unresolved (open or acknowledged) alerts, at most one per
  // rule; those of rules that no candidate has may be left out.
  std::vector<v1::Alert> unresolved;
  // The recorded triggers of the candidates' (rule, trigger_key) pairs; a
  // pair never recorded has none.
  std::vector<AlertTrigger> triggers;
};

// The writes that record what the alert rules found.
struct AlertPlan {
  // New alerts, in the order the candidates made them and in their final
  // state (a later candidate of the same rule may have joined one).
  std::vector<v1::Alert> inserts;
  // Stored alerts that change, whole, by name, once each.
  std::vector<v1::Alert> updates;
  // Triggers to record, in candidate order, each naming an alert of
  // `inserts` or of `StoredAlerts::unresolved`.
  std::vector<AlertTrigger> triggers;
};

// Records what EvaluateAlerts found for `patient`, whose current therapist
// is `therapist`, at `now`, candidate by candidate in the order given, each
// seeing what the earlier ones did:
// - one whose (rule, trigger_key) was recorded before changes nothing, unless
//   it is the last candidate of its rule (the rule's latest event) and the
//   alert it was recorded on is unresolved: that alert then takes the
//   candidate's summary and local_date (the numbers moved: a longer gap, a
//   late-delivered session);
// - one whose rule has an unresolved alert adds its evidence to that alert,
//   which takes its summary and local_date;
// - any other becomes a new OPEN alert named with `new_id()`, for
//   `therapist`, with create_time and update_time `now`.
// Every candidate but the first kind records its (rule, trigger_key) on the
// alert it raised or joined. Changing an alert leaves its update_time (the
// state's) as it was.
AlertPlan PlanAlerts(const PatientName& patient, const TherapistName& therapist,
                     const StoredAlerts& stored,
                     const std::vector<AlertCandidate>& candidates,
                     const google::protobuf::Timestamp& now,
                     absl::FunctionRef<std::string()> new_id);

// An alert as stored, with how many trigger keys are recorded on it.
struct CountedAlert {
  v1::Alert alert;
  size_t trigger_keys = 0;
};

// The alerts `clearances` resolve at `now`, in the order given, whole: each
// RESOLVED with resolution ALERT_RESOLUTION_CONDITION_CLEARED, the
// clearance's summary and evidence, and update_time `now`. An alert resolved
// meanwhile (by a therapist, or by an earlier clearance of the list), or with
// another number of trigger keys than the clearance saw (an event the
// decision missed), is left as it is.
// REQUIRES: `stored` holds, by name, every alert `clearances` names.
std::vector<v1::Alert> ResolveCleared(
    const std::vector<CountedAlert>& stored,
    const std::vector<AlertClearance>& clearances,
    const google::protobuf::Timestamp& now);

// A therapist moving `alert` to `state` (ACKNOWLEDGED or RESOLVED) at `now`:
// nothing (nullopt) if it is in `state` already, so resolving again changes
// nothing; FAILED_PRECONDITION if it is resolved, as a resolved alert stays
// resolved; else the alert in `state` with update_time `now`, and resolution
// ALERT_RESOLUTION_THERAPIST when `state` is RESOLVED.
absl::StatusOr<std::optional<v1::Alert>> MovedByTherapist(
    const v1::Alert& alert, v1::AlertState state,
    const google::protobuf::Timestamp& now);

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_DOMAIN_ALERT_PLAN_H_

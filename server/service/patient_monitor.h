// Keeps what therapists see about a patient current: runs the alert rules
// (domain/alert_rules.h) and the progression rules (domain/progression.h)
// against the stored data, records what fires, tells alert watchers, and
// recomputes the patient's dashboard status (domain/patient_status.h).
//
// Called after every write that can change those (a session, a check-in, a
// program change, an alert or suggestion decision) and by the periodic sweep,
// for what changes with time alone (missed sessions, adherence windows).
#ifndef GLUTECARE_SERVER_SERVICE_PATIENT_MONITOR_H_
#define GLUTECARE_SERVER_SERVICE_PATIENT_MONITOR_H_

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/domain/exercise_catalog.h"
#include "server/domain/resource_names.h"
#include "server/service/alert_hub.h"
#include "server/storage/store.h"

namespace glutecare {

// Thread-safe (the store serialises the writes).
class PatientMonitor final {
 public:
  // The arguments must outlive the monitor.
  PatientMonitor(Store& store, AlertHub& hub, const ExerciseCatalog& catalog)
      : store_(store), hub_(hub), catalog_(catalog) {}

  // Evaluates every rule for `patient` as of `now` and refreshes its status.
  absl::Status EvaluatePatient(const PatientName& patient, absl::Time now);

  // Like EvaluatePatient, but a failure is only logged: for callers whose own
  // write has succeeded and must be acknowledged whatever happens here (the
  // next write or sweep catches up).
  void EvaluatePatientAfterWrite(const PatientName& patient, absl::Time now);

  // Evaluates every patient of every clinic, until `stop` returns true
  // (checked between patients, so a shutdown does not wait for a whole
  // sweep). Keeps going past a patient that fails and returns the first
  // error.
  absl::Status EvaluateAll(
      absl::Time now, absl::FunctionRef<bool()> stop = [] { return false; });

 private:
  Store& store_;
  AlertHub& hub_;
  const ExerciseCatalog& catalog_;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_PATIENT_MONITOR_H_

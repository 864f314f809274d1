// Runs the alert rules (domain/alert_rules.h) for a patient against the
// stored data, records what fires, and tells watchers. Called after every
// session or pain check-in is stored, and by the periodic sweep for the rules
// that fire without new data (missed sessions, low adherence).
#ifndef GLUTECARE_SERVER_SERVICE_ALERT_ENGINE_H_
#define GLUTECARE_SERVER_SERVICE_ALERT_ENGINE_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/domain/resource_names.h"
#include "server/service/alert_hub.h"
#include "server/storage/store.h"

namespace glutecare {

// Thread-safe (the store serialises the writes).
class AlertEngine final {
 public:
  // `store` and `hub` must outlive the engine.
  AlertEngine(Store& store, AlertHub& hub) : store_(store), hub_(hub) {}

  // Evaluates every rule for `patient` as of `now`.
  absl::Status EvaluatePatient(const PatientName& patient, absl::Time now);

  // Evaluates every patient of every clinic. Keeps going past a patient that
  // fails and returns the first error.
  absl::Status EvaluateAll(absl::Time now);

 private:
  Store& store_;
  AlertHub& hub_;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_ALERT_ENGINE_H_

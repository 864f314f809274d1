// Keeps what therapists see about a patient current: runs the alert rules
// (domain/alert_rules.h) and the progression rules (domain/progression.h)
// against the stored data, records what fires, tells alert watchers, and
// recomputes the patient's dashboard status (domain/patient_status.h, with
// the latest outcome scores of domain/outcomes/latest_scores.h).
//
// Scheduled after every write that can change those (a session, a check-in,
// an outcome response, a program change, an alert or suggestion decision)
// and run by the periodic sweep, for what changes with time alone (missed
// sessions, adherence windows).
//
// After a write the evaluation runs off the request path, on the monitor's
// own threads: the write's reply waits for its own commit only, and a patient
// written to again before the evaluation starts is evaluated once. Every
// evaluation of one patient, the sweep's too, takes the patient's turn: at
// most one runs at a time, and a request that comes while one runs makes
// exactly one more run after it (the rules read, then record, so two at once
// could record from a read that the other has overtaken). Reads of
// what the monitor derives (alerts, suggestions, dashboard statuses) call
// Flush first, so they still see every write answered before them. At most
// kMaxBacklog evaluations wait: beyond that, Schedule waits for room, so
// under overload the writers slow down rather than the derived data falling
// ever further behind (and Flush, and a shutdown, stay short).
#ifndef GLUTECARE_SERVER_APP_PATIENT_MONITOR_H_
#define GLUTECARE_SERVER_APP_PATIENT_MONITOR_H_

#include <cstdint>
#include <functional>
#include <set>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/app/alert_hub.h"
#include "server/common/executor.h"
#include "server/domain/exercise_catalog.h"
#include "server/domain/resource_names.h"
#include "server/storage/store.h"

namespace glutecare {

// Thread-safe.
class PatientMonitor final {
 public:
  static constexpr size_t kMaxBacklog = 256;
  static constexpr int kDefaultThreads = 16;

  struct Options {
    // Threads that run the evaluations scheduled after writes. An evaluation
    // that records what fired waits on a commit or two, so more threads let
    // more of them share each group commit: 16 instead of 4 took the alert
    // lag at about 1,000 submissions/s from p50 3.3 s to 1.2 s
    // (docs/PERFORMANCE.md, issue 16).
    int threads = kDefaultThreads;
    // When set, called on the evaluating thread as each evaluation of a
    // patient starts and as it ends, outside the monitor's lock: for tests
    // that hold an evaluation or count the ones running at once.
    std::function<void(const PatientName&)> on_evaluation_start;
    std::function<void(const PatientName&)> on_evaluation_end;
  };

  // The arguments must outlive the monitor.
  PatientMonitor(Store& store, AlertHub& hub, const ExerciseCatalog& catalog,
                 Options options);
  // Shuts down (see Shutdown).
  ~PatientMonitor();

  // Evaluates every rule for `patient` as of `now` and refreshes its status,
  // on the calling thread, when no evaluation of the patient is queued or
  // running. Otherwise leaves it to the queued one, or asks the running one
  // for one more run after it (as Schedule does), and returns OK at once:
  // that run's error is logged, not returned.
  absl::Status EvaluatePatient(const PatientName& patient, absl::Time now);

  // Schedules an evaluation of `patient` as of when it runs, for a caller
  // whose own write has committed. Never fails the caller: a failed
  // evaluation is logged, and the next write or sweep catches up.
  void Schedule(const PatientName& patient);

  // Waits until every evaluation scheduled before the call has finished.
  void Flush();

  // Stops: evaluations not yet started are dropped, and so are later ones
  // (the sweep at the next start evaluates every patient). Idempotent.
  void Shutdown();

  // Evaluates every patient of every clinic (EvaluatePatient), until `stop`
  // returns true (checked between patients, so a shutdown does not wait for
  // a whole sweep). Keeps going past a patient that fails and returns the
  // first error.
  absl::Status EvaluateAll(
      absl::Time now, absl::FunctionRef<bool()> stop = [] { return false; });

 private:
  // A patient's evaluation queued or running: its place in the order of
  // scheduling, and whether another is due once the running one ends. The
  // patient has an entry in pending_ exactly while one is queued or running.
  struct Pending {
    // 0 for EvaluatePatient's own, which Flush does not wait for.
    int64_t position;
    bool running = false;
    // Set while running: the position of the evaluation due after it.
    int64_t rerun_position = 0;
  };

  // The rules, with the start and end hooks around them. REQUIRES: the
  // caller holds the patient's turn (its entry in pending_ is running).
  absl::Status Evaluate(const PatientName& patient, absl::Time now);
  absl::Status EvaluateRules(const PatientName& patient, absl::Time now);
  // When an evaluation of `key` is queued or running, makes sure one starts
  // after this call (none more while one is queued; one more after the
  // running one) and returns true; else returns false and does nothing.
  bool JoinPendingLocked(const std::string& key)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // On the executor: the evaluation queued for `patient`.
  void Run(const PatientName& patient);
  // The running evaluation of `patient` has ended: queues the one due after
  // it, if any.
  void EndRunLocked(const PatientName& patient)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Removes `position` from the outstanding ones.
  void Done(int64_t position) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Store& store_;
  AlertHub& hub_;
  const ExerciseCatalog& catalog_;
  const Options options_;

  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Pending> pending_ ABSL_GUARDED_BY(mu_);
  // Positions scheduled and not yet finished, and the last one handed out.
  std::set<int64_t> outstanding_ ABSL_GUARDED_BY(mu_);
  int64_t last_position_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Declared last: its threads stop before the members above go.
  Executor executor_;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_APP_PATIENT_MONITOR_H_

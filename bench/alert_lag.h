// The alert lag of issue 16: how long after a submission's OK the alert it
// raises arrives on a WatchAlerts stream.
//
// One high-pain session (pain after 8 of 10, over the limit of 5) per
// patient, submitted open-loop at `rate` per second, each by the patient's
// own token; one WatchAlerts stream of the clinic, by a therapist, started
// after the clinic's newest alert. Every patient's unresolved post-exercise
// pain alert is resolved first, so that each session raises an alert of its
// own instead of joining one.
//
//   absl::StatusOr<AlertLag> lag = MeasureAlertLag(channel, dataset,
//                                                  {.rate = 1300});
//   lag->result.Percentile(99)  // ms
#ifndef GLUTECARE_BENCH_ALERT_LAG_H_
#define GLUTECARE_BENCH_ALERT_LAG_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/dataset.h"
#include "bench/load.h"

namespace glutecare::bench {

struct AlertLagOptions {
  // Submissions per second. REQUIRES: > 0.
  double rate = 1000;
  // How long to wait, after the last submission, for the alerts still
  // missing.
  absl::Duration patience = absl::Seconds(30);
};

struct AlertLag {
  // As a call kind named "alert lag": `ms` holds the lags of the alerts that
  // arrived (sorted), `succeeded` the sessions acknowledged OK, `failed` and
  // `first_error` the failed submissions, `qps` the rate the submissions
  // actually went out at.
  KindResult result;
  // Acknowledged sessions whose alert did not arrive within the patience.
  int64_t missing = 0;
};

// Measures the lag on `channel` against the server that serves `dataset`.
// An error when the set-up (resolving old alerts, opening the stream) fails;
// failures of the measured calls are counted in the result.
absl::StatusOr<AlertLag> MeasureAlertLag(
    const std::shared_ptr<grpc::Channel>& channel, const Dataset& dataset,
    const AlertLagOptions& options);

}  // namespace glutecare::bench

#endif  // GLUTECARE_BENCH_ALERT_LAG_H_

// A closed-loop load generator on gRPC's callback API: `inflight` calls are
// kept outstanding, each finished call immediately starts the next, until the
// phase's deadline. Calls that finish during the warm-up, or after the
// deadline, are not measured (but are still checked for failure).
//
//   std::vector<CallKind> kinds = {{.name = "health", .weight = 1,
//                                   .start = StartHealthCheck}};
//   PhaseResult result = RunPhase("health", kinds,
//       {.inflight = 64, .warmup = absl::Seconds(2),
//        .duration = absl::Seconds(10)});
//   result.kinds[0].Percentile(99)   // ms
#ifndef GLUTECARE_BENCH_LOAD_H_
#define GLUTECARE_BENCH_LOAD_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/time/time.h"

namespace glutecare::bench {

// Called exactly once, on any thread, with the status of a finished call.
using CallDone = std::function<void(const grpc::Status&)>;

// One kind of call in a phase's mix.
struct CallKind {
  std::string name;
  // Relative share of the calls: a kind of weight 9 next to one of weight 1
  // makes 90% of them.
  int weight = 1;
  // Starts one asynchronous call with `context` (owned by the caller, alive
  // until `done` has run) and arranges for `done` to run when it ends.
  // `random` belongs to the caller's slot: use it only before returning.
  // Must not block.
  std::function<void(grpc::ClientContext* context, absl::BitGen& random,
                     CallDone done)>
      start;
};

struct LoadOptions {
  // Calls kept outstanding.
  int inflight = 64;
  // Run before measuring starts, not measured.
  absl::Duration warmup = absl::Seconds(2);
  // Measured.
  absl::Duration duration = absl::Seconds(10);
  // Deadline of each call.
  absl::Duration call_timeout = absl::Seconds(30);
};

// What one kind of call did in a phase.
struct KindResult {
  std::string name;
  // Latencies of the calls that succeeded in the measured window, in
  // milliseconds, sorted.
  std::vector<double> ms;
  // Calls that succeeded at any time, warm-up included.
  int64_t succeeded = 0;
  // Failed calls at any time, and the first failure.
  int64_t failed = 0;
  std::string first_error;
  // Calls measured per second.
  double qps = 0;

  // The p-th percentile latency in ms (nearest rank), 0 without calls.
  double Percentile(double p) const;
};

struct PhaseResult {
  std::string name;
  double measured_seconds = 0;
  std::vector<KindResult> kinds;  // in the order of the kinds given

  // Every kind together.
  double qps() const;
  int64_t failed() const;
  // Latencies of every kind together, in ms, sorted.
  std::vector<double> AllMs() const;
};

// Runs one phase and returns when every call has ended. REQUIRES: `kinds`
// not empty, every weight >= 1, options.inflight >= 1.
PhaseResult RunPhase(const std::string& name,
                     const std::vector<CallKind>& kinds,
                     const LoadOptions& options);

// The p-th percentile (nearest rank) of sorted `ms`, 0 when empty.
double Percentile(const std::vector<double>& ms, double p);

}  // namespace glutecare::bench

#endif  // GLUTECARE_BENCH_LOAD_H_

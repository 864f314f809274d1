// The load benchmark of issue 5: many calls in flight against one server,
// in four phases measured in the same run:
//   (a) grpc.health.v1.Health/Check, the baseline: an RPC that does nothing;
//   (b) CreateSession, realistic sessions (3 exercises, pain before and
//       after), each by a random patient with that patient's own token;
//   (c) GetAdherenceReport of the last 28 days of a random patient, by a
//       therapist;
//   (d) 90% (b) and 10% (c);
// then the alert lag (alert_lag.h): one high-pain session per patient at the
// rate (b) reached, and the time from each OK to its alert on WatchAlerts.
// For each phase: QPS, p50/p99/p99.9 latency and the ratios to (a); then server
// memory, database bytes per stored session, and one machine-readable line:
//   BENCH health_qps=... submit_qps=... submit_ratio=... submit_p99_ms=...
//         report_p50_ms=... mixed_qps=... alert_lag_p99_ms=...
//         [more key=value pairs]
//
// Either it spawns the server on a dataset it loads (or finds in
// --dataset-dir), or it loads an already running server whose dataset
// `glutecare-bench load` wrote.
#ifndef GLUTECARE_BENCH_LOAD_BENCHMARK_H_
#define GLUTECARE_BENCH_LOAD_BENCHMARK_H_

#include <string>

#include "absl/status/status.h"
#include "bench/dataset.h"
#include "bench/load.h"

namespace glutecare::bench {

struct LoadBenchmarkOptions {
  // Exactly one of the two:
  // The glutecare-server binary to start on the dataset (127.0.0.1, a free
  // port, with a per-token call limit above `load.inflight`).
  std::string spawn_binary;
  // HOST:PORT of a running server that serves the dataset of `dataset_dir`.
  std::string server_address;

  // A folder holding a dataset (bench.db and dataset.txt, see LoadDatasetDir).
  // With spawn_binary: used when it holds one, loaded into it otherwise;
  // empty: a fresh dataset in a temporary folder, removed afterwards.
  // With server_address: required (the tokens).
  std::string dataset_dir;
  // The dataset to load when there is none.
  DatasetOptions dataset;
  // The server's process id, to report its memory (implied with
  // spawn_binary); 0: not reported.
  int server_pid = 0;

  LoadOptions load;
  // Client channels (HTTP/2 connections) the calls are spread over.
  int channels = 2;
};

// Runs the benchmark and prints its figures; the process exit code (0 only
// when every call succeeded).
int RunLoadBenchmark(const LoadBenchmarkOptions& options);

// Loads a dataset into `dir` (created if missing; REQUIRES: no dataset
// there yet): `dir`/bench.db and `dir`/dataset.txt (its tokens, mode 0600).
// Prints what it loaded and how long it took.
absl::StatusOr<Dataset> LoadDatasetDir(const std::string& dir,
                                       const DatasetOptions& options);

}  // namespace glutecare::bench

#endif  // GLUTECARE_BENCH_LOAD_BENCHMARK_H_

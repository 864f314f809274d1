// The read benchmark of issue 3: reports and the dashboard, timed with
// sequential calls from one client against an in-process server, next to a
// no-op call (grpc.health.v1 Check) measured in the same run.
//
//   glutecare-bench reads --patients 1000 --days 365 --iterations 500
//
// It bulk-loads a dataset into a fresh database (see dataset.h), starts a
// glutecare server on it (127.0.0.1, a free port), computes every patient's
// status, and times Check (the baseline), GetAdherenceReport and
// GetPainTrendReport for random patients (28 days), and the whole dashboard
// (ListPatientStatuses of every patient). The last line is machine-readable:
//   BENCH patients=... health_p50_ms=... report_p50_ms=... report_ratio=...
#ifndef GLUTECARE_BENCH_READS_H_
#define GLUTECARE_BENCH_READS_H_

#include <string>

#include "bench/dataset.h"

namespace glutecare::bench {

struct ReadsOptions {
  DatasetOptions dataset;
  // Calls timed per kind (the dashboard: a tenth).
  int iterations = 300;
  // Folder for the database; empty: a new one under /tmp, removed after.
  std::string workdir;
};

// Runs the benchmark and prints its figures; the process exit code.
int RunReads(const ReadsOptions& options);

}  // namespace glutecare::bench

#endif  // GLUTECARE_BENCH_READS_H_

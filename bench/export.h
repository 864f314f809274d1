// The export benchmark (issue 7): a clinic's whole FHIR export
// (FhirExportService.ExportClinicResources) streamed from a glutecare-server
// it spawns on a fresh dataset, with the server's memory read from /proc
// before and after (VmRSS, and VmHWM: the most it ever held). Run it at two
// clinic sizes to see that the export's memory does not grow with the
// clinic.
//
//   glutecare-bench export --spawn build/server/glutecare-server \
//       --patients 10000 --days 28
#ifndef GLUTECARE_BENCH_EXPORT_H_
#define GLUTECARE_BENCH_EXPORT_H_

#include <string>

#include "bench/dataset.h"

namespace glutecare::bench {

struct ExportBenchmarkOptions {
  // The glutecare-server binary to spawn.
  std::string spawn_binary;
  DatasetOptions dataset;
};

// Runs it, printing a report and a last line starting with "BENCH export";
// returns the process exit code (0 when the export completed).
int RunExportBenchmark(const ExportBenchmarkOptions& options);

}  // namespace glutecare::bench

#endif  // GLUTECARE_BENCH_EXPORT_H_

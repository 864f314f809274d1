// glutecare-bench: the glutecare benchmarks.
//
//   glutecare-bench --spawn build/server/glutecare-server --seconds 10
//       --inflight 64 [--patients N --days N | --dataset-dir DIR]
//     The load benchmark (issue 5, load_benchmark.h): health checks,
//     session submissions, adherence reports and a 90/10 mix, many calls in
//     flight, against a server it starts on a fresh dataset (or on DIR's).
//   glutecare-bench load --dataset-dir DIR --patients N --days N
//     Loads a dataset into DIR (bench.db and dataset.txt with its tokens),
//     to serve with `glutecare-server --db DIR/bench.db` ...
//   glutecare-bench --server HOST:PORT --dataset-dir DIR [--server-pid PID]
//     ... and the load benchmark against that server.
//   glutecare-bench reads --patients 1000 --days 365 --iterations 500
//     The read benchmark of issue 3 (reads.h): reports and the dashboard,
//     sequential calls against an in-process server.
//   glutecare-bench export --spawn build/server/glutecare-server
//       --patients 10000 --days 28
//     The export benchmark of issue 7 (export.h): a clinic's whole FHIR
//     export from a spawned server, and the server's memory.
//
// Each prints a machine-readable last line starting with "BENCH ".
#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "bench/export.h"
#include "bench/load_benchmark.h"
#include "bench/reads.h"

ABSL_FLAG(int, patients, 1000, "patients in the dataset");
ABSL_FLAG(int, days, 365,
          "days of history per patient (the load benchmark: 0 for none)");
ABSL_FLAG(std::string, spawn, "",
          "load benchmark: start this glutecare-server binary on the dataset");
ABSL_FLAG(std::string, server, "",
          "load benchmark: HOST:PORT of a running server that serves the "
          "dataset of --dataset-dir");
ABSL_FLAG(int, server_pid, 0,
          "load benchmark with --server: the server's process id, to report "
          "its memory and CPU");
ABSL_FLAG(std::string, dataset_dir, "",
          "load benchmark: folder of a dataset (bench.db, dataset.txt); with "
          "--spawn it is loaded there when missing (default: a fresh one in a "
          "temporary folder)");
ABSL_FLAG(double, seconds, 10, "load benchmark: measured seconds per phase");
ABSL_FLAG(double, warmup, 2,
          "load benchmark: seconds of calls before each phase is measured");
ABSL_FLAG(int, inflight, 64, "load benchmark: calls kept in flight");
ABSL_FLAG(int, channels, 2,
          "load benchmark: client connections the calls are spread over");
ABSL_FLAG(int, iterations, 300,
          "reads: calls timed per kind (the dashboard: a tenth)");
ABSL_FLAG(std::string, workdir, "",
          "reads: folder for the database (default: a new one under /tmp, "
          "removed afterwards)");

namespace glutecare::bench {
namespace {

DatasetOptions DatasetFlags() {
  return {.patients = absl::GetFlag(FLAGS_patients),
          .days = absl::GetFlag(FLAGS_days)};
}

int Main(const std::vector<char*>& positional) {
  const std::string command =
      positional.size() > 1 ? positional[1] : std::string();
  if (positional.size() > 2) {
    std::fprintf(stderr, "glutecare-bench: one command at most\n");
    return 2;
  }
  if (command == "reads") {
    return RunReads({.dataset = DatasetFlags(),
                     .iterations = absl::GetFlag(FLAGS_iterations),
                     .workdir = absl::GetFlag(FLAGS_workdir)});
  }
  if (command == "export") {
    return RunExportBenchmark({.spawn_binary = absl::GetFlag(FLAGS_spawn),
                               .dataset = DatasetFlags()});
  }
  const DatasetOptions dataset = DatasetFlags();
  if (dataset.patients < 1 || dataset.days < 0) {
    std::fprintf(stderr, "--patients must be >= 1 and --days >= 0\n");
    return 2;
  }
  if (command == "load") {
    const std::string dir = absl::GetFlag(FLAGS_dataset_dir);
    if (dir.empty()) {
      std::fprintf(stderr, "load needs --dataset-dir\n");
      return 2;
    }
    absl::StatusOr<Dataset> loaded = LoadDatasetDir(dir, dataset);
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", loaded.status().ToString().c_str());
      return 1;
    }
    return 0;
  }
  if (!command.empty()) {
    std::fprintf(stderr, "glutecare-bench: unknown command %s\n",
                 command.c_str());
    return 2;
  }
  return RunLoadBenchmark(
      {.spawn_binary = absl::GetFlag(FLAGS_spawn),
       .server_address = absl::GetFlag(FLAGS_server),
       .dataset_dir = absl::GetFlag(FLAGS_dataset_dir),
       .dataset = dataset,
       .server_pid = absl::GetFlag(FLAGS_server_pid),
       .load = {.inflight = absl::GetFlag(FLAGS_inflight),
                .warmup = absl::Seconds(absl::GetFlag(FLAGS_warmup)),
                .duration = absl::Seconds(absl::GetFlag(FLAGS_seconds))},
       .channels = absl::GetFlag(FLAGS_channels)});
}

// Abseil flag names cannot hold '-': accepts --dataset-dir for --dataset_dir
// (the spelling of glutecare-server's flags) by rewriting the flag names in
// `argv` in place.
void AcceptDashedFlagNames(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg.size() < 3 || arg.substr(0, 2) != "--") continue;
    const size_t end = std::min(arg.find('='), arg.size());
    std::replace(argv[i] + 2, argv[i] + end, '-', '_');
  }
}

}  // namespace
}  // namespace glutecare::bench

int main(int argc, char** argv) {
  glutecare::bench::AcceptDashedFlagNames(argc, argv);
  absl::SetProgramUsageMessage(
      "glutecare benchmarks.\n"
      "  glutecare-bench --spawn SERVER_BINARY [--seconds 10] [--inflight 64]\n"
      "      [--patients N --days N | --dataset-dir DIR]   load benchmark\n"
      "  glutecare-bench load --dataset-dir DIR --patients N --days N\n"
      "  glutecare-bench --server HOST:PORT --dataset-dir DIR [--server-pid "
      "PID]\n"
      "  glutecare-bench reads [--patients N] [--days N] [--iterations N]\n"
      "      the read benchmark (reports, dashboard)\n"
      "  glutecare-bench export --spawn SERVER_BINARY [--patients N] [--days "
      "N]\n"
      "      a clinic's FHIR export and the server's memory");
  return glutecare::bench::Main(absl::ParseCommandLine(argc, argv));
}

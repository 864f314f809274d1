// A glutecare-server run as a child process for the benchmark, and what the
// benchmark reads about it from outside: memory from /proc and the size of
// its database files.
//
//   GLUTECARE_ASSIGN_OR_RETURN(ServerProcess server, ServerProcess::Start(
//       {.binary = "build/server/glutecare-server", .db_path = db}));
//   ... load server.address() ...
//   GLUTECARE_ASSIGN_OR_RETURN(ProcessMemory memory,
//                              ReadProcessMemory(server.pid()));
//   server.Stop(absl::Seconds(15));
#ifndef GLUTECARE_BENCH_SERVER_PROCESS_H_
#define GLUTECARE_BENCH_SERVER_PROCESS_H_

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/subprocess.h"

namespace glutecare::bench {

struct ServerProcessOptions {
  // The glutecare-server binary.
  std::string binary;
  // Its database (--db).
  std::string db_path;
  // Its --max-calls-per-principal.
  int max_calls_per_principal = 32;
  // How long it may take to start serving (opening a large database).
  absl::Duration start_timeout = absl::Seconds(60);
};

// Movable, not copyable; not thread-safe.
class ServerProcess final {
 public:
  // Starts `binary --listen 127.0.0.1:0 --db ... --alert-sweep-minutes 0
  // --max-calls-per-principal ...` (stderr shared with this process) and
  // waits for its "glutecare-server listening on HOST:PORT" line.
  static absl::StatusOr<ServerProcess> Start(
      const ServerProcessOptions& options);

  // HOST:PORT it serves on.
  const std::string& address() const { return address_; }
  pid_t pid() const { return child_.pid(); }

  // SIGTERM, then SIGKILL after `grace`; the exit code (0 after a clean
  // shutdown).
  absl::StatusOr<int> Stop(absl::Duration grace) { return child_.Stop(grace); }

 private:
  ServerProcess(ChildProcess child, std::string address)
      : child_(std::move(child)), address_(std::move(address)) {}

  ChildProcess child_;
  std::string address_;
};

// A process's resident memory, from /proc/PID/status, in MiB.
struct ProcessMemory {
  double rss_mb = 0;       // VmRSS: now
  double peak_rss_mb = 0;  // VmHWM: the most it has had
};

absl::StatusOr<ProcessMemory> ReadProcessMemory(pid_t pid);

// CPU time a process has used so far, user and system, in seconds (from
// /proc/PID/stat); for this process, pass getpid().
absl::StatusOr<double> ReadProcessCpuSeconds(pid_t pid);

// A SQLite database on disk: the main file plus its write-ahead log.
struct DatabaseSize {
  int64_t bytes = 0;     // main file + -wal
  int64_t sessions = 0;  // rows in the sessions table
};

// Measures the database at `path`; NOT_FOUND when there is none. It may be
// open in a server: this reads one snapshot and writes nothing.
absl::StatusOr<DatabaseSize> MeasureDatabase(const std::string& path);

}  // namespace glutecare::bench

#endif  // GLUTECARE_BENCH_SERVER_PROCESS_H_

// glutecare-server: the glutecare gRPC backend.
//
//   glutecare-server --listen 127.0.0.1:50051 --db data/glutecare.db
//
// Prints "glutecare-server listening on HOST:PORT" on stdout once it serves,
// and shuts down gracefully on SIGINT or SIGTERM.
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "server/common/log.h"
#include "server/service/server.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "host:port to listen on; port 0 picks a free port");
ABSL_FLAG(std::string, db, "data/glutecare.db",
          "SQLite database file; created with its folder when missing");
ABSL_FLAG(int, threads, 4, "worker threads for database work");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "how long calls in flight may run on after SIGINT/SIGTERM");

namespace {

using glutecare::Log;
using glutecare::LogSeverity;

int Run() {
  // Block the shutdown signals in every thread (the gRPC and worker threads
  // inherit this mask); the main thread takes them with sigwait, because
  // Server::Shutdown must never run in a signal handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const std::filesystem::path db = absl::GetFlag(FLAGS_db);
  if (db.has_parent_path()) {
    std::error_code error;
    std::filesystem::create_directories(db.parent_path(), error);
    if (error) {
      Log(LogSeverity::kError, absl::StrCat("cannot create ",
                                            db.parent_path().string(), ": ",
                                            error.message()));
      return 1;
    }
  }
  if (absl::GetFlag(FLAGS_threads) < 1) {
    Log(LogSeverity::kError, "--threads must be at least 1");
    return 2;
  }

  glutecare::ServerOptions options;
  options.listen_address = absl::GetFlag(FLAGS_listen);
  options.db_path = db.string();
  options.worker_threads = absl::GetFlag(FLAGS_threads);
  auto server = glutecare::GlutecareServer::Start(options);
  if (!server.ok()) {
    Log(LogSeverity::kError, server.status().ToString());
    return 1;
  }
  const std::string host = std::string(
      options.listen_address.substr(0, options.listen_address.rfind(':')));
  std::printf("glutecare-server listening on %s:%d\n", host.c_str(),
              (*server)->port());
  std::fflush(stdout);
  Log(LogSeverity::kInfo, absl::StrCat("serving, database ", options.db_path));

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  Log(LogSeverity::kInfo,
      absl::StrCat("received ", signal_number == SIGINT ? "SIGINT" : "SIGTERM",
                   ", draining calls in flight"));
  (*server)->Shutdown(absl::GetFlag(FLAGS_shutdown_grace));
  Log(LogSeverity::kInfo, "stopped cleanly");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "the glutecare gRPC backend for glute-strengthening home programs.\n"
      "Usage: glutecare-server [--listen HOST:PORT] [--db FILE]");
  absl::ParseCommandLine(argc, argv);
  return Run();
}

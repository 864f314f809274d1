// glutecare-server: the glutecare gRPC backend.
//
//   glutecare-server --listen 127.0.0.1:50051 --db data/glutecare.db
//   glutecare-server --listen 0.0.0.0:50051 --tls-cert server.pem \
//       --tls-key server.key [--tls-client-ca clinics-ca.pem]
//
// Prints "glutecare-server listening on HOST:PORT" on stdout once it serves,
// and shuts down gracefully on SIGINT or SIGTERM.
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "server/common/log.h"
#include "server/service/server.h"

namespace {

using glutecare::Log;
using glutecare::LogSeverity;

struct Flags {
  glutecare::ServerOptions server;
  double shutdown_grace_seconds = 10;
  double alert_sweep_minutes = 15;
};

int Run(Flags flags) {
  // Block the shutdown signals in every thread (the gRPC and worker threads
  // inherit this mask); the main thread takes them with sigwait, because
  // Server::Shutdown must never run in a signal handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  glutecare::ServerOptions& options = flags.server;
  const std::filesystem::path db = options.db_path;
  if (db.has_parent_path()) {
    std::error_code error;
    std::filesystem::create_directories(db.parent_path(), error);
    if (error) {
      Log(LogSeverity::kError,
          absl::StrCat("cannot create ", db.parent_path().string(), ": ",
                       error.message()));
      return 1;
    }
  }
  options.alert_sweep_interval = absl::Minutes(flags.alert_sweep_minutes);
  auto server = glutecare::GlutecareServer::Start(options);
  if (!server.ok()) {
    Log(LogSeverity::kError, server.status().ToString());
    return 1;
  }
  const std::string host =
      options.listen_address.substr(0, options.listen_address.rfind(':'));
  std::printf("glutecare-server listening on %s:%d\n", host.c_str(),
              (*server)->port());
  std::fflush(stdout);
  Log(LogSeverity::kInfo,
      absl::StrCat("serving ", options.tls.enabled() ? "TLS" : "plaintext",
                   options.tls.client_ca_file.empty() ? ""
                                                      : " with client "
                                                        "certificates",
                   ", database ", options.db_path));

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  Log(LogSeverity::kInfo,
      absl::StrCat("received ", signal_number == SIGINT ? "SIGINT" : "SIGTERM",
                   ", draining calls in flight"));
  (*server)->Shutdown(absl::Seconds(flags.shutdown_grace_seconds));
  Log(LogSeverity::kInfo, "stopped cleanly");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "glutecare-server: the glutecare gRPC backend for glute-strengthening "
      "home programs.",
      "glutecare-server"};
  Flags flags;
  glutecare::ServerOptions& s = flags.server;
  s.db_path = "data/glutecare.db";
  app.add_option("--listen", s.listen_address,
                 "host:port to listen on; port 0 picks a free port")
      ->capture_default_str();
  app.add_option("--db", s.db_path,
                 "SQLite database file; created with its folder when missing")
      ->capture_default_str();
  app.add_option("--threads", s.worker_threads,
                 "worker threads for database work")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--shutdown-grace", flags.shutdown_grace_seconds,
                 "seconds that calls in flight may run on after SIGINT/SIGTERM")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  app.add_option("--alert-sweep-minutes", flags.alert_sweep_minutes,
                 "minutes between checks of every patient for alerts that "
                 "need no new data; 0 turns the periodic check off")
      ->check(CLI::Range(0.0, 1440.0))
      ->capture_default_str();
  app.add_option("--tls-cert", s.tls.cert_file,
                 "PEM certificate (chain) of the server: serve TLS")
      ->check(CLI::ExistingFile);
  app.add_option("--tls-key", s.tls.key_file, "PEM private key of --tls-cert")
      ->check(CLI::ExistingFile);
  app.add_option("--tls-client-ca", s.tls.client_ca_file,
                 "PEM CA certificate(s): require and verify client "
                 "certificates (mTLS)")
      ->check(CLI::ExistingFile);
  app.add_flag("--insecure", s.allow_insecure,
               "allow plaintext on a non-loopback address (never for real "
               "patient data)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  }
  return Run(std::move(flags));
}

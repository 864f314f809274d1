// glutecare-server: the glutecare gRPC backend.
//
//   glutecare-server --listen 127.0.0.1:50051 --db data/glutecare.db
//
// --db names the database (ParseDatabase below): a SQLite file path or
// sqlite:PATH, or a PostgreSQL URI (postgresql://...), which this build
// refuses: the PostgreSQL backend is not built in yet.
//   glutecare-server --listen 0.0.0.0:50051 --tls-cert server.pem \
//       --tls-key server.key [--tls-client-ca clinics-ca.pem]
//
// Prints "glutecare-server listening on HOST:PORT" on stdout once it serves,
// and shuts down gracefully on SIGINT or SIGTERM.
//
//   glutecare-server bootstrap --db data/glutecare.db --clinic demo \
//       --clinic-name "Demo clinic" --token-file admin.token
//
// creates a clinic (unless it exists) and an admin token for it, written to
// --token-file with mode 0600; the admin then makes every other token with
// `glutecare token create`.
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/secret_file.h"
#include "google/protobuf/util/time_util.h"
#include "server/app/access_tokens.h"
#include "server/common/log.h"
#include "server/common/status.h"
#include "server/service/server.h"
#include "server/storage/database_target.h"
#include "server/storage/sqlite/backup.h"
#include "server/storage/sqlite/instance_lock.h"
#include "server/storage/sqlite/sqlite_store.h"

namespace {

using glutecare::Log;
using glutecare::LogSeverity;

// "INVALID_ARGUMENT: invalid request: clinic_id: ..." without the status
// payload (the BadRequest details repeat the message in wire format).
std::string StatusLine(const absl::Status& status) {
  return absl::StrCat(absl::StatusCodeToString(status.code()), ": ",
                      status.message());
}

// The storage backends of this build.
enum class Backend { kSqlite, kPostgres };

// A `--db` value mapped to its backend.
struct Database {
  Backend backend = Backend::kSqlite;
  // The SQLite file's path, or the PostgreSQL URI with its credentials.
  std::string location;
  // For logs and messages, without a password.
  std::string described;
};

// The database `value` names: a file path or sqlite:PATH for SQLite, a
// postgresql:// or postgres:// URI for PostgreSQL. INVALID_ARGUMENT naming
// --db for anything else.
absl::StatusOr<Database> ParseDatabase(absl::string_view value) {
  absl::StatusOr<glutecare::DatabaseTarget> target =
      glutecare::ParseDatabaseTarget(value, "--db");
  if (!target.ok()) return target.status();
  if (target->scheme.empty() ||
      (target->scheme == "sqlite" && !target->is_uri)) {
    return Database{
        .backend = Backend::kSqlite,
        .location = target->location,
        .described = absl::StrCat("SQLite database ", target->location)};
  }
  if (target->is_uri &&
      (target->scheme == "postgresql" || target->scheme == "postgres")) {
    return Database{.backend = Backend::kPostgres,
                    .location = target->location,
                    .described = absl::StrCat("PostgreSQL database ",
                                              glutecare::Redacted(*target))};
  }
  return glutecare::InvalidFieldError(
      "--db", absl::StrCat("names a database of an unknown kind (",
                           target->scheme, target->is_uri ? "://" : ":",
                           "); use a file path, sqlite:PATH or "
                           "postgresql://..."));
}

// The store `database` names, its SQLite file's folder made when missing;
// `read_connections` for SQLite's concurrent reads. With `server_lock`, a
// SQLite database is first locked for this server (InstanceLock), held in
// *server_lock: another server on the file fails this.
absl::StatusOr<std::unique_ptr<glutecare::Store>> OpenStore(
    const Database& database, int read_connections,
    std::optional<glutecare::sqlite::InstanceLock>* server_lock = nullptr) {
  switch (database.backend) {
    case Backend::kSqlite: {
      const std::filesystem::path path = database.location;
      if (path.has_parent_path()) {
        std::error_code error;
        std::filesystem::create_directories(path.parent_path(), error);
        if (error) {
          return absl::FailedPreconditionError(
              absl::StrCat("--db: cannot create ", path.parent_path().string(),
                           ": ", error.message()));
        }
      }
      if (server_lock != nullptr) {
        absl::StatusOr<glutecare::sqlite::InstanceLock> lock =
            glutecare::sqlite::InstanceLock::Acquire(database.location);
        if (!lock.ok()) return lock.status();
        server_lock->emplace(*std::move(lock));
      }
      return glutecare::OpenSqliteStore(
          {.path = database.location, .read_connections = read_connections});
    }
    case Backend::kPostgres:
      return absl::UnimplementedError(
          absl::StrCat("--db: ", database.described,
                       ": the PostgreSQL backend is not built into this "
                       "glutecare-server yet; use a SQLite file"));
  }
  return absl::InternalError("--db: unknown backend");
}

struct Flags {
  glutecare::ServerOptions server;
  std::string db = "data/glutecare.db";
  double shutdown_grace_seconds = 10;
  double drain_seconds = 1;
  double alert_sweep_minutes = 15;
};

struct BootstrapFlags {
  std::string db_path = "data/glutecare.db";
  glutecare::BootstrapRequest request;
  std::string token_file;
};

int Bootstrap(const BootstrapFlags& flags) {
  absl::StatusOr<Database> database = ParseDatabase(flags.db_path);
  if (!database.ok()) {
    Log(LogSeverity::kError, StatusLine(database.status()));
    return 1;
  }
  // Opened first: a path that cannot be written fails before a token exists.
  auto token_file = glutecare::SecretFile::Create(flags.token_file);
  if (!token_file.ok()) {
    Log(LogSeverity::kError,
        absl::StrCat("--token-file: ", token_file.status().message()));
    return 1;
  }
  auto store = OpenStore(*database, /*read_connections=*/1);
  if (!store.ok()) {
    Log(LogSeverity::kError, StatusLine(store.status()));
    return 1;
  }
  auto result = glutecare::BootstrapClinic(**store, flags.request, absl::Now());
  if (!result.ok()) {
    Log(LogSeverity::kError, StatusLine(result.status()));
    return 1;
  }
  if (absl::Status written = token_file->Write(result->admin.secret);
      !written.ok()) {
    Log(LogSeverity::kError,
        absl::StrCat(StatusLine(written), "; the token ",
                     result->admin.token.name(),
                     " was made but is unusable: run bootstrap again"));
    return 1;
  }
  std::printf("%s %s\nadmin token %s (expires %s) written to %s\n",
              result->clinic_created ? "created" : "existing clinic",
              result->clinic.name().c_str(), result->admin.token.name().c_str(),
              google::protobuf::util::TimeUtil::ToString(
                  result->admin.token.expire_time())
                  .c_str(),
              flags.token_file.c_str());
  return 0;
}

int Backup(const std::string& db_path, const std::string& to_path) {
  const absl::Time start = absl::Now();
  absl::StatusOr<Database> database = ParseDatabase(db_path);
  if (!database.ok()) {
    Log(LogSeverity::kError, StatusLine(database.status()));
    return 1;
  }
  if (database->backend != Backend::kSqlite) {
    Log(LogSeverity::kError,
        absl::StrCat("--db: ", database->described,
                     ": backup copies a SQLite file; back PostgreSQL up with "
                     "its own tools (pg_basebackup, pg_dump)"));
    return 1;
  }
  auto result = glutecare::BackupSqliteDatabase(database->location, to_path);
  if (!result.ok()) {
    Log(LogSeverity::kError, StatusLine(result.status()));
    return 1;
  }
  std::printf("backed up %s to %s: %lld pages, %lld bytes, %.1f s\n",
              db_path.c_str(), to_path.c_str(),
              static_cast<long long>(result->pages),
              static_cast<long long>(result->bytes),
              absl::ToDoubleSeconds(absl::Now() - start));
  return 0;
}

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
  absl::StatusOr<Database> database = ParseDatabase(flags.db);
  if (!database.ok()) {
    Log(LogSeverity::kError, StatusLine(database.status()));
    return 1;
  }
  options.alert_sweep_interval = absl::Minutes(flags.alert_sweep_minutes);
  options.drain_period = absl::Seconds(flags.drain_seconds);
  // Held until the server below is gone.
  std::optional<glutecare::sqlite::InstanceLock> server_lock;
  auto server = glutecare::GlutecareServer::Start(options, [&] {
    return OpenStore(*database, glutecare::ReadConnections(options),
                     &server_lock);
  });
  if (!server.ok()) {
    Log(LogSeverity::kError, StatusLine(server.status()));
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
                   ", ", database->described));

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
  app.add_option("--listen", s.listen_address,
                 "host:port to listen on; port 0 picks a free port")
      ->capture_default_str();
  app.add_option("--db", flags.db,
                 "the database: a SQLite file (or sqlite:PATH), created with "
                 "its folder when missing; postgresql://... is not built in "
                 "yet")
      ->capture_default_str();
  app.add_option("--threads", s.worker_threads,
                 "worker threads for the calls that write")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--read-threads", s.read_threads,
                 "threads for the calls that only read (Get, List, reports), "
                 "which so never wait behind writes")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--shutdown-grace", flags.shutdown_grace_seconds,
                 "at most, seconds after the drain that calls in flight may "
                 "run on after SIGINT/SIGTERM before they are cancelled; the "
                 "server exits as soon as none is in flight")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  app.add_option("--drain-seconds", flags.drain_seconds,
                 "at most, seconds after SIGINT/SIGTERM that new calls are "
                 "answered UNAVAILABLE (and health checks NOT_SERVING) while "
                 "calls in flight finish, before the grace period; it ends "
                 "as soon as none is in flight")
      ->check(CLI::Range(0.0, 60.0))
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
  app.add_option("--max-calls-per-principal", s.max_calls_per_principal,
                 "calls one token may have in flight; more answer "
                 "RESOURCE_EXHAUSTED")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();

  BootstrapFlags bootstrap;
  CLI::App* bootstrap_command = app.add_subcommand(
      "bootstrap",
      "Creates a clinic (unless it exists) and an admin token for it, and "
      "exits. The token is written to --token-file (mode 0600), never "
      "printed.");
  bootstrap_command
      ->add_option("--db", bootstrap.db_path, "SQLite database file")
      ->capture_default_str();
  bootstrap_command
      ->add_option("--clinic", bootstrap.request.clinic_id,
                   "the clinic's id, such as `demo` (names it clinics/demo)")
      ->required();
  bootstrap_command
      ->add_option("--clinic-name", bootstrap.request.display_name,
                   "the clinic's display name")
      ->required();
  bootstrap_command->add_option(
      "--identifier-system", bootstrap.request.identifier_system,
      "the FHIR identifier system of the clinic's MRNs, such as "
      "urn:oid:1.2.3 (optional)");
  bootstrap_command
      ->add_option("--admin-name", bootstrap.request.admin_display_name,
                   "who holds the admin token")
      ->capture_default_str();
  bootstrap_command
      ->add_option("--token-file", bootstrap.token_file,
                   "where to write the admin token (mode 0600)")
      ->required();
  std::string backup_db = "data/glutecare.db";
  std::string backup_to;
  CLI::App* backup_command = app.add_subcommand(
      "backup",
      "Copies the database to a file with SQLite's online backup, safe while "
      "the server runs, and exits. Restore: stop the server, delete the "
      "database's -wal and -shm files, replace the database with the backup.");
  backup_command->add_option("--db", backup_db, "SQLite database file")
      ->capture_default_str();
  backup_command
      ->add_option("--to", backup_to,
                   "the backup file to write; must not exist")
      ->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  }
  if (*bootstrap_command) return Bootstrap(bootstrap);
  if (*backup_command) return Backup(backup_db, backup_to);
  return Run(std::move(flags));
}

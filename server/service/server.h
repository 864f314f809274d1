// The assembled glutecare gRPC server: storage, the executor, every v1
// service, the standard health service and server reflection. Used by
// glutecare-server's main and by the integration tests.
//
//   GLUTECARE_ASSIGN_OR_RETURN(std::unique_ptr<GlutecareServer> server,
//       GlutecareServer::Start({.listen_address = "127.0.0.1:0"},
//                              std::move(store)));
//   ... server->port() ...
//   server->Shutdown(absl::Seconds(10));
#ifndef GLUTECARE_SERVER_SERVICE_SERVER_H_
#define GLUTECARE_SERVER_SERVICE_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/app/alert_hub.h"
#include "server/app/audit_log.h"
#include "server/app/patient_monitor.h"
#include "server/common/executor.h"
#include "server/service/alert_service.h"
#include "server/service/call.h"
#include "server/service/gate.h"
#include "server/storage/store.h"

namespace glutecare {

// TLS for the listening port. With cert_file and key_file set the server
// speaks TLS only; with client_ca_file too, it also requires every client to
// present a certificate signed by that CA (mTLS, for clinic systems).
struct TlsOptions {
  // PEM files.
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;

  bool enabled() const { return !cert_file.empty() || !key_file.empty(); }
};

// True when `listen_address` (host:port) only accepts connections from this
// machine: 127.0.0.0/8, ::1 or localhost.
bool IsLoopbackListenAddress(absl::string_view listen_address);

struct ServerOptions {
  // host:port to listen on; port 0 picks a free port (see port()).
  std::string listen_address = "127.0.0.1:50051";
  // TLS; see TlsOptions.
  TlsOptions tls;
  // Serve plaintext on a non-loopback address. Without TLS and without this,
  // Start refuses a non-loopback address: health data never crosses a
  // network in the clear by accident.
  bool allow_insecure = false;
  // Threads that run handlers (database work). A writing handler waits on
  // its group commit, so more threads mean bigger commits: 16 gave 1.6x the
  // submissions of 4 at 64 calls in flight (docs/PERFORMANCE.md).
  int worker_threads = 16;
  // Threads that run the calls that only read (the Get*, List* and report
  // methods), apart from the worker threads, so that a read does not queue
  // behind writes waiting on their commits. (The reads of derived data,
  // alerts, suggestions and statuses, and of the audit trail, first wait for
  // what was scheduled before them, see PatientMonitor::Flush.) A backend
  // opened for the server wants a read connection per thread that reads
  // (ReadConnections).
  int read_threads = 8;
  // Largest request the server accepts, in bytes. Every v1 request is small;
  // this stops a client from making the server buffer megabytes.
  int max_receive_message_bytes = 1 << 20;
  // Largest response the server sends, in bytes (a full List page).
  int max_send_message_bytes = 16 << 20;
  // Added to Shutdown's grace: the longest Shutdown waits for the calls in
  // flight. Meanwhile new calls are answered UNAVAILABLE (and health checks
  // NOT_SERVING), so clients see a clean UNAVAILABLE and retry, and load
  // balancers move on, instead of gRPC cancelling calls that arrive during
  // the stop.
  absl::Duration drain_period = absl::ZeroDuration();
  // Calls one principal (one token) may have in flight; see Gate::Options.
  int max_calls_per_principal = 32;
  // How often every patient is checked for the alerts that fire without new
  // data (missed sessions, low adherence); the first check runs at start-up.
  // Zero disables the periodic check.
  absl::Duration alert_sweep_interval = absl::Minutes(15);
};

// The read connections a store opened for a server with `options` wants:
// one per thread that reads: the handlers' and the patient monitor's.
inline int ReadConnections(const ServerOptions& options) {
  return options.worker_threads + options.read_threads +
         PatientMonitor::kDefaultThreads;
}

class GlutecareServer final {
 public:
  // Starts serving `store`. FAILED_PRECONDITION for plaintext on a
  // non-loopback address (see allow_insecure) or unreadable TLS files;
  // UNAVAILABLE if the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<GlutecareServer>> Start(
      const ServerOptions& options, std::unique_ptr<Store> store);
  // The same, serving the store that `open_store` returns, called once the
  // options are known to be good, so a bad option never creates a database;
  // its errors are returned as they are.
  using StoreOpener = std::function<absl::StatusOr<std::unique_ptr<Store>>()>;
  static absl::StatusOr<std::unique_ptr<GlutecareServer>> Start(
      const ServerOptions& options, const StoreOpener& open_store);

  GlutecareServer(const GlutecareServer&) = delete;
  GlutecareServer& operator=(const GlutecareServer&) = delete;
  // Shuts down with no grace period if Shutdown was not called.
  ~GlutecareServer();

  // The port actually bound.
  int port() const { return port_; }

  // The full names of the glutecare.v1 services served, such as
  // `glutecare.v1.SessionService`.
  const std::vector<std::string>& service_names() const {
    return service_names_;
  }

  // Answers new calls UNAVAILABLE, ends alert streams, waits until no call
  // or stream is in flight (and none came for 200 ms), at most the drain
  // period (see ServerOptions) plus `grace`, then cancels what still runs,
  // closes every connection (GOAWAY), finishes queued work and closes the
  // database. Idle connections do not hold it. Idempotent; call it from one
  // thread.
  void Shutdown(absl::Duration grace);

  // What the live WatchAlerts streams hold; see WatchStats.
  WatchStats watch_stats() const { return alert_service_->watch_stats(); }

  // Checks every patient for alerts, suggestions and status now, as the
  // periodic sweep does. UNAVAILABLE after Shutdown.
  absl::Status SweepAlerts();

 private:
  GlutecareServer() = default;
  static absl::StatusOr<std::unique_ptr<GlutecareServer>> Serve(
      const ServerOptions& options,
      std::shared_ptr<grpc::ServerCredentials> credentials,
      std::unique_ptr<Store> store);
  void SweepLoop(absl::Duration interval);

  // Destroyed in reverse order: the gRPC server goes before the services,
  // the executor, the gate and the store they use.
  std::unique_ptr<Store> store_;
  std::unique_ptr<AuditLog> audit_log_;
  std::unique_ptr<Gate> gate_;
  std::unique_ptr<Executor> executor_;
  std::unique_ptr<Executor> read_executor_;
  std::unique_ptr<CallRunner> calls_;
  std::unique_ptr<AlertHub> alert_hub_;
  std::unique_ptr<PatientMonitor> monitor_;
  std::vector<std::unique_ptr<grpc::Service>> services_;
  AlertServiceImpl* alert_service_ = nullptr;  // one of services_
  std::vector<std::string> service_names_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  absl::Duration drain_period_;
  std::atomic<bool> shut_down_{false};

  absl::Mutex sweep_mu_;
  bool stop_sweeping_ ABSL_GUARDED_BY(sweep_mu_) = false;
  std::thread sweeper_;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_SERVER_H_

#include "server/service/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include "absl/strings/str_cat.h"
#include "server/common/status.h"
#include "server/domain/exercise_catalog.h"
#include "server/common/log.h"
#include "server/service/alert_service.h"
#include "server/service/clinic_service.h"
#include "server/service/dashboard_service.h"
#include "server/service/suggestion_service.h"
#include "server/service/exercise_service.h"
#include "server/service/patient_service.h"
#include "server/service/program_service.h"
#include "server/service/report_service.h"
#include "server/service/session_service.h"
#include "server/storage/sqlite_store.h"

namespace glutecare {

absl::StatusOr<std::unique_ptr<GlutecareServer>> GlutecareServer::Start(
    const ServerOptions& options) {
  std::unique_ptr<GlutecareServer> server(new GlutecareServer());
  GLUTECARE_ASSIGN_OR_RETURN(
      server->store_,
      OpenSqliteStore({.path = options.db_path,
                       .read_connections = options.worker_threads}));
  server->executor_ =
      std::make_unique<Executor>(Executor::Options{.threads = options.worker_threads});

  server->alert_hub_ = std::make_unique<AlertHub>();
  server->monitor_ = std::make_unique<PatientMonitor>(
      *server->store_, *server->alert_hub_, ExerciseCatalog::Default());
  Store& store = *server->store_;
  Executor& executor = *server->executor_;
  PatientMonitor& monitor = *server->monitor_;
  const ExerciseCatalog& catalog = ExerciseCatalog::Default();
  server->services_.push_back(
      std::make_unique<ClinicServiceImpl>(store, executor));
  server->services_.push_back(
      std::make_unique<PatientServiceImpl>(store, executor, monitor));
  server->services_.push_back(std::make_unique<ExerciseServiceImpl>(catalog));
  server->services_.push_back(
      std::make_unique<ProgramServiceImpl>(store, executor, catalog, monitor));
  server->services_.push_back(std::make_unique<SessionServiceImpl>(
      store, executor, catalog, monitor));
  server->services_.push_back(std::make_unique<AlertServiceImpl>(
      store, executor, *server->alert_hub_, monitor));
  server->services_.push_back(std::make_unique<SuggestionServiceImpl>(
      store, executor, catalog, monitor));
  server->services_.push_back(
      std::make_unique<DashboardServiceImpl>(store, executor));
  server->services_.push_back(
      std::make_unique<ReportServiceImpl>(store, executor));

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen_address,
                           grpc::InsecureServerCredentials(), &server->port_);
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  builder.SetMaxSendMessageSize(options.max_send_message_bytes);
  for (auto& service : server->services_) builder.RegisterService(service.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen_address,
                     ": the address is invalid or in use"));
  }
  if (options.alert_sweep_interval > absl::ZeroDuration()) {
    GlutecareServer* raw = server.get();
    server->sweeper_ = std::thread(
        [raw, interval = options.alert_sweep_interval] { raw->SweepLoop(interval); });
  }
  return server;
}

void GlutecareServer::SweepLoop(absl::Duration interval) {
  absl::MutexLock lock(&sweep_mu_);
  while (!stop_sweeping_) {
    sweep_mu_.Unlock();
    absl::Status status = monitor_->EvaluateAll(absl::Now());
    if (!status.ok()) {
      Log(LogSeverity::kWarning,
          absl::StrCat("alert sweep: ", status.ToString()));
    }
    sweep_mu_.Lock();
    sweep_mu_.AwaitWithTimeout(absl::Condition(&stop_sweeping_), interval);
  }
}

absl::Status GlutecareServer::SweepAlerts() {
  if (shut_down_) return absl::UnavailableError("the server is shut down");
  return monitor_->EvaluateAll(absl::Now());
}

GlutecareServer::~GlutecareServer() { Shutdown(absl::ZeroDuration()); }

void GlutecareServer::Shutdown(absl::Duration grace) {
  if (shut_down_.exchange(true)) return;
  {
    absl::MutexLock lock(&sweep_mu_);
    stop_sweeping_ = true;
  }
  if (sweeper_.joinable()) sweeper_.join();
  // Alert streams never end by themselves: end them first so that in-flight
  // unary calls alone decide how long the drain takes.
  if (alert_hub_ != nullptr) alert_hub_->Close();
  if (server_ != nullptr) {
    // Waits for every call to finish; after the deadline, cancels them. The
    // executor keeps running meanwhile so queued handlers can finish calls.
    server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
    server_->Wait();
  }
  if (executor_ != nullptr) executor_->Shutdown();
  store_.reset();
}

}  // namespace glutecare

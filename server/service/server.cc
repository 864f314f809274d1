#include "server/service/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "glutecare/v1/access_service.grpc.pb.h"
#include "glutecare/v1/alert_service.grpc.pb.h"
#include "glutecare/v1/audit_service.grpc.pb.h"
#include "glutecare/v1/clinic_service.grpc.pb.h"
#include "glutecare/v1/csv_export_service.grpc.pb.h"
#include "glutecare/v1/dashboard_service.grpc.pb.h"
#include "glutecare/v1/exercise_service.grpc.pb.h"
#include "glutecare/v1/fhir_export_service.grpc.pb.h"
#include "glutecare/v1/outcome_service.grpc.pb.h"
#include "glutecare/v1/patient_import_service.grpc.pb.h"
#include "glutecare/v1/patient_service.grpc.pb.h"
#include "glutecare/v1/program_service.grpc.pb.h"
#include "glutecare/v1/report_service.grpc.pb.h"
#include "glutecare/v1/rtm_service.grpc.pb.h"
#include "glutecare/v1/session_service.grpc.pb.h"
#include "glutecare/v1/suggestion_service.grpc.pb.h"
#include "server/common/log.h"
#include "server/common/status.h"
#include "server/domain/exercise_catalog.h"
#include "server/service/alert_service.h"
#include "server/service/malformed_request.h"
#include "server/service/services.h"

namespace glutecare {

namespace {

// How long Shutdown waits, once no call is in flight, for one more before it
// closes the connections: a client that has just had its reply (or its
// UNAVAILABLE) may send its next call within a round trip, and a call that
// arrives while gRPC closes the connections is cancelled (CANCELLED, which
// clients do not retry) instead of answered UNAVAILABLE.
constexpr absl::Duration kQuietBeforeClose = absl::Milliseconds(200);

absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     absl::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read the ", what, " ", path));
  }
  std::stringstream contents;
  contents << in.rdbuf();
  if (contents.str().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the ", what, " ", path, " is missing or empty"));
  }
  return contents.str();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(
    const ServerOptions& options) {
  const TlsOptions& tls = options.tls;
  if (!tls.enabled()) {
    if (!tls.client_ca_file.empty()) {
      return absl::FailedPreconditionError(
          "a client CA (mTLS) needs the server's own certificate and key");
    }
    if (!options.allow_insecure &&
        !IsLoopbackListenAddress(options.listen_address)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "refusing to serve plaintext on ", options.listen_address,
          ", which is not a loopback address: give a TLS certificate and "
          "key, or allow it explicitly (--insecure)"));
    }
    return grpc::InsecureServerCredentials();
  }
  if (tls.cert_file.empty() || tls.key_file.empty()) {
    return absl::FailedPreconditionError(
        "TLS needs both a certificate and a key");
  }
  grpc::SslServerCredentialsOptions ssl;
  GLUTECARE_ASSIGN_OR_RETURN(std::string cert,
                             ReadFile(tls.cert_file, "TLS certificate"));
  GLUTECARE_ASSIGN_OR_RETURN(std::string key,
                             ReadFile(tls.key_file, "TLS key"));
  ssl.pem_key_cert_pairs.push_back({std::move(key), std::move(cert)});
  if (!tls.client_ca_file.empty()) {
    GLUTECARE_ASSIGN_OR_RETURN(ssl.pem_root_certs,
                               ReadFile(tls.client_ca_file, "client CA"));
    ssl.client_certificate_request =
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

}  // namespace

bool IsLoopbackListenAddress(absl::string_view listen_address) {
  const size_t colon = listen_address.rfind(':');
  absl::string_view host = colon == absl::string_view::npos
                               ? listen_address
                               : listen_address.substr(0, colon);
  if (absl::ConsumePrefix(&host, "[")) absl::ConsumeSuffix(&host, "]");
  if (host == "localhost" || host == "::1") return true;
  // 127.0.0.0/8, in dotted-quad form only.
  std::vector<absl::string_view> parts = absl::StrSplit(host, '.');
  if (parts.size() != 4 || parts[0] != "127") return false;
  for (absl::string_view part : parts) {
    int octet = 0;
    if (part.empty() || part.size() > 3 || !absl::SimpleAtoi(part, &octet) ||
        octet < 0 || octet > 255) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<std::unique_ptr<GlutecareServer>> GlutecareServer::Start(
    const ServerOptions& options, const StoreOpener& open_store) {
  // Checked before the database is touched.
  GLUTECARE_ASSIGN_OR_RETURN(
      std::shared_ptr<grpc::ServerCredentials> credentials,
      Credentials(options));
  GLUTECARE_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, open_store());
  return Serve(options, std::move(credentials), std::move(store));
}

absl::StatusOr<std::unique_ptr<GlutecareServer>> GlutecareServer::Start(
    const ServerOptions& options, std::unique_ptr<Store> store) {
  GLUTECARE_ASSIGN_OR_RETURN(
      std::shared_ptr<grpc::ServerCredentials> credentials,
      Credentials(options));
  return Serve(options, std::move(credentials), std::move(store));
}

absl::StatusOr<std::unique_ptr<GlutecareServer>> GlutecareServer::Serve(
    const ServerOptions& options,
    std::shared_ptr<grpc::ServerCredentials> credentials,
    std::unique_ptr<Store> opened_store) {
  std::unique_ptr<GlutecareServer> server(new GlutecareServer());
  server->drain_period_ = options.drain_period;
  server->store_ = std::move(opened_store);
  server->audit_log_ =
      std::make_unique<AuditLog>(*server->store_, AuditLog::Options{});
  server->gate_ = std::make_unique<Gate>(
      *server->store_, *server->audit_log_,
      Gate::Options{.max_calls_per_principal =
                        options.max_calls_per_principal});
  server->executor_ = std::make_unique<Executor>(
      Executor::Options{.threads = options.worker_threads});
  server->read_executor_ = std::make_unique<Executor>(
      Executor::Options{.threads = options.read_threads});
  server->calls_ = std::make_unique<CallRunner>(
      *server->gate_, *server->executor_, *server->read_executor_);

  server->alert_hub_ = std::make_unique<AlertHub>();
  server->monitor_ = std::make_unique<PatientMonitor>(
      *server->store_, *server->alert_hub_, ExerciseCatalog::Default(),
      PatientMonitor::Options{});
  Store& store = *server->store_;
  CallRunner& calls = *server->calls_;
  PatientMonitor& monitor = *server->monitor_;
  const ExerciseCatalog& catalog = ExerciseCatalog::Default();
  auto add = [&](const char* full_name,
                 std::unique_ptr<grpc::Service> service) {
    server->service_names_.push_back(full_name);
    server->services_.push_back(std::move(service));
  };
  add(v1::ClinicService::service_full_name(), NewClinicService(store, calls));
  add(v1::PatientService::service_full_name(),
      NewPatientService(store, calls, monitor));
  add(v1::ExerciseService::service_full_name(),
      NewExerciseService(catalog, calls));
  add(v1::ProgramService::service_full_name(),
      NewProgramService(store, calls, catalog, monitor));
  add(v1::SessionService::service_full_name(),
      NewSessionService(store, calls, catalog, monitor));
  auto alerts = std::make_unique<AlertServiceImpl>(
      store, calls, *server->alert_hub_, monitor);
  server->alert_service_ = alerts.get();
  add(v1::AlertService::service_full_name(), std::move(alerts));
  add(v1::SuggestionService::service_full_name(),
      NewSuggestionService(store, calls, catalog, monitor));
  add(v1::DashboardService::service_full_name(),
      NewDashboardService(store, calls, monitor));
  add(v1::ReportService::service_full_name(), NewReportService(store, calls));
  add(v1::RtmService::service_full_name(), NewRtmService(store, calls));
  add(v1::OutcomeService::service_full_name(),
      NewOutcomeService(store, calls, monitor));
  add(v1::PatientImportService::service_full_name(),
      NewPatientImportService(store, calls, monitor));
  add(v1::CsvExportService::service_full_name(),
      NewCsvExportService(store, calls));
  add(v1::FhirExportService::service_full_name(),
      NewFhirExportService(
          store, calls, catalog,
          FhirExportOptions{.max_bundle_bytes = static_cast<size_t>(
                                options.max_send_message_bytes - (64 << 10))}));
  add(v1::AccessService::service_full_name(), NewAccessService(store, calls));
  add(v1::AuditService::service_full_name(),
      NewAuditService(store, calls, *server->audit_log_));
  // Every method of every service has its entry in the access policy, or
  // the server does not start.
  std::vector<const google::protobuf::ServiceDescriptor*> descriptors;
  for (const std::string& name : server->service_names_) {
    descriptors.push_back(
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            name));
    if (descriptors.back() == nullptr) {
      return absl::InternalError(absl::StrCat("no descriptor for ", name));
    }
  }
  GLUTECARE_RETURN_IF_ERROR(Gate::CheckPolicyCovers(descriptors));

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen_address, credentials, &server->port_);
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  builder.SetMaxSendMessageSize(options.max_send_message_bytes);
  for (auto& service : server->services_)
    builder.RegisterService(service.get());
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(MalformedRequestInterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen_address,
                     ": the address is invalid or in use"));
  }
  if (options.alert_sweep_interval > absl::ZeroDuration()) {
    GlutecareServer* raw = server.get();
    server->sweeper_ =
        std::thread([raw, interval = options.alert_sweep_interval] {
          raw->SweepLoop(interval);
        });
  }
  return server;
}

void GlutecareServer::SweepLoop(absl::Duration interval) {
  absl::MutexLock lock(&sweep_mu_);
  while (!stop_sweeping_) {
    sweep_mu_.Unlock();
    absl::Status status = monitor_->EvaluateAll(absl::Now(), [this] {
      absl::MutexLock lock(&sweep_mu_);
      return stop_sweeping_;
    });
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
  // From now on new calls get UNAVAILABLE from the gate, and health checks
  // NOT_SERVING; the calls already admitted go on.
  if (gate_ != nullptr) gate_->BeginDraining();
  if (server_ != nullptr) {
    if (auto* health = server_->GetHealthCheckService(); health != nullptr) {
      health->SetServingStatus(false);
    }
  }
  // Alert streams never end by themselves: end them first so that the other
  // calls in flight alone decide how long the stop takes.
  if (alert_hub_ != nullptr) alert_hub_->Close();
  // The drain and the grace are upper bounds: the wait ends as soon as no
  // call is in flight and none came for kQuietBeforeClose. The executor
  // keeps running meanwhile so queued handlers can finish their calls.
  if (gate_ != nullptr) {
    gate_->AwaitNoCallsInFlight(kQuietBeforeClose,
                                absl::Now() + drain_period_ + grace);
  }
  if (server_ != nullptr) {
    // A deadline that has passed: gRPC cancels whatever still runs and
    // closes every connection at once, idle ones included (GOAWAY). With a
    // later deadline it would wait for each client to acknowledge its
    // GOAWAY, which an idle client does only when it next polls its
    // connection (seconds later), or never.
    server_->Shutdown(absl::ToChronoTime(absl::Now()));
    server_->Wait();
  }
  if (executor_ != nullptr) executor_->Shutdown();
  if (read_executor_ != nullptr) read_executor_->Shutdown();
  // After the handlers: they schedule evaluations, and reads wait for them.
  if (monitor_ != nullptr) monitor_->Shutdown();
  if (audit_log_ != nullptr) audit_log_->Stop();
  store_.reset();
}

}  // namespace glutecare

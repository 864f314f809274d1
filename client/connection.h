// The client's line to a glutecare server: one channel, a stub per service,
// and the one place where a unary call gets its deadline and its retries.
//
//   Connection connection({.target = "127.0.0.1:50051"});
//   v1::GetPatientRequest request;
//   request.set_name("clinics/c1/patients/p1");
//   absl::StatusOr<v1::Patient> patient = connection.Call(
//       &v1::PatientService::Stub::GetPatient, request,
//       Idempotency::kIdempotent);
//
// Every attempt carries the access token (ConnectionOptions::access_token)
// and has its own deadline (ConnectionOptions::call_timeout). A failed attempt
// is repeated, after an exponential backoff, when ShouldRetry() says so and
// retries are left. Errors come back as FromGrpcStatus() makes them
// (client/errors.h).
#ifndef GLUTECARE_CLIENT_CONNECTION_H_
#define GLUTECARE_CLIENT_CONNECTION_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/security/credentials.h>

#include <memory>
#include <string>
#include <tuple>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
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

namespace glutecare::client {

// Whether a call may safely run twice, which decides what is retried.
enum class Idempotency {
  // Reads (Get, List), creates that carry a request_id (CreateSession,
  // CreatePainReport) and state changes that may be repeated
  // (RevokeAccessToken, AcknowledgeAlert): retried on UNAVAILABLE and
  // DEADLINE_EXCEEDED.
  kIdempotent,
  // Other writes (CreateTherapist, CreatePatient, CreateAccessToken,
  // UpdateProgram, ...): a call that timed out may have been applied, so they
  // are retried on UNAVAILABLE only.
  kNotIdempotent,
};

// True when an attempt that failed with `code` should be made again. Access
// failures (UNAUTHENTICATED, PERMISSION_DENIED) are final, and so is
// RESOURCE_EXHAUSTED: the server refused the call because the token or the
// server is busy, and repeating it at once adds to that load.
bool ShouldRetry(grpc::StatusCode code, Idempotency idempotency);

struct ConnectionOptions {
  // The server address, `host:port`.
  std::string target = "127.0.0.1:50051";
  // Plaintext unless set (ChannelCredentialsFor in command.h).
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  // The caller's access token, sent as `authorization: Bearer {token}` with
  // every call that Call() makes; none when empty.
  std::string access_token;
  // The deadline of each attempt.
  absl::Duration call_timeout = absl::Seconds(10);
  // How many times a failed call may be repeated (0: tried once).
  int max_retries = 4;
  // The wait before the first retry; it doubles for each further retry up to
  // max_backoff.
  absl::Duration initial_backoff = absl::Milliseconds(200);
  absl::Duration max_backoff = absl::Seconds(2);
  // The longest the channel waits between attempts to reach a server that
  // went away. gRPC's default of 120 s would fail a long-running stream's
  // reconnects fast for minutes after the server is back.
  absl::Duration max_reconnect_backoff = absl::Seconds(5);
};

// The wait before attempt `attempt` + 1 after `attempt` failures in a row:
// `initial`, doubling with each further failure, at most `maximum`.
// REQUIRES: attempt >= 1.
absl::Duration ExponentialBackoff(absl::Duration initial,
                                  absl::Duration maximum, int attempt);

// The wait before retry number `retry` (1 for the first retry).
absl::Duration BackoffBeforeRetry(const ConnectionOptions& options, int retry);

// A fresh random UUID (version 4), such as
// "3b241101-e2bb-4255-8caf-4136c566a962", for a request_id. Thread-safe.
std::string NewRequestId();

// Thread-compatible: use one Connection from one thread at a time.
class Connection final {
 public:
  // Opens no connection yet: the channel connects on the first call.
  explicit Connection(ConnectionOptions options);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs the unary RPC `method` of one of the glutecare.v1 stubs with
  // `request`, retrying as `idempotency` allows.
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> Call(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const Request& request, Idempotency idempotency) {
    Stub& service = stub<Stub>();
    Response response;
    const absl::Status status =
        CallWithRetries(idempotency, [&](grpc::ClientContext* context) {
          response.Clear();
          return (service.*method)(context, request, &response);
        });
    if (!status.ok()) return status;
    return response;
  }

  // The stub of a glutecare.v1 service, for calls that Call() does not make
  // (server streams): they get no deadline, no retries and no access token
  // from here; add the token with AddBearerToken(access_token(), context)
  // (client/access_token.h).
  template <typename Stub>
  Stub& stub() {
    return *std::get<std::unique_ptr<Stub>>(stubs_);
  }

  // ConnectionOptions::access_token.
  const std::string& access_token() const { return options_.access_token; }

 private:
  // Calls `attempt` with a fresh context (deadline and token set) until it
  // succeeds, fails for good, or runs out of retries.
  absl::Status CallWithRetries(
      Idempotency idempotency,
      absl::FunctionRef<grpc::Status(grpc::ClientContext*)> attempt) const;

  const ConnectionOptions options_;
  const std::shared_ptr<grpc::Channel> channel_;
  std::tuple<std::unique_ptr<v1::ClinicService::Stub>,
             std::unique_ptr<v1::PatientService::Stub>,
             std::unique_ptr<v1::ExerciseService::Stub>,
             std::unique_ptr<v1::ProgramService::Stub>,
             std::unique_ptr<v1::SessionService::Stub>,
             std::unique_ptr<v1::OutcomeService::Stub>,
             std::unique_ptr<v1::ReportService::Stub>,
             std::unique_ptr<v1::RtmService::Stub>,
             std::unique_ptr<v1::AlertService::Stub>,
             std::unique_ptr<v1::SuggestionService::Stub>,
             std::unique_ptr<v1::DashboardService::Stub>,
             std::unique_ptr<v1::AccessService::Stub>,
             std::unique_ptr<v1::AuditService::Stub>,
             std::unique_ptr<v1::PatientImportService::Stub>,
             std::unique_ptr<v1::CsvExportService::Stub>,
             std::unique_ptr<v1::FhirExportService::Stub>>
      stubs_;
};

}  // namespace glutecare::client

#endif  // GLUTECARE_CLIENT_CONNECTION_H_

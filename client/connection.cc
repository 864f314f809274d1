#include "client/connection.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <algorithm>
#include <cstdint>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_format.h"
#include "client/access_token.h"
#include "client/errors.h"

namespace glutecare::client {
namespace {

// A channel to options.target whose reconnects back off as `options` says.
std::shared_ptr<grpc::Channel> OpenChannel(const ConnectionOptions& options) {
  grpc::ChannelArguments arguments;
  arguments.SetInt(
      GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS,
      static_cast<int>(absl::ToInt64Milliseconds(options.initial_backoff)));
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS,
                   static_cast<int>(absl::ToInt64Milliseconds(
                       options.max_reconnect_backoff)));
  // The server's largest reply (a patient's FHIR Bundle) is 16 MiB; gRPC's
  // default would refuse anything over 4 MiB.
  arguments.SetMaxReceiveMessageSize(16 << 20);
  return grpc::CreateCustomChannel(options.target,
                                   options.credentials != nullptr
                                       ? options.credentials
                                       : grpc::InsecureChannelCredentials(),
                                   arguments);
}

}  // namespace

bool ShouldRetry(grpc::StatusCode code, Idempotency idempotency) {
  switch (code) {
    case grpc::StatusCode::UNAVAILABLE:
      // The server did not take the call (it is down, restarting or
      // overloaded): repeating it is safe for every call.
      return true;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      // The server may have applied the call before the deadline hit.
      return idempotency == Idempotency::kIdempotent;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      // Too many calls in flight for the token, or a full work queue: the
      // caller should slow down, not come back in 200 ms.
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED:
      // The same token gets the same answer.
    default:
      return false;
  }
}

absl::Duration ExponentialBackoff(absl::Duration initial,
                                  absl::Duration maximum, int attempt) {
  absl::Duration backoff = initial;
  for (int i = 1; i < attempt && backoff < maximum; ++i) backoff *= 2;
  return std::min(backoff, maximum);
}

absl::Duration BackoffBeforeRetry(const ConnectionOptions& options, int retry) {
  return ExponentialBackoff(options.initial_backoff, options.max_backoff,
                            retry);
}

std::string NewRequestId() {
  thread_local absl::BitGen random;
  uint64_t high = absl::Uniform<uint64_t>(random);
  uint64_t low = absl::Uniform<uint64_t>(random);
  // RFC 4122: version 4 in the high nibble of octet 6, variant 10xx in octet 8.
  high = (high & ~uint64_t{0xF000}) | uint64_t{0x4000};
  low = (low & ~(uint64_t{0xC} << 60)) | (uint64_t{0x8} << 60);
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", high >> 32,
                         (high >> 16) & 0xFFFF, high & 0xFFFF, low >> 48,
                         low & 0xFFFFFFFFFFFF);
}

Connection::Connection(ConnectionOptions options)
    : options_(std::move(options)),
      channel_(OpenChannel(options_)),
      stubs_(v1::ClinicService::NewStub(channel_),
             v1::PatientService::NewStub(channel_),
             v1::ExerciseService::NewStub(channel_),
             v1::ProgramService::NewStub(channel_),
             v1::SessionService::NewStub(channel_),
             v1::OutcomeService::NewStub(channel_),
             v1::ReportService::NewStub(channel_),
             v1::RtmService::NewStub(channel_),
             v1::AlertService::NewStub(channel_),
             v1::SuggestionService::NewStub(channel_),
             v1::DashboardService::NewStub(channel_),
             v1::AccessService::NewStub(channel_),
             v1::AuditService::NewStub(channel_),
             v1::PatientImportService::NewStub(channel_),
             v1::CsvExportService::NewStub(channel_),
             v1::FhirExportService::NewStub(channel_)) {}

absl::Status Connection::CallWithRetries(
    Idempotency idempotency,
    absl::FunctionRef<grpc::Status(grpc::ClientContext*)> attempt) const {
  for (int retry = 0;; ++retry) {
    if (retry > 0) absl::SleepFor(BackoffBeforeRetry(options_, retry));
    grpc::ClientContext context;
    context.set_deadline(
        absl::ToChronoTime(absl::Now() + options_.call_timeout));
    AddBearerToken(options_.access_token, context);
    const grpc::Status status = attempt(&context);
    if (status.ok()) return absl::OkStatus();
    if (retry >= options_.max_retries ||
        !ShouldRetry(status.error_code(), idempotency)) {
      return FromGrpcStatus(status);
    }
  }
}

}  // namespace glutecare::client

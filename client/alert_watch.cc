#include "client/alert_watch.h"

#include <grpcpp/client_context.h>
#include <grpcpp/support/client_callback.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "client/access_token.h"
#include "client/connection.h"
#include "client/errors.h"

namespace glutecare::client {
namespace {

// One WatchAlerts call, read an alert at a time. gRPC's threads report what
// happens through the On* reactions; the watching thread waits for it with
// the Await* methods. The call starts in the constructor; the destructor
// cancels it if it still runs and waits until gRPC is done with the object.
//
// A hold (AddHold) keeps the call from finishing while the watching thread
// may still start a read; it is released once the reads are over.
class AlertStream final : public grpc::ClientReadReactor<v1::Alert> {
 public:
  AlertStream(v1::AlertService::StubInterface& stub,
              const v1::WatchAlertsRequest& request,
              const std::string& access_token)
      : request_(request) {
    context_.set_wait_for_ready(false);
    AddBearerToken(access_token, context_);
    stub.async()->WatchAlerts(&context_, &request_, this);
    AddHold();
    {
      absl::MutexLock lock(&mutex_);
      reading_ = true;
    }
    StartRead(&incoming_);
    StartCall();
  }

  AlertStream(const AlertStream&) = delete;
  AlertStream& operator=(const AlertStream&) = delete;

  ~AlertStream() override {
    Cancel();
    {
      absl::MutexLock lock(&mutex_);
      mutex_.Await(absl::Condition(this, &AlertStream::IsIdle));
    }
    ReleaseHold();
    done_.WaitForNotification();
  }

  // Asks for the call to end; a read waiting for an alert fails.
  void Cancel() { context_.TryCancel(); }

  // True once the server's headers came, false when the call ended first.
  bool AwaitConnected() {
    absl::MutexLock lock(&mutex_);
    mutex_.Await(absl::Condition(this, &AlertStream::HasConnectionOutcome));
    return *connected_;
  }

  // The next alert, or nullopt once the stream has ended.
  std::optional<v1::Alert> AwaitAlert() {
    std::optional<v1::Alert> alert;
    {
      absl::MutexLock lock(&mutex_);
      mutex_.Await(absl::Condition(this, &AlertStream::IsIdle));
      alert = std::exchange(received_, std::nullopt);
      reading_ = alert.has_value();
    }
    if (alert.has_value()) {
      StartRead(&incoming_);
    } else {
      ReleaseHold();
    }
    return alert;
  }

  // How the call ended. REQUIRES: AwaitAlert() returned nullopt.
  grpc::Status AwaitDone() {
    done_.WaitForNotification();
    return status_;
  }

  void OnReadInitialMetadataDone(bool ok) override {
    absl::MutexLock lock(&mutex_);
    connected_ = ok;
  }

  void OnReadDone(bool ok) override {
    absl::MutexLock lock(&mutex_);
    reading_ = false;
    if (ok) received_ = std::move(incoming_);
  }

  void OnDone(const grpc::Status& status) override {
    status_ = status;
    // The last touch: the watching thread may destroy this object once it
    // sees the notification.
    done_.Notify();
  }

 private:
  bool IsIdle() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    return !reading_;
  }
  bool HasConnectionOutcome() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    return connected_.has_value();
  }

  void ReleaseHold() {
    {
      absl::MutexLock lock(&mutex_);
      if (!holding_) return;
      holding_ = false;
    }
    RemoveHold();
  }

  const v1::WatchAlertsRequest request_;
  grpc::ClientContext context_;
  v1::Alert incoming_;  // written by gRPC while a read is outstanding

  absl::Mutex mutex_;
  bool reading_ ABSL_GUARDED_BY(mutex_) = false;
  bool holding_ ABSL_GUARDED_BY(mutex_) = true;
  std::optional<bool> connected_ ABSL_GUARDED_BY(mutex_);
  std::optional<v1::Alert> received_ ABSL_GUARDED_BY(mutex_);

  grpc::Status status_;  // written once, before done_ is notified
  absl::Notification done_;
};

// The status that a stream ended with, for the listener: an OK end is news
// too, since a watch should never end.
absl::Status EndOfStream(const grpc::Status& status) {
  if (status.ok()) return absl::UnavailableError("the server ended the stream");
  return FromGrpcStatus(status);
}

}  // namespace

bool ShouldReconnect(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::CANCELLED:
      return true;
    default:
      return false;
  }
}

absl::Status WatchAlerts(v1::AlertService::StubInterface& stub,
                         v1::WatchAlertsRequest request,
                         const AlertWatchOptions& options, Stopper& stopper,
                         AlertWatchListener& listener) {
  int alerts = 0;
  int failures_in_a_row = 0;
  while (!stopper.stopped()) {
    grpc::Status status;
    {
      AlertStream stream(stub, request, options.access_token);
      const Stopper::Hook cancel_on_stop =
          stopper.OnStop([&stream] { stream.Cancel(); });
      if (stream.AwaitConnected()) {
        failures_in_a_row = 0;
        listener.OnConnected(request.after_sequence());
      }
      while (std::optional<v1::Alert> alert = stream.AwaitAlert()) {
        listener.OnAlert(*alert);
        request.set_after_sequence(
            std::max(request.after_sequence(), alert->sequence()));
        if (++alerts == options.max_alerts) return absl::OkStatus();
      }
      status = stream.AwaitDone();
    }
    if (stopper.stopped()) break;
    if (!ShouldReconnect(status.error_code())) return FromGrpcStatus(status);
    const absl::Duration backoff = ExponentialBackoff(
        options.initial_backoff, options.max_backoff, ++failures_in_a_row);
    listener.OnReconnecting(EndOfStream(status), backoff);
    if (stopper.SleepFor(backoff)) break;
  }
  return absl::OkStatus();
}

}  // namespace glutecare::client

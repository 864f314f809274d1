// The lifetime core that every server-streaming call of this server shares.
// A stream passes the Gate like a unary call, on the Executor; once admitted,
// its subclass opens it (its own checks and setup) and then makes and writes
// its messages from tasks it queues with RunLocked, never on a gRPC thread.
// The stream finishes once, with its status translated by ToGrpcStatus, and
// the outcome goes to the audit trail. It deletes itself once gRPC is done
// with it (OnDone) and no task of its own is queued or running, so no task
// ever runs on a deleted stream.
//
//   class Countdown final : public ServerStream<v1::Tick> {
//    public:
//     Countdown(CallRunner& calls, Gate::Ticket ticket,
//               const v1::CountdownRequest& request);
//    private:
//     const google::protobuf::Message& request() const override;
//     absl::Status Open(const Principal& caller) override;  // first write
//     void WriteDoneLocked() override;                       // next write
//   };
//
//   return StartServerStream<Countdown>(calls_, context, *request);
//
// Subclasses: ProducerStream (producer_stream.h) for exports, and the
// WatchAlerts stream (alert_service.cc).
#ifndef GLUTECARE_SERVER_SERVICE_SERVER_STREAM_H_
#define GLUTECARE_SERVER_SERVICE_SERVER_STREAM_H_

#include <grpcpp/grpcpp.h>

#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/message.h"
#include "server/domain/access_policy.h"
#include "server/service/call.h"
#include "server/service/gate.h"
#include "server/service/grpc_status.h"

namespace glutecare {

// One server stream; see the top of this file. Thread-safe: gRPC's callbacks,
// the stream's executor tasks and whatever else signals a subclass meet
// under mu_.
template <typename Response>
class ServerStream : public grpc::ServerWriteReactor<Response> {
 public:
  using ResponseType = Response;

  ServerStream(const ServerStream&) = delete;
  ServerStream& operator=(const ServerStream&) = delete;

  // Queues the admission on the executor. Called once, by StartServerStream.
  void Start() {
    absl::MutexLock lock(&mu_);
    RunLocked([this] { Admit(); });
  }

  void OnWriteDone(bool ok) final {
    absl::MutexLock lock(&mu_);
    if (!ok) {
      FinishLocked(absl::CancelledError("the client went away"));
      return;
    }
    WriteDoneLocked();
  }

  void OnCancel() final {
    absl::MutexLock lock(&mu_);
    FinishLocked(absl::CancelledError("the call was cancelled"));
  }

  void OnDone() final {
    bool delete_now;
    {
      absl::MutexLock lock(&mu_);
      done_ = true;
      // gRPC is done with the call: nothing may start on it any more.
      finished_ = true;
      delete_now = tasks_ == 0;
    }
    if (delete_now) delete this;
  }

 protected:
  ServerStream(CallRunner& calls, Gate::Ticket ticket)
      : calls_(calls), ticket_(std::move(ticket)) {}
  // Runs when the stream deletes itself: after OnDone, with no task of its
  // own left and mu_ not held.
  ~ServerStream() override = default;

  // The request the gate checks. Lives as long as the stream.
  virtual const google::protobuf::Message& request() const = 0;

  // On the executor, once the gate has admitted `caller`, unless the stream
  // finished meanwhile; mu_ not held. The stream's own checks and setup,
  // then its first write or the task that makes it. An error finishes the
  // stream (before anything is sent, if nothing was).
  virtual absl::Status Open(const Principal& caller) = 0;

  // The write started last has completed and the client is still there.
  virtual void WriteDoneLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) = 0;

  // Queues `task` on the executor unless the stream is finished; the stream
  // lives until the task has returned. An executor that refuses the task
  // finishes the stream with its error.
  template <typename Task>
  void RunLocked(Task task) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    // A count, not a flag: the write a task starts may complete, and
    // queue the next task, before the task has returned here.
    ++tasks_;
    absl::Status queued =
        calls_.executor().Submit([this, task = std::move(task)]() mutable {
          task();
          bool delete_now;
          {
            absl::MutexLock lock(&mu_);
            --tasks_;
            delete_now = done_ && tasks_ == 0;
          }
          if (delete_now) delete this;
        });
    if (!queued.ok()) {
      --tasks_;
      FinishLocked(queued);
    }
  }

  // Finishes the stream with `status` (OK: no more messages) and audits its
  // outcome, unless it is finished already.
  void FinishLocked(const absl::Status& status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    finished_ = true;
    const grpc::Status result = ToGrpcStatus(status);
    calls_.gate().Audit(ticket_, admission_, result.error_code());
    this->Finish(result);
  }

  // True once the stream has finished or gRPC is done with it: nothing may
  // be written or queued any more.
  bool finished() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return finished_;
  }

  absl::Mutex mu_;

 private:
  // On the executor: the gate, then Open.
  void Admit() {
    Gate::Admission admission = calls_.gate().Admit(ticket_, request());
    const absl::Status admitted = admission.status;
    std::optional<Principal> caller = admission.principal;
    {
      absl::MutexLock lock(&mu_);
      admission_ = std::move(admission);
      if (!admitted.ok()) {
        FinishLocked(admitted);
        return;
      }
      if (finished_) return;
    }
    absl::Status opened = Open(*caller);
    if (!opened.ok()) {
      absl::MutexLock lock(&mu_);
      FinishLocked(opened);
    }
  }

  CallRunner& calls_;
  const Gate::Ticket ticket_;
  Gate::Admission admission_ ABSL_GUARDED_BY(mu_);
  // Tasks of this stream queued or running on the executor.
  int tasks_ ABSL_GUARDED_BY(mu_) = 0;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
};

namespace internal {

// A stream that fails before it starts.
template <typename Response>
class FailedStream final : public grpc::ServerWriteReactor<Response> {
 public:
  explicit FailedStream(const absl::Status& status) {
    this->Finish(ToGrpcStatus(status));
  }
  void OnDone() override { delete this; }
};

}  // namespace internal

// Serves a server-streaming call as a `Stream` (a ServerStream, constructed
// from the calls, the call's gate ticket and `args`), or fails it when the
// gate refuses it on arrival. Call it from the service's method and return
// what it returns.
template <typename Stream, typename... Args>
grpc::ServerWriteReactor<typename Stream::ResponseType>* StartServerStream(
    CallRunner& calls, grpc::CallbackServerContext* context, Args&&... args) {
  absl::StatusOr<Gate::Ticket> ticket = calls.gate().Arrive(*context);
  if (!ticket.ok()) {
    return new internal::FailedStream<typename Stream::ResponseType>(
        ticket.status());
  }
  auto* stream =
      new Stream(calls, *std::move(ticket), std::forward<Args>(args)...);
  stream->Start();
  return stream;
}

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_SERVER_STREAM_H_

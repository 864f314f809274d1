// A server stream of whatever a producer makes, for exports: the call passes
// the Gate like a unary call, then the producer runs on the Executor, one
// message at a time, and the next is made only once the client has taken the
// last (one write in flight). So a stream holds one message and what the
// producer keeps between calls, however large the export and however slow
// the client.
//
//   grpc::ServerWriteReactor<v1::CsvChunk>* ExportCsv(
//       grpc::CallbackServerContext* context,
//       const v1::ExportCsvRequest* request) override {
//     return StartProducerStream<v1::CsvChunk>(
//         calls_, context, *request,
//         [this, request = *request](const Principal&)
//             -> absl::StatusOr<Producer<v1::CsvChunk>> {
//           ...validate `request`, then return the producer...
//         });
//   }
#ifndef GLUTECARE_SERVER_SERVICE_PRODUCER_STREAM_H_
#define GLUTECARE_SERVER_SERVICE_PRODUCER_STREAM_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/domain/access_policy.h"
#include "server/service/call.h"
#include "server/service/gate.h"
#include "server/service/grpc_status.h"

namespace glutecare {

// Makes a stream's messages: each call returns the next, nullopt once there
// are no more, or an error that ends the stream. Runs on the executor, one
// call at a time; it may block on the store.
template <typename Response>
using Producer = std::function<absl::StatusOr<std::optional<Response>>()>;

// Checks a stream's request for its admitted caller and returns its
// producer; an error ends the stream before anything is sent.
template <typename Response>
using ProducerFactory =
    std::function<absl::StatusOr<Producer<Response>>(const Principal&)>;

namespace internal {

// One stream. Deletes itself once gRPC is done with it (OnDone) and no task
// of its own is running on the executor.
template <typename Response>
class ProducerStream final : public grpc::ServerWriteReactor<Response> {
 public:
  ProducerStream(CallRunner& calls, Gate::Ticket ticket,
                 std::unique_ptr<google::protobuf::Message> request,
                 ProducerFactory<Response> factory)
      : calls_(calls),
        ticket_(std::move(ticket)),
        request_(std::move(request)),
        factory_(std::move(factory)) {}

  void Start() {
    absl::MutexLock lock(&mu_);
    RunLocked([this] { Admit(); });
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    if (!ok) {
      FinishLocked(absl::CancelledError("the client went away"));
      return;
    }
    RunLocked([this] { Produce(); });
  }

  void OnCancel() override {
    absl::MutexLock lock(&mu_);
    FinishLocked(absl::CancelledError("the call was cancelled"));
  }

  void OnDone() override {
    bool delete_now;
    {
      absl::MutexLock lock(&mu_);
      done_ = true;
      delete_now = tasks_ == 0;
    }
    if (delete_now) delete this;
  }

 private:
  // Runs `task` on the executor unless the stream is finished.
  template <typename Task>
  void RunLocked(Task task) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    // A count, not a flag: the write a task starts may complete, and
    // schedule the next task, before the task has returned here.
    ++tasks_;
    absl::Status queued = calls_.executor().Submit([this, task]() mutable {
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

  // On the executor: the gate, then the factory, then the first message.
  void Admit() {
    Gate::Admission admission = calls_.gate().Admit(ticket_, *request_);
    absl::StatusOr<Producer<Response>> producer =
        admission.status.ok()
            ? factory_(*admission.principal)
            : absl::StatusOr<Producer<Response>>(admission.status);
    {
      absl::MutexLock lock(&mu_);
      admission_ = std::move(admission);
      if (!producer.ok()) {
        FinishLocked(producer.status());
        return;
      }
    }
    producer_ = *std::move(producer);
    Produce();
  }

  // On the executor: the next message, written once it is made.
  void Produce() {
    {
      // A cancelled call is finished already (OnCancel). The context is
      // not asked: once gRPC is done with the call (OnDone) it is gone.
      absl::MutexLock lock(&mu_);
      if (finished_) return;
    }
    absl::StatusOr<std::optional<Response>> next = producer_();
    absl::MutexLock lock(&mu_);
    if (finished_) return;
    if (!next.ok()) {
      FinishLocked(next.status());
    } else if (!next->has_value()) {
      FinishLocked(absl::OkStatus());
    } else {
      message_ = **std::move(next);
      this->StartWrite(&message_);
    }
  }

  void FinishLocked(const absl::Status& status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    finished_ = true;
    const grpc::Status result = ToGrpcStatus(status);
    calls_.gate().Audit(ticket_, admission_, result.error_code());
    this->Finish(result);
  }

  CallRunner& calls_;
  const Gate::Ticket ticket_;
  const std::unique_ptr<google::protobuf::Message> request_;
  const ProducerFactory<Response> factory_;
  // Used by one executor task at a time: the next is scheduled only once
  // the write the last one started is done.
  Producer<Response> producer_;
  Response message_;  // the write in flight

  absl::Mutex mu_;
  Gate::Admission admission_ ABSL_GUARDED_BY(mu_);
  // Tasks of this stream queued or running on the executor.
  int tasks_ ABSL_GUARDED_BY(mu_) = 0;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
};

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

// Serves `request` (a server-streaming call's) as a stream of what the
// producer that `factory` returns makes; see the top of this file. Call it
// from the service's method and return what it returns.
template <typename Response>
grpc::ServerWriteReactor<Response>* StartProducerStream(
    CallRunner& calls, grpc::CallbackServerContext* context,
    const google::protobuf::Message& request,
    ProducerFactory<Response> factory) {
  absl::StatusOr<Gate::Ticket> ticket = calls.gate().Arrive(*context);
  if (!ticket.ok()) return new internal::FailedStream<Response>(ticket.status());
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  auto* stream = new internal::ProducerStream<Response>(
      calls, *std::move(ticket), std::move(copy), std::move(factory));
  stream->Start();
  return stream;
}

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_PRODUCER_STREAM_H_

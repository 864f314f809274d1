// A server stream of whatever a producer makes, for exports: the call passes
// the Gate like a unary call, then the producer runs on the Executor, one
// message at a time, and the next is made only once the client has taken the
// last (one write in flight). So a stream holds one message and what the
// producer keeps between calls, however large the export and however slow
// the client. Its lifetime is ServerStream's (server_stream.h).
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
#include <memory>
#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/status_macros.h"
#include "google/protobuf/message.h"
#include "server/domain/access_policy.h"
#include "server/service/call.h"
#include "server/service/gate.h"
#include "server/service/server_stream.h"

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

// A stream of what one producer makes.
template <typename Response>
class ProducerStream final : public ServerStream<Response> {
 public:
  ProducerStream(CallRunner& calls, Gate::Ticket ticket,
                 std::unique_ptr<google::protobuf::Message> request,
                 ProducerFactory<Response> factory)
      : ServerStream<Response>(calls, std::move(ticket)),
        request_(std::move(request)),
        factory_(std::move(factory)) {}

 private:
  const google::protobuf::Message& request() const override {
    return *request_;
  }

  // On the executor: the factory, then the first message.
  absl::Status Open(const Principal& caller) override {
    GLUTECARE_ASSIGN_OR_RETURN(producer_, factory_(caller));
    Produce();
    return absl::OkStatus();
  }

  void WriteDoneLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(this->mu_) override {
    this->RunLocked([this] { Produce(); });
  }

  // On the executor: the next message, written once it is made.
  void Produce() {
    {
      // A cancelled call is finished already (OnCancel). The context is
      // not asked: once gRPC is done with the call (OnDone) it is gone.
      absl::MutexLock lock(&this->mu_);
      if (this->finished()) return;
    }
    absl::StatusOr<std::optional<Response>> next = producer_();
    absl::MutexLock lock(&this->mu_);
    if (this->finished()) return;
    if (!next.ok()) {
      this->FinishLocked(next.status());
    } else if (!next->has_value()) {
      this->FinishLocked(absl::OkStatus());
    } else {
      message_ = **std::move(next);
      this->StartWrite(&message_);
    }
  }

  const std::unique_ptr<google::protobuf::Message> request_;
  const ProducerFactory<Response> factory_;
  // Used by one executor task at a time: the next is scheduled only once
  // the write the last one started is done.
  Producer<Response> producer_;
  Response message_;  // the write in flight
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
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  return StartServerStream<internal::ProducerStream<Response>>(
      calls, context, std::move(copy), std::move(factory));
}

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_PRODUCER_STREAM_H_

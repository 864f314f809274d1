// Glue between gRPC's callback API and the blocking handlers of the services:
// every call passes the Gate (token, policy, in-flight limit) before its
// handler runs, the handler runs on an Executor, never on a gRPC thread (the
// calls that only read on an executor of their own, so that they do not queue
// behind writes waiting on their commits; a read of derived data still waits
// for the evaluations scheduled before it, PatientMonitor::Flush), the
// call finishes with the handler's status translated by ToGrpcStatus, and
// the outcome goes to the audit trail.
//
//   grpc::ServerUnaryReactor* GetPatient(grpc::CallbackServerContext* context,
//                                        const v1::GetPatientRequest* request,
//                                        v1::Patient* response) override {
//     return calls_.Run(context, *request, [=, this] {
//       ...
//       return absl::OkStatus();
//     });
//   }
//
// A handler that needs the caller takes `const Principal&`.
#ifndef GLUTECARE_SERVER_SERVICE_CALL_H_
#define GLUTECARE_SERVER_SERVICE_CALL_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "server/common/executor.h"
#include "server/common/status.h"
#include "server/domain/access_policy.h"
#include "server/domain/validation.h"
#include "server/service/gate.h"
#include "server/service/grpc_status.h"
#include "server/storage/store.h"

namespace glutecare {

namespace internal {

// A unary call's reactor: holds the call's Gate::CallInFlight until gRPC is
// done with the call, its status sent, so that a shutdown waiting for the
// calls in flight never closes a connection under a reply. Deletes itself.
class UnaryCall final : public grpc::ServerUnaryReactor {
 public:
  explicit UnaryCall(Gate::CallInFlight call) : call_(std::move(call)) {}
  void OnDone() override { delete this; }

 private:
  Gate::CallInFlight call_;
};

}  // namespace internal

// Whether the method whose request is `request` only reads: the standard Get
// and List methods of the API design guide, the reports (GetXReport)
// included, whose requests are named GetXRequest and ListXRequest. Only
// scheduling depends on it: a read run with the writes, or a write with the
// reads, is as correct.
bool OnlyReads(const google::protobuf::Message& request);

// Runs unary calls through the gate on the executors. Thread-safe.
class CallRunner final {
 public:
  // Calls that only read (OnlyReads) run on `read_executor`, the others on
  // `executor`.
  CallRunner(Gate& gate, Executor& executor, Executor& read_executor)
      : gate_(gate), executor_(executor), read_executor_(read_executor) {}

  Gate& gate() { return gate_; }
  Executor& executor() { return executor_; }

  // Admits the call (see Gate), then runs `handler` (returning absl::Status,
  // taking nothing or the caller's Principal) on its executor and finishes
  // the call with its status. A call cancelled, or past its deadline, before
  // its turn comes is finished without running anything.
  template <typename Handler>
  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* context,
                                const google::protobuf::Message& request,
                                Handler handler) {
    absl::StatusOr<Gate::Ticket> ticket = gate_.Arrive(*context);
    if (!ticket.ok()) {
      grpc::ServerUnaryReactor* refused = context->DefaultReactor();
      refused->Finish(ToGrpcStatus(ticket.status()));
      return refused;
    }
    grpc::ServerUnaryReactor* reactor =
        new internal::UnaryCall(ticket->TakeCallInFlight());
    Executor& executor = OnlyReads(request) ? read_executor_ : executor_;
    absl::Status queued = executor.Submit(
        [this, context, reactor, &request, ticket = *std::move(ticket),
         handler = std::move(handler)]() mutable {
          // gRPC marks a call cancelled when its deadline timer fires or the
          // client resets the stream, on its own threads and possibly late
          // under load; the deadline itself is checked here as well.
          if (context->deadline() <= std::chrono::system_clock::now()) {
            reactor->Finish(ToGrpcStatus(absl::DeadlineExceededError(
                "the call's deadline passed before it ran")));
            return;
          }
          if (context->IsCancelled()) {
            reactor->Finish(ToGrpcStatus(
                absl::CancelledError("the call was cancelled before it ran")));
            return;
          }
          Gate::Admission admission = gate_.Admit(ticket, request);
          absl::Status status = admission.status;
          if (status.ok()) {
            if constexpr (std::is_invocable_v<Handler&, const Principal&>) {
              status = handler(*admission.principal);
            } else {
              status = handler();
            }
          }
          grpc::Status result = ToGrpcStatus(status);
          gate_.Audit(ticket, admission, result.error_code());
          reactor->Finish(result);
        });
    if (!queued.ok()) reactor->Finish(ToGrpcStatus(queued));
    return reactor;
  }

 private:
  Gate& gate_;
  Executor& executor_;
  Executor& read_executor_;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_CALL_H_

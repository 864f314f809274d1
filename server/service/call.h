// Glue between gRPC's callback API and the blocking handlers of the services:
// a handler runs on the Executor, never on a gRPC thread, and the call
// finishes with the handler's status translated by ToGrpcStatus.
//
//   grpc::ServerUnaryReactor* GetPatient(grpc::CallbackServerContext* context,
//                                        const v1::GetPatientRequest* request,
//                                        v1::Patient* response) override {
//     return RunOnExecutor(executor_, context, [=, this] {
//       ...
//       return absl::OkStatus();
//     });
//   }
#ifndef GLUTECARE_SERVER_SERVICE_CALL_H_
#define GLUTECARE_SERVER_SERVICE_CALL_H_

#include <grpcpp/grpcpp.h>

#include <utility>

#include "absl/status/status.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "server/common/status.h"
#include "server/domain/validation.h"
#include "server/service/executor.h"
#include "server/service/grpc_status.h"
#include "server/storage/store.h"

namespace glutecare {

// Runs `handler` (returning absl::Status) on `executor` and finishes the call
// with its status. A call cancelled, or past its deadline, before its turn
// comes is finished without running the handler.
template <typename Handler>
grpc::ServerUnaryReactor* RunOnExecutor(Executor& executor,
                                        grpc::CallbackServerContext* context,
                                        Handler handler) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::Status queued = executor.Submit(
      [context, reactor, handler = std::move(handler)]() mutable {
        if (context->IsCancelled()) {
          reactor->Finish(grpc::Status(
              grpc::StatusCode::CANCELLED,
              "the call was cancelled or timed out before it ran"));
          return;
        }
        reactor->Finish(ToGrpcStatus(handler()));
      });
  if (!queued.ok()) reactor->Finish(ToGrpcStatus(queued));
  return reactor;
}

// Runs a handler that needs no blocking work on the calling gRPC thread.
template <typename Handler>
grpc::ServerUnaryReactor* RunInline(grpc::CallbackServerContext* context,
                                    Handler handler) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(handler()));
  return reactor;
}

// The body of a List method: validates the requested page size, asks
// `list` (a callable taking a PageRequest and returning
// absl::StatusOr<Page<T>>) for the page, and moves it into the response's
// repeated field and next_page_token.
template <typename T, typename ListFn>
absl::Status ListInto(int32_t requested_page_size,
                      const std::string& page_token, ListFn list,
                      google::protobuf::RepeatedPtrField<T>* items,
                      std::string* next_page_token) {
  GLUTECARE_ASSIGN_OR_RETURN(int32_t page_size,
                             EffectivePageSize(requested_page_size));
  GLUTECARE_ASSIGN_OR_RETURN(Page<T> page,
                             list(PageRequest{page_size, page_token}));
  items->Reserve(static_cast<int>(page.items.size()));
  for (T& item : page.items) *items->Add() = std::move(item);
  *next_page_token = std::move(page.next_page_token);
  return absl::OkStatus();
}

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_CALL_H_

// A unary call of any method by its path, with the request as bytes, through
// gRPC's generic stub: for the tests and fuzzers that call every method the
// same way.
//
//   grpc::ClientContext context;
//   context.set_deadline(...);
//   grpc::Status status = CallUnaryGeneric(stub, context,
//                                          "/glutecare.v1.PatientService/GetPatient",
//                                          request_bytes);
#ifndef GLUTECARE_TESTS_TESTING_GENERIC_CALL_H_
#define GLUTECARE_TESTS_TESTING_GENERIC_CALL_H_

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <string>

namespace glutecare::testing {

// Calls the unary method `path` (`/{package}.{Service}/{Method}`) with
// `request` and waits for it to end, which `context`'s deadline bounds; the
// status it ended with (its response is dropped).
inline grpc::Status CallUnaryGeneric(grpc::GenericStub& stub,
                                     grpc::ClientContext& context,
                                     const std::string& path,
                                     const grpc::ByteBuffer& request) {
  grpc::CompletionQueue queue;
  auto call = stub.PrepareUnaryCall(&context, path, request, &queue);
  call->StartCall();
  grpc::ByteBuffer response;
  grpc::Status status;
  call->Finish(&response, &status, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  const bool finished = queue.Next(&tag, &ok);
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  if (!finished) {
    return grpc::Status(grpc::StatusCode::INTERNAL,
                        "the completion queue ended before the call");
  }
  return status;
}

}  // namespace glutecare::testing

#endif  // GLUTECARE_TESTS_TESTING_GENERIC_CALL_H_

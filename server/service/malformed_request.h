// Turns gRPC's answer to a request that protobuf cannot parse into the
// error this server gives for bad input.
//
// gRPC parses a request before any of the server's code runs. When parsing
// fails (a string field that is not valid UTF-8, which proto3 forbids, or
// bytes that are not the method's request message), gRPC 1.51's callback API
// answers UNIMPLEMENTED with an empty message: a client would conclude that
// the method does not exist. This interceptor sees that the request was not
// parsed and replaces that answer with INVALID_ARGUMENT naming the request
// type and the likely cause. The offending field cannot be named: the bytes
// never reach the server's code.
//
//   std::vector<std::unique_ptr<
//       grpc::experimental::ServerInterceptorFactoryInterface>> creators;
//   creators.push_back(MalformedRequestInterceptorFactory());
//   builder.experimental().SetInterceptorCreators(std::move(creators));
#ifndef GLUTECARE_SERVER_SERVICE_MALFORMED_REQUEST_H_
#define GLUTECARE_SERVER_SERVICE_MALFORMED_REQUEST_H_

#include <grpcpp/support/server_interceptor.h>

#include <memory>

namespace glutecare {

// Applies to the methods of services in the generated descriptor pool; calls
// to unknown methods keep their UNIMPLEMENTED.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MalformedRequestInterceptorFactory();

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_MALFORMED_REQUEST_H_

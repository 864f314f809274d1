// The one place where an internal absl::Status becomes the grpc::Status a
// client sees: the same code and message, plus a google.rpc.Status in the
// error details with the request's field violations (google.rpc.BadRequest)
// and one google.rpc.ErrorInfo naming the reason (ErrorReasonOf in
// common/status.h: the one its site named, else its code's default).
#ifndef GLUTECARE_SERVER_SERVICE_GRPC_STATUS_H_
#define GLUTECARE_SERVER_SERVICE_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace glutecare {

// The domain of every ErrorInfo this server sends.
inline constexpr char kErrorDomain[] = "glutecare.v1";

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_GRPC_STATUS_H_

#include "server/service/grpc_status.h"

#include <string>

#include "absl/strings/cord.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "server/common/log.h"
#include "server/common/status.h"

namespace glutecare {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const absl::StatusCode code = status.code();
  if (code == absl::StatusCode::kInternal ||
      code == absl::StatusCode::kDataLoss ||
      code == absl::StatusCode::kUnknown) {
    Log(LogSeverity::kError, status.ToString());
  }

  google::rpc::Status details;
  details.set_code(static_cast<int>(code));
  details.set_message(std::string(status.message()));
  if (absl::optional<absl::Cord> bad_request =
          status.GetPayload(kBadRequestTypeUrl)) {
    google::protobuf::Any* any = details.add_details();
    any->set_type_url(std::string(kBadRequestTypeUrl));
    any->set_value(std::string(*bad_request));
  }
  google::rpc::ErrorInfo info;
  info.set_reason(ErrorReasonOf(status));
  info.set_domain(kErrorDomain);
  details.add_details()->PackFrom(info);

  return grpc::Status(static_cast<grpc::StatusCode>(code),
                      std::string(status.message()),
                      details.SerializeAsString());
}

}  // namespace glutecare

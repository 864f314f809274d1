// What a failed call's google.rpc.Status details say, for tests.
//
//   EXPECT_THAT(ViolatedFields(status), ElementsAre("session.pain_before"));
#ifndef GLUTECARE_TESTS_TESTING_GRPC_ERRORS_H_
#define GLUTECARE_TESTS_TESTING_GRPC_ERRORS_H_

#include <grpcpp/support/status.h>

#include <string>
#include <vector>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace glutecare::testing {

// The field paths of the BadRequest violations in `status`'s details.
inline std::vector<std::string> ViolatedFields(const grpc::Status& status) {
  google::rpc::Status details;
  std::vector<std::string> fields;
  if (!details.ParseFromString(status.error_details())) return fields;
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad_request;
    if (any.UnpackTo(&bad_request)) {
      for (const auto& v : bad_request.field_violations()) {
        fields.push_back(v.field());
      }
    }
  }
  return fields;
}

// The reason of the ErrorInfo in `status`'s details, or empty.
inline std::string ErrorReason(const grpc::Status& status) {
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return "";
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) return info.reason();
  }
  return "";
}

}  // namespace glutecare::testing

#endif  // GLUTECARE_TESTS_TESTING_GRPC_ERRORS_H_

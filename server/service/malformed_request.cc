#include "server/service/malformed_request.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "server/service/grpc_status.h"

namespace glutecare {
namespace {

using grpc::experimental::InterceptionHookPoints;

// One per call. gRPC runs a call's hooks one batch at a time, so the member
// needs no lock.
class MalformedRequestInterceptor final
    : public grpc::experimental::Interceptor {
 public:
  explicit MalformedRequestInterceptor(
      const google::protobuf::MethodDescriptor* method)
      : method_(method) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    // A unary or server-streaming call whose request failed to parse reaches
    // POST_RECV_MESSAGE with no message.
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() == nullptr) {
      unparsed_ = true;
    }
    if (unparsed_ && methods->QueryInterceptionHookPoint(
                         InterceptionHookPoints::PRE_SEND_STATUS) &&
        methods->GetSendStatus().error_code() ==
            grpc::StatusCode::UNIMPLEMENTED) {
      methods->ModifySendStatus(ToGrpcStatus(absl::InvalidArgumentError(
          absl::StrCat("the request is not a valid ",
                       method_->input_type()->full_name(),
                       ": a string field holds text that is not valid UTF-8, "
                       "or the bytes are not that message"))));
    }
    methods->Proceed();
  }

 private:
  const google::protobuf::MethodDescriptor* const method_;
  bool unparsed_ = false;
};

class MalformedRequestInterceptorFactoryImpl final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    // "/glutecare.v1.PatientService/GetPatient" -> the method's descriptor.
    absl::string_view path = info->method();
    if (path.empty() || path.front() != '/') return nullptr;
    path.remove_prefix(1);
    const size_t slash = path.find('/');
    if (slash == absl::string_view::npos) return nullptr;
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            std::string(path.substr(0, slash)));
    if (service == nullptr) return nullptr;
    const google::protobuf::MethodDescriptor* method =
        service->FindMethodByName(std::string(path.substr(slash + 1)));
    if (method == nullptr || method->client_streaming()) return nullptr;
    return new MalformedRequestInterceptor(method);
  }
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MalformedRequestInterceptorFactory() {
  return std::make_unique<MalformedRequestInterceptorFactoryImpl>();
}

}  // namespace glutecare

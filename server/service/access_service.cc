// glutecare.v1.AccessService: a clinic's access tokens, for its admins, and
// each caller's own token.
#include <memory>

#include "absl/time/clock.h"
#include "glutecare/v1/access_service.grpc.pb.h"
#include "google/protobuf/util/time_util.h"
#include "server/app/access_tokens.h"
#include "server/common/clock.h"
#include "server/common/status.h"
#include "server/domain/resource_names.h"
#include "server/service/call.h"
#include "server/service/services.h"
#include "server/service/standard_methods.h"
#include "server/storage/store.h"

namespace glutecare {

namespace {

class AccessServiceImpl final : public v1::AccessService::CallbackService {
 public:
  // `store` and `calls` must outlive the service.
  AccessServiceImpl(Store& store, CallRunner& calls)
      : store_(store), calls_(calls) {}

  grpc::ServerUnaryReactor* CreateAccessToken(
      grpc::CallbackServerContext* context,
      const v1::CreateAccessTokenRequest* request,
      v1::CreateAccessTokenResponse* response) override {
    return calls_.Run(
        context, *request, [=, this](const Principal& caller) -> absl::Status {
          GLUTECARE_ASSIGN_OR_RETURN(
              ClinicName clinic,
              ClinicName::Parse(request->parent(), "parent"));
          GLUTECARE_ASSIGN_OR_RETURN(
              MintedToken minted,
              MintAccessToken(store_, clinic, request->access_token(),
                              caller.token.ToString(), absl::Now()));
          *response->mutable_access_token() = std::move(minted.token);
          response->set_secret(std::move(minted.secret));
          return absl::OkStatus();
        });
  }

  grpc::ServerUnaryReactor* ListAccessTokens(
      grpc::CallbackServerContext* context,
      const v1::ListAccessTokensRequest* request,
      v1::ListAccessTokensResponse* response) override {
    return calls_.Run(context, *request,
                      ListMethod(store_, &Store::ListAccessTokens, *request,
                                 response->mutable_access_tokens(), response));
  }

  grpc::ServerUnaryReactor* RevokeAccessToken(
      grpc::CallbackServerContext* context,
      const v1::RevokeAccessTokenRequest* request,
      v1::AccessToken* response) override {
    return calls_.Run(context, *request, [=, this]() -> absl::Status {
      GLUTECARE_ASSIGN_OR_RETURN(
          AccessTokenName name,
          AccessTokenName::Parse(request->name(), "name"));
      GLUTECARE_ASSIGN_OR_RETURN(
          *response, store_.RevokeAccessToken(name, NowTimestamp()));
      return absl::OkStatus();
    });
  }

  grpc::ServerUnaryReactor* GetCallerAccessToken(
      grpc::CallbackServerContext* context,
      const v1::GetCallerAccessTokenRequest* request,
      v1::AccessToken* response) override {
    return calls_.Run(context, *request,
                      [response](const Principal& caller) -> absl::Status {
                        *response = caller.access_token;
                        return absl::OkStatus();
                      });
  }

 private:
  Store& store_;
  CallRunner& calls_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewAccessService(Store& store,
                                                CallRunner& calls) {
  return std::make_unique<AccessServiceImpl>(store, calls);
}

}  // namespace glutecare

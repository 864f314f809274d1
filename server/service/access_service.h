// glutecare.v1.AccessService: a clinic's access tokens, for its admins, and
// each caller's own token.
#ifndef GLUTECARE_SERVER_SERVICE_ACCESS_SERVICE_H_
#define GLUTECARE_SERVER_SERVICE_ACCESS_SERVICE_H_

#include "glutecare/v1/access_service.grpc.pb.h"
#include "server/service/call.h"
#include "server/storage/store.h"

namespace glutecare {

class AccessServiceImpl final : public v1::AccessService::CallbackService {
 public:
  // `store` and `calls` must outlive the service.
  AccessServiceImpl(Store& store, CallRunner& calls)
      : store_(store), calls_(calls) {}

  grpc::ServerUnaryReactor* CreateAccessToken(
      grpc::CallbackServerContext* context,
      const v1::CreateAccessTokenRequest* request,
      v1::CreateAccessTokenResponse* response) override;
  grpc::ServerUnaryReactor* ListAccessTokens(
      grpc::CallbackServerContext* context,
      const v1::ListAccessTokensRequest* request,
      v1::ListAccessTokensResponse* response) override;
  grpc::ServerUnaryReactor* RevokeAccessToken(
      grpc::CallbackServerContext* context,
      const v1::RevokeAccessTokenRequest* request,
      v1::AccessToken* response) override;
  grpc::ServerUnaryReactor* GetCallerAccessToken(
      grpc::CallbackServerContext* context,
      const v1::GetCallerAccessTokenRequest* request,
      v1::AccessToken* response) override;

 private:
  Store& store_;
  CallRunner& calls_;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_ACCESS_SERVICE_H_

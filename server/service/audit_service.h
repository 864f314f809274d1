// glutecare.v1.AuditService: a clinic's audit trail, for its admins.
#ifndef GLUTECARE_SERVER_SERVICE_AUDIT_SERVICE_H_
#define GLUTECARE_SERVER_SERVICE_AUDIT_SERVICE_H_

#include "glutecare/v1/audit_service.grpc.pb.h"
#include "server/app/audit_log.h"
#include "server/service/call.h"
#include "server/storage/store.h"

namespace glutecare {

class AuditServiceImpl final : public v1::AuditService::CallbackService {
 public:
  // `store`, `calls` and `audit` must outlive the service.
  AuditServiceImpl(Store& store, CallRunner& calls, AuditLog& audit)
      : store_(store), calls_(calls), audit_(audit) {}

  grpc::ServerUnaryReactor* ListAuditEvents(
      grpc::CallbackServerContext* context,
      const v1::ListAuditEventsRequest* request,
      v1::ListAuditEventsResponse* response) override;

 private:
  Store& store_;
  CallRunner& calls_;
  AuditLog& audit_;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_AUDIT_SERVICE_H_

// glutecare.v1.AlertService: list, acknowledge and resolve alerts, and watch
// a clinic's alerts live.
#ifndef GLUTECARE_SERVER_SERVICE_ALERT_SERVICE_H_
#define GLUTECARE_SERVER_SERVICE_ALERT_SERVICE_H_

#include "glutecare/v1/alert_service.grpc.pb.h"
#include "server/service/alert_hub.h"
#include "server/service/call.h"
#include "server/service/patient_monitor.h"
#include "server/storage/store.h"

namespace glutecare {

class AlertServiceImpl final : public v1::AlertService::CallbackService {
 public:
  // The arguments must outlive the service.
  AlertServiceImpl(Store& store, CallRunner& calls, AlertHub& hub,
                   PatientMonitor& monitor)
      : store_(store), calls_(calls), hub_(hub), monitor_(monitor) {}

  grpc::ServerUnaryReactor* ListAlerts(
      grpc::CallbackServerContext* context,
      const v1::ListAlertsRequest* request,
      v1::ListAlertsResponse* response) override;
  grpc::ServerUnaryReactor* AcknowledgeAlert(
      grpc::CallbackServerContext* context,
      const v1::AcknowledgeAlertRequest* request, v1::Alert* response) override;
  grpc::ServerUnaryReactor* ResolveAlert(grpc::CallbackServerContext* context,
                                         const v1::ResolveAlertRequest* request,
                                         v1::Alert* response) override;
  grpc::ServerWriteReactor<v1::Alert>* WatchAlerts(
      grpc::CallbackServerContext* context,
      const v1::WatchAlertsRequest* request) override;

 private:
  // Moves the alert named `alert` (a field of `request`) to `state`.
  grpc::ServerUnaryReactor* SetState(grpc::CallbackServerContext* context,
                                     const google::protobuf::Message& request,
                                     const std::string& alert,
                                     v1::AlertState state, v1::Alert* response);

  Store& store_;
  CallRunner& calls_;
  AlertHub& hub_;
  PatientMonitor& monitor_;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_ALERT_SERVICE_H_

// glutecare.v1.DashboardService: a clinic's (or a therapist's) patients,
// highest attention score first, read from the statuses PatientMonitor keeps
// current.
#ifndef GLUTECARE_SERVER_SERVICE_DASHBOARD_SERVICE_H_
#define GLUTECARE_SERVER_SERVICE_DASHBOARD_SERVICE_H_

#include "glutecare/v1/dashboard_service.grpc.pb.h"
#include "server/app/patient_monitor.h"
#include "server/service/call.h"
#include "server/storage/store.h"

namespace glutecare {

class DashboardServiceImpl final
    : public v1::DashboardService::CallbackService {
 public:
  // The arguments must outlive the service.
  DashboardServiceImpl(Store& store, CallRunner& calls, PatientMonitor& monitor)
      : store_(store), calls_(calls), monitor_(monitor) {}

  grpc::ServerUnaryReactor* ListPatientStatuses(
      grpc::CallbackServerContext* context,
      const v1::ListPatientStatusesRequest* request,
      v1::ListPatientStatusesResponse* response) override;

 private:
  Store& store_;
  CallRunner& calls_;
  PatientMonitor& monitor_;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_DASHBOARD_SERVICE_H_

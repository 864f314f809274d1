// glutecare.v1.PatientService: a clinic's patients.
#ifndef GLUTECARE_SERVER_SERVICE_PATIENT_SERVICE_H_
#define GLUTECARE_SERVER_SERVICE_PATIENT_SERVICE_H_

#include "glutecare/v1/patient_service.grpc.pb.h"
#include "server/app/patient_monitor.h"
#include "server/service/call.h"
#include "server/storage/store.h"

namespace glutecare {

class PatientServiceImpl final : public v1::PatientService::CallbackService {
 public:
  // `store` and `calls` must outlive the service.
  PatientServiceImpl(Store& store, CallRunner& calls, PatientMonitor& monitor)
      : store_(store), calls_(calls), monitor_(monitor) {}

  grpc::ServerUnaryReactor* CreatePatient(
      grpc::CallbackServerContext* context,
      const v1::CreatePatientRequest* request, v1::Patient* response) override;
  grpc::ServerUnaryReactor* GetPatient(grpc::CallbackServerContext* context,
                                       const v1::GetPatientRequest* request,
                                       v1::Patient* response) override;
  grpc::ServerUnaryReactor* ListPatients(
      grpc::CallbackServerContext* context,
      const v1::ListPatientsRequest* request,
      v1::ListPatientsResponse* response) override;
  grpc::ServerUnaryReactor* UpdatePatient(
      grpc::CallbackServerContext* context,
      const v1::UpdatePatientRequest* request, v1::Patient* response) override;

 private:
  Store& store_;
  CallRunner& calls_;
  PatientMonitor& monitor_;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_PATIENT_SERVICE_H_

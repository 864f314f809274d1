// glutecare.v1.ClinicService: clinics and their therapists.
#ifndef GLUTECARE_SERVER_SERVICE_CLINIC_SERVICE_H_
#define GLUTECARE_SERVER_SERVICE_CLINIC_SERVICE_H_

#include "glutecare/v1/clinic_service.grpc.pb.h"
#include "server/service/call.h"
#include "server/storage/store.h"

namespace glutecare {

class ClinicServiceImpl final : public v1::ClinicService::CallbackService {
 public:
  // `store` and `calls` must outlive the service.
  ClinicServiceImpl(Store& store, CallRunner& calls)
      : store_(store), calls_(calls) {}

  grpc::ServerUnaryReactor* GetClinic(grpc::CallbackServerContext* context,
                                      const v1::GetClinicRequest* request,
                                      v1::Clinic* response) override;
  grpc::ServerUnaryReactor* CreateTherapist(
      grpc::CallbackServerContext* context,
      const v1::CreateTherapistRequest* request,
      v1::Therapist* response) override;
  grpc::ServerUnaryReactor* GetTherapist(grpc::CallbackServerContext* context,
                                         const v1::GetTherapistRequest* request,
                                         v1::Therapist* response) override;
  grpc::ServerUnaryReactor* ListTherapists(
      grpc::CallbackServerContext* context,
      const v1::ListTherapistsRequest* request,
      v1::ListTherapistsResponse* response) override;

 private:
  Store& store_;
  CallRunner& calls_;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_CLINIC_SERVICE_H_

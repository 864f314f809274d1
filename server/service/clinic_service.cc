// glutecare.v1.ClinicService: clinics and their therapists.
#include <memory>

#include "absl/time/clock.h"
#include "glutecare/v1/clinic_service.grpc.pb.h"
#include "google/protobuf/util/time_util.h"
#include "server/common/clock.h"
#include "server/common/status.h"
#include "server/domain/resource_names.h"
#include "server/domain/validation.h"
#include "server/service/call.h"
#include "server/service/services.h"
#include "server/service/standard_methods.h"
#include "server/storage/store.h"

namespace glutecare {
namespace {

class ClinicServiceImpl final : public v1::ClinicService::CallbackService {
 public:
  // `store` and `calls` must outlive the service.
  ClinicServiceImpl(Store& store, CallRunner& calls)
      : store_(store), calls_(calls) {}

  grpc::ServerUnaryReactor* GetClinic(grpc::CallbackServerContext* context,
                                      const v1::GetClinicRequest* request,
                                      v1::Clinic* response) override {
    return calls_.Run(context, *request,
                      GetMethod(store_, &Store::GetClinic, *request, response));
  }

  grpc::ServerUnaryReactor* CreateTherapist(
      grpc::CallbackServerContext* context,
      const v1::CreateTherapistRequest* request,
      v1::Therapist* response) override {
    return calls_.Run(context, *request, [=, this]() -> absl::Status {
      GLUTECARE_ASSIGN_OR_RETURN(
          ClinicName clinic, ClinicName::Parse(request->parent(), "parent"));
      Violations violations;
      CheckOptionalResourceId(request->therapist_id(), "therapist_id",
                              violations);
      CheckTherapist(request->therapist(), "therapist", violations);
      GLUTECARE_RETURN_IF_ERROR(violations.ToStatus());

      v1::Therapist therapist = request->therapist();
      const std::string id = request->therapist_id().empty()
                                 ? GenerateResourceId()
                                 : request->therapist_id();
      therapist.set_name(TherapistName{clinic.clinic, id}.ToString());
      *therapist.mutable_create_time() = NowTimestamp();
      GLUTECARE_ASSIGN_OR_RETURN(*response, store_.CreateTherapist(therapist));
      return absl::OkStatus();
    });
  }

  grpc::ServerUnaryReactor* GetTherapist(grpc::CallbackServerContext* context,
                                         const v1::GetTherapistRequest* request,
                                         v1::Therapist* response) override {
    return calls_.Run(
        context, *request,
        GetMethod(store_, &Store::GetTherapist, *request, response));
  }

  grpc::ServerUnaryReactor* ListTherapists(
      grpc::CallbackServerContext* context,
      const v1::ListTherapistsRequest* request,
      v1::ListTherapistsResponse* response) override {
    return calls_.Run(context, *request,
                      ListMethod(store_, &Store::ListTherapists, *request,
                                 response->mutable_therapists(), response));
  }

 private:
  Store& store_;
  CallRunner& calls_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewClinicService(Store& store,
                                                CallRunner& calls) {
  return std::make_unique<ClinicServiceImpl>(store, calls);
}

}  // namespace glutecare

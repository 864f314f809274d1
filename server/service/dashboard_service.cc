// glutecare.v1.DashboardService: a clinic's (or a therapist's) patients,
// highest attention score first, read from the statuses PatientMonitor keeps
// current.
#include <memory>

#include "absl/strings/str_cat.h"
#include "glutecare/v1/dashboard_service.grpc.pb.h"
#include "server/app/patient_monitor.h"
#include "server/app/references.h"
#include "server/common/status.h"
#include "server/domain/resource_names.h"
#include "server/domain/validation.h"
#include "server/service/call.h"
#include "server/service/services.h"
#include "server/service/standard_methods.h"
#include "server/storage/store.h"

namespace glutecare {

namespace {

class DashboardServiceImpl final
    : public v1::DashboardService::CallbackService {
 public:
  // The arguments must outlive the service.
  DashboardServiceImpl(Store& store, CallRunner& calls, PatientMonitor& monitor)
      : store_(store), calls_(calls), monitor_(monitor) {}

  grpc::ServerUnaryReactor* ListPatientStatuses(
      grpc::CallbackServerContext* context,
      const v1::ListPatientStatusesRequest* request,
      v1::ListPatientStatusesResponse* response) override {
    return calls_.Run(context, *request, [=, this]() -> absl::Status {
      // The statuses include every write answered before.
      monitor_.Flush();
      GLUTECARE_ASSIGN_OR_RETURN(
          ClinicName clinic, ClinicName::Parse(request->parent(), "parent"));
      GLUTECARE_ASSIGN_OR_RETURN(
          std::optional<TherapistName> therapist,
          ParseTherapistFilter(request->therapist(), clinic, "therapist"));
      return ListInto(
          request->page_size(), request->page_token(),
          [&](const PageRequest& page) {
            return store_.ListPatientStatuses(clinic, therapist, page);
          },
          response->mutable_statuses(), response->mutable_next_page_token());
    });
  }

 private:
  Store& store_;
  CallRunner& calls_;
  PatientMonitor& monitor_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewDashboardService(Store& store,
                                                   CallRunner& calls,
                                                   PatientMonitor& monitor) {
  return std::make_unique<DashboardServiceImpl>(store, calls, monitor);
}

}  // namespace glutecare

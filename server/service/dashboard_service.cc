#include "server/service/dashboard_service.h"

#include "absl/strings/str_cat.h"
#include "server/app/references.h"
#include "server/common/status.h"
#include "server/domain/resource_names.h"
#include "server/domain/validation.h"
#include "server/service/call.h"
#include "server/service/standard_methods.h"

namespace glutecare {

grpc::ServerUnaryReactor* DashboardServiceImpl::ListPatientStatuses(
    grpc::CallbackServerContext* context,
    const v1::ListPatientStatusesRequest* request,
    v1::ListPatientStatusesResponse* response) {
  return calls_.Run(context, *request, [=, this]() -> absl::Status {
    // The statuses include every write answered before.
    monitor_.Flush();
    GLUTECARE_ASSIGN_OR_RETURN(ClinicName clinic,
                               ClinicName::Parse(request->parent(), "parent"));
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

}  // namespace glutecare

#include "server/service/clinic_service.h"

#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "server/common/clock.h"
#include "server/common/status.h"
#include "server/domain/resource_names.h"
#include "server/domain/validation.h"
#include "server/service/call.h"
#include "server/service/standard_methods.h"

namespace glutecare {
namespace {


}  // namespace

grpc::ServerUnaryReactor* ClinicServiceImpl::GetClinic(
    grpc::CallbackServerContext* context, const v1::GetClinicRequest* request,
    v1::Clinic* response) {
  return calls_.Run(context, *request,
                    GetMethod(store_, &Store::GetClinic, *request, response));
}

grpc::ServerUnaryReactor* ClinicServiceImpl::CreateTherapist(
    grpc::CallbackServerContext* context,
    const v1::CreateTherapistRequest* request, v1::Therapist* response) {
  return calls_.Run(context, *request, [=, this]() -> absl::Status {
    GLUTECARE_ASSIGN_OR_RETURN(ClinicName clinic,
                               ClinicName::Parse(request->parent(), "parent"));
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

grpc::ServerUnaryReactor* ClinicServiceImpl::GetTherapist(
    grpc::CallbackServerContext* context,
    const v1::GetTherapistRequest* request, v1::Therapist* response) {
  return calls_.Run(
      context, *request,
      GetMethod(store_, &Store::GetTherapist, *request, response));
}

grpc::ServerUnaryReactor* ClinicServiceImpl::ListTherapists(
    grpc::CallbackServerContext* context,
    const v1::ListTherapistsRequest* request,
    v1::ListTherapistsResponse* response) {
  return calls_.Run(context, *request,
                    ListMethod(store_, &Store::ListTherapists, *request,
                               response->mutable_therapists(), response));
}

}  // namespace glutecare

#include "server/service/clinic_service.h"

#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "server/common/status.h"
#include "server/domain/resource_names.h"
#include "server/domain/validation.h"
#include "server/service/call.h"

namespace glutecare {
namespace {

using google::protobuf::util::TimeUtil;

}  // namespace

grpc::ServerUnaryReactor* ClinicServiceImpl::CreateClinic(
    grpc::CallbackServerContext* context,
    const v1::CreateClinicRequest* request, v1::Clinic* response) {
  return RunOnExecutor(executor_, context, [=, this]() -> absl::Status {
    Violations violations;
    CheckOptionalResourceId(request->clinic_id(), "clinic_id", violations);
    CheckClinic(request->clinic(), "clinic", violations);
    GLUTECARE_RETURN_IF_ERROR(violations.ToStatus());

    v1::Clinic clinic = request->clinic();
    const std::string id = request->clinic_id().empty() ? GenerateResourceId()
                                                        : request->clinic_id();
    clinic.set_name(ClinicName{id}.ToString());
    *clinic.mutable_create_time() = TimeUtil::GetCurrentTime();
    GLUTECARE_ASSIGN_OR_RETURN(*response, store_.CreateClinic(clinic));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ClinicServiceImpl::GetClinic(
    grpc::CallbackServerContext* context, const v1::GetClinicRequest* request,
    v1::Clinic* response) {
  return RunOnExecutor(executor_, context, [=, this]() -> absl::Status {
    GLUTECARE_ASSIGN_OR_RETURN(ClinicName name,
                               ClinicName::Parse(request->name(), "name"));
    GLUTECARE_ASSIGN_OR_RETURN(*response, store_.GetClinic(name));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ClinicServiceImpl::ListClinics(
    grpc::CallbackServerContext* context, const v1::ListClinicsRequest* request,
    v1::ListClinicsResponse* response) {
  return RunOnExecutor(executor_, context, [=, this]() -> absl::Status {
    return ListInto(
        request->page_size(), request->page_token(),
        [&](const PageRequest& page) { return store_.ListClinics(page); },
        response->mutable_clinics(), response->mutable_next_page_token());
  });
}

grpc::ServerUnaryReactor* ClinicServiceImpl::CreateTherapist(
    grpc::CallbackServerContext* context,
    const v1::CreateTherapistRequest* request, v1::Therapist* response) {
  return RunOnExecutor(executor_, context, [=, this]() -> absl::Status {
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
    *therapist.mutable_create_time() = TimeUtil::GetCurrentTime();
    GLUTECARE_ASSIGN_OR_RETURN(*response, store_.CreateTherapist(therapist));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ClinicServiceImpl::GetTherapist(
    grpc::CallbackServerContext* context,
    const v1::GetTherapistRequest* request, v1::Therapist* response) {
  return RunOnExecutor(executor_, context, [=, this]() -> absl::Status {
    GLUTECARE_ASSIGN_OR_RETURN(TherapistName name,
                               TherapistName::Parse(request->name(), "name"));
    GLUTECARE_ASSIGN_OR_RETURN(*response, store_.GetTherapist(name));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ClinicServiceImpl::ListTherapists(
    grpc::CallbackServerContext* context,
    const v1::ListTherapistsRequest* request,
    v1::ListTherapistsResponse* response) {
  return RunOnExecutor(executor_, context, [=, this]() -> absl::Status {
    GLUTECARE_ASSIGN_OR_RETURN(ClinicName clinic,
                               ClinicName::Parse(request->parent(), "parent"));
    return ListInto(
        request->page_size(), request->page_token(),
        [&](const PageRequest& page) {
          return store_.ListTherapists(clinic, page);
        },
        response->mutable_therapists(), response->mutable_next_page_token());
  });
}

}  // namespace glutecare

// glutecare.v1.PatientService: a clinic's patients.
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "glutecare/v1/patient_service.grpc.pb.h"
#include "google/protobuf/util/time_util.h"
#include "server/app/patient_monitor.h"
#include "server/app/references.h"
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

// The fields UpdatePatient may change (UpdatePatientRequest.update_mask).
const absl::flat_hash_set<std::string>& UpdatablePatientFields() {
  static const auto* const fields = new absl::flat_hash_set<std::string>{
      "display_name", "mrn",       "time_zone",
      "pain_areas",   "therapist", "baseline_pain"};
  return *fields;
}

class PatientServiceImpl final : public v1::PatientService::CallbackService {
 public:
  // `store` and `calls` must outlive the service.
  PatientServiceImpl(Store& store, CallRunner& calls, PatientMonitor& monitor)
      : store_(store), calls_(calls), monitor_(monitor) {}

  grpc::ServerUnaryReactor* CreatePatient(
      grpc::CallbackServerContext* context,
      const v1::CreatePatientRequest* request, v1::Patient* response) override {
    return calls_.Run(context, *request, [=, this]() -> absl::Status {
      GLUTECARE_ASSIGN_OR_RETURN(
          ClinicName clinic, ClinicName::Parse(request->parent(), "parent"));
      Violations violations;
      CheckOptionalResourceId(request->patient_id(), "patient_id", violations);
      CheckPatient(request->patient(), clinic, "patient", violations);
      GLUTECARE_RETURN_IF_ERROR(violations.ToStatus());
      GLUTECARE_RETURN_IF_ERROR(store_.GetClinic(clinic).status());
      GLUTECARE_RETURN_IF_ERROR(CheckTherapistExists(
          store_, request->patient().therapist(), "patient.therapist"));

      v1::Patient patient = request->patient();
      const std::string id = request->patient_id().empty()
                                 ? GenerateResourceId()
                                 : request->patient_id();
      patient.set_name(PatientName{clinic.clinic, id}.ToString());
      *patient.mutable_create_time() = NowTimestamp();
      *patient.mutable_update_time() = patient.create_time();
      patient.clear_etag();
      GLUTECARE_ASSIGN_OR_RETURN(*response, store_.CreatePatient(patient));
      monitor_.Schedule(PatientName{clinic.clinic, id});
      return absl::OkStatus();
    });
  }

  grpc::ServerUnaryReactor* GetPatient(grpc::CallbackServerContext* context,
                                       const v1::GetPatientRequest* request,
                                       v1::Patient* response) override {
    return calls_.Run(
        context, *request,
        GetMethod(store_, &Store::GetPatient, *request, response));
  }

  grpc::ServerUnaryReactor* ListPatients(
      grpc::CallbackServerContext* context,
      const v1::ListPatientsRequest* request,
      v1::ListPatientsResponse* response) override {
    return calls_.Run(context, *request, [=, this]() -> absl::Status {
      GLUTECARE_ASSIGN_OR_RETURN(
          ClinicName clinic, ClinicName::Parse(request->parent(), "parent"));
      GLUTECARE_ASSIGN_OR_RETURN(
          std::optional<TherapistName> therapist,
          ParseTherapistFilter(request->therapist(), clinic, "therapist"));
      return ListInto(
          request->page_size(), request->page_token(),
          [&](const PageRequest& page) {
            return store_.ListPatients(clinic, therapist, page);
          },
          response->mutable_patients(), response->mutable_next_page_token());
    });
  }

  grpc::ServerUnaryReactor* UpdatePatient(
      grpc::CallbackServerContext* context,
      const v1::UpdatePatientRequest* request, v1::Patient* response) override {
    return calls_.Run(context, *request, [=, this]() -> absl::Status {
      GLUTECARE_ASSIGN_OR_RETURN(
          PatientName name,
          PatientName::Parse(request->patient().name(), "patient.name"));
      GLUTECARE_ASSIGN_OR_RETURN(v1::Patient current, store_.GetPatient(name));
      GLUTECARE_ASSIGN_OR_RETURN(
          v1::Patient updated,
          ApplyUpdateMask(current, request->patient(), request->update_mask(),
                          UpdatablePatientFields()));
      Violations violations;
      // A patient imported with intake pending may be updated before the
      // intake is done; a completed intake cannot be undone.
      CheckPatient(updated, name.parent(), "patient", violations,
                   IntakeRuleForUpdate(current));
      GLUTECARE_RETURN_IF_ERROR(violations.ToStatus());
      if (updated.therapist() != current.therapist()) {
        GLUTECARE_RETURN_IF_ERROR(CheckTherapistExists(
            store_, updated.therapist(), "patient.therapist"));
      }
      const std::string& expected_etag =
          EtagToMatch(request->patient().etag(), current.etag());
      *updated.mutable_update_time() = NowTimestamp();
      GLUTECARE_ASSIGN_OR_RETURN(*response,
                                 store_.UpdatePatient(updated, expected_etag));
      monitor_.Schedule(name);
      return absl::OkStatus();
    });
  }

 private:
  Store& store_;
  CallRunner& calls_;
  PatientMonitor& monitor_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewPatientService(Store& store,
                                                 CallRunner& calls,
                                                 PatientMonitor& monitor) {
  return std::make_unique<PatientServiceImpl>(store, calls, monitor);
}

}  // namespace glutecare

// glutecare.v1.ProgramService: revisioned home exercise programs.
#include <memory>

#include "absl/time/clock.h"
#include "glutecare/v1/program_service.grpc.pb.h"
#include "google/protobuf/util/time_util.h"
#include "server/app/patient_monitor.h"
#include "server/app/references.h"
#include "server/common/clock.h"
#include "server/common/status.h"
#include "server/domain/exercise_catalog.h"
#include "server/domain/resource_names.h"
#include "server/domain/validation.h"
#include "server/service/call.h"
#include "server/service/services.h"
#include "server/service/standard_methods.h"
#include "server/storage/store.h"

namespace glutecare {
namespace {

// The fields UpdateProgram may change (UpdateProgramRequest.update_mask).
const absl::flat_hash_set<std::string>& UpdatableProgramFields() {
  static const auto* const fields = new absl::flat_hash_set<std::string>{
      "display_name",  "status",    "start_date", "end_date",
      "prescriptions", "therapist", "notes",      "missed_session_alert_days"};
  return *fields;
}

class ProgramServiceImpl final : public v1::ProgramService::CallbackService {
 public:
  // The arguments must outlive the service.
  ProgramServiceImpl(Store& store, CallRunner& calls,
                     const ExerciseCatalog& catalog, PatientMonitor& monitor)
      : store_(store), calls_(calls), catalog_(catalog), monitor_(monitor) {}

  grpc::ServerUnaryReactor* CreateProgram(
      grpc::CallbackServerContext* context,
      const v1::CreateProgramRequest* request, v1::Program* response) override {
    return calls_.Run(context, *request, [=, this]() -> absl::Status {
      GLUTECARE_ASSIGN_OR_RETURN(
          PatientName patient_name,
          PatientName::Parse(request->parent(), "parent"));
      Violations violations;
      CheckOptionalResourceId(request->program_id(), "program_id", violations);
      CheckProgram(request->program(), catalog_, patient_name.parent(),
                   "program", violations);
      GLUTECARE_RETURN_IF_ERROR(violations.ToStatus());
      GLUTECARE_ASSIGN_OR_RETURN(v1::Patient patient,
                                 store_.GetPatient(patient_name));

      v1::Program program = request->program();
      if (program.therapist().empty()) {
        program.set_therapist(patient.therapist());
      } else {
        GLUTECARE_RETURN_IF_ERROR(CheckTherapistExists(
            store_, program.therapist(), "program.therapist"));
      }
      const std::string id = request->program_id().empty()
                                 ? GenerateResourceId()
                                 : request->program_id();
      program.set_name(
          ProgramName{patient_name.clinic, patient_name.patient, id}
              .ToString());
      *program.mutable_create_time() = NowTimestamp();
      *program.mutable_revision_create_time() = program.create_time();
      GLUTECARE_ASSIGN_OR_RETURN(*response, store_.CreateProgram(program));
      monitor_.Schedule(patient_name);
      return absl::OkStatus();
    });
  }

  grpc::ServerUnaryReactor* GetProgram(grpc::CallbackServerContext* context,
                                       const v1::GetProgramRequest* request,
                                       v1::Program* response) override {
    return calls_.Run(context, *request, [=, this]() -> absl::Status {
      GLUTECARE_ASSIGN_OR_RETURN(
          ProgramName name,
          ProgramName::ParseWithRevision(request->name(), "name"));
      GLUTECARE_ASSIGN_OR_RETURN(*response, store_.GetProgram(name));
      return absl::OkStatus();
    });
  }

  grpc::ServerUnaryReactor* ListPrograms(
      grpc::CallbackServerContext* context,
      const v1::ListProgramsRequest* request,
      v1::ListProgramsResponse* response) override {
    return calls_.Run(context, *request,
                      ListMethod(store_, &Store::ListPrograms, *request,
                                 response->mutable_programs(), response));
  }

  grpc::ServerUnaryReactor* UpdateProgram(
      grpc::CallbackServerContext* context,
      const v1::UpdateProgramRequest* request, v1::Program* response) override {
    return calls_.Run(context, *request, [=, this]() -> absl::Status {
      GLUTECARE_ASSIGN_OR_RETURN(
          ProgramName name,
          ProgramName::Parse(request->program().name(), "program.name"));
      GLUTECARE_ASSIGN_OR_RETURN(v1::Program current, store_.GetProgram(name));
      GLUTECARE_ASSIGN_OR_RETURN(
          v1::Program updated,
          ApplyUpdateMask(current, request->program(), request->update_mask(),
                          UpdatableProgramFields()));
      Violations violations;
      CheckProgram(updated, catalog_, name.parent().parent(), "program",
                   violations);
      if (updated.therapist().empty()) {
        violations.Add("program.therapist", "required");
      }
      GLUTECARE_RETURN_IF_ERROR(violations.ToStatus());
      if (updated.therapist() != current.therapist()) {
        GLUTECARE_RETURN_IF_ERROR(CheckTherapistExists(
            store_, updated.therapist(), "program.therapist"));
      }
      const std::string& expected_etag =
          EtagToMatch(request->program().etag(), current.etag());
      *updated.mutable_revision_create_time() = NowTimestamp();
      GLUTECARE_ASSIGN_OR_RETURN(
          *response, store_.AddProgramRevision(updated, expected_etag));
      monitor_.Schedule(name.parent());
      return absl::OkStatus();
    });
  }

  grpc::ServerUnaryReactor* ListProgramRevisions(
      grpc::CallbackServerContext* context,
      const v1::ListProgramRevisionsRequest* request,
      v1::ListProgramRevisionsResponse* response) override {
    return calls_.Run(context, *request, [=, this]() -> absl::Status {
      GLUTECARE_ASSIGN_OR_RETURN(ProgramName name,
                                 ProgramName::Parse(request->name(), "name"));
      return ListInto(
          request->page_size(), request->page_token(),
          [&](const PageRequest& page) {
            return store_.ListProgramRevisions(name, page);
          },
          response->mutable_programs(), response->mutable_next_page_token());
    });
  }

 private:
  Store& store_;
  CallRunner& calls_;
  const ExerciseCatalog& catalog_;
  PatientMonitor& monitor_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewProgramService(Store& store,
                                                 CallRunner& calls,
                                                 const ExerciseCatalog& catalog,
                                                 PatientMonitor& monitor) {
  return std::make_unique<ProgramServiceImpl>(store, calls, catalog, monitor);
}

}  // namespace glutecare

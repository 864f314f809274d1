// glutecare.v1.SessionService: exercise sessions and pain check-ins that
// patients submit from home. Submissions are idempotent by request_id, and
// each one runs the patient's rules (PatientMonitor) once it is stored.
#ifndef GLUTECARE_SERVER_SERVICE_SESSION_SERVICE_H_
#define GLUTECARE_SERVER_SERVICE_SESSION_SERVICE_H_

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "glutecare/v1/session_service.grpc.pb.h"
#include "server/app/patient_monitor.h"
#include "server/common/status.h"
#include "server/domain/exercise_catalog.h"
#include "server/domain/resource_names.h"
#include "server/service/call.h"
#include "server/storage/store.h"

namespace glutecare {

class SessionServiceImpl final : public v1::SessionService::CallbackService {
 public:
  // The arguments must outlive the service.
  SessionServiceImpl(Store& store, CallRunner& calls,
                     const ExerciseCatalog& catalog, PatientMonitor& monitor)
      : store_(store), calls_(calls), catalog_(catalog), monitor_(monitor) {}

  grpc::ServerUnaryReactor* CreateSession(
      grpc::CallbackServerContext* context,
      const v1::CreateSessionRequest* request, v1::Session* response) override;
  grpc::ServerUnaryReactor* GetSession(grpc::CallbackServerContext* context,
                                       const v1::GetSessionRequest* request,
                                       v1::Session* response) override;
  grpc::ServerUnaryReactor* ListSessions(
      grpc::CallbackServerContext* context,
      const v1::ListSessionsRequest* request,
      v1::ListSessionsResponse* response) override;
  grpc::ServerUnaryReactor* CreatePainReport(
      grpc::CallbackServerContext* context,
      const v1::CreatePainReportRequest* request,
      v1::PainReport* response) override;
  grpc::ServerUnaryReactor* ListPainReports(
      grpc::CallbackServerContext* context,
      const v1::ListPainReportsRequest* request,
      v1::ListPainReportsResponse* response) override;

 private:
  // The patient a submission is for, once its request is valid.
  struct Submitter {
    PatientName patient;
    absl::TimeZone zone;  // the patient's calendar
    // The patient's first pain area: a session's area when it names none.
    v1::PainArea first_pain_area = v1::PAIN_AREA_UNSPECIFIED;
  };

  // Checks a submission's parent, request_id and body (`check_body` adds the
  // body's violations), then finds the patient: INVALID_ARGUMENT with every
  // bad field, or NOT_FOUND for a missing patient.
  absl::StatusOr<Submitter> ValidateSubmission(
      const std::string& parent, const std::string& request_id,
      absl::FunctionRef<void(const PatientName&, Violations&)> check_body);

  Store& store_;
  CallRunner& calls_;
  const ExerciseCatalog& catalog_;
  PatientMonitor& monitor_;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_SESSION_SERVICE_H_

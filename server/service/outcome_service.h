// glutecare.v1.OutcomeService: outcome measures (PROMs). Serves the
// questionnaire definitions (server/domain/outcomes/questionnaires.h), lets a
// therapist assign a measure to a patient on a schedule, and scores each
// response a patient submits (server/domain/outcomes/scoring.h) against the
// assignment's first response, the intake. Submissions are idempotent by
// request_id; each schedules the patient's evaluation (patient_monitor.h),
// so that the dashboard shows the new score.
#ifndef GLUTECARE_SERVER_SERVICE_OUTCOME_SERVICE_H_
#define GLUTECARE_SERVER_SERVICE_OUTCOME_SERVICE_H_

#include "glutecare/v1/outcome_service.grpc.pb.h"
#include "server/app/patient_monitor.h"
#include "server/service/call.h"
#include "server/storage/store.h"

namespace glutecare {

class OutcomeServiceImpl final : public v1::OutcomeService::CallbackService {
 public:
  // The arguments must outlive the service.
  OutcomeServiceImpl(Store& store, CallRunner& calls, PatientMonitor& monitor)
      : store_(store), calls_(calls), monitor_(monitor) {}

  grpc::ServerUnaryReactor* ListQuestionnaires(
      grpc::CallbackServerContext* context,
      const v1::ListQuestionnairesRequest* request,
      v1::ListQuestionnairesResponse* response) override;
  grpc::ServerUnaryReactor* GetQuestionnaire(
      grpc::CallbackServerContext* context,
      const v1::GetQuestionnaireRequest* request,
      v1::Questionnaire* response) override;
  grpc::ServerUnaryReactor* CreateOutcomeAssignment(
      grpc::CallbackServerContext* context,
      const v1::CreateOutcomeAssignmentRequest* request,
      v1::OutcomeAssignment* response) override;
  grpc::ServerUnaryReactor* ListOutcomeAssignments(
      grpc::CallbackServerContext* context,
      const v1::ListOutcomeAssignmentsRequest* request,
      v1::ListOutcomeAssignmentsResponse* response) override;
  grpc::ServerUnaryReactor* SubmitOutcomeResponse(
      grpc::CallbackServerContext* context,
      const v1::SubmitOutcomeResponseRequest* request,
      v1::OutcomeResponse* response) override;
  grpc::ServerUnaryReactor* GetOutcomeResponse(
      grpc::CallbackServerContext* context,
      const v1::GetOutcomeResponseRequest* request,
      v1::OutcomeResponse* response) override;
  grpc::ServerUnaryReactor* ListOutcomeResponses(
      grpc::CallbackServerContext* context,
      const v1::ListOutcomeResponsesRequest* request,
      v1::ListOutcomeResponsesResponse* response) override;

 private:
  Store& store_;
  CallRunner& calls_;
  PatientMonitor& monitor_;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_OUTCOME_SERVICE_H_

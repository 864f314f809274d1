// glutecare.v1.OutcomeService: outcome measures (PROMs). Serves the
// questionnaire definitions (server/domain/outcomes/questionnaires.h), lets a
// therapist assign a measure to a patient on a schedule, and scores each
// response a patient submits (server/domain/outcomes/scoring.h) against the
// assignment's first response, the intake. Submissions are idempotent by
// request_id; each schedules the patient's evaluation (patient_monitor.h),
// so that the dashboard shows the new score.
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "glutecare/v1/outcome_service.grpc.pb.h"
#include "server/app/patient_monitor.h"
#include "server/common/clock.h"
#include "server/common/status.h"
#include "server/domain/calendar.h"
#include "server/domain/outcomes/questionnaires.h"
#include "server/domain/outcomes/scoring.h"
#include "server/domain/resource_names.h"
#include "server/domain/validation.h"
#include "server/service/call.h"
#include "server/service/services.h"
#include "server/service/standard_methods.h"
#include "server/storage/store.h"

namespace glutecare {
namespace {

constexpr int kMaxEveryWeeks = 52;

bool IsScoredMeasure(v1::OutcomeMeasure measure) {
  return measure == v1::OUTCOME_MEASURE_ODI ||
         measure == v1::OUTCOME_MEASURE_LEFS;
}

void CheckMeasure(v1::OutcomeMeasure measure, const std::string& field,
                  Violations& violations) {
  if (!IsScoredMeasure(measure)) {
    violations.Add(field, "must be OUTCOME_MEASURE_ODI or OUTCOME_MEASURE_LEFS");
  }
}

// The patient's today, in their time zone. NOT_FOUND for a missing patient.
absl::StatusOr<absl::CivilDay> PatientToday(Store& store,
                                            const PatientName& patient) {
  GLUTECARE_ASSIGN_OR_RETURN(v1::Patient stored, store.GetPatient(patient));
  GLUTECARE_ASSIGN_OR_RETURN(
      absl::TimeZone zone,
      LoadTimeZone(stored.time_zone(), "patient.time_zone"));
  return LocalDay(absl::Now(), zone);
}

// Fills the output-only schedule fields of a stored assignment.
void SetDue(v1::OutcomeAssignment& assignment, absl::CivilDay today) {
  std::optional<absl::CivilDay> next = outcomes::NextDueDate(assignment);
  assignment.set_next_due_date(next ? FormatDate(*next) : "");
  assignment.set_due(next.has_value() && *next <= today);
}

class OutcomeServiceImpl final : public v1::OutcomeService::CallbackService {
 public:
  // The arguments must outlive the service.
  OutcomeServiceImpl(Store& store, CallRunner& calls, PatientMonitor& monitor)
      : store_(store), calls_(calls), monitor_(monitor) {}

  grpc::ServerUnaryReactor* ListQuestionnaires(
      grpc::CallbackServerContext* context,
      const v1::ListQuestionnairesRequest* request,
      v1::ListQuestionnairesResponse* response) override {
    return calls_.Run(context, *request, [=]() -> absl::Status {
      for (const v1::Questionnaire& questionnaire :
           outcomes::AllQuestionnaires()) {
        *response->add_questionnaires() = questionnaire;
      }
      return absl::OkStatus();
    });
  }

  grpc::ServerUnaryReactor* GetQuestionnaire(
      grpc::CallbackServerContext* context,
      const v1::GetQuestionnaireRequest* request,
      v1::Questionnaire* response) override {
    return calls_.Run(context, *request, [=]() -> absl::Status {
      absl::string_view id = request->name();
      if (!absl::ConsumePrefix(&id, "questionnaires/") || id.empty()) {
        return InvalidFieldError(
            "name",
            absl::StrCat("must be questionnaires/{questionnaire} (got \"",
                         request->name(), "\")"));
      }
      const v1::Questionnaire* questionnaire = outcomes::FindQuestionnaire(id);
      if (questionnaire == nullptr) {
        return WithReason(
            absl::NotFoundError(absl::StrCat(request->name(),
                                             " not found: glutecare scores "
                                             "questionnaires/odi and "
                                             "questionnaires/lefs")),
            reason::kResourceNotFound);
      }
      *response = *questionnaire;
      return absl::OkStatus();
    });
  }

  grpc::ServerUnaryReactor* CreateOutcomeAssignment(
      grpc::CallbackServerContext* context,
      const v1::CreateOutcomeAssignmentRequest* request,
      v1::OutcomeAssignment* response) override {
    return calls_.Run(
        context, *request, [=, this](const Principal& caller) -> absl::Status {
          GLUTECARE_ASSIGN_OR_RETURN(
              PatientName patient,
              PatientName::Parse(request->parent(), "parent"));
          const v1::OutcomeAssignment& wanted = request->outcome_assignment();
          Violations violations;
          CheckMeasure(wanted.measure(), "outcome_assignment.measure",
                       violations);
          if (wanted.every_weeks() < 0 ||
              wanted.every_weeks() > kMaxEveryWeeks) {
            violations.Add("outcome_assignment.every_weeks",
                           absl::StrCat("must be 0-", kMaxEveryWeeks, " (got ",
                                        wanted.every_weeks(), ")"));
          }
          GLUTECARE_RETURN_IF_ERROR(violations.ToStatus());
          GLUTECARE_ASSIGN_OR_RETURN(absl::CivilDay today,
                                     PatientToday(store_, patient));

          v1::OutcomeAssignment assignment;
          assignment.set_name(
              OutcomeAssignmentName{patient.clinic, patient.patient,
                                    outcomes::MeasureId(wanted.measure())}
                  .ToString());
          assignment.set_measure(wanted.measure());
          assignment.set_every_weeks(wanted.every_weeks());
          assignment.set_assigned_by(caller.subject);
          assignment.set_start_date(FormatDate(today));
          *assignment.mutable_create_time() = NowTimestamp();
          GLUTECARE_ASSIGN_OR_RETURN(
              *response, store_.CreateOutcomeAssignment(assignment));
          SetDue(*response, today);
          return absl::OkStatus();
        });
  }

  grpc::ServerUnaryReactor* ListOutcomeAssignments(
      grpc::CallbackServerContext* context,
      const v1::ListOutcomeAssignmentsRequest* request,
      v1::ListOutcomeAssignmentsResponse* response) override {
    return calls_.Run(context, *request, [=, this]() -> absl::Status {
      GLUTECARE_ASSIGN_OR_RETURN(
          PatientName patient, PatientName::Parse(request->parent(), "parent"));
      GLUTECARE_ASSIGN_OR_RETURN(absl::CivilDay today,
                                 PatientToday(store_, patient));
      GLUTECARE_ASSIGN_OR_RETURN(std::vector<v1::OutcomeAssignment> assignments,
                                 store_.ListOutcomeAssignments(patient));
      for (v1::OutcomeAssignment& assignment : assignments) {
        SetDue(assignment, today);
        *response->add_outcome_assignments() = std::move(assignment);
      }
      return absl::OkStatus();
    });
  }

  grpc::ServerUnaryReactor* SubmitOutcomeResponse(
      grpc::CallbackServerContext* context,
      const v1::SubmitOutcomeResponseRequest* request,
      v1::OutcomeResponse* response) override {
    return calls_.Run(context, *request, [=, this]() -> absl::Status {
      GLUTECARE_ASSIGN_OR_RETURN(
          PatientName patient, PatientName::Parse(request->parent(), "parent"));
      const v1::OutcomeResponse& submitted = request->outcome_response();
      Violations violations;
      CheckRequestId(request->request_id(), "request_id", violations);
      CheckMeasure(submitted.measure(), "outcome_response.measure", violations);
      outcomes::Answers answers;
      if (IsScoredMeasure(submitted.measure())) {
        answers = outcomes::AnswersInItemOrder(
            outcomes::QuestionnaireOf(submitted.measure()), submitted.answers(),
            "outcome_response.answers", violations);
      }
      GLUTECARE_RETURN_IF_ERROR(violations.ToStatus());

      const outcomes::Measure measure =
          outcomes::ToMeasure(submitted.measure());
      GLUTECARE_ASSIGN_OR_RETURN(outcomes::OutcomeScore score,
                                 outcomes::Score(measure, answers));
      GLUTECARE_ASSIGN_OR_RETURN(absl::CivilDay today,
                                 PatientToday(store_, patient));
      const OutcomeAssignmentName assignment{
          patient.clinic, patient.patient,
          outcomes::MeasureId(submitted.measure())};
      absl::StatusOr<std::optional<v1::OutcomeResponse>> intake =
          store_.GetOutcomeIntake(assignment);
      if (absl::IsNotFound(intake.status())) {
        return WithReason(
            absl::FailedPreconditionError(absl::StrCat(
                patient.ToString(), " has no ",
                outcomes::MeasureId(submitted.measure()),
                " assignment: a therapist assigns the measure first")),
            reason::kMeasureNotAssigned);
      }
      GLUTECARE_RETURN_IF_ERROR(intake.status());

      v1::OutcomeResponse stored;
      stored.set_name(OutcomeResponseName{patient.clinic, patient.patient,
                                          GenerateResourceId()}
                          .ToString());
      stored.set_measure(submitted.measure());
      stored.set_assignment(assignment.ToString());
      stored.set_questionnaire_version(
          outcomes::QuestionnaireOf(submitted.measure()).version());
      *stored.mutable_answers() = submitted.answers();
      stored.set_local_date(FormatDate(today));
      stored.set_score(score.value);
      stored.set_band(score.band);
      stored.set_answered_items(score.answered);
      if (intake->has_value()) {
        const v1::OutcomeResponse& first = **intake;
        const outcomes::OutcomeChange change =
            outcomes::CompareWithIntake(measure, first.score(), score.value);
        stored.set_intake_response(first.name());
        stored.set_change_since_intake(change.change);
        stored.set_improvement(change.improvement);
        stored.set_important_change(change.important);
      } else {
        stored.set_intake(true);
      }
      *stored.mutable_create_time() = NowTimestamp();
      GLUTECARE_ASSIGN_OR_RETURN(
          *response, store_.CreateOutcomeResponse(
                         stored, request->request_id(),
                         intake->has_value() ? (*intake)->name() : ""));
      monitor_.Schedule(patient);
      return absl::OkStatus();
    });
  }

  grpc::ServerUnaryReactor* GetOutcomeResponse(
      grpc::CallbackServerContext* context,
      const v1::GetOutcomeResponseRequest* request,
      v1::OutcomeResponse* response) override {
    return calls_.Run(context, *request, [=, this]() -> absl::Status {
      GLUTECARE_ASSIGN_OR_RETURN(
          OutcomeResponseName name,
          OutcomeResponseName::Parse(request->name(), "name"));
      GLUTECARE_ASSIGN_OR_RETURN(*response, store_.GetOutcomeResponse(name));
      return absl::OkStatus();
    });
  }

  grpc::ServerUnaryReactor* ListOutcomeResponses(
      grpc::CallbackServerContext* context,
      const v1::ListOutcomeResponsesRequest* request,
      v1::ListOutcomeResponsesResponse* response) override {
    return calls_.Run(
        context, *request,
        ListMethod(store_, &Store::ListOutcomeResponses, *request,
                   response->mutable_outcome_responses(), response));
  }

 private:
  Store& store_;
  CallRunner& calls_;
  PatientMonitor& monitor_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewOutcomeService(Store& store,
                                                 CallRunner& calls,
                                                 PatientMonitor& monitor) {
  return std::make_unique<OutcomeServiceImpl>(store, calls, monitor);
}

}  // namespace glutecare

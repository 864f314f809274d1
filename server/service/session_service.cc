// glutecare.v1.SessionService: exercise sessions and pain check-ins that
// patients submit from home. Submissions are idempotent by request_id, and
// each one runs the patient's rules (PatientMonitor) once it is stored.
#include <memory>
#include <string>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "glutecare/v1/session_service.grpc.pb.h"
#include "google/protobuf/util/time_util.h"
#include "server/app/patient_monitor.h"
#include "server/app/references.h"
#include "server/common/clock.h"
#include "server/common/log.h"
#include "server/common/status.h"
#include "server/domain/calendar.h"
#include "server/domain/exercise_catalog.h"
#include "server/domain/resource_names.h"
#include "server/domain/validation.h"
#include "server/service/call.h"
#include "server/service/services.h"
#include "server/service/standard_methods.h"
#include "server/storage/store.h"

namespace glutecare {
namespace {

using google::protobuf::util::TimeUtil;

class SessionServiceImpl final : public v1::SessionService::CallbackService {
 public:
  // The arguments must outlive the service.
  SessionServiceImpl(Store& store, CallRunner& calls,
                     const ExerciseCatalog& catalog, PatientMonitor& monitor)
      : store_(store), calls_(calls), catalog_(catalog), monitor_(monitor) {}

  grpc::ServerUnaryReactor* CreateSession(
      grpc::CallbackServerContext* context,
      const v1::CreateSessionRequest* request, v1::Session* response) override {
    return calls_.Run(context, *request, [=, this]() -> absl::Status {
      const absl::Time now = absl::Now();
      GLUTECARE_ASSIGN_OR_RETURN(
          Submitter submitter,
          ValidateSubmission(request->parent(), request->request_id(),
                             [&](const PatientName& patient, Violations& v) {
                               CheckSession(request->session(), catalog_,
                                            patient, now, "session", v);
                             }));
      const PatientName& patient_name = submitter.patient;
      const absl::TimeZone zone = submitter.zone;
      GLUTECARE_ASSIGN_OR_RETURN(
          std::string local_date,
          SessionLocalDate(request->session(), zone, "session"));
      const absl::Time perform_time = absl::FromUnixNanos(
          TimeUtil::TimestampToNanoseconds(request->session().perform_time()));
      GLUTECARE_ASSIGN_OR_RETURN(
          std::string program_revision,
          ResolveProgramRevision(store_, patient_name,
                                 request->session().program_revision(),
                                 perform_time, "session.program_revision"));

      v1::Session session = request->session();
      session.set_program_revision(std::move(program_revision));
      session.set_name(SessionName{patient_name.clinic, patient_name.patient,
                                   GenerateResourceId()}
                           .ToString());
      session.set_local_date(local_date);
      if (session.pain_area() == v1::PAIN_AREA_UNSPECIFIED) {
        if (submitter.first_pain_area == v1::PAIN_AREA_UNSPECIFIED) {
          return InvalidFieldError(
              "session.pain_area",
              "required: the patient has no pain areas yet (intake pending), "
              "so the session must name where the pain was");
        }
        session.set_pain_area(submitter.first_pain_area);
      }
      *session.mutable_create_time() = NowTimestamp();
      GLUTECARE_ASSIGN_OR_RETURN(
          *response, store_.CreateSession(session, request->request_id()));
      monitor_.Schedule(patient_name);
      return absl::OkStatus();
    });
  }

  grpc::ServerUnaryReactor* GetSession(grpc::CallbackServerContext* context,
                                       const v1::GetSessionRequest* request,
                                       v1::Session* response) override {
    return calls_.Run(
        context, *request,
        GetMethod(store_, &Store::GetSession, *request, response));
  }

  grpc::ServerUnaryReactor* ListSessions(
      grpc::CallbackServerContext* context,
      const v1::ListSessionsRequest* request,
      v1::ListSessionsResponse* response) override {
    return calls_.Run(context, *request,
                      ListMethod(store_, &Store::ListSessions, *request,
                                 response->mutable_sessions(), response));
  }

  grpc::ServerUnaryReactor* CreatePainReport(
      grpc::CallbackServerContext* context,
      const v1::CreatePainReportRequest* request,
      v1::PainReport* response) override {
    return calls_.Run(context, *request, [=, this]() -> absl::Status {
      const absl::Time now = absl::Now();
      GLUTECARE_ASSIGN_OR_RETURN(
          Submitter submitter,
          ValidateSubmission(request->parent(), request->request_id(),
                             [&](const PatientName&, Violations& v) {
                               CheckPainReport(request->pain_report(),
                                               "pain_report", v);
                             }));
      const PatientName& patient_name = submitter.patient;
      const absl::TimeZone zone = submitter.zone;
      GLUTECARE_ASSIGN_OR_RETURN(std::string local_date,
                                 PainReportLocalDate(request->pain_report(),
                                                     zone, now, "pain_report"));

      v1::PainReport report = request->pain_report();
      report.set_name(PainReportName{patient_name.clinic, patient_name.patient,
                                     GenerateResourceId()}
                          .ToString());
      report.set_local_date(local_date);
      *report.mutable_create_time() = NowTimestamp();
      GLUTECARE_ASSIGN_OR_RETURN(
          *response, store_.CreatePainReport(report, request->request_id()));
      monitor_.Schedule(patient_name);
      return absl::OkStatus();
    });
  }

  grpc::ServerUnaryReactor* ListPainReports(
      grpc::CallbackServerContext* context,
      const v1::ListPainReportsRequest* request,
      v1::ListPainReportsResponse* response) override {
    return calls_.Run(context, *request,
                      ListMethod(store_, &Store::ListPainReports, *request,
                                 response->mutable_pain_reports(), response));
  }

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
      absl::FunctionRef<void(const PatientName&, Violations&)> check_body) {
    GLUTECARE_ASSIGN_OR_RETURN(PatientName patient,
                               PatientName::Parse(parent, "parent"));
    Violations violations;
    CheckRequestId(request_id, "request_id", violations);
    check_body(patient, violations);
    GLUTECARE_RETURN_IF_ERROR(violations.ToStatus());
    GLUTECARE_ASSIGN_OR_RETURN(v1::Patient stored, store_.GetPatient(patient));
    GLUTECARE_ASSIGN_OR_RETURN(
        absl::TimeZone zone,
        LoadTimeZone(stored.time_zone(), "patient.time_zone"));
    return Submitter{.patient = std::move(patient),
                     .zone = zone,
                     .first_pain_area =
                         stored.pain_areas().empty()
                             ? v1::PAIN_AREA_UNSPECIFIED
                             : static_cast<v1::PainArea>(stored.pain_areas(0))};
  }

  Store& store_;
  CallRunner& calls_;
  const ExerciseCatalog& catalog_;
  PatientMonitor& monitor_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewSessionService(Store& store,
                                                 CallRunner& calls,
                                                 const ExerciseCatalog& catalog,
                                                 PatientMonitor& monitor) {
  return std::make_unique<SessionServiceImpl>(store, calls, catalog, monitor);
}

}  // namespace glutecare

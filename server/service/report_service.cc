// glutecare.v1.ReportService: adherence and pain reports for therapists,
// computed by the domain rules (adherence.h, pain_trend.h) from one snapshot
// of the patient's data, each with the latest outcome scores up to its last
// day (outcomes/latest_scores.h).
#include <memory>

#include "absl/time/clock.h"
#include "glutecare/v1/report_service.grpc.pb.h"
#include "server/common/status.h"
#include "server/domain/adherence.h"
#include "server/domain/calendar.h"
#include "server/domain/outcomes/latest_scores.h"
#include "server/domain/pain_trend.h"
#include "server/domain/resource_names.h"
#include "server/domain/validation.h"
#include "server/service/call.h"
#include "server/service/services.h"
#include "server/storage/store.h"

namespace glutecare {
namespace {

// The patient a report is about, with the report's range resolved in the
// patient's calendar.
struct ReportScope {
  PatientName name;
  v1::Patient patient;
  absl::TimeZone zone;
  DateRange range;
};

absl::StatusOr<ReportScope> ResolveScope(Store& store,
                                         absl::string_view patient_name,
                                         absl::string_view start_date,
                                         absl::string_view end_date) {
  ReportScope scope;
  GLUTECARE_ASSIGN_OR_RETURN(scope.name,
                             PatientName::Parse(patient_name, "patient"));
  GLUTECARE_ASSIGN_OR_RETURN(scope.patient, store.GetPatient(scope.name));
  GLUTECARE_ASSIGN_OR_RETURN(
      scope.zone, LoadTimeZone(scope.patient.time_zone(), "patient.time_zone"));
  GLUTECARE_ASSIGN_OR_RETURN(
      scope.range, ResolveReportRange(start_date, end_date,
                                      LocalDay(absl::Now(), scope.zone)));
  return scope;
}

std::vector<absl::CivilDay> Days(const std::vector<std::string>& dates) {
  std::vector<absl::CivilDay> days;
  days.reserve(dates.size());
  for (const std::string& date : dates) {
    if (absl::StatusOr<absl::CivilDay> day = ParseDate(date, ""); day.ok()) {
      days.push_back(*day);
    }
  }
  return days;
}

class ReportServiceImpl final : public v1::ReportService::CallbackService {
 public:
  // `store` and `calls` must outlive the service.
  ReportServiceImpl(Store& store, CallRunner& calls)
      : store_(store), calls_(calls) {}

  grpc::ServerUnaryReactor* GetAdherenceReport(
      grpc::CallbackServerContext* context,
      const v1::GetAdherenceReportRequest* request,
      v1::AdherenceReport* response) override {
    return calls_.Run(context, *request, [=, this]() -> absl::Status {
      GLUTECARE_ASSIGN_OR_RETURN(
          ReportScope scope,
          ResolveScope(store_, request->patient(), request->start_date(),
                       request->end_date()));
      const DateRange& range = scope.range;
      GLUTECARE_ASSIGN_OR_RETURN(
          PatientActivity activity,
          store_.GetPatientActivity(
              scope.name,
              {.from = FormatDate(range.start),
               .to = FormatDate(range.end),
               .history_from =
                   FormatDate(WeekStart(range.end) - 7 * (kMaxStreakWeeks - 1)),
               .outcome_responses = true}));
      AdherenceInput input{.start = range.start, .end = range.end};
      input.programs = ProgramHistories(activity.programs, scope.zone);
      input.sessions = std::move(activity.sessions);
      input.session_days = Days(activity.session_dates);
      std::vector<std::string> report_dates;
      for (const v1::PainReport& report : activity.pain_reports) {
        report_dates.push_back(report.local_date());
      }
      input.pain_report_days = Days(report_dates);
      *response = ComputeAdherence(input);
      response->set_patient(scope.name.ToString());
      *response->mutable_outcome_scores() =
          outcomes::LatestOutcomeScores(activity.outcome_responses, range.end);
      return absl::OkStatus();
    });
  }

  grpc::ServerUnaryReactor* GetPainTrendReport(
      grpc::CallbackServerContext* context,
      const v1::GetPainTrendReportRequest* request,
      v1::PainTrendReport* response) override {
    return calls_.Run(context, *request, [=, this]() -> absl::Status {
      GLUTECARE_ASSIGN_OR_RETURN(
          ReportScope scope,
          ResolveScope(store_, request->patient(), request->start_date(),
                       request->end_date()));
      const DateRange& range = scope.range;
      // The days before the range feed the first rolling means.
      GLUTECARE_ASSIGN_OR_RETURN(
          PatientActivity activity,
          store_.GetPatientActivity(
              scope.name, {.from = FormatDate(range.start - (kRollingDays - 1)),
                           .to = FormatDate(range.end),
                           .outcome_responses = true}));
      PainTrendInput input{.start = range.start, .end = range.end};
      if (scope.patient.has_baseline_pain()) {
        input.baseline = scope.patient.baseline_pain();
      }
      input.scores = PainScoresOf(activity.sessions, activity.pain_reports);
      const std::string first_day = FormatDate(range.start);
      for (const v1::Session& session : activity.sessions) {
        if (session.local_date() >= first_day) {
          input.post_exercise_pain.push_back(session.pain_after());
        }
      }
      *response = ComputePainTrend(input);
      response->set_patient(scope.name.ToString());
      *response->mutable_outcome_scores() =
          outcomes::LatestOutcomeScores(activity.outcome_responses, range.end);
      return absl::OkStatus();
    });
  }

 private:
  Store& store_;
  CallRunner& calls_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewReportService(Store& store,
                                                CallRunner& calls) {
  return std::make_unique<ReportServiceImpl>(store, calls);
}

}  // namespace glutecare

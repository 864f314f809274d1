// glutecare.v1.RtmService: therapists log treatment-management time and read
// Remote Therapeutic Monitoring reports, per patient and per clinic. The
// billing rules are the domain's (domain/rtm/billing_rules.h); this service
// reads one snapshot of a patient's data days and logged time per report and
// hands them to AssessRtm.
//
// The episode of care starts on the earlier of the earliest start_date of
// the patient's programs and the patient's first data day (the patient's
// as-of day when there is neither): monitoring begins when the program is
// handed over, or when the patient first reports, whichever comes first.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "glutecare/v1/rtm_service.grpc.pb.h"
#include "server/common/clock.h"
#include "server/common/page_token.h"
#include "server/common/status.h"
#include "server/domain/calendar.h"
#include "server/domain/resource_names.h"
#include "server/domain/rtm/billing_rules.h"
#include "server/domain/validation.h"
#include "server/service/call.h"
#include "server/service/services.h"
#include "server/service/standard_methods.h"
#include "server/storage/store.h"

namespace glutecare {
namespace {

// What a report is asked for: a month, an as-of day, or neither (the
// patient's today).
struct ReportWhen {
  std::optional<absl::CivilMonth> month;
  std::optional<absl::CivilDay> as_of;
};

// The request's optional `month`: none when empty; adds a violation when it
// is not a month.
std::optional<absl::CivilMonth> RequestedMonth(absl::string_view text,
                                               Violations& violations) {
  if (text.empty()) return std::nullopt;
  absl::StatusOr<absl::CivilMonth> month = ParseMonth(text, "month");
  if (!month.ok()) {
    violations.AddAll(month.status());
    return std::nullopt;
  }
  return *month;
}

// The RTM report of `patient` (stored as `name`), as asked by `when`, with
// `now` deciding the patient's today.
absl::StatusOr<v1::RtmReport> MakeReport(Store& store, const PatientName& name,
                                         const v1::Patient& patient,
                                         const ReportWhen& when,
                                         absl::Time now) {
  GLUTECARE_ASSIGN_OR_RETURN(
      absl::TimeZone zone,
      LoadTimeZone(patient.time_zone(), "patient.time_zone"));
  const absl::CivilDay today = LocalDay(now, zone);
  absl::CivilDay as_of = today;
  absl::CivilMonth month(today);
  if (when.as_of.has_value()) {
    as_of = *when.as_of;
    month = absl::CivilMonth(as_of);
  } else if (when.month.has_value()) {
    month = *when.month;
    as_of = std::clamp(today, absl::CivilDay(month), LastDayOf(month));
  }

  // The period holding as_of starts at most 29 days before it.
  GLUTECARE_ASSIGN_OR_RETURN(
      RtmActivity activity,
      store.GetRtmActivity(name, {.data_from = FormatDate(as_of - 29),
                                  .data_to = FormatDate(as_of),
                                  .time_from = FormatDate(absl::CivilDay(month)),
                                  .time_to = FormatDate(LastDayOf(month))}));

  rtm::RtmInput input{.as_of = as_of, .episode_start = as_of, .month = month};
  std::optional<absl::CivilDay> program_start =
      StoredDay(activity.first_program_start_date);
  std::optional<absl::CivilDay> first_data = StoredDay(activity.first_data_date);
  if (program_start.has_value() && first_data.has_value()) {
    input.episode_start = std::min(*program_start, *first_data);
  } else if (program_start.has_value()) {
    input.episode_start = *program_start;
  } else if (first_data.has_value()) {
    input.episode_start = *first_data;
  } else {
    input.monitoring = false;  // no program, no data: not set up yet
  }
  for (const std::string& date : activity.data_dates) {
    if (std::optional<absl::CivilDay> day = StoredDay(date)) {
      input.data_days.push_back(*day);
    }
  }
  input.time = std::move(activity.management_time);

  v1::RtmReport report = rtm::AssessRtm(input, rtm::DefaultCodeTable());
  report.set_patient(name.ToString());
  report.set_patient_display_name(patient.display_name());
  return report;
}

class RtmServiceImpl final : public v1::RtmService::CallbackService {
 public:
  // `store` and `calls` must outlive the service.
  RtmServiceImpl(Store& store, CallRunner& calls)
      : store_(store), calls_(calls) {}

  grpc::ServerUnaryReactor* LogManagementTime(
      grpc::CallbackServerContext* context,
      const v1::LogManagementTimeRequest* request,
      v1::ManagementTimeEntry* response) override {
    return calls_.Run(
        context, *request, [=, this](const Principal& caller) -> absl::Status {
          const absl::Time now = absl::Now();
          GLUTECARE_ASSIGN_OR_RETURN(
              PatientName patient_name,
              PatientName::Parse(request->parent(), "parent"));
          Violations violations;
          CheckRequestId(request->request_id(), "request_id", violations);
          if (!request->has_management_time_entry()) {
            violations.Add("management_time_entry", "is required");
          } else {
            rtm::CheckManagementTimeEntry(request->management_time_entry(),
                                          "management_time_entry", violations);
          }
          std::optional<absl::CivilDay> date;
          const std::string& date_text =
              request->management_time_entry().date();
          if (!date_text.empty()) {
            absl::StatusOr<absl::CivilDay> parsed =
                ParseDate(date_text, "management_time_entry.date");
            if (parsed.ok()) {
              date = *parsed;
            } else {
              violations.Add("management_time_entry.date",
                             "must be a date as YYYY-MM-DD");
            }
          }
          GLUTECARE_RETURN_IF_ERROR(violations.ToStatus());

          GLUTECARE_ASSIGN_OR_RETURN(v1::Patient patient,
                                     store_.GetPatient(patient_name));
          GLUTECARE_ASSIGN_OR_RETURN(
              absl::TimeZone zone,
              LoadTimeZone(patient.time_zone(), "patient.time_zone"));
          const absl::CivilDay today = LocalDay(now, zone);
          if (date.has_value() && *date > today) {
            return InvalidFieldError(
                "management_time_entry.date",
                absl::StrCat("must not be after the patient's today, ",
                             FormatDate(today)));
          }

          v1::ManagementTimeEntry entry = request->management_time_entry();
          entry.set_name(absl::StrCat(patient_name.ToString(),
                                      "/managementTimeEntries/",
                                      GenerateResourceId()));
          entry.set_therapist(caller.subject);
          entry.set_date(FormatDate(date.value_or(today)));
          *entry.mutable_create_time() = NowTimestamp();
          GLUTECARE_ASSIGN_OR_RETURN(
              *response, store_.CreateManagementTimeEntry(
                             patient_name, entry, request->request_id()));
          return absl::OkStatus();
        });
  }

  grpc::ServerUnaryReactor* ListManagementTime(
      grpc::CallbackServerContext* context,
      const v1::ListManagementTimeRequest* request,
      v1::ListManagementTimeResponse* response) override {
    return calls_.Run(
        context, *request,
        ListMethod(store_, &Store::ListManagementTimeEntries, *request,
                   response->mutable_management_time_entries(), response));
  }

  grpc::ServerUnaryReactor* GetRtmReport(grpc::CallbackServerContext* context,
                                         const v1::GetRtmReportRequest* request,
                                         v1::RtmReport* response) override {
    return calls_.Run(context, *request, [=, this]() -> absl::Status {
      const absl::Time now = absl::Now();
      GLUTECARE_ASSIGN_OR_RETURN(
          PatientName name, PatientName::Parse(request->patient(), "patient"));
      Violations violations;
      ReportWhen when;
      when.month = RequestedMonth(request->month(), violations);
      if (!request->as_of_date().empty()) {
        absl::StatusOr<absl::CivilDay> day =
            ParseDate(request->as_of_date(), "as_of_date");
        if (day.ok()) {
          when.as_of = *day;
        } else {
          violations.Add("as_of_date", "must be a date as YYYY-MM-DD");
        }
        if (!request->month().empty()) {
          violations.Add("as_of_date", "give either month or as_of_date");
        }
      }
      GLUTECARE_RETURN_IF_ERROR(violations.ToStatus());
      GLUTECARE_ASSIGN_OR_RETURN(v1::Patient patient, store_.GetPatient(name));
      GLUTECARE_ASSIGN_OR_RETURN(*response,
                                 MakeReport(store_, name, patient, when, now));
      return absl::OkStatus();
    });
  }

  grpc::ServerUnaryReactor* ListRtmReports(
      grpc::CallbackServerContext* context,
      const v1::ListRtmReportsRequest* request,
      v1::ListRtmReportsResponse* response) override {
    return calls_.Run(context, *request, [=, this]() -> absl::Status {
      const absl::Time now = absl::Now();
      GLUTECARE_ASSIGN_OR_RETURN(
          ClinicName clinic, ClinicName::Parse(request->parent(), "parent"));
      Violations violations;
      ReportWhen when;
      when.month = RequestedMonth(request->month(), violations);
      GLUTECARE_RETURN_IF_ERROR(violations.ToStatus());
      GLUTECARE_RETURN_IF_ERROR(CheckEnumFilter(
          request->order(), v1::RtmReportOrder_IsValid, "order"));
      GLUTECARE_ASSIGN_OR_RETURN(int32_t page_size,
                                 EffectivePageSize(request->page_size()));
      // Reports are computed, then ordered, so a page token is an offset into
      // the ordered list of the same query.
      const std::string query =
          absl::StrCat("rtm:", clinic.ToString(), ":", request->month(), ":",
                       request->near_threshold_only(), ":", request->order());
      int64_t offset = 0;
      if (!request->page_token().empty()) {
        GLUTECARE_ASSIGN_OR_RETURN(
            PageCursor cursor, DecodePageToken(query, request->page_token()));
        const int64_t* at = std::get_if<int64_t>(&cursor.sort_key);
        if (at == nullptr || *at < 0) {
          return InvalidFieldError("page_token", "is not a valid page token");
        }
        offset = *at;
      }

      std::vector<v1::RtmReport> reports;
      PageRequest patients_page{.page_size = kMaxPageSize};
      do {
        GLUTECARE_ASSIGN_OR_RETURN(
            Page<v1::Patient> patients,
            store_.ListPatients(clinic, std::nullopt, patients_page));
        for (const v1::Patient& patient : patients.items) {
          GLUTECARE_ASSIGN_OR_RETURN(
              PatientName name, PatientName::Parse(patient.name(), "name"));
          GLUTECARE_ASSIGN_OR_RETURN(
              v1::RtmReport report,
              MakeReport(store_, name, patient, when, now));
          if (request->near_threshold_only() && !report.near_threshold()) {
            continue;
          }
          reports.push_back(std::move(report));
        }
        patients_page.page_token = std::move(patients.next_page_token);
      } while (!patients_page.page_token.empty());

      const bool near_first = request->order() != v1::RTM_REPORT_ORDER_PATIENT;
      std::sort(reports.begin(), reports.end(),
                [near_first](const v1::RtmReport& a, const v1::RtmReport& b) {
                  if (near_first && a.near_threshold() != b.near_threshold()) {
                    return a.near_threshold();
                  }
                  return a.patient() < b.patient();
                });
      const int64_t total = static_cast<int64_t>(reports.size());
      const int64_t end = std::min<int64_t>(total, offset + page_size);
      for (int64_t i = offset; i < end; ++i) {
        *response->add_reports() = std::move(reports[i]);
      }
      if (end < total) {
        response->set_next_page_token(
            EncodePageToken(query, PageCursor{.sort_key = end, .pk = 0}));
      }
      return absl::OkStatus();
    });
  }

 private:
  Store& store_;
  CallRunner& calls_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewRtmService(Store& store, CallRunner& calls) {
  return std::make_unique<RtmServiceImpl>(store, calls);
}

}  // namespace glutecare

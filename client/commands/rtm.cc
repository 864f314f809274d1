// `glutecare rtm log-time|time|report`: Remote Therapeutic Monitoring. A
// therapist logs treatment-management minutes for the patient (--patient)
// and reads which RTM codes the patient, or every patient of the clinic
// (--clinic), supports this period, why, and what is still missing.
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/command.h"
#include "client/commands/commands.h"
#include "client/connection.h"
#include "client/errors.h"
#include "client/names.h"
#include "client/output.h"
#include "client/paging.h"
#include "client/specs.h"
#include "common/status_macros.h"
#include "glutecare/v1/rtm_service.grpc.pb.h"

namespace glutecare::client {
namespace {

struct RtmLogTimeFlags {
  int minutes = 0;
  bool interactive = false;
  std::string date;  // empty: the server takes the patient's today
  std::string note;
  std::optional<std::string> request_id;  // default: a new UUID
};

struct RtmReportFlags {
  std::string month;  // YYYY-MM; empty: the current month
  bool near_only = false;
  bool by_patient = false;
  bool all_patients = false;
};

std::string YesNo(bool value) { return value ? "yes" : "no"; }

void PrintEntry(const v1::ManagementTimeEntry& entry, std::ostream& out) {
  Fields()
      .Add("name", entry.name())
      .Add("date", entry.date())
      .Add("minutes", absl::StrCat(entry.minutes()))
      .Add("interactive", YesNo(entry.interactive()))
      .Add("therapist", entry.therapist())
      .Add("note", entry.note())
      .Print(out);
}

// The supportable codes as "98977, 98981 x2"; "none" when there is none.
std::string SupportedCodes(const v1::RtmReport& report) {
  std::vector<std::string> codes;
  for (const v1::RtmCodeFinding& code : report.codes()) {
    if (!code.supportable()) continue;
    codes.push_back(code.units() > 1
                        ? absl::StrCat(code.code(), " x", code.units())
                        : code.code());
  }
  return codes.empty() ? "none" : absl::StrJoin(codes, ", ");
}

// What is missing, all codes, "; "-separated.
std::string Missing(const v1::RtmReport& report) {
  std::vector<std::string> missing;
  for (const v1::RtmCodeFinding& code : report.codes()) {
    if (!code.missing().empty()) missing.push_back(code.missing());
  }
  return absl::StrJoin(missing, "; ");
}

void PrintReport(const v1::RtmReport& report, std::ostream& out) {
  Fields()
      .Add("patient", report.patient())
      .Add("as of", report.as_of_date())
      .Add("episode start", report.episode_start_date())
      .Add("period", absl::StrCat(report.period_start_date(), " .. ",
                                  report.period_end_date(), " (",
                                  report.days_left(), " days left)"))
      .Add("data days", absl::StrCat(report.data_days()))
      .Add("month", report.month())
      .Add("minutes", absl::StrCat(report.minutes()))
      .Add("interactive", YesNo(report.interactive()))
      .Add("near threshold", YesNo(report.near_threshold()))
      .Print(out);
  out << "\n";
  Table table({"CODE", "SUPPORTABLE", "UNITS", "WHY", "MISSING"});
  for (const v1::RtmCodeFinding& code : report.codes()) {
    table.AddRow({code.code(), YesNo(code.supportable()),
                  absl::StrCat(code.units()), code.reason(), code.missing()});
  }
  table.Print(out);
}

void PrintClinicReports(const v1::ListRtmReportsResponse& response,
                        std::ostream& out) {
  Table table({"PATIENT", "NEAR", "DATA DAYS", "DAYS LEFT", "MINUTES",
               "INTERACTIVE", "SUPPORTABLE", "MISSING"});
  for (const v1::RtmReport& report : response.reports()) {
    table.AddRow(
        {std::string(LastSegment(report.patient())),
         report.near_threshold() ? "yes" : "", absl::StrCat(report.data_days()),
         absl::StrCat(report.days_left()), absl::StrCat(report.minutes()),
         YesNo(report.interactive()), SupportedCodes(report), Missing(report)});
  }
  table.Print(out);
  PrintNextPageHint(response.next_page_token(), out);
}

absl::Status CheckMonth(const std::string& month) {
  if (month.empty()) return absl::OkStatus();
  // A month is its first day without the day.
  if (month.size() != 7 ||
      !CheckDate(absl::StrCat(month, "-01"), "--month").ok()) {
    return UsageError(
        absl::StrCat("bad --month \"", month, "\": expected a month YYYY-MM"));
  }
  return absl::OkStatus();
}

absl::Status LogTime(const CommandContext& context,
                     const RtmLogTimeFlags& flags) {
  v1::LogManagementTimeRequest request;
  if (!flags.date.empty()) {
    GLUTECARE_RETURN_IF_ERROR(CheckDate(flags.date, "--date"));
  }
  GLUTECARE_ASSIGN_OR_RETURN(*request.mutable_parent(), context.Patient());
  v1::ManagementTimeEntry& entry = *request.mutable_management_time_entry();
  entry.set_minutes(flags.minutes);
  entry.set_interactive(flags.interactive);
  entry.set_date(flags.date);
  entry.set_note(flags.note);
  request.set_request_id(flags.request_id.value_or(NewRequestId()));
  return context.CallAndPrint(&v1::RtmService::Stub::LogManagementTime, request,
                              Idempotency::kIdempotent, PrintEntry);
}

Columns<v1::ManagementTimeEntry> TimeEntryColumns() {
  return {{"ID", "DATE", "MINUTES", "INTERACTIVE", "THERAPIST", "NOTE"},
          [](const v1::ManagementTimeEntry& entry) -> std::vector<std::string> {
            return {std::string(LastSegment(entry.name())),
                    entry.date(),
                    absl::StrCat(entry.minutes()),
                    YesNo(entry.interactive()),
                    std::string(LastSegment(entry.therapist())),
                    entry.note()};
          }};
}

absl::Status Report(const CommandContext& context,
                    const RtmReportFlags& flags) {
  GLUTECARE_RETURN_IF_ERROR(CheckMonth(flags.month));
  if (context.HasPatient() && !flags.all_patients) {
    v1::GetRtmReportRequest request;
    GLUTECARE_ASSIGN_OR_RETURN(*request.mutable_patient(), context.Patient());
    request.set_month(flags.month);
    return context.CallAndPrint(&v1::RtmService::Stub::GetRtmReport, request,
                                Idempotency::kIdempotent, PrintReport);
  }
  v1::ListRtmReportsRequest request;
  GLUTECARE_ASSIGN_OR_RETURN(*request.mutable_parent(), context.Clinic());
  request.set_month(flags.month);
  request.set_near_threshold_only(flags.near_only);
  request.set_order(flags.by_patient ? v1::RTM_REPORT_ORDER_PATIENT
                                     : v1::RTM_REPORT_ORDER_NEAR_THRESHOLD);
  GLUTECARE_ASSIGN_OR_RETURN(
      const v1::ListRtmReportsResponse response,
      FetchAll(context.connection(), &v1::RtmService::Stub::ListRtmReports,
               std::move(request)));
  context.Print(response, PrintClinicReports);
  return absl::OkStatus();
}

}  // namespace

void AddRtmCommands(CLI::App& root, ChosenAction& chosen) {
  CLI::App& group = AddCommandGroup(
      root, "rtm",
      "Remote Therapeutic Monitoring: management time and billing reports");

  auto [log_time, log_flags] = AddLeafCommand(
      group, chosen, "log-time",
      "Logs treatment-management minutes for the patient (--patient)", LogTime);
  log_time.add_option("--minutes", log_flags.minutes, "Minutes spent, 1-240")
      ->required();
  log_time.add_flag("--interactive", log_flags.interactive,
                    "The time included a live call or video visit with the "
                    "patient");
  log_time.add_option("--date", log_flags.date,
                      "The day, YYYY-MM-DD in the patient's calendar "
                      "(default: the patient's today)");
  log_time.add_option("--note", log_flags.note, "What was done");
  AddRequestIdOption(log_time, log_flags.request_id);

  AddListCommand(group, chosen, "time",
                 "Lists the management time logged for the patient (--patient)",
                 &CommandContext::Patient,
                 &v1::RtmService::Stub::ListManagementTime,
                 &v1::ListManagementTimeResponse::management_time_entries,
                 TimeEntryColumns());

  auto [report, report_flags] = AddLeafCommand(
      group, chosen, "report",
      "Which RTM codes the patient (--patient), or every patient of the "
      "clinic (--clinic, without --patient), supports, why, and what is "
      "missing; patients "
      "close to a threshold first",
      Report);
  report.add_option("--month", report_flags.month,
                    "The month, YYYY-MM (default: the current month in each "
                    "patient's calendar)");
  report.add_flag("--all-patients", report_flags.all_patients,
                  "Every patient of the clinic, even with --patient or "
                  "GLUTECARE_PATIENT set");
  report.add_flag("--near-only", report_flags.near_only,
                  "Clinic: only patients close to a threshold");
  report.add_flag("--by-patient", report_flags.by_patient,
                  "Clinic: order by patient only");
}

}  // namespace glutecare::client

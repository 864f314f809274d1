// `glutecare pain report|list`: the patient's daily pain check-ins on the
// 0-10 Numeric Rating Scale.
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "client/command.h"
#include "client/commands/commands.h"
#include "client/connection.h"
#include "client/delivery.h"
#include "client/names.h"
#include "client/paging.h"
#include "client/specs.h"
#include "common/status_macros.h"
#include "glutecare/v1/session_service.grpc.pb.h"

namespace glutecare::client {
namespace {

struct PainReportFlags {
  std::string area;
  int score = 0;
  std::string local_date;  // empty: the server takes the patient's today
  std::string note;
  std::optional<std::string> request_id;  // default: a new UUID
};

void PrintPainReport(const v1::PainReport& report, std::ostream& out) {
  Fields()
      .Add("name", report.name())
      .Add("local date", report.local_date())
      .Add("area", FriendlyName(report.area()))
      .Add("score", FormatPainScore(report.has_score(), report.score()))
      .Add("note", report.note())
      .Add("created", FormatTimestamp(report.create_time()))
      .Print(out);
}

absl::Status ReportPain(const CommandContext& context,
                        const PainReportFlags& flags) {
  v1::CreatePainReportRequest request;
  v1::PainReport& report = *request.mutable_pain_report();
  GLUTECARE_ASSIGN_OR_RETURN(
      const v1::PainArea area,
      ParseFriendlyName<v1::PainArea>(flags.area, "--area"));
  if (!flags.local_date.empty()) {
    GLUTECARE_RETURN_IF_ERROR(CheckDate(flags.local_date, "--date"));
  }
  GLUTECARE_ASSIGN_OR_RETURN(*request.mutable_parent(), context.Patient());
  report.set_area(area);
  report.set_score(flags.score);
  report.set_local_date(flags.local_date);
  report.set_note(flags.note);
  request.set_request_id(flags.request_id.value_or(NewRequestId()));
  return SubmitOrKeep(context, &v1::SessionService::Stub::CreatePainReport,
                      request, OutboxKind::kPainReport, PrintPainReport);
}

Columns<v1::PainReport> PainReportColumns() {
  return {{"ID", "LOCAL DATE", "AREA", "SCORE", "NOTE"},
          [](const v1::PainReport& report) -> std::vector<std::string> {
            return {std::string(LastSegment(report.name())),
                    report.local_date(), FriendlyName(report.area()),
                    FormatPainScore(report.has_score(), report.score()),
                    report.note()};
          }};
}

}  // namespace

void AddPainCommands(CLI::App& root, ChosenAction& chosen) {
  CLI::App& group = AddCommandGroup(
      root, "pain", "Daily pain check-ins of the patient (--patient)");

  auto [report, report_flags] = AddLeafCommand(
      group, chosen, "report", "Records a pain check-in", ReportPain);
  report
      .add_option("--area", report_flags.area,
                  "Where the pain is: lower-back, hip or knee")
      ->required();
  AddPainScoreOption(report, "--score", report_flags.score, "Pain")->required();
  report.add_option("--date", report_flags.local_date,
                    "The day reported on, YYYY-MM-DD (default: the patient's "
                    "today)");
  report.add_option("--note", report_flags.note, "Free-text note");
  AddRequestIdOption(report, report_flags.request_id);

  AddListCommand(
      group, chosen, "list", "Lists the patient's pain check-ins, newest first",
      &CommandContext::Patient, &v1::SessionService::Stub::ListPainReports,
      &v1::ListPainReportsResponse::pain_reports, PainReportColumns());
}

}  // namespace glutecare::client

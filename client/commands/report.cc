// `glutecare report adherence|pain`: how well the patient (--patient, or with
// a patient's token by default themselves) kept to their programs, and how
// their pain went, over a range of days in the patient's calendar (default:
// the 28 days ending today).
#include "client/views/report.h"

#include <ostream>
#include <string>

#include "client/command.h"
#include "client/commands/commands.h"
#include "client/commands/lookups.h"
#include "client/connection.h"
#include "client/specs.h"
#include "common/status_macros.h"
#include "glutecare/v1/report_service.grpc.pb.h"

namespace glutecare::client {
namespace {

// The patient and range of either report.
struct ReportFlags {
  std::string start_date;  // empty: 27 days before the end
  std::string end_date;    // empty: the patient's today
};

// Fills the patient and range of a Get*ReportRequest from the flags.
template <typename Request>
absl::StatusOr<Request> ReportRequest(const CommandContext& context,
                                      const ReportFlags& flags) {
  Request request;
  if (!flags.start_date.empty()) {
    GLUTECARE_RETURN_IF_ERROR(CheckDate(flags.start_date, "--from"));
  }
  if (!flags.end_date.empty()) {
    GLUTECARE_RETURN_IF_ERROR(CheckDate(flags.end_date, "--to"));
  }
  GLUTECARE_ASSIGN_OR_RETURN(*request.mutable_patient(),
                             PatientOrTokenHolder(context));
  request.set_start_date(flags.start_date);
  request.set_end_date(flags.end_date);
  return request;
}

// Calls the Get*Report `method` for the patient and range of `flags` and
// prints the report as `print_text` writes it.
template <typename Request, typename Report>
absl::Status ShowReport(const CommandContext& context, const ReportFlags& flags,
                        grpc::Status (v1::ReportService::Stub::*method)(
                            grpc::ClientContext*, const Request&, Report*),
                        void (*print_text)(const Report&, std::ostream&)) {
  GLUTECARE_ASSIGN_OR_RETURN(const Request request,
                             ReportRequest<Request>(context, flags));
  return context.CallAndPrint(method, request, Idempotency::kIdempotent,
                              print_text);
}

absl::Status ShowAdherenceReport(const CommandContext& context,
                                 const ReportFlags& flags) {
  return ShowReport(context, flags,
                    &v1::ReportService::Stub::GetAdherenceReport,
                    PrintAdherenceReport);
}

absl::Status ShowPainTrendReport(const CommandContext& context,
                                 const ReportFlags& flags) {
  return ShowReport(context, flags,
                    &v1::ReportService::Stub::GetPainTrendReport,
                    PrintPainTrendReport);
}

void AddRangeFlags(CLI::App& command, ReportFlags& flags) {
  command.add_option("--from", flags.start_date,
                     "First day, YYYY-MM-DD in the patient's calendar "
                     "(default: 27 days before --to)");
  command.add_option("--to", flags.end_date,
                     "Last day, YYYY-MM-DD (default: the patient's today)");
}

}  // namespace

void AddReportCommands(CLI::App& root, ChosenAction& chosen) {
  CLI::App& group = AddCommandGroup(
      root, "report",
      "Adherence and pain reports of the patient (--patient; a patient's "
      "token: their own)");

  auto [adherence, adherence_flags] = AddLeafCommand(
      group, chosen, "adherence",
      "Sessions done against those prescribed, per week and per exercise",
      ShowAdherenceReport);
  AddRangeFlags(adherence, adherence_flags);

  auto [pain, pain_flags] = AddLeafCommand(
      group, chosen, "pain",
      "Daily pain per area with its 7-day mean, the changes from baseline "
      "and first week, and pain after exercise",
      ShowPainTrendReport);
  AddRangeFlags(pain, pain_flags);
}

}  // namespace glutecare::client

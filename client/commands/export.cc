// `glutecare export csv`: sessions or pain reports as CSV for spreadsheets
// (CsvExportService), of the patient given by --patient or of every patient
// of the clinic, written to standard output as the server streams it.
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "client/access_token.h"
#include "client/command.h"
#include "client/commands/commands.h"
#include "client/errors.h"
#include "client/specs.h"
#include "common/status_macros.h"
#include "glutecare/v1/csv_export_service.grpc.pb.h"

namespace glutecare::client {
namespace {

struct ExportCsvFlags {
  std::string table;
  bool all_patients = false;
};

absl::StatusOr<v1::ExportCsvRequest::Table> ParseTable(
    const std::string& table) {
  if (table == "sessions") return v1::ExportCsvRequest::TABLE_SESSIONS;
  if (table == "pain-reports") return v1::ExportCsvRequest::TABLE_PAIN_REPORTS;
  return UsageError(absl::StrCat("bad --table \"", table,
                                 "\": expected sessions or pain-reports"));
}

absl::Status ExportCsv(const CommandContext& context,
                       const ExportCsvFlags& flags) {
  v1::ExportCsvRequest request;
  GLUTECARE_ASSIGN_OR_RETURN(const v1::ExportCsvRequest::Table table,
                             ParseTable(flags.table));
  request.set_table(table);
  if (context.HasPatient() && !flags.all_patients) {
    GLUTECARE_ASSIGN_OR_RETURN(*request.mutable_parent(), context.Patient());
  } else {
    GLUTECARE_ASSIGN_OR_RETURN(*request.mutable_parent(), context.Clinic());
  }
  // A stream has no deadline: a clinic's export takes as long as it takes.
  grpc::ClientContext call;
  AddBearerToken(context.connection().access_token(), call);
  std::unique_ptr<grpc::ClientReader<v1::CsvChunk>> reader =
      context.connection().stub<v1::CsvExportService::Stub>().ExportCsv(
          &call, request);
  v1::CsvChunk chunk;
  while (reader->Read(&chunk)) {
    std::cout << chunk.csv();
    if (!std::cout) {
      call.TryCancel();
      reader->Finish();
      return absl::UnavailableError("cannot write to standard output");
    }
  }
  std::cout.flush();
  return FromGrpcStatus(reader->Finish());
}

}  // namespace

void AddExportCommands(CLI::App& root, ChosenAction& chosen) {
  CLI::App& group = AddCommandGroup(root, "export",
                                    "Records out, for clinic systems and "
                                    "spreadsheets");
  auto [csv, flags] = AddLeafCommand(
      group, chosen, "csv",
      "Writes sessions or pain reports as CSV (RFC 4180) to standard "
      "output: the --patient's, else the --clinic's",
      ExportCsv);
  csv.add_option("--table", flags.table, "sessions or pain-reports")
      ->required();
  csv.add_flag("--all-patients", flags.all_patients,
               "Every patient of the clinic, even with --patient or "
               "GLUTECARE_PATIENT set");
  AddFhirExportCommand(group, chosen);
}

}  // namespace glutecare::client

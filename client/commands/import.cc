// `glutecare import patients FILE`: patients in from a clinic system, as FHIR
// R4 Patient resources (NDJSON, one Patient, or a Bundle of them), upserted
// by MRN (PatientImportService). Prints a line per record: where it is in
// the file, what became of it, and the patient or why it was rejected.
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "client/command.h"
#include "client/commands/commands.h"
#include "client/errors.h"
#include "client/import_file.h"
#include "client/specs.h"
#include "common/status_macros.h"
#include "glutecare/v1/patient_import_service.grpc.pb.h"

namespace glutecare::client {
namespace {

// What one ImportPatients call may carry: the server's limits (1000 records,
// 1 MiB per request), with room for the request's other fields and the
// records' framing.
constexpr size_t kMaxRecordsPerCall = 1000;
constexpr size_t kMaxRecordBytesPerCall = 1000 * 1000;

struct ImportPatientsFlags {
  std::string file;  // "-" for standard input
  std::optional<std::string> therapist;
  std::optional<std::string> time_zone;
};

absl::StatusOr<std::string> ReadAll(const std::string& file) {
  if (file == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), {});
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return UsageError(absl::StrCat("cannot read ", file));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return UsageError(absl::StrCat("cannot read ", file));
  return text.str();
}

absl::Status ImportPatients(const CommandContext& context,
                            const ImportPatientsFlags& flags) {
  GLUTECARE_ASSIGN_OR_RETURN(const std::string text, ReadAll(flags.file));
  GLUTECARE_ASSIGN_OR_RETURN(const ImportFile file, ReadImportFile(text));
  v1::ImportPatientsRequest request;
  GLUTECARE_ASSIGN_OR_RETURN(*request.mutable_parent(), context.Clinic());
  if (flags.therapist.has_value()) {
    GLUTECARE_ASSIGN_OR_RETURN(
        *request.mutable_default_therapist(),
        context.NameInClinic("therapists", *flags.therapist, "--therapist"));
  }
  request.set_default_time_zone(flags.time_zone.value_or(""));
  if (file.skipped_entries > 0) {
    std::cerr << "glutecare: skipping " << file.skipped_entries
              << " Bundle entries that are not Patients" << std::endl;
  }

  int rejected = 0;
  for (const Batch& batch :
       Batches(file.records, kMaxRecordsPerCall, kMaxRecordBytesPerCall)) {
    v1::ImportPatientsResponse response;
    if (const size_t bytes = file.records[batch.begin].json.size();
        batch.end - batch.begin == 1 && bytes > kMaxRecordBytesPerCall) {
      // Alone in its batch and still more than a call may carry: rejected
      // here, and the rest goes on.
      v1::ImportResult* result = response.add_results();
      result->set_index(0);
      result->set_outcome(v1::ImportResult::OUTCOME_REJECTED);
      result->set_reason(absl::StrCat("record: ", bytes / 1000,
                                      " kB, more than one call carries (",
                                      kMaxRecordBytesPerCall / 1000,
                                      " kB); leave out large elements "
                                      "such as photo"));
    } else {
      request.clear_records();
      for (size_t i = batch.begin; i < batch.end; ++i) {
        request.add_records(file.records[i].json);
      }
      // Importing is idempotent: a batch that timed out may be sent again.
      GLUTECARE_ASSIGN_OR_RETURN(
          response, context.connection().Call(
                        &v1::PatientImportService::Stub::ImportPatients,
                        request, Idempotency::kIdempotent));
    }
    for (v1::ImportResult& result : *response.mutable_results()) {
      const size_t record = batch.begin + result.index();
      if (result.outcome() == v1::ImportResult::OUTCOME_REJECTED) ++rejected;
      result.set_index(static_cast<int32_t>(record));
      const std::string& where =
          record < file.records.size() ? file.records[record].where : "?";
      context.output().PrintLine(
          result,
          absl::StrCat(where, ": ", FriendlyName(result.outcome()),
                       result.outcome() == v1::ImportResult::OUTCOME_REJECTED
                           ? absl::StrCat(": ", result.reason())
                           : absl::StrCat(" ", result.patient())));
    }
  }
  if (rejected > 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(rejected, " of ", file.records.size(),
                     " records were rejected; the others are imported"));
  }
  return absl::OkStatus();
}

}  // namespace

void AddImportCommands(CLI::App& root, ChosenAction& chosen) {
  CLI::App& group = AddCommandGroup(
      root, "import", "Records in from clinic systems (HL7 FHIR R4)");
  auto [patients, flags] = AddLeafCommand(
      group, chosen, "patients",
      "Creates or updates the clinic's patients from FHIR Patient resources, "
      "by MRN",
      ImportPatients);
  patients
      .add_option("FILE", flags.file,
                  "NDJSON (a Patient per line), one Patient, or a Bundle of "
                  "Patients; - for standard input")
      ->required();
  patients.add_option("--therapist", flags.therapist,
                      "The therapist of new patients whose record names no "
                      "generalPractitioner");
  patients.add_option("--time-zone", flags.time_zone,
                      "The IANA time zone of new patients whose record has "
                      "none");
}

}  // namespace glutecare::client

// `glutecare export fhir`: HL7 FHIR R4 for clinic systems
// (FhirExportService). Without --out, the --patient's record as one Bundle
// on standard output; with --out DIR, the --clinic's resources as FHIR Bulk
// Data style NDJSON, one file per resource type in DIR, put in place only
// once the whole export has arrived, and a summary on standard error.
#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/access_token.h"
#include "client/command.h"
#include "client/commands/commands.h"
#include "client/errors.h"
#include "client/export_folder.h"
#include "client/specs.h"
#include "common/status_macros.h"
#include "glutecare/v1/fhir_export_service.grpc.pb.h"

namespace glutecare::client {
namespace {

// The resource types of an export, in the order the summary lists them.
const std::vector<std::string>& AllResourceTypes() {
  static const auto* const types = new std::vector<std::string>{
      "Patient",   "Practitioner", "CarePlan",
      "Procedure", "Observation",  "QuestionnaireResponse"};
  return *types;
}

struct FhirExportFlags {
  std::string out;                   // the clinic's NDJSON into this folder
  std::optional<std::string> since;  // RFC 3339
  std::vector<std::string> types;    // FHIR resource types; none means all
};

absl::Status ExportBundle(const CommandContext& context) {
  v1::ExportPatientBundleRequest request;
  GLUTECARE_ASSIGN_OR_RETURN(*request.mutable_patient(), context.Patient());
  GLUTECARE_ASSIGN_OR_RETURN(
      const v1::FhirBundle bundle,
      context.connection().Call(
          &v1::FhirExportService::Stub::ExportPatientBundle, request,
          Idempotency::kIdempotent));
  std::cout << bundle.json() << std::endl;
  if (!std::cout)
    return absl::UnavailableError("cannot write to standard output");
  return absl::OkStatus();
}

absl::Status ExportClinic(const CommandContext& context,
                          const FhirExportFlags& flags) {
  v1::ExportClinicResourcesRequest request;
  GLUTECARE_ASSIGN_OR_RETURN(*request.mutable_parent(), context.Clinic());
  if (flags.since.has_value()) {
    GLUTECARE_ASSIGN_OR_RETURN(const absl::Time since,
                               ParseInstant(*flags.since, "--since"));
    *request.mutable_since() = ToTimestamp(since);
  }
  for (const std::string& type : flags.types) {
    if (std::find(AllResourceTypes().begin(), AllResourceTypes().end(), type) ==
        AllResourceTypes().end()) {
      return UsageError(absl::StrCat("bad --type \"", type, "\": expected ",
                                     absl::StrJoin(AllResourceTypes(), ", ")));
    }
    request.add_resource_types(type);
  }
  GLUTECARE_ASSIGN_OR_RETURN(
      std::unique_ptr<ExportFolder> folder,
      ExportFolder::Open(
          flags.out, flags.types.empty() ? AllResourceTypes() : flags.types));

  // A stream has no deadline: a clinic's export takes as long as it takes.
  grpc::ClientContext call;
  AddBearerToken(context.connection().access_token(), call);
  std::unique_ptr<grpc::ClientReader<v1::FhirNdjsonChunk>> reader =
      context.connection()
          .stub<v1::FhirExportService::Stub>()
          .ExportClinicResources(&call, request);
  v1::FhirNdjsonChunk chunk;
  google::protobuf::Timestamp transaction_time;
  while (reader->Read(&chunk)) {
    transaction_time = chunk.transaction_time();
    if (chunk.ndjson().empty()) continue;  // an export that found nothing
    if (absl::Status written =
            folder->Append(chunk.resource_type(), chunk.ndjson());
        !written.ok()) {
      call.TryCancel();
      reader->Finish();
      return written;
    }
  }
  GLUTECARE_RETURN_IF_ERROR(FromGrpcStatus(reader->Finish()));
  GLUTECARE_RETURN_IF_ERROR(folder->Commit());

  std::vector<std::string> counts;
  for (const auto& [type, lines] : folder->Counts()) {
    counts.push_back(absl::StrCat(type, " ", lines));
  }
  std::cerr << "glutecare: exported " << absl::StrJoin(counts, ", ") << " to "
            << flags.out << "/{type}.ndjson" << std::endl;
  const std::string next = FormatTimestamp(transaction_time);
  if (!next.empty()) {
    std::cerr << "glutecare: for the next incremental export: --since " << next
              << std::endl;
  }
  return absl::OkStatus();
}

absl::Status ExportFhir(const CommandContext& context,
                        const FhirExportFlags& flags) {
  if (!flags.out.empty()) return ExportClinic(context, flags);
  if (flags.since.has_value() || !flags.types.empty()) {
    return UsageError(
        "--since and --type are for a clinic export: add --out DIR");
  }
  if (!context.HasPatient()) {
    return UsageError(
        "export fhir needs --patient NAME (a Bundle on standard output) or "
        "--out DIR (the clinic's resources as NDJSON files)");
  }
  return ExportBundle(context);
}

}  // namespace

void AddFhirExportCommand(CLI::App& export_group, ChosenAction& chosen) {
  auto [fhir, flags] = AddLeafCommand(
      export_group, chosen, "fhir",
      "HL7 FHIR R4: the --patient's record as a Bundle on standard output, "
      "or with --out DIR the --clinic's resources as NDJSON files "
      "(DIR/Patient.ndjson, ...)",
      ExportFhir);
  fhir.add_option("--out", flags.out,
                  "Folder for the clinic's export, one {type}.ndjson per "
                  "resource type (made if missing; files are replaced only "
                  "once the whole export has arrived)");
  fhir.add_option("--since", flags.since,
                  "With --out: only resources created or changed at or after "
                  "this RFC 3339 instant (the last export's transaction time)");
  fhir.add_option("--type", flags.types,
                  "With --out: only this resource type (Patient, "
                  "Practitioner, CarePlan, Procedure, Observation, "
                  "QuestionnaireResponse); "
                  "repeatable");
}

}  // namespace glutecare::client

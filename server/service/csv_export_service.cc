#include "server/service/csv_export_service.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/common/status.h"
#include "server/domain/resource_names.h"
#include "server/domain/validation.h"
#include "server/service/producer_stream.h"

namespace glutecare {
namespace {

// The patient or clinic of ExportCsvRequest.parent.
absl::StatusOr<std::variant<ClinicName, PatientName>> ParseParent(
    const std::string& parent) {
  if (absl::StrContains(parent, "/patients/")) {
    GLUTECARE_ASSIGN_OR_RETURN(PatientName patient,
                               PatientName::Parse(parent, "parent"));
    return patient;
  }
  if (absl::StatusOr<ClinicName> clinic = ClinicName::Parse(parent, "parent");
      clinic.ok()) {
    return *clinic;
  }
  return InvalidFieldError(
      "parent",
      "must be a patient, clinics/{clinic}/patients/{patient}, or "
      "a clinic, clinics/{clinic}");
}

}  // namespace

grpc::ServerWriteReactor<v1::CsvChunk>* CsvExportServiceImpl::ExportCsv(
    grpc::CallbackServerContext* context, const v1::ExportCsvRequest* request) {
  return StartProducerStream<v1::CsvChunk>(
      calls_, context, *request,
      [this, parent = request->parent(), table = request->table()](
          const Principal&) -> absl::StatusOr<Producer<v1::CsvChunk>> {
        GLUTECARE_ASSIGN_OR_RETURN(auto scope, ParseParent(parent));
        if (table == v1::ExportCsvRequest::TABLE_UNSPECIFIED) {
          return InvalidFieldError(
              "table", "required: TABLE_SESSIONS or TABLE_PAIN_REPORTS");
        }
        GLUTECARE_RETURN_IF_ERROR(CheckEnumFilter(
            table, v1::ExportCsvRequest::Table_IsValid, "table"));
        // A missing patient or clinic is NOT_FOUND before the stream starts.
        if (const auto* patient = std::get_if<PatientName>(&scope)) {
          GLUTECARE_RETURN_IF_ERROR(store_.GetPatient(*patient).status());
        } else {
          GLUTECARE_RETURN_IF_ERROR(
              store_.GetClinic(std::get<ClinicName>(scope)).status());
        }
        auto chunks = std::make_shared<CsvChunks>(store_, table,
                                                  std::move(scope), options_);
        return [chunks]() -> absl::StatusOr<std::optional<v1::CsvChunk>> {
          GLUTECARE_ASSIGN_OR_RETURN(std::optional<std::string> csv,
                                     chunks->Next());
          if (!csv.has_value()) return std::nullopt;
          v1::CsvChunk chunk;
          chunk.set_csv(*std::move(csv));
          return chunk;
        };
      });
}

}  // namespace glutecare

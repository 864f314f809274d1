// glutecare.v1.CsvExportService: sessions and pain reports as CSV for
// spreadsheets, streamed in chunks of whole rows (server/app/csv_chunks.h;
// the columns are server/domain/csv_tables.h's).
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "glutecare/v1/csv_export_service.grpc.pb.h"
#include "server/app/csv_chunks.h"
#include "server/common/status.h"
#include "server/domain/resource_names.h"
#include "server/domain/validation.h"
#include "server/service/call.h"
#include "server/service/producer_stream.h"
#include "server/service/services.h"
#include "server/storage/store.h"

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

class CsvExportServiceImpl final
    : public v1::CsvExportService::CallbackService {
 public:
  // `store` and `calls` must outlive the service.
  CsvExportServiceImpl(Store& store, CallRunner& calls,
                       CsvChunks::Options options)
      : store_(store), calls_(calls), options_(options) {}

  grpc::ServerWriteReactor<v1::CsvChunk>* ExportCsv(
      grpc::CallbackServerContext* context,
      const v1::ExportCsvRequest* request) override {
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

 private:
  Store& store_;
  CallRunner& calls_;
  const CsvChunks::Options options_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewCsvExportService(Store& store,
                                                   CallRunner& calls) {
  return std::make_unique<CsvExportServiceImpl>(store, calls,
                                                CsvChunks::Options{});
}

}  // namespace glutecare

// glutecare.v1.FhirExportService: a patient's record as a FHIR R4 Bundle,
// and a clinic's records as a stream of NDJSON chunks (FHIR Bulk Data
// style). The reads are in fhir_export.h, the mapping in
// domain/fhir/export.h; the stream is a producer stream (producer_stream.h):
// one chunk in flight, made on the executor only once the last is written.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "glutecare/v1/fhir_export_service.grpc.pb.h"
#include "google/protobuf/util/time_util.h"
#include "server/app/fhir_export.h"
#include "server/common/clock.h"
#include "server/common/status.h"
#include "server/domain/exercise_catalog.h"
#include "server/domain/fhir/export.h"
#include "server/domain/resource_names.h"
#include "server/domain/validation.h"
#include "server/service/call.h"
#include "server/service/producer_stream.h"
#include "server/service/services.h"
#include "server/storage/store.h"

namespace glutecare {
namespace {

// How long before an export's start its transaction_time lies: a write is
// stamped before it commits (behind a group commit, a busy database or a
// slow disk), so a record stamped just before the start may become visible
// only after the export has read past it. The next incremental export, from
// transaction_time, sends it then.
constexpr absl::Duration kTransactionTimeMargin = absl::Minutes(1);

class FhirExportServiceImpl final
    : public v1::FhirExportService::CallbackService {
 public:
  // The arguments must outlive the service.
  FhirExportServiceImpl(Store& store, CallRunner& calls,
                        const ExerciseCatalog& catalog,
                        const FhirExportOptions& options)
      : store_(store), calls_(calls), catalog_(catalog), options_(options) {}

  grpc::ServerUnaryReactor* ExportPatientBundle(
      grpc::CallbackServerContext* context,
      const v1::ExportPatientBundleRequest* request,
      v1::FhirBundle* response) override {
    return calls_.Run(context, *request, [=, this]() -> absl::Status {
      GLUTECARE_ASSIGN_OR_RETURN(
          PatientName patient,
          PatientName::Parse(request->patient(), "patient"));
      GLUTECARE_ASSIGN_OR_RETURN(*response->mutable_json(),
                                 glutecare::ExportPatientBundle(
                                     store_, catalog_, patient, NowTimestamp(),
                                     options_.max_bundle_bytes));
      return absl::OkStatus();
    });
  }

  grpc::ServerWriteReactor<v1::FhirNdjsonChunk>* ExportClinicResources(
      grpc::CallbackServerContext* context,
      const v1::ExportClinicResourcesRequest* request) override {
    return StartProducerStream<v1::FhirNdjsonChunk>(
        calls_, context, *request,
        [this, request = *request](
            const Principal&) -> absl::StatusOr<Producer<v1::FhirNdjsonChunk>> {
          GLUTECARE_ASSIGN_OR_RETURN(
              ClinicName clinic, ClinicName::Parse(request.parent(), "parent"));
          Violations violations;
          ClinicExportOptions options;
          if (request.has_since()) {
            CheckTimestamp(request.since(), "since", violations);
            options.since = request.since();
          }
          const std::vector<std::string> names(request.resource_types().begin(),
                                               request.resource_types().end());
          options.types =
              fhir::ResourceTypesOf(names, "resource_types", violations);
          GLUTECARE_RETURN_IF_ERROR(violations.ToStatus());
          // A missing clinic is NOT_FOUND before the stream starts.
          GLUTECARE_RETURN_IF_ERROR(store_.GetClinic(clinic).status());
          options.transaction_time =
              google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
                  absl::ToUnixNanos(absl::Now() - kTransactionTimeMargin));
          options.chunk_bytes = options_.chunk_bytes;
          auto clinic_export = std::make_shared<ClinicExport>(
              store_, catalog_, std::move(clinic), std::move(options));
          return [clinic_export] { return clinic_export->Next(); };
        });
  }

 private:
  Store& store_;
  CallRunner& calls_;
  const ExerciseCatalog& catalog_;
  const FhirExportOptions options_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewFhirExportService(
    Store& store, CallRunner& calls, const ExerciseCatalog& catalog,
    const FhirExportOptions& options) {
  return std::make_unique<FhirExportServiceImpl>(store, calls, catalog,
                                                 options);
}

}  // namespace glutecare

// glutecare.v1.FhirExportService: a patient's record as a FHIR R4 Bundle,
// and a clinic's records as a stream of NDJSON chunks (FHIR Bulk Data
// style). The reads are in fhir_export.h, the mapping in
// domain/fhir/export.h; the stream is a producer stream (producer_stream.h):
// one chunk in flight, made on the executor only once the last is written.
#ifndef GLUTECARE_SERVER_SERVICE_FHIR_EXPORT_SERVICE_H_
#define GLUTECARE_SERVER_SERVICE_FHIR_EXPORT_SERVICE_H_

#include <cstddef>

#include "glutecare/v1/fhir_export_service.grpc.pb.h"
#include "server/domain/exercise_catalog.h"
#include "server/service/call.h"
#include "server/storage/store.h"

namespace glutecare {

class FhirExportServiceImpl final
    : public v1::FhirExportService::CallbackService {
 public:
  struct Options {
    // The largest Bundle ExportPatientBundle answers with: a little under
    // the server's largest reply (ServerOptions::max_send_message_bytes).
    size_t max_bundle_bytes = (16 << 20) - (64 << 10);
    // The size of the NDJSON chunks of ExportClinicResources.
    size_t chunk_bytes = 1 << 20;
  };

  // The arguments must outlive the service.
  FhirExportServiceImpl(Store& store, CallRunner& calls,
                        const ExerciseCatalog& catalog, const Options& options)
      : store_(store), calls_(calls), catalog_(catalog), options_(options) {}

  grpc::ServerUnaryReactor* ExportPatientBundle(
      grpc::CallbackServerContext* context,
      const v1::ExportPatientBundleRequest* request,
      v1::FhirBundle* response) override;
  grpc::ServerWriteReactor<v1::FhirNdjsonChunk>* ExportClinicResources(
      grpc::CallbackServerContext* context,
      const v1::ExportClinicResourcesRequest* request) override;

 private:
  Store& store_;
  CallRunner& calls_;
  const ExerciseCatalog& catalog_;
  const Options options_;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_FHIR_EXPORT_SERVICE_H_

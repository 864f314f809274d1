// glutecare.v1.CsvExportService: sessions and pain reports as CSV for
// spreadsheets, streamed in chunks of whole rows (server/service/
// csv_chunks.h; the columns are server/domain/csv_tables.h's).
#ifndef GLUTECARE_SERVER_SERVICE_CSV_EXPORT_SERVICE_H_
#define GLUTECARE_SERVER_SERVICE_CSV_EXPORT_SERVICE_H_

#include "glutecare/v1/csv_export_service.grpc.pb.h"
#include "server/app/csv_chunks.h"
#include "server/service/call.h"
#include "server/storage/store.h"

namespace glutecare {

class CsvExportServiceImpl final
    : public v1::CsvExportService::CallbackService {
 public:
  // `store` and `calls` must outlive the service.
  CsvExportServiceImpl(Store& store, CallRunner& calls,
                       CsvChunks::Options options = {})
      : store_(store), calls_(calls), options_(options) {}

  grpc::ServerWriteReactor<v1::CsvChunk>* ExportCsv(
      grpc::CallbackServerContext* context,
      const v1::ExportCsvRequest* request) override;

 private:
  Store& store_;
  CallRunner& calls_;
  const CsvChunks::Options options_;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_SERVICE_CSV_EXPORT_SERVICE_H_

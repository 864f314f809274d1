// The rows of a CSV export read from the store a page at a time and handed
// out in chunks of whole rows (the header row first), so that an export of
// any size holds at most one page of patients, one page of rows and one
// chunk in memory. The tables are server/domain/csv_tables.h's.
//
//   CsvChunks chunks(store, v1::ExportCsvRequest::TABLE_SESSIONS,
//                    ClinicName{"demo"}, {});
//   while (true) {
//     GLUTECARE_ASSIGN_OR_RETURN(std::optional<std::string> chunk,
//                                chunks.Next());
//     if (!chunk.has_value()) break;
//     ...send *chunk...
//   }
#ifndef GLUTECARE_SERVER_APP_CSV_CHUNKS_H_
#define GLUTECARE_SERVER_APP_CSV_CHUNKS_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "glutecare/v1/csv_export_service.pb.h"
#include "server/domain/resource_names.h"
#include "server/storage/store.h"

namespace glutecare {

// Thread-compatible: one caller at a time.
class CsvChunks final {
 public:
  struct Options {
    // Patients read from the store at a time (a clinic's export).
    int32_t patients_per_page = 100;
    // Sessions or pain reports read at a time. A row holds at most ~16 KB
    // (2000 characters of notes, quoted), so a page holds at most ~1.6 MB.
    int32_t rows_per_page = 100;
    // A chunk ends with the first row that brings it to this size: under
    // the 4 MiB a gRPC client takes in one message by default, with room.
    size_t chunk_bytes = 64 * 1024;
  };

  // The rows of `table` for one patient or every patient of a clinic
  // (patients in creation order, each one's rows newest first). `store`
  // must outlive this object. REQUIRES: `table` is TABLE_SESSIONS or
  // TABLE_PAIN_REPORTS.
  CsvChunks(Store& store, v1::ExportCsvRequest::Table table,
            std::variant<ClinicName, PatientName> parent, Options options);

  // The next chunk: whole rows ending in CRLF, the first starting with the
  // header row; nullopt once every row was handed out. Errors are the
  // store's (NOT_FOUND for a missing patient or clinic).
  absl::StatusOr<std::optional<std::string>> Next();

 private:
  // Reads the next page of rows of the current patient into rows_, moving
  // on to the next patient (and page of patients) as they run out. False
  // when there are no more rows.
  absl::StatusOr<bool> ReadMoreRows();
  // Reads the next page of patients; false when there are no more.
  absl::StatusOr<bool> ReadMorePatients();

  Store& store_;
  const v1::ExportCsvRequest::Table table_;
  const std::variant<ClinicName, PatientName> parent_;
  const Options options_;

  bool header_sent_ = false;
  bool finished_ = false;
  // The current page of patients; patient_ indexes it.
  std::vector<v1::Patient> patients_;
  size_t patient_ = 0;
  // The next page of patients; nullopt when there is none.
  std::optional<std::string> patients_token_ = std::string();
  // The next page of the current patient's rows; nullopt when it has none.
  std::optional<std::string> rows_token_ = std::string();
  // Rows read, as CSV records, and not yet handed out.
  std::deque<std::string> rows_;
};

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_APP_CSV_CHUNKS_H_

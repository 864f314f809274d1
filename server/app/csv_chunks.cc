#include "server/app/csv_chunks.h"

#include <utility>

#include "common/status_macros.h"
#include "server/domain/csv.h"
#include "server/domain/csv_tables.h"

namespace glutecare {
namespace {

// Appends each item of `page`, as a CSV record made by `row`, to `out`, and
// returns the page's next page token.
template <typename Item, typename RowFn>
std::string AppendPage(Page<Item> page, RowFn row,
                       std::deque<std::string>& out) {
  for (const Item& item : page.items) {
    std::string record;
    AppendCsvRecord(row(item), record);
    out.push_back(std::move(record));
  }
  return std::move(page.next_page_token);
}

}  // namespace

CsvChunks::CsvChunks(Store& store, v1::ExportCsvRequest::Table table,
                     std::variant<ClinicName, PatientName> parent,
                     Options options)
    : store_(store),
      table_(table),
      parent_(std::move(parent)),
      options_(options) {}

absl::StatusOr<std::optional<std::string>> CsvChunks::Next() {
  if (finished_) return std::nullopt;
  std::string chunk;
  if (!header_sent_) {
    AppendCsvRecord(table_ == v1::ExportCsvRequest::TABLE_SESSIONS
                        ? SessionCsvColumns()
                        : PainReportCsvColumns(),
                    chunk);
    header_sent_ = true;
  }
  while (chunk.size() < options_.chunk_bytes) {
    if (rows_.empty()) {
      GLUTECARE_ASSIGN_OR_RETURN(bool more, ReadMoreRows());
      if (!more) {
        finished_ = true;
        break;
      }
      continue;
    }
    chunk += rows_.front();
    rows_.pop_front();
  }
  if (chunk.empty()) return std::nullopt;
  return chunk;
}

absl::StatusOr<bool> CsvChunks::ReadMorePatients() {
  patients_.clear();
  patient_ = 0;
  rows_token_ = std::string();
  if (const PatientName* patient = std::get_if<PatientName>(&parent_)) {
    if (!patients_token_.has_value()) return false;
    patients_token_.reset();
    GLUTECARE_ASSIGN_OR_RETURN(v1::Patient only, store_.GetPatient(*patient));
    patients_.push_back(std::move(only));
    return true;
  }
  while (patients_.empty()) {
    if (!patients_token_.has_value()) return false;
    GLUTECARE_ASSIGN_OR_RETURN(
        Page<v1::Patient> page,
        store_.ListPatients(std::get<ClinicName>(parent_), std::nullopt,
                            {options_.patients_per_page, *patients_token_}));
    patients_ = std::move(page.items);
    patients_token_ = page.next_page_token.empty()
                          ? std::nullopt
                          : std::optional(std::move(page.next_page_token));
  }
  return true;
}

absl::StatusOr<bool> CsvChunks::ReadMoreRows() {
  while (rows_.empty()) {
    if (patient_ >= patients_.size()) {
      GLUTECARE_ASSIGN_OR_RETURN(bool more, ReadMorePatients());
      if (!more) return false;
      continue;
    }
    if (!rows_token_.has_value()) {  // this patient's rows are all out
      ++patient_;
      rows_token_ = std::string();
      continue;
    }
    const v1::Patient& patient = patients_[patient_];
    GLUTECARE_ASSIGN_OR_RETURN(PatientName name,
                               PatientName::Parse(patient.name(), "patient"));
    const PageRequest page{options_.rows_per_page, *rows_token_};
    std::string next_token;
    if (table_ == v1::ExportCsvRequest::TABLE_SESSIONS) {
      GLUTECARE_ASSIGN_OR_RETURN(Page<v1::Session> sessions,
                                 store_.ListSessions(name, page));
      next_token = AppendPage(
          std::move(sessions),
          [&](const v1::Session& s) { return SessionCsvRow(patient, s); },
          rows_);
    } else {
      GLUTECARE_ASSIGN_OR_RETURN(Page<v1::PainReport> reports,
                                 store_.ListPainReports(name, page));
      next_token = AppendPage(
          std::move(reports),
          [&](const v1::PainReport& r) { return PainReportCsvRow(patient, r); },
          rows_);
    }
    rows_token_ = next_token.empty() ? std::nullopt
                                     : std::optional(std::move(next_token));
  }
  return true;
}

}  // namespace glutecare

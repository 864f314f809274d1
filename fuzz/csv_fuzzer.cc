// libFuzzer target, in process: the CSV export (server/domain/csv.h and
// csv_tables.h), whose cells carry what patients and therapists typed.
//
// Byte 0 picks the table; the rest is:
// - fields (0): cells separated by NUL bytes, written as one record;
// - sessions (1) and pain reports (2): a 2-byte big-endian length, that
//   many bytes of a serialized v1::Patient, and the rest a serialized
//   v1::Session or v1::PainReport, written as a row of its table.
// What must hold: the record reads back (tests/testing/csv_reader.h, strict
// RFC 4180) as exactly the cells written, one per column; free text (names,
// the MRN, notes) never starts a cell with what a spreadsheet takes for a
// formula; and when the patient and the session or report pass the
// server's validation, as everything stored does, no cell at all does.
//
//   build-asan/fuzz/glutecare_csv_fuzzer fuzz/corpus/csv
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "fuzz/fuzz_check.h"
#include "glutecare/v1/clinic.pb.h"
#include "glutecare/v1/session.pb.h"
#include "server/domain/csv.h"
#include "server/domain/csv_tables.h"
#include "server/domain/exercise_catalog.h"
#include "server/domain/resource_names.h"
#include "server/domain/validation.h"
#include "tests/testing/csv_reader.h"

namespace glutecare::fuzz {
namespace {

// The server's clock for what it stores: 2026-11-24T08:30:00Z.
constexpr int64_t kServerTime = 1795509000;

// A spreadsheet takes a cell starting with one of these for a formula
// (OWASP, "CSV Injection").
bool LooksLikeFormula(absl::string_view cell) {
  return !cell.empty() &&
         absl::string_view("=+-@\t\r").find(cell[0]) != absl::string_view::npos;
}

// Writes `cells` as one record and reads it back.
void CheckRecordReadsBack(const std::vector<std::string>& cells) {
  std::string csv;
  AppendCsvRecord(cells, csv);
  const absl::StatusOr<testing::CsvRows> rows = testing::ReadCsv(csv);
  GLUTECARE_FUZZ_CHECK(rows.ok(), "a record does not read back: ",
                       rows.status().ToString(), " in ", Quoted(csv));
  GLUTECARE_FUZZ_CHECK(rows->size() == 1 && (*rows)[0] == cells,
                       "the cells read back differ: ", Quoted(csv));
}

void CheckFields(absl::string_view input) {
  const std::vector<std::string> cells = absl::StrSplit(input, '\0');
  CheckRecordReadsBack(cells);
  for (const std::string& cell : cells) {
    const std::string text = SpreadsheetText(cell);
    GLUTECARE_FUZZ_CHECK(!LooksLikeFormula(text), "SpreadsheetText keeps ",
                         Quoted(text), " a formula");
    GLUTECARE_FUZZ_CHECK(text == cell || text == "'" + cell,
                         "SpreadsheetText changes ", Quoted(cell), " into ",
                         Quoted(text));
  }
}

// `row` under `columns`: one cell each, reading back; the cells of
// `free_text` columns, or every cell when `validated`, safe from formulas.
void CheckRow(const std::vector<std::string>& columns,
              const std::vector<std::string>& row,
              const std::vector<absl::string_view>& free_text, bool validated) {
  GLUTECARE_FUZZ_CHECK(row.size() == columns.size(), row.size(),
                       " cells under ", columns.size(), " columns");
  CheckRecordReadsBack(row);
  for (size_t i = 0; i < row.size(); ++i) {
    const bool must_be_safe =
        validated || std::find(free_text.begin(), free_text.end(),
                               columns[i]) != free_text.end();
    GLUTECARE_FUZZ_CHECK(!must_be_safe || !LooksLikeFormula(row[i]), "column ",
                         columns[i],
                         " starts with a formula: ", Quoted(row[i]));
  }
}

bool IsValidPatient(const v1::Patient& patient) {
  Violations violations;
  CheckPatient(patient, ClinicName{"c1"}, "", violations);
  return violations.empty() && PatientName::Parse(patient.name(), "").ok();
}

void CheckSessionRow(const v1::Patient& patient, absl::string_view bytes) {
  v1::Session session;
  if (!session.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return;
  }
  const PatientName owner{"c1", "p1"};
  Violations violations;
  CheckSession(session, ExerciseCatalog::Default(), owner,
               absl::FromUnixSeconds(kServerTime), "", violations);
  const bool validated = violations.empty() && IsValidPatient(patient) &&
                         SessionName::Parse(session.name(), "").ok();
  // create_time is output only: a stored session has the server's clock.
  if (validated) session.mutable_create_time()->set_seconds(kServerTime);
  CheckRow(SessionCsvColumns(), SessionCsvRow(patient, session),
           {"patient_name", "mrn", "notes"}, validated);
}

void CheckPainReportRow(const v1::Patient& patient, absl::string_view bytes) {
  v1::PainReport report;
  if (!report.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return;
  }
  Violations violations;
  CheckPainReport(report, "", violations);
  const bool validated = violations.empty() && IsValidPatient(patient) &&
                         PainReportName::Parse(report.name(), "").ok();
  // create_time is output only: a stored report has the server's clock.
  if (validated) report.mutable_create_time()->set_seconds(kServerTime);
  CheckRow(PainReportCsvColumns(), PainReportCsvRow(patient, report),
           {"patient_name", "mrn", "note"}, validated);
}

// `input` as a patient and a row of the table that `check_row` writes.
void CheckTableRow(void (*check_row)(const v1::Patient&, absl::string_view),
                   absl::string_view input) {
  if (input.size() < 2) return;
  const size_t patient_size =
      (static_cast<uint8_t>(input[0]) << 8) | static_cast<uint8_t>(input[1]);
  input.remove_prefix(2);
  if (patient_size > input.size()) return;
  v1::Patient patient;
  if (!patient.ParseFromArray(input.data(), static_cast<int>(patient_size))) {
    return;
  }
  input.remove_prefix(patient_size);
  check_row(patient, input);
}

constexpr Check kChecks[] = {
    CheckFields,
    [](absl::string_view rest) { CheckTableRow(CheckSessionRow, rest); },
    [](absl::string_view rest) { CheckTableRow(CheckPainReportRow, rest); },
};

}  // namespace
}  // namespace glutecare::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  glutecare::fuzz::RunPickedCheck(glutecare::fuzz::kChecks, data, size);
  return 0;
}

// The tables of the CSV export (CsvExportService): one row per session or
// per pain report, with its patient, in the columns below. Dates are
// ISO 8601 calendar days (YYYY-MM-DD) in the patient's time zone; instants
// are ISO 8601 in UTC, whole seconds (2026-11-24T08:30:00Z); enums are the
// CLI's friendly names (lower-back, about-right); names and notes are
// SpreadsheetText (csv.h). README ("Clinic systems") lists the columns too.
//
//   std::string csv;
//   AppendCsvRecord(SessionCsvColumns(), csv);
//   AppendCsvRecord(SessionCsvRow(patient, session), csv);
#ifndef GLUTECARE_SERVER_DOMAIN_CSV_TABLES_H_
#define GLUTECARE_SERVER_DOMAIN_CSV_TABLES_H_

#include <string>
#include <vector>

#include "glutecare/v1/clinic.pb.h"
#include "glutecare/v1/session.pb.h"

namespace glutecare {

// patient, patient_name, mrn, session, perform_time (UTC), local_date,
// program, program_revision (the revision number), exercises (what was done,
// in the CLI's spec grammar: "glute-bridge:3x12; clamshell:3x15@band-light"),
// pain_before, pain_after (0-10 NRS), pain_area, difficulty, notes.
// `patient` and `session`, `program` are ids, not full resource names.
const std::vector<std::string>& SessionCsvColumns();
std::vector<std::string> SessionCsvRow(const v1::Patient& patient,
                                       const v1::Session& session);

// patient, patient_name, mrn, pain_report, local_date, pain_area, score
// (0-10 NRS), note, create_time (when it was stored, UTC).
const std::vector<std::string>& PainReportCsvColumns();
std::vector<std::string> PainReportCsvRow(const v1::Patient& patient,
                                          const v1::PainReport& report);

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_DOMAIN_CSV_TABLES_H_

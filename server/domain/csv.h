// RFC 4180 CSV, as spreadsheets read it: fields separated by commas, every
// record ended by CRLF; a field holding a comma, a double quote, CR or LF is
// enclosed in double quotes, each double quote inside doubled. Text is
// UTF-8 and written as it is.
//
//   std::string csv;
//   AppendCsvRecord({"patient", "notes"}, csv);
//   AppendCsvRecord({"ana", "hurt, \"a bit\""}, csv);
//   // patient,notes\r\nana,"hurt, ""a bit"""\r\n
#ifndef GLUTECARE_SERVER_DOMAIN_CSV_H_
#define GLUTECARE_SERVER_DOMAIN_CSV_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace glutecare {

// Appends `field`, quoted if it needs to be, to `out`.
void AppendCsvField(absl::string_view field, std::string& out);

// Appends one record of `fields` and its CRLF to `out`.
void AppendCsvRecord(absl::Span<const std::string> fields, std::string& out);

// Free text that people typed (names, notes), made safe to open in a
// spreadsheet: text starting with '=', '+', '-', '@', a tab or CR would be
// taken for a formula (OWASP, "CSV Injection"), so it gets a leading
// apostrophe, which spreadsheets show as text and do not display. Anything
// else is returned as it is.
std::string SpreadsheetText(absl::string_view text);

}  // namespace glutecare

#endif  // GLUTECARE_SERVER_DOMAIN_CSV_H_

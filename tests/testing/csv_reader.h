// An RFC 4180 reader for tests, strict about what the CSV export promises:
// every record ends in CRLF, a quoted field doubles its quotes, and a field
// with a comma, quote, CR or LF is quoted. Anything else is a failure.
//
//   absl::StatusOr<CsvRows> rows = ReadCsv("a,\"b,c\"\r\n");  // {{"a", "b,c"}}
#ifndef GLUTECARE_TESTS_TESTING_CSV_READER_H_
#define GLUTECARE_TESTS_TESTING_CSV_READER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace glutecare::testing {

using CsvRows = std::vector<std::vector<std::string>>;

inline absl::StatusOr<CsvRows> ReadCsv(absl::string_view text) {
  CsvRows rows;
  std::vector<std::string> row;
  size_t i = 0;
  auto error = [&](absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat(what, " at byte ", i));
  };
  while (i < text.size()) {
    std::string field;
    if (text[i] == '"') {
      ++i;
      while (true) {
        if (i >= text.size()) return error("unterminated quoted field");
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.push_back(text[i++]);
      }
    } else {
      while (i < text.size() && text[i] != ',' && text[i] != '\r') {
        if (text[i] == '"' || text[i] == '\n') {
          return error("a quote or LF in an unquoted field");
        }
        field.push_back(text[i++]);
      }
    }
    row.push_back(std::move(field));
    if (i < text.size() && text[i] == ',') {
      ++i;
      continue;
    }
    if (text.substr(i, 2) != "\r\n") return error("a record not ended by CRLF");
    i += 2;
    rows.push_back(std::move(row));
    row.clear();
  }
  if (!row.empty()) return error("a record not ended by CRLF");
  return rows;
}

}  // namespace glutecare::testing

#endif  // GLUTECARE_TESTS_TESTING_CSV_READER_H_

#include "server/domain/csv.h"

#include "absl/strings/str_cat.h"

namespace glutecare {

void AppendCsvField(absl::string_view field, std::string& out) {
  if (field.find_first_of(",\"\r\n") == absl::string_view::npos) {
    out.append(field.data(), field.size());
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void AppendCsvRecord(absl::Span<const std::string> fields, std::string& out) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendCsvField(fields[i], out);
  }
  out.append("\r\n");
}

std::string SpreadsheetText(absl::string_view text) {
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' ||
                        text[0] == '@' || text[0] == '\t' || text[0] == '\r')) {
    return absl::StrCat("'", text);
  }
  return std::string(text);
}

}  // namespace glutecare

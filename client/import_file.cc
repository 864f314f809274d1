#include "client/import_file.h"

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "client/errors.h"
#include "common/status_macros.h"

namespace glutecare::client {
namespace {

using Json = nlohmann::json;

// `line` without the whitespace around it and the byte order mark that the
// parser skips.
absl::string_view Trimmed(absl::string_view line) {
  line = absl::StripLeadingAsciiWhitespace(line);
  absl::ConsumePrefix(&line, "\xEF\xBB\xBF");
  return absl::StripAsciiWhitespace(line);
}

// False when `line` cannot be a JSON text (RFC 8259), which starts with
// `{`, `[`, `"`, `-`, a digit or the first letter of true, false and null,
// and ends with `}`, `]`, `"`, a digit or their last letter. Only a
// shortcut: a line that passes may still not be JSON. It spares the parser's
// error, a formatted message, on each line of a document spread over lines.
bool CouldBeJson(absl::string_view line) {
  line = Trimmed(line);
  return !line.empty() &&
         absl::string_view("{[\"-0123456789tfn").find(line.front()) !=
             absl::string_view::npos &&
         absl::string_view("}]\"0123456789el").find(line.back()) !=
             absl::string_view::npos;
}

bool IsJson(absl::string_view line) {
  return CouldBeJson(line) && Json::accept(line.begin(), line.end());
}

// False when `line` cannot be a Bundle: only an object can, and its
// resourceType "Bundle" is in its text as it is or written with escapes
// (`\u0042undle`). Spares a parse of each Patient line of NDJSON.
bool CouldBeBundle(absl::string_view line) {
  return absl::StartsWith(Trimmed(line), "{") &&
         (absl::StrContains(line, "Bundle") || absl::StrContains(line, '\\'));
}

bool IsBundle(const Json& json) {
  return json.is_object() && json.value("resourceType", Json()) == "Bundle";
}

// The Patient entries of `bundle`, each as its own JSON text.
absl::StatusOr<ImportFile> BundleRecords(const Json& bundle) {
  ImportFile file;
  const auto entries = bundle.find("entry");
  if (entries != bundle.end() && entries->is_array()) {
    for (size_t i = 0; i < entries->size(); ++i) {
      const Json& entry = (*entries)[i];
      const Json resource =
          entry.is_object() ? entry.value("resource", Json()) : Json();
      if (resource.is_object() &&
          resource.value("resourceType", Json()) == "Patient") {
        file.records.push_back({absl::StrCat("entry ", i), resource.dump()});
      } else {
        ++file.skipped_entries;
      }
    }
  }
  if (file.records.empty()) {
    return UsageError("the Bundle has no Patient entries to import");
  }
  return file;
}

}  // namespace

absl::StatusOr<ImportFile> ReadImportFile(absl::string_view text) {
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  size_t first = 0;
  while (first < lines.size() &&
         absl::StripAsciiWhitespace(lines[first]).empty()) {
    ++first;
  }
  if (first == lines.size()) return UsageError("the file holds no records");

  // One document spread over lines (pretty-printed): its first line alone
  // is not JSON, but the whole is. If neither it nor any other line is
  // JSON, this is no import file at all.
  if (!IsJson(lines[first])) {
    const absl::string_view all = absl::StripAsciiWhitespace(text);
    const Json document = Json::parse(all.begin(), all.end(), nullptr,
                                      /*allow_exceptions=*/false);
    if (IsBundle(document)) return BundleRecords(document);
    if (document.is_object()) {
      return ImportFile{.records = {{"line 1", std::string(all)}}};
    }
    bool any_json_line = false;
    for (size_t i = first + 1; i < lines.size() && !any_json_line; ++i) {
      any_json_line = IsJson(lines[i]);
    }
    if (!any_json_line) {
      return UsageError(
          "the file is neither NDJSON (a FHIR Patient per line) nor one JSON "
          "document (a Patient or a Bundle)");
    }
  }

  ImportFile file;
  for (size_t i = first; i < lines.size(); ++i) {
    absl::string_view line = absl::StripTrailingAsciiWhitespace(lines[i]);
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    const Json json = CouldBeBundle(line)
                          ? Json::parse(line.begin(), line.end(), nullptr,
                                        /*allow_exceptions=*/false)
                          : Json();
    if (IsBundle(json)) {
      GLUTECARE_ASSIGN_OR_RETURN(ImportFile bundle, BundleRecords(json));
      for (ImportRecord& record : bundle.records) {
        record.where = absl::StrCat("line ", i + 1, " ", record.where);
        file.records.push_back(std::move(record));
      }
      file.skipped_entries += bundle.skipped_entries;
      continue;
    }
    file.records.push_back({absl::StrCat("line ", i + 1), std::string(line)});
  }
  return file;
}

std::vector<Batch> Batches(const std::vector<ImportRecord>& records,
                           size_t max_records, size_t max_bytes) {
  std::vector<Batch> batches;
  size_t begin = 0;
  size_t bytes = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    const size_t size = records[i].json.size();
    if (i > begin && (i - begin == max_records || bytes + size > max_bytes)) {
      batches.push_back({begin, i});
      begin = i;
      bytes = 0;
    }
    bytes += size;
  }
  if (begin < records.size()) batches.push_back({begin, records.size()});
  return batches;
}

}  // namespace glutecare::client

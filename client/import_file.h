// The records of a patient import file, as `glutecare import patients` reads
// them, and the batches it sends them in. Pure functions, no gRPC.
//
// A file is either NDJSON, one FHIR Patient resource per line (as FHIR Bulk
// Data and `glutecare export fhir` write them; blank lines are skipped), or
// one JSON document: a Patient, or a FHIR Bundle whose Patient entries are
// the records. A line that is not JSON is still a record of its own: the
// server rejects it, so that the user learns which line is bad.
//
//   absl::StatusOr<ImportFile> file = ReadImportFile(text);
//   for (const Batch& batch : Batches(file->records, 1000, 1'000'000)) ...
#ifndef GLUTECARE_CLIENT_IMPORT_FILE_H_
#define GLUTECARE_CLIENT_IMPORT_FILE_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace glutecare::client {

// One record and where it is in the file: "line 3", or "entry 2" of a
// Bundle (entries count from 0, as FHIR paths do).
struct ImportRecord {
  std::string where;
  std::string json;
};

struct ImportFile {
  std::vector<ImportRecord> records;
  // Entries of a Bundle that are not Patients (a patient's whole record,
  // say): not imported.
  int skipped_entries = 0;
};

// The records of `text`, the contents of an import file. A usage error when
// a document that looks like one JSON document (its first line alone is not
// JSON) does not parse, or when a Bundle has no entries to import.
absl::StatusOr<ImportFile> ReadImportFile(absl::string_view text);

// A run of records sent in one call: records[begin, end).
struct Batch {
  size_t begin;
  size_t end;
};

// `records` cut into batches, in order, of at most `max_records` records
// whose JSON adds up to at most `max_bytes`; a record larger than
// `max_bytes` is a batch of its own (the server refuses it). REQUIRES:
// max_records >= 1.
std::vector<Batch> Batches(const std::vector<ImportRecord>& records,
                           size_t max_records, size_t max_bytes);

}  // namespace glutecare::client

#endif  // GLUTECARE_CLIENT_IMPORT_FILE_H_

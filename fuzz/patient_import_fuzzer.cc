// libFuzzer target, in process: patients in from clinic systems, from the
// file `glutecare import patients` reads to the patient the server would
// store.
//
// Byte 0 picks what the rest of the input is:
// - even: one record as a client sends it (any bytes), which the server
//   reads as a FHIR R4 Patient (fhir::ParsePatientRecord) and maps onto a
//   new patient and onto a stored one (fhir::PatientToStore). A record that
//   does not read is INVALID_ARGUMENT with field violations in printable
//   text, and RejectionReason says why in one line; one that reads and maps
//   gives a patient that passes CheckPatient (the contract of
//   PatientToStore), ids that are valid resource ids, and mapping it again
//   onto itself changes nothing.
// - odd: an import file, which the CLI cuts into records
//   (client::ReadImportFile) and batches (client::Batches). A file that
//   reads has records, each the line of the file it says it is, or a JSON
//   object, a Patient of a Bundle; its batches cover them in order within
//   the limits.
//   A file that does not read is a usage error.
//
//   build-asan/fuzz/glutecare_patient_import_fuzzer fuzz/corpus/patient_import
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "client/errors.h"
#include "client/import_file.h"
#include "fuzz/fuzz_check.h"
#include "glutecare/v1/clinic.pb.h"
#include "server/domain/fhir/patient_import.h"
#include "server/domain/resource_names.h"
#include "server/domain/validation.h"

namespace glutecare::fuzz {
namespace {

// The clinic the records go to; its MRN system is the one in the corpus.
const ClinicName& Clinic() {
  static const ClinicName* const clinic = new ClinicName{"c1"};
  return *clinic;
}
constexpr absl::string_view kMrnSystem = "urn:oid:1.2.3";

// A stored patient whose intake is complete, for the update path.
const v1::Patient& StoredPatient() {
  static const v1::Patient* const patient = [] {
    auto* p = new v1::Patient();
    p->set_name("clinics/c1/patients/p1");
    p->set_display_name("Ana Lima");
    p->set_mrn("MRN-1");
    p->set_time_zone("Europe/Berlin");
    p->add_pain_areas(v1::PAIN_AREA_HIP);
    p->set_therapist("clinics/c1/therapists/t1");
    p->set_baseline_pain(4);
    p->set_etag("1");
    return p;
  }();
  return *patient;
}

void CheckStoredPatient(const fhir::PatientRecord& record,
                        const v1::Patient& patient,
                        const v1::Patient* current) {
  Violations violations;
  CheckPatient(
      patient, Clinic(), "", violations,
      current != nullptr ? IntakeRuleForUpdate(*current) : kIntakeMayBePending);
  GLUTECARE_FUZZ_CHECK(violations.empty(),
                       "PatientToStore returns a patient that fails "
                       "CheckPatient: ",
                       violations.ToStatus().ToString());
  GLUTECARE_FUZZ_CHECK(patient.mrn() == record.patient.mrn(),
                       "the MRN changed on the way");
  if (current != nullptr) {
    GLUTECARE_FUZZ_CHECK(
        patient.name() == current->name() && patient.etag() == current->etag(),
        "an update changes output-only fields");
  }
  // Importing the same record again over what was stored changes nothing.
  const absl::StatusOr<v1::Patient> again =
      fhir::PatientToStore(record, Clinic(), &patient, {});
  GLUTECARE_FUZZ_CHECK(again.ok(),
                       "a record stored once fails the second "
                       "time: ",
                       again.status().ToString());
  GLUTECARE_FUZZ_CHECK(fhir::SameWritableFields(patient, *again),
                       "importing a record twice changes the patient");
}

void CheckRecord(absl::string_view json) {
  const absl::StatusOr<fhir::PatientRecord> record =
      fhir::ParsePatientRecord(json, Clinic(), kMrnSystem);
  if (!record.ok()) {
    GLUTECARE_FUZZ_CHECK(
        record.status().code() == absl::StatusCode::kInvalidArgument,
        record.status().ToString());
    Violations violations;
    for (const FieldViolation& v : FieldViolationsOf(record.status())) {
      violations.Add(v.field, v.description);
    }
    GLUTECARE_FUZZ_CHECK(!violations.empty(), "no field violation in ",
                         record.status().ToString());
    CheckViolationList(violations);
    const std::string reason = fhir::RejectionReason(record.status());
    GLUTECARE_FUZZ_CHECK(!reason.empty() && IsPrintableText(reason) &&
                             !absl::StrContains(reason, '\n'),
                         "rejection reason ", Quoted(reason));
    return;
  }
  // The MRN may be empty here, as any other value it is PatientToStore's to
  // check; no patient is stored without one (CheckStoredPatient).
  for (const std::string& id : fhir::PatientIdCandidates(*record)) {
    GLUTECARE_FUZZ_CHECK(IsValidResourceId(id), "candidate id ", Quoted(id),
                         " for MRN ", Quoted(record->patient.mrn()));
  }

  const fhir::ImportDefaults defaults{.therapist = "clinics/c1/therapists/t1",
                                      .time_zone = "Europe/Berlin"};
  for (const v1::Patient* current :
       {static_cast<const v1::Patient*>(nullptr), &StoredPatient()}) {
    const absl::StatusOr<v1::Patient> patient =
        fhir::PatientToStore(*record, Clinic(), current, defaults);
    if (!patient.ok()) {
      CheckFieldViolations(patient.status(), "");
      continue;
    }
    CheckStoredPatient(*record, *patient, current);
  }
}

void CheckImportFile(absl::string_view text) {
  const absl::StatusOr<client::ImportFile> file = client::ReadImportFile(text);
  if (!file.ok()) {
    GLUTECARE_FUZZ_CHECK(client::IsUsageError(file.status()),
                         file.status().ToString());
    return;
  }
  GLUTECARE_FUZZ_CHECK(!file->records.empty(), "a file read without records");
  const std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  size_t last_line = 0;
  for (const client::ImportRecord& record : file->records) {
    size_t line = 0;
    absl::string_view where = record.where;
    if (absl::ConsumePrefix(&where, "line ")) {
      const size_t blank = where.find(' ');
      GLUTECARE_FUZZ_CHECK(absl::SimpleAtoi(where.substr(0, blank), &line) &&
                               line >= 1 && line <= lines.size() &&
                               line >= last_line,
                           "a record from ", Quoted(record.where),
                           " after line ", last_line, " of ", lines.size());
      last_line = line;
      where = blank == absl::string_view::npos ? "" : where.substr(blank + 1);
    }
    if (where.empty()) {
      // A line of NDJSON without its trailing whitespace, or the one
      // document that the whole file is.
      const bool whole = file->records.size() == 1 &&
                         record.json == absl::StripAsciiWhitespace(text);
      GLUTECARE_FUZZ_CHECK(
          whole || (line >= 1 &&
                    record.json ==
                        absl::StripTrailingAsciiWhitespace(lines[line - 1])),
          "the record of ", record.where, " is ", Quoted(record.json));
      continue;
    }
    // A Patient entry of a Bundle, written out as its own JSON object.
    GLUTECARE_FUZZ_CHECK(absl::StartsWith(where, "entry ") &&
                             absl::StartsWith(record.json, "{") &&
                             nlohmann::json::accept(record.json),
                         "the record of ", Quoted(record.where), " is ",
                         Quoted(record.json));
  }

  constexpr size_t kMaxRecords = 3;
  constexpr size_t kMaxBytes = 256;
  const std::vector<client::Batch> batches =
      client::Batches(file->records, kMaxRecords, kMaxBytes);
  size_t next = 0;
  for (const client::Batch& batch : batches) {
    GLUTECARE_FUZZ_CHECK(batch.begin == next && batch.end > batch.begin &&
                             batch.end - batch.begin <= kMaxRecords,
                         "batch [", batch.begin, ", ", batch.end, ") after ",
                         next);
    size_t bytes = 0;
    for (size_t i = batch.begin; i < batch.end; ++i) {
      bytes += file->records[i].json.size();
    }
    GLUTECARE_FUZZ_CHECK(bytes <= kMaxBytes || batch.end - batch.begin == 1,
                         "a batch of ", bytes, " bytes");
    next = batch.end;
  }
  GLUTECARE_FUZZ_CHECK(next == file->records.size(), "batches end at ", next,
                       " of ", file->records.size(), " records");
}

constexpr Check kChecks[] = {CheckRecord, CheckImportFile};

}  // namespace
}  // namespace glutecare::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  glutecare::fuzz::RunPickedCheck(glutecare::fuzz::kChecks, data, size);
  return 0;
}

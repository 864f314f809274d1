// Patients in from clinic systems: one HL7 FHIR R4 Patient resource (JSON)
// read into a glutecare patient, and the rules of the upsert keyed by the
// clinic's MRN. Pure functions: no storage, no gRPC.
//
//   absl::StatusOr<PatientRecord> record =
//       ParsePatientRecord(json, clinic, clinic_proto.identifier_system());
//   if (!record.ok()) reject(RejectionReason(record.status()));
//   ...find the stored patient with record->patient.mrn(), if any...
//   absl::StatusOr<v1::Patient> patient =
//       PatientToStore(*record, current, defaults);
//   if (current != nullptr && SameWritableFields(*current, *patient)) ...
//
// The mapping (README, "Clinic systems"; codes in fhir/codes.h):
//   identifier whose system is the clinic's identifier_system -> mrn
//     (required; identifiers with use "old" are skipped);
//   name: the first "official", else "usual", else the first not "old"
//     HumanName; its text, else given names and family -> display_name;
//   generalPractitioner: the first reference to a Practitioner,
//     `Practitioner/{id}` (relative or absolute) -> therapist {id} of the
//     clinic;
//   glutecare's extensions time-zone (valueCode), pain-area
//     (valueCodeableConcept, SNOMED CT body site; one per area) and
//     baseline-pain (valueInteger, 0-10) -> time_zone, pain_areas,
//     baseline_pain.
// Other elements (birthDate, gender, telecom, address, active, ...) hold
// nothing glutecare keeps and are ignored, as are unknown extensions; a
// modifierExtension is refused, because ignoring it could change what the
// record means (FHIR R4, "Extensibility").
//
// Problems are INVALID_ARGUMENT with field violations that name the FHIR
// element, such as `identifier[0].value` or `extension[2].valueInteger`.
#ifndef GLUTECARE_SERVER_DOMAIN_FHIR_PATIENT_IMPORT_H_
#define GLUTECARE_SERVER_DOMAIN_FHIR_PATIENT_IMPORT_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "glutecare/v1/clinic.pb.h"
#include "server/domain/resource_names.h"

namespace glutecare::fhir {

// What one FHIR Patient record says about a patient of a clinic.
struct PatientRecord {
  // Patient.id, or empty.
  std::string id;
  // display_name and mrn; time_zone, pain_areas, baseline_pain and therapist
  // only as far as the record carries them (see below). No name.
  v1::Patient patient;
  // Whether the record carries a time zone and pain areas (baseline_pain
  // and therapist: see patient.has_baseline_pain(), patient.therapist()).
  bool has_time_zone = false;
  bool has_pain_areas = false;
  // The FHIR element each field came from, by the field's path in
  // v1::Patient ("mrn" -> "identifier[1].value", "pain_areas[0]" ->
  // "extension[3]"), so that an error about a field names the element.
  absl::flat_hash_map<std::string, std::string> elements;
};

// Reads a FHIR R4 Patient resource, `json`, for `clinic`, whose MRNs are
// the identifiers with system `identifier_system`. Checks the structure
// (JSON, resourceType, element types, codes) and returns what the record
// says; whether the values are acceptable (an MRN's characters, a known time
// zone, a pain score's range) is PatientToStore's. INVALID_ARGUMENT with a
// violation per problem, named by FHIR element.
// REQUIRES: `identifier_system` is not empty.
absl::StatusOr<PatientRecord> ParsePatientRecord(
    absl::string_view json, const ClinicName& clinic,
    absl::string_view identifier_system);

// What a request supplies for records that lack it. Either may be empty.
struct ImportDefaults {
  // `clinics/{clinic}/therapists/{therapist}` for a new patient whose record
  // names no Practitioner.
  std::string therapist;
  // An IANA time zone for a new patient whose record carries none.
  std::string time_zone;
};

// The patient to store for `record`: with `current` (the stored patient of
// the same MRN) null, a new patient; else `current` changed by what the
// record carries. A new patient takes the record's time zone and therapist,
// else `defaults`' (and without either it is refused), and the record's
// pain areas and baseline pain, else none: its intake is pending
// (validation.h, IntakeRule) until a therapist completes it. An update
// changes only what the record carries, so a record from an EHR never
// erases what a therapist entered. The result passes CheckPatient (with
// the intake rule of a new patient or of an update of `current`); if not,
// INVALID_ARGUMENT naming the record's elements (or default_therapist,
// default_time_zone). Output-only fields are `current`'s, or unset.
absl::StatusOr<v1::Patient> PatientToStore(const PatientRecord& record,
                                           const ClinicName& clinic,
                                           const v1::Patient* current,
                                           const ImportDefaults& defaults);

// True when `a` and `b` have the same display name, MRN, time zone, pain
// areas (in order), therapist and baseline pain: importing `b` over `a`
// would change nothing.
bool SameWritableFields(const v1::Patient& a, const v1::Patient& b);

// The ids a new patient of `record` may take, best first; the first that no
// other patient of the clinic has is used, and a generated one if all are
// taken. Deterministic, so the same record gets the same id on every server:
//   1. Patient.id, when it is a valid resource id (resource_names.h), so
//      that patients exported from glutecare keep their ids;
//   2. "mrn-" and the MRN in lower case, '.' and '_' as '-', when that is a
//      valid resource id;
//   3. "mrn-", the same cut to fit, '-' and 8 hex digits of the MRN's
//      FNV-1a hash, which tells apart MRNs that differ only in case or
//      punctuation.
std::vector<std::string> PatientIdCandidates(const PatientRecord& record);

// One line saying why a record was rejected: its field violations as
// "element: description; ...", else the status message.
std::string RejectionReason(const absl::Status& status);

}  // namespace glutecare::fhir

#endif  // GLUTECARE_SERVER_DOMAIN_FHIR_PATIENT_IMPORT_H_

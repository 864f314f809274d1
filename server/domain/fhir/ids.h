// FHIR logical ids and references of exported glutecare resources, by one
// rule, so that an id is the same in every export and every reference
// resolves to the resource exported for the same glutecare record.
//
// The rule: the ids in the resource name below its clinic, joined with '.'
// (the collection names and the clinic dropped; a program revision's
// `@{revision_id}` ignored):
//
//   clinics/demo/therapists/tess                    -> Practitioner/tess
//   clinics/demo/patients/ana                       -> Patient/ana
//   clinics/demo/patients/ana/programs/knee-1       -> CarePlan/ana.knee-1
//   clinics/demo/patients/ana/sessions/s1           -> Procedure/ana.s1
//   clinics/demo/patients/ana/painReports/r1        -> Observation/ana.r1
//   ... a session's pain before and after           -> Observation/ana.s1.pain-before
//
// glutecare ids are [a-z0-9-], so the result is a valid FHIR id
// ([A-Za-z0-9-.]{1,64}) unless it is longer than 64 characters; then it is
// "sha256-" and the first 40 hex digits of the SHA-256 of the joined form.
// A hashed id has no '.', a joined one has at least one unless it is a
// Patient's or Practitioner's (never hashed: a glutecare id has at most 63
// characters), so the two kinds never meet within one resource type. Ids
// are unique within a clinic, the scope of every export; each resource also
// carries its full resource name as an identifier (kResourceNameSystem), so
// a hashed id can be traced back.
//
// The importer reads `Patient.id` and `Practitioner/{id}` as the glutecare
// patient and therapist ids (patient_import.h): this rule keeps them so.
#ifndef GLUTECARE_SERVER_DOMAIN_FHIR_IDS_H_
#define GLUTECARE_SERVER_DOMAIN_FHIR_IDS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace glutecare::fhir {

// The longest FHIR id (R4 "id" datatype).
inline constexpr size_t kMaxFhirIdLength = 64;

// `segments` joined with '.', or its hash when that is longer than 64
// characters (see above). REQUIRES: at least one segment, each of
// [A-Za-z0-9-].
std::string FhirIdOf(absl::Span<const absl::string_view> segments);

// The FHIR id of the resource named `resource_name`, a glutecare resource
// name inside a clinic (`clinics/{clinic}/...`, a program's `@{revision_id}`
// allowed), followed by the `extra` segments. A name that is not inside a
// clinic gives the id of its segments as they are.
std::string FhirId(absl::string_view resource_name,
                   absl::Span<const absl::string_view> extra = {});

// A relative literal reference, `{resource_type}/{FhirId(resource_name)}`,
// such as "Patient/ana".
std::string FhirReference(absl::string_view resource_type,
                          absl::string_view resource_name);

// True when `id` is a valid FHIR id: 1-64 characters of [A-Za-z0-9-.].
bool IsValidFhirId(absl::string_view id);

}  // namespace glutecare::fhir

#endif  // GLUTECARE_SERVER_DOMAIN_FHIR_IDS_H_

// glutecare records as HL7 FHIR R4 resources (JSON), for clinic systems:
// pure functions, no storage and no gRPC. The mapping follows
// ../shared/CLINICAL.md ("HL7 FHIR R4 mapping") and the README ("Clinic
// systems"); its codes and extension URLs are in codes.h, its ids and
// references in ids.h.
//
//   therapist   -> Practitioner
//   patient     -> Patient: the MRN as an identifier in the clinic's system,
//                  generalPractitioner, and glutecare's extensions for the
//                  time zone, pain areas and baseline pain (so that an
//                  import restores them)
//   program     -> CarePlan (its latest revision): status, intent `plan`,
//                  category SNOMED CT 91251008, one activity per prescribed
//                  exercise (code SNOMED CT 229065009, scheduledTiming,
//                  quantity, dailyAmount, the prescription as description)
//                  whose outcomeReference lists the sessions that did it
//   session     -> Procedure (exercise therapy, basedOn the CarePlan), and an
//                  Observation each for the pain before and after it
//                  (partOf the Procedure)
//   pain report -> Observation: LOINC 72514-3, valueQuantity in `{score}`,
//                  bodySite SNOMED CT, effectiveDateTime the local date
//   outcome     -> QuestionnaireResponse (ODI, LEFS): the answered items
//   response       with their item scores, and glutecare's score, band and
//                  change since the intake in an extension
//
//   Json patient = PatientResource(stored_patient, clinic.identifier_system());
//   std::string line = ToJsonLine(patient);   // one NDJSON line, no '\n'
//
// Every resource has meta.lastUpdated (see the *LastUpdated functions),
// which an incremental export compares with its `since`, and each but a
// session's pain scores an identifier holding its glutecare resource name
// (kResourceNameSystem).
#ifndef GLUTECARE_SERVER_DOMAIN_FHIR_EXPORT_H_
#define GLUTECARE_SERVER_DOMAIN_FHIR_EXPORT_H_

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "glutecare/v1/clinic.pb.h"
#include "glutecare/v1/outcome.pb.h"
#include "glutecare/v1/program.pb.h"
#include "glutecare/v1/session.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "server/common/status.h"
#include "server/domain/exercise_catalog.h"
#include "server/domain/resource_names.h"

namespace glutecare::fhir {

// JSON objects keep their members in the order they were added, so that
// resources read as FHIR's examples do (resourceType and id first).
using Json = nlohmann::ordered_json;

// The FHIR resource types an export writes.
enum class ResourceType {
  kPatient,
  kPractitioner,
  kCarePlan,
  kProcedure,
  kObservation,
  kQuestionnaireResponse,
};

// Every type, in the order an export's types are listed.
inline constexpr ResourceType kResourceTypes[] = {
    ResourceType::kPatient, ResourceType::kPractitioner,
    ResourceType::kCarePlan, ResourceType::kProcedure,
    ResourceType::kObservation, ResourceType::kQuestionnaireResponse};

// "Patient", "CarePlan", ...
absl::string_view ResourceTypeName(ResourceType type);
// The type named `name` (case-sensitive, as FHIR spells it), or nullopt.
std::optional<ResourceType> ParseResourceType(absl::string_view name);

// The types `names` ask for, in kResourceTypes order; every type when
// `names` is empty. Adds a violation on `{field}[i]` for a name that is
// not one of them or is listed twice.
std::vector<ResourceType> ResourceTypesOf(absl::Span<const std::string> names,
                                          absl::string_view field,
                                          Violations& violations);

// A therapist as a Practitioner.
Json PractitionerResource(const v1::Therapist& therapist);

// A patient as a Patient. `identifier_system` is the clinic's system for
// MRNs; when it is empty the MRN identifier has no system (its type, MR,
// still says what it is).
Json PatientResource(const v1::Patient& patient,
                     absl::string_view identifier_system);

// The sessions done under each program, by exercise: what a CarePlan's
// activity.outcomeReference lists. Fed the sessions of one patient, one at a
// time; holds a reference (about 40 bytes) per exercise of each. Not
// thread-safe.
class SessionOutcomes final {
 public:
  // Records `session` under its program (the revision ignored) for each
  // exercise it did.
  void Add(const v1::Session& session);

  // "Procedure/{id}" of each session of `program` (a program name without
  // a revision) that did `exercise`, in the order they were added.
  const std::vector<std::string>& References(absl::string_view program,
                                             absl::string_view exercise) const;

  // The latest create_time of a session of `program` added; unset (zero)
  // when none was.
  google::protobuf::Timestamp LatestSession(absl::string_view program) const;

 private:
  struct Program {
    // exercises/{exercise} -> references.
    absl::flat_hash_map<std::string, std::vector<std::string>> by_exercise;
    google::protobuf::Timestamp latest;
  };
  // Program name -> its sessions.
  absl::flat_hash_map<std::string, Program> programs_;
};

// The latest revision of a program as a CarePlan: one activity per
// prescribed exercise (named from `catalog`), each listing the sessions of
// `outcomes` that did its exercise. A session under an earlier revision
// whose exercise is no longer prescribed is linked by its basedOn only.
Json CarePlanResource(const v1::Program& program, const ExerciseCatalog& catalog,
                      const SessionOutcomes& outcomes);

// A session as a Procedure: exercise therapy the patient performed, basedOn
// its program's CarePlan, at perform_time, with what was done in its note.
Json ProcedureResource(const v1::Session& session,
                       const ExerciseCatalog& catalog);

// Which pain score of a session.
enum class SessionPain { kBefore, kAfter };

// A session's pain before or after it as an Observation (LOINC 72514-3,
// partOf the session's Procedure, effective at perform_time). Its id is the
// session's with `pain-before` or `pain-after` added (ids.h).
Json SessionPainObservation(const v1::Session& session, SessionPain which);

// A daily pain check-in as an Observation (LOINC 72514-3), effective on its
// local date.
Json PainReportObservation(const v1::PainReport& report);

// An outcome measure's response (ODI, LEFS) as a QuestionnaireResponse:
// status `completed`, `questionnaire` the canonical URL of the definition
// and version answered, authored at create_time by the patient, one item per
// answered item (linkId, the item's text when the version answered is the
// current one, valueInteger its item score; skipped items left out), and
// the score in the kOutcomeScoreExtension extension.
Json QuestionnaireResponseResource(const v1::OutcomeResponse& response);

// meta.lastUpdated of a Patient: update_time, else create_time.
google::protobuf::Timestamp PatientLastUpdated(const v1::Patient& patient);
// meta.lastUpdated of a CarePlan: its revision's create time, or the latest
// session of `outcomes` under it when that is later (the session changed
// the CarePlan's outcomeReference).
google::protobuf::Timestamp CarePlanLastUpdated(
    const v1::Program& program, const SessionOutcomes& outcomes);

// "{kFullUrlBase}clinics/{clinic}/{resourceType}/{id}": the fullUrl of
// `resource` in a Bundle.
std::string FullUrl(const ClinicName& clinic, const Json& resource);

// A Bundle of type `collection` with id `id`, made at `timestamp`, holding
// `resources` (each with resourceType and id) in order, each entry's
// fullUrl as FullUrl gives it.
Json CollectionBundle(const ClinicName& clinic, absl::string_view id,
                      const google::protobuf::Timestamp& timestamp,
                      std::vector<Json> resources);

// `resource` as one line of compact JSON (no '\n'). Never throws: bytes that
// are not UTF-8 (which validation keeps out of the store) become U+FFFD.
std::string ToJsonLine(const Json& resource);

}  // namespace glutecare::fhir

#endif  // GLUTECARE_SERVER_DOMAIN_FHIR_EXPORT_H_

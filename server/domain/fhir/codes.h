// The code systems, codes and extension URLs of glutecare's HL7 FHIR R4
// mapping, in one place for the export and the import. The clinical codes
// come from ../shared/CLINICAL.md ("HL7 FHIR R4 mapping").
#ifndef GLUTECARE_SERVER_DOMAIN_FHIR_CODES_H_
#define GLUTECARE_SERVER_DOMAIN_FHIR_CODES_H_

namespace glutecare::fhir {

inline constexpr char kSnomedSystem[] = "http://snomed.info/sct";
inline constexpr char kLoincSystem[] = "http://loinc.org";
inline constexpr char kUcumSystem[] = "http://unitsofmeasure.org";

// CarePlan.activity.detail.code of a prescribed exercise: SNOMED CT
// 229065009 "Exercise therapy".
inline constexpr char kExerciseTherapyCode[] = "229065009";
inline constexpr char kExerciseTherapyDisplay[] = "Exercise therapy";
// CarePlan.category: SNOMED CT 91251008 "Physical therapy procedure".
inline constexpr char kPhysicalTherapyCode[] = "91251008";
inline constexpr char kPhysicalTherapyDisplay[] = "Physical therapy procedure";

// Observation.code of a pain score: LOINC 72514-3, valueQuantity in the
// UCUM unit `{score}`.
inline constexpr char kPainSeverityCode[] = "72514-3";
inline constexpr char kPainSeverityDisplay[] =
    "Pain severity - 0-10 verbal numeric rating [Score] - Reported";
inline constexpr char kScoreUnit[] = "{score}";

// Observation.bodySite of a pain area (SNOMED CT).
inline constexpr char kLowerBackCode[] = "37822005";
inline constexpr char kLowerBackDisplay[] = "Lower back structure";
inline constexpr char kHipCode[] = "24136001";
inline constexpr char kHipDisplay[] = "Hip joint structure";
inline constexpr char kKneeCode[] = "72696002";
inline constexpr char kKneeDisplay[] = "Knee region structure";

// glutecare's own extensions, for what FHIR R4 Patient has no element for.
// An importer that does not know them may ignore them.
inline constexpr char kExtensionBase[] =
    "https://glutecare.dev/fhir/StructureDefinition/";
// Patient: the IANA time zone the patient's calendar days are in
// (valueCode).
inline constexpr char kTimeZoneExtension[] =
    "https://glutecare.dev/fhir/StructureDefinition/time-zone";
// Patient: a pain area at intake (valueCodeableConcept, SNOMED CT body
// site, as above); one extension per area.
inline constexpr char kPainAreaExtension[] =
    "https://glutecare.dev/fhir/StructureDefinition/pain-area";
// Patient: pain at intake on the 0-10 NRS (valueInteger).
inline constexpr char kBaselinePainExtension[] =
    "https://glutecare.dev/fhir/StructureDefinition/baseline-pain";

// Patient.identifier.type of the MRN: HL7 v2 table 0203, "MR".
inline constexpr char kIdentifierTypeSystem[] =
    "http://terminology.hl7.org/CodeSystem/v2-0203";
inline constexpr char kMedicalRecordNumberCode[] = "MR";
inline constexpr char kMedicalRecordNumberDisplay[] = "Medical record number";

// Observation.category of a pain score: a patient-reported scale.
inline constexpr char kObservationCategorySystem[] =
    "http://terminology.hl7.org/CodeSystem/observation-category";
inline constexpr char kSurveyCategoryCode[] = "survey";
inline constexpr char kSurveyCategoryDisplay[] = "Survey";

// UCUM units of a prescription (annotations are unity with a label).
inline constexpr char kSetUnit[] = "{set}";
inline constexpr char kRepetitionUnit[] = "{repetition}";
inline constexpr char kSecondUnit[] = "s";

// Identifier.system under which every exported resource carries its
// glutecare resource name (`clinics/demo/patients/ana/sessions/s1`), so
// that even a hashed FHIR id (ids.h) leads back to the record.
inline constexpr char kResourceNameSystem[] =
    "https://glutecare.dev/fhir/NamingSystem/resource-name";
// CodeableConcept.coding system of glutecare's exercise catalog; the code
// is the exercise id (`glute-bridge`).
inline constexpr char kExerciseCodeSystem[] =
    "https://glutecare.dev/fhir/CodeSystem/exercise";
// Procedure (a session): how hard it felt (valueCode `too-easy`,
// `about-right` or `too-hard`).
inline constexpr char kSessionDifficultyExtension[] =
    "https://glutecare.dev/fhir/StructureDefinition/session-difficulty";
// QuestionnaireResponse.questionnaire: the canonical URL of glutecare's
// definition of a measure, `{kQuestionnaireBase}{odi|lefs}|{version}`.
inline constexpr char kQuestionnaireBase[] =
    "https://glutecare.dev/fhir/Questionnaire/";
// QuestionnaireResponse (an outcome measure): glutecare's score of it, a
// complex extension whose parts are `score` (valueDecimal: ODI percent, LEFS
// 0-80), `band` (valueCode, ODI only), and for a follow-up `intake`
// (valueReference to the intake's QuestionnaireResponse),
// `changeSinceIntake` (valueDecimal) and `importantChange` (valueBoolean:
// the change reaches the measure's minimal detectable or clinically
// important change, ../shared/CLINICAL.md).
inline constexpr char kOutcomeScoreExtension[] =
    "https://glutecare.dev/fhir/StructureDefinition/outcome-score";
// The base of Bundle.entry.fullUrl: `{kFullUrlBase}clinics/{clinic}/` then
// `{type}/{id}`. A RESTful form, so that the relative references inside a
// Bundle resolve to its entries (FHIR R4 Bundle, "Resolving references").
inline constexpr char kFullUrlBase[] = "https://glutecare.dev/fhir/";

}  // namespace glutecare::fhir

#endif  // GLUTECARE_SERVER_DOMAIN_FHIR_CODES_H_

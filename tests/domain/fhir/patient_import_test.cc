#include "server/domain/fhir/patient_import.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/status.h"
#include "server/domain/fhir/codes.h"

namespace glutecare::fhir {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

const ClinicName kClinic{"demo"};
constexpr char kSystem[] = "urn:oid:1.2.3.4";

// `json` with {SYS}, {TZ}, {AREA}, {BASE} replaced by the clinic's MRN
// system and glutecare's extension URLs, so that records read as written.
std::string Fhir(absl::string_view json) {
  return absl::StrReplaceAll(json, {{"{SYS}", kSystem},
                                    {"{TZ}", kTimeZoneExtension},
                                    {"{AREA}", kPainAreaExtension},
                                    {"{BASE}", kBaselinePainExtension}});
}

// What an EHR sends: an MRN and a name, nothing of glutecare's.
constexpr char kEhrPatient[] = R"({
  "resourceType": "Patient", "id": "8f14e45f",
  "identifier": [{"system": "http://hospital.example/ssn", "value": "123"},
                 {"system": "{SYS}", "value": "MRN-0042"}],
  "name": [{"family": "Silva", "given": ["Ana", "Maria"]}],
  "gender": "female", "birthDate": "1980-02-03"
})";

// What glutecare's own export writes.
constexpr char kGlutecarePatient[] = R"({
  "resourceType": "Patient", "id": "ana",
  "identifier": [{"system": "{SYS}", "value": "MRN-1002"}],
  "name": [{"use": "official", "text": "Ana Silva",
            "family": "Silva", "given": ["Ana"]}],
  "generalPractitioner": [{"reference": "Practitioner/tess"}],
  "extension": [
    {"url": "{TZ}", "valueCode": "America/New_York"},
    {"url": "{AREA}", "valueCodeableConcept": {"coding": [
      {"system": "http://snomed.info/sct", "code": "72696002"}]}},
    {"url": "{AREA}", "valueCodeableConcept": {"coding": [
      {"system": "http://snomed.info/sct", "code": "37822005"}]}},
    {"url": "{BASE}", "valueInteger": 5}]
})";

PatientRecord Parse(absl::string_view json) {
  absl::StatusOr<PatientRecord> record =
      ParsePatientRecord(Fhir(json), kClinic, kSystem);
  EXPECT_TRUE(record.ok()) << record.status();
  return record.value_or(PatientRecord());
}

// The reason a record is rejected for, "" when it is not.
std::string ParseError(absl::string_view json) {
  absl::StatusOr<PatientRecord> record =
      ParsePatientRecord(Fhir(json), kClinic, kSystem);
  if (record.ok()) return "";
  EXPECT_EQ(record.status().code(), absl::StatusCode::kInvalidArgument);
  return RejectionReason(record.status());
}

TEST(ParsePatientRecord, ReadsWhatAnEhrSends) {
  const PatientRecord record = Parse(kEhrPatient);
  EXPECT_EQ(record.id, "8f14e45f");
  EXPECT_EQ(record.patient.mrn(), "MRN-0042");
  EXPECT_EQ(record.patient.display_name(), "Ana Maria Silva");
  EXPECT_FALSE(record.has_time_zone);
  EXPECT_FALSE(record.has_pain_areas);
  EXPECT_FALSE(record.patient.has_baseline_pain());
  EXPECT_EQ(record.patient.therapist(), "");
  EXPECT_EQ(record.elements.at("mrn"), "identifier[1].value");
  EXPECT_EQ(record.elements.at("display_name"), "name[0]");
}

TEST(ParsePatientRecord, ReadsGlutecaresExtensions) {
  const PatientRecord record = Parse(kGlutecarePatient);
  EXPECT_EQ(record.id, "ana");
  EXPECT_EQ(record.patient.mrn(), "MRN-1002");
  EXPECT_EQ(record.patient.display_name(), "Ana Silva");  // text wins
  EXPECT_EQ(record.patient.therapist(), "clinics/demo/therapists/tess");
  EXPECT_TRUE(record.has_time_zone);
  EXPECT_EQ(record.patient.time_zone(), "America/New_York");
  EXPECT_TRUE(record.has_pain_areas);
  EXPECT_THAT(record.patient.pain_areas(),
              ElementsAre(v1::PAIN_AREA_KNEE, v1::PAIN_AREA_LOWER_BACK));
  EXPECT_EQ(record.patient.baseline_pain(), 5);
  EXPECT_EQ(record.elements.at("pain_areas[1]"), "extension[2]");
  EXPECT_EQ(record.elements.at("baseline_pain"), "extension[3].valueInteger");
}

TEST(ParsePatientRecord, ChoosesTheNameAndReferencesItUnderstands) {
  struct Case {
    const char* name;
    const char* json;
    std::string display_name;
    std::string therapist;
  };
  const std::vector<Case> cases = {
      {"official before usual and unmarked",
       R"({"resourceType": "Patient",
           "identifier": [{"system": "{SYS}", "value": "M1"}],
           "name": [{"text": "Nick"}, {"use": "usual", "text": "Usual"},
                    {"use": "official", "text": "Official"}]})",
       "Official", ""},
      {"usual before unmarked",
       R"({"resourceType": "Patient",
           "identifier": [{"system": "{SYS}", "value": "M1"}],
           "name": [{"text": "Plain"}, {"use": "usual", "text": "Usual"}]})",
       "Usual", ""},
      {"an old name is never taken",
       R"({"resourceType": "Patient",
           "identifier": [{"system": "{SYS}", "value": "M1"}],
           "name": [{"use": "old", "text": "Maiden"}, {"text": "Now"}]})",
       "Now", ""},
      {"an absolute Practitioner reference, after an Organization",
       R"({"resourceType": "Patient",
           "identifier": [{"system": "{SYS}", "value": "M1"}],
           "name": [{"given": ["Bo"]}],
           "generalPractitioner": [
             {"reference": "Organization/clinic"},
             {"display": "no reference"},
             {"reference": "https://ehr.example/fhir/Practitioner/theo"}]})",
       "Bo", "clinics/demo/therapists/theo"},
      {"an old identifier of the system is skipped",
       R"({"resourceType": "Patient",
           "identifier": [{"system": "{SYS}", "value": "OLD", "use": "old"},
                          {"system": "{SYS}", "value": "M1"}],
           "name": [{"family": "Lee"}],
           "extension": [{"url": "http://other.example/x", "valueString": "y"}]})",
       "Lee", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const PatientRecord record = Parse(c.json);
    EXPECT_EQ(record.patient.mrn(), "M1");
    EXPECT_EQ(record.patient.display_name(), c.display_name);
    EXPECT_EQ(record.patient.therapist(), c.therapist);
  }
}

TEST(ParsePatientRecord, RejectsEachProblemNamingItsElement) {
  struct Case {
    std::string json;
    std::string reason;  // a prefix of the whole reason
  };
  // Each record differs from a good one in one element.
  const std::string ok_identifier =
      R"("identifier": [{"system": "{SYS}", "value": "M1"}])";
  const std::string ok_name = R"("name": [{"text": "Ana"}])";
  auto patient = [&](const std::string& rest) {
    return absl::StrCat(R"({"resourceType": "Patient", )", rest, "}");
  };
  auto with = [&](const std::string& extra) {
    return patient(absl::StrCat(ok_identifier, ", ", ok_name, ", ", extra));
  };
  const std::vector<Case> cases = {
      {"{\"resourceType\": ", "record: not valid JSON (at byte "},
      {"not json", "record: not valid JSON"},
      // The parser throws out_of_range, not parse_error, for these.
      {R"({"resourceType": "Patient", "x": 1e400})",
       "record: not valid JSON: a number is out of range"},
      {with(R"("extension": [{"url": "https://glutecare.dev/fhir/)"
            R"(StructureDefinition/baseline-pain", "valueInteger": -1e999}])"),
       "record: not valid JSON: a number is out of range"},
      {"[1, 2]", "record: must be an object (got array)"},
      {R"({"id": "x"})", "resourceType: required: \"Patient\""},
      {R"({"resourceType": 7})", "resourceType: must be a string (got number)"},
      {R"({"resourceType": "Observation"})",
       "resourceType: must be \"Patient\" (got \"Observation\")"},
      {patient(ok_name), "identifier: required: an identifier with system "},
      {patient(absl::StrCat(R"("identifier": {"value": "M1"}, )", ok_name)),
       "identifier: must be an array (got object)"},
      {patient(absl::StrCat(
           R"("identifier": [{"system": "urn:other", "value": "M1"}], )",
           ok_name)),
       "identifier: required: an identifier with system urn:oid:1.2.3.4"},
      {patient(
           absl::StrCat(R"("identifier": [{"system": "{SYS}"}], )", ok_name)),
       "identifier[0].value: required: the medical record number"},
      {patient(absl::StrCat(
           R"("identifier": [{"system": "{SYS}", "value": 42}], )", ok_name)),
       "identifier[0].value: must be a string (got number)"},
      {patient(absl::StrCat(R"("identifier": ["M1"], )", ok_name)),
       "identifier[0]: must be an object (got string)"},
      {patient(
           absl::StrCat(R"("identifier": [{"system": "{SYS}", "value": "M1"},
                                              {"system": "{SYS}", "value": "M2"}], )",
                        ok_name)),
       "identifier[1]: a second MRN of system urn:oid:1.2.3.4 "
       "(identifier[0] holds another)"},
      {patient(ok_identifier), "name: required: the patient's name"},
      {patient(absl::StrCat(ok_identifier,
                            R"(, "name": [{"use": "old", "text": "X"}])")),
       "name: required"},
      {patient(
           absl::StrCat(ok_identifier, R"(, "name": [{"prefix": ["Dr"]}])")),
       "name[0]: required: text, or given and family"},
      {patient(
           absl::StrCat(ok_identifier,
                        R"(, "name": [{"given": ["Ana", 3], "family": "S"}])")),
       "name[0].given[1]: must be a string (got number)"},
      {patient(absl::StrCat(ok_identifier, R"(, "name": "Ana")")),
       "name: must be an array (got string)"},
      {with(R"("generalPractitioner": [{"reference": "Practitioner/Dr.Who"}])"),
       "generalPractitioner[0].reference: \"Practitioner/Dr.Who\" is not a "
       "therapist of clinics/demo"},
      {with(R"("generalPractitioner": [{"reference": 5}])"),
       "generalPractitioner[0].reference: must be a string (got number)"},
      {with(R"("extension": [{"valueCode": "UTC"}])"),
       "extension[0].url: required"},
      {with(R"("extension": [{"url": "{TZ}", "valueCode": 1}])"),
       "extension[0].valueCode: must be a string (got number)"},
      {with(R"("extension": [{"url": "{TZ}"}])"),
       "extension[0].valueCode: required: an IANA time zone"},
      {with(R"("extension": [{"url": "{TZ}", "valueCode": "UTC"},
                             {"url": "{TZ}", "valueCode": "UTC"}])"),
       "extension[1]: listed twice (first at extension[0])"},
      {with(R"("extension": [{"url": "{AREA}", "valueCodeableConcept": {
               "coding": [{"system": "http://snomed.info/sct",
                           "code": "38266002"}]}}])"),
       "extension[0].valueCodeableConcept: unknown pain area: SNOMED CT "
       "\"38266002\"; known: 37822005 (lower back), 24136001 (hip) or "
       "72696002 (knee)"},
      {with(R"("extension": [{"url": "{AREA}", "valueCodeableConcept": {
               "text": "knee"}}])"),
       "extension[0].valueCodeableConcept: required: a SNOMED CT coding"},
      {with(R"("extension": [{"url": "{AREA}", "valueCode": "knee"}])"),
       "extension[0].valueCodeableConcept: required: the body site"},
      {with(R"("extension": [{"url": "{BASE}", "valueInteger": 5.5}])"),
       "extension[0].valueInteger: must be an integer (got number)"},
      {with(R"("extension": [{"url": "{BASE}", "valueInteger": 11}])"),
       "extension[0].valueInteger: must be 0-10 (got 11)"},
      {with(
           R"("extension": [{"url": "{BASE}", "valueInteger": -99999999999}])"),
       "extension[0].valueInteger: must be 0-10 (got -99999999999)"},
      {with(R"("extension": [{"url": "{BASE}", "valueInteger": 2},
                             {"url": "{BASE}", "valueInteger": 3}])"),
       "extension[1]: listed twice (first at extension[0])"},
      {with(R"("modifierExtension": [{"url": "http://x.example/y",
                                      "valueBoolean": true}])"),
       "modifierExtension: not supported"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.json);
    EXPECT_THAT(ParseError(c.json), StartsWith(c.reason));
  }
}

TEST(ParsePatientRecord, ReportsEveryProblemOfARecordAtOnce) {
  EXPECT_EQ(ParseError(R"({"resourceType": "Patient",
      "identifier": [{"system": "{SYS}"}],
      "extension": [{"url": "{BASE}", "valueInteger": "7"}]})"),
            "identifier[0].value: required: the medical record number; "
            "name: required: the patient's name (a HumanName with text, or "
            "given and family); extension[0].valueInteger: must be an "
            "integer (got string)");
}

// ---- PatientToStore ---------------------------------------------------------

const ImportDefaults kDefaults{.therapist = "clinics/demo/therapists/theo",
                               .time_zone = "Europe/Berlin"};

v1::Patient Stored() {
  v1::Patient p;
  p.set_name("clinics/demo/patients/ana");
  p.set_display_name("Ana Silva");
  p.set_mrn("MRN-0042");
  p.set_time_zone("America/New_York");
  p.add_pain_areas(v1::PAIN_AREA_HIP);
  p.set_therapist("clinics/demo/therapists/theo");
  p.set_baseline_pain(6);
  p.set_etag("3");
  return p;
}

std::string StoreError(const PatientRecord& record, const v1::Patient* current,
                       const ImportDefaults& defaults) {
  absl::StatusOr<v1::Patient> patient =
      PatientToStore(record, kClinic, current, defaults);
  return patient.ok() ? "" : RejectionReason(patient.status());
}

// Checks that `patient` has what kGlutecarePatient carries beyond an EHR's
// record: its time zone, therapist, pain areas and baseline pain.
void ExpectGlutecarePatientsOwnValues(const v1::Patient& patient) {
  EXPECT_EQ(patient.time_zone(), "America/New_York");
  EXPECT_EQ(patient.therapist(), "clinics/demo/therapists/tess");
  EXPECT_THAT(patient.pain_areas(),
              ElementsAre(v1::PAIN_AREA_KNEE, v1::PAIN_AREA_LOWER_BACK));
  EXPECT_EQ(patient.baseline_pain(), 5);
}

TEST(PatientToStore, ANewEhrPatientTakesTheDefaultsWithIntakePending) {
  absl::StatusOr<v1::Patient> patient =
      PatientToStore(Parse(kEhrPatient), kClinic, nullptr, kDefaults);
  ASSERT_TRUE(patient.ok()) << patient.status();
  EXPECT_EQ(patient->display_name(), "Ana Maria Silva");
  EXPECT_EQ(patient->mrn(), "MRN-0042");
  EXPECT_EQ(patient->time_zone(), "Europe/Berlin");
  EXPECT_EQ(patient->therapist(), "clinics/demo/therapists/theo");
  EXPECT_THAT(patient->pain_areas(), IsEmpty());
  EXPECT_FALSE(patient->has_baseline_pain());
  EXPECT_EQ(patient->name(), "");
}

TEST(PatientToStore, ARecordsOwnValuesWinOverTheDefaults) {
  absl::StatusOr<v1::Patient> patient =
      PatientToStore(Parse(kGlutecarePatient), kClinic, nullptr, kDefaults);
  ASSERT_TRUE(patient.ok()) << patient.status();
  ExpectGlutecarePatientsOwnValues(*patient);
}

TEST(PatientToStore, AnUpdateChangesOnlyWhatTheRecordCarries) {
  const v1::Patient current = Stored();
  absl::StatusOr<v1::Patient> patient =
      PatientToStore(Parse(kEhrPatient), kClinic, &current, kDefaults);
  ASSERT_TRUE(patient.ok()) << patient.status();
  v1::Patient want = current;
  want.set_display_name("Ana Maria Silva");
  EXPECT_EQ(patient->DebugString(), want.DebugString());
  EXPECT_FALSE(SameWritableFields(current, *patient));

  const std::string renamed = absl::StrReplaceAll(
      kEhrPatient, {{R"("family": "Silva", "given": ["Ana", "Maria"])",
                     R"("text": "Ana Silva")"}});
  patient = PatientToStore(Parse(renamed), kClinic, &current, {});
  ASSERT_TRUE(patient.ok()) << patient.status();
  EXPECT_TRUE(SameWritableFields(current, *patient));

  const std::string full =
      absl::StrReplaceAll(kGlutecarePatient, {{"MRN-1002", "MRN-0042"}});
  patient = PatientToStore(Parse(full), kClinic, &current, {});
  ASSERT_TRUE(patient.ok()) << patient.status();
  ExpectGlutecarePatientsOwnValues(*patient);
  EXPECT_EQ(patient->name(), current.name());
  EXPECT_EQ(patient->etag(), current.etag());
}

TEST(PatientToStore, RejectsValuesGlutecareCannotKeepNamingTheElement) {
  struct Case {
    const char* name;
    std::string json;
    ImportDefaults defaults;
    std::string reason;
  };
  // A record with one text replaced.
  auto changed = [](absl::string_view record, absl::string_view from,
                    absl::string_view to) {
    return absl::StrReplaceAll(record, {{from, to}});
  };
  const std::vector<Case> cases = {
      {"no time zone anywhere",
       kEhrPatient,
       {.therapist = kDefaults.therapist},
       absl::StrCat("extension('", kTimeZoneExtension,
                    "'): required: the patient's IANA time zone, or "
                    "default_time_zone in the request")},
      {"no therapist anywhere",
       kEhrPatient,
       {.time_zone = "UTC"},
       "generalPractitioner: required: a reference to a Practitioner that is "
       "a therapist of clinics/demo, or default_therapist in the request"},
      {"an MRN with a space", changed(kEhrPatient, "MRN-0042", "MRN 0042"),
       kDefaults,
       "identifier[1].value: must be 1-64 characters of A-Z, a-z, 0-9, '.', "
       "'_' and '-' (got \"MRN 0042\")"},
      {"an empty MRN", changed(kEhrPatient, "MRN-0042", ""), kDefaults,
       "identifier[1].value: required: the clinic's medical record number"},
      {"a control character in the name",
       changed(kEhrPatient, "Silva", "Sil\\u0007va"), kDefaults,
       "name[0]: must not contain control characters"},
      {"an unknown time zone",
       changed(kGlutecarePatient, "America/New_York", "Mars/Olympus"),
       kDefaults, "extension[0].valueCode: "},
      {"a pain area twice", changed(kGlutecarePatient, "37822005", "72696002"),
       kDefaults, "extension[2]: listed twice"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(StoreError(Parse(c.json), nullptr, c.defaults),
                StartsWith(c.reason));
  }
}

TEST(PatientToStore, ABadDefaultIsNamedAsTheRequestField) {
  EXPECT_THAT(StoreError(Parse(kEhrPatient), nullptr,
                         {.therapist = "clinics/other/therapists/t",
                          .time_zone = "UTC"}),
              StartsWith("default_therapist: must be a therapist of "
                         "clinics/demo"));
}

// ---- Ids --------------------------------------------------------------------

TEST(PatientIdCandidates, PreferTheFhirIdThenTheMrn) {
  PatientRecord record;
  record.id = "ana";
  record.patient.set_mrn("mrn-1002");
  EXPECT_THAT(PatientIdCandidates(record),
              ElementsAre("ana", "mrn-mrn-1002", "mrn-mrn-1002-37992aa0"));

  record.id = "8F14E45F";  // not a valid resource id: upper case
  record.patient.set_mrn("MRN_1002.a");
  const std::vector<std::string> ids = PatientIdCandidates(record);
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids[0], "mrn-mrn-1002-a");
  EXPECT_THAT(ids[1], StartsWith("mrn-mrn-1002-a-"));
  // MRNs that differ in case only share the plain id, not the hashed one.
  record.patient.set_mrn("mrn_1002.A");
  EXPECT_EQ(PatientIdCandidates(record)[0], ids[0]);
  EXPECT_NE(PatientIdCandidates(record)[1], ids[1]);
}

TEST(PatientIdCandidates, AreValidIdsForAnyValidMrn) {
  const std::vector<std::string> mrns = {
      "1",
      "-",
      "A-",
      std::string(64, 'Z'),
      std::string(64, '9'),
      std::string("x.") + std::string(62, '_')};
  for (const std::string& mrn : mrns) {
    SCOPED_TRACE(mrn);
    PatientRecord record;
    record.patient.set_mrn(mrn);
    const std::vector<std::string> ids = PatientIdCandidates(record);
    ASSERT_THAT(ids, Not(IsEmpty()));
    for (const std::string& id : ids) {
      EXPECT_TRUE(IsValidResourceId(id)) << id;
    }
    EXPECT_EQ(PatientIdCandidates(record), ids);  // deterministic
  }
}

TEST(RejectionReason, IsTheViolationsOrTheMessage) {
  Violations violations;
  violations.Add("identifier[0].value", "bad");
  violations.Add("name", "missing");
  EXPECT_EQ(RejectionReason(violations.ToStatus()),
            "identifier[0].value: bad; name: missing");
  EXPECT_EQ(RejectionReason(absl::NotFoundError("gone")), "gone");
}

}  // namespace
}  // namespace glutecare::fhir

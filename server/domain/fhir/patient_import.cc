#include "server/domain/fhir/patient_import.h"

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "server/common/status.h"
#include "server/domain/fhir/codes.h"
#include "server/domain/text.h"
#include "server/domain/validation.h"

namespace glutecare::fhir {
namespace {

// A document as parsed; export.h's fhir::Json is the ordered kind the
// export writes.
using ImportJson = nlohmann::json;

std::string At(absl::string_view path, absl::string_view member) {
  return absl::StrCat(path, path.empty() ? "" : ".", member);
}

std::string At(absl::string_view path, size_t index) {
  return absl::StrCat(path, "[", index, "]");
}

// Typed access to the members of a JSON object, adding a violation named by
// the member's FHIR path for a member of the wrong type. Absent members are
// nullopt / nullptr without a violation: whether they are required is the
// caller's.
class Elements {
 public:
  explicit Elements(Violations& violations) : violations_(violations) {}

  std::optional<std::string> String(const ImportJson& object, const char* member,
                                    absl::string_view path) {
    const ImportJson* value = Find(object, member);
    if (value == nullptr) return std::nullopt;
    if (!value->is_string()) {
      WrongType(*value, "a string", At(path, member));
      return std::nullopt;
    }
    return value->get<std::string>();
  }

  // The member as an array, or nullptr.
  const ImportJson* Array(const ImportJson& object, const char* member,
                    absl::string_view path) {
    const ImportJson* value = Find(object, member);
    if (value == nullptr) return nullptr;
    if (!value->is_array()) {
      WrongType(*value, "an array", At(path, member));
      return nullptr;
    }
    return value;
  }

  // The member as an object, or nullptr.
  const ImportJson* Object(const ImportJson& object, const char* member,
                     absl::string_view path) {
    const ImportJson* value = Find(object, member);
    if (value == nullptr) return nullptr;
    return IsObject(*value, At(path, member)) ? value : nullptr;
  }

  // True when `value`, at `path`, is an object; else adds a violation.
  bool IsObject(const ImportJson& value, absl::string_view path) {
    if (value.is_object()) return true;
    WrongType(value, "an object", path);
    return false;
  }

  void WrongType(const ImportJson& value, absl::string_view expected,
                 absl::string_view path) {
    violations_.Add(
        std::string(path),
        absl::StrCat("must be ", expected, " (got ", value.type_name(), ")"));
  }

  void Add(std::string path, std::string description) {
    violations_.Add(std::move(path), std::move(description));
  }

 private:
  static const ImportJson* Find(const ImportJson& object, const char* member) {
    auto it = object.find(member);
    return it == object.end() ? nullptr : &*it;
  }

  Violations& violations_;
};

// The MRN: the value of the identifier whose system is the clinic's.
void ReadIdentifier(const ImportJson& patient, absl::string_view system,
                    Elements& elements, PatientRecord& record) {
  const ImportJson* identifiers = elements.Array(patient, "identifier", "");
  if (identifiers == nullptr && patient.contains("identifier")) return;
  std::string found_at;
  bool system_seen = false;
  for (size_t i = 0; identifiers != nullptr && i < identifiers->size(); ++i) {
    const std::string path = At("identifier", i);
    const ImportJson& identifier = (*identifiers)[i];
    if (!elements.IsObject(identifier, path)) continue;
    const std::optional<std::string> its_system =
        elements.String(identifier, "system", path);
    const std::optional<std::string> use =
        elements.String(identifier, "use", path);
    if (its_system != system || use == "old") continue;
    system_seen = true;
    const std::optional<std::string> value =
        elements.String(identifier, "value", path);
    if (!value.has_value()) {
      if (!identifier.contains("value")) {
        elements.Add(At(path, "value"), "required: the medical record number");
      }
    } else if (found_at.empty()) {
      found_at = path;
      record.patient.set_mrn(*value);
      record.elements["mrn"] = At(path, "value");
    } else if (*value != record.patient.mrn()) {
      elements.Add(path, absl::StrCat("a second MRN of system ", system, " (",
                                      found_at, " holds another)"));
    }
  }
  if (!system_seen) {
    elements.Add("identifier",
                 absl::StrCat("required: an identifier with system ", system,
                              " (the clinic's MRN system) and the MRN as "
                              "its value"));
  }
}

// The index of the HumanName to use: the first official one, else the first
// usual one, else the first that is not old.
std::optional<size_t> ChooseName(const ImportJson& names) {
  for (const char* wanted : {"official", "usual"}) {
    for (size_t i = 0; i < names.size(); ++i) {
      const ImportJson& name = names[i];
      if (name.is_object() && name.value("use", ImportJson()) == wanted) return i;
    }
  }
  for (size_t i = 0; i < names.size(); ++i) {
    const ImportJson& name = names[i];
    if (name.is_object() && name.value("use", ImportJson()) != "old") return i;
  }
  return std::nullopt;
}

void ReadName(const ImportJson& patient, Elements& elements, PatientRecord& record) {
  const ImportJson* names = elements.Array(patient, "name", "");
  if (names == nullptr && patient.contains("name")) return;  // reported
  for (size_t i = 0; names != nullptr && i < names->size(); ++i) {
    elements.IsObject((*names)[i], At("name", i));
  }
  const std::optional<size_t> chosen =
      names == nullptr ? std::nullopt : ChooseName(*names);
  if (!chosen.has_value()) {
    elements.Add("name",
                 "required: the patient's name (a HumanName with text, or "
                 "given and family)");
    return;
  }
  const std::string path = At("name", *chosen);
  const ImportJson& name = (*names)[*chosen];
  std::string display_name;
  std::string element = At(path, "text");
  if (std::optional<std::string> text = elements.String(name, "text", path)) {
    display_name = *text;
  }
  if (absl::StripAsciiWhitespace(display_name).empty()) {
    element = path;
    std::vector<std::string> parts;
    if (const ImportJson* given = elements.Array(name, "given", path)) {
      for (size_t i = 0; i < given->size(); ++i) {
        if ((*given)[i].is_string()) {
          parts.push_back((*given)[i].get<std::string>());
        } else {
          elements.WrongType((*given)[i], "a string", At(At(path, "given"), i));
        }
      }
    }
    if (std::optional<std::string> family =
            elements.String(name, "family", path)) {
      parts.push_back(*family);
    }
    display_name = absl::StrJoin(parts, " ");
  }
  if (absl::StripAsciiWhitespace(display_name).empty()) {
    elements.Add(path, "required: text, or given and family");
    return;
  }
  record.patient.set_display_name(display_name);
  record.elements["display_name"] = element;
}

// The id in a reference to a Practitioner, relative (`Practitioner/{id}`)
// or absolute (`https://.../Practitioner/{id}`); nullopt for a reference to
// anything else.
std::optional<absl::string_view> PractitionerId(absl::string_view reference) {
  constexpr absl::string_view kType = "Practitioner/";
  size_t start;
  if (absl::StartsWith(reference, kType)) {
    start = kType.size();
  } else {
    const size_t at = reference.rfind(absl::StrCat("/", kType));
    if (at == absl::string_view::npos) return std::nullopt;
    start = at + 1 + kType.size();
  }
  absl::string_view id = reference.substr(start);
  if (id.empty() || absl::StrContains(id, '/')) return std::nullopt;
  return id;
}

void ReadGeneralPractitioner(const ImportJson& patient, const ClinicName& clinic,
                             Elements& elements, PatientRecord& record) {
  const ImportJson* references = elements.Array(patient, "generalPractitioner", "");
  for (size_t i = 0; references != nullptr && i < references->size(); ++i) {
    const std::string path = At("generalPractitioner", i);
    if (!elements.IsObject((*references)[i], path)) continue;
    const std::optional<std::string> reference =
        elements.String((*references)[i], "reference", path);
    if (!reference.has_value()) continue;
    const std::optional<absl::string_view> id = PractitionerId(*reference);
    if (!id.has_value()) continue;  // an Organization, say
    const std::string element = At(path, "reference");
    if (!IsValidResourceId(*id)) {
      elements.Add(element,
                   absl::StrCat(QuoteForMessage(*reference),
                                " is not a therapist of ", clinic.ToString(),
                                " (therapist ids are 1-63 characters of a-z, "
                                "0-9 and '-')"));
      return;
    }
    record.patient.set_therapist(
        TherapistName{clinic.clinic, std::string(*id)}.ToString());
    record.elements["therapist"] = element;
    return;
  }
}

// The pain area of a pain-area extension's valueCodeableConcept.
std::optional<v1::PainArea> PainAreaOf(const ImportJson& codeable,
                                       absl::string_view path,
                                       Elements& elements) {
  const ImportJson* codings = elements.Array(codeable, "coding", path);
  std::string unknown;
  for (size_t i = 0; codings != nullptr && i < codings->size(); ++i) {
    const std::string coding_path = At(At(path, "coding"), i);
    if (!elements.IsObject((*codings)[i], coding_path)) continue;
    const std::optional<std::string> system =
        elements.String((*codings)[i], "system", coding_path);
    const std::optional<std::string> code =
        elements.String((*codings)[i], "code", coding_path);
    if (system != kSnomedSystem || !code.has_value()) continue;
    if (*code == kLowerBackCode) return v1::PAIN_AREA_LOWER_BACK;
    if (*code == kHipCode) return v1::PAIN_AREA_HIP;
    if (*code == kKneeCode) return v1::PAIN_AREA_KNEE;
    if (unknown.empty()) unknown = *code;
  }
  const std::string known =
      absl::StrCat(kLowerBackCode, " (lower back), ", kHipCode, " (hip) or ",
                   kKneeCode, " (knee)");
  if (!unknown.empty()) {
    elements.Add(std::string(path),
                 absl::StrCat("unknown pain area: SNOMED CT ",
                              QuoteForMessage(unknown), "; known: ", known));
  } else {
    elements.Add(std::string(path),
                 absl::StrCat("required: a SNOMED CT coding (system ",
                              kSnomedSystem, ") of ", known));
  }
  return std::nullopt;
}

void ReadExtensions(const ImportJson& patient, Elements& elements,
                    PatientRecord& record) {
  const ImportJson* extensions = elements.Array(patient, "extension", "");
  std::string time_zone_at;
  std::string baseline_at;
  for (size_t i = 0; extensions != nullptr && i < extensions->size(); ++i) {
    const std::string path = At("extension", i);
    const ImportJson& extension = (*extensions)[i];
    if (!elements.IsObject(extension, path)) continue;
    const std::optional<std::string> url =
        elements.String(extension, "url", path);
    if (!url.has_value()) {
      if (!extension.contains("url")) {
        elements.Add(At(path, "url"), "required");
      }
      continue;
    }
    auto listed_twice = [&](const std::string& first) {
      elements.Add(path, absl::StrCat("listed twice (first at ", first, ")"));
    };
    if (*url == kTimeZoneExtension) {
      const std::string value_path = At(path, "valueCode");
      if (!time_zone_at.empty()) {
        listed_twice(time_zone_at);
      } else if (std::optional<std::string> zone =
                     elements.String(extension, "valueCode", path)) {
        time_zone_at = path;
        record.has_time_zone = true;
        record.patient.set_time_zone(*zone);
        record.elements["time_zone"] = value_path;
      } else if (!extension.contains("valueCode")) {
        elements.Add(value_path, "required: an IANA time zone");
      }
    } else if (*url == kPainAreaExtension) {
      const std::string value_path = At(path, "valueCodeableConcept");
      const ImportJson* codeable =
          elements.Object(extension, "valueCodeableConcept", path);
      if (codeable == nullptr) {
        if (!extension.contains("valueCodeableConcept")) {
          elements.Add(value_path, "required: the body site");
        }
        continue;
      }
      if (std::optional<v1::PainArea> area =
              PainAreaOf(*codeable, value_path, elements)) {
        record.elements[At("pain_areas", record.patient.pain_areas_size())] =
            path;
        record.patient.add_pain_areas(*area);
        record.has_pain_areas = true;
      }
    } else if (*url == kBaselinePainExtension) {
      const std::string value_path = At(path, "valueInteger");
      auto value = extension.find("valueInteger");
      if (!baseline_at.empty()) {
        listed_twice(baseline_at);
      } else if (value == extension.end()) {
        elements.Add(value_path, "required: pain at intake, 0-10");
      } else if (!value->is_number_integer()) {
        elements.WrongType(*value, "an integer", value_path);
      } else if (const auto score = value->get<int64_t>();
                 score < kMinPain || score > kMaxPain) {
        elements.Add(value_path, absl::StrCat("must be ", kMinPain, "-",
                                              kMaxPain, " (got ", score, ")"));
      } else {
        baseline_at = path;
        record.patient.set_baseline_pain(static_cast<int32_t>(score));
        record.elements["baseline_pain"] = value_path;
      }
    }
  }
}

// "FNV-1a", 32 bits: a stable hash, the same on every machine and build.
uint32_t Fnv1a(absl::string_view text) {
  uint32_t hash = 2166136261u;
  for (char c : text) {
    hash ^= static_cast<uint8_t>(c);
    hash *= 16777619u;
  }
  return hash;
}

}  // namespace

absl::StatusOr<PatientRecord> ParsePatientRecord(
    absl::string_view json, const ClinicName& clinic,
    absl::string_view identifier_system) {
  ImportJson patient;
  try {
    patient = ImportJson::parse(json.begin(), json.end());
  } catch (const ImportJson::parse_error& error) {
    return InvalidFieldError(
        "record", absl::StrCat("not valid JSON (at byte ", error.byte, ")"));
  } catch (const ImportJson::out_of_range&) {
    // A number beyond a double, such as 1e400: the parser throws this, not
    // a parse_error.
    return InvalidFieldError("record",
                             "not valid JSON: a number is out of range");
  } catch (const ImportJson::exception&) {
    return InvalidFieldError("record", "not valid JSON");
  }
  Violations violations;
  Elements elements(violations);
  if (!elements.IsObject(patient, "record")) return violations.ToStatus();
  const std::optional<std::string> type =
      elements.String(patient, "resourceType", "");
  if (!type.has_value()) {
    if (!patient.contains("resourceType")) {
      elements.Add("resourceType", "required: \"Patient\"");
    }
    return violations.ToStatus();
  }
  if (*type != "Patient") {
    elements.Add("resourceType", absl::StrCat("must be \"Patient\" (got ",
                                              QuoteForMessage(*type), ")"));
    return violations.ToStatus();
  }

  PatientRecord record;
  if (std::optional<std::string> id = elements.String(patient, "id", "")) {
    record.id = *id;
  }
  if (const ImportJson* modifiers =
          elements.Array(patient, "modifierExtension", "")) {
    if (!modifiers->empty()) {
      elements.Add("modifierExtension",
                   "not supported: glutecare cannot tell how it changes the "
                   "record's meaning");
    }
  }
  ReadIdentifier(patient, identifier_system, elements, record);
  ReadName(patient, elements, record);
  ReadGeneralPractitioner(patient, clinic, elements, record);
  ReadExtensions(patient, elements, record);
  GLUTECARE_RETURN_IF_ERROR(violations.ToStatus());
  return record;
}

absl::StatusOr<v1::Patient> PatientToStore(const PatientRecord& record,
                                           const ClinicName& clinic,
                                           const v1::Patient* current,
                                           const ImportDefaults& defaults) {
  absl::flat_hash_map<std::string, std::string> elements = record.elements;
  Violations violations;
  v1::Patient patient = current != nullptr ? *current : v1::Patient();
  patient.set_display_name(record.patient.display_name());
  patient.set_mrn(record.patient.mrn());
  if (record.has_time_zone) {
    patient.set_time_zone(record.patient.time_zone());
  } else if (current == nullptr && !defaults.time_zone.empty()) {
    patient.set_time_zone(defaults.time_zone);
    elements["time_zone"] = "default_time_zone";
  } else if (current == nullptr) {
    violations.Add(absl::StrCat("extension('", kTimeZoneExtension, "')"),
                   "required: the patient's IANA time zone, or "
                   "default_time_zone in the request");
  }
  if (!record.patient.therapist().empty()) {
    patient.set_therapist(record.patient.therapist());
  } else if (current == nullptr && !defaults.therapist.empty()) {
    patient.set_therapist(defaults.therapist);
    elements["therapist"] = "default_therapist";
  } else if (current == nullptr) {
    violations.Add("generalPractitioner",
                   absl::StrCat("required: a reference to a Practitioner "
                                "that is a therapist of ",
                                clinic.ToString(),
                                ", or default_therapist in the request"));
  }
  if (record.has_pain_areas) {
    *patient.mutable_pain_areas() = record.patient.pain_areas();
  }
  if (record.patient.has_baseline_pain()) {
    patient.set_baseline_pain(record.patient.baseline_pain());
  }
  GLUTECARE_RETURN_IF_ERROR(violations.ToStatus());

  Violations checked;
  CheckPatient(
      patient, clinic, "", checked,
      current != nullptr ? IntakeRuleForUpdate(*current) : kIntakeMayBePending);
  for (const FieldViolation& v : checked.list()) {
    auto element = elements.find(v.field);
    violations.Add(element != elements.end() ? element->second : v.field,
                   v.description);
  }
  GLUTECARE_RETURN_IF_ERROR(violations.ToStatus());
  return patient;
}

bool SameWritableFields(const v1::Patient& a, const v1::Patient& b) {
  return a.display_name() == b.display_name() && a.mrn() == b.mrn() &&
         a.time_zone() == b.time_zone() &&
         std::equal(a.pain_areas().begin(), a.pain_areas().end(),
                    b.pain_areas().begin(), b.pain_areas().end()) &&
         a.therapist() == b.therapist() &&
         a.has_baseline_pain() == b.has_baseline_pain() &&
         a.baseline_pain() == b.baseline_pain();
}

std::vector<std::string> PatientIdCandidates(const PatientRecord& record) {
  std::vector<std::string> candidates;
  if (IsValidResourceId(record.id)) candidates.push_back(record.id);
  const std::string& mrn = record.patient.mrn();
  std::string cleaned = "mrn-";
  for (char c : mrn) {
    const char lower = absl::ascii_tolower(static_cast<unsigned char>(c));
    const bool kept =
        (lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9');
    cleaned.push_back(kept ? lower : '-');
  }
  if (IsValidResourceId(cleaned)) candidates.push_back(cleaned);
  constexpr size_t kHashSuffix = 9;  // '-' and 8 hex digits
  if (cleaned.size() > 63 - kHashSuffix) cleaned.resize(63 - kHashSuffix);
  candidates.push_back(absl::StrFormat("%s-%08x", cleaned, Fnv1a(mrn)));
  return candidates;
}

std::string RejectionReason(const absl::Status& status) {
  const std::vector<FieldViolation> violations = FieldViolationsOf(status);
  if (violations.empty()) return std::string(status.message());
  std::vector<std::string> parts;
  for (const FieldViolation& v : violations) {
    parts.push_back(absl::StrCat(v.field, ": ", v.description));
  }
  return absl::StrJoin(parts, "; ");
}

}  // namespace glutecare::fhir

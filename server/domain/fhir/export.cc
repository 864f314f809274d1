#include "server/domain/fhir/export.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/time_util.h"
#include "server/domain/fhir/codes.h"
#include "server/domain/fhir/ids.h"
#include "server/domain/outcomes/questionnaires.h"
#include "server/domain/text.h"

namespace glutecare::fhir {
namespace {

using google::protobuf::Timestamp;
using google::protobuf::util::TimeUtil;

bool IsSet(const Timestamp& time) {
  return time.seconds() != 0 || time.nanos() != 0;
}

// An instant as FHIR writes it: RFC 3339 in UTC, such as
// "2026-03-01T09:30:00Z" (fractions of a second only when there are any).
std::string Instant(const Timestamp& time) { return TimeUtil::ToString(time); }

Json Coding(absl::string_view system, absl::string_view code,
            absl::string_view display) {
  Json coding = Json::object();
  coding["system"] = system;
  coding["code"] = code;
  if (!display.empty()) coding["display"] = display;
  return coding;
}

// A CodeableConcept of one coding, with `text` when it is not empty.
Json Concept(Json coding, absl::string_view text = "") {
  Json codeable = Json::object();
  codeable["coding"] = Json::array({std::move(coding)});
  if (!text.empty()) codeable["text"] = text;
  return codeable;
}

Json ReferenceTo(absl::string_view type, absl::string_view resource_name,
                 absl::string_view display = "") {
  Json reference = Json::object();
  reference["reference"] = FhirReference(type, resource_name);
  if (!display.empty()) reference["display"] = display;
  return reference;
}

// The identifier holding a resource's glutecare name.
Json ResourceNameIdentifier(absl::string_view resource_name) {
  Json identifier = Json::object();
  identifier["system"] = kResourceNameSystem;
  identifier["value"] = resource_name;
  return identifier;
}

// No versionId: a CarePlan changes with every session done under it
// (outcomeReference) while its program revision stays, and a versionId
// that stays while the content changes misleads a receiver that compares
// versions. lastUpdated moves with every change.
Json Meta(const Timestamp& last_updated) {
  Json meta = Json::object();
  if (IsSet(last_updated)) meta["lastUpdated"] = Instant(last_updated);
  return meta;
}

// The start of every resource: resourceType, id and meta.
Json Resource(ResourceType type, std::string id, Json meta) {
  Json resource = Json::object();
  resource["resourceType"] = ResourceTypeName(type);
  resource["id"] = std::move(id);
  if (!meta.empty()) resource["meta"] = std::move(meta);
  return resource;
}

// The SNOMED CT body site of a pain area; nullopt for none.
std::optional<Json> BodySite(v1::PainArea area) {
  switch (area) {
    case v1::PAIN_AREA_LOWER_BACK:
      return Concept(Coding(kSnomedSystem, kLowerBackCode, kLowerBackDisplay));
    case v1::PAIN_AREA_HIP:
      return Concept(Coding(kSnomedSystem, kHipCode, kHipDisplay));
    case v1::PAIN_AREA_KNEE:
      return Concept(Coding(kSnomedSystem, kKneeCode, kKneeDisplay));
    default:
      return std::nullopt;
  }
}

// A Quantity in UCUM `unit`, shown as `label`.
Json IntegerQuantity(int32_t value, absl::string_view unit,
                     absl::string_view label) {
  Json quantity = Json::object();
  quantity["value"] = value;
  quantity["unit"] = label;
  quantity["system"] = kUcumSystem;
  quantity["code"] = unit;
  return quantity;
}

Json PainSeverityCode(absl::string_view text) {
  return Concept(
      Coding(kLoincSystem, kPainSeverityCode, kPainSeverityDisplay), text);
}

Json SurveyCategory() {
  return Json::array({Concept(Coding(kObservationCategorySystem,
                                     kSurveyCategoryCode,
                                     kSurveyCategoryDisplay))});
}

Json Note(absl::string_view text) {
  Json note = Json::object();
  note["text"] = text;
  return note;
}

// "body weight", "light band", "8 kg", ...
std::string LoadText(const v1::Load& load) {
  switch (load.type()) {
    case v1::LOAD_TYPE_BODYWEIGHT:
      return "body weight";
    case v1::LOAD_TYPE_BAND_LIGHT:
      return "light band";
    case v1::LOAD_TYPE_BAND_MEDIUM:
      return "medium band";
    case v1::LOAD_TYPE_BAND_HEAVY:
      return "heavy band";
    case v1::LOAD_TYPE_EXTERNAL_WEIGHT:
      return absl::StrCat(load.weight_kg(), " kg");
    default:
      return "unspecified load";
  }
}

// "3 x 12 reps" or "3 x 30 s holds".
std::string DoseText(int32_t sets, int32_t reps, int32_t hold_seconds) {
  if (hold_seconds > 0) {
    return absl::StrCat(sets, " x ", hold_seconds, " s holds");
  }
  return absl::StrCat(sets, " x ", reps, " reps");
}

absl::string_view ExerciseId(absl::string_view exercise) {
  const size_t slash = exercise.rfind('/');
  return slash == absl::string_view::npos ? exercise
                                          : exercise.substr(slash + 1);
}

// The catalog's name of `exercise` (`exercises/glute-bridge` -> "Glute
// bridge"), or its id when the catalog does not know it.
std::string ExerciseName(const ExerciseCatalog& catalog,
                         absl::string_view exercise) {
  if (const v1::Exercise* known = catalog.Find(exercise)) {
    return known->display_name();
  }
  return std::string(ExerciseId(exercise));
}

// CarePlan.status of a program status.
absl::string_view CarePlanStatus(v1::ProgramStatus status) {
  switch (status) {
    case v1::PROGRAM_STATUS_ACTIVE:
      return "active";
    case v1::PROGRAM_STATUS_PAUSED:
      return "on-hold";
    case v1::PROGRAM_STATUS_COMPLETED:
      return "completed";
    case v1::PROGRAM_STATUS_DISCONTINUED:
      return "revoked";
    default:
      return "unknown";
  }
}

// CarePlan.activity.detail.status of the exercises of a program in `status`.
absl::string_view ActivityStatus(v1::ProgramStatus status) {
  switch (status) {
    case v1::PROGRAM_STATUS_ACTIVE:
      return "in-progress";
    case v1::PROGRAM_STATUS_PAUSED:
      return "on-hold";
    case v1::PROGRAM_STATUS_COMPLETED:
      return "completed";
    case v1::PROGRAM_STATUS_DISCONTINUED:
      return "stopped";
    default:
      return "unknown";
  }
}

absl::string_view DifficultyCode(v1::Difficulty difficulty) {
  switch (difficulty) {
    case v1::DIFFICULTY_TOO_EASY:
      return "too-easy";
    case v1::DIFFICULTY_ABOUT_RIGHT:
      return "about-right";
    case v1::DIFFICULTY_TOO_HARD:
      return "too-hard";
    default:
      return "";
  }
}

// The patient a record of theirs belongs to: `clinics/c/patients/p/...` ->
// `clinics/c/patients/p`.
std::string PatientOf(absl::string_view resource_name) {
  size_t slashes = 0;
  for (size_t i = 0; i < resource_name.size(); ++i) {
    if (resource_name[i] == '/' && ++slashes == 4) {
      return std::string(resource_name.substr(0, i));
    }
  }
  return std::string(resource_name);
}

Json CarePlanActivity(const v1::Program& program,
                      const v1::Prescription& rx,
                      const ExerciseCatalog& catalog,
                      const SessionOutcomes& outcomes) {
  const std::string exercise = ExerciseName(catalog, rx.exercise());
  Json activity = Json::object();
  const std::vector<std::string>& done =
      outcomes.References(program.name(), rx.exercise());
  if (!done.empty()) {
    Json references = Json::array();
    for (const std::string& reference : done) {
      Json outcome = Json::object();
      outcome["reference"] = reference;
      references.push_back(std::move(outcome));
    }
    activity["outcomeReference"] = std::move(references);
  }

  Json detail = Json::object();
  detail["kind"] = "ServiceRequest";
  Json code = Json::object();
  code["coding"] =
      Json::array({Coding(kSnomedSystem, kExerciseTherapyCode,
                          kExerciseTherapyDisplay),
                   Coding(kExerciseCodeSystem, ExerciseId(rx.exercise()),
                          exercise)});
  code["text"] = exercise;
  detail["code"] = std::move(code);
  detail["status"] = ActivityStatus(program.status());
  Json timing = Json::object();
  Json repeat = Json::object();
  if (!program.start_date().empty()) {
    Json bounds = Json::object();
    bounds["start"] = program.start_date();
    if (!program.end_date().empty()) bounds["end"] = program.end_date();
    repeat["boundsPeriod"] = std::move(bounds);
  }
  repeat["frequency"] = rx.sessions_per_week();
  repeat["period"] = 1;
  repeat["periodUnit"] = "wk";
  timing["repeat"] = std::move(repeat);
  detail["scheduledTiming"] = std::move(timing);
  detail["performer"] = Json::array({ReferenceTo("Patient", PatientOf(program.name()))});
  // dailyAmount: the sets of a day, when a day has at most one session
  // (more than 7 a week puts two on some days); quantity: each set.
  if (rx.sessions_per_week() <= 7) {
    detail["dailyAmount"] = IntegerQuantity(rx.sets(), kSetUnit, "sets");
  }
  detail["quantity"] =
      rx.hold_seconds() > 0
          ? IntegerQuantity(rx.hold_seconds(), kSecondUnit, "s")
          : IntegerQuantity(rx.reps(), kRepetitionUnit, "repetitions");
  std::string description = absl::StrCat(
      exercise, ": ", DoseText(rx.sets(), rx.reps(), rx.hold_seconds()), ", ",
      LoadText(rx.load()), ", ", rx.sessions_per_week(),
      rx.sessions_per_week() == 1 ? " session" : " sessions", " a week");
  if (!rx.notes().empty()) absl::StrAppend(&description, ". ", rx.notes());
  detail["description"] = std::move(description);
  activity["detail"] = std::move(detail);
  return activity;
}

}  // namespace

absl::string_view ResourceTypeName(ResourceType type) {
  switch (type) {
    case ResourceType::kPatient:
      return "Patient";
    case ResourceType::kCarePlan:
      return "CarePlan";
    case ResourceType::kProcedure:
      return "Procedure";
    case ResourceType::kObservation:
      return "Observation";
    case ResourceType::kPractitioner:
      return "Practitioner";
    case ResourceType::kQuestionnaireResponse:
      return "QuestionnaireResponse";
  }
  return "";
}

std::optional<ResourceType> ParseResourceType(absl::string_view name) {
  for (ResourceType type : kResourceTypes) {
    if (ResourceTypeName(type) == name) return type;
  }
  return std::nullopt;
}

std::vector<ResourceType> ResourceTypesOf(absl::Span<const std::string> names,
                                          absl::string_view field,
                                          Violations& violations) {
  if (names.empty()) {
    return std::vector<ResourceType>(std::begin(kResourceTypes),
                                     std::end(kResourceTypes));
  }
  bool wanted[std::size(kResourceTypes)] = {};
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string element = absl::StrCat(field, "[", i, "]");
    const std::optional<ResourceType> type = ParseResourceType(names[i]);
    if (!type.has_value()) {
      std::vector<absl::string_view> known;
      for (ResourceType t : kResourceTypes) known.push_back(ResourceTypeName(t));
      violations.Add(element,
                     absl::StrCat(QuoteForMessage(names[i]),
                                  " is not a resource type of the export: use ",
                                  absl::StrJoin(known, ", ")));
    } else if (wanted[static_cast<size_t>(*type)]) {
      violations.Add(element, absl::StrCat(names[i], " is listed twice"));
    } else {
      wanted[static_cast<size_t>(*type)] = true;
    }
  }
  std::vector<ResourceType> types;
  for (ResourceType type : kResourceTypes) {
    if (wanted[static_cast<size_t>(type)]) types.push_back(type);
  }
  return types;
}

Json PractitionerResource(const v1::Therapist& therapist) {
  Json resource = Resource(ResourceType::kPractitioner,
                           FhirId(therapist.name()),
                           Meta(therapist.create_time()));
  resource["identifier"] =
      Json::array({ResourceNameIdentifier(therapist.name())});
  resource["active"] = true;
  Json name = Json::object();
  name["text"] = therapist.display_name();
  resource["name"] = Json::array({std::move(name)});
  return resource;
}

Json PatientResource(const v1::Patient& patient,
                     absl::string_view identifier_system) {
  Json resource = Resource(ResourceType::kPatient, FhirId(patient.name()),
                           Meta(PatientLastUpdated(patient)));
  Json extensions = Json::array();
  if (!patient.time_zone().empty()) {
    Json zone = Json::object();
    zone["url"] = kTimeZoneExtension;
    zone["valueCode"] = patient.time_zone();
    extensions.push_back(std::move(zone));
  }
  for (int area : patient.pain_areas()) {
    std::optional<Json> site = BodySite(static_cast<v1::PainArea>(area));
    if (!site.has_value()) continue;
    Json extension = Json::object();
    extension["url"] = kPainAreaExtension;
    extension["valueCodeableConcept"] = *std::move(site);
    extensions.push_back(std::move(extension));
  }
  if (patient.has_baseline_pain()) {
    Json baseline = Json::object();
    baseline["url"] = kBaselinePainExtension;
    baseline["valueInteger"] = patient.baseline_pain();
    extensions.push_back(std::move(baseline));
  }
  if (!extensions.empty()) resource["extension"] = std::move(extensions);

  Json mrn = Json::object();
  mrn["use"] = "usual";
  mrn["type"] = Concept(Coding(kIdentifierTypeSystem, kMedicalRecordNumberCode,
                               kMedicalRecordNumberDisplay));
  if (!identifier_system.empty()) mrn["system"] = identifier_system;
  mrn["value"] = patient.mrn();
  resource["identifier"] =
      Json::array({std::move(mrn), ResourceNameIdentifier(patient.name())});
  resource["active"] = true;
  Json name = Json::object();
  name["use"] = "usual";
  name["text"] = patient.display_name();
  resource["name"] = Json::array({std::move(name)});
  if (!patient.therapist().empty()) {
    resource["generalPractitioner"] =
        Json::array({ReferenceTo("Practitioner", patient.therapist())});
  }
  return resource;
}

void SessionOutcomes::Add(const v1::Session& session) {
  const absl::string_view revision = session.program_revision();
  Program& program = programs_[revision.substr(0, revision.find('@'))];
  const std::string reference = FhirReference("Procedure", session.name());
  for (const v1::PerformedExercise& exercise : session.exercises()) {
    std::vector<std::string>& done = program.by_exercise[exercise.exercise()];
    if (done.empty() || done.back() != reference) done.push_back(reference);
  }
  if (TimeUtil::TimestampToNanoseconds(session.create_time()) >
      TimeUtil::TimestampToNanoseconds(program.latest)) {
    program.latest = session.create_time();
  }
}

const std::vector<std::string>& SessionOutcomes::References(
    absl::string_view program, absl::string_view exercise) const {
  static const auto* const kNone = new std::vector<std::string>();
  auto found = programs_.find(program);
  if (found == programs_.end()) return *kNone;
  auto done = found->second.by_exercise.find(exercise);
  return done == found->second.by_exercise.end() ? *kNone : done->second;
}

Timestamp SessionOutcomes::LatestSession(absl::string_view program) const {
  auto found = programs_.find(program);
  return found == programs_.end() ? Timestamp() : found->second.latest;
}

Json CarePlanResource(const v1::Program& program,
                      const ExerciseCatalog& catalog,
                      const SessionOutcomes& outcomes) {
  Json resource =
      Resource(ResourceType::kCarePlan, FhirId(program.name()),
               Meta(CarePlanLastUpdated(program, outcomes)));
  resource["identifier"] = Json::array({ResourceNameIdentifier(program.name())});
  resource["status"] = CarePlanStatus(program.status());
  resource["intent"] = "plan";
  resource["category"] = Json::array({Concept(Coding(
      kSnomedSystem, kPhysicalTherapyCode, kPhysicalTherapyDisplay))});
  resource["title"] = program.display_name();
  const std::string patient = PatientOf(program.name());
  resource["subject"] = ReferenceTo("Patient", patient);
  if (!program.start_date().empty()) {
    Json period = Json::object();
    period["start"] = program.start_date();
    if (!program.end_date().empty()) period["end"] = program.end_date();
    resource["period"] = std::move(period);
  }
  if (IsSet(program.create_time())) {
    resource["created"] = Instant(program.create_time());
  }
  if (!program.therapist().empty()) {
    resource["author"] = ReferenceTo("Practitioner", program.therapist());
  }
  Json activities = Json::array();
  for (const v1::Prescription& rx : program.prescriptions()) {
    activities.push_back(CarePlanActivity(program, rx, catalog, outcomes));
  }
  if (!activities.empty()) resource["activity"] = std::move(activities);
  if (!program.notes().empty()) {
    resource["note"] = Json::array({Note(program.notes())});
  }
  return resource;
}

Json ProcedureResource(const v1::Session& session,
                       const ExerciseCatalog& catalog) {
  Json resource = Resource(ResourceType::kProcedure, FhirId(session.name()),
                           Meta(session.create_time()));
  if (const absl::string_view difficulty =
          DifficultyCode(session.difficulty());
      !difficulty.empty()) {
    Json extension = Json::object();
    extension["url"] = kSessionDifficultyExtension;
    extension["valueCode"] = difficulty;
    resource["extension"] = Json::array({std::move(extension)});
  }
  resource["identifier"] = Json::array({ResourceNameIdentifier(session.name())});
  if (!session.program_revision().empty()) {
    resource["basedOn"] =
        Json::array({ReferenceTo("CarePlan", session.program_revision())});
  }
  resource["status"] = "completed";
  resource["category"] = Concept(
      Coding(kSnomedSystem, kPhysicalTherapyCode, kPhysicalTherapyDisplay));
  resource["code"] =
      Concept(Coding(kSnomedSystem, kExerciseTherapyCode,
                     kExerciseTherapyDisplay),
              "Home exercise session");
  const std::string patient = PatientOf(session.name());
  resource["subject"] = ReferenceTo("Patient", patient);
  if (IsSet(session.perform_time())) {
    resource["performedDateTime"] = Instant(session.perform_time());
  }
  Json performer = Json::object();
  performer["actor"] = ReferenceTo("Patient", patient);
  resource["performer"] = Json::array({std::move(performer)});
  if (std::optional<Json> site = BodySite(session.pain_area())) {
    resource["bodySite"] = Json::array({*std::move(site)});
  }
  std::vector<std::string> done;
  for (const v1::PerformedExercise& exercise : session.exercises()) {
    done.push_back(absl::StrCat(
        ExerciseName(catalog, exercise.exercise()), " ",
        DoseText(exercise.sets(), exercise.reps(), exercise.hold_seconds()),
        " (", LoadText(exercise.load()), ")"));
  }
  Json notes = Json::array();
  std::string summary = absl::StrCat("Done: ", absl::StrJoin(done, "; "), ".");
  if (session.has_pain_before() && session.has_pain_after()) {
    absl::StrAppend(&summary, " Pain ", session.pain_before(), " before, ",
                    session.pain_after(), " after (0-10).");
  }
  if (const absl::string_view difficulty =
          DifficultyCode(session.difficulty());
      !difficulty.empty()) {
    absl::StrAppend(&summary, " Felt ", difficulty, ".");
  }
  notes.push_back(Note(summary));
  if (!session.notes().empty()) notes.push_back(Note(session.notes()));
  resource["note"] = std::move(notes);
  return resource;
}

Json SessionPainObservation(const v1::Session& session, SessionPain which) {
  const bool before = which == SessionPain::kBefore;
  Json resource = Resource(
      ResourceType::kObservation,
      FhirId(session.name(), {before ? "pain-before" : "pain-after"}),
      Meta(session.create_time()));
  // No identifier: no glutecare record is this score alone; partOf leads to
  // the session's Procedure, which has one.
  resource["partOf"] =
      Json::array({ReferenceTo("Procedure", session.name())});
  resource["status"] = "final";
  resource["category"] = SurveyCategory();
  resource["code"] = PainSeverityCode(before ? "Pain before the exercise session"
                                             : "Pain after the exercise session");
  const std::string patient = PatientOf(session.name());
  resource["subject"] = ReferenceTo("Patient", patient);
  if (IsSet(session.perform_time())) {
    resource["effectiveDateTime"] = Instant(session.perform_time());
  }
  if (IsSet(session.create_time())) {
    resource["issued"] = Instant(session.create_time());
  }
  resource["performer"] = Json::array({ReferenceTo("Patient", patient)});
  const bool has_score =
      before ? session.has_pain_before() : session.has_pain_after();
  if (has_score) {
    resource["valueQuantity"] = IntegerQuantity(
        before ? session.pain_before() : session.pain_after(), kScoreUnit,
        kScoreUnit);
  }
  if (std::optional<Json> site = BodySite(session.pain_area())) {
    resource["bodySite"] = *std::move(site);
  }
  return resource;
}

Json PainReportObservation(const v1::PainReport& report) {
  Json resource = Resource(ResourceType::kObservation, FhirId(report.name()),
                           Meta(report.create_time()));
  resource["identifier"] = Json::array({ResourceNameIdentifier(report.name())});
  resource["status"] = "final";
  resource["category"] = SurveyCategory();
  resource["code"] = PainSeverityCode("Daily pain check-in");
  const std::string patient = PatientOf(report.name());
  resource["subject"] = ReferenceTo("Patient", patient);
  // The calendar day reported on, in the patient's time zone: a FHIR
  // dateTime may be a date alone.
  if (!report.local_date().empty()) {
    resource["effectiveDateTime"] = report.local_date();
  }
  if (IsSet(report.create_time())) {
    resource["issued"] = Instant(report.create_time());
  }
  resource["performer"] = Json::array({ReferenceTo("Patient", patient)});
  if (report.has_score()) {
    resource["valueQuantity"] =
        IntegerQuantity(report.score(), kScoreUnit, kScoreUnit);
  }
  if (!report.note().empty()) {
    resource["note"] = Json::array({Note(report.note())});
  }
  if (std::optional<Json> site = BodySite(report.area())) {
    resource["bodySite"] = *std::move(site);
  }
  return resource;
}

Json QuestionnaireResponseResource(const v1::OutcomeResponse& response) {
  Json resource =
      Resource(ResourceType::kQuestionnaireResponse, FhirId(response.name()),
               Meta(response.create_time()));
  // The score: glutecare's reading of the answers, which R4 gives no
  // element for (an extension a system that does not know it may ignore).
  auto part = [](absl::string_view url, absl::string_view value_type,
                 Json value) {
    Json extension = Json::object();
    extension["url"] = url;
    extension[std::string(value_type)] = std::move(value);
    return extension;
  };
  Json parts = Json::array();
  parts.push_back(part("score", "valueDecimal", response.score()));
  if (!response.band().empty()) {
    parts.push_back(part("band", "valueCode", response.band()));
  }
  if (!response.intake() && !response.intake_response().empty()) {
    parts.push_back(
        part("intake", "valueReference",
             ReferenceTo("QuestionnaireResponse", response.intake_response())));
    parts.push_back(part("changeSinceIntake", "valueDecimal",
                         response.change_since_intake()));
    parts.push_back(
        part("importantChange", "valueBoolean", response.important_change()));
  }
  Json score = Json::object();
  score["url"] = kOutcomeScoreExtension;
  score["extension"] = std::move(parts);
  resource["extension"] = Json::array({std::move(score)});
  // QuestionnaireResponse.identifier is a single Identifier in R4.
  resource["identifier"] = ResourceNameIdentifier(response.name());
  const v1::Questionnaire* definition = nullptr;
  const std::string measure = outcomes::MeasureId(response.measure());
  if (!measure.empty()) {
    definition = &outcomes::QuestionnaireOf(response.measure());
    resource["questionnaire"] = absl::StrCat(
        kQuestionnaireBase, measure, "|",
        response.questionnaire_version().empty()
            ? definition->version()
            : response.questionnaire_version());
    // Item texts only from the version answered: another wording would
    // misstate what the patient read.
    if (!response.questionnaire_version().empty() &&
        response.questionnaire_version() != definition->version()) {
      definition = nullptr;
    }
  }
  resource["status"] = "completed";
  const std::string patient = PatientOf(response.name());
  resource["subject"] = ReferenceTo("Patient", patient);
  if (IsSet(response.create_time())) {
    resource["authored"] = Instant(response.create_time());
  }
  resource["author"] = ReferenceTo("Patient", patient);
  resource["source"] = ReferenceTo("Patient", patient);
  // One item per answered item, in the questionnaire's order (FHIR asks
  // for it) when the definition answered is known.
  std::vector<const v1::OutcomeAnswer*> answered;
  for (const v1::OutcomeAnswer& answer : response.answers()) {
    if (answer.has_score()) answered.push_back(&answer);  // else skipped
  }
  absl::flat_hash_map<std::string, int> position;
  if (definition != nullptr) {
    for (int i = 0; i < definition->items_size(); ++i) {
      position[definition->items(i).link_id()] = i;
    }
    auto order = [&](const v1::OutcomeAnswer* answer) {
      auto found = position.find(answer->link_id());
      return found == position.end() ? definition->items_size()
                                     : found->second;
    };
    std::stable_sort(answered.begin(), answered.end(),
                     [&](const v1::OutcomeAnswer* a,
                         const v1::OutcomeAnswer* b) {
                       return order(a) < order(b);
                     });
  }
  Json items = Json::array();
  for (const v1::OutcomeAnswer* answer : answered) {
    Json item = Json::object();
    item["linkId"] = answer->link_id();
    if (auto found = position.find(answer->link_id());
        found != position.end()) {
      item["text"] = definition->items(found->second).text();
    }
    Json value = Json::object();
    value["valueInteger"] = answer->score();
    item["answer"] = Json::array({std::move(value)});
    items.push_back(std::move(item));
  }
  if (!items.empty()) resource["item"] = std::move(items);
  return resource;
}

Timestamp PatientLastUpdated(const v1::Patient& patient) {
  return IsSet(patient.update_time()) ? patient.update_time()
                                      : patient.create_time();
}

Timestamp CarePlanLastUpdated(const v1::Program& program,
                              const SessionOutcomes& outcomes) {
  const Timestamp& revised = program.revision_create_time();
  const Timestamp session = outcomes.LatestSession(program.name());
  return TimeUtil::TimestampToNanoseconds(session) >
                 TimeUtil::TimestampToNanoseconds(revised)
             ? session
             : revised;
}

std::string FullUrl(const ClinicName& clinic, const Json& resource) {
  return absl::StrCat(kFullUrlBase, clinic.ToString(), "/",
                      resource.value("resourceType", ""), "/",
                      resource.value("id", ""));
}

Json CollectionBundle(const ClinicName& clinic, absl::string_view id,
                      const Timestamp& timestamp, std::vector<Json> resources) {
  Json bundle = Json::object();
  bundle["resourceType"] = "Bundle";
  bundle["id"] = id;
  bundle["type"] = "collection";
  bundle["timestamp"] = Instant(timestamp);
  Json entries = Json::array();
  for (Json& resource : resources) {
    Json entry = Json::object();
    entry["fullUrl"] = FullUrl(clinic, resource);
    entry["resource"] = std::move(resource);
    entries.push_back(std::move(entry));
  }
  bundle["entry"] = std::move(entries);
  return bundle;
}

std::string ToJsonLine(const Json& resource) {
  return resource.dump(-1, ' ', /*ensure_ascii=*/false,
                       Json::error_handler_t::replace);
}

}  // namespace glutecare::fhir

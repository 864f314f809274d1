#include "server/domain/validation.h"

#include <cmath>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/util/field_mask_util.h"
#include "server/domain/calendar.h"
#include "server/domain/text.h"

namespace glutecare {
namespace {

using google::protobuf::util::FieldMaskUtil;

std::string Path(absl::string_view prefix, absl::string_view field) {
  return prefix.empty() ? std::string(field) : absl::StrCat(prefix, ".", field);
}

std::string Indexed(absl::string_view prefix, absl::string_view field, int i) {
  return absl::StrCat(Path(prefix, field), "[", i, "]");
}

// Checks text that may be empty unless `required`, against a length limit in
// characters, for valid UTF-8 and control characters.
void CheckText(absl::string_view value, absl::string_view field,
               size_t max_chars, bool required, bool multi_line,
               Violations& violations) {
  const std::optional<size_t> length = Utf8Length(value);
  if (!length.has_value()) {
    violations.Add(std::string(field), "must be valid UTF-8");
  } else if (required && absl::StripAsciiWhitespace(value).empty()) {
    violations.Add(std::string(field), "required");
  } else if (*length > max_chars) {
    violations.Add(std::string(field),
                   absl::StrCat("must be at most ", max_chars,
                                " characters (got ", *length, ")"));
  } else if (HasControlCharacters(value, multi_line)) {
    violations.Add(std::string(field), "must not contain control characters");
  }
}

void CheckIntRange(int64_t value, int64_t min, int64_t max,
                   absl::string_view field, absl::string_view unit,
                   Violations& violations) {
  if (value < min || value > max) {
    violations.Add(
        std::string(field),
        absl::StrCat("must be ", min, "-", max, unit, " (got ", value, ")"));
  }
}

// A required 0-10 NRS pain score held in a proto3 `optional int32`.
void CheckPain(bool present, int32_t value, absl::string_view field,
               Violations& violations) {
  if (!present) {
    violations.Add(std::string(field), "required: pain on the 0-10 scale");
    return;
  }
  CheckIntRange(value, kMinPain, kMaxPain, field, "", violations);
}

// A required enum: set, and a value this server knows (proto3 enums are open,
// so any number can arrive on the wire).
void CheckRequiredEnum(int value, bool (*is_valid)(int),
                       absl::string_view field, Violations& violations) {
  if (value == 0) {
    violations.Add(std::string(field), "required");
  } else if (!is_valid(value)) {
    violations.Add(std::string(field), absl::StrCat("unknown value ", value));
  }
}

void CheckPainArea(int value, absl::string_view field, Violations& violations) {
  CheckRequiredEnum(value, v1::PainArea_IsValid, field, violations);
}

// The catalog exercise named by `name`, or nullptr (with a violation).
const v1::Exercise* FindExercise(absl::string_view name,
                                 const ExerciseCatalog& catalog,
                                 absl::string_view field,
                                 Violations& violations) {
  absl::StatusOr<ExerciseName> parsed = ExerciseName::Parse(name, field);
  if (!parsed.ok()) {
    violations.AddAll(parsed.status());
    return nullptr;
  }
  const v1::Exercise* exercise = catalog.Find(name);
  if (exercise == nullptr) {
    violations.Add(std::string(field),
                   absl::StrCat("unknown exercise ", QuoteForMessage(name),
                                ": see ListExercises"));
  }
  return exercise;
}

// Steps of a quarter kilogram: the smallest plates and ankle weights.
constexpr double kWeightStepKg = 0.25;
constexpr double kMinWeightKg = 0.25;
constexpr double kMaxWeightKg = 250;

void CheckLoad(const v1::Load& load, const v1::Exercise* exercise,
               bool has_load, absl::string_view field, Violations& violations) {
  if (!has_load) {
    violations.Add(std::string(field), "required");
    return;
  }
  const std::string type_field = Path(field, "type");
  const std::string weight_field = Path(field, "weight_kg");
  CheckRequiredEnum(load.type(), v1::LoadType_IsValid, type_field, violations);
  if (!v1::LoadType_IsValid(load.type()) ||
      load.type() == v1::LOAD_TYPE_UNSPECIFIED) {
    return;
  }
  if (exercise != nullptr &&
      !ExerciseCatalog::AllowsLoad(*exercise, load.type())) {
    std::vector<std::string> allowed;
    for (int type : exercise->load_types()) {
      allowed.push_back(v1::LoadType_Name(static_cast<v1::LoadType>(type)));
    }
    violations.Add(type_field, absl::StrCat(v1::LoadType_Name(load.type()),
                                            " does not apply to ",
                                            exercise->name(), " (allowed: ",
                                            absl::StrJoin(allowed, ", "), ")"));
  }
  const double kg = load.weight_kg();
  if (load.type() == v1::LOAD_TYPE_EXTERNAL_WEIGHT) {
    if (!std::isfinite(kg) || kg < kMinWeightKg || kg > kMaxWeightKg) {
      violations.Add(weight_field,
                     absl::StrCat("must be ", kMinWeightKg, "-", kMaxWeightKg,
                                  " kg for an external weight (got ", kg, ")"));
    } else if (std::fmod(kg, kWeightStepKg) != 0) {
      violations.Add(weight_field,
                     absl::StrCat("must be a multiple of ", kWeightStepKg,
                                  " kg (got ", kg, ")"));
    }
  } else if (kg != 0) {
    violations.Add(weight_field,
                   absl::StrCat("must be 0 unless the load type is "
                                "LOAD_TYPE_EXTERNAL_WEIGHT (got ",
                                kg, ")"));
  }
}

// Exactly one of reps and hold_seconds, each within its range.
void CheckDose(int32_t reps, int32_t hold_seconds, int32_t max_reps,
               int32_t max_hold_seconds, absl::string_view prefix,
               Violations& violations) {
  if (reps != 0 && hold_seconds != 0) {
    violations.Add(Path(prefix, "hold_seconds"),
                   "set either reps or hold_seconds, not both");
  } else if (hold_seconds != 0) {
    CheckIntRange(hold_seconds, 1, max_hold_seconds,
                  Path(prefix, "hold_seconds"), " seconds", violations);
  } else {
    CheckIntRange(reps, 1, max_reps, Path(prefix, "reps"), "", violations);
  }
}

void CheckTherapistInClinic(absl::string_view therapist,
                            const ClinicName& clinic, absl::string_view field,
                            Violations& violations) {
  absl::StatusOr<TherapistName> name = TherapistName::Parse(therapist, field);
  if (!name.ok()) {
    violations.AddAll(name.status());
  } else if (name->parent() != clinic) {
    violations.Add(std::string(field),
                   absl::StrCat("must be a therapist of ", clinic.ToString()));
  }
}

absl::StatusOr<absl::CivilDay> ParseOptionalDate(absl::string_view text,
                                                 absl::string_view field,
                                                 Violations& violations) {
  absl::StatusOr<absl::CivilDay> day = ParseDate(text, field);
  if (!day.ok()) {
    violations.AddAll(day.status());
  }
  return day;
}

}  // namespace

absl::Time CheckTimestamp(const google::protobuf::Timestamp& timestamp,
                          absl::string_view field, Violations& violations) {
  // 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range of
  // google.protobuf.Timestamp.
  constexpr int64_t kMinSeconds = -62135596800;
  constexpr int64_t kMaxSeconds = 253402300799;
  if (timestamp.seconds() < kMinSeconds || timestamp.seconds() > kMaxSeconds) {
    violations.Add(std::string(field),
                   "must be between 0001-01-01 and 9999-12-31");
    return absl::InfinitePast();
  }
  if (timestamp.nanos() < 0 || timestamp.nanos() > 999'999'999) {
    violations.Add(std::string(field), "nanos must be 0-999999999");
    return absl::InfinitePast();
  }
  return absl::FromUnixSeconds(timestamp.seconds()) +
         absl::Nanoseconds(timestamp.nanos());
}

absl::StatusOr<int32_t> EffectivePageSize(int32_t requested) {
  if (requested == 0) return kDefaultPageSize;
  if (requested < 0 || requested > kMaxPageSize) {
    return InvalidFieldError(
        "page_size",
        absl::StrCat("must be 0-", kMaxPageSize, " (got ", requested, ")"));
  }
  return requested;
}

void CheckOptionalResourceId(absl::string_view id, absl::string_view field,
                             Violations& violations) {
  if (!id.empty() && !IsValidResourceId(id)) {
    violations.Add(std::string(field),
                   absl::StrCat(QuoteForMessage(id),
                                " is not a valid id: use 1-63 characters of "
                                "a-z, 0-9 and '-', starting with a letter"));
  }
}

void CheckRequestId(absl::string_view request_id, absl::string_view field,
                    Violations& violations) {
  bool ok = request_id.size() <= kMaxRequestIdChars;
  for (char c : request_id) {
    ok = ok && (absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
                c == '-' || c == '_');
  }
  if (!ok) {
    violations.Add(std::string(field),
                   absl::StrCat("must be at most ", kMaxRequestIdChars,
                                " characters of A-Z, a-z, 0-9, '-' and '_'"));
  }
}

absl::Status CheckEnumFilter(int value, bool (*is_valid)(int),
                             absl::string_view field) {
  if (is_valid(value)) return absl::OkStatus();
  return InvalidFieldError(std::string(field),
                           absl::StrCat("unknown value ", value));
}

void CheckDisplayName(absl::string_view value, absl::string_view field,
                      Violations& violations) {
  CheckText(value, field, kMaxDisplayNameChars, /*required=*/true,
            /*multi_line=*/false, violations);
}

void CheckClinic(const v1::Clinic& clinic, absl::string_view prefix,
                 Violations& violations) {
  CheckDisplayName(clinic.display_name(), Path(prefix, "display_name"),
                   violations);
  const std::string& system = clinic.identifier_system();
  if (system.empty()) return;
  const std::string field = Path(prefix, "identifier_system");
  CheckText(system, field, kMaxUriChars, false, false, violations);
  const size_t colon = system.find(':');
  const bool absolute_uri =
      colon != std::string::npos && colon > 0 &&
      absl::ascii_isalpha(static_cast<unsigned char>(system[0])) &&
      system.find(' ') == std::string::npos && colon + 1 < system.size();
  if (!absolute_uri) {
    violations.Add(field,
                   "must be an absolute URI such as urn:oid:1.2.3 or "
                   "https://clinic.example/mrn");
  }
}

void CheckTherapist(const v1::Therapist& therapist, absl::string_view prefix,
                    Violations& violations) {
  CheckDisplayName(therapist.display_name(), Path(prefix, "display_name"),
                   violations);
}

IntakeRule IntakeRuleForUpdate(const v1::Patient& current) {
  return {.pain_areas_required = !current.pain_areas().empty(),
          .baseline_pain_required = current.has_baseline_pain()};
}

void CheckPatient(const v1::Patient& patient, const ClinicName& clinic,
                  absl::string_view prefix, Violations& violations,
                  IntakeRule intake) {
  CheckDisplayName(patient.display_name(), Path(prefix, "display_name"),
                   violations);

  const std::string mrn_field = Path(prefix, "mrn");
  const std::string& mrn = patient.mrn();
  bool mrn_ok = !mrn.empty() && mrn.size() <= kMaxMrnChars;
  for (char c : mrn) {
    mrn_ok = mrn_ok && (absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
                        c == '.' || c == '_' || c == '-');
  }
  if (mrn.empty()) {
    violations.Add(mrn_field, "required: the clinic's medical record number");
  } else if (!mrn_ok) {
    violations.Add(mrn_field,
                   absl::StrCat("must be 1-", kMaxMrnChars,
                                " characters of A-Z, a-z, 0-9, '.', '_' and "
                                "'-' (got ",
                                QuoteForMessage(mrn), ")"));
  }

  absl::StatusOr<absl::TimeZone> zone =
      LoadTimeZone(patient.time_zone(), Path(prefix, "time_zone"));
  if (!zone.ok()) {
    violations.AddAll(zone.status());
  }

  const std::string areas_field = Path(prefix, "pain_areas");
  if (patient.pain_areas().empty() && intake.pain_areas_required) {
    violations.Add(areas_field, "required: at least one pain area");
  }
  absl::flat_hash_set<int> seen_areas;
  for (int i = 0; i < patient.pain_areas_size(); ++i) {
    const int area = patient.pain_areas(i);
    CheckPainArea(area, Indexed(prefix, "pain_areas", i), violations);
    if (!seen_areas.insert(area).second) {
      violations.Add(Indexed(prefix, "pain_areas", i), "listed twice");
    }
  }

  CheckTherapistInClinic(patient.therapist(), clinic, Path(prefix, "therapist"),
                         violations);
  if (patient.has_baseline_pain() || intake.baseline_pain_required) {
    CheckPain(patient.has_baseline_pain(), patient.baseline_pain(),
              Path(prefix, "baseline_pain"), violations);
  }
}

void CheckProgram(const v1::Program& program, const ExerciseCatalog& catalog,
                  const ClinicName& clinic, absl::string_view prefix,
                  Violations& violations) {
  CheckDisplayName(program.display_name(), Path(prefix, "display_name"),
                   violations);
  CheckRequiredEnum(program.status(), v1::ProgramStatus_IsValid,
                    Path(prefix, "status"), violations);

  const std::string start_field = Path(prefix, "start_date");
  absl::StatusOr<absl::CivilDay> start =
      ParseOptionalDate(program.start_date(), start_field, violations);
  if (!program.end_date().empty()) {
    const std::string end_field = Path(prefix, "end_date");
    absl::StatusOr<absl::CivilDay> end =
        ParseOptionalDate(program.end_date(), end_field, violations);
    if (start.ok() && end.ok() && *end < *start) {
      violations.Add(end_field, absl::StrCat("must not be before start_date ",
                                             program.start_date()));
    }
  }

  constexpr int kMaxPrescriptions = 20;
  const std::string list_field = Path(prefix, "prescriptions");
  if (program.prescriptions().empty()) {
    violations.Add(list_field, "required: at least one exercise");
  } else if (program.prescriptions_size() > kMaxPrescriptions) {
    violations.Add(list_field, absl::StrCat("at most ", kMaxPrescriptions,
                                            " exercises (got ",
                                            program.prescriptions_size(), ")"));
  }
  absl::flat_hash_set<std::string> seen_exercises;
  for (int i = 0; i < program.prescriptions_size() && i < kMaxPrescriptions;
       ++i) {
    const v1::Prescription& p = program.prescriptions(i);
    const std::string item = Indexed(prefix, "prescriptions", i);
    const std::string exercise_field = Path(item, "exercise");
    const v1::Exercise* exercise =
        FindExercise(p.exercise(), catalog, exercise_field, violations);
    if (exercise != nullptr && !seen_exercises.insert(p.exercise()).second) {
      violations.Add(exercise_field,
                     "prescribed twice: put each exercise in once");
    }
    CheckIntRange(p.sets(), 1, 10, Path(item, "sets"), "", violations);
    CheckDose(p.reps(), p.hold_seconds(), 100, 300, item, violations);
    CheckLoad(p.load(), exercise, p.has_load(), Path(item, "load"), violations);
    CheckIntRange(p.sessions_per_week(), 1, 14, Path(item, "sessions_per_week"),
                  " per week", violations);
    CheckText(p.notes(), Path(item, "notes"), kMaxShortNoteChars, false, true,
              violations);
  }

  if (!program.therapist().empty()) {
    CheckTherapistInClinic(program.therapist(), clinic,
                           Path(prefix, "therapist"), violations);
  }
  CheckText(program.notes(), Path(prefix, "notes"), kMaxNotesChars, false, true,
            violations);
  CheckIntRange(program.missed_session_alert_days(), 0, 30,
                Path(prefix, "missed_session_alert_days"), " days", violations);
}

void CheckSession(const v1::Session& session, const ExerciseCatalog& catalog,
                  const PatientName& patient, absl::Time now,
                  absl::string_view prefix, Violations& violations) {
  const std::string time_field = Path(prefix, "perform_time");
  if (!session.has_perform_time()) {
    violations.Add(time_field, "required: when the session started");
  } else {
    const auto& ts = session.perform_time();
    const absl::Time earliest = absl::FromCivil(kMinDate, absl::UTCTimeZone());
    const absl::Time latest = now + kMaxClockSkew;
    const absl::Time at =
        absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
    if (ts.nanos() < 0 || ts.nanos() > 999'999'999) {
      violations.Add(time_field, "nanos must be 0-999999999");
    } else if (at < earliest) {
      violations.Add(time_field, "must not be before 2000-01-01");
    } else if (at > latest) {
      violations.Add(
          time_field,
          absl::StrCat("must not be in the future (got ",
                       absl::FormatTime(at, absl::UTCTimeZone()),
                       ", server time ",
                       absl::FormatTime(now, absl::UTCTimeZone()), ")"));
    }
  }
  if (!session.local_date().empty()) {
    ParseOptionalDate(session.local_date(), Path(prefix, "local_date"),
                      violations);
  }

  // Empty or a program without its revision: the service resolves it.
  const std::string revision_field = Path(prefix, "program_revision");
  if (!session.program_revision().empty()) {
    absl::StatusOr<ProgramName> revision = ProgramName::ParseWithRevision(
        session.program_revision(), revision_field);
    if (!revision.ok()) {
      violations.AddAll(revision.status());
    } else if (revision->parent() != patient) {
      violations.Add(revision_field,
                     absl::StrCat("must be a program of ", patient.ToString()));
    }
  }

  constexpr int kMaxExercises = 20;
  const std::string list_field = Path(prefix, "exercises");
  if (session.exercises().empty()) {
    violations.Add(list_field, "required: at least one exercise");
  } else if (session.exercises_size() > kMaxExercises) {
    violations.Add(list_field,
                   absl::StrCat("at most ", kMaxExercises, " exercises (got ",
                                session.exercises_size(), ")"));
  }
  for (int i = 0; i < session.exercises_size() && i < kMaxExercises; ++i) {
    const v1::PerformedExercise& e = session.exercises(i);
    const std::string item = Indexed(prefix, "exercises", i);
    const v1::Exercise* exercise =
        FindExercise(e.exercise(), catalog, Path(item, "exercise"), violations);
    CheckIntRange(e.sets(), 1, 20, Path(item, "sets"), "", violations);
    CheckDose(e.reps(), e.hold_seconds(), 200, 600, item, violations);
    CheckLoad(e.load(), exercise, e.has_load(), Path(item, "load"), violations);
  }

  CheckPain(session.has_pain_before(), session.pain_before(),
            Path(prefix, "pain_before"), violations);
  CheckPain(session.has_pain_after(), session.pain_after(),
            Path(prefix, "pain_after"), violations);
  // Unset means the patient's first pain area (the service fills it in).
  if (session.pain_area() != v1::PAIN_AREA_UNSPECIFIED) {
    CheckPainArea(session.pain_area(), Path(prefix, "pain_area"), violations);
  }
  CheckRequiredEnum(session.difficulty(), v1::Difficulty_IsValid,
                    Path(prefix, "difficulty"), violations);
  CheckText(session.notes(), Path(prefix, "notes"), kMaxNotesChars, false, true,
            violations);
}

void CheckPainReport(const v1::PainReport& report, absl::string_view prefix,
                     Violations& violations) {
  if (!report.local_date().empty()) {
    ParseOptionalDate(report.local_date(), Path(prefix, "local_date"),
                      violations);
  }
  CheckPainArea(report.area(), Path(prefix, "area"), violations);
  CheckPain(report.has_score(), report.score(), Path(prefix, "score"),
            violations);
  CheckText(report.note(), Path(prefix, "note"), kMaxShortNoteChars, false,
            true, violations);
}

absl::StatusOr<std::string> SessionLocalDate(const v1::Session& session,
                                             absl::TimeZone zone,
                                             absl::string_view prefix) {
  const absl::Time at =
      absl::FromUnixSeconds(session.perform_time().seconds()) +
      absl::Nanoseconds(session.perform_time().nanos());
  const std::string derived = FormatDate(LocalDay(at, zone));
  if (!session.local_date().empty() && session.local_date() != derived) {
    return InvalidFieldError(
        Path(prefix, "local_date"),
        absl::StrCat("is ", session.local_date(), " but perform_time falls on ",
                     derived, " in the patient's time zone ", zone.name()));
  }
  return derived;
}

absl::StatusOr<std::string> PainReportLocalDate(const v1::PainReport& report,
                                                absl::TimeZone zone,
                                                absl::Time now,
                                                absl::string_view prefix) {
  const absl::CivilDay today = LocalDay(now, zone);
  if (report.local_date().empty()) return FormatDate(today);
  GLUTECARE_ASSIGN_OR_RETURN(
      absl::CivilDay day,
      ParseDate(report.local_date(), Path(prefix, "local_date")));
  if (day > today) {
    return InvalidFieldError(
        Path(prefix, "local_date"),
        absl::StrCat("must not be after the patient's today, ",
                     FormatDate(today), " in ", zone.name()));
  }
  return FormatDate(day);
}

absl::StatusOr<DateRange> ResolveReportRange(absl::string_view start_date,
                                             absl::string_view end_date,
                                             absl::CivilDay today) {
  Violations violations;
  DateRange range{today - (kDefaultReportDays - 1), today};
  if (!end_date.empty()) {
    absl::StatusOr<absl::CivilDay> end =
        ParseOptionalDate(end_date, "end_date", violations);
    if (end.ok()) range = {*end - (kDefaultReportDays - 1), *end};
  }
  if (!start_date.empty()) {
    absl::StatusOr<absl::CivilDay> start =
        ParseOptionalDate(start_date, "start_date", violations);
    if (start.ok()) range.start = *start;
  }
  if (violations.empty()) {
    if (range.start > range.end) {
      violations.Add("start_date", absl::StrCat("must not be after end_date ",
                                                FormatDate(range.end)));
    } else if (range.end - range.start + 1 > kMaxReportDays) {
      violations.Add(
          "start_date",
          absl::StrCat("the range may cover at most ", kMaxReportDays,
                       " days (got ", range.end - range.start + 1, ")"));
    }
  }
  GLUTECARE_RETURN_IF_ERROR(violations.ToStatus());
  return range;
}

absl::Status ApplyUpdateMaskTo(
    const google::protobuf::Message& update,
    const google::protobuf::FieldMask& mask,
    const absl::flat_hash_set<std::string>& allowed_paths,
    google::protobuf::Message* target) {
  google::protobuf::FieldMask effective;
  if (mask.paths().empty()) {
    for (const std::string& path : allowed_paths) effective.add_paths(path);
  } else {
    for (const std::string& path : mask.paths()) {
      if (!allowed_paths.contains(path)) {
        std::vector<std::string> sorted(allowed_paths.begin(),
                                        allowed_paths.end());
        std::sort(sorted.begin(), sorted.end());
        return InvalidFieldError(
            "update_mask",
            absl::StrCat(QuoteForMessage(path),
                         " cannot be updated; updatable fields: ",
                         absl::StrJoin(sorted, ", ")));
      }
      effective.add_paths(path);
    }
  }
  FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  FieldMaskUtil::MergeMessageTo(update, effective, options, target);
  return absl::OkStatus();
}

void CheckNewAccessToken(const v1::AccessToken& token, const ClinicName& clinic,
                         absl::Time now, absl::string_view prefix,
                         Violations& violations) {
  const std::string subject_field = Path(prefix, "subject");
  switch (token.role()) {
    case v1::ROLE_ADMIN:
    case v1::ROLE_INTEGRATION:
      if (!token.subject().empty()) {
        violations.Add(subject_field,
                       "must be empty for admin and integration tokens");
      }
      break;
    case v1::ROLE_THERAPIST:
      CheckTherapistInClinic(token.subject(), clinic, subject_field,
                             violations);
      break;
    case v1::ROLE_PATIENT: {
      absl::StatusOr<PatientName> patient =
          PatientName::Parse(token.subject(), subject_field);
      if (!patient.ok()) {
        violations.AddAll(patient.status());
      } else if (patient->parent() != clinic) {
        violations.Add(subject_field, absl::StrCat("must be a patient of ",
                                                   clinic.ToString()));
      }
      break;
    }
    default:
      violations.Add(Path(prefix, "role"),
                     "required: ROLE_ADMIN, ROLE_THERAPIST, ROLE_PATIENT or "
                     "ROLE_INTEGRATION");
  }
  CheckDisplayName(token.display_name(), Path(prefix, "display_name"),
                   violations);
  if (token.has_expire_time()) {
    const std::string field = Path(prefix, "expire_time");
    const absl::Time expire =
        CheckTimestamp(token.expire_time(), field, violations);
    if (expire == absl::InfinitePast()) return;
    if (expire <= now) {
      violations.Add(field, "must be in the future");
    } else if (expire > now + kMaxTokenLifetime) {
      violations.Add(field, "must be at most 400 days from now");
    }
  }
}

}  // namespace glutecare

#include "server/domain/resource_names.h"

#include <array>
#include <initializer_list>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "server/common/status.h"
#include "server/domain/text.h"

namespace glutecare {
namespace {

// Splits `name` into the ids that follow each of `collections`, in order:
// for {"clinics", "patients"}, "clinics/a/patients/b" gives {"a", "b"}.
absl::StatusOr<std::vector<std::string>> ParseSegments(
    absl::string_view name,
    std::initializer_list<absl::string_view> collections,
    absl::string_view field) {
  std::vector<std::string> pattern;
  for (absl::string_view collection : collections) {
    pattern.push_back(absl::StrCat(
        collection, "/{", collection.substr(0, collection.size() - 1), "}"));
  }
  const std::string expected = absl::StrJoin(pattern, "/");
  if (name.empty()) {
    return InvalidFieldError(std::string(field),
                             absl::StrCat("required: expected ", expected));
  }
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  bool shape_ok = parts.size() == 2 * collections.size();
  for (size_t i = 0; shape_ok && i < collections.size(); ++i) {
    shape_ok = parts[2 * i] == collections.begin()[i];
  }
  if (!shape_ok) {
    return InvalidFieldError(
        std::string(field), absl::StrCat("must have the form ", expected,
                                         " (got ", QuoteForMessage(name), ")"));
  }
  std::vector<std::string> ids;
  for (size_t i = 1; i < parts.size(); i += 2) {
    if (!IsValidResourceId(parts[i])) {
      return InvalidFieldError(
          std::string(field),
          absl::StrCat(QuoteForMessage(parts[i]),
                       " is not a valid id: use 1-63 characters of a-z, 0-9 "
                       "and '-', starting with a letter"));
    }
    ids.emplace_back(parts[i]);
  }
  return ids;
}

}  // namespace

bool IsValidResourceId(absl::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  if (id.front() < 'a' || id.front() > 'z' || id.back() == '-') return false;
  for (char c : id) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string GenerateResourceId() {
  static constexpr absl::string_view kLetters = "abcdefghijklmnopqrstuvwxyz";
  static constexpr absl::string_view kAlphabet =
      "abcdefghijklmnopqrstuvwxyz234567";
  static absl::Mutex mu(absl::kConstInit);
  static absl::BitGen* gen ABSL_GUARDED_BY(mu) = new absl::BitGen();
  absl::MutexLock lock(&mu);
  std::string id(16, ' ');
  id[0] = kLetters[absl::Uniform<size_t>(*gen, 0, kLetters.size())];
  for (size_t i = 1; i < id.size(); ++i) {
    id[i] = kAlphabet[absl::Uniform<size_t>(*gen, 0, kAlphabet.size())];
  }
  return id;
}

absl::StatusOr<ClinicName> ClinicName::Parse(absl::string_view name,
                                             absl::string_view field) {
  GLUTECARE_ASSIGN_OR_RETURN(auto ids, ParseSegments(name, {"clinics"}, field));
  return ClinicName{std::move(ids[0])};
}

std::string ClinicName::ToString() const {
  return absl::StrCat("clinics/", clinic);
}

absl::StatusOr<TherapistName> TherapistName::Parse(absl::string_view name,
                                                   absl::string_view field) {
  GLUTECARE_ASSIGN_OR_RETURN(
      auto ids, ParseSegments(name, {"clinics", "therapists"}, field));
  return TherapistName{std::move(ids[0]), std::move(ids[1])};
}

std::string TherapistName::ToString() const {
  return absl::StrCat("clinics/", clinic, "/therapists/", therapist);
}

absl::StatusOr<PatientName> PatientName::Parse(absl::string_view name,
                                               absl::string_view field) {
  GLUTECARE_ASSIGN_OR_RETURN(
      auto ids, ParseSegments(name, {"clinics", "patients"}, field));
  return PatientName{std::move(ids[0]), std::move(ids[1])};
}

std::string PatientName::ToString() const {
  return absl::StrCat("clinics/", clinic, "/patients/", patient);
}

absl::StatusOr<AccessTokenName> AccessTokenName::Parse(
    absl::string_view name, absl::string_view field) {
  GLUTECARE_ASSIGN_OR_RETURN(
      auto ids, ParseSegments(name, {"clinics", "accessTokens"}, field));
  return AccessTokenName{std::move(ids[0]), std::move(ids[1])};
}

std::string AccessTokenName::ToString() const {
  return absl::StrCat("clinics/", clinic, "/accessTokens/", access_token);
}

absl::StatusOr<ProgramName> ProgramName::Parse(absl::string_view name,
                                               absl::string_view field) {
  GLUTECARE_ASSIGN_OR_RETURN(
      auto ids,
      ParseSegments(name, {"clinics", "patients", "programs"}, field));
  return ProgramName{std::move(ids[0]), std::move(ids[1]), std::move(ids[2])};
}

absl::StatusOr<ProgramName> ProgramName::ParseWithRevision(
    absl::string_view name, absl::string_view field) {
  const size_t at = name.find('@');
  if (at == absl::string_view::npos) return Parse(name, field);
  GLUTECARE_ASSIGN_OR_RETURN(ProgramName program,
                             Parse(name.substr(0, at), field));
  absl::string_view revision = name.substr(at + 1);
  if (!absl::SimpleAtoi(revision, &program.revision_id) ||
      program.revision_id < 1 || revision.front() == '+') {
    return InvalidFieldError(
        std::string(field),
        absl::StrCat("the revision after '@' must be a whole number >= 1 "
                     "(got ",
                     QuoteForMessage(revision), ")"));
  }
  return program;
}

std::string ProgramName::ToString() const {
  return absl::StrCat("clinics/", clinic, "/patients/", patient, "/programs/",
                      program);
}

std::string ProgramName::ToRevisionString() const {
  return absl::StrCat(ToString(), "@", revision_id);
}

absl::StatusOr<SessionName> SessionName::Parse(absl::string_view name,
                                               absl::string_view field) {
  GLUTECARE_ASSIGN_OR_RETURN(
      auto ids,
      ParseSegments(name, {"clinics", "patients", "sessions"}, field));
  return SessionName{std::move(ids[0]), std::move(ids[1]), std::move(ids[2])};
}

std::string SessionName::ToString() const {
  return absl::StrCat("clinics/", clinic, "/patients/", patient, "/sessions/",
                      session);
}

absl::StatusOr<PainReportName> PainReportName::Parse(absl::string_view name,
                                                     absl::string_view field) {
  GLUTECARE_ASSIGN_OR_RETURN(
      auto ids,
      ParseSegments(name, {"clinics", "patients", "painReports"}, field));
  return PainReportName{std::move(ids[0]), std::move(ids[1]),
                        std::move(ids[2])};
}

std::string PainReportName::ToString() const {
  return absl::StrCat("clinics/", clinic, "/patients/", patient,
                      "/painReports/", pain_report);
}

absl::StatusOr<OutcomeAssignmentName> OutcomeAssignmentName::Parse(
    absl::string_view name, absl::string_view field) {
  GLUTECARE_ASSIGN_OR_RETURN(
      auto ids,
      ParseSegments(name, {"clinics", "patients", "outcomeAssignments"},
                    field));
  return OutcomeAssignmentName{std::move(ids[0]), std::move(ids[1]),
                               std::move(ids[2])};
}

std::string OutcomeAssignmentName::ToString() const {
  return absl::StrCat("clinics/", clinic, "/patients/", patient,
                      "/outcomeAssignments/", assignment);
}

absl::StatusOr<OutcomeResponseName> OutcomeResponseName::Parse(
    absl::string_view name, absl::string_view field) {
  GLUTECARE_ASSIGN_OR_RETURN(
      auto ids,
      ParseSegments(name, {"clinics", "patients", "outcomeResponses"}, field));
  return OutcomeResponseName{std::move(ids[0]), std::move(ids[1]),
                             std::move(ids[2])};
}

std::string OutcomeResponseName::ToString() const {
  return absl::StrCat("clinics/", clinic, "/patients/", patient,
                      "/outcomeResponses/", response);
}

absl::StatusOr<AlertName> AlertName::Parse(absl::string_view name,
                                           absl::string_view field) {
  GLUTECARE_ASSIGN_OR_RETURN(
      auto ids, ParseSegments(name, {"clinics", "patients", "alerts"}, field));
  return AlertName{std::move(ids[0]), std::move(ids[1]), std::move(ids[2])};
}

std::string AlertName::ToString() const {
  return absl::StrCat("clinics/", clinic, "/patients/", patient, "/alerts/",
                      alert);
}

absl::StatusOr<SuggestionName> SuggestionName::Parse(absl::string_view name,
                                                     absl::string_view field) {
  GLUTECARE_ASSIGN_OR_RETURN(
      auto ids,
      ParseSegments(name, {"clinics", "patients", "programs", "suggestions"},
                    field));
  return SuggestionName{std::move(ids[0]), std::move(ids[1]), std::move(ids[2]),
                        std::move(ids[3])};
}

std::string SuggestionName::ToString() const {
  return absl::StrCat(parent().ToString(), "/suggestions/", suggestion);
}

absl::StatusOr<ExerciseName> ExerciseName::Parse(absl::string_view name,
                                                 absl::string_view field) {
  GLUTECARE_ASSIGN_OR_RETURN(auto ids,
                             ParseSegments(name, {"exercises"}, field));
  return ExerciseName{std::move(ids[0])};
}

std::string ExerciseName::ToString() const {
  return absl::StrCat("exercises/", exercise);
}

}  // namespace glutecare

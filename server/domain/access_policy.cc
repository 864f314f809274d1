#include "server/domain/access_policy.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/common/status.h"
#include "server/domain/text.h"

namespace glutecare {
namespace {

constexpr v1::Role kAdmin = v1::ROLE_ADMIN;
constexpr v1::Role kTherapist = v1::ROLE_THERAPIST;
constexpr v1::Role kPatient = v1::ROLE_PATIENT;
constexpr v1::Role kIntegration = v1::ROLE_INTEGRATION;

// The README's access table is this table; keep them in step.
//
// Admins run the clinic's accounts: therapists, patient records (who needs a
// token), tokens and the audit trail, but no clinical data, and so none of
// its exports (minimum necessary). Integrations move the clinic's records in
// and out (patients in; programs, sessions, pain reports, outcomes and the
// bulk exports out). Patients read their own record (patient, programs,
// sessions, pain, reports, outcome scores and assignments, suggestions) and
// submit their sessions, pain check-ins and outcome answers. Therapists do
// the clinical work on every patient of their clinic, exporting one patient
// at a time.
constexpr MethodPolicy kPolicies[] = {
    // ClinicService
    {"/glutecare.v1.ClinicService/GetClinic",
     {kAdmin, kTherapist, kIntegration},
     Scope::kClinic,
     "name"},
    {"/glutecare.v1.ClinicService/CreateTherapist",
     {kAdmin},
     Scope::kClinic,
     "parent"},
    {"/glutecare.v1.ClinicService/GetTherapist",
     {kAdmin, kTherapist, kIntegration},
     Scope::kClinic,
     "name"},
    {"/glutecare.v1.ClinicService/ListTherapists",
     {kAdmin, kTherapist, kIntegration},
     Scope::kClinic,
     "parent"},
    // PatientService
    {"/glutecare.v1.PatientService/CreatePatient",
     {kAdmin, kTherapist, kIntegration},
     Scope::kClinic,
     "parent"},
    {"/glutecare.v1.PatientService/GetPatient",
     {kAdmin, kTherapist, kPatient, kIntegration},
     Scope::kClinic,
     "name"},
    {"/glutecare.v1.PatientService/ListPatients",
     {kAdmin, kTherapist, kIntegration},
     Scope::kClinic,
     "parent"},
    {"/glutecare.v1.PatientService/UpdatePatient",
     {kAdmin, kTherapist, kIntegration},
     Scope::kClinic,
     "patient.name"},
    // ExerciseService: the public catalog, no clinic data.
    {"/glutecare.v1.ExerciseService/GetExercise",
     {kAdmin, kTherapist, kPatient, kIntegration},
     Scope::kNone,
     ""},
    {"/glutecare.v1.ExerciseService/ListExercises",
     {kAdmin, kTherapist, kPatient, kIntegration},
     Scope::kNone,
     ""},
    // ProgramService
    {"/glutecare.v1.ProgramService/CreateProgram",
     {kTherapist},
     Scope::kClinic,
     "parent"},
    {"/glutecare.v1.ProgramService/GetProgram",
     {kTherapist, kPatient, kIntegration},
     Scope::kClinic,
     "name"},
    {"/glutecare.v1.ProgramService/ListPrograms",
     {kTherapist, kPatient, kIntegration},
     Scope::kClinic,
     "parent"},
    {"/glutecare.v1.ProgramService/UpdateProgram",
     {kTherapist},
     Scope::kClinic,
     "program.name"},
    {"/glutecare.v1.ProgramService/ListProgramRevisions",
     {kTherapist, kPatient, kIntegration},
     Scope::kClinic,
     "name"},
    // SessionService: patients report, everyone clinical reads.
    {"/glutecare.v1.SessionService/CreateSession",
     {kPatient},
     Scope::kClinic,
     "parent"},
    {"/glutecare.v1.SessionService/GetSession",
     {kTherapist, kPatient, kIntegration},
     Scope::kClinic,
     "name"},
    {"/glutecare.v1.SessionService/ListSessions",
     {kTherapist, kPatient, kIntegration},
     Scope::kClinic,
     "parent"},
    {"/glutecare.v1.SessionService/CreatePainReport",
     {kPatient},
     Scope::kClinic,
     "parent"},
    {"/glutecare.v1.SessionService/ListPainReports",
     {kTherapist, kPatient, kIntegration},
     Scope::kClinic,
     "parent"},
    // OutcomeService: the definitions are public like the exercise catalog;
    // therapists assign measures, patients answer them, and everyone
    // clinical reads the scores (issue 8).
    {"/glutecare.v1.OutcomeService/ListQuestionnaires",
     {kAdmin, kTherapist, kPatient, kIntegration},
     Scope::kNone,
     ""},
    {"/glutecare.v1.OutcomeService/GetQuestionnaire",
     {kAdmin, kTherapist, kPatient, kIntegration},
     Scope::kNone,
     ""},
    {"/glutecare.v1.OutcomeService/CreateOutcomeAssignment",
     {kTherapist},
     Scope::kClinic,
     "parent"},
    {"/glutecare.v1.OutcomeService/ListOutcomeAssignments",
     {kTherapist, kPatient, kIntegration},
     Scope::kClinic,
     "parent"},
    {"/glutecare.v1.OutcomeService/SubmitOutcomeResponse",
     {kPatient},
     Scope::kClinic,
     "parent"},
    {"/glutecare.v1.OutcomeService/GetOutcomeResponse",
     {kTherapist, kPatient, kIntegration},
     Scope::kClinic,
     "name"},
    {"/glutecare.v1.OutcomeService/ListOutcomeResponses",
     {kTherapist, kPatient, kIntegration},
     Scope::kClinic,
     "parent"},
    // ReportService: the therapist's clinical work, and the patient's own
    // progress.
    {"/glutecare.v1.ReportService/GetAdherenceReport",
     {kTherapist, kPatient},
     Scope::kClinic,
     "patient"},
    {"/glutecare.v1.ReportService/GetPainTrendReport",
     {kTherapist, kPatient},
     Scope::kClinic,
     "patient"},
    // RtmService (issue 8): therapists log management time and read the
    // reports; billing systems (integrations) read the reports only.
    {"/glutecare.v1.RtmService/LogManagementTime",
     {kTherapist},
     Scope::kClinic,
     "parent"},
    {"/glutecare.v1.RtmService/ListManagementTime",
     {kTherapist},
     Scope::kClinic,
     "parent"},
    {"/glutecare.v1.RtmService/GetRtmReport",
     {kTherapist, kIntegration},
     Scope::kClinic,
     "patient"},
    {"/glutecare.v1.RtmService/ListRtmReports",
     {kTherapist, kIntegration},
     Scope::kClinic,
     "parent"},
    // AlertService, SuggestionService, DashboardService: the therapist's
    // clinical work; a patient reads their program's suggestions, but only
    // the therapist decides on them.
    {"/glutecare.v1.AlertService/ListAlerts",
     {kTherapist},
     Scope::kClinic,
     "parent"},
    {"/glutecare.v1.AlertService/AcknowledgeAlert",
     {kTherapist},
     Scope::kClinic,
     "name"},
    {"/glutecare.v1.AlertService/ResolveAlert",
     {kTherapist},
     Scope::kClinic,
     "name"},
    {"/glutecare.v1.AlertService/WatchAlerts",
     {kTherapist},
     Scope::kClinic,
     "parent"},
    {"/glutecare.v1.SuggestionService/ListSuggestions",
     {kTherapist, kPatient},
     Scope::kClinic,
     "parent"},
    {"/glutecare.v1.SuggestionService/AcceptSuggestion",
     {kTherapist},
     Scope::kClinic,
     "name"},
    {"/glutecare.v1.SuggestionService/DismissSuggestion",
     {kTherapist},
     Scope::kClinic,
     "name"},
    {"/glutecare.v1.DashboardService/ListPatientStatuses",
     {kTherapist},
     Scope::kClinic,
     "parent"},
    // Clinic systems: integrations and the front office bring patients in.
    // The exports hold clinical data (CSV: sessions and pain), so none is
    // an admin's; a whole clinic's is a bulk export, the integration role's
    // alone; a therapist exports one patient at a time.
    {"/glutecare.v1.PatientImportService/ImportPatients",
     {kAdmin, kIntegration},
     Scope::kClinic,
     "parent"},
    {"/glutecare.v1.CsvExportService/ExportCsv",
     {kTherapist, kIntegration},
     Scope::kClinic,
     "parent",
     /*one_patient_at_a_time=*/{kTherapist}},
    {"/glutecare.v1.FhirExportService/ExportPatientBundle",
     {kTherapist, kIntegration},
     Scope::kClinic,
     "patient"},
    {"/glutecare.v1.FhirExportService/ExportClinicResources",
     {kIntegration},
     Scope::kClinic,
     "parent"},
    // AccessService, AuditService: the admin's, but for the caller's own
    // token, which every caller may read.
    {"/glutecare.v1.AccessService/GetCallerAccessToken",
     {kAdmin, kTherapist, kPatient, kIntegration},
     Scope::kNone,
     ""},
    {"/glutecare.v1.AccessService/CreateAccessToken",
     {kAdmin},
     Scope::kClinic,
     "parent"},
    {"/glutecare.v1.AccessService/ListAccessTokens",
     {kAdmin},
     Scope::kClinic,
     "parent"},
    {"/glutecare.v1.AccessService/RevokeAccessToken",
     {kAdmin},
     Scope::kClinic,
     "name"},
    {"/glutecare.v1.AuditService/ListAuditEvents",
     {kAdmin},
     Scope::kClinic,
     "parent"},
};

absl::Status NotFound(absl::string_view resource) {
  return WithReason(absl::NotFoundError(absl::StrCat(
                        QuoteForMessage(resource), " not found")),
                    reason::kResourceNotFound);
}

}  // namespace

absl::Span<const MethodPolicy> MethodPolicies() { return kPolicies; }

const MethodPolicy* FindMethodPolicy(absl::string_view method) {
  for (const MethodPolicy& policy : kPolicies) {
    if (policy.method == method) return &policy;
  }
  return nullptr;
}

absl::StatusOr<Target> ParseTarget(absl::string_view resource,
                                   absl::string_view field) {
  if (resource.empty()) {
    return InvalidFieldError(std::string(field), "required");
  }
  std::vector<absl::string_view> parts = absl::StrSplit(resource, '/');
  if (parts.size() < 2 || parts[0] != "clinics" ||
      !IsValidResourceId(parts[1])) {
    return InvalidFieldError(
        std::string(field),
        absl::StrCat("must be a resource name inside a clinic, "
                     "clinics/{clinic}/... (got ",
                     QuoteForMessage(resource), ")"));
  }
  Target target{.resource = std::string(resource),
                .clinic = ClinicName{std::string(parts[1])}};
  if (parts.size() >= 4 && parts[2] == "patients" && parts[3] != "-") {
    if (!IsValidResourceId(parts[3])) {
      return InvalidFieldError(
          std::string(field),
          absl::StrCat(QuoteForMessage(parts[3]),
                       " is not a valid patient id: use 1-63 characters of "
                       "a-z, 0-9 and '-', starting with a letter"));
    }
    target.patient = PatientName{target.clinic.clinic, std::string(parts[3])};
  }
  return target;
}

absl::Status CheckRole(const Principal& principal, const MethodPolicy& policy) {
  if (policy.roles.Contains(principal.role)) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      RoleWithArticle(principal.role), " may not call ", policy.method));
}

absl::Status Authorize(const Principal& principal, const MethodPolicy& policy,
                       const Target* target) {
  GLUTECARE_RETURN_IF_ERROR(CheckRole(principal, policy));
  if (policy.scope == Scope::kNone) return absl::OkStatus();
  if (target == nullptr) {
    return absl::InternalError(
        absl::StrCat(policy.method, " has no target to authorize"));
  }
  if (target->clinic != principal.clinic()) return NotFound(target->resource);
  if (principal.role == v1::ROLE_PATIENT) {
    if (!target->patient.has_value()) {
      return absl::PermissionDeniedError(
          "a patient may only read and write their own records, not a "
          "clinic's");
    }
    if (target->patient->ToString() != principal.subject) {
      return NotFound(target->resource);
    }
    return absl::OkStatus();
  }
  if (policy.one_patient_at_a_time.Contains(principal.role) &&
      !target->patient.has_value()) {
    return absl::PermissionDeniedError(absl::StrCat(
        RoleWithArticle(principal.role), " may call ", policy.method,
        " for one patient at a time, not for a whole clinic"));
  }
  return absl::OkStatus();
}

absl::string_view RoleLabel(v1::Role role) {
  switch (role) {
    case v1::ROLE_ADMIN:
      return "admin";
    case v1::ROLE_THERAPIST:
      return "therapist";
    case v1::ROLE_PATIENT:
      return "patient";
    case v1::ROLE_INTEGRATION:
      return "integration";
    default:
      return "principal without a role";
  }
}

std::string RoleWithArticle(v1::Role role) {
  const absl::string_view label = RoleLabel(role);
  const bool vowel = !label.empty() && absl::StrContains("aeiou", label[0]);
  return absl::StrCat(vowel ? "an " : "a ", label);
}

}  // namespace glutecare

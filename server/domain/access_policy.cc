#include "server/domain/access_policy.h"

#include <vector>

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
// Admins run the clinic's front office: therapists, patient records (who
// needs a token), tokens and the audit trail, but no clinical data.
// Integrations move the clinic's records in and out (patients in; programs,
// sessions and pain reports out). Patients see their own programs and their
// own sessions and pain check-ins, and submit the latter. Therapists do the
// clinical work on every patient of their clinic.
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
     {kAdmin, kTherapist, kIntegration},
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
    // ReportService, AlertService, SuggestionService, DashboardService: the
    // therapist's clinical work.
    {"/glutecare.v1.ReportService/GetAdherenceReport",
     {kTherapist},
     Scope::kClinic,
     "patient"},
    {"/glutecare.v1.ReportService/GetPainTrendReport",
     {kTherapist},
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
     {kTherapist},
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
    // Clinic systems (issue 7): integrations and the front office bring
    // patients in; CSV holds clinical data, so not for admins.
    {"/glutecare.v1.PatientImportService/ImportPatients",
     {kAdmin, kIntegration},
     Scope::kClinic,
     "parent"},
    {"/glutecare.v1.CsvExportService/ExportCsv",
     {kTherapist, kIntegration},
     Scope::kClinic,
     "parent"},
    // FHIR exports (issue 7): integrations and admins export their clinic;
    // a therapist exports one patient at a time, never the whole clinic.
    {"/glutecare.v1.FhirExportService/ExportPatientBundle",
     {kAdmin, kTherapist, kIntegration},
     Scope::kClinic,
     "patient"},
    {"/glutecare.v1.FhirExportService/ExportClinicResources",
     {kAdmin, kIntegration},
     Scope::kClinic,
     "parent"},
    // AccessService, AuditService: the admin's.
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
  return absl::NotFoundError(
      absl::StrCat(QuoteForMessage(resource), " not found"));
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
      "a ", RoleLabel(principal.role), " may not call ", policy.method));
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
  if (principal.role != v1::ROLE_PATIENT) return absl::OkStatus();
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

}  // namespace glutecare
